import type {KeyObject, X509Certificate} from 'node:crypto';
import {UsageError, parseCommandArgs} from './args.js';
import {printJson, readPassphrase, safeCheckPrivateKey, withFileName} from './certs-output.js';
import {readCertificateFile, readPrivateKeyFile} from '../certs/read.js';
import {summarizeCertificate} from '../certs/inspect.js';
import {
  checkCaCertificate,
  checkChain,
  checkIdentityCertificate,
  checkKeyMatches,
  type ChainLink,
} from '../certs/check.js';
import {formatFindings, hasErrors, type Finding} from '../certs/findings.js';

export async function runCheck(argv: string[]): Promise<number> {
  const {values} = parseCommandArgs(argv, {
    identity: {type: 'string'},
    key: {type: 'string'},
    chain: {type: 'string', multiple: true},
    ca: {type: 'string'},
    'registration-id': {type: 'string'},
    'passphrase-file': {type: 'string'},
    json: {type: 'boolean'},
  });
  if (!values.identity) throw new UsageError('certs check needs --identity FILE');
  const passphrase = await readPassphrase(values['passphrase-file']);
  const identityPath = values.identity;
  const bundle = await withFileName('--identity ', identityPath, () =>
    readCertificateFile(identityPath, {passphrase}),
  );
  // A PKCS#12 file may list its chain before the leaf: the leaf is the certificate of the key it holds.
  const leaf =
    bundle.certificates.find(
      (certificate) => bundle.privateKey && safeCheckPrivateKey(certificate, bundle.privateKey),
    ) ?? bundle.certificates[0]!;
  const chain = bundle.certificates.filter((certificate) => certificate !== leaf);
  for (const path of values.chain ?? []) {
    const extra = await withFileName('--chain ', path, () =>
      readCertificateFile(path, {passphrase}),
    );
    chain.push(...extra.certificates);
  }
  let ca: X509Certificate | undefined;
  if (values.ca) {
    const caPath = values.ca;
    ca = (await withFileName('--ca ', caPath, () => readCertificateFile(caPath, {passphrase})))
      .certificates[0];
  }
  let key: KeyObject | undefined = bundle.privateKey;
  if (values.key) {
    const keyPath = values.key;
    key = await withFileName('--key ', keyPath, () => readPrivateKeyFile(keyPath, {passphrase}));
  }

  const sections: {title: string; findings: Finding[]}[] = [
    {
      title: 'Identity certificate',
      findings: checkIdentityCertificate(leaf, {registrationId: values['registration-id']}),
    },
  ];
  if (key) sections.push({title: 'Private key', findings: checkKeyMatches(leaf, key)});
  if (ca) sections.push({title: 'CA certificate', findings: checkCaCertificate(ca)});
  let links: ChainLink[] = [];
  if (chain.length > 0 || ca) {
    const result = checkChain(leaf, chain, {trustAnchor: ca});
    links = result.links;
    sections.push({title: 'Chain', findings: result.findings});
  } else {
    sections.push({
      title: 'Chain',
      findings: [
        {
          severity: 'warning',
          code: 'chain-not-given',
          message:
            'no chain was checked: the file has only the leaf and no --chain or --ca was given',
          hint: 'give the full-chain file as --identity, or --chain and --ca (the CA enrolled in DPS)',
        },
      ],
    });
  }
  const findings = sections.flatMap((section) => section.findings);
  const ok = !hasErrors(findings);
  if (values.json) {
    printJson({ok, identity: summarizeCertificate(leaf), findings, chain: links});
  } else {
    const summary = summarizeCertificate(leaf);
    const lines = [
      `${identityPath}: CN ${summary.commonName ?? '(none)'}, SHA-1 ${summary.thumbprintSha1}`,
      `SHA-256 ${summary.thumbprintSha256}`,
      ...sections.map(
        (section) =>
          `\n${section.title}\n${section.findings.length > 0 ? formatFindings(section.findings) : 'ok      no problems found'}`,
      ),
      `\n${ok ? 'All checks passed.' : 'Some checks failed.'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return ok ? 0 : 1;
}

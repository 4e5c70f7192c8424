import {UsageError, parseCommandArgs} from './args.js';
import {printJson, readPassphrase, withFileName} from './certs-output.js';
import {readCertificateFile} from '../certs/read.js';
import {formatSummary, summarizeCertificate} from '../certs/inspect.js';

export async function runInspect(argv: string[]): Promise<number> {
  const {values, positionals} = parseCommandArgs(
    argv,
    {'passphrase-file': {type: 'string'}, json: {type: 'boolean'}},
    true,
  );
  if (positionals.length !== 1) {
    throw new UsageError('certs inspect takes exactly one FILE');
  }
  const path = positionals[0]!;
  const passphrase = await readPassphrase(values['passphrase-file']);
  const bundle = await withFileName('', path, () => readCertificateFile(path, {passphrase}));
  const summaries = bundle.certificates.map(summarizeCertificate);
  if (values.json) {
    printJson({
      ok: true,
      file: path,
      format: bundle.format,
      containsPrivateKey: bundle.containsPrivateKey,
      certificates: summaries,
    });
    return 0;
  }
  const heading = `${path}: ${bundle.certificates.length} certificate${bundle.certificates.length === 1 ? '' : 's'} (${formatNames[bundle.format]})`;
  const sections = summaries.map(
    (summary, index) =>
      `${summaries.length > 1 ? `Certificate ${index + 1} of ${summaries.length}\n` : ''}${formatSummary(summary)}`,
  );
  const keyNote = bundle.containsPrivateKey
    ? '\nwarning: this file also contains a private key: never upload it to DPS, and keep it 0600\n'
    : '';
  process.stdout.write(`${heading}\n\n${sections.join('\n\n')}\n${keyNote}`);
  return 0;
}

const formatNames = {
  pem: 'PEM',
  der: 'DER',
  'base64-der': 'base64 DER without PEM headers',
  pkcs7: 'PKCS#7',
  pkcs12: 'PKCS#12',
} as const;

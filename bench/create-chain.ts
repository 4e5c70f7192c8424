// The create-chain measurement of bench/startup.ts: the same test chain made by `dps-enroll certs create-chain`
// and by the equivalent sequence of openssl commands (what the IoT Edge docs' certGen script runs).
import {execFile} from 'node:child_process';
import {writeFile, readFile, mkdir} from 'node:fs/promises';
import {join} from 'node:path';

export type KeyType = 'rsa' | 'ec';

export const chainDays = '90';

export function run(command: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, {cwd}, (error, _stdout, stderr) =>
      error
        ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`))
        : resolve(),
    );
    child.stdin?.end();
  });
}

/** `dps-enroll certs create-chain` into out: root CA, intermediate CA and one identity certificate per device. */
export async function dpsEnrollChain(
  cli: string,
  out: string,
  keyType: KeyType,
  devices: string[],
) {
  await run(process.execPath, [
    cli,
    'certs',
    'create-chain',
    '--out',
    out,
    '--key-type',
    keyType,
    '--days',
    chainDays,
    ...devices.flatMap((name) => ['--device', name]),
  ]);
}

const extensions = `[ca]
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[identity]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

/** The same chain with openssl, one command after another, as certGen does. */
export async function opensslChain(out: string, keyType: KeyType, devices: string[]) {
  await mkdir(join(out, 'certs'), {recursive: true});
  await mkdir(join(out, 'private'), {recursive: true});
  await writeFile(join(out, 'extensions.cnf'), extensions);
  const newKey = (path: string, ca: boolean) =>
    keyType === 'ec'
      ? run(
          'openssl',
          ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path],
          out,
        )
      : run(
          'openssl',
          [
            'genpkey',
            '-algorithm',
            'RSA',
            '-pkeyopt',
            `rsa_keygen_bits:${ca ? 4096 : 2048}`,
            '-out',
            path,
          ],
          out,
        );
  const sign = async (name: string, cn: string, issuer: string, section: string) => {
    await run(
      'openssl',
      [
        'req',
        '-new',
        '-key',
        `private/${name}.key.pem`,
        '-subj',
        `/CN=${cn}`,
        '-out',
        `${name}.csr`,
      ],
      out,
    );
    await run(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `certs/${issuer}.cert.pem`,
        '-CAkey',
        `private/${issuer}.key.pem`,
        '-CAcreateserial',
        '-days',
        chainDays,
        '-sha256',
        '-extfile',
        'extensions.cnf',
        '-extensions',
        section,
        '-out',
        `certs/${name}.cert.pem`,
      ],
      out,
    );
  };
  const root = 'azure-iot-test-only.root.ca';
  const intermediate = 'azure-iot-test-only.intermediate';
  await newKey(`private/${root}.key.pem`, true);
  await run(
    'openssl',
    [
      'req',
      '-new',
      '-x509',
      '-key',
      `private/${root}.key.pem`,
      '-subj',
      `/CN=${root}`,
      '-days',
      chainDays,
      '-sha256',
      '-config',
      'extensions.cnf',
      '-extensions',
      'ca',
      '-out',
      `certs/${root}.cert.pem`,
    ],
    out,
  );
  await newKey(`private/${intermediate}.key.pem`, true);
  await sign(intermediate, 'azure-iot-test-only.intermediate.ca', root, 'ca');
  const rootPem = await readFile(join(out, `certs/${root}.cert.pem`), 'utf8');
  const intermediatePem = await readFile(join(out, `certs/${intermediate}.cert.pem`), 'utf8');
  await writeFile(
    join(out, `certs/${intermediate}-full-chain.cert.pem`),
    intermediatePem + rootPem,
  );
  for (const device of devices) {
    const name = `iot-edge-device-identity-${device}`;
    await newKey(`private/${name}.key.pem`, false);
    await sign(name, device, intermediate, 'identity');
    const devicePem = await readFile(join(out, `certs/${name}.cert.pem`), 'utf8');
    await writeFile(
      join(out, `certs/${name}-full-chain.cert.pem`),
      devicePem + intermediatePem + rootPem,
    );
  }
  await run(
    'openssl',
    [
      'verify',
      '-CAfile',
      `certs/${root}.cert.pem`,
      '-untrusted',
      `certs/${intermediate}.cert.pem`,
      ...devices.map((device) => `certs/iot-edge-device-identity-${device}.cert.pem`),
    ],
    out,
  );
}

// Benchmark: `dps-enroll certs create-chain` against the equivalent sequence of openssl commands (what the
// IoT Edge docs' certGen script runs), in one run, alternating, several times. Prints the medians and the ratio.
//
//   npm run build && node --import tsx bench/create-chain.ts [--runs 5] [--key-type rsa|ec] [--devices 1]
//
// This prints numbers; it asserts nothing. Results depend on the machine and on what else runs on it.
import {execFile} from 'node:child_process';
import {mkdtemp, rm, writeFile, readFile, mkdir} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const {values} = parseArgs({
  options: {
    runs: {type: 'string', default: '5'},
    'key-type': {type: 'string', default: 'rsa'},
    devices: {type: 'string', default: '1'},
  },
});
const runs = Number(values.runs);
const keyType = values['key-type'] === 'ec' ? 'ec' : 'rsa';
const devices = Array.from({length: Number(values.devices)}, (_, index) => `device-${index + 1}`);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const days = '90';

function run(command: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, {cwd}, (error, _stdout, stderr) =>
      error
        ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`))
        : resolve(),
    );
    child.stdin?.end();
  });
}

async function timed(action: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function dpsEnroll(out: string) {
  await run(process.execPath, [
    cli,
    'certs',
    'create-chain',
    '--out',
    out,
    '--key-type',
    keyType,
    '--days',
    days,
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
async function opensslChain(out: string) {
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
        days,
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
      days,
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

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const work = await mkdtemp(join(tmpdir(), 'dps-enroll-bench-'));
try {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    ours.push(await timed(() => dpsEnroll(join(work, `dps-${index}`))));
    theirs.push(await timed(() => opensslChain(join(work, `openssl-${index}`))));
    process.stdout.write(
      `run ${index + 1}/${runs}: dps-enroll ${ours.at(-1)!.toFixed(0)} ms, openssl ${theirs.at(-1)!.toFixed(0)} ms\n`,
    );
  }
  const ourMedian = median(ours);
  const theirMedian = median(theirs);
  const description = keyType === 'rsa' ? 'RSA 4096 CAs, RSA 2048 leaves' : 'EC P-256';
  process.stdout.write(
    `\ncreate-chain, root + intermediate + ${devices.length} device${devices.length === 1 ? '' : 's'} (${description}), ${runs} runs\n` +
      `  dps-enroll certs create-chain  median ${ourMedian.toFixed(0)} ms\n` +
      `  openssl commands               median ${theirMedian.toFixed(0)} ms\n` +
      `  ratio dps-enroll / openssl     ${(ourMedian / theirMedian).toFixed(2)} (below 1 = faster than openssl)\n`,
  );
} finally {
  await rm(work, {recursive: true, force: true});
}

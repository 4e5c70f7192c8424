import {resolve} from 'node:path';
import {UsageError, integerFlag, parseCommandArgs} from './args.js';
import {printJson, readPassphrase} from './certs-output.js';
import {createTestChain, FilesExistError} from '../certs/test-chain.js';

export async function runCreateChain(argv: string[]): Promise<number> {
  const {values} = parseCommandArgs(argv, {
    out: {type: 'string'},
    device: {type: 'string', multiple: true},
    'edge-ca': {type: 'string', multiple: true},
    'key-type': {type: 'string'},
    days: {type: 'string'},
    force: {type: 'boolean'},
    'passphrase-file': {type: 'string'},
    json: {type: 'boolean'},
  });
  if (!values.out) throw new UsageError('certs create-chain needs --out DIR');
  const keyType = values['key-type'] ?? 'rsa';
  if (keyType !== 'rsa' && keyType !== 'ec') {
    throw new UsageError(`--key-type must be rsa or ec, got "${keyType}"`);
  }
  const days = integerFlag('days', values.days, 1, 36500);
  const passphrase = await readPassphrase(values['passphrase-file']);
  const outDir = resolve(values.out);
  try {
    const written = await createTestChain({
      outDir,
      devices: values.device ?? [],
      edgeCas: values['edge-ca'] ?? [],
      keyType,
      days,
      force: values.force,
      passphrase,
    });
    if (values.json) {
      printJson({ok: true, outDir, files: written});
    } else {
      process.stdout.write(
        `Created a test chain in ${outDir} (for tests only, never for production):\n` +
          written
            .map((file) => `  ${file.path}${file.kind === 'private-key' ? '  (0600)' : ''}`)
            .join('\n') +
          '\n',
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof FilesExistError && values.json) {
      printJson({
        ok: false,
        error: {message: error.message, reason: 'files-exist', paths: error.paths},
      });
      process.stderr.write(`dps-enroll certs: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('importing the gateway loads neither Azure SDK (they load on first connect)', async () => {
  const script = `
    import {createRequire} from 'node:module';
    const gateway = await import('./source/dps/index.ts');
    const require = createRequire(import.meta.url);
    const azure = () => Object.keys(require.cache).filter((path) => /node_modules[\\\\/](@azure|azure-iot)/.test(path));
    const before = azure().length;
    await gateway.connectWithConnectionString(
      'HostName=localhost;SharedAccessKeyName=owner;SharedAccessKey=' + Buffer.alloc(32).toString('base64'),
    ).then((connected) => connected.close());
    console.log(JSON.stringify({before, after: azure().length}));
  `;
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {cwd: root},
      (error, stdout, stderr) =>
        error ? reject(new Error(stderr || error.message)) : resolve(stdout),
    ),
  );
  const counts = JSON.parse(output.trim()) as {before: number; after: number};
  assert.equal(counts.before, 0);
  assert.ok(counts.after > 0, 'connecting loads the service SDK');
});

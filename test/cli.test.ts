import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {runCli} from './helpers/run-cli.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

test('no arguments prints usage listing the commands', async () => {
  const result = await runCli([]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /Usage/);
  assert.match(result.stdout, /emulator/);
  assert.match(result.stdout, /certs/);
});

test('--version prints the package version, on the top level and on a command', async () => {
  for (const args of [['--version'], ['emulator', '--version'], ['certs', '-v']]) {
    const result = await runCli(args);
    assert.equal(result.code, 0, args.join(' '));
    assert.equal(result.stdout.trim(), pkg.version);
  }
});

test('--help works on every command', async () => {
  for (const command of ['emulator', 'certs']) {
    const result = await runCli([command, '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, new RegExp(`dps-enroll ${command}`));
  }
});

test('an unknown flag is a usage error with exit code 2 and names the flag', async () => {
  const result = await runCli(['--frobnicate']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown option --frobnicate/);
  assert.equal(result.stdout, '');
});

test('an unknown command is a usage error with exit code 2', async () => {
  const result = await runCli(['enrol']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown command "enrol"/);
});

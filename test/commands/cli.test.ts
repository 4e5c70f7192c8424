import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {runCli} from '../helpers/run-cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

test('--help lists the commands and the wizard options', async () => {
  const result = await runCli(['--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /Usage/);
  assert.match(result.stdout, /emulator/);
  assert.match(result.stdout, /certs/);
  assert.match(result.stdout, /--connection-string/);
  assert.match(result.stdout, /--device-code/);
});

test('no arguments opens the wizard, which without a terminal says what it needs (exit 2)', async () => {
  const result = await runCli([]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /needs an interactive terminal/);
});

test('a wizard flag that contradicts another is refused before anything starts', async () => {
  const result = await runCli([
    '--sandbox',
    '--connection-string',
    'HostName=x.azure-devices-provisioning.net;SharedAccessKeyName=p;SharedAccessKey=c2VjcmV0',
  ]);
  assert.equal(result.code, 2);
  assert.doesNotMatch(result.stderr, /c2VjcmV0/);
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

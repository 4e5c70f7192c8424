import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {runCli} from '../helpers/run-cli.js';
import {temporaryFolder, writePems} from '../helpers/certs-openssl.js';
import {issue, signedBy} from '../helpers/test-certificates.js';

// The DPS commands as a script runs them: dist/cli.js (run `npm run build` first), connecting through
// the same flags as the wizard (here the sandbox in a state folder of its own).

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
let sandbox: string[];

before(async () => {
  folder = await temporaryFolder('dps-enroll-cli-');
  sandbox = ['--sandbox', '--state-dir', join(folder.path, 'state')];
  const root = await issue('cli-root', 'ca', undefined, {validityDays: 30});
  const device = await signedBy(root, 'cli-edge-01');
  await writePems(folder.path, {'cli-edge-01.cert.pem': device.certificatePem});
});
after(() => folder.cleanup());

describe('dps-enroll enrollment|group|ca|registration from the command line', () => {
  test('--help lists the DPS commands and each has its own usage', async () => {
    const top = await runCli(['--help']);
    for (const command of ['enrollment', 'group', 'ca', 'registration']) {
      assert.match(top.stdout, new RegExp(`\\n  ${command} +\\S`));
      const own = await runCli([command, '--help']);
      assert.equal(own.code, 0);
      assert.match(own.stdout, new RegExp(`^dps-enroll ${command}: `));
      assert.match(own.stdout, /--connection-string/);
      assert.match(own.stdout, /Exit codes: 0 done, 1 .*\n2 usage error/);
    }
  });

  test('usage errors exit with code 2, say what to fix, and print nothing on stdout', async () => {
    for (const [args, message] of [
      [['enrollment'], /enrollment needs a subcommand: list, show, create, update or delete/],
      [['group', 'rename'], /unknown group subcommand "rename"/],
      [['enrollment', 'show'], /--enrollment-id is required/],
      [['enrollment', 'list', '--bogus'], /unknown option --bogus/],
      [
        ['enrollment', 'create', '--enrollment-id', 'e', '--edge-enabled', 'yes'],
        /--edge-enabled must be one of true, false/,
      ],
      [['ca', 'verify', '--certificate-name', 'root'], /--key is required/],
      [['registration', 'list', '--top', 'all'], /--group-id is required/],
      [
        ['enrollment', 'list', '--sandbox', '--connection-string', 'x'],
        /choose different connections/,
      ],
    ] as Array<[string[], RegExp]>) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
  });

  test('a malformed DPS_CONNECTION_STRING is a usage error that never prints the key', async () => {
    const result = await runCli(['enrollment', 'list'], {
      env: {DPS_CONNECTION_STRING: 'HostName=dps.example.net;SharedAccessKey=c2VjcmV0S2V5'},
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /DPS_CONNECTION_STRING/);
    assert.doesNotMatch(result.stderr + result.stdout, /c2VjcmV0S2V5/);
  });

  test('create, show --json and an unknown ID against the sandbox chosen by the flags', async () => {
    const created = await runCli(
      [
        'enrollment',
        'create',
        '--enrollment-id',
        'cli-edge-01',
        '--certificate-path',
        'cli-edge-01.cert.pem',
        '--json',
        ...sandbox,
      ],
      {cwd: folder.path},
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal(
      (JSON.parse(created.stdout) as {registrationId: string}).registrationId,
      'cli-edge-01',
    );

    const shown = await runCli([
      'enrollment',
      'show',
      '--enrollment-id',
      'cli-edge-01',
      '--json',
      ...sandbox,
    ]);
    assert.equal(shown.code, 0, shown.stderr);
    const enrollment = JSON.parse(shown.stdout) as {capabilities: {iotEdge: boolean}; etag: string};
    assert.equal(enrollment.capabilities.iotEdge, true);
    assert.ok(enrollment.etag);

    const unknown = await runCli(['group', 'show', '--enrollment-id', 'no-group', ...sandbox]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stdout, '');
    assert.match(
      unknown.stderr,
      /^dps-enroll group show: .*'no-group'.*does not exist.*\n {2}Check the ID/,
    );
    assert.doesNotMatch(unknown.stderr, /\n\s+at /);
  });
});

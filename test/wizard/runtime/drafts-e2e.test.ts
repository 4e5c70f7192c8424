import {after, afterEach, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {runCli} from '../../helpers/run-cli.js';
import {startInTmux, tmuxAvailable, type Pane} from '../../helpers/tmux.js';

/** A wizard killed as a dropped link would kill it, started again: it offers the draft, and resumes it. */

const cli = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const device = 'drafts-device-01';
const certificatePath = `chain/certs/iot-edge-device-identity-${device}.cert.pem`;
const skip = tmuxAvailable() ? false : 'tmux not installed';

/** The wizard's own process: the child of the pane's shell (`env` runs node in its place). */
function wizardPid(shellPid: number): number {
  const children = readFileSync(`/proc/${shellPid}/task/${shellPid}/children`, 'utf8').trim();
  const pid = Number(children.split(' ')[0]);
  assert.ok(pid > 0, `the pane's shell ${shellPid} has a child`);
  return pid;
}

describe('drafts in a terminal', () => {
  let folder = '';
  const panes: Pane[] = [];

  before(async () => {
    if (skip) return;
    folder = await mkdtemp(join(tmpdir(), 'dps-enroll-drafts-e2e-'));
    const created = await runCli(
      ['certs', 'create-chain', '--out', join(folder, 'chain'), '--device', device],
      {cwd: folder},
    );
    assert.equal(created.code, 0, created.stderr);
  });
  afterEach(async () => {
    for (const pane of panes.splice(0)) await pane.close();
  });
  after(async () => {
    if (folder) await rm(folder, {recursive: true, force: true});
  });

  async function start(stateHome: string) {
    const pane = await startInTmux(
      [process.execPath, cli, '--sandbox', '--state-dir', join(folder, 'sandbox')],
      {cwd: folder, env: {XDG_STATE_HOME: stateHome}},
    );
    panes.push(pane);
    return pane;
  }

  test(
    'typed values survive a SIGKILL: the next start offers them and Enter resumes',
    {skip},
    async () => {
      const stateHome = join(folder, 'state-home');
      const draftFile = join(stateHome, 'dps-enroll', 'draft.json');
      const first = await start(stateHome);
      await first.waitFor(/SANDBOX[^]*❯ Individual enrollment/);
      await first.keys('Enter');
      await first.waitFor('Device identity certificate');
      await first.type(certificatePath);
      await first.waitFor(`› ${certificatePath}`);
      await first.keys('Enter');
      await first.waitFor('Ready: press Enter');
      await first.keys('Enter');
      await first.waitFor('Secondary certificate');
      await first.keys('Enter');
      await first.waitFor(`Registration ID › ${device}`);
      await first.keys('C-u');
      await first.type('edge-resumed-01');
      await first.waitFor('Registration ID › edge-resumed-01');

      // The draft is written a moment after the typing stops.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const text = await readFile(draftFile, 'utf8').catch(() => '');
        if (text.includes('edge-resumed-01')) break;
        assert.ok(Date.now() < deadline, `the draft never held the typed ID: ${text}`);
        await sleep(50);
      }
      assert.equal((await stat(draftFile)).mode & 0o777, 0o600, 'the draft is 0600');
      assert.equal((await stat(join(stateHome, 'dps-enroll'))).mode & 0o777, 0o700);

      process.kill(wizardPid(Number(await first.display('#{pane_pid}'))), 'SIGKILL');
      await first.waitForExit();

      const second = await start(stateHome);
      const prompt = await second.waitFor('Resume where you stopped?');
      assert.match(prompt, /Individual enrollment, step "registration-id"/);
      assert.match(prompt, /For: the local sandbox DPS/);
      await second.keys('Enter');
      await second.waitFor('Registration ID › edge-resumed-01');
      // Back to the certificate: its path is kept and the file was read again.
      await second.keys('Escape');
      await second.waitFor('Secondary certificate');
      await second.keys('Escape');
      const certificate = await second.waitFor('Ready: press Enter');
      assert.match(certificate, new RegExp(`› ${certificatePath}`));
      assert.match(certificate, new RegExp(`CN=${device}`));

      // Ctrl+C keeps the draft for the next start, and says so.
      await second.keys('C-c');
      const exit = await second.waitForExit();
      assert.match(exit.screen, /kept as a draft/);
      assert.ok((await readFile(draftFile, 'utf8')).includes('edge-resumed-01'));
    },
  );

  test(
    'n starts fresh and deletes the draft; q with nothing typed leaves none',
    {skip},
    async () => {
      const stateHome = join(folder, 'state-fresh');
      const draftFile = join(stateHome, 'dps-enroll', 'draft.json');
      const first = await start(stateHome);
      await first.waitFor(/❯ Individual enrollment/);
      await first.keys('Enter');
      await first.waitFor('Device identity certificate');
      await first.type('some/file.pem');
      await first.waitFor('› some/file.pem');
      await first.keys('C-c');
      await first.waitForExit();
      assert.ok((await readFile(draftFile, 'utf8')).includes('some/file.pem'));

      const second = await start(stateHome);
      await second.waitFor('Resume where you stopped?');
      await second.type('n');
      await second.waitFor(/❯ Individual enrollment/);
      await second.type('q');
      const exit = await second.waitForExit();
      assert.equal(exit.code, 0);
      await assert.rejects(stat(draftFile), /ENOENT/, 'no draft after a clean quit');
    },
  );
});

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startEmulator} from '../../source/emulator/emulator.js';
import {
  lockFolderFor,
  lockStateDir,
  StateFolderInUseError,
} from '../../source/emulator/state-lock.js';
import {spawnEmulator, type EmulatorProcess} from '../helpers/emulator-process.js';

async function withFolder<T>(run: (folder: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'dps-enroll-lock-'));
  try {
    return await run(folder);
  } finally {
    await rm(folder, {recursive: true, force: true});
  }
}

/** Starts `dps-enroll emulator --state-dir` and kills it with SIGKILL: its lock socket is left behind. */
async function leaveStaleLock(stateDir: string): Promise<void> {
  const killed = await spawnEmulator(['--state-dir', stateDir]);
  killed.child.kill('SIGKILL');
  assert.equal(await killed.exited, 'SIGKILL');
  assert.ok((await readdir(join(stateDir, 'emulator.lock'))).length > 0, 'a lock socket is left');
}

test('20 concurrent starts on a folder with a stale lock: exactly one serves, 19 say it is in use', async () => {
  await withFolder(async (stateDir) => {
    await leaveStaleLock(stateDir);
    const starts = await Promise.allSettled(
      Array.from({length: 20}, () => spawnEmulator(['--state-dir', stateDir])),
    );
    const serving = starts
      .filter((start) => start.status === 'fulfilled')
      .map((start) => (start as PromiseFulfilledResult<EmulatorProcess>).value);
    const refused = starts
      .filter((start) => start.status === 'rejected')
      .map((start) => String((start as PromiseRejectedResult).reason));
    try {
      assert.equal(serving.length, 1, `one emulator serves; refusals: ${refused.join(' | ')}`);
      assert.equal(refused.length, 19);
      const winner = serving[0]!.child.pid;
      for (const message of refused) {
        assert.match(message, /exited \(1\)/);
        assert.match(
          message,
          new RegExp(
            `is in use by another emulator \\(process ${winner}\\).*--state-dir.*--in-memory`,
          ),
        );
      }
    } finally {
      for (const emulator of serving) emulator.child.kill('SIGTERM');
      await Promise.all(serving.map((emulator) => emulator.exited));
    }
    // The clean exit removed its own lock socket and the emptied lock folder; the winner removed the stale one.
    assert.equal(existsSync(join(stateDir, 'emulator.lock')), false);
  });
});

test('a lock left by a SIGKILLed emulator is taken over in-process; a live one is refused with its pid', async () => {
  await withFolder(async (stateDir) => {
    await leaveStaleLock(stateDir);
    const emulator = await startEmulator({stateDir});
    try {
      const running = await spawnEmulator(['--state-dir', stateDir]).catch(
        (error: Error) => error.message,
      );
      assert.equal(typeof running, 'string', 'a second emulator does not start');
      assert.match(
        running as string,
        new RegExp(`in use by another emulator \\(process ${process.pid}\\)`),
      );
      await assert.rejects(startEmulator({stateDir}), /in use by another emulator in this process/);
    } finally {
      await emulator.close();
    }
  });
});

test('an old-format lock file holding the pid of a running process does not block a start', async () => {
  await withFolder(async (stateDir) => {
    // The old lock was a file with the owner's pid; this one names a process that runs (this test).
    await writeFile(join(stateDir, 'emulator.lock'), String(process.pid));
    const emulator = await startEmulator({stateDir});
    try {
      assert.ok((await stat(join(stateDir, 'emulator.lock'))).isDirectory());
    } finally {
      await emulator.close();
    }
  });
});

test('lockStateDir: release lets the next one in; the error names the folder and the holder', async () => {
  await withFolder(async (stateDir) => {
    const release = await lockStateDir(stateDir);
    const refusal = await lockStateDir(stateDir).catch((error: unknown) => error);
    assert.ok(refusal instanceof StateFolderInUseError);
    assert.equal(refusal.stateDir, stateDir);
    await release();
    await release(); // twice is harmless
    assert.equal(
      existsSync(join(stateDir, 'emulator.lock')),
      false,
      'an emptied lock folder is removed',
    );
    const again = await lockStateDir(stateDir);
    assert.deepEqual(await readdir(join(stateDir, 'emulator.lock')), ['1']);
    await again();
  });
});

test('a state folder path too long for a socket address locks through a short folder in the runtime dir', async () => {
  await withFolder(async (base) => {
    const stateDir = join(base, 'a'.repeat(60), 'b'.repeat(60));
    await mkdir(stateDir, {recursive: true});
    const runtimeDir = join(base, 'run');
    await mkdir(runtimeDir);
    const env = {XDG_RUNTIME_DIR: runtimeDir};
    const lockFolder = lockFolderFor(stateDir, env);
    assert.match(lockFolder, new RegExp(`^${runtimeDir}/dps-enroll-[0-9a-f]{24}\\.lock$`));
    assert.equal(lockFolderFor(stateDir, env), lockFolder, 'the same folder every time');
    assert.notEqual(lockFolderFor(`${stateDir}x`, env), lockFolder);

    const release = await lockStateDir(stateDir, env);
    try {
      assert.equal((await stat(lockFolder)).mode & 0o777, 0o700);
      assert.equal(existsSync(join(stateDir, 'emulator.lock')), false);
      await assert.rejects(lockStateDir(stateDir, env), StateFolderInUseError);
    } finally {
      await release();
    }
  });
});

test('the state folder is created 0700, and an existing looser one is tightened', async () => {
  await withFolder(async (base) => {
    const created = join(base, 'new', 'state');
    const first = await startEmulator({stateDir: created});
    await first.close();
    assert.equal((await stat(created)).mode & 0o777, 0o700);

    const loose = join(base, 'loose');
    await mkdir(loose);
    await chmod(loose, 0o755);
    const second = await startEmulator({stateDir: loose});
    await second.close();
    assert.equal((await stat(loose)).mode & 0o777, 0o700);
  });
});

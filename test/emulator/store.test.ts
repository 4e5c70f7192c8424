import {test} from 'node:test';
import assert from 'node:assert/strict';
import {appendFile, mkdtemp, open, readFile, rm, stat, type FileHandle} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Store} from '../../source/emulator/store.js';

async function withFolder(run: (folder: string) => Promise<void>) {
  const folder = await mkdtemp(join(tmpdir(), 'dps-enroll-store-'));
  try {
    await run(folder);
  } finally {
    await rm(folder, {recursive: true, force: true});
  }
}

test('values survive a reopen, ids compare case-insensitively and deletes stick', async () => {
  await withFolder(async (folder) => {
    const store = await Store.open(folder);
    await store.put('enrollments', 'Device-01', {registrationId: 'Device-01'});
    await store.put('enrollments', 'device-02', {registrationId: 'device-02'});
    await store.delete('enrollments', 'DEVICE-02');
    await store.close();

    const reopened = await Store.open(folder);
    assert.deepEqual(reopened.get('enrollments', 'device-01'), {registrationId: 'Device-01'});
    assert.equal(reopened.get('enrollments', 'device-02'), undefined);
    assert.equal(reopened.list('enrollments').length, 1);
    await reopened.close();
  });
});

test('apply() is visible in memory before it is durable, and all of its operations land together', async () => {
  await withFolder(async (folder) => {
    const store = await Store.open(folder);
    const durable = store.apply([
      {collection: 'enrollmentGroups', id: 'g1', value: {n: 1}},
      {collection: 'enrollmentGroups', id: 'g2', value: {n: 2}},
    ]);
    assert.deepEqual(store.get('enrollmentGroups', 'g2'), {n: 2});
    await durable;
    await store.close();
    const reopened = await Store.open(folder);
    assert.deepEqual(
      reopened.list('enrollmentGroups').map((v) => (v as {n: number}).n),
      [1, 2],
    );
    await reopened.close();
  });
});

test('a torn last journal line is dropped and the journal is rewritten clean', async () => {
  await withFolder(async (folder) => {
    const store = await Store.open(folder);
    await store.put('certificates', 'root', {name: 'root'});
    await store.close();
    await appendFile(join(folder, 'journal.jsonl'), '[{"collection":"certificates","id":"half');

    const reopened = await Store.open(folder);
    assert.deepEqual(reopened.list('certificates'), [{name: 'root'}]);
    await reopened.put('certificates', 'second', {name: 'second'});
    await reopened.close();

    const again = await Store.open(folder);
    assert.deepEqual(
      again.list('certificates').map((v) => (v as {name: string}).name),
      ['root', 'second'],
    );
    await again.close();
    const journal = await readFile(join(folder, 'journal.jsonl'), 'utf8');
    assert.ok(!journal.includes('half'), 'the torn record is gone');
  });
});

test('state files are private to the user', async () => {
  await withFolder(async (folder) => {
    const stateDir = join(folder, 'state');
    const store = await Store.open(stateDir);
    await store.put('settings', 'keys', {primaryKey: 'secret'});
    await store.close();
    assert.equal((await stat(stateDir)).mode & 0o777, 0o700);
    assert.equal((await stat(join(stateDir, 'journal.jsonl'))).mode & 0o777, 0o600);
  });
});

test('an in-memory store keeps values without touching disk', async () => {
  const store = Store.inMemory();
  await store.put('registrations', 'r1', {registrationId: 'r1'});
  assert.deepEqual(store.get('registrations', 'R1'), {registrationId: 'r1'});
  await store.close();
});

test('after a failed journal write, later writes are refused instead of being acknowledged after a torn record', async () => {
  await withFolder(async (folder) => {
    const store = await Store.open(folder);
    await store.put('enrollments', 'kept', {n: 1});
    // Make the next write fail as a full disk or a lost mount would: the journal handle becomes read-only.
    const internals = store as unknown as {journal: FileHandle};
    await internals.journal.close();
    internals.journal = await open(join(folder, 'journal.jsonl'), 'r');
    await assert.rejects(store.put('enrollments', 'lost', {n: 2}), /could not be written/);
    await assert.rejects(store.put('enrollments', 'later', {n: 3}), /restarted/);
    assert.equal(
      store.get('enrollments', 'later'),
      undefined,
      'a refused write does not change memory',
    );

    await internals.journal.close();

    const reopened = await Store.open(folder);
    assert.deepEqual(reopened.list('enrollments'), [{n: 1}]);
    await reopened.close();
  });
});

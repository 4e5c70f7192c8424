import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFile,
  mkdtemp,
  open,
  readFile,
  rm,
  stat,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
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

/** A snapshot line as every version since the line-per-record snapshot writes it. */
const snapshotLine = (collection: string, key: string, value: unknown) =>
  `${collection}\t${JSON.stringify(key)}\t${JSON.stringify(value)}\n`;

test('a snapshot written by the previous version loads: multi-byte text, escaped ids, lines longer than a read', async () => {
  await withFolder(async (folder) => {
    const long = 'x'.repeat(3 << 20); // longer than one read of the file
    const values = new Map<string, unknown>([
      ['zürich-01', {registrationId: 'Zürich-01', note: 'ünïcødé ✓ 𝄞'}],
      ['tab\tand "quote"', {registrationId: 'tab\tand "quote"', text: 'line\nbreak'}],
      ['big', {registrationId: 'big', long}],
      ['after-big', {registrationId: 'after-big', n: 2}],
    ]);
    // Enough lines that many of them straddle two reads.
    for (let n = 0; n < 3000; n++) {
      values.set(`device-${n}`, {registrationId: `device-${n}`, pad: 'é'.repeat(n % 700)});
    }
    const lines = [...values].map(([key, value]) => snapshotLine('enrollments', key, value));
    lines.push(snapshotLine('settings', 'keys', {primaryKey: 'k'}));
    await writeFile(join(folder, 'snapshot.jsonl'), lines.join(''), {mode: 0o600});
    await writeFile(join(folder, 'journal.jsonl'), '', {mode: 0o600});

    const store = await Store.open(folder);
    for (const [key, value] of values) assert.deepEqual(store.get('enrollments', key), value, key);
    assert.deepEqual(store.get('settings', 'KEYS'), {primaryKey: 'k'});
    assert.deepEqual(store.list('enrollments'), [...values.values()]);
    const page = store.page<{registrationId: string}>('enrollments', {
      after: 'device-999',
      limit: 3,
    });
    assert.deepEqual(
      page.items.map((value) => value.registrationId),
      ['tab\tand "quote"', 'Zürich-01'],
    );
    await store.close();
    assert.equal(
      await readFile(join(folder, 'snapshot.jsonl'), 'utf8'),
      lines.join(''),
      'a clean folder is not rewritten at start-up',
    );
  });
});

test('a torn last journal line is cut off at start-up; the records before it stay and new ones follow them', async () => {
  await withFolder(async (folder) => {
    const store = await Store.open(folder);
    await store.put('enrollments', 'first', {n: 1});
    await store.put('enrollments', 'second', {n: 2});
    await store.close();
    const intact = await readFile(join(folder, 'journal.jsonl'), 'utf8');
    await appendFile(
      join(folder, 'journal.jsonl'),
      '[{"collection":"enrollments","id":"torn","val',
    );

    const reopened = await Store.open(folder);
    assert.equal(await readFile(join(folder, 'journal.jsonl'), 'utf8'), intact);
    assert.deepEqual(reopened.list('enrollments'), [{n: 1}, {n: 2}]);
    await reopened.put('enrollments', 'third', {n: 3});
    await reopened.close();

    const again = await Store.open(folder);
    assert.deepEqual(again.list('enrollments'), [{n: 1}, {n: 2}, {n: 3}]);
    await again.close();
  });
});

test('a corrupt journal record ends the replay: nothing after it was acknowledged', async () => {
  await withFolder(async (folder) => {
    const record = (id: string, n: number) =>
      `${JSON.stringify([{collection: 'enrollments', id, value: {n}}])}\n`;
    await writeFile(
      join(folder, 'journal.jsonl'),
      `${record('kept', 1)}[{"collection":garbage\n${record('after', 2)}`,
      {mode: 0o600},
    );
    const store = await Store.open(folder);
    assert.deepEqual(store.list('enrollments'), [{n: 1}]);
    await store.close();
    assert.equal(await readFile(join(folder, 'journal.jsonl'), 'utf8'), record('kept', 1));
  });
});

test('compaction over a snapshot: updated, deleted and untouched values, then writes after it, all read back', async () => {
  await withFolder(async (folder) => {
    const first = await Store.open(folder);
    await first.apply(
      Array.from({length: 500}, (_, n) => ({
        collection: 'enrollments' as const,
        id: `dev-${n}`,
        value: {n, text: 'ß'.repeat(n % 50)},
      })),
    );
    for (let n = 0; n < 1000; n++) await first.put('certificates', `ca-${n}`, {n});
    await first.close();
    const second = await Store.open(folder); // 1,001 journal records: compacted into a snapshot
    await second.close();
    assert.equal(await readFile(join(folder, 'journal.jsonl'), 'utf8'), '');

    const third = await Store.open(folder);
    for (let n = 0; n < 1000; n++) {
      if (n % 2) await third.put('enrollments', `dev-${n % 500}`, {n, updated: true});
      else await third.delete('certificates', `ca-${n}`);
    }
    await third.close();

    const expected = (store: Store) => {
      const enrollments = store.list<{n: number; updated?: boolean}>('enrollments');
      assert.equal(enrollments.length, 500);
      for (const [index, value] of enrollments.entries()) {
        if (index % 2) assert.deepEqual(value, {n: index + 500, updated: true}, `dev-${index}`);
        else assert.deepEqual(value, {n: index, text: 'ß'.repeat(index % 50)}, `dev-${index}`);
      }
      const certificates = store.list<{n: number}>('certificates').map((value) => value.n);
      assert.deepEqual(
        certificates,
        Array.from({length: 500}, (_, index) => index * 2 + 1),
      );
    };
    const compacted = await Store.open(folder); // replays 1,000 records over the snapshot, compacts again
    expected(compacted);
    await compacted.put('enrollments', 'dev-0', {n: 0, text: '', later: true});
    assert.deepEqual(compacted.get('enrollments', 'DEV-0'), {n: 0, text: '', later: true});
    await compacted.close();
    assert.equal((await readFile(join(folder, 'journal.jsonl'), 'utf8')).split('\n').length - 1, 1);

    const last = await Store.open(folder);
    assert.deepEqual(last.get('enrollments', 'dev-0'), {n: 0, text: '', later: true});
    assert.deepEqual(last.get('enrollments', 'dev-1'), {n: 501, updated: true});
    assert.deepEqual(last.get('enrollments', 'dev-498'), {n: 498, text: 'ß'.repeat(48)});
    assert.equal(last.get('certificates', 'ca-0'), undefined);
    await last.close();
  });
});

test('close() folds a journal of more than 8 MB into the snapshot, so that the next start has nothing to replay', async () => {
  await withFolder(async (folder) => {
    const store = await Store.open(folder);
    const text = 'y'.repeat(1000);
    for (let batch = 0; batch < 100; batch++) {
      await store.apply(
        Array.from({length: 100}, (_, n) => ({
          collection: 'enrollments' as const,
          id: `dev-${batch}-${n}`,
          value: {batch, n, text},
        })),
      );
    }
    assert.ok((await stat(join(folder, 'journal.jsonl'))).size > 8 << 20);
    await store.close();
    assert.equal(await readFile(join(folder, 'journal.jsonl'), 'utf8'), '');
    const lines = (await readFile(join(folder, 'snapshot.jsonl'), 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 10_000);

    const reopened = await Store.open(folder);
    assert.deepEqual(reopened.get('enrollments', 'DEV-99-99'), {batch: 99, n: 99, text});
    assert.equal(reopened.list('enrollments').length, 10_000);
    await reopened.close();
  });
});

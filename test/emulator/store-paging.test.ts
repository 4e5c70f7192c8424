import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Store, type Collection, type Page} from '../../source/emulator/store.js';

async function withFolder(run: (folder: string) => Promise<void>) {
  const folder = await mkdtemp(join(tmpdir(), 'dps-enroll-paging-'));
  try {
    await run(folder);
  } finally {
    await rm(folder, {recursive: true, force: true});
  }
}

type Value = {id: string; n: number; group?: string};

/** Every page of a collection, `limit` at a time, following `next`. */
function allPages(store: Store, collection: Collection, limit: number, group?: string) {
  const ids: string[] = [];
  const sizes: number[] = [];
  let after: string | undefined;
  for (;;) {
    const page = store.page<Value>(collection, {
      after,
      limit,
      filter: group === undefined ? undefined : (value) => value.group === group,
    });
    ids.push(...page.items.map((value) => value.id));
    sizes.push(page.items.length);
    if (page.next === undefined) return {ids, sizes};
    assert.ok(sizes.length <= 10_000, 'paging must end');
    after = page.next;
  }
}

/** Ids in a scrambled order and mixed case. */
function scrambledIds(prefix: string, count: number): string[] {
  return Array.from({length: count}, (_, index) => {
    const n = (index * 7919) % count;
    return `${n % 2 ? prefix.toUpperCase() : prefix}-${String(n).padStart(5, '0')}`;
  });
}

const byLowerCase = (ids: string[]) =>
  [...ids].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));

test('pages follow the lower-cased ids whatever the write order, per collection, and end without a next', async () => {
  const store = Store.inMemory();
  const enrollments = scrambledIds('Device', 2500);
  const groups = scrambledIds('group', 700);
  await store.apply(enrollments.map((id, n) => ({collection: 'enrollments', id, value: {id, n}})));
  await store.apply(groups.map((id, n) => ({collection: 'enrollmentGroups', id, value: {id, n}})));

  const paged = allPages(store, 'enrollments', 97);
  assert.deepEqual(paged.ids, byLowerCase(enrollments));
  assert.equal(paged.sizes.length, Math.ceil(2500 / 97));
  assert.equal(paged.sizes.at(-1), 2500 % 97);
  assert.deepEqual(allPages(store, 'enrollmentGroups', 100).ids, byLowerCase(groups));
  assert.deepEqual(allPages(store, 'registrations', 10), {ids: [], sizes: [0]});
  // A page that ends exactly at the last value says so: no next page to fetch empty.
  assert.deepEqual(allPages(store, 'enrollmentGroups', 700).sizes, [700]);
});

test('writes between pages: the cursor holds, later ids appear, deleted ones do not, none twice', async () => {
  const store = Store.inMemory();
  const ids = scrambledIds('dev', 600);
  await store.apply(ids.map((id, n) => ({collection: 'enrollments', id, value: {id, n}})));
  const first = store.page<Value>('enrollments', {limit: 100});
  assert.equal(first.next, 'dev-00099');

  await store.put('enrollments', 'DEV-00050x', {id: 'DEV-00050x', n: -1}); // before the cursor
  await store.put('enrollments', 'dev-00500x', {id: 'dev-00500x', n: -2}); // after it
  await store.delete('enrollments', 'dev-00200');
  await store.delete('enrollments', 'DEV-00099'); // the cursor's own id
  await store.put('enrollments', 'dev-00300', {id: 'dev-00300', n: 300, changed: true});

  const rest: string[] = [];
  let after: string | undefined = first.next;
  while (after !== undefined) {
    const page: Page<Value> = store.page<Value>('enrollments', {after, limit: 100});
    rest.push(...page.items.map((value) => value.id));
    after = page.next;
  }
  const expected = byLowerCase([...ids, 'dev-00500x']).filter(
    (id) => id.toLowerCase() > 'dev-00099' && id !== 'dev-00200',
  );
  assert.deepEqual(rest, expected);
  assert.equal(new Set([...first.items.map((v) => v.id), ...rest]).size, 100 + rest.length);
  assert.equal(
    store.page<Value & {changed?: boolean}>('enrollments', {after: 'dev-00299', limit: 1}).items[0]
      ?.changed,
    true,
  );
});

test('a filter counts only matching values: pages of the registrations of one group', async () => {
  const store = Store.inMemory();
  const ids = scrambledIds('reg', 1200);
  await store.apply(
    ids.map((id, n) => ({collection: 'registrations', id, value: {id, n, group: `g${n % 3}`}})),
  );
  const inGroup = ids.filter((_, n) => n % 3 === 1);
  const paged = allPages(store, 'registrations', 50, 'g1');
  assert.deepEqual(paged.ids, byLowerCase(inGroup));
  assert.ok(paged.sizes.slice(0, -1).every((size) => size === 50));
  assert.deepEqual(allPages(store, 'registrations', 50, 'nobody'), {ids: [], sizes: [0]});
});

test('restart: journal replay, then compaction, give back the same values, order and pages', async () => {
  await withFolder(async (folder) => {
    const store = await Store.open(folder);
    const expected = new Map<string, Value>();
    const ids = scrambledIds('Edge', 1500);
    // One apply() per id: 1,500 journal records, past the compaction threshold.
    for (const [n, id] of ids.entries()) {
      await store.put('enrollments', id, {id, n});
      expected.set(id.toLowerCase(), {id, n});
    }
    for (const id of ids.slice(0, 300)) {
      await store.delete('enrollments', id.toUpperCase());
      expected.delete(id.toLowerCase());
    }
    await store.put('settings', 'keys', {id: 'keys', n: 1, text: 'ünïcødé\ttab "quoted"\nline'});
    const listed = store.list<Value>('enrollments');
    await store.close();

    for (const round of ['replayed and compacted', 'from the snapshot']) {
      const reopened = await Store.open(folder);
      assert.deepEqual(reopened.list('enrollments'), listed, round);
      for (const [key, value] of expected)
        assert.deepEqual(reopened.get('enrollments', key), value);
      assert.equal(reopened.get('enrollments', ids[0]!), undefined, round);
      assert.deepEqual(
        allPages(reopened, 'enrollments', 128).ids,
        byLowerCase([...expected.values()].map((value) => value.id)),
        round,
      );
      assert.deepEqual(reopened.get('settings', 'KEYS'), {
        id: 'keys',
        n: 1,
        text: 'ünïcødé\ttab "quoted"\nline',
      });
      await reopened.close();
      assert.equal(await readFile(join(folder, 'journal.jsonl'), 'utf8'), '', round);
    }
    const snapshot = await readFile(join(folder, 'snapshot.jsonl'), 'utf8');
    assert.equal(snapshot.trimEnd().split('\n').length, 1200 + 1);
  });
});

test('compaction: the snapshot holds one line per value, written in place of a long journal', async () => {
  await withFolder(async (folder) => {
    const store = await Store.open(folder);
    for (let n = 0; n < 1000; n++) await store.put('certificates', `ca-${n}`, {id: `ca-${n}`, n});
    await store.close();
    const journal = await readFile(join(folder, 'journal.jsonl'), 'utf8');
    assert.equal(journal.split('\n').length - 1, 1000, 'not folded while running');

    const reopened = await Store.open(folder);
    await reopened.close();
    assert.equal(await readFile(join(folder, 'journal.jsonl'), 'utf8'), '');
    const lines = (await readFile(join(folder, 'snapshot.jsonl'), 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 1000);
    assert.equal(lines[7], 'certificates\t"ca-7"\t{"id":"ca-7","n":7}');
    assert.deepEqual(
      (await readdir(folder)).sort(),
      ['journal.jsonl', 'snapshot.jsonl'],
      'no temporary file is left',
    );
  });
});

test('an old state folder (snapshot.json and a journal) loads and is converted on first open', async () => {
  await withFolder(async (folder) => {
    const old = {
      enrollments: {
        'device-b': {registrationId: 'Device-B', etag: 'b'},
        'device-a': {registrationId: 'device-a', etag: 'a'},
      },
      certificates: {root: {name: 'root', isVerified: true}},
      settings: {keys: {primaryKey: 'k'}},
    };
    await writeFile(join(folder, 'snapshot.json'), JSON.stringify(old), {mode: 0o600});
    await writeFile(
      join(folder, 'journal.jsonl'),
      `${JSON.stringify([{collection: 'enrollments', id: 'Device-C', value: {registrationId: 'Device-C', etag: 'c'}}])}\n` +
        `${JSON.stringify([{collection: 'enrollments', id: 'DEVICE-A', value: null}])}\n`,
      {mode: 0o600},
    );

    const store = await Store.open(folder);
    const check = (opened: Store) => {
      assert.deepEqual(
        opened.list<{registrationId: string}>('enrollments').map((value) => value.registrationId),
        ['Device-B', 'Device-C'],
      );
      assert.deepEqual(
        opened.page<{etag: string}>('enrollments', {limit: 10}).items.map((value) => value.etag),
        ['b', 'c'],
      );
      assert.deepEqual(opened.get('certificates', 'ROOT'), {name: 'root', isVerified: true});
      assert.deepEqual(opened.get('settings', 'keys'), {primaryKey: 'k'});
    };
    check(store);
    await store.close();
    assert.deepEqual((await readdir(folder)).sort(), ['journal.jsonl', 'snapshot.jsonl']);

    const reopened = await Store.open(folder);
    check(reopened);
    await reopened.close();
  });
});

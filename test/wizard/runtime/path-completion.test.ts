import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {chmod, mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  completePath,
  expandPath,
  type PathContext,
} from '../../../source/wizard/runtime/path-completion.js';

let root: string;
let context: PathContext;

// root/
//   work/                  (cwd)
//     certs/  device.cert.pem  device.key.pem  my certs/  notes.txt  .hidden-key.pem  .config/
//     certs/root.ca.cert.pem
//     my certs/edge one.pem
//     linked -> certs
//     locked/secret.pem    (mode 000 during one test)
//   home/                  (fake home)
//     ca/  .ssh/
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'path-completion-'));
  const work = path.join(root, 'work');
  const home = path.join(root, 'home');
  for (const folder of [
    'work/certs',
    'work/my certs',
    'work/.config',
    'work/locked',
    'home/ca',
    'home/.ssh',
  ]) {
    await mkdir(path.join(root, folder), {recursive: true});
  }
  for (const file of [
    'work/device.cert.pem',
    'work/device.key.pem',
    'work/notes.txt',
    'work/.hidden-key.pem',
    'work/certs/root.ca.cert.pem',
    'work/my certs/edge one.pem',
    'work/locked/secret.pem',
  ]) {
    await writeFile(path.join(root, file), 'x');
  }
  await symlink(path.join(work, 'certs'), path.join(work, 'linked'));
  context = {cwd: work, home};
});

after(async () => {
  await chmod(path.join(root, 'work/locked'), 0o755).catch(() => undefined);
  await rm(root, {recursive: true, force: true});
});

test('expandPath resolves ~, relative and absolute paths', () => {
  assert.equal(expandPath('', context), context.cwd);
  assert.equal(expandPath('~', context), context.home);
  assert.equal(expandPath('~/ca/root.pem', context), path.join(context.home, 'ca/root.pem'));
  assert.equal(expandPath('certs/a.pem', context), path.join(context.cwd, 'certs/a.pem'));
  assert.equal(expandPath('../home', context), context.home);
  assert.equal(expandPath('/etc/aziot/config.toml', context), '/etc/aziot/config.toml');
  // '~user' is not expanded: it is a relative name like any other.
  assert.equal(expandPath('~other/x', context), path.join(context.cwd, '~other/x'));
});

test('a unique file completes fully', async () => {
  assert.deepEqual(await completePath('no', context), {
    value: 'notes.txt',
    candidates: [],
    matches: 1,
  });
  assert.deepEqual(await completePath('certs/r', context), {
    value: 'certs/root.ca.cert.pem',
    candidates: [],
    matches: 1,
  });
});

test('a unique directory gets a trailing slash, also through a symbolic link', async () => {
  assert.deepEqual(await completePath('ce', context), {
    value: 'certs/',
    candidates: [],
    matches: 1,
  });
  assert.deepEqual(await completePath('li', context), {
    value: 'linked/',
    candidates: [],
    matches: 1,
  });
  assert.deepEqual(await completePath('linked/', context), {
    value: 'linked/root.ca.cert.pem',
    candidates: [],
    matches: 1,
  });
});

test('several matches complete to their common prefix and list the candidates', async () => {
  assert.deepEqual(await completePath('dev', context), {
    value: 'device.',
    candidates: ['device.cert.pem', 'device.key.pem'],
    matches: 2,
  });
  // Already at the common prefix: the text stays, the candidates show what is there.
  const everything = await completePath('', context);
  assert.equal(everything.value, '');
  assert.deepEqual(everything.candidates, [
    'certs/',
    'device.cert.pem',
    'device.key.pem',
    'linked/',
    'locked/',
    'my certs/',
    'notes.txt',
  ]);
  assert.equal(everything.matches, 7);
});

test('the candidate list is cut at the limit while the match count stays whole', async () => {
  const limited = await completePath('', context, {limit: 3});
  assert.deepEqual(limited.candidates, ['certs/', 'device.cert.pem', 'device.key.pem']);
  assert.equal(limited.matches, 7);
});

test("'~/' completes in the home folder and keeps the '~/' the user typed", async () => {
  assert.deepEqual(await completePath('~/c', context), {
    value: '~/ca/',
    candidates: [],
    matches: 1,
  });
  assert.deepEqual(await completePath('~', context), {value: '~/', candidates: [], matches: 1});
  assert.deepEqual(await completePath('~/', context), {
    value: '~/ca/',
    candidates: [],
    matches: 1,
  });
});

test('absolute paths stay absolute', async () => {
  const typed = path.join(context.cwd, 'certs') + '/ro';
  assert.deepEqual(await completePath(typed, context), {
    value: path.join(context.cwd, 'certs', 'root.ca.cert.pem'),
    candidates: [],
    matches: 1,
  });
});

test('hidden entries appear only when the typed name starts with a dot', async () => {
  const visible = await completePath('', context);
  assert.ok(!visible.candidates.some((name) => name.startsWith('.')));
  assert.deepEqual(await completePath('.', context), {
    value: '.',
    candidates: ['.config/', '.hidden-key.pem'],
    matches: 2,
  });
  assert.deepEqual(await completePath('.h', context), {
    value: '.hidden-key.pem',
    candidates: [],
    matches: 1,
  });
  assert.deepEqual(await completePath('~/.s', context), {
    value: '~/.ssh/',
    candidates: [],
    matches: 1,
  });
});

test("'..' leads to the parent folder", async () => {
  assert.deepEqual(await completePath('..', context), {value: '../', candidates: [], matches: 1});
  assert.deepEqual(await completePath('../ho', context), {
    value: '../home/',
    candidates: [],
    matches: 1,
  });
});

test('no match leaves the text as it is', async () => {
  assert.deepEqual(await completePath('zzz', context), {value: 'zzz', candidates: [], matches: 0});
  assert.deepEqual(await completePath('certs/zzz', context), {
    value: 'certs/zzz',
    candidates: [],
    matches: 0,
  });
});

test('a missing folder, or a file used as a folder, gives no match', async () => {
  assert.deepEqual(await completePath('missing/x', context), {
    value: 'missing/x',
    candidates: [],
    matches: 0,
  });
  assert.deepEqual(await completePath('notes.txt/', context), {
    value: 'notes.txt/',
    candidates: [],
    matches: 0,
  });
});

test('an unreadable folder gives no match', async () => {
  const locked = path.join(context.cwd, 'locked');
  await chmod(locked, 0o000);
  try {
    const completion = await completePath('locked/s', context);
    if (process.getuid?.() === 0) {
      // root reads any folder, so the permission bits cannot hide it: completion still works.
      assert.deepEqual(completion, {value: 'locked/secret.pem', candidates: [], matches: 1});
    } else {
      assert.deepEqual(completion, {value: 'locked/s', candidates: [], matches: 0});
    }
  } finally {
    await chmod(locked, 0o755);
  }
});

test('names with spaces complete as they are, without shell escaping', async () => {
  assert.deepEqual(await completePath('my', context), {
    value: 'my certs/',
    candidates: [],
    matches: 1,
  });
  assert.deepEqual(await completePath('my certs/e', context), {
    value: 'my certs/edge one.pem',
    candidates: [],
    matches: 1,
  });
});

test('the common prefix never splits a character made of two UTF-16 units', async () => {
  const folder = path.join(root, 'emoji');
  await mkdir(folder);
  // U+1F600 and U+1F601 share their first UTF-16 unit.
  await writeFile(path.join(folder, '\u{1F600}a'), 'x');
  await writeFile(path.join(folder, '\u{1F601}b'), 'x');
  const completion = await completePath('../emoji/', context);
  assert.equal(completion.value, '../emoji/');
  assert.equal(completion.matches, 2);
});

test('a field that names a folder is offered folders only', async () => {
  const folders = await completePath('', context, {foldersOnly: true});
  assert.deepEqual(folders.candidates, ['certs/', 'linked/', 'locked/', 'my certs/']);
  assert.equal(folders.matches, 4);
  // Only files start with 'd' here: none is offered.
  assert.deepEqual(await completePath('d', context, {foldersOnly: true}), {
    value: 'd',
    candidates: [],
    matches: 0,
  });
});

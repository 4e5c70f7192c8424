import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {writeTextFile} from '../../../source/wizard/runtime/text-file.js';

test('a folder given as the file is refused as a folder, not offered for replacing', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'dps-enroll-text-file-'));
  try {
    await assert.rejects(writeTextFile(folder, 'x', false), /it is a folder: add a file name/);
    await assert.rejects(writeTextFile(folder, 'x', true), /it is a folder: add a file name/);
    const file = join(folder, 'config.toml');
    await writeFile(file, 'before');
    assert.equal(await writeTextFile(file, 'after', false), 'exists');
    assert.equal(await readFile(file, 'utf8'), 'before');
    assert.equal(await writeTextFile(file, 'after', true), 'written');
    assert.equal(await readFile(file, 'utf8'), 'after');
  } finally {
    await rm(folder, {recursive: true, force: true});
  }
});

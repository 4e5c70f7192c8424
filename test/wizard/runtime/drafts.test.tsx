import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {draftOf, parseDraft} from '../../../source/wizard/core/draft.js';
import type {WizardState} from '../../../source/wizard/core/state.js';
import {App} from '../../../source/wizard/runtime/app.js';
import {createDraftStore, draftPath, readDraft} from '../../../source/wizard/runtime/drafts.js';
import {createServices} from '../../../source/wizard/runtime/services.js';
import {draftOf as textOf} from '../../../source/wizard/shared/text-draft.js';
import {connected} from '../../helpers/app-state.js';
import {cleanup, frame, keys, press, render, waitForFrame} from '../../helpers/ink.js';

/** The draft file (where, its modes, atomic writes, a corrupt one), and the resume prompt as Ink draws it. */

function typed(id: string): WizardState {
  const state = connected();
  return {
    ...state,
    screen: {name: 'individual'},
    individual: {
      ...state.individual,
      step: 'registration-id',
      registrationId: textOf(id),
      registrationIdEdited: true,
    },
  };
}

describe('the draft file', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'dps-enroll-drafts-'));
  });
  after(async () => {
    await cleanup();
    if (folder) await rm(folder, {recursive: true, force: true});
  });

  test('its place: XDG_STATE_HOME when absolute, else ~/.local/state', () => {
    assert.equal(
      draftPath({XDG_STATE_HOME: '/x/state'}, '/home/u'),
      '/x/state/dps-enroll/draft.json',
    );
    assert.equal(draftPath({}, '/home/u'), '/home/u/.local/state/dps-enroll/draft.json');
    assert.equal(
      draftPath({XDG_STATE_HOME: 'relative'}, '/home/u'),
      '/home/u/.local/state/dps-enroll/draft.json',
    );
  });

  test('written once the changes settle: folder 0700, file 0600, no temp file left; empty deletes it', async () => {
    const path = join(folder, 'a', 'dps-enroll', 'draft.json');
    const store = createDraftStore({path, target: 'the local sandbox DPS', delayMs: 5});
    store.schedule(typed('edge-1'));
    store.schedule(typed('edge-12'));
    await store.flush();
    const found = await readDraft(path);
    assert.equal(found.draft?.individual.registrationId.value, 'edge-12', 'the last state');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(folder, 'a', 'dps-enroll'))).mode & 0o777, 0o700);
    assert.deepEqual(await readdir(join(folder, 'a', 'dps-enroll')), ['draft.json']);

    store.schedule(connected());
    await store.flush();
    await assert.rejects(stat(path), /ENOENT/, 'nothing typed: no draft');
  });

  test('remove deletes it after a write in progress', async () => {
    const path = join(folder, 'b', 'draft.json');
    const store = createDraftStore({path, target: 't', delayMs: 1000});
    store.schedule(typed('edge-2'));
    await store.flush();
    store.schedule(typed('edge-3'));
    await store.remove();
    await assert.rejects(stat(path), /ENOENT/);
  });

  test('a corrupt draft is ignored with a notice; a missing one is nothing', async () => {
    const path = join(folder, 'c', 'draft.json');
    assert.deepEqual(await readDraft(path), {});
    await mkdir(join(folder, 'c'));
    await writeFile(path, '{"version": 1, "sav');
    const found = await readDraft(path);
    assert.equal(found.draft, undefined);
    assert.match(found.notice ?? '', /unreadable and was ignored/);
  });

  test('the prompt on an 80x24 screen: where, for what, when; another DPS says so; Enter resumes', async () => {
    const draft = parseDraft(
      JSON.stringify(draftOf(typed('edge-gateway-07'), 'Azure: dps-prod in rg-prod', new Date())),
    );
    assert.ok(draft);
    const services = createServices({
      target: 'the local sandbox DPS',
      connect: () => new Promise(() => undefined),
      cwd: folder,
      home: folder,
    });
    const app = await render(<App services={services} start={{draft}} />, {columns: 80});
    const prompt = await waitForFrame(app, 'Resume where you stopped?');
    assert.match(prompt, /Individual enrollment, step "registration-id"/);
    assert.match(prompt, /For: Azure: dps-prod in rg-prod/);
    assert.match(prompt, /just now/);
    assert.match(prompt, /typed for Azure: dps-prod in rg-prod; this session is for the local/);
    assert.match(prompt, /Enter resume/);
    assert.ok(prompt.split('\n').length <= 24, 'fits 24 rows');
    await press(app, keys.enter);
    await waitForFrame(app, 'edge-gateway-07');
    assert.doesNotMatch(frame(app), /Resume where you stopped/);
    await services.closeAll();
  });

  test('a draft that could not be read: one line on the home screen', async () => {
    const services = createServices({
      target: 'the local sandbox DPS',
      connect: () => new Promise(() => undefined),
      cwd: folder,
      home: folder,
    });
    const notice = 'The saved draft in /x/draft.json was unreadable and was ignored.';
    const app = await render(<App services={services} start={{notice}} />, {columns: 80});
    await waitForFrame(app, notice);
    await services.closeAll();
  });

  test('the file holds no passphrase even when one was typed', async () => {
    const path = join(folder, 'd', 'draft.json');
    const store = createDraftStore({path, target: 't', delayMs: 1});
    const state = typed('edge-4');
    store.schedule({
      ...state,
      ca: {...state.ca, passphrase: textOf('s3cret-pass'), passphraseAsked: true},
    });
    await store.flush();
    const text = await readFile(path, 'utf8');
    assert.ok(!text.includes('s3cret-pass'));
  });
});

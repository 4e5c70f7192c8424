import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {caNameProblem} from '../../../../source/wizard/flows/ca/input.js';
import {
  checkVerificationFile,
  signWithCaKey,
} from '../../../../source/wizard/runtime/ca-signing.js';
import {readCertificateFor} from '../../../../source/wizard/runtime/certificate-file.js';
import {readCertificateFile} from '../../../../source/certs/read.js';
import type {CaCertificate} from '../../../../source/dps/types.js';
import {
  backspace,
  caListRead,
  connected,
  down,
  enter,
  escape,
  info,
  press,
  task,
  text,
  up,
  throttledWait,
} from '../../../helpers/app-state.js';
import {makeCa, signedBy} from '../../../helpers/test-certificates.js';
import {caAzCommands} from '../../../../source/wizard/flows/ca/outputs.js';
import {initialCaFlow, type CaOutcome} from '../../../../source/wizard/flows/ca/state.js';
import {isBusy, keyHints, reducer} from '../../../../source/wizard/core/reducer.js';
import {openFlow} from '../../../../source/wizard/core/flows.js';
import type {SharedOutcome} from '../../../../source/wizard/shared/effect.js';
import type {LoadedCertificate} from '../../../../source/wizard/shared/types.js';
import type {WizardState} from '../../../../source/wizard/core/state.js';

let folder = '';
let ca: LoadedCertificate;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dps-enroll-ca-flow-'));
  const root = await makeCa('contoso-root');
  await writeFile(join(folder, 'root.pem'), root.certificatePem);
  ca = await readCertificateFor('ca', 'root.pem', join(folder, 'root.pem'));
});

after(async () => {
  if (folder) await rm(folder, {recursive: true, force: true});
});

const stored = (name: string, etag: string, isVerified = false): CaCertificate => ({
  name,
  etag,
  isVerified,
  subject: 'CN=contoso-root',
  thumbprint: ca.summary.thumbprintSha1,
  certificatePem: ca.pem,
});

const result = (
  state: WizardState,
  kind: Parameters<typeof task>[1],
  outcome: CaOutcome | SharedOutcome,
) => reducer(state, {type: 'result', taskId: task(state, kind).id, outcome});

/** DPS throttles the call asked for: it waits `retryAfterSeconds` before its `attempt`. */
const throttledFor = (
  state: WizardState,
  kind: Parameters<typeof task>[1],
  retryAfterSeconds: number,
  attempt: number,
) =>
  reducer(state, {
    type: 'progress',
    taskId: task(state, kind).id,
    progress: {kind: 'waiting', wait: throttledWait(retryAfterSeconds, attempt)},
  });

/** The CA flow opened from the home screen. */
const enterCa = (state: WizardState) => openFlow(state, {flow: 'verify-ca', with: {kind: 'home'}});

/** The CA flow opened by the group for its `slot`, with the group's list of CA certificates. */
const enterCaForGroup = (state: WizardState, slot: 'primary' | 'secondary', name: string) =>
  openFlow(state, {
    flow: 'verify-ca',
    with: {kind: 'for-group', slot, name, certificates: state.group.caCertificates},
  });

/** The CA flow opened with the files of a test chain. */
const enterCaWithFiles = (
  state: WizardState,
  files: {certificatePath: string; keyPath: string; name: string},
) => openFlow(state, {flow: 'verify-ca', with: {kind: 'files', ...files}});

/** The CA screen with the list read as `certificates`. */
const listed = (certificates: CaCertificate[], start: WizardState = connected()): WizardState =>
  caListRead(enterCa(start), certificates);

/** The certificate file asked for read as `certificate`. */
const certificateRead = (state: WizardState, certificate: LoadedCertificate = ca): WizardState =>
  reducer(state, {
    type: 'result',
    taskId: task(state, 'read-certificate').id,
    outcome: {kind: 'certificate-read', certificate},
  });

/** DPS answers the code asked for with `verificationCode` and the certificate's new `etag`. */
const codeGenerated = (state: WizardState, etag: string, verificationCode: string) =>
  result(state, 'generate-verification-code', {kind: 'code', etag, verificationCode});

/** The verification certificate asked for signed as `certificatePem`. */
const signed = (state: WizardState, certificatePem: string) =>
  result(state, 'sign-verification-certificate', {kind: 'signed', certificatePem});

/** DPS answers the verification asked for with the certificate now verified. */
const verifiedAs = (state: WizardState, certificate: CaCertificate) =>
  result(state, 'verify-ca-certificate', {kind: 'verified', certificate});

/** From a listed DPS to the upload choice with `root.pem` read, named `name`. */
function toUploadChoice(name: string, certificates: CaCertificate[] = []): WizardState {
  let state = press(listed(certificates), up, enter, text(name), enter, text('root.pem'), enter);
  state = certificateRead(state);
  return press(state, enter);
}

/** A loop at the prove step for `name`, the code 'CODE1' generated with etag E2. */
function atProve(): WizardState {
  const state = listed([stored('contoso-root', 'E1')]);
  const generating = press(state, enter);
  return codeGenerated(generating, 'E2', 'CODE1');
}

describe('certificate names', () => {
  test('ARM allows up to 256 letters, digits, hyphens, dots and underscores', () => {
    assert.equal(caNameProblem('contoso-root_ca.2026'), undefined);
    assert.equal(caNameProblem('a'.repeat(256)), undefined);
    assert.match(caNameProblem('a'.repeat(257)) ?? '', /at most 256/);
    assert.match(caNameProblem('') ?? '', /type a name/);
    assert.match(caNameProblem('my root') ?? '', /contains a space, which is not allowed/);
    assert.match(caNameProblem('root/ca') ?? '', /contains '\/', which is not allowed/);
    assert.match(caNameProblem('root.') ?? '', /cannot end with '\.'/);
  });
});

describe('the CA flow', () => {
  test('with only a connection string it explains and offers the group path', () => {
    const start = connected();
    const stringOnly: WizardState = {
      ...start,
      connection: {
        status: 'connected',
        info: {...info, mode: 'connection-string', armAvailable: false},
      },
    };
    const opened = enterCa(stringOnly);
    assert.equal(opened.ca.step, 'needs-arm');
    assert.equal(opened.tasks.length, 0, 'nothing is asked of ARM');
    assert.equal(press(opened, enter).screen.name, 'group');
    assert.equal(press(opened, escape).screen.name, 'home');
  });

  test('Esc leaves a list still being read at once, and the keys typed meanwhile with it', () => {
    const opened = enterCa(connected());
    assert.equal(opened.ca.certificates.state, 'loading');
    const waiting = press(opened, down, enter);
    assert.equal(waiting.typeAhead.length, 2, 'keys wait for the list');
    const left = press(waiting, escape);
    assert.deepEqual(left.screen, {name: 'home', cursor: 0});
    assert.deepEqual(left.typeAhead, [], 'nothing typed for the list reaches the home screen');
  });

  test('opened again while its list is still read, the flow asks once: only the last answer lands', () => {
    const again = enterCa(press(enterCa(connected()), escape));
    const lists = again.tasks.filter((item) => item.kind === 'list-ca-certificates');
    assert.equal(lists.length, 1);
    assert.equal(again.ca.certificates.state, 'loading');
  });

  test('opened while connecting, a connection string turns the list into the explanation', () => {
    const start = connected();
    const connecting: WizardState = {...start, connection: {status: 'connecting', target: 'x'}};
    const opened = enterCa(connecting);
    assert.equal(opened.ca.step, 'list');
    const stringOnly: WizardState = {
      ...opened,
      connection: {status: 'connected', info: {...info, armAvailable: false}},
      ca: {...opened.ca, certificates: {state: 'idle'}},
      tasks: [],
    };
    assert.equal(press(stringOnly, enter).screen.name, 'group');
  });

  test('opening lists the certificates; keys typed while the list loads wait and replay in order', () => {
    const opened = enterCa(connected());
    assert.equal(task(opened, 'list-ca-certificates').owner, 'verify-ca');
    assert.equal(isBusy(opened), true);
    const typed = press(opened, enter);
    assert.equal(typed.typeAhead.length, 1);
    const shown = caListRead(typed, []);
    // The only row is "Add a CA certificate": the Enter typed early opens it.
    assert.equal(shown.ca.step, 'add-name');
  });

  test('Enter on a verified certificate says so; on an unverified one it generates a code with its etag', () => {
    const state = listed([stored('done-root', 'V1', true), stored('contoso-root', 'E1')]);
    const onVerified = press(state, enter);
    assert.equal(onVerified.ca.step, 'list');
    assert.match(onVerified.ca.notice ?? '', /verified already/);
    const generating = press(state, down, enter);
    assert.equal(generating.ca.step, 'generating');
    assert.deepEqual(
      {...task(generating, 'generate-verification-code'), id: 0},
      {
        id: 0,
        owner: 'verify-ca',
        kind: 'generate-verification-code',
        name: 'contoso-root',
        etag: 'E1',
      },
    );
  });

  test('a name already in the list goes to its certificate without uploading', () => {
    const state = press(listed([stored('contoso-root', 'E1')]), down, enter);
    assert.equal(state.ca.step, 'add-name');
    const named = press(state, text('Contoso-Root'), enter);
    assert.equal(named.ca.step, 'name-exists');
    assert.equal(named.ca.existing?.etag, 'E1');
    assert.equal(named.tasks.length, 0);
  });

  test('an invalid name is refused on Enter and kept for editing', () => {
    const state = press(listed([]), enter, text('my root'), enter);
    assert.equal(state.ca.step, 'add-name');
    assert.equal(state.ca.name.value, 'my root');
    assert.match(state.ca.stepError ?? '', /contains a space, which is not allowed/);
  });

  test('the certificate file is read as a CA; upload asks DPS with the chosen verified option', () => {
    let state = press(listed([]), enter, text('contoso-root'), enter, text('root.pem'), enter);
    assert.equal(task(state, 'read-certificate').purpose, 'ca');
    state = certificateRead(state);
    state = press(state, enter);
    assert.equal(state.ca.step, 'add-verified');
    const proving = press(state, enter);
    assert.equal(task(proving, 'upload-ca-certificate').verified, false);
    assert.equal(task(proving, 'upload-ca-certificate').certificatePem, ca.pem);
    const trusted = press(state, down, enter);
    assert.equal(task(trusted, 'upload-ca-certificate').verified, true);
  });

  test('etags chain: upload E1 → code with E1 → E2 → sign → verify with E2', () => {
    const uploading = press(toUploadChoice('contoso-root'), enter);
    const generating = result(uploading, 'upload-ca-certificate', {
      kind: 'uploaded',
      certificate: stored('contoso-root', 'E1'),
    });
    assert.equal(task(generating, 'generate-verification-code').etag, 'E1');
    const proving = codeGenerated(generating, 'E2', 'CODE1');
    assert.equal(proving.ca.step, 'prove');
    assert.equal(proving.ca.verificationCode, 'CODE1');
    const signing = press(proving, text('root.key.pem'), enter);
    const sign = task(signing, 'sign-verification-certificate');
    assert.equal(sign.keyPath, 'root.key.pem');
    assert.equal(sign.verificationCode, 'CODE1');
    assert.equal(sign.caCertificatePem, ca.pem);
    assert.equal(sign.passphrase, undefined);
    const verifying = signed(signing, 'PROOF');
    const verify = task(verifying, 'verify-ca-certificate');
    assert.equal(verify.etag, 'E2');
    assert.equal(verify.certificatePem, 'PROOF');
    const done = verifiedAs(verifying, stored('contoso-root', 'E3', true));
    assert.equal(done.ca.step, 'verified');
    assert.equal(done.ca.target?.etag, 'E3');
  });

  test('an existing name on upload is shown first; only a single r replaces it, with its etag', () => {
    const uploading = press(toUploadChoice('contoso-root'), enter);
    const typedAhead = press(uploading, text('r'));
    const exists = result(typedAhead, 'upload-ca-certificate', {
      kind: 'name-taken',
      certificate: stored('contoso-root', 'OLD'),
    });
    assert.equal(exists.ca.step, 'name-exists');
    assert.deepEqual(exists.typeAhead, [], 'an r typed while uploading replaces nothing');
    assert.equal(exists.tasks.length, 0);
    assert.equal(press(exists, text('rr')).tasks.length, 0, 'a paste decides nothing');
    const replacing = press(exists, text('r'));
    assert.equal(task(replacing, 'upload-ca-certificate').replaceEtag, 'OLD');
    const usingIt = press(exists, enter);
    assert.equal(task(usingIt, 'generate-verification-code').etag, 'OLD');
    assert.equal(press(exists, escape).ca.step, 'add-name');
  });

  test('replacing a listed name before choosing the file asks once: the upload carries its etag', () => {
    const existing = stored('contoso-root', 'OLD');
    const named = press(listed([existing]), down, enter, text('contoso-root'), enter);
    assert.equal(named.ca.step, 'name-exists');
    const toFile = press(named, text('r'));
    assert.equal(toFile.ca.step, 'add-file');
    const choice = press(certificateRead(press(toFile, text('root.pem'), enter)), enter);
    assert.equal(choice.ca.step, 'add-verified');
    assert.equal(task(press(choice, enter), 'upload-ca-certificate').replaceEtag, 'OLD');
    // Back to the name and another one typed: that upload creates, replacing nothing.
    const renamed = press(choice, escape, escape, backspace, text('2'), enter);
    assert.equal(renamed.ca.step, 'add-file');
    const created = press(renamed, enter, enter);
    assert.equal(task(created, 'upload-ca-certificate').name, 'contoso-roo2');
    assert.equal(task(created, 'upload-ca-certificate').replaceEtag, undefined);
  });

  test('a key that does not match is reported on the prove step with the path kept, and nothing is verified', () => {
    const signing = press(atProve(), text('wrong.key.pem'), enter);
    const refused = result(signing, 'sign-verification-certificate', {
      kind: 'key-problem',
      message: "this key does not match CA 'contoso-root' (RSA 4096 vs EC P-256)",
    });
    assert.equal(refused.ca.step, 'prove');
    assert.equal(refused.ca.privateKeyFile.path.value, 'wrong.key.pem');
    assert.match(refused.ca.stepError ?? '', /does not match/);
    assert.equal(refused.tasks.length, 0);
  });

  test('an encrypted key asks for the passphrase; a wrong one is said so and cleared', () => {
    const signing = press(atProve(), text('root.key.pem'), enter);
    const asking = result(signing, 'sign-verification-certificate', {kind: 'passphrase-required'});
    assert.equal(asking.ca.step, 'passphrase');
    const retrying = press(asking, text('secret'), enter);
    assert.equal(task(retrying, 'sign-verification-certificate').passphrase, 'secret');
    const wrong = result(retrying, 'sign-verification-certificate', {
      kind: 'wrong-passphrase',
      message: 'the passphrase does not open root.key.pem',
    });
    assert.equal(wrong.ca.step, 'passphrase');
    assert.equal(wrong.ca.passphrase.value, '');
    assert.match(wrong.ca.stepError ?? '', /does not open/);
    const back = press(wrong, escape);
    assert.equal(back.ca.step, 'prove');
    assert.equal(back.ca.privateKeyFile.path.value, 'root.key.pem');

    // Verified, the passphrase is forgotten: the next loop asks for it again.
    const verifying = signed(retrying, 'PROOF');
    const done = verifiedAs(verifying, stored('contoso-root', 'E3', true));
    assert.equal(done.ca.passphrase.value, '');
    assert.equal(done.ca.passphraseAsked, false);
  });

  test('a code changed elsewhere: one Enter generates a new code with the fresh etag and signs again', () => {
    const signing = press(atProve(), text('root.key.pem'), enter);
    const verifying = signed(signing, 'PROOF');
    const changed = result(verifying, 'verify-ca-certificate', {
      kind: 'code-changed',
      certificate: stored('contoso-root', 'FRESH'),
      message: 'a new verification code was generated elsewhere meanwhile',
    });
    assert.equal(changed.ca.step, 'verify-failed');
    assert.equal(changed.ca.failure?.kind, 'stale-etag');
    const generating = press(changed, enter);
    assert.equal(task(generating, 'generate-verification-code').etag, 'FRESH');
    const resigning = codeGenerated(generating, 'E5', 'CODE2');
    const sign = task(resigning, 'sign-verification-certificate');
    assert.equal(sign.verificationCode, 'CODE2');
    assert.equal(sign.keyPath, 'root.key.pem');
  });

  test('the manual path checks the file against the code and the CA, then verifies with it', () => {
    const checking = press(atProve(), down, text('proof.pem'), enter);
    const check = task(checking, 'check-verification-certificate');
    assert.equal(check.verificationCode, 'CODE1');
    assert.equal(isBusy(checking), true);
    const refused = result(checking, 'check-verification-certificate', {
      kind: 'verification-checked',
      certificate: ca,
      problem: "its CN is 'contoso-root', not the current verification code",
    });
    assert.equal(refused.ca.step, 'prove');
    assert.match(refused.ca.stepError ?? '', /not the current verification code/);
    assert.equal(refused.tasks.length, 0);
    const accepted = result(checking, 'check-verification-certificate', {
      kind: 'verification-checked',
      certificate: ca,
    });
    assert.equal(task(accepted, 'verify-ca-certificate').etag, 'E2');
    assert.equal(accepted.ca.signedHere, false);
  });

  test('Esc goes back one step at a time, keeping what was typed', () => {
    const named = press(listed([]), enter, text('contoso-root'), enter, text('root.pem'));
    assert.equal(named.ca.step, 'add-file');
    const back = press(named, escape);
    assert.equal(back.ca.step, 'add-name');
    assert.equal(back.ca.name.value, 'contoso-root');
    const forward = press(back, enter);
    assert.equal(forward.ca.certificateFile.path.value, 'root.pem');
    assert.equal(press(atProve(), escape).ca.step, 'list');
    assert.equal(press(listed([]), escape).screen.name, 'home');
  });

  test('a verified certificate with returnTo goes back to the group on Enter', () => {
    const start = connected();
    const fromGroup = enterCaForGroup(
      {
        ...start,
        group: {
          ...start.group,
          caCertificates: {state: 'loaded', certificates: [stored('contoso-root', 'E1')]},
        },
      },
      'primary',
      'contoso-root',
    );
    assert.equal(fromGroup.ca.returnTo?.slot, 'primary');
    const generating = task(fromGroup, 'generate-verification-code');
    assert.equal(generating.etag, 'E1');
    const verifiedAlready = enterCaForGroup(
      {
        ...start,
        group: {
          ...start.group,
          caCertificates: {state: 'loaded', certificates: [stored('contoso-root', 'E1', true)]},
        },
      },
      'secondary',
      'contoso-root',
    );
    assert.equal(verifiedAlready.ca.step, 'verified');
    assert.equal(press(verifiedAlready, enter).screen.name, 'group');
    // Esc on the list goes back to the group that sent the user here.
    const proving = codeGenerated(fromGroup, 'E2', 'CODE1');
    const onList = press(proving, escape);
    const listedAgain = caListRead(onList, [stored('contoso-root', 'E2')]);
    const left = press(listedAgain, escape);
    assert.equal(left.screen.name, 'group');
    assert.equal(left.ca.returnTo, undefined);
    // Opened from home later, the flow no longer leads back to the group.
    assert.equal(enterCa(verifiedAlready).ca.returnTo, undefined);
  });

  test('with files handed in, the certificate is read at once and the key path is filled', () => {
    const opened = enterCaWithFiles(connected(), {
      certificatePath: 'test/certs/root.pem',
      keyPath: 'test/private/root.key.pem',
      name: 'test-root',
    });
    assert.equal(opened.ca.step, 'add-file');
    assert.equal(task(opened, 'read-certificate').path, 'test/certs/root.pem');
    const read = certificateRead(opened, {...ca, path: 'test/certs/root.pem'});
    const uploading = press(read, enter, enter);
    assert.equal(task(uploading, 'upload-ca-certificate').name, 'test-root');
    const proving = codeGenerated(
      result(uploading, 'upload-ca-certificate', {
        kind: 'uploaded',
        certificate: stored('test-root', 'E1'),
      }),
      'E2',
      'CODE1',
    );
    const signing = press(proving, enter);
    assert.equal(
      task(signing, 'sign-verification-certificate').keyPath,
      'test/private/root.key.pem',
    );
  });

  test('a throttled call shows the wait and keeps its task', () => {
    const uploading = press(toUploadChoice('contoso-root'), enter);
    const waiting = throttledFor(uploading, 'upload-ca-certificate', 3, 2);
    assert.deepEqual(waiting.ca.waiting, throttledWait(3, 2));
    assert.equal(waiting.tasks.length, 1);
    const failed = result(waiting, 'upload-ca-certificate', {
      kind: 'ca-failed',
      failure: {kind: 'throttled', message: 'DPS is throttling requests'},
    });
    assert.equal(failed.ca.step, 'add-verified');
    assert.equal(failed.ca.waiting, undefined);
    assert.match(failed.ca.stepError ?? '', /throttling/);
  });
});

describe('the CA loop for another certificate', () => {
  test("starts with an empty key file instead of the previous CA's key", () => {
    const generating = press(listed([stored('first-ca', 'E1'), stored('second-ca', 'F1')]), enter);
    const proving = codeGenerated(generating, 'E2', 'CODE1');
    const signing = press(proving, text('first.key.pem'), enter);
    const verifying = signed(signing, 'PROOF');
    const verified = verifiedAs(verifying, stored('first-ca', 'E3', true));
    const list = caListRead(press(verified, enter), [
      stored('first-ca', 'E3', true),
      stored('second-ca', 'F1'),
    ]);
    assert.equal(list.ca.privateKeyFile.path.value, 'first.key.pem', 'kept while on the list');
    const second = press(list, down, enter);
    assert.equal(task(second, 'generate-verification-code').name, 'second-ca');
    assert.equal(
      second.ca.privateKeyFile.path.value,
      '',
      "first-ca's key is not offered for second-ca",
    );
    const provingSecond = codeGenerated(second, 'F2', 'CODE2');
    // A key path typed in one burst with Enter is the whole path, not added to the old one.
    const signingSecond = press(provingSecond, text('second.key.pem'), enter);
    assert.equal(task(signingSecond, 'sign-verification-certificate').keyPath, 'second.key.pem');
  });

  test('keeps the key file for a new code of the same certificate', () => {
    const proving = codeGenerated(press(listed([stored('first-ca', 'E1')]), enter), 'E2', 'CODE1');
    const left = caListRead(press(proving, text('first.key.pem'), escape), [
      stored('first-ca', 'E2'),
    ]);
    const again = press(left, enter);
    assert.equal(task(again, 'generate-verification-code').name, 'first-ca');
    assert.equal(again.ca.privateKeyFile.path.value, 'first.key.pem');
  });
});

describe('adding another CA certificate', () => {
  test('after one was uploaded, "Add a CA certificate" starts from an empty name and file', () => {
    let state = press(listed([]), enter, text('first-ca'), enter, text('root.pem'), enter);
    state = certificateRead(state);
    const uploading = press(state, enter, enter);
    const generating = result(uploading, 'upload-ca-certificate', {
      kind: 'uploaded',
      certificate: stored('first-ca', 'E1'),
    });
    const proving = codeGenerated(generating, 'E2', 'CODE1');
    const onList = caListRead(press(proving, escape), [stored('first-ca', 'E2')]);
    const adding = press(onList, down, enter);
    assert.equal(adding.ca.step, 'add-name');
    assert.equal(adding.ca.name.value, '', 'the uploaded name is not offered again');
    assert.equal(adding.ca.certificateFile.status.state, 'empty');
    const named = press(adding, text('second-ca'), enter);
    assert.equal(named.ca.step, 'add-file');
    assert.equal(named.ca.certificateFile.path.value, '');
  });

  test('a name typed and left with Esc before uploading is still there', () => {
    const typed = caListRead(press(listed([]), enter, text('draft-ca'), escape), []);
    const again = press(typed, enter);
    assert.equal(again.ca.name.value, 'draft-ca');
  });
});

describe('a verification certificate signed elsewhere', () => {
  /** Writes `proofPem` as `name` in the scratch folder and checks it against `caPem` and the code CODE1. */
  async function checkProof(name: string, proofPem: string, caPem: string) {
    const path = join(folder, name);
    await writeFile(path, proofPem);
    return checkVerificationFile(
      {path: name, caCertificatePem: caPem, verificationCode: 'CODE1'},
      path,
    );
  }

  test('from another CA of the same name, the error says the key differs instead of naming the CA twice', async () => {
    const uploaded = await makeCa('namesake-root');
    const madeAgain = await makeCa('namesake-root');
    const proof = await signedBy(madeAgain, 'CODE1', 'verification');
    const checked = await checkProof(
      'namesake-proof.pem',
      proof.certificatePem,
      uploaded.certificatePem,
    );
    assert.match(checked.problem ?? '', /was signed with another key/);
    assert.match(checked.problem ?? '', /another CA of the same name/);
    const fromItsCa = await signedBy(uploaded, 'CODE1', 'verification');
    const accepted = await checkProof(
      'namesake-proof.pem',
      fromItsCa.certificatePem,
      uploaded.certificatePem,
    );
    assert.equal(accepted.problem, undefined);
  });

  test('from a CA of another name, the error names both', async () => {
    const uploaded = await makeCa('contoso-root');
    const other = await makeCa('fabrikam-root');
    const proof = await signedBy(other, 'CODE1', 'verification');
    const checked = await checkProof(
      'other-proof.pem',
      proof.certificatePem,
      uploaded.certificatePem,
    );
    assert.match(
      checked.problem ?? '',
      /not signed by the CA 'CN=contoso-root' \(issuer: CN=fabrikam-root\)/,
    );
  });
});

describe('signing with a key that does not match', () => {
  test('of the same kind, the error does not read "RSA 4096 vs RSA 4096"', async () => {
    const uploaded = await makeCa('contoso-root');
    const other = await makeCa('contoso-root');
    const keyPath = join(folder, 'other.key.pem');
    await writeFile(keyPath, other.privateKeyPem, {mode: 0o600});
    const request = {
      keyPath: 'other.key.pem',
      caCertificatePem: uploaded.certificatePem,
      caName: 'contoso-root',
      verificationCode: 'CODE1',
    };
    const outcome = await signWithCaKey(request, keyPath);
    assert.equal(outcome.outcome, 'key-problem');
    const message = outcome.outcome === 'key-problem' ? outcome.message : '';
    assert.match(message, /does not match CA 'contoso-root' \(another EC P-256 .*key pair\)/);
    assert.doesNotMatch(message, / vs /);
  });
});

describe('the az commands of a certificate chosen from the list', () => {
  test('do not name the file of the certificate added before it', () => {
    let state = press(listed([stored('other-ca', 'O1')]), down, enter);
    state = press(state, text('first-ca'), enter, text('root.pem'), enter);
    state = certificateRead(state);
    const generating = result(press(state, enter, enter), 'upload-ca-certificate', {
      kind: 'uploaded',
      certificate: stored('first-ca', 'E1'),
    });
    const provingFirst = codeGenerated(generating, 'E2', 'CODE1');
    assert.match(caAzCommands(provingFirst.ca, undefined), new RegExp(`--path ${ca.absolutePath}`));
    const otherThumbprint = 'AB'.repeat(20);
    const onList = caListRead(press(provingFirst, escape), [
      {...stored('other-ca', 'O1'), thumbprint: otherThumbprint},
      stored('first-ca', 'E1'),
    ]);
    const proving = codeGenerated(press(onList, up, enter), 'O2', 'CODE2');
    assert.equal(proving.ca.target?.name, 'other-ca');
    const commands = caAzCommands(proving.ca, undefined);
    assert.match(commands, /--certificate-name other-ca/);
    assert.doesNotMatch(commands, new RegExp(ca.absolutePath), "first-ca's file is not other-ca's");
    // other-ca was in DPS before: only the proof is to run, from its current etag.
    assert.doesNotMatch(commands, /certificate (create|update)/);
    assert.match(commands, /current etag[^]*az iot dps certificate generate-verification-code/);
    assert.match(caAzCommands(provingFirst.ca, undefined), /az iot dps certificate create/);
  });

  test('a certificate replaced with its etag shows the update, a verified one from the list nothing to run', () => {
    const state = press(toUploadChoice('contoso-root'), enter);
    const exists = result(state, 'upload-ca-certificate', {
      kind: 'name-taken',
      certificate: stored('contoso-root', 'E0'),
    });
    const replacing = press(exists, text('r'));
    assert.equal(task(replacing, 'upload-ca-certificate').replaceEtag, 'E0');
    const replaced = result(replacing, 'upload-ca-certificate', {
      kind: 'uploaded',
      certificate: stored('contoso-root', 'E1'),
    });
    const commands = caAzCommands(codeGenerated(replaced, 'E2', 'CODE1').ca, undefined);
    assert.match(commands, /az iot dps certificate update \\\n[^]*--etag "\$ETAG"/);
    assert.doesNotMatch(commands, /certificate create/);
    const forGroup = caListRead(enterCaForGroup(connected(), 'primary', ''), [
      stored('done-ca', 'V1', true),
    ]);
    const verifiedBefore = press(forGroup, enter);
    assert.equal(verifiedBefore.ca.step, 'verified');
    assert.equal(
      caAzCommands(verifiedBefore.ca, undefined),
      "# 'done-ca' was verified in DPS before: there is nothing to run.",
    );
  });
});

describe('a certificate deleted in DPS during the loop', () => {
  test('Enter goes back to the list, read again, instead of asking DPS for a code again and again', () => {
    const generating = press(listed([stored('gone-ca', 'E1')]), enter);
    const proving = codeGenerated(generating, 'E2', 'CODE1');
    const signing = press(proving, text('gone.key.pem'), enter);
    const verifying = signed(signing, 'PROOF');
    const failed = result(verifying, 'verify-ca-certificate', {
      kind: 'ca-failed',
      failure: {kind: 'not-found', message: "the certificate 'gone-ca' could not be found"},
    });
    assert.equal(failed.ca.step, 'verify-failed');
    assert.deepEqual(keyHints(failed), ['Enter back to the list', 'Ctrl+C exit']);
    for (const key of [enter, escape]) {
      const back = press(failed, key);
      assert.equal(back.ca.step, 'list');
      assert.equal(back.ca.failure, undefined);
      assert.equal(
        back.tasks.filter((item) => item.kind === 'generate-verification-code').length,
        0,
      );
      assert.equal(task(back, 'list-ca-certificates').owner, 'verify-ca');
    }
  });
});

describe('the verified screen of a certificate verified before', () => {
  /** first-ca verified here and its verification certificate saved, back on a list that also holds `others`. */
  function afterProof(others: CaCertificate[]): WizardState {
    const generating = press(listed([stored('first-ca', 'E1'), ...others]), enter);
    const proving = codeGenerated(generating, 'E2', 'CODE1');
    const signing = press(proving, text('first.key.pem'), enter);
    const verifying = signed(signing, 'FIRST-PROOF');
    const verified = verifiedAs(verifying, stored('first-ca', 'E3', true));
    const saving = press(verified, text('s'), enter);
    assert.equal(task(saving, 'write-file').owner, 'verify-ca');
    const saved = result(saving, 'write-file', {
      kind: 'file-written',
      path: 'first-ca.verification.cert.pem',
    });
    assert.equal(saved.ca.savedPath, 'first-ca.verification.cert.pem');
    return caListRead(press(saved, enter), [stored('first-ca', 'E3', true), ...others]);
  }

  const cleanVerified = (state: WizardState, name: string) => {
    assert.equal(state.ca.step, 'verified');
    assert.equal(state.ca.target?.name, name);
    assert.equal(state.ca.verificationPem, undefined, "first-ca's proof is not offered to save");
    assert.equal(state.ca.savedPath, undefined, "first-ca's saved file is not reported");
    assert.ok(!keyHints(state).some((hint) => hint.startsWith('s ')));
    assert.doesNotMatch(caAzCommands(state.ca, undefined), /first-ca/);
  };

  test('reached through an existing name does not offer the proof of the CA verified before', () => {
    const onList = afterProof([stored('other-ca', 'O1', true)]);
    const exists = press(onList, up, enter, text('other-ca'), enter);
    assert.equal(exists.ca.step, 'name-exists');
    cleanVerified(press(exists, enter), 'other-ca');
  });

  test('uploaded verified does not report the file saved for the CA verified before', () => {
    const onList = afterProof([]);
    let state = press(onList, down, enter, text('new-ca'), enter, text('root.pem'), enter);
    state = certificateRead(state);
    const uploading = press(state, enter, down, enter);
    assert.equal(task(uploading, 'upload-ca-certificate').verified, true);
    const uploaded = result(uploading, 'upload-ca-certificate', {
      kind: 'uploaded',
      certificate: stored('new-ca', 'N1', true),
    });
    cleanVerified(uploaded, 'new-ca');
    assert.match(caAzCommands(uploaded.ca, undefined), /--verified true/);
  });
});

describe('the az commands after the manual path', () => {
  test('name the verification certificate file that was picked and sent', () => {
    const generating = press(listed([stored('manual-ca', 'E1')]), enter);
    const proving = codeGenerated(generating, 'E2', 'CODE1');
    const checking = press(proving, down, text('proof.pem'), enter);
    const proof: LoadedCertificate = {...ca, path: 'proof.pem', absolutePath: '/work/proof.pem'};
    const verifying = result(checking, 'check-verification-certificate', {
      kind: 'verification-checked',
      certificate: proof,
    });
    assert.equal(task(verifying, 'verify-ca-certificate').certificatePem, proof.pem);
    const verified = verifiedAs(verifying, stored('manual-ca', 'E3', true));
    const commands = caAzCommands(verified.ca, undefined);
    assert.match(commands, /az iot dps certificate verify[^]*--path \/work\/proof\.pem/);
    assert.doesNotMatch(commands, /<verification certificate file>/);
  });
});

describe('a certificate path that is not a file', () => {
  const messageOf = async (path: string) => {
    try {
      await readCertificateFile(path);
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };

  test('a folder is said to be a folder', async () => {
    const certs = join(folder, 'certs');
    await mkdir(certs, {recursive: true});
    assert.equal(await messageOf(certs), `${certs} is a folder: give the file itself`);
  });

  test('a path through a file says which part is wrong instead of an error code', async () => {
    const message = await messageOf(join(folder, 'root.pem', 'root.pem'));
    assert.match(message, /does not exist: a part of the path before the file name is a file/);
    assert.doesNotMatch(message, /ENOTDIR/);
  });
});

describe('a key file that cannot be read', () => {
  test('is named once in the message, not as typed and then again in full', async () => {
    const uploaded = await makeCa('contoso-root');
    const request = {
      keyPath: 'private/missing.key.pem',
      caCertificatePem: uploaded.certificatePem,
      caName: 'contoso-root',
      verificationCode: 'CODE1',
    };
    const absolute = join(folder, 'private', 'missing.key.pem');
    const missing = await signWithCaKey(request, absolute);
    assert.equal(missing.outcome, 'key-problem');
    assert.equal(
      missing.outcome === 'key-problem' ? missing.message : '',
      `${absolute} does not exist`,
    );
    const certificatePath = join(folder, 'root.pem');
    const notAKey = await signWithCaKey({...request, keyPath: 'root.pem'}, certificatePath);
    assert.match(notAKey.outcome === 'key-problem' ? notAKey.message : '', /^root\.pem: /);
  });
});

describe('verified inline for the group: the footer', () => {
  test('with the verification certificate to save, every key hint fits in 80 columns', () => {
    const state: WizardState = {
      ...connected(),
      screen: {name: 'verify-ca'},
      ca: {
        ...initialCaFlow(),
        step: 'verified',
        returnTo: {slot: 'primary'},
        signedHere: true,
        verificationPem: '-----BEGIN CERTIFICATE-----',
        target: {name: 'root-a', etag: 'etag-root-a', subject: 'CN=root-a', isVerified: true},
      },
    };
    const hints = keyHints(state);
    assert.equal(hints.length, 4, hints.join(' · '));
    assert.ok(hints.join(' · ').length <= 80, hints.join(' · '));
  });
});

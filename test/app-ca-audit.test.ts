import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {caAzCommands, caKeyHints, enterCa, type CaResult} from '../source/app/ca-flow.js';
import {checkVerificationFile, signWithCaKey} from '../source/app/ca-signing.js';
import {readCertificateFor} from '../source/app/certificate-file.js';
import {reducer} from '../source/app/reducer.js';
import type {LoadedCertificate, WizardState} from '../source/app/state.js';
import type {CaCertificate} from '../source/dps/types.js';
import {connected, down, enter, escape, press, task, text, up} from './helpers/app-state.js';
import {makeCa, signedBy} from './helpers/test-certificates.js';
import {readCertificateFile} from '../source/certs/read.js';
import {mkdir} from 'node:fs/promises';

let folder = '';
let ca: LoadedCertificate;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dps-enroll-ca-audit-'));
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

const result = (state: WizardState, kind: Parameters<typeof task>[1], value: CaResult) =>
  reducer(state, {type: 'ca', taskId: task(state, kind).id, result: value});

function listed(certificates: CaCertificate[], start: WizardState = connected()): WizardState {
  const opened = enterCa(start);
  return reducer(opened, {
    type: 'ca-certificates-listed',
    taskId: task(opened, 'list-ca-certificates').id,
    certificates,
  });
}

/** The list read again (the task the last key asked for) as `certificates`. */
function relisted(state: WizardState, certificates: CaCertificate[]): WizardState {
  return reducer(state, {
    type: 'ca-certificates-listed',
    taskId: task(state, 'list-ca-certificates').id,
    certificates,
  });
}

describe('the CA loop for another certificate', () => {
  test("starts with an empty key file instead of the previous CA's key", () => {
    const generating = press(listed([stored('first-ca', 'E1'), stored('second-ca', 'F1')]), enter);
    const proving = result(generating, 'generate-verification-code', {
      kind: 'code',
      etag: 'E2',
      verificationCode: 'CODE1',
    });
    const signing = press(proving, text('first.key.pem'), enter);
    const verifying = result(signing, 'sign-verification-certificate', {
      kind: 'signed',
      certificatePem: 'PROOF',
    });
    const verified = result(verifying, 'verify-ca-certificate', {
      kind: 'verified',
      certificate: stored('first-ca', 'E3', true),
    });
    const list = relisted(press(verified, enter), [
      stored('first-ca', 'E3', true),
      stored('second-ca', 'F1'),
    ]);
    assert.equal(list.ca.keyFile.path.value, 'first.key.pem', 'kept while on the list');
    const second = press(list, down, enter);
    assert.equal(task(second, 'generate-verification-code').name, 'second-ca');
    assert.equal(second.ca.keyFile.path.value, '', "first-ca's key is not offered for second-ca");
    const provingSecond = result(second, 'generate-verification-code', {
      kind: 'code',
      etag: 'F2',
      verificationCode: 'CODE2',
    });
    // A key path typed in one burst with Enter is the whole path, not added to the old one.
    const signingSecond = press(provingSecond, text('second.key.pem'), enter);
    assert.equal(task(signingSecond, 'sign-verification-certificate').keyPath, 'second.key.pem');
  });

  test('keeps the key file for a new code of the same certificate', () => {
    const proving = result(
      press(listed([stored('first-ca', 'E1')]), enter),
      'generate-verification-code',
      {
        kind: 'code',
        etag: 'E2',
        verificationCode: 'CODE1',
      },
    );
    const left = relisted(press(proving, text('first.key.pem'), escape), [
      stored('first-ca', 'E2'),
    ]);
    const again = press(left, enter);
    assert.equal(task(again, 'generate-verification-code').name, 'first-ca');
    assert.equal(again.ca.keyFile.path.value, 'first.key.pem');
  });
});

describe('adding another CA certificate', () => {
  test('after one was uploaded, "Add a CA certificate" starts from an empty name and file', () => {
    let state = press(listed([]), enter, text('first-ca'), enter, text('root.pem'), enter);
    state = reducer(state, {
      type: 'certificate-read',
      taskId: task(state, 'read-certificate').id,
      certificate: ca,
    });
    const uploading = press(state, enter, enter);
    const generating = result(uploading, 'upload-ca-certificate', {
      kind: 'uploaded',
      certificate: stored('first-ca', 'E1'),
    });
    const proving = result(generating, 'generate-verification-code', {
      kind: 'code',
      etag: 'E2',
      verificationCode: 'CODE1',
    });
    const onList = relisted(press(proving, escape), [stored('first-ca', 'E2')]);
    const adding = press(onList, down, enter);
    assert.equal(adding.ca.step, 'add-name');
    assert.equal(adding.ca.name.value, '', 'the uploaded name is not offered again');
    assert.equal(adding.ca.certificateFile.status.state, 'empty');
    const named = press(adding, text('second-ca'), enter);
    assert.equal(named.ca.step, 'add-file');
    assert.equal(named.ca.certificateFile.path.value, '');
  });

  test('a name typed and left with Esc before uploading is still there', () => {
    const typed = relisted(press(listed([]), enter, text('draft-ca'), escape), []);
    const again = press(typed, enter);
    assert.equal(again.ca.name.value, 'draft-ca');
  });
});

describe('a verification certificate signed elsewhere', () => {
  test('from another CA of the same name, the error says the key differs instead of naming the CA twice', async () => {
    const uploaded = await makeCa('namesake-root');
    const madeAgain = await makeCa('namesake-root');
    const proof = await signedBy(madeAgain, 'CODE1', 'verification');
    const path = join(folder, 'namesake-proof.pem');
    await writeFile(path, proof.certificatePem);
    const checked = await checkVerificationFile(
      {
        path: 'namesake-proof.pem',
        caCertificatePem: uploaded.certificatePem,
        verificationCode: 'CODE1',
      },
      path,
    );
    assert.match(checked.problem ?? '', /was signed with another key/);
    assert.match(checked.problem ?? '', /another CA of the same name/);
    const fromItsCa = await signedBy(uploaded, 'CODE1', 'verification');
    await writeFile(path, fromItsCa.certificatePem);
    const accepted = await checkVerificationFile(
      {
        path: 'namesake-proof.pem',
        caCertificatePem: uploaded.certificatePem,
        verificationCode: 'CODE1',
      },
      path,
    );
    assert.equal(accepted.problem, undefined);
  });

  test('from a CA of another name, the error names both', async () => {
    const uploaded = await makeCa('contoso-root');
    const other = await makeCa('fabrikam-root');
    const proof = await signedBy(other, 'CODE1', 'verification');
    const path = join(folder, 'other-proof.pem');
    await writeFile(path, proof.certificatePem);
    const checked = await checkVerificationFile(
      {
        path: 'other-proof.pem',
        caCertificatePem: uploaded.certificatePem,
        verificationCode: 'CODE1',
      },
      path,
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
    state = reducer(state, {
      type: 'certificate-read',
      taskId: task(state, 'read-certificate').id,
      certificate: ca,
    });
    const generating = result(press(state, enter, enter), 'upload-ca-certificate', {
      kind: 'uploaded',
      certificate: stored('first-ca', 'E1'),
    });
    const provingFirst = result(generating, 'generate-verification-code', {
      kind: 'code',
      etag: 'E2',
      verificationCode: 'CODE1',
    });
    assert.match(caAzCommands(provingFirst.ca, undefined), new RegExp(`--path ${ca.absolutePath}`));
    const otherThumbprint = 'AB'.repeat(20);
    const onList = relisted(press(provingFirst, escape), [
      {...stored('other-ca', 'O1'), thumbprint: otherThumbprint},
      stored('first-ca', 'E1'),
    ]);
    const proving = result(press(onList, up, enter), 'generate-verification-code', {
      kind: 'code',
      etag: 'O2',
      verificationCode: 'CODE2',
    });
    assert.equal(proving.ca.target?.name, 'other-ca');
    const commands = caAzCommands(proving.ca, undefined);
    assert.match(commands, /--certificate-name other-ca/);
    assert.doesNotMatch(commands, new RegExp(ca.absolutePath), "first-ca's file is not other-ca's");
    assert.match(commands, /--path '?<CA certificate file>'?/);
  });
});

describe('a certificate deleted in DPS during the loop', () => {
  test('Enter goes back to the list, read again, instead of asking DPS for a code again and again', () => {
    const generating = press(listed([stored('gone-ca', 'E1')]), enter);
    const proving = result(generating, 'generate-verification-code', {
      kind: 'code',
      etag: 'E2',
      verificationCode: 'CODE1',
    });
    const signing = press(proving, text('gone.key.pem'), enter);
    const verifying = result(signing, 'sign-verification-certificate', {
      kind: 'signed',
      certificatePem: 'PROOF',
    });
    const failed = result(verifying, 'verify-ca-certificate', {
      kind: 'failed',
      failure: {kind: 'not-found', message: "the certificate 'gone-ca' could not be found"},
    });
    assert.equal(failed.ca.step, 'verify-failed');
    assert.deepEqual(caKeyHints(failed), ['Enter back to the list', 'Ctrl+C exit']);
    for (const key of [enter, escape]) {
      const back = press(failed, key);
      assert.equal(back.ca.step, 'list');
      assert.equal(back.ca.failure, undefined);
      assert.equal(
        back.tasks.filter((item) => item.kind === 'generate-verification-code').length,
        0,
      );
      assert.equal(task(back, 'list-ca-certificates').for, 'verify-ca');
    }
  });
});

describe('the verified screen of a certificate verified before', () => {
  /** first-ca verified here and its verification certificate saved, back on a list that also holds `others`. */
  function afterProof(others: CaCertificate[]): WizardState {
    const generating = press(listed([stored('first-ca', 'E1'), ...others]), enter);
    const proving = result(generating, 'generate-verification-code', {
      kind: 'code',
      etag: 'E2',
      verificationCode: 'CODE1',
    });
    const signing = press(proving, text('first.key.pem'), enter);
    const verifying = result(signing, 'sign-verification-certificate', {
      kind: 'signed',
      certificatePem: 'FIRST-PROOF',
    });
    const verified = result(verifying, 'verify-ca-certificate', {
      kind: 'verified',
      certificate: stored('first-ca', 'E3', true),
    });
    const saving = press(verified, text('s'), enter);
    const saved = result(saving, 'save-verification-certificate', {
      kind: 'file-written',
      path: 'first-ca.verification.cert.pem',
    });
    assert.equal(saved.ca.savedPath, 'first-ca.verification.cert.pem');
    return relisted(press(saved, enter), [stored('first-ca', 'E3', true), ...others]);
  }

  const cleanVerified = (state: WizardState, name: string) => {
    assert.equal(state.ca.step, 'verified');
    assert.equal(state.ca.target?.name, name);
    assert.equal(state.ca.verificationPem, undefined, "first-ca's proof is not offered to save");
    assert.equal(state.ca.savedPath, undefined, "first-ca's saved file is not reported");
    assert.ok(!caKeyHints(state).some((hint) => hint.startsWith('s ')));
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
    state = reducer(state, {
      type: 'certificate-read',
      taskId: task(state, 'read-certificate').id,
      certificate: ca,
    });
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
    const proving = result(generating, 'generate-verification-code', {
      kind: 'code',
      etag: 'E2',
      verificationCode: 'CODE1',
    });
    const checking = press(proving, down, text('proof.pem'), enter);
    const proof: LoadedCertificate = {...ca, path: 'proof.pem', absolutePath: '/work/proof.pem'};
    const verifying = result(checking, 'check-verification-certificate', {
      kind: 'verification-checked',
      certificate: proof,
    });
    assert.equal(task(verifying, 'verify-ca-certificate').certificatePem, proof.pem);
    const verified = result(verifying, 'verify-ca-certificate', {
      kind: 'verified',
      certificate: stored('manual-ca', 'E3', true),
    });
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

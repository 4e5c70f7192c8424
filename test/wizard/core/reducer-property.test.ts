import {before, after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import type {CaOutcome} from '../../../source/wizard/flows/ca/state.js';
import type {BrowseItem, BrowseOutcome} from '../../../source/wizard/flows/browse/state.js';
import {readCertificateFor} from '../../../source/wizard/runtime/certificate-file.js';
import type {KeyEvent} from '../../../source/wizard/shared/key-event.js';
import type {Viewport} from '../../../source/wizard/shared/layout.js';
import type {FlowName, Progress} from '../../../source/wizard/shared/effect.js';
import type {
  TestEnrollmentField,
  TestEnrollmentOutcome,
} from '../../../source/wizard/flows/test-enrollment/state.js';
import type {TestCertificatesOutcome} from '../../../source/wizard/flows/test-certificates/state.js';
import {chainPaths, type WrittenFile} from '../../../source/certs/test-chain.js';
import type {CaCertificate, IndividualEnrollment} from '../../../source/dps/types.js';
import {
  backspace,
  backTab,
  connected,
  cwd,
  down,
  enter,
  escape,
  info,
  left,
  pageDown,
  pageUp,
  press,
  right,
  tab,
  task,
  text,
  up,
  throttledWait,
} from '../../helpers/app-state.js';
import {ecChain, issue} from '../../helpers/test-certificates.js';
import {caReferencesOf, groupIdProblem} from '../../../source/wizard/flows/group/group.js';
import type {
  GroupField,
  GroupOutcome,
  PreflightReport,
} from '../../../source/wizard/flows/group/state.js';
import type {IndividualField} from '../../../source/wizard/flows/individual/state.js';
import type {CaField} from '../../../source/wizard/flows/ca/state.js';
import {
  initialState,
  isBusy,
  keyHints,
  reducer,
  type Action,
} from '../../../source/wizard/core/reducer.js';
import type {
  CertificateField,
  CertificatePurpose,
  ConnectionInfo,
  LoadedCertificate,
} from '../../../source/wizard/shared/types.js';
import type {Task, WizardState} from '../../../source/wizard/core/state.js';
import {flowOf} from '../../../source/wizard/core/flows.js';
import {
  daysProblem,
  deviceNamesOf,
  deviceNamesProblem,
  doneChoices,
} from '../../../source/wizard/flows/test-certificates/chain.js';

/**
 * Random keys and random effect results through the pure reducer, from many start states across every flow:
 * the reducer never throws, and tasks, busy steps and keys typed ahead stay consistent.
 * PROPERTY_RUNS=5000 runs each property longer, to search further than the quick default.
 */

const runs = (quick: number) => Number(process.env.PROPERTY_RUNS ?? quick);

/** Certificates read as the wizard reads them, and the CA certificates a DPS would list, made once. */
type Fixture = {
  /** By file name: identity certificates, CA certificates and a verification certificate. */
  loaded: Record<string, LoadedCertificate>;
  verifiedCa: CaCertificate;
  unverifiedCa: CaCertificate;
};

let fixture: Fixture | undefined;
let folder = '';

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dps-enroll-property-'));
  const {root, intermediate, leaf} = await ecChain('device-01');
  const other = await issue('device-02', 'identity', intermediate);
  const proof = await issue('ABC123', 'identity', root);
  const files: Record<string, {pem: string; purpose: CertificatePurpose}> = {
    'device-01.pem': {pem: leaf.certificatePem, purpose: 'identity'},
    'device-02.pem': {pem: other.certificatePem, purpose: 'identity'},
    'device-01-full-chain.pem': {
      pem: leaf.certificatePem + intermediate.certificatePem + root.certificatePem,
      purpose: 'identity',
    },
    'ca.pem': {pem: intermediate.certificatePem, purpose: 'ca'},
    'root.pem': {pem: root.certificatePem, purpose: 'ca'},
    'verification.pem': {pem: proof.certificatePem, purpose: 'any'},
  };
  const loaded: Record<string, LoadedCertificate> = {};
  for (const [name, file] of Object.entries(files)) {
    await writeFile(join(folder, name), file.pem);
    loaded[name] = await readCertificateFor(file.purpose, name, join(folder, name));
  }
  const caOf = (name: string, file: string, isVerified: boolean): CaCertificate => ({
    name,
    etag: '"1"',
    subject: loaded[file]!.summary.subject,
    thumbprint: loaded[file]!.summary.thumbprintSha1,
    isVerified,
    certificatePem: loaded[file]!.pem,
  });
  fixture = {
    loaded,
    verifiedCa: caOf('root-ca', 'root.pem', true),
    unverifiedCa: caOf('intermediate-ca', 'ca.pem', false),
  };
});

after(async () => {
  if (folder) await rm(folder, {recursive: true, force: true});
});

function fixtures(): Fixture {
  assert.ok(fixture, 'the certificates are made before the tests');
  return fixture;
}

/** The file `name` as read for the path typed (Enter on the same path then moves on). */
function readAs(name: string, typedPath: string): LoadedCertificate {
  const certificate = fixtures().loaded[name];
  assert.ok(certificate, `no certificate ${name}`);
  return {...certificate, path: typedPath};
}

/** A connection string gives no access to the DPS resource: no linked hubs known, no CA certificates. */
const connectionStringInfo: ConnectionInfo = {
  ...info,
  mode: 'connection-string',
  armAvailable: false,
  linkedHubs: [],
};

const listed = () => [fixtures().verifiedCa, fixtures().unverifiedCa];

const savedEnrollment = (enrollment: IndividualEnrollment): IndividualEnrollment => ({
  ...enrollment,
  etag: '"1"',
  createdDateTimeUtc: '2026-11-26T23:00:00Z',
});

const passedPreflight: PreflightReport = {
  registrationId: 'device-01',
  anchor: 'test-root',
  links: [
    {subject: 'device-01', signedBy: 'test-intermediate', ok: true},
    {subject: 'test-intermediate', signedBy: 'test-root', ok: true},
  ],
  findings: [],
};

const failedPreflight: PreflightReport = {
  registrationId: 'device-01',
  anchor: 'test-root',
  links: [{subject: 'device-01', signedBy: undefined, ok: false}],
  findings: [
    {severity: 'error', code: 'chain-incomplete', message: 'the chain does not reach the CA'},
  ],
};

/** The files a test chain writes for `devices`, under `outDir`. */
function chainFiles(outDir: string, devices: readonly string[]): WrittenFile[] {
  const at = (path: string) => join(outDir, path);
  return [
    {path: at(chainPaths.rootCertificate), kind: 'certificate'},
    {path: at(chainPaths.rootKey), kind: 'private-key'},
    {path: at(chainPaths.intermediateCertificate), kind: 'certificate'},
    {path: at(chainPaths.intermediateFullChain), kind: 'certificate'},
    {path: at(chainPaths.intermediateKey), kind: 'private-key'},
    ...devices.flatMap((name): WrittenFile[] => [
      {path: at(chainPaths.deviceCertificate(name)), kind: 'certificate'},
      {path: at(chainPaths.deviceFullChain(name)), kind: 'certificate'},
      {path: at(chainPaths.deviceKey(name)), kind: 'private-key'},
    ]),
  ];
}

/** Every result the effect runner could report for `running`, as ca-effects.ts and its siblings produce them. */
function resultsFor(running: Task): Action[] {
  const taskId = running.id;
  const outcome = (
    value:
      GroupOutcome | CaOutcome | TestCertificatesOutcome | TestEnrollmentOutcome | BrowseOutcome,
  ): Action => ({
    type: 'result',
    taskId,
    outcome: value,
  });
  const progress = (value: Progress): Action => ({type: 'progress', taskId, progress: value});
  const throttled = progress({kind: 'waiting', wait: throttledWait(1, 2)});
  switch (running.kind) {
    case 'connect':
      return [
        {type: 'result', taskId, outcome: {kind: 'connected', info}},
        {type: 'result', taskId, outcome: {kind: 'connected', info: connectionStringInfo}},
        {
          type: 'result',
          taskId,
          outcome: {kind: 'connect-failed', failure: {kind: 'unauthorized', message: 'sign-in'}},
        },
      ];
    case 'read-certificate': {
      const names =
        running.purpose === 'ca'
          ? ['ca.pem', 'root.pem', 'device-01.pem']
          : running.purpose === 'identity'
            ? ['device-01.pem', 'device-02.pem', 'device-01-full-chain.pem']
            : ['verification.pem'];
      return [
        ...names.map((name): Action => ({
          type: 'result',
          taskId,
          outcome: {kind: 'certificate-read', certificate: readAs(name, running.path)},
        })),
        {
          type: 'result',
          taskId,
          outcome: {kind: 'certificate-failed', message: `${running.path} does not exist`},
        },
      ];
    }
    case 'complete-path':
      return [
        {
          type: 'result',
          taskId,
          outcome: {kind: 'path-completed', value: `${running.text}x`, candidates: [], matches: 1},
        },
        {
          type: 'result',
          taskId,
          outcome: {
            kind: 'path-completed',
            value: running.text,
            candidates: ['a', 'b'],
            matches: 3,
          },
        },
        {
          type: 'result',
          taskId,
          outcome: {kind: 'task-failed', message: 'the folder cannot be read'},
        },
      ];
    case 'save-individual': {
      const saved = savedEnrollment(running.enrollment);
      return [
        {type: 'result', taskId, outcome: {kind: 'saved', saved}},
        {type: 'result', taskId, outcome: {kind: 'exists', existing: saved}},
        throttled,
        {
          type: 'result',
          taskId,
          outcome: {kind: 'save-failed', failure: {kind: 'stale-etag', message: 'changed'}},
        },
        {
          type: 'result',
          taskId,
          outcome: {kind: 'save-failed', failure: {kind: 'network', message: 'ECONNRESET'}},
        },
      ];
    }
    case 'list-ca-certificates':
      return [
        {type: 'result', taskId, outcome: {kind: 'ca-certificates-listed', certificates: listed()}},
        {
          type: 'result',
          taskId,
          outcome: {kind: 'ca-certificates-listed', certificates: [fixtures().unverifiedCa]},
        },
        {type: 'result', taskId, outcome: {kind: 'ca-certificates-listed', certificates: []}},
        {
          type: 'result',
          taskId,
          outcome: {
            kind: 'ca-certificates-failed',
            failure: {kind: 'forbidden', message: 'no role'},
          },
        },
        {
          type: 'result',
          taskId,
          outcome: {
            kind: 'ca-certificates-failed',
            failure: {kind: 'network', message: 'ETIMEDOUT'},
          },
        },
      ];
    case 'write-file':
      return [
        {type: 'result', taskId, outcome: {kind: 'file-written', path: running.path}},
        {type: 'result', taskId, outcome: {kind: 'file-exists', path: running.path}},
        {
          type: 'result',
          taskId,
          outcome: {kind: 'file-failed', message: `could not write ${running.path}: EACCES`},
        },
      ];
    case 'save-group': {
      const saved = {...running.group, etag: '"1"'};
      return [
        throttled,
        outcome({kind: 'exists', existing: saved}),
        outcome({kind: 'saved', saved}),
        outcome({kind: 'save-failed', failure: {kind: 'stale-etag', message: 'changed'}}),
        outcome({kind: 'save-failed', failure: {kind: 'network', message: 'ECONNRESET'}}),
      ];
    }
    case 'check-group-device':
      return [
        outcome({kind: 'preflight', report: passedPreflight}),
        outcome({kind: 'preflight', report: failedPreflight}),
      ];
    case 'upload-ca-certificate': {
      const uploaded = (isVerified: boolean): CaCertificate => ({
        name: running.name,
        etag: '"2"',
        isVerified,
        certificatePem: running.certificatePem,
      });
      return [
        throttled,
        // Only a new upload looks for a certificate of that name first.
        ...(running.replaceEtag
          ? []
          : [outcome({kind: 'name-taken', certificate: fixtures().unverifiedCa})]),
        outcome({kind: 'uploaded', certificate: uploaded(running.verified)}),
        outcome({kind: 'ca-failed', failure: {kind: 'stale-etag', message: 'changed'}}),
        outcome({kind: 'ca-failed', failure: {kind: 'forbidden', message: 'no role'}}),
        outcome({kind: 'ca-failed', failure: {kind: 'needs-arm', message: 'needs ARM'}}),
      ];
    }
    case 'generate-verification-code':
      return [
        throttled,
        outcome({kind: 'code', etag: '"3"', verificationCode: 'ABC123'}),
        outcome({kind: 'ca-failed', failure: {kind: 'not-found', message: 'deleted'}}),
        outcome({kind: 'ca-failed', failure: {kind: 'network', message: 'ECONNRESET'}}),
      ];
    case 'sign-verification-certificate':
      return [
        outcome({kind: 'signed', certificatePem: fixtures().loaded['verification.pem']!.pem}),
        running.passphrase === undefined
          ? outcome({kind: 'passphrase-required'})
          : outcome({kind: 'wrong-passphrase', message: 'the passphrase does not open the key'}),
        outcome({kind: 'key-problem', message: 'the key does not match the CA certificate'}),
        outcome({
          kind: 'ca-failed',
          failure: {kind: 'file', message: `${running.keyPath} is missing`},
        }),
      ];
    case 'check-verification-certificate': {
      const certificate = readAs('verification.pem', running.path);
      return [
        outcome({kind: 'verification-checked', certificate}),
        outcome({kind: 'verification-checked', certificate, problem: 'its CN is not the code'}),
        outcome({
          kind: 'ca-failed',
          failure: {kind: 'file', message: `${running.path} is missing`},
        }),
      ];
    }
    case 'verify-ca-certificate': {
      const verified: CaCertificate = {...fixtures().unverifiedCa, name: running.name};
      return [
        throttled,
        outcome({kind: 'verified', certificate: {...verified, etag: '"4"', isVerified: true}}),
        outcome({
          kind: 'code-changed',
          certificate: {...verified, etag: '"5"'},
          message: 'changed',
        }),
        outcome({kind: 'ca-failed', failure: {kind: 'bad-request', message: 'wrong proof'}}),
        outcome({kind: 'ca-failed', failure: {kind: 'not-found', message: 'deleted'}}),
      ];
    }
    case 'generate-test-chain': {
      const outDir = join(cwd, running.folder);
      return [
        progress({kind: 'making-chain', progress: {stage: 'keys', done: 1, total: 4}}),
        progress({kind: 'making-chain', progress: {stage: 'files', done: 0, total: 1}}),
        outcome({kind: 'chain-written', outDir, files: chainFiles(outDir, running.devices)}),
        outcome({
          kind: 'chain-exists',
          outDir,
          paths: [join(outDir, chainPaths.rootCertificate)],
        }),
        outcome({kind: 'chain-failed', failure: {kind: 'file', message: 'EACCES'}}),
      ];
    }
    case 'check-device':
      return [
        outcome({kind: 'device-checked', findings: []}),
        outcome({
          kind: 'device-checked',
          findings: [{severity: 'error', code: 'key-mismatch', message: 'the key is not the pair'}],
        }),
      ];
    case 'register-device':
      return [
        progress({kind: 'registration', stage: {stage: 'registering'}}),
        progress({kind: 'registration', stage: {stage: 'waiting-for-assignment'}}),
        outcome({
          kind: 'device-registered',
          outcome: {outcome: 'assigned', assignedHub: 'hub-a', deviceId: running.registrationId},
        }),
        outcome({
          kind: 'device-registered',
          outcome: {outcome: 'refused', status: 401, cause: 'not enrolled', fix: 'enroll it'},
        }),
        outcome({kind: 'registration-failed', failure: {kind: 'file', message: 'no key'}}),
      ];
    case 'plan-edge-install':
      return [
        outcome({
          kind: 'edge-planned',
          plan: {id: 1, actions: ['write /etc/aziot/config.toml'], iotedgeFound: true},
        }),
        outcome({kind: 'edge-failed', failure: {kind: 'file', message: 'EACCES'}}),
      ];
    case 'apply-edge-install':
      return [
        outcome({kind: 'edge-installed', done: ['wrote /etc/aziot/config.toml']}),
        outcome({kind: 'edge-failed', failure: {kind: 'file', message: 'EACCES'}}),
      ];
    case 'run-config-apply':
      return [
        outcome({kind: 'config-applied', exitCode: 0, output: 'applied'}),
        outcome({kind: 'config-applied', exitCode: 1, output: 'sudo: a password is required'}),
      ];
    case 'browse-page': {
      const page = (from: number): BrowseItem[] =>
        Array.from({length: 30}, (_, index) => browseItemOf(running.tab, from + index));
      return [
        throttled,
        outcome({kind: 'browse-page-read', items: page(0), continuationToken: 'next'}),
        outcome({kind: 'browse-page-read', items: page(running.generation * 100)}),
        outcome({kind: 'browse-page-read', items: []}),
        outcome({kind: 'browse-page-failed', failure: {kind: 'throttled', message: '429'}}),
      ];
    }
    case 'browse-read':
      return [
        outcome({kind: 'browse-item-read', item: running.target}),
        outcome({kind: 'browse-item-failed', failure: {kind: 'not-found', message: 'gone'}}),
        outcome({kind: 'browse-item-failed', failure: {kind: 'network', message: 'ECONNRESET'}}),
      ];
    case 'browse-delete':
      return [
        throttled,
        outcome({kind: 'browse-deleted'}),
        outcome({kind: 'browse-delete-failed', failure: {kind: 'stale-etag', message: '412'}}),
        outcome({kind: 'browse-delete-failed', failure: {kind: 'not-found', message: 'gone'}}),
        outcome({kind: 'browse-delete-failed', failure: {kind: 'unauthorized', message: '401'}}),
      ];
  }
}

/** The item number `index` of a browse list, as a page would bring it. */
function browseItemOf(tab: BrowseItem['tab'], index: number): BrowseItem {
  const id = `device-${String(index).padStart(3, '0')}`;
  switch (tab) {
    case 'enrollments':
      return {tab, item: {registrationId: id, attestation: {type: 'x509'}, etag: '"1"'}};
    case 'groups':
      return {tab, item: {enrollmentGroupId: id, attestation: {type: 'x509'}, etag: '"1"'}};
    case 'registrations':
      return {tab, item: {registrationId: id, status: 'assigned', etag: '"1"'}};
    case 'ca':
      return {tab, item: {name: id, etag: '"1"', isVerified: index % 2 === 0}};
  }
}

/** The one task of `kind`, reporting the result `pick` chooses among the plausible ones. */
function report(state: WizardState, kind: Task['kind'], pick = 0): WizardState {
  const action = resultsFor(task(state, kind))[pick];
  assert.ok(action);
  return reducer(state, action);
}

/** Enter until the flow on screen reaches `step`. */
function enterUntil(state: WizardState, step: (state: WizardState) => string, target: string) {
  let next = state;
  for (let i = 0; i < 12 && step(next) !== target; i++) next = press(next, enter);
  assert.equal(step(next), target);
  return next;
}

const individualStep = (state: WizardState) => state.individual.step;
const groupStep = (state: WizardState) => state.group.step;

/** States deep in every flow: random keys rarely get past a certificate path or a list by themselves. */
function startStates(): WizardState[] {
  const home = connected();
  return [...armStartStates(home), ...connectionStringStartStates()];
}

/** Connected with Azure sign-in (ARM): CA certificates can be listed and verified. */
function armStartStates(home: WizardState): WizardState[] {
  // Individual: the certificate read, the review, saving, the config.
  const individualRead = report(
    press(home, enter, text('device-01.pem'), enter),
    'read-certificate',
  );
  const individualReview = enterUntil(press(individualRead, enter), individualStep, 'review');
  const individualSaving = press(individualReview, enter);
  const individualConfig = press(report(individualSaving, 'save-individual'), enter, enter, enter);
  assert.equal(individualConfig.individual.step, 'config');

  // Group with a CA reference: the list read (a verified and an unverified CA), the review, saved.
  const groupList = report(
    press(home, down, enter, text('edge-group'), enter, enter),
    'list-ca-certificates',
  );
  assert.equal(groupList.group.step, 'ca-primary');
  const groupReview = enterUntil(groupList, groupStep, 'review');
  const groupSaved = report(press(groupReview, enter), 'save-group', 2);
  assert.equal(groupSaved.group.step, 'result');
  const preflight = press(groupSaved, text('p'));
  const groupConfig = enterUntil(groupSaved, groupStep, 'config');
  // Group with its own signing certificate, at the review.
  const signing = report(
    press(home, down, enter, text('signed-group'), enter, down, enter, text('ca.pem'), enter),
    'read-certificate',
  );
  const signingReview = enterUntil(signing, groupStep, 'review');

  // CA verification: the list with both CAs, the proof step with a code, the add form.
  const caList = report(press(home, down, down, enter), 'list-ca-certificates');
  assert.equal(caList.ca.step, 'list');
  const prove = report(press(caList, down, enter), 'generate-verification-code', 1);
  assert.equal(prove.ca.step, 'prove');
  const addName = press(caList, up, enter);
  assert.equal(addName.ca.step, 'add-name');
  const signed = report(press(prove, text('ca.key'), enter), 'sign-verification-certificate');
  const verified = report(signed, 'verify-ca-certificate', 1);
  assert.equal(verified.ca.step, 'verified');
  const saveProof = press(verified, text('s'));
  assert.equal(saveProof.ca.step, 'save');

  // Test certificates: the folder, the summary, and the files written.
  const testFolder = press(home, down, down, down, enter);
  assert.equal(testFolder.testCertificates.step, 'folder');
  const summary = press(testFolder, text('out'), enter, text('dev-1 dev-2'), enter, enter, enter);
  assert.equal(summary.testCertificates.step, 'summary');
  const done = report(press(summary, enter), 'generate-test-chain', 2);
  assert.equal(done.testCertificates.step, 'done');

  // Test an enrollment: the pre-flight checked, a registration running, DPS's answer.
  const testing = report(
    press(home, up, up, up, enter, text('device-01.pem'), enter),
    'read-certificate',
  );
  const testPreflight = report(
    press(testing, enter, enter, text('device-01.key'), enter, enter, enter),
    'check-device',
  );
  assert.equal(testPreflight.testEnrollment.step, 'preflight');
  const testRegistering = press(testPreflight, enter);
  assert.equal(testRegistering.testEnrollment.step, 'registering');
  const testAssigned = report(testRegistering, 'register-device', 2);
  assert.equal(testAssigned.testEnrollment.step, 'assigned');
  const testRefused = report(testRegistering, 'register-device', 3);
  assert.equal(testRefused.testEnrollment.step, 'refused');
  // Browse: the first page of enrollments, the details of one, its delete being confirmed.
  const browseList = report(press(home, up, up, enter), 'browse-page', 1);
  assert.equal(browseList.browse.step, 'list');
  const browseDetails = press(browseList, down, enter);
  assert.equal(browseDetails.browse.step, 'details');
  const browseDelete = press(browseDetails, text('d'), text('device-001'));
  assert.equal(browseDelete.browse.step, 'delete');
  const caTab = press(browseList, backTab);
  assert.equal(caTab.browse.tab, 'ca');

  return [
    home,
    individualRead,
    individualReview,
    individualSaving,
    individualConfig,
    groupList,
    groupReview,
    groupSaved,
    preflight,
    groupConfig,
    signingReview,
    caList,
    prove,
    addName,
    verified,
    saveProof,
    testFolder,
    summary,
    done,
    testPreflight,
    testRegistering,
    testAssigned,
    testRefused,
    browseList,
    browseDetails,
    browseDelete,
    caTab,
  ];
}

/** From home to the test certificates' summary: folder out, one device dev-1, RSA, the default validity. */
const toTestChainSummary = (home: WizardState): WizardState =>
  press(home, down, down, down, enter, text('out'), enter, text('dev-1'), enter, enter, enter);

/** Connected with a connection string: no CA can be listed, a group uploads its own certificate. */
function connectionStringStartStates(): WizardState[] {
  const start = initialState(cwd, 'a connection string');
  const home = reducer(start, {
    type: 'result',
    taskId: task(start, 'connect').id,
    outcome: {kind: 'connected', info: connectionStringInfo},
  });
  const group = press(home, down, enter, text('signed-group'), enter);
  assert.equal(group.group.step, 'attestation');
  const summary = toTestChainSummary(home);
  assert.equal(summary.testCertificates.step, 'summary');
  const done = report(press(summary, enter), 'generate-test-chain', 2);
  assert.equal(done.testCertificates.step, 'done');
  return [home, group, done];
}

/** Every certificate field of every flow: the flow that owns it, its name in tasks, and where it is. */
const certificateFields: {
  owner: FlowName;
  field: IndividualField | GroupField | CaField | TestEnrollmentField;
  of: (state: WizardState) => CertificateField;
}[] = [
  {owner: 'individual', field: 'primary', of: (state) => state.individual.primary},
  {owner: 'individual', field: 'secondary', of: (state) => state.individual.secondary},
  {owner: 'group', field: 'group-signing-primary', of: (state) => state.group.signingPrimary},
  {owner: 'group', field: 'group-signing-secondary', of: (state) => state.group.signingSecondary},
  {owner: 'group', field: 'group-device', of: (state) => state.group.deviceCertificate},
  {owner: 'verify-ca', field: 'ca-certificate', of: (state) => state.ca.certificateFile},
  {owner: 'verify-ca', field: 'ca-verification', of: (state) => state.ca.verificationFile},
  {
    owner: 'test-enrollment',
    field: 'test-certificate',
    of: (state) => state.testEnrollment.certificate,
  },
];

const tasksOf = <K extends Task['kind']>(state: WizardState, kind: K) =>
  state.tasks.filter((item): item is Extract<Task, {kind: K}> => item.kind === kind);

/** A step that waits for the one task of `kind`: the step shows exactly while the task runs. */
function stepWithTask(state: WizardState, kind: Task['kind'], onStep: boolean, what: string) {
  const count = tasksOf(state, kind).length;
  assert.ok(count <= 1, `one ${kind} at a time, found ${count}`);
  assert.equal(count === 1, onStep, `${what} with ${count} ${kind} tasks`);
}

function checkInvariants(state: WizardState): void {
  const ids = state.tasks.map((item) => item.id);
  assert.equal(new Set(ids).size, ids.length, 'task ids are unique');
  assert.ok(ids.every((id) => id < state.nextTaskId));
  if (!isBusy(state)) assert.deepEqual(state.typeAhead, [], 'no keys wait when nothing is busy');
  // Both wait, whatever the screen: a second Tab or Enter waits for the first one's result.
  assert.ok(tasksOf(state, 'complete-path').length <= 1, 'one path completed at a time');
  assert.ok(tasksOf(state, 'write-file').length <= 1, 'one file written at a time');
  // The footer is one line of an 80-column terminal: a longer one hides its last keys (Esc, Ctrl+C).
  const footer = keyHints(state).join(' · ');
  assert.ok([...footer].length <= 80, `footer wider than 80 columns: ${footer}`);

  // A certificate field is being read exactly while a task reads it (a verification file: checks it).
  for (const {owner, field: key, of} of certificateFields) {
    const reading = state.tasks.filter(
      (item) =>
        (item.kind === 'read-certificate' && item.owner === owner && item.field === key) ||
        (key === 'ca-verification' && item.kind === 'check-verification-certificate'),
    );
    const field = of(state);
    const status = field.status.state;
    if (field.status.state === 'loaded') {
      // An edited path forgets what was read from the old one.
      assert.equal(
        field.status.certificate.path,
        field.path.value.trim(),
        `${key}: read from its path`,
      );
    }
    assert.equal(
      reading.length > 0,
      status === 'reading',
      `${key}: ${status}, ${reading.length} reads`,
    );
  }

  // A step that waits for a task is left only by cancelling it: it is never waiting off screen.
  const waiting: [string, boolean][] = [
    ['individual', state.individual.step === 'saving'],
    ['group', state.group.step === 'saving' || state.group.preflight?.state === 'checking'],
    ['verify-ca', ['uploading', 'generating', 'signing', 'verifying'].includes(state.ca.step)],
    ['test-certificates', state.testCertificates.step === 'generating'],
    [
      'test-enrollment',
      state.testEnrollment.step === 'registering' || state.testEnrollment.checking === true,
    ],
    ['browse', state.browse.step === 'deleting' || state.browse.cursorTarget !== undefined],
  ];
  for (const [screen, busy] of waiting) {
    if (busy) assert.equal(state.screen.name, screen, `${screen} waits off screen`);
  }

  // Test an enrollment: registering and checking show exactly while their task runs.
  const testing = state.testEnrollment;
  stepWithTask(state, 'register-device', testing.step === 'registering', `test ${testing.step}`);
  stepWithTask(state, 'check-device', testing.checking === true, `test ${testing.step} checking`);
  stepWithTask(state, 'plan-edge-install', testing.install === 'planning', 'install planning');
  stepWithTask(state, 'apply-edge-install', testing.install === 'installing', 'installing');

  // Individual enrollment.
  const individual = state.individual;
  stepWithTask(
    state,
    'save-individual',
    individual.step === 'saving',
    `individual ${individual.step}`,
  );
  if (individual.step === 'exists') assert.ok(individual.existing, 'the enrollment that exists');
  if (individual.step === 'review' || individual.step === 'saving') {
    assert.ok(
      individual.registrationId.value.trim() !== '' && individual.primary.status.state === 'loaded',
      'the review is reached only with a certificate and a registration ID',
    );
  }

  // Group enrollment.
  const group = state.group;
  stepWithTask(state, 'save-group', group.step === 'saving', `group ${group.step}`);
  stepWithTask(
    state,
    'check-group-device',
    group.preflight?.state === 'checking',
    `pre-flight ${group.preflight?.state}`,
  );
  if (group.step === 'exists') assert.ok(group.existing, 'the group that exists is shown');
  if (group.preflight?.state === 'checking') assert.equal(group.step, 'preflight');
  const groupLists = state.tasks.filter(
    (item) => item.kind === 'list-ca-certificates' && item.owner === 'group',
  );
  assert.ok(groupLists.length <= 1, "the group's CA list is read once at a time");
  if (group.caCertificates.state === 'loading') {
    assert.ok(
      state.tasks.some((item) => item.kind === 'list-ca-certificates' && item.owner === 'group'),
      "the group's CA list is loading only while it is read",
    );
  }
  if (group.step === 'review' || group.step === 'saving') {
    assert.equal(groupIdProblem(group), undefined, 'the review is reached with a valid group name');
    if (group.attestation === 'ca-reference') {
      const {primary, secondary} = caReferencesOf(group);
      assert.match(primary, /^[A-Za-z0-9._-]+$/, 'the review has a primary CA reference');
      assert.notEqual(secondary, primary, 'the secondary CA is another one');
    } else {
      assert.equal(
        group.signingPrimary.status.state,
        'loaded',
        'the review has a signing certificate',
      );
    }
  }
  if (group.step === 'result' || group.step === 'config') assert.ok(group.saved, 'a saved group');

  // CA verification.
  const ca = state.ca;
  stepWithTask(state, 'upload-ca-certificate', ca.step === 'uploading', `CA ${ca.step}`);
  stepWithTask(state, 'generate-verification-code', ca.step === 'generating', `CA ${ca.step}`);
  stepWithTask(state, 'sign-verification-certificate', ca.step === 'signing', `CA ${ca.step}`);
  stepWithTask(state, 'verify-ca-certificate', ca.step === 'verifying', `CA ${ca.step}`);
  // The verification certificate is saved by a write-file of the CA flow.
  const saves = tasksOf(state, 'write-file').filter((item) => item.owner === 'verify-ca');
  assert.ok(saves.length <= 1, 'one verification certificate written at a time');
  if (saves.length > 0) assert.equal(ca.step, 'save', 'the file is written from the save step');
  if (ca.certificates.state === 'loading') {
    assert.ok(
      state.tasks.some(
        (item) => item.kind === 'list-ca-certificates' && item.owner === 'verify-ca',
      ),
      'the CA list is loading only while it is read',
    );
  }
  if (['generating', 'prove', 'passphrase', 'signing', 'verifying'].includes(ca.step)) {
    assert.ok(ca.target, `the CA step ${ca.step} knows its certificate`);
  }
  if (ca.step === 'prove' || ca.step === 'passphrase' || ca.step === 'signing') {
    assert.ok(ca.verificationCode, `the CA step ${ca.step} has a verification code`);
  }
  if (ca.step === 'verifying') assert.ok(ca.verificationPem, 'verifying sends a certificate');
  if (ca.step === 'verified' || ca.step === 'commands') assert.ok(ca.target, 'a verified CA');
  if (ca.step === 'add-verified' || ca.step === 'uploading') {
    assert.equal(ca.certificateFile.status.state, 'loaded', 'the upload has its certificate');
  }
  if (ca.step === 'save') assert.ok(ca.verificationPem, 'the verification certificate to save');
  if (ca.step === 'name-exists') assert.ok(ca.existing, 'the certificate that exists is known');

  // Browse: deleting exactly while the delete runs; a list reads a page only while a page is asked for.
  const browse = state.browse;
  stepWithTask(state, 'browse-delete', browse.step === 'deleting', `browse ${browse.step}`);
  for (const [tab, list] of Object.entries(browse.lists)) {
    const pages = tasksOf(state, 'browse-page').filter(
      (item) => item.tab === tab && item.generation === list.generation,
    );
    assert.ok(pages.length <= 1, `one page of ${tab} at a time`);
    assert.equal(pages.length === 1, list.state === 'loading', `${tab} ${list.state}`);
  }
  assert.ok(tasksOf(state, 'browse-read').length <= 1, 'one item read at a time');
  if (browse.reading) assert.equal(tasksOf(state, 'browse-read').length, 1, 'reading while read');
  if (browse.step !== 'list') assert.ok(browse.shown, `browse ${browse.step} shows an item`);
  if (browse.step === 'list') {
    const count = browse.lists[browse.tab].items.length;
    assert.ok(browse.cursor === 0 || browse.cursor < count, 'the cursor is on a row');
  }
  if (browse.cursorTarget !== undefined) {
    assert.equal(browse.step, 'list', 'only the list waits for a page');
    assert.equal(browse.lists[browse.tab].state, 'loading', 'the cursor waits for a page read');
    assert.ok(browse.cursorTarget > browse.cursor, 'the cursor waits to go down');
  }

  // Test certificates.
  const chain = state.testCertificates;
  stepWithTask(
    state,
    'generate-test-chain',
    chain.step === 'generating',
    `test chain ${chain.step}`,
  );
  if (chain.step === 'summary' || chain.step === 'generating') {
    assert.equal(deviceNamesProblem(deviceNamesOf(chain)), undefined, 'valid device names');
    assert.equal(daysProblem(chain.days.value), undefined, 'a valid validity');
  }
  if (chain.step === 'done') {
    assert.ok(chain.written, 'the files written are listed');
    assert.ok(chain.doneCursor < doneChoices(chain).length, 'the cursor is on a choice');
  }
  if (chain.step === 'exists') assert.ok(chain.existing, 'the files in the way are listed');
}

describe('random keys and effect results', () => {
  type Step =
    | {keys: KeyEvent[]}
    | {result: number; choice: number}
    | {viewport: Viewport}
    | {scrollLimit: number};

  const anyKey: fc.Arbitrary<KeyEvent> = fc.oneof(
    {weight: 6, arbitrary: fc.constant(enter)},
    {weight: 1, arbitrary: fc.constant(escape)},
    {
      weight: 4,
      arbitrary: fc.constantFrom<KeyEvent>(
        up,
        down,
        tab,
        backTab,
        left,
        right,
        backspace,
        pageDown,
        pageUp,
        {kind: 'ctrl', letter: 'u'},
      ),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          'device-01.pem',
          'device-02.pem',
          'ca.pem',
          'verification.pem',
          'new-ca',
          'a',
          ' ',
          'n',
          'o',
          'p',
          'r',
          's',
          'u',
          'w',
          'e',
          'x=1',
          '{',
          'd',
          'g',
          'v',
          'device-001',
        )
        .map(text),
    },
  );

  const anyStep: fc.Arbitrary<Step> = fc.oneof(
    {weight: 3, arbitrary: fc.array(anyKey, {minLength: 1, maxLength: 4}).map((keys) => ({keys}))},
    {weight: 2, arbitrary: fc.record({result: fc.nat(), choice: fc.nat()})},
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<Viewport>(
          {columns: 80, rows: 24},
          {columns: 60, rows: 16},
          {columns: 132, rows: 43},
        )
        .map((viewport) => ({viewport})),
    },
    {weight: 1, arbitrary: fc.nat({max: 40}).map((scrollLimit) => ({scrollLimit}))},
  );

  /** How far the step on screen can scroll, as its view reports it after drawing (here any amount). */
  function scrollLimitFor(state: WizardState, limit: number): Action | undefined {
    const {name} = state.screen;
    if (name === 'home' || name === 'quit' || name === 'resume') return undefined;
    return {type: 'scroll-limit', screen: name, step: flowOf(state, name).step, limit};
  }

  /** A result the effect runner could report for one of the tasks the state asks for. */
  function resultFor(state: WizardState, index: number, choice: number): Action | undefined {
    const running = state.tasks[index % Math.max(1, state.tasks.length)];
    if (!running) return undefined;
    const options = resultsFor(running);
    return options[choice % options.length];
  }

  test('never throw, and keep tasks, steps and type-ahead consistent, in every flow', () => {
    const starts = startStates();
    for (const start of starts) checkInvariants(start);
    fc.assert(
      fc.property(fc.nat(), fc.array(anyStep, {maxLength: 60, size: 'max'}), (from, steps) => {
        let state = starts[from % starts.length]!;
        for (const step of steps) {
          if ('keys' in step) {
            state = press(state, ...step.keys);
          } else if ('viewport' in step) {
            state = reducer(state, {type: 'viewport', viewport: step.viewport});
          } else if ('scrollLimit' in step) {
            const action = scrollLimitFor(state, step.scrollLimit);
            if (action) state = reducer(state, action);
          } else {
            const action = resultFor(state, step.result, step.choice);
            if (action) state = reducer(state, action);
          }
          checkInvariants(state);
        }
      }),
      {numRuns: runs(400), includeErrorInReport: true},
    );
  });
});

describe('keys typed while a step of any flow waits', () => {
  const anyKey: fc.Arbitrary<KeyEvent> = fc.oneof(
    fc.constantFrom<KeyEvent>(
      enter,
      enter,
      escape,
      up,
      down,
      tab,
      left,
      right,
      backspace,
      pageDown,
    ),
    fc.constantFrom('a', ' ', 'n', 'p', 'r', 's', 'w', '1', 'ca.pem', 'x=1').map(text),
  );

  /** A step waiting for the one task of `kind`, and whether Esc acts at once there (cancels or leaves). */
  type Waiting = {
    name: string;
    busy: WizardState;
    kind: Task['kind'];
    pick: number;
    escapeActs: boolean;
  };

  function waitingSteps(): Waiting[] {
    const home = connected();
    const groupName = press(home, down, enter, text('edge-group'), enter);
    const caList = press(home, down, down, enter);
    const caListed = report(caList, 'list-ca-certificates');
    const groupReview = enterUntil(
      report(press(groupName, enter), 'list-ca-certificates'),
      groupStep,
      'review',
    );
    const saved = report(press(groupReview, enter), 'save-group', 2);
    const summary = toTestChainSummary(home);
    const deviceRead = report(
      press(saved, text('p'), text('device-01-full-chain.pem'), enter),
      'read-certificate',
      2,
    );
    return [
      {
        name: 'the group signing certificate being read',
        busy: press(groupName, down, enter, text('ca.pem'), enter),
        kind: 'read-certificate',
        pick: 0,
        escapeActs: false,
      },
      {
        name: 'a device certificate being read for the pre-flight',
        busy: press(saved, text('p'), text('device-01-full-chain.pem'), enter),
        kind: 'read-certificate',
        pick: 2,
        escapeActs: false,
      },
      {
        name: 'a group being saved',
        busy: press(groupReview, enter),
        kind: 'save-group',
        pick: 2,
        escapeActs: true,
      },
      {
        name: 'a test chain being made',
        busy: press(summary, enter),
        kind: 'generate-test-chain',
        pick: 2,
        escapeActs: true,
      },
      {
        name: 'a CA certificate being uploaded',
        busy: press(
          report(
            press(caListed, up, enter, text('new-ca'), enter, text('ca.pem'), enter),
            'read-certificate',
          ),
          enter,
          enter,
        ),
        kind: 'upload-ca-certificate',
        pick: 2,
        escapeActs: false,
      },
      {
        name: 'the group pre-flight being checked',
        busy: press(deviceRead, enter),
        kind: 'check-group-device',
        pick: 0,
        escapeActs: false,
      },
      {
        name: "the group's CA list being read",
        busy: press(groupName, enter),
        kind: 'list-ca-certificates',
        pick: 0,
        escapeActs: true,
      },
      {
        name: 'the CA list being read',
        busy: caList,
        kind: 'list-ca-certificates',
        pick: 0,
        escapeActs: true,
      },
      {
        name: 'a CA certificate file being read',
        busy: press(caListed, up, enter, text('new-ca'), enter, text('ca.pem'), enter),
        kind: 'read-certificate',
        pick: 0,
        escapeActs: false,
      },
      {
        name: 'a verification code being generated',
        busy: press(caListed, down, enter),
        kind: 'generate-verification-code',
        pick: 1,
        escapeActs: false,
      },
      {
        name: 'the cursor gone past the rows read, the next page being read',
        // A first page of 30 with more in DPS, its next page asked for at once; Down past its last row.
        busy: press(
          report(press(home, up, up, enter), 'browse-page', 1),
          ...Array<KeyEvent>(30).fill(down),
        ),
        kind: 'browse-page',
        pick: 1,
        escapeActs: true,
      },
    ];
  }

  test('end where they would after the result, wherever they were typed', () => {
    for (const {name, busy, kind, pick, escapeActs} of waitingSteps()) {
      assert.equal(isBusy(busy), true, `${name}: busy`);
      const result = resultsFor(task(busy, kind))[pick]!;
      const keys = escapeActs ? anyKey.filter((key) => key.kind !== 'escape') : anyKey;
      fc.assert(
        fc.property(fc.array(keys, {maxLength: 30}), fc.nat(), (typed, at) => {
          const split = at % (typed.length + 1);
          const after = press(reducer(busy, result), ...typed);
          const typedAhead = press(
            reducer(press(busy, ...typed.slice(0, split)), result),
            ...typed.slice(split),
          );
          assert.deepEqual(typedAhead, after, name);
        }),
        {numRuns: runs(100), includeErrorInReport: true},
      );
    }
  });
});

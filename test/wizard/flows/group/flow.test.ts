import {X509Certificate} from 'node:crypto';
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {readCertificateFor} from '../../../../source/wizard/runtime/certificate-file.js';
import {checkGroupDevice} from '../../../../source/wizard/flows/group/effects.js';
import {
  groupAzCommands,
  groupClosingReport,
  groupConfigToml,
  groupRequestJson,
  groupReviewRows,
  groupReviewText,
} from '../../../../source/wizard/flows/group/outputs.js';
import {toKeyEvents, type KeyEvent} from '../../../../source/wizard/shared/key-event.js';
import {draftOf} from '../../../../source/wizard/shared/text-draft.js';
import type {CaCertificate, EnrollmentGroup} from '../../../../source/dps/types.js';
import {
  caListRead,
  certificatesForFile,
  connected,
  cwd,
  down,
  enter,
  escape,
  info,
  inkKey,
  linkedHubs as hubs,
  onGroupPreflight,
  pageDown,
  press,
  task,
  text,
  throttledWait,
} from '../../../helpers/app-state.js';
import {ecChain, expectedInfo, issue} from '../../../helpers/test-certificates.js';
import {enrollmentDiff} from '../../../../source/outputs/enrollment-diff.js';
import {
  buildEnrollmentGroup,
  caReferenceWarning,
  previousGroupStep,
} from '../../../../source/wizard/flows/group/group.js';
import {groupInput} from '../../../../source/wizard/flows/group/input.js';
import {
  initialGroupFlow,
  type GroupEffect,
  type GroupFlow,
} from '../../../../source/wizard/flows/group/state.js';
import {initialState, keyHints, reducer} from '../../../../source/wizard/core/reducer.js';
import {openFlow} from '../../../../source/wizard/core/flows.js';
import type {RouterEffect} from '../../../../source/wizard/shared/effect.js';
import type {FlowContext} from '../../../../source/wizard/shared/flow.js';
import {
  bodySize,
  defaultViewport,
  wrapLines,
  type Viewport,
} from '../../../../source/wizard/shared/layout.js';
import type {LoadedCertificate} from '../../../../source/wizard/shared/types.js';
import type {WizardState} from '../../../../source/wizard/core/state.js';

const context: FlowContext = {
  cwd,
  viewport: defaultViewport,
  connection: {status: 'connected', info},
  info,
  linkedHubs: hubs,
};
const connectionStringInfo = {...info, mode: 'connection-string' as const, armAvailable: false};
const connectionString: FlowContext = {
  ...context,
  connection: {status: 'connected', info: connectionStringInfo},
  info: connectionStringInfo,
};

type Walk = {flow: GroupFlow; requests: (GroupEffect | RouterEffect)[]};

/** Feeds keys one by one, collecting every effect asked for, in order. */
function keys(flow: GroupFlow, events: KeyEvent[], with_ = context): Walk {
  const requests: (GroupEffect | RouterEffect)[] = [];
  let current = flow;
  for (const event of events) {
    const outcome = groupInput(current, event, with_);
    current = outcome.flow;
    requests.push(...outcome.effects);
  }
  return {flow: current, requests};
}

/** A new read of the CA list: a read still running is dropped first. */
const listCaCertificates = [
  {kind: 'cancel', effect: 'list-ca-certificates'},
  {kind: 'list-ca-certificates'},
];

/** The CA flow opened for `slot` of the group, with the group's CA list. */
const verifyCa = (flow: GroupFlow, slot: 'primary' | 'secondary', name: string) => ({
  kind: 'open',
  flow: 'verify-ca',
  with: {kind: 'for-group', slot, name, certificates: flow.caCertificates},
});

const at = (flow: GroupFlow, ...events: KeyEvent[]) => keys(flow, events).flow;

const ca = (name: string, isVerified: boolean, certificatePem?: string): CaCertificate => ({
  name,
  etag: `etag-${name}`,
  subject: `CN=${name}`,
  isVerified,
  ...(certificatePem ? {certificatePem} : {}),
});

/** Certificates read as the wizard reads them: the intermediate as a CA, the device with its full chain. */
const files: Record<string, LoadedCertificate> = {};
let folder = '';
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dps-enroll-group-flow-'));
  const {root, intermediate, leaf} = await ecChain('group-device-01');
  const stranger = await issue('stranger-01', 'identity', await issue('other-ca', 'ca'));
  const written = {
    'intermediate.pem': intermediate.certificatePem,
    'root.pem': root.certificatePem,
    'device-chain.pem': leaf.certificatePem + intermediate.certificatePem + root.certificatePem,
    'device-leaf.pem': leaf.certificatePem,
    'stranger.pem': stranger.certificatePem,
    'with-key.pem': intermediate.certificatePem + intermediate.privateKeyPem,
  };
  for (const [name, pem] of Object.entries(written)) {
    await writeFile(join(folder, name), pem);
  }
  for (const name of ['intermediate.pem', 'root.pem', 'with-key.pem']) {
    files[name] = await readCertificateFor('ca', name, join(folder, name));
  }
  for (const name of ['device-chain.pem', 'device-leaf.pem', 'stranger.pem']) {
    files[name] = await readCertificateFor('identity', name, join(folder, name));
  }
});
after(async () => {
  if (folder) await rm(folder, {recursive: true, force: true});
});

/** Delivers a certificate read the way the reducer does. */
function loaded(flow: GroupFlow, key: 'signingPrimary' | 'signingSecondary', name: string) {
  assert.equal(flow[key].status.state, 'reading');
  const certificate = files[name];
  assert.ok(certificate);
  return {
    ...flow,
    [key]: {...flow[key], status: {state: 'loaded', certificate, warningsAccepted: false}},
  } as GroupFlow;
}

function named(name = 'line-7'): GroupFlow {
  const walk = keys(initialGroupFlow(hubs), [text(name), enter]);
  assert.equal(walk.flow.step, 'attestation');
  return walk.flow;
}

/** The group flow on its primary CA list, the DPS listing the certificates given. */
function onCaList(...certificates: CaCertificate[]): WizardState {
  const state = press(connected(), down, enter, text('line-7'), enter, enter);
  assert.equal(state.group.step, 'ca-primary');
  return caListRead(state, certificates);
}

describe('group flow: name and attestation', () => {
  test('the group name follows the registration ID rules', () => {
    const empty = at(initialGroupFlow(hubs), enter);
    assert.equal(empty.step, 'group-id');
    assert.match(empty.stepError ?? '', /group name is empty/);
    const bad = at(initialGroupFlow(hubs), text('line 7/a'), enter);
    assert.equal(bad.step, 'group-id');
    assert.match(bad.stepError ?? '', /' ', '\/', which are not allowed/);
    const long = at(initialGroupFlow(hubs), text('a'.repeat(129)), enter);
    assert.match(long.stepError ?? '', /at most 128/);
    assert.equal(named('Line-7:west_A.1').groupId.value, 'Line-7:west_A.1');
  });

  test('choosing a CA reference lists the CA certificates of DPS', () => {
    const walk = keys(named(), [enter]);
    assert.equal(walk.flow.step, 'ca-primary');
    assert.equal(walk.flow.caCertificates.state, 'loading');
    assert.deepEqual(walk.requests, listCaCertificates);
  });

  test('without Azure sign-in the CA is typed: no list is asked for, and the review warns', () => {
    const walk = keys(named(), [enter, text('plant-root'), enter, enter], connectionString);
    assert.deepEqual(walk.requests, []);
    assert.equal(walk.flow.step, 'edge');
    const group = buildEnrollmentGroup(walk.flow, hubs);
    assert.deepEqual(group.attestation, {type: 'x509', caReferences: {primary: 'plant-root'}});
    assert.match(caReferenceWarning(walk.flow) ?? '', /DPS does not check the CA name/);
  });

  test('a typed CA name must look like a certificate name, and a secondary must differ', () => {
    const typed = keys(named(), [enter, text('my root'), enter], connectionString).flow;
    assert.equal(typed.step, 'ca-primary');
    assert.match(typed.stepError ?? '', /'my root' is not a CA certificate name/);
    const same = keys(
      named(),
      [enter, text('root-a'), enter, text('root-a'), enter],
      connectionString,
    ).flow;
    assert.equal(same.step, 'ca-secondary');
    assert.match(same.stepError ?? '', /already the primary CA/);
  });
});

describe('group flow: choosing CA certificates from the DPS list', () => {
  const listed = (flow: GroupFlow, ...certificates: CaCertificate[]): GroupFlow => ({
    ...flow,
    caCertificates: {state: 'loaded', certificates},
  });

  test('a verified CA is chosen; the secondary list starts on (none)', () => {
    const list = listed(at(named(), enter), ca('root-a', true), ca('root-b', true));
    const primary = at(list, down, enter);
    assert.equal(primary.caPrimary.value, 'root-b');
    assert.equal(primary.step, 'ca-secondary');
    const none = at(primary, enter);
    assert.equal(none.step, 'edge');
    assert.equal(none.caSecondary.value, '');
    const both = at(primary, down, enter);
    assert.equal(both.caSecondary.value, 'root-a');
    assert.deepEqual(buildEnrollmentGroup(both, hubs).attestation, {
      type: 'x509',
      caReferences: {primary: 'root-b', secondary: 'root-a'},
    });
    assert.equal(caReferenceWarning(both), undefined);
  });

  test('r reads the list again and n opens "add a CA certificate" for this slot', () => {
    const list = listed(at(named(), enter), ca('root-a', true));
    const reload = keys(list, [text('r')]);
    assert.equal(reload.flow.caCertificates.state, 'loading');
    assert.deepEqual(reload.requests, listCaCertificates);
    assert.deepEqual(keys(list, [text('n')]).requests, [verifyCa(list, 'primary', '')]);
    const empty = listed(at(named(), enter));
    assert.deepEqual(keys(empty, [enter]).requests, [verifyCa(empty, 'primary', '')]);
  });

  test('Esc back to a CA list puts the cursor on the CA chosen before', () => {
    const list = listed(at(named(), enter), ca('root-a', true), ca('root-b', true));
    const back = at(list, down, enter, escape);
    assert.equal(back.step, 'ca-primary');
    const again = at(back, enter);
    assert.equal(again.caPrimary.value, 'root-b');
  });

  test('an unverified CA is not chosen: Enter asks to verify it, and the CA flow opens for that slot', () => {
    const list = listed(at(named(), enter), ca('root-a', false));
    const walk = keys(list, [enter]);
    assert.equal(walk.flow.step, 'ca-primary');
    assert.deepEqual(walk.requests, [verifyCa(list, 'primary', 'root-a')]);

    let state = press(connected(), down, enter, text('line-7'), enter, enter);
    assert.equal(state.group.step, 'ca-primary');
    const listing = task(state, 'list-ca-certificates');
    assert.equal(listing.owner, 'group');
    state = caListRead(state, [ca('root-a', false)]);
    state = press(state, enter);
    assert.equal(state.screen.name, 'verify-ca');
    assert.deepEqual(state.ca.returnTo, {slot: 'primary'});
  });

  test('back from verifying a CA, it is the chosen reference and the list is read again', () => {
    const start: WizardState = {
      ...connected(),
      screen: {name: 'verify-ca'},
      group: {...named(), step: 'ca-primary'},
    };
    const state = openFlow(start, {
      flow: 'group',
      with: {kind: 'ca-verified', slot: 'secondary', name: 'root-c'},
    });
    assert.equal(state.screen.name, 'group');
    assert.equal(state.group.step, 'ca-secondary');
    assert.equal(state.group.caSecondary.value, 'root-c');
    assert.equal(state.group.attestation, 'ca-reference');
    assert.equal(task(state, 'list-ca-certificates').owner, 'group');
  });

  test('opened for the uploaded certificate: the choice is made, and a named group shows it', () => {
    const fresh = openFlow(connected(), {flow: 'group', with: {kind: 'signing-certificate'}});
    assert.equal(fresh.screen.name, 'group');
    assert.equal(fresh.group.step, 'group-id');
    assert.equal(fresh.group.attestation, 'signing-certificate');
    const named_ = openFlow(
      {...connected(), group: {...named(), step: 'ca-primary'}},
      {flow: 'group', with: {kind: 'signing-certificate'}},
    );
    assert.equal(named_.group.step, 'attestation');
    assert.equal(named_.group.attestation, 'signing-certificate');
    assert.equal(named_.group.groupId.value, 'line-7');
  });

  test('a CA reference to an unverified or unknown CA is warned about in the review', () => {
    const flow = {...named(), caPrimary: draftOf('root-a')};
    assert.match(
      caReferenceWarning(listed(flow, ca('root-a', false))) ?? '',
      /'root-a' is not verified: DPS saves the group but refuses its devices/,
    );
    assert.match(
      caReferenceWarning(listed(flow, ca('root-b', true))) ?? '',
      /no CA certificate named 'root-a'/,
    );
  });

  test('keys typed while the list loads wait, then apply in order', () => {
    let state = press(connected(), down, enter, text('line-7'), enter, enter);
    state = press(state, down, enter);
    assert.equal(state.typeAhead.length, 2);
    state = caListRead(state, [ca('root-a', true), ca('root-b', true)]);
    assert.equal(state.group.caPrimary.value, 'root-b');
    assert.equal(state.group.step, 'ca-secondary');
  });
});

describe('group flow: a CA certificate uploaded into the group', () => {
  function toSigning(): GroupFlow {
    const flow = at(named(), down, enter);
    assert.equal(flow.step, 'signing-primary');
    return flow;
  }

  test('the file is read as a CA certificate; Enter uses it; an empty secondary is skipped', () => {
    const walk = keys(toSigning(), [text('intermediate.pem'), enter]);
    assert.deepEqual(walk.requests, [
      {
        kind: 'read-certificate',
        field: 'group-signing-primary',
        purpose: 'ca',
        path: 'intermediate.pem',
      },
    ]);
    const ready = loaded(walk.flow, 'signingPrimary', 'intermediate.pem');
    const secondary = at(ready, enter);
    assert.equal(secondary.step, 'signing-secondary');
    const edge = at(secondary, enter);
    assert.equal(edge.step, 'edge');
    const group = buildEnrollmentGroup(edge, hubs);
    assert.equal(group.enrollmentGroupId, 'line-7');
    assert.deepEqual(group.attestation, {
      type: 'x509',
      signingCertificates: {primary: {certificate: files['intermediate.pem']!.pem}},
    });
    assert.equal(group.capabilities?.iotEdge, true);
    assert.deepEqual(
      group.iotHubs,
      hubs.map((hub) => hub.hostName),
    );
  });

  test('the read asks for the CA checks, and a file with a private key cannot be used', () => {
    const state = press(connected(), down, enter, text('g'), enter, down, enter);
    const reading = press(state, text('with-key.pem'), enter);
    const read = task(reading, 'read-certificate');
    assert.equal(read.purpose, 'ca');
    assert.equal(read.field, 'group-signing-primary');

    const flow = loaded(
      keys(toSigning(), [text('with-key.pem'), enter]).flow,
      'signingPrimary',
      'with-key.pem',
    );
    const refused = at(flow, enter);
    assert.equal(refused.step, 'signing-primary');
    assert.match(refused.stepError ?? '', /cannot be used for the group/);
  });

  test('the secondary cannot be the primary again', () => {
    let flow = loaded(
      keys(toSigning(), [text('intermediate.pem'), enter]).flow,
      'signingPrimary',
      'intermediate.pem',
    );
    flow = at(flow, enter, text('intermediate.pem'), enter);
    flow = loaded(flow, 'signingSecondary', 'intermediate.pem');
    const refused = at(flow, enter);
    assert.equal(refused.step, 'signing-secondary');
    assert.match(refused.stepError ?? '', /primary certificate again/);
  });
});

describe('group flow: Esc, review and outputs', () => {
  function toReview(): GroupFlow {
    let flow = at(named(), enter);
    flow = {...flow, caCertificates: {state: 'loaded', certificates: [ca('root-a', true)]}};
    // root-a, no secondary, edge, hubs, allocation, tags, desired, advanced
    flow = at(flow, enter, enter, enter, enter, enter, text('line=7'), enter, enter, enter);
    assert.equal(flow.step, 'review');
    return flow;
  }

  test('Esc walks back one step at a time, keeping every value, then leaves for home', () => {
    let flow = toReview();
    const visited: string[] = [];
    for (;;) {
      const outcome = groupInput(flow, escape, context);
      if (outcome.effects.some((effect) => effect.kind === 'home')) break;
      flow = outcome.flow;
      visited.push(flow.step);
    }
    assert.deepEqual(visited, [
      'advanced',
      'twin',
      'allocation',
      'hubs',
      'edge',
      'ca-secondary',
      'ca-primary',
      'attestation',
      'group-id',
    ]);
    assert.equal(flow.groupId.value, 'line-7');
    assert.equal(flow.caPrimary.value, 'root-a');
    assert.equal(flow.settings.tags.value, 'line=7');
    assert.equal(previousGroupStep({...flow, step: 'preflight'}), 'result');
  });

  test('the review: request JSON, az commands with the certificate commands first, webhook key masked', () => {
    let flow = toReview();
    flow = {
      ...flow,
      settings: {
        ...flow.settings,
        allocationPolicy: 'custom',
        webhookUrl: draftOf('https://f.azurewebsites.net/api/a?code=SECRET123'),
      },
    };
    const json = groupRequestJson(flow, info);
    assert.match(json, /"caReferences"/);
    assert.doesNotMatch(json, /SECRET123/);
    const az = groupAzCommands(flow, info);
    assert.doesNotMatch(az, /SECRET123/);
    const certificate = az.indexOf('az iot dps certificate create');
    const group = az.indexOf('az iot dps enrollment-group create');
    assert.ok(certificate >= 0 && group > certificate, az);
    assert.match(az, /--ca-name root-a/);
    assert.match(az, /--edge-enabled true/);
    assert.match(az, /--initial-twin-tags '\{"line":"?7"?\}'/);
  });

  test('the config template names no registration ID: each device uses its CN', () => {
    const flow = {
      ...toReview(),
      deviceCertPath: draftOf('/var/aziot/certs/chain.pem'),
      deviceKeyPath: draftOf('/var/aziot/secrets/device.key.pem'),
    };
    const toml = groupConfigToml(flow, info);
    assert.match(toml, /registration_id = "<device certificate CN>"/);
    assert.match(toml, /identity_cert = "file:\/\/\/var\/aziot\/certs\/chain.pem"/);
  });
});

describe('group flow in the wizard state: saving', () => {
  function reviewed(): WizardState {
    let state = press(connected(), down, enter, text('line-7'), enter, down, enter);
    state = press(state, text('intermediate.pem'), enter);
    const read = task(state, 'read-certificate');
    state = reducer(state, {
      type: 'result',
      taskId: read.id,
      outcome: {kind: 'certificate-read', certificate: files['intermediate.pem']!},
    });
    // use it, no secondary, edge, hubs, allocation, tags, desired, advanced
    state = press(state, enter, enter, enter, enter, enter, enter, enter, enter);
    assert.equal(state.group.step, 'review');
    return state;
  }

  /** The terminal resized, and the review's view reporting how far it can scroll at that size. */
  function resized(state: WizardState, viewport: Viewport): WizardState {
    const next = reducer(state, {type: 'viewport', viewport});
    return reducer(next, {
      type: 'scroll-limit',
      screen: 'group',
      step: 'review',
      // As the view measures it: the review's wrapped lines less the rows it is shown in.
      limit: Math.max(
        0,
        wrapLines(groupReviewText(next.group, info), bodySize(viewport).width).length -
          groupReviewRows(next.group, viewport),
      ),
    });
  }

  test('a taller terminal brings a review scrolled to its end back in range at once', () => {
    const small = resized(reviewed(), {columns: 80, rows: 12});
    const scrolled = press(small, ...Array<KeyEvent>(40).fill(pageDown));
    assert.ok(scrolled.group.reviewScroll > 0, 'the small screen scrolls');
    const tall = resized(scrolled, {columns: 80, rows: 60});
    assert.equal(tall.group.reviewScroll, 0, 'everything fits: nothing is scrolled away');
  });

  const savedGroup = (group: EnrollmentGroup, etag: string): EnrollmentGroup => ({
    ...group,
    etag,
  });

  /** Reviewed, saved with Enter, and DPS answers with the group saved under `etag`. */
  function saved(etag: string): WizardState {
    const state = press(reviewed(), enter);
    const save = task(state, 'save-group');
    return reducer(state, {
      type: 'result',
      taskId: save.id,
      outcome: {kind: 'saved', saved: savedGroup(save.group, etag)},
    });
  }

  test('an existing group is shown first; a pasted u is ignored; u updates it with its etag', () => {
    let state = press(reviewed(), enter);
    assert.equal(state.group.step, 'saving');
    const save = task(state, 'save-group');
    assert.equal(save.group.etag, undefined);
    state = press(state, text('u'));
    assert.deepEqual(state.typeAhead, [text('u')]);
    state = reducer(state, {
      type: 'result',
      taskId: save.id,
      outcome: {kind: 'exists', existing: savedGroup(save.group, 'etag-1')},
    });
    assert.equal(state.group.step, 'exists');
    assert.deepEqual(state.typeAhead, []);
    state = press(state, text('uu'));
    assert.equal(state.group.step, 'exists');
    state = press(state, text('u'));
    assert.equal(state.group.step, 'saving');
    assert.equal(task(state, 'save-group').group.etag, 'etag-1');
  });

  test('throttling is shown while the save goes on; a stale etag drops the etag for the next try', () => {
    let state = press(reviewed(), enter);
    const save = task(state, 'save-group');
    state = reducer(state, {
      type: 'progress',
      taskId: save.id,
      progress: {kind: 'waiting', wait: throttledWait(3, 2)},
    });
    assert.deepEqual(state.group.waiting, throttledWait(3, 2));
    assert.equal(task(state, 'save-group').id, save.id);
    state = {...state, group: {...state.group, updateEtag: 'etag-1'}};
    state = reducer(state, {
      type: 'result',
      taskId: save.id,
      outcome: {kind: 'save-failed', failure: {kind: 'stale-etag', message: 'HTTP 412'}},
    });
    assert.equal(state.group.step, 'save-failed');
    assert.equal(state.group.updateEtag, undefined);
    assert.equal(state.group.waiting, undefined);
    state = press(state, text('r'));
    assert.equal(task(state, 'save-group').group.etag, undefined);
  });

  test('Esc cancels a save at once, even while it waits', () => {
    let state = press(reviewed(), enter);
    state = press(state, escape);
    assert.equal(state.group.step, 'review');
    assert.equal(state.tasks.filter((item) => item.kind === 'save-group').length, 0);
    assert.match(state.group.stepError ?? '', /saving was cancelled/);
  });

  test('saved: the result, then the config template written through the write-file task', () => {
    let state = saved('etag-2');
    assert.equal(state.group.step, 'result');
    state = press(state, enter, enter, enter);
    assert.equal(state.group.step, 'config');
    state = press(state, text('w'));
    assert.equal(state.group.configFile.path.value, `${cwd}/line-7.config.toml`);
    state = press(state, enter);
    const write = task(state, 'write-file');
    assert.equal(write.owner, 'group');
    assert.match(write.content, /registration_id = "<device certificate CN>"/);
    state = reducer(state, {
      type: 'result',
      taskId: write.id,
      outcome: {kind: 'file-exists', path: write.path},
    });
    assert.equal(state.group.confirmOverwrite, true);
    assert.match(state.group.stepError ?? '', /already exists/);
    state = press(state, enter);
    const again = task(state, 'write-file');
    assert.equal(again.overwrite, true);
    state = reducer(state, {
      type: 'result',
      taskId: again.id,
      outcome: {kind: 'file-written', path: again.path},
    });
    assert.equal(state.group.configWritten, again.path);
  });

  test('the pre-flight reads the device file and checks it against the uploaded CA', () => {
    let state = saved('etag-3');
    state = press(state, text('p'), text('device-chain.pem'), enter);
    const read = task(state, 'read-certificate');
    assert.equal(read.field, 'group-device');
    assert.equal(read.purpose, 'identity');
    state = reducer(state, {
      type: 'result',
      taskId: read.id,
      outcome: {kind: 'certificate-read', certificate: files['device-chain.pem']!},
    });
    state = press(state, enter);
    const check = task(state, 'check-group-device');
    assert.deepEqual(check.anchorPems, [files['intermediate.pem']!.pem]);
    assert.equal(check.chainPems.length, 2);
    assert.equal(state.group.preflight?.state, 'checking');
  });

  test('a device the pre-flight checked fills config.toml with its CN, and w writes it under that name', async () => {
    let state = saved('etag-3');
    state = press(state, enter, enter, enter);
    assert.equal(state.group.step, 'config');
    assert.match(groupConfigToml(state.group, info), /registration_id = "<device certificate CN>"/);
    state = press(state, text('p'), text('device-chain.pem'), enter);
    state = reducer(state, {
      type: 'result',
      taskId: task(state, 'read-certificate').id,
      outcome: {kind: 'certificate-read', certificate: files['device-chain.pem']!},
    });
    state = press(state, enter);
    const check = task(state, 'check-group-device');
    state = reducer(state, {
      type: 'result',
      taskId: check.id,
      outcome: {kind: 'preflight', report: await checkGroupDevice(check)},
    });
    state = press(state, escape);
    assert.equal(state.group.step, 'config');
    assert.match(groupConfigToml(state.group, info), /registration_id = "group-device-01"/);
    state = press(state, text('w'));
    assert.equal(state.group.configFile.path.value, `${cwd}/group-device-01.config.toml`);
    state = press(state, enter);
    assert.match(task(state, 'write-file').content, /registration_id = "group-device-01"/);
  });
});

/** The pre-flight check of `leafPem` (with `chainPems`) against the group's CAs `anchorPems`. */
const checkDevice = (leafPem: string, chainPems: string[], anchorPems: string[]) =>
  checkGroupDevice({kind: 'check-group-device', leafPem, chainPems, anchorPems});

describe('group device pre-flight checks', () => {
  test('a device chain that reaches the group CA passes, with its CN as registration ID', async () => {
    const device = files['device-chain.pem']!;
    const report = await checkDevice(device.pem, device.chainPems, [
      files['intermediate.pem']!.pem,
    ]);
    assert.equal(report.registrationId, 'group-device-01');
    assert.equal(report.anchor, 'test-intermediate');
    assert.deepEqual(
      report.links.map((link) => [link.subject, link.signedBy, link.ok]),
      [['group-device-01', 'test-intermediate', true]],
    );
    assert.equal(
      report.findings.filter((finding) => finding.severity === 'error').length,
      0,
      JSON.stringify(report.findings),
    );
  });

  test('a leaf alone still reaches the group CA when the CA is the issuer', async () => {
    const report = await checkDevice(
      files['device-leaf.pem']!.pem,
      [],
      [files['intermediate.pem']!.pem],
    );
    assert.ok(report.links.every((link) => link.ok));
  });

  test('a device from another CA is refused, naming the link that fails', async () => {
    const report = await checkDevice(
      files['stranger.pem']!.pem,
      [],
      [files['intermediate.pem']!.pem],
    );
    assert.equal(report.registrationId, 'stranger-01');
    assert.equal(report.links[0]?.ok, false);
    assert.ok(report.findings.some((finding) => finding.severity === 'error'));
  });

  test('an upper-case CN is a warning about the registration ID', async () => {
    const {intermediate} = await ecChain('x');
    const leaf = await issue('Upper-Device', 'identity', intermediate);
    const report = await checkDevice(leaf.certificatePem, [], [intermediate.certificatePem]);
    assert.ok(report.findings.some((finding) => finding.code === 'registration-id-upper-case'));
  });

  test('a device under the secondary CA passes against the secondary', async () => {
    const other = await issue('rollover-ca', 'ca');
    const device = await issue('rollover-device', 'identity', other);
    const report = await checkDevice(
      device.certificatePem,
      [],
      [files['intermediate.pem']!.pem, other.certificatePem],
    );
    assert.equal(report.anchor, 'rollover-ca');
    assert.ok(report.links.every((link) => link.ok));
  });

  test('with the group CA unknown, the chain is checked up to its root', async () => {
    const device = files['device-chain.pem']!;
    const report = await checkDevice(device.pem, device.chainPems, []);
    assert.equal(report.anchor, undefined);
    assert.ok(report.findings.some((finding) => finding.code === 'chain-reaches-root'));
  });
});

describe('group pre-flight against a CA of the same name', () => {
  test('a device of another chain whose CAs share the names is told it passes a namesake, not the enrolled CA', async () => {
    const enrolled = await ecChain('device-01');
    const other = await ecChain('device-02');
    const report = await checkDevice(
      other.leaf.certificatePem,
      [other.intermediate.certificatePem, other.root.certificatePem],
      [enrolled.root.certificatePem],
    );
    const missed = report.findings.find((finding) => finding.code === 'chain-misses-ca');
    assert.equal(missed?.severity, 'error');
    assert.match(missed.message, /passes a CA named "test-root", but not the enrolled one/);
    const sha1 = (pem: string) => new X509Certificate(pem).fingerprint.replace(/:/g, '');
    assert.ok(missed.message.includes(sha1(other.root.certificatePem)), missed.message);
    assert.ok(missed.message.includes(sha1(enrolled.root.certificatePem)), missed.message);
  });
});

describe('the closing report', () => {
  test('a saved group leaves its name, config template and az commands in the terminal', () => {
    const flow: GroupFlow = {
      ...initialGroupFlow(hubs),
      groupId: draftOf('line-7'),
      caPrimary: draftOf('root-a'),
      deviceCertPath: draftOf('/var/aziot/certs/chain.pem'),
      deviceKeyPath: draftOf('/var/aziot/secrets/key.pem'),
    };
    assert.equal(groupClosingReport(flow, info), '');
    const report = groupClosingReport(
      {...flow, saved: {...buildEnrollmentGroup(flow, hubs), etag: 'etag-9'}},
      info,
    );
    assert.match(report, /Enrollment group saved in the local sandbox DPS/);
    assert.match(report, /Group name: line-7/);
    assert.match(report, /registration_id = "<device certificate CN>"/);
    assert.match(report, /az iot dps enrollment-group create/);
  });
});

describe('group flow: adding a CA from the CA list', () => {
  test('n opens the name of a new CA certificate, and Esc leads back through the list to the group', () => {
    let state = press(onCaList(ca('root-a', true)), text('n'));
    assert.equal(state.screen.name, 'verify-ca');
    assert.equal(state.ca.step, 'add-name');
    // The name typed is checked against the list the group showed.
    state = press(state, text('root-a'), enter);
    assert.equal(state.ca.step, 'name-exists');
    state = press(state, escape, escape, escape);
    assert.equal(state.ca.step, 'list');
    // The list is read again; the Esc typed meanwhile waits for it.
    state = caListRead(state, [ca('root-a', true)]);
    assert.equal(state.screen.name, 'group');
    assert.equal(state.group.step, 'ca-primary');
  });

  test('Enter on an empty list opens the name of a new CA certificate', () => {
    const state = press(onCaList(), enter);
    assert.equal(state.screen.name, 'verify-ca');
    assert.equal(state.ca.step, 'add-name');
  });
});

describe('group pre-flight key hints', () => {
  const files = certificatesForFile();

  test('after a check, the footer says Enter checks again, which it does', () => {
    const device = files('device-01.pem');
    const state = onGroupPreflight(device, {
      state: 'done',
      report: {registrationId: 'device-01', anchor: undefined, links: [], findings: []},
    });
    assert.ok(keyHints(state).includes('Enter check'), keyHints(state).join(' · '));
    const again = press(state, enter);
    assert.equal(again.group.preflight?.state, 'checking');
    assert.equal(task(again, 'check-group-device').leafPem, device.pem);
  });
});

describe('Esc and the next key in one packet', () => {
  test('Ink reports them as one key with meta set: the Esc comes first, then that key', () => {
    // "\x1b\r" and "\x1bp" as Ink's useInput hands them over.
    assert.deepEqual(toKeyEvents('', inkKey({return: true, meta: true})), [
      {kind: 'escape'},
      {kind: 'enter'},
    ]);
    assert.deepEqual(toKeyEvents('p', inkKey({meta: true})), [
      {kind: 'escape'},
      {kind: 'text', text: 'p'},
    ]);
  });

  test('Esc alone, Alt with an arrow and Alt+Backspace stay one key', () => {
    assert.deepEqual(toKeyEvents('', inkKey({delete: true, meta: true})), [{kind: 'backspace'}]);
    assert.deepEqual(toKeyEvents('', inkKey({escape: true, meta: true})), [{kind: 'escape'}]);
    assert.deepEqual(toKeyEvents('', inkKey({upArrow: true, meta: true})), [{kind: 'up'}]);
  });

  test('on the attestation step, Esc then Enter goes back to the name and forward again', () => {
    const onAttestation = press(connected(), down, enter, text('line-7'), enter);
    assert.equal(onAttestation.group.step, 'attestation');
    const state = press(onAttestation, ...toKeyEvents('', inkKey({return: true, meta: true})));
    assert.equal(state.group.step, 'attestation');
    assert.deepEqual(state.tasks, onAttestation.tasks);
  });
});

describe('Ctrl editing keys inside a burst', () => {
  test('Ctrl+U then a new name in one packet replaces the name typed before', () => {
    const typed = press(connected(), down, enter, text('old-name'));
    assert.equal(typed.group.groupId.value, 'old-name');
    const state = press(typed, ...toKeyEvents('\x15new-name\r', inkKey()));
    assert.equal(state.group.groupId.value, 'new-name');
    assert.equal(state.group.step, 'attestation');
  });

  test('Ctrl+W, Ctrl+A, Ctrl+E and Ctrl+K keep their places in the burst', () => {
    assert.deepEqual(toKeyEvents('ab\x17c\x01d\x05\x0b', inkKey()), [
      {kind: 'text', text: 'ab'},
      {kind: 'ctrl', letter: 'w'},
      {kind: 'text', text: 'c'},
      {kind: 'ctrl', letter: 'a'},
      {kind: 'text', text: 'd'},
      {kind: 'ctrl', letter: 'e'},
      {kind: 'ctrl', letter: 'k'},
    ]);
  });
});

describe('back from the CA flow without verifying', () => {
  test("the group's CA list shows what the CA flow listed, the CA uploaded there included", () => {
    let state = press(onCaList(ca('root-a', true)), text('n'));
    assert.equal(state.ca.step, 'add-name');
    state = press(state, escape);
    state = caListRead(state, [ca('root-a', true), ca('root-b', false)]);
    state = press(state, escape);
    assert.equal(state.screen.name, 'group');
    assert.equal(state.group.step, 'ca-primary');
    const names =
      state.group.caCertificates.state === 'loaded'
        ? state.group.caCertificates.certificates.map((certificate) => certificate.name)
        : [];
    assert.deepEqual(names, ['root-a', 'root-b']);
  });
});

describe('the group opened while still connecting', () => {
  test('the CA reference waits for the connection, then lists the CA certificates', () => {
    const start = initialState(cwd, 'the local sandbox');
    const connect = task(start, 'connect');
    let state = press(start, down, enter, text('early'), enter, enter);
    // Before: the CA step opened with no list task, and a spinner that never ended.
    assert.equal(state.group.step, 'attestation');
    assert.match(state.group.stepError ?? '', /not connected to DPS yet/);
    state = reducer(state, {
      type: 'result',
      taskId: connect.id,
      outcome: {kind: 'connected', info},
    });
    state = press(state, enter);
    assert.equal(state.group.step, 'ca-primary');
    assert.equal(state.group.caCertificates.state, 'loading');
    assert.equal(task(state, 'list-ca-certificates').owner, 'group');
  });
});

describe('Esc from the pre-flight', () => {
  test('goes back to the screen it was opened from: the config template, or the result', () => {
    const config = {...initialGroupFlow(hubs), step: 'config' as const};
    const fromConfig = at(config, text('p'));
    assert.equal(fromConfig.step, 'preflight');
    assert.equal(at(fromConfig, escape).step, 'config');
    const result = {...initialGroupFlow(hubs), step: 'result' as const};
    const fromResult = at(result, text('p'));
    assert.equal(fromResult.step, 'preflight');
    assert.equal(at(fromResult, escape).step, 'result');
  });
});

describe('Esc while the CA list is read', () => {
  test('goes back at once, and keys typed for the list are dropped', () => {
    let state = press(connected(), down, enter, text('line-7'), enter, enter);
    assert.equal(state.group.step, 'ca-primary');
    assert.equal(state.group.caCertificates.state, 'loading');
    const listing = task(state, 'list-ca-certificates');
    // An Enter for the list waits for it; Esc does not.
    state = press(state, enter, escape);
    assert.equal(state.group.step, 'attestation');
    assert.deepEqual(state.typeAhead, []);
    state = reducer(state, {
      type: 'result',
      taskId: listing.id,
      outcome: {kind: 'ca-certificates-listed', certificates: [ca('root-a', true)]},
    });
    assert.equal(state.group.step, 'attestation');
    assert.equal(state.group.caCertificates.state, 'loaded');
  });
});

describe('group flow: editing a group as DPS returned it', () => {
  const stored: EnrollmentGroup = {
    enrollmentGroupId: 'line-9',
    attestation: {type: 'x509', caReferences: {primary: 'line9-root', secondary: 'line9-next'}},
    capabilities: {iotEdge: true},
    allocationPolicy: 'geoLatency',
    iotHubs: ['hub-b.azure-devices.net'],
    initialTwin: {tags: {line: '9'}, properties: {desired: {mode: 'eco'}}},
    provisioningStatus: 'enabled',
    reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: false},
    etag: '"v3"',
  };

  test('opens at its first step with every field filled in; sent as filled in, nothing differs', () => {
    const state = openFlow(connected(), {flow: 'group', with: {kind: 'edit', group: stored}});
    const group = state.group;
    assert.equal(state.screen.name, 'group');
    assert.equal(group.step, 'group-id');
    assert.equal(group.groupId.value, 'line-9');
    assert.equal(group.attestation, 'ca-reference');
    assert.equal(group.caPrimary.value, 'line9-root');
    assert.equal(group.caSecondary.value, 'line9-next');
    assert.deepEqual(group.settings.selectedHubs, ['hub-b.azure-devices.net']);
    assert.equal(group.settings.allocationPolicy, 'geoLatency');
    assert.equal(group.settings.reprovision, 'reset');
    const request = buildEnrollmentGroup(group, hubs);
    assert.deepEqual(enrollmentDiff(stored, request).entries, []);
    assert.equal(request.etag, undefined, 'the save reads it again and shows the diff first');
  });

  test('a group with its certificate uploaded keeps it (sent back as its info) without a file', async () => {
    const {root} = await ecChain('edit-line-device');
    const info = expectedInfo(root.certificatePem);
    const uploaded: EnrollmentGroup = {
      ...stored,
      attestation: {type: 'x509', signingCertificates: {primary: {info}}},
    };
    const state = openFlow(connected(), {flow: 'group', with: {kind: 'edit', group: uploaded}});
    assert.equal(state.group.attestation, 'signing-certificate');
    assert.equal(state.group.signingPrimary.status.state, 'in-dps');
    const request = buildEnrollmentGroup(state.group, hubs);
    assert.deepEqual(request.attestation, {
      type: 'x509',
      signingCertificates: {primary: {info}},
    });
    assert.deepEqual(enrollmentDiff(uploaded, request).entries, []);
  });
});

import {after, before} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Key} from 'ink';
import {readCertificateFor} from '../../source/wizard/runtime/certificate-file.js';
import type {KeyEvent} from '../../source/wizard/shared/key-event.js';
import {draftOf} from '../../source/wizard/shared/text-draft.js';
import type {RetryWait} from '../../source/dps/index.js';
import type {CaCertificate, LinkedHub} from '../../source/dps/types.js';
import {ecChain, issue} from './test-certificates.js';
import {initialGroupFlow, type GroupFlow} from '../../source/wizard/flows/group/state.js';
import {initialState, reducer} from '../../source/wizard/core/reducer.js';
import type {ConnectionInfo, LoadedCertificate} from '../../source/wizard/shared/types.js';
import type {Task, WizardState} from '../../source/wizard/core/state.js';

/** Key events as toKeyEvents hands them to the reducer. */
export const enter: KeyEvent = {kind: 'enter'};
export const escape: KeyEvent = {kind: 'escape'};
export const up: KeyEvent = {kind: 'up'};
export const down: KeyEvent = {kind: 'down'};
export const left: KeyEvent = {kind: 'left'};
export const right: KeyEvent = {kind: 'right'};
export const home: KeyEvent = {kind: 'home'};
export const tab: KeyEvent = {kind: 'tab'};
export const backTab: KeyEvent = {kind: 'back-tab'};
export const backspace: KeyEvent = {kind: 'backspace'};
export const pageDown: KeyEvent = {kind: 'page-down'};
export const pageUp: KeyEvent = {kind: 'page-up'};
export const space: KeyEvent = {kind: 'text', text: ' '};
export const text = (value: string): KeyEvent => ({kind: 'text', text: value});

/** Ink's Key object with every flag off except the ones given (none: plain input, a paste). */
export function inkKey(flags: Partial<Key> = {}): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    ...flags,
  };
}

/** The folder relative paths start in. */
export const cwd = '/home/operator/work';

export const linkedHubs: LinkedHub[] = [
  {hostName: 'hub-a.azure-devices.net', location: 'westeurope'},
  {hostName: 'hub-b.azure-devices.net', location: 'northeurope'},
];

/** A sandbox connection with the two linked hubs. */
export const info: ConnectionInfo = {
  mode: 'sandbox',
  serviceHostName: 'localhost',
  armAvailable: true,
  dpsName: 'sandbox',
  idScope: '0ne00000001',
  linkedHubs,
  deviceEndpoint: {
    kind: 'sandbox',
    host: 'localhost',
    port: 8443,
    caCertificatePem: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
  },
};

/**
 * Certificates read as the wizard reads them, made once for a test file: device-01.pem and
 * device-01-renewed.pem (the same CN, another key), device-02.pem (identity certificates from one intermediate) and ca.pem (that intermediate).
 * Returns a lookup by file name.
 */
export function certificatesForFile(): (name: string) => LoadedCertificate {
  let folder = '';
  const certificates: Record<string, LoadedCertificate> = {};
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'dps-enroll-app-state-'));
    const {intermediate, leaf} = await ecChain('device-01');
    const other = await issue('device-02', 'identity', intermediate);
    const renewed = await issue('device-01', 'identity', intermediate);
    const files = {
      'device-01.pem': leaf.certificatePem,
      'device-01-renewed.pem': renewed.certificatePem,
      'device-02.pem': other.certificatePem,
      'ca.pem': intermediate.certificatePem,
    };
    for (const [name, pem] of Object.entries(files)) {
      await writeFile(join(folder, name), pem);
      certificates[name] = await readCertificateFor('identity', name, join(folder, name));
    }
  });
  after(async () => {
    if (folder) await rm(folder, {recursive: true, force: true});
  });
  return (name) => {
    const loaded = certificates[name];
    assert.ok(loaded, `no certificate ${name}`);
    return loaded;
  };
}

/** Keys through the reducer, in one action. */
export const press = (state: WizardState, ...events: KeyEvent[]): WizardState =>
  reducer(state, {type: 'keys', events});

/** The one task of that kind the state asks for. */
export function task<K extends Task['kind']>(
  state: WizardState,
  kind: K,
): Extract<Task, {kind: K}> {
  const found = state.tasks.filter((item): item is Extract<Task, {kind: K}> => item.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind} task, found ${found.length}`);
  return found[0]!;
}

/** The list of CA certificates the state asks for, read as `certificates`. */
export function caListRead(state: WizardState, certificates: CaCertificate[]): WizardState {
  return reducer(state, {
    type: 'result',
    taskId: task(state, 'list-ca-certificates').id,
    outcome: {kind: 'ca-certificates-listed', certificates},
  });
}

/** The home screen, connected to `info`. */
export function connected(): WizardState {
  const start = initialState(cwd, 'the local sandbox');
  return reducer(start, {
    type: 'result',
    taskId: task(start, 'connect').id,
    outcome: {kind: 'connected', info},
  });
}

/** Connected, on the group screen: a new group flow for the linked hubs, with `group` over it. */
export function onGroupScreen(group: Partial<GroupFlow>): WizardState {
  return {
    ...connected(),
    screen: {name: 'group'},
    group: {...initialGroupFlow(linkedHubs), ...group},
  };
}

/** The group's pre-flight with `device` read and accepted as the device certificate. */
export function onGroupPreflight(
  device: LoadedCertificate,
  preflight: NonNullable<GroupFlow['preflight']>,
): WizardState {
  return onGroupScreen({
    step: 'preflight',
    deviceCertificate: {
      path: draftOf(device.path),
      candidates: [],
      moreCandidates: 0,
      status: {state: 'loaded', certificate: device, warningsAccepted: true},
    },
    preflight,
  });
}

/** What the gateway says while it waits out a 429 before trying a call again. */
export function throttledWait(retryAfterSeconds: number, attempt = 2): RetryWait {
  return {
    operation: 'save individual enrollment',
    reason: 'DPS is throttling requests (429)',
    attempt,
    maxAttempts: 5,
    delayMs: retryAfterSeconds * 1000,
    askedByDps: true,
  };
}

import {isDeepStrictEqual} from 'node:util';
import {
  twinProblems,
  type EnrollmentAllocationPolicy,
  type EnrollmentSettings,
  type LinkedHub,
} from '../../dps/index.js';
import {formatPairs, parsePairs, parseTwinJson, twinFromPairs} from './initial-twin.js';
import type {KeyEvent} from './key-event.js';
import type {ReprovisionChoice, SettingsDraft, SettingsStep} from './types.js';
import {draftOf, editDraft, emptyDraft, type TextDraft} from './text-draft.js';

/**
 * The steps an individual enrollment and an enrollment group share: IoT Edge, hubs, allocation, initial
 * twin and the advanced settings. Each key either edits the draft, moves on, or is refused with a reason.
 */

const settingsSteps: readonly string[] = [
  'edge',
  'hubs',
  'allocation',
  'custom-allocation',
  'twin',
  'advanced',
];

export function isSettingsStep(step: string): step is SettingsStep {
  return settingsSteps.includes(step);
}

/** The settings steps in the order of the form; custom allocation only when that policy is chosen. */
export function settingsFormSteps(settings: SettingsDraft): SettingsStep[] {
  return [
    'edge',
    'hubs',
    'allocation',
    ...(settings.allocationPolicy === 'custom' ? (['custom-allocation'] as const) : []),
    'twin',
    'advanced',
  ];
}

export const allocationPolicies: EnrollmentAllocationPolicy[] = [
  'hashed',
  'geoLatency',
  'static',
  'custom',
];

export const reprovisionChoices: ReprovisionChoice[] = ['migrate', 'reset', 'never'];

/** Each allocation policy's name, as the portal words it, and what it does. */
export const allocationText: Record<EnrollmentAllocationPolicy, [string, string]> = {
  hashed: ['Evenly weighted distribution', 'devices are spread evenly over the chosen hubs'],
  geoLatency: ['Lowest latency', 'each device goes to the chosen hub closest to it'],
  static: ['Static configuration', 'every device goes to the one hub chosen'],
  custom: ['Custom (Azure Function)', 'a webhook you provide picks the hub for each device'],
};

/** Each reprovision policy's name, as the portal words it, and what it does. */
export const reprovisionText: Record<ReprovisionChoice, [string, string]> = {
  migrate: [
    'Re-provision and migrate data',
    'when DPS moves the device to another hub, its twin and state move with it',
  ],
  reset: [
    'Re-provision and reset to initial config',
    'when DPS moves the device to another hub, it starts over from the initial twin',
  ],
  never: ['Never re-provision', 'the device stays on the hub it was first assigned to'],
};

export const defaultWebhookApiVersion = '2021-10-01';

export function initialSettings(linkedHubs: readonly LinkedHub[]): SettingsDraft {
  return {
    iotEdge: true,
    selectedHubs: linkedHubs.map((hub) => hub.hostName),
    hubCursor: 0,
    typedHubs: emptyDraft,
    allocationPolicy: 'hashed',
    webhookUrl: emptyDraft,
    apiVersion: draftOf(defaultWebhookApiVersion),
    customFocus: 'webhook',
    twinMode: 'pairs',
    twinFocus: 'tags',
    tags: emptyDraft,
    desired: emptyDraft,
    twinJson: emptyDraft,
    advancedOpen: false,
    advancedRow: 'status',
    provisioningStatus: 'enabled',
    reprovision: 'migrate',
  };
}

/**
 * The drafts of settings DPS has (editing an enrollment or group): every value as it is, the twin as JSON
 * (it may hold nested values), hubs not linked to this DPS typed when no linked hubs are known.
 */
export function settingsFromEnrollment(
  enrollment: Omit<EnrollmentSettings, 'attestation'>,
  linkedHubs: readonly LinkedHub[],
): SettingsDraft {
  const initial = initialSettings(linkedHubs);
  const hubs = enrollment.iotHubs ?? [];
  const twin = enrollment.initialTwin;
  const hasTwin =
    Object.keys(twin?.tags ?? {}).length > 0 ||
    Object.keys(twin?.properties?.desired ?? {}).length > 0;
  const policy = enrollment.reprovisionPolicy;
  const custom = enrollment.customAllocationDefinition;
  return {
    ...initial,
    iotEdge: enrollment.capabilities?.iotEdge ?? false,
    // No hubs listed means any linked hub: all of them chosen.
    selectedHubs: hubs.length > 0 ? hubs : initial.selectedHubs,
    typedHubs: draftOf(hubs.join(', ')),
    allocationPolicy: enrollment.allocationPolicy ?? initial.allocationPolicy,
    ...(custom
      ? {webhookUrl: draftOf(custom.webhookUrl), apiVersion: draftOf(custom.apiVersion)}
      : {}),
    ...(hasTwin ? {twinMode: 'json' as const, twinJson: draftOf(JSON.stringify(twin))} : {}),
    provisioningStatus: enrollment.provisioningStatus ?? 'enabled',
    reprovision: !policy
      ? 'migrate'
      : !policy.updateHubAssignment
        ? 'never'
        : policy.migrateDeviceData
          ? 'migrate'
          : 'reset',
  };
}

/** What a key did on a settings step. */
export type SettingsOutcome =
  {move: 'stay'; settings: SettingsDraft; error?: string} | {move: 'next'; settings: SettingsDraft};

const stay = (settings: SettingsDraft, error?: string): SettingsOutcome =>
  error === undefined ? {move: 'stay', settings} : {move: 'stay', settings, error};

/** The hub host names the enrollment will list: chosen among the linked hubs, or typed. */
export function chosenHubs(settings: SettingsDraft, linkedHubs: readonly LinkedHub[]): string[] {
  if (linkedHubs.length > 0) return settings.selectedHubs;
  return settings.typedHubs.value.split(/[\s,]+/).filter((name) => name !== '');
}

const hostNamePattern =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function hubsProblem(hubs: readonly string[], typed: boolean): string | undefined {
  if (hubs.length === 0) {
    return typed
      ? 'type the host name of at least one IoT hub linked to this DPS (e.g. my-hub.azure-devices.net)'
      : 'choose at least one IoT hub (Space selects the hub under the cursor)';
  }
  const invalid = hubs.find((name) => !hostNamePattern.test(name));
  if (invalid) {
    return `'${invalid}' is not a host name; use the hub's host name, e.g. my-hub.azure-devices.net`;
  }
  const duplicate = hubs.find((name, index) => hubs.indexOf(name) !== index);
  if (duplicate) return `'${duplicate}' is listed twice`;
  return undefined;
}

export function allocationProblem(
  policy: EnrollmentAllocationPolicy,
  hubCount: number,
): string | undefined {
  if (policy === 'static' && hubCount !== 1) {
    return `static allocation assigns every device to exactly one hub, and ${hubCount} hubs are chosen: press Esc and keep one hub, or choose another policy`;
  }
  return undefined;
}

export function customAllocationProblem(settings: SettingsDraft): string | undefined {
  const url = settings.webhookUrl.value.trim();
  if (url === '') return 'type the URL of the Azure Function (webhook) that chooses the hub';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `'${url}' is not a URL; it looks like https://my-function.azurewebsites.net/api/allocate?code=...`;
  }
  if (parsed.protocol !== 'https:') return 'the webhook URL must start with https://';
  const version = settings.apiVersion.value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version)) {
    return `the webhook API version must look like ${defaultWebhookApiVersion}`;
  }
  return undefined;
}

export type TwinResult =
  {ok: true; twin: EnrollmentSettings['initialTwin']} | {ok: false; error: string};

/** The initial twin the drafts describe; undefined twin when nothing was entered. */
export function readTwin(settings: SettingsDraft): TwinResult {
  if (settings.twinMode === 'json') {
    if (settings.twinJson.value.trim() === '') return {ok: true, twin: undefined};
    const parsed = parseTwinJson(settings.twinJson.value);
    if (!parsed.ok) return {ok: false, error: parsed.error};
    const problems = twinProblems(parsed.twin);
    return problems[0] === undefined
      ? {ok: true, twin: parsed.twin}
      : {ok: false, error: problems[0]};
  }
  const tags = parsePairs(settings.tags.value);
  if (!tags.ok) return {ok: false, error: `tags: ${tags.error}`};
  const desired = parsePairs(settings.desired.value);
  if (!desired.ok) return {ok: false, error: `desired properties: ${desired.error}`};
  const twin = twinFromPairs(tags.value, desired.value);
  if (twin === undefined) return {ok: true, twin: undefined};
  const problems = twinProblems(twin);
  return problems[0] === undefined ? {ok: true, twin} : {ok: false, error: problems[0]};
}

/** The live problem under the twin editor, while typing; an unfinished JSON object is not a problem yet. */
export function twinDraftProblem(settings: SettingsDraft): string | undefined {
  if (settings.twinMode === 'json') {
    if (settings.twinJson.value.trim() === '') return undefined;
    const parsed = parseTwinJson(settings.twinJson.value);
    if (!parsed.ok) return parsed.incomplete ? undefined : parsed.error;
  }
  const result = readTwin(settings);
  return result.ok ? undefined : result.error;
}

export function reprovisionPolicy(choice: ReprovisionChoice): {
  updateHubAssignment: boolean;
  migrateDeviceData: boolean;
} {
  switch (choice) {
    case 'migrate':
      return {updateHubAssignment: true, migrateDeviceData: true};
    case 'reset':
      return {updateHubAssignment: true, migrateDeviceData: false};
    case 'never':
      return {updateHubAssignment: false, migrateDeviceData: false};
  }
}

/** The shared part of the request body. */
export function settingsForRequest(
  settings: SettingsDraft,
  linkedHubs: readonly LinkedHub[],
): Omit<EnrollmentSettings, 'attestation'> {
  const twin = readTwin(settings);
  return {
    capabilities: {iotEdge: settings.iotEdge},
    provisioningStatus: settings.provisioningStatus,
    allocationPolicy: settings.allocationPolicy,
    iotHubs: chosenHubs(settings, linkedHubs),
    ...(settings.allocationPolicy === 'custom'
      ? {
          customAllocationDefinition: {
            webhookUrl: settings.webhookUrl.value.trim(),
            apiVersion: settings.apiVersion.value.trim(),
          },
        }
      : {}),
    ...(twin.ok && twin.twin ? {initialTwin: twin.twin} : {}),
    reprovisionPolicy: reprovisionPolicy(settings.reprovision),
  };
}

function cycle<T>(values: readonly T[], current: T, delta: number): T {
  const index = values.indexOf(current);
  return values[(index + delta + values.length) % values.length] ?? current;
}

function editField(
  settings: SettingsDraft,
  field: 'typedHubs' | 'webhookUrl' | 'apiVersion' | 'tags' | 'desired' | 'twinJson',
  event: KeyEvent,
): SettingsDraft | undefined {
  const edited: TextDraft | undefined = editDraft(settings[field], event);
  if (edited === undefined) return undefined;
  return edited === settings[field] ? settings : {...settings, [field]: edited};
}

/**
 * Switches between key=value pairs and JSON. Only the shown mode is sent, so what was entered in one carries
 * over into the other when that one is empty: a switch never drops the twin.
 */
function switchTwinMode(settings: SettingsDraft): SettingsOutcome {
  const entered = readTwin(settings);
  const twin = entered.ok ? entered.twin : undefined;
  if (settings.twinMode === 'pairs') {
    const carry = twin !== undefined && settings.twinJson.value.trim() === '';
    return stay({
      ...settings,
      twinMode: 'json',
      twinJson: carry ? draftOf(JSON.stringify(twin)) : settings.twinJson,
    });
  }
  const pairsEmpty = settings.tags.value.trim() === '' && settings.desired.value.trim() === '';
  if (twin === undefined || !pairsEmpty) return stay({...settings, twinMode: 'pairs'});
  const tags = formatPairs(twin.tags ?? {});
  const desired = formatPairs(twin.properties?.desired ?? {});
  const pairs = {
    ...settings,
    twinMode: 'pairs' as const,
    tags: draftOf(tags),
    desired: draftOf(desired),
  };
  const readBack = readTwin(pairs);
  if (
    !readBack.ok ||
    !isDeepStrictEqual(
      readBack.twin,
      twinFromPairs(twin.tags ?? {}, twin.properties?.desired ?? {}),
    )
  ) {
    return stay(
      settings,
      'this twin has nested objects or lists, which key=value pairs cannot hold: keep editing it as JSON',
    );
  }
  return stay(pairs);
}

/** Handles one key on a settings step. Esc is the caller's (it knows the previous step). */
export function settingsKey(
  step: SettingsStep,
  settings: SettingsDraft,
  event: KeyEvent,
  linkedHubs: readonly LinkedHub[],
): SettingsOutcome {
  switch (step) {
    case 'edge':
      if (event.kind === 'up' || event.kind === 'down' || event.kind === 'tab') {
        return stay({...settings, iotEdge: !settings.iotEdge});
      }
      if (event.kind === 'text' && /^[yY]$/.test(event.text))
        return stay({...settings, iotEdge: true});
      if (event.kind === 'text' && /^[nN]$/.test(event.text)) {
        return stay({...settings, iotEdge: false});
      }
      if (event.kind === 'enter') return {move: 'next', settings};
      return stay(settings);

    case 'hubs': {
      if (linkedHubs.length === 0) {
        if (event.kind === 'enter') {
          const problem = hubsProblem(chosenHubs(settings, linkedHubs), true);
          return problem ? stay(settings, problem) : {move: 'next', settings};
        }
        return stay(editField(settings, 'typedHubs', event) ?? settings);
      }
      const count = linkedHubs.length;
      if (event.kind === 'up' || event.kind === 'down') {
        const delta = event.kind === 'up' ? -1 : 1;
        return stay({...settings, hubCursor: (settings.hubCursor + delta + count) % count});
      }
      if (event.kind === 'text' && event.text === ' ') {
        const hub = linkedHubs[settings.hubCursor]?.hostName;
        if (hub === undefined) return stay(settings);
        const selected = settings.selectedHubs.includes(hub)
          ? settings.selectedHubs.filter((name) => name !== hub)
          : linkedHubs
              .map((h) => h.hostName)
              .filter((name) => name === hub || settings.selectedHubs.includes(name));
        return stay({...settings, selectedHubs: selected});
      }
      if (event.kind === 'text' && event.text === 'a') {
        const all = settings.selectedHubs.length === count;
        return stay({...settings, selectedHubs: all ? [] : linkedHubs.map((hub) => hub.hostName)});
      }
      if (event.kind === 'enter') {
        const problem = hubsProblem(settings.selectedHubs, false);
        return problem ? stay(settings, problem) : {move: 'next', settings};
      }
      return stay(settings);
    }

    case 'allocation':
      if (event.kind === 'up' || event.kind === 'down') {
        const delta = event.kind === 'up' ? -1 : 1;
        return stay({
          ...settings,
          allocationPolicy: cycle(allocationPolicies, settings.allocationPolicy, delta),
        });
      }
      if (event.kind === 'enter') {
        const problem = allocationProblem(
          settings.allocationPolicy,
          chosenHubs(settings, linkedHubs).length,
        );
        return problem ? stay(settings, problem) : {move: 'next', settings};
      }
      return stay(settings);

    case 'custom-allocation': {
      if (
        event.kind === 'up' ||
        event.kind === 'down' ||
        event.kind === 'tab' ||
        event.kind === 'back-tab'
      ) {
        return stay({
          ...settings,
          customFocus: settings.customFocus === 'webhook' ? 'api-version' : 'webhook',
        });
      }
      if (event.kind === 'enter') {
        if (settings.customFocus === 'webhook')
          return stay({...settings, customFocus: 'api-version'});
        const problem = customAllocationProblem(settings);
        if (!problem) return {move: 'next', settings};
        // The cursor goes to the field the problem is about.
        const customFocus = /API version/.test(problem) ? 'api-version' : 'webhook';
        return stay({...settings, customFocus}, problem);
      }
      const field = settings.customFocus === 'webhook' ? 'webhookUrl' : 'apiVersion';
      return stay(editField(settings, field, event) ?? settings);
    }

    case 'twin': {
      if (event.kind === 'tab' || event.kind === 'back-tab') return switchTwinMode(settings);
      if (settings.twinMode === 'pairs') {
        if (event.kind === 'up' || event.kind === 'down') {
          return stay({...settings, twinFocus: settings.twinFocus === 'tags' ? 'desired' : 'tags'});
        }
        if (event.kind === 'enter') {
          if (settings.twinFocus === 'tags') return stay({...settings, twinFocus: 'desired'});
          const twin = readTwin(settings);
          return twin.ok ? {move: 'next', settings} : stay(settings, twin.error);
        }
        return stay(editField(settings, settings.twinFocus, event) ?? settings);
      }
      if (event.kind === 'enter') {
        const text = settings.twinJson.value;
        if (text.trim() !== '') {
          const parsed = parseTwinJson(text);
          // An unfinished object (a pasted multi-line JSON): the line break becomes part of the text.
          if (!parsed.ok && parsed.incomplete) {
            return stay({
              ...settings,
              twinJson:
                editDraft(settings.twinJson, {kind: 'text', text: '\n'}) ?? settings.twinJson,
            });
          }
        }
        const twin = readTwin(settings);
        return twin.ok ? {move: 'next', settings} : stay(settings, twin.error);
      }
      return stay(editField(settings, 'twinJson', event) ?? settings);
    }

    case 'advanced': {
      if (!settings.advancedOpen) {
        if (event.kind === 'enter') return {move: 'next', settings};
        if (
          event.kind === 'tab' ||
          event.kind === 'down' ||
          (event.kind === 'text' && event.text === 'c')
        ) {
          return stay({...settings, advancedOpen: true});
        }
        return stay(settings);
      }
      if (event.kind === 'up' || event.kind === 'down') {
        return stay({
          ...settings,
          advancedRow: settings.advancedRow === 'status' ? 'reprovision' : 'status',
        });
      }
      if (
        event.kind === 'left' ||
        event.kind === 'right' ||
        (event.kind === 'text' && event.text === ' ')
      ) {
        const delta = event.kind === 'left' ? -1 : 1;
        return stay(
          settings.advancedRow === 'status'
            ? {
                ...settings,
                provisioningStatus:
                  settings.provisioningStatus === 'enabled' ? 'disabled' : 'enabled',
              }
            : {...settings, reprovision: cycle(reprovisionChoices, settings.reprovision, delta)},
        );
      }
      if (event.kind === 'enter') return {move: 'next', settings};
      return stay(settings);
    }
  }
}

/** The keys of a settings step, shared by individual enrollments and groups. */
export function settingsKeyHints(
  step: SettingsStep,
  settings: SettingsDraft,
  hasLinkedHubs: boolean,
): string[] {
  const back = 'Esc back';
  const exit = 'Ctrl+C exit';
  switch (step) {
    case 'edge':
      return ['↑↓ or y/n choose', 'Enter continue', back, exit];
    case 'hubs':
      return hasLinkedHubs
        ? ['↑↓ move', 'Space select', 'a all/none', 'Enter continue', back, exit]
        : ['Enter continue', back, exit];
    case 'allocation':
      return ['↑↓ choose', 'Enter continue', back, exit];
    case 'custom-allocation':
      return ['Tab next field', 'Enter continue', back, exit];
    case 'twin':
      return settings.twinMode === 'pairs'
        ? ['↑↓ field', 'Tab JSON mode', 'Enter continue', back, exit]
        : ['Tab key=value mode', 'Enter continue', back, exit];
    case 'advanced':
      return settings.advancedOpen
        ? ['↑↓ setting', '←→ change', 'Enter continue', back, exit]
        : ['Enter keep', 'Tab change', back, exit];
  }
}

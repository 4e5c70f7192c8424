import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {LinkedHub} from '../../../source/dps/types.js';
import {toKeyEvents, type KeyEvent} from '../../../source/wizard/shared/key-event.js';
import {
  chosenHubs,
  customAllocationProblem,
  defaultWebhookApiVersion,
  initialSettings,
  readTwin,
  reprovisionPolicy,
  settingsForRequest,
  settingsKey,
  twinDraftProblem,
  type SettingsOutcome,
} from '../../../source/wizard/shared/settings-steps.js';
import {draftOf} from '../../../source/wizard/shared/text-draft.js';
import {
  backTab,
  down,
  enter,
  inkKey,
  left,
  right,
  space,
  tab,
  text,
  up,
} from '../../helpers/app-state.js';
import type {SettingsDraft, SettingsStep} from '../../../source/wizard/shared/types.js';

const hubA = 'hub-a.azure-devices.net';
const hubB = 'hub-b.azure-devices.net';
const hubC = 'hub-c.azure-devices.net';
const hubs: LinkedHub[] = [
  {hostName: hubA, location: 'westeurope'},
  {hostName: hubB, location: 'northeurope'},
  {hostName: hubC, location: 'eastus'},
];

/** Feeds keys to one step the way the flow does, stopping at the first key that moves on. */
function run(
  step: SettingsStep,
  settings: SettingsDraft,
  events: KeyEvent[],
  linkedHubs: readonly LinkedHub[] = hubs,
): SettingsOutcome {
  let outcome: SettingsOutcome = {move: 'stay', settings};
  for (const [index, event] of events.entries()) {
    assert.equal(outcome.move, 'stay', `moved on before key ${index}`);
    outcome = settingsKey(step, outcome.settings, event, linkedHubs);
  }
  return outcome;
}

/** The settings after keys that must all stay on the step without a complaint. */
function stayed(
  step: SettingsStep,
  settings: SettingsDraft,
  events: KeyEvent[],
  linkedHubs: readonly LinkedHub[] = hubs,
): SettingsDraft {
  const outcome = run(step, settings, events, linkedHubs);
  assert.equal(outcome.move, 'stay');
  assert.equal(outcome.move === 'stay' ? outcome.error : undefined, undefined);
  return outcome.settings;
}

function refused(outcome: SettingsOutcome): string {
  assert.equal(outcome.move, 'stay', 'expected the step to refuse Enter');
  const error = outcome.move === 'stay' ? outcome.error : undefined;
  assert.ok(error, 'a refusal says why');
  return error;
}

function movedOn(outcome: SettingsOutcome): SettingsDraft {
  assert.equal(
    outcome.move,
    'next',
    outcome.move === 'stay' ? `refused: ${outcome.error ?? '(no reason)'}` : '',
  );
  return outcome.settings;
}

const start = initialSettings(hubs);

describe('initial settings', () => {
  test('IoT Edge on, every linked hub chosen, hashed, enabled, migrate', () => {
    assert.equal(start.iotEdge, true);
    assert.deepEqual(start.selectedHubs, [hubA, hubB, hubC]);
    assert.equal(start.allocationPolicy, 'hashed');
    assert.equal(start.provisioningStatus, 'enabled');
    assert.equal(start.reprovision, 'migrate');
    assert.equal(start.apiVersion.value, defaultWebhookApiVersion);
    assert.deepEqual(initialSettings([]).selectedHubs, []);
  });
});

describe('edge step', () => {
  test('arrows and Tab toggle, y and n choose, Enter moves on with the choice', () => {
    assert.equal(stayed('edge', start, [down]).iotEdge, false);
    assert.equal(stayed('edge', start, [down, up]).iotEdge, true);
    assert.equal(stayed('edge', start, [tab]).iotEdge, false);
    assert.equal(stayed('edge', start, [text('n')]).iotEdge, false);
    assert.equal(stayed('edge', start, [text('N'), text('n')]).iotEdge, false);
    assert.equal(stayed('edge', start, [text('n'), text('Y')]).iotEdge, true);
    assert.equal(stayed('edge', start, [text('x')]).iotEdge, true);
    assert.equal(movedOn(run('edge', start, [text('n'), enter])).iotEdge, false);
  });
});

describe('hubs step with linked hubs', () => {
  test('the cursor wraps both ways', () => {
    assert.equal(stayed('hubs', start, [up]).hubCursor, 2);
    assert.equal(stayed('hubs', start, [down, down, down]).hubCursor, 0);
    assert.equal(stayed('hubs', start, [down, down]).hubCursor, 2);
  });

  test('Space toggles the hub under the cursor and the choice keeps the linked order', () => {
    const withoutA = stayed('hubs', start, [space]);
    assert.deepEqual(withoutA.selectedHubs, [hubB, hubC]);
    const backAgain = stayed('hubs', withoutA, [space]);
    assert.deepEqual(backAgain.selectedHubs, [hubA, hubB, hubC]);

    const onlyC = stayed('hubs', start, [space, down, space, down]);
    assert.deepEqual(onlyC.selectedHubs, [hubC]);
    const cThenA = stayed('hubs', onlyC, [down, space]);
    assert.deepEqual(cThenA.selectedHubs, [hubA, hubC]);
    const all = stayed('hubs', cThenA, [down, space]);
    assert.deepEqual(all.selectedHubs, [hubA, hubB, hubC]);
  });

  test('a toggles all and none', () => {
    const none = stayed('hubs', start, [text('a')]);
    assert.deepEqual(none.selectedHubs, []);
    assert.deepEqual(stayed('hubs', none, [text('a')]).selectedHubs, [hubA, hubB, hubC]);
    const two = stayed('hubs', start, [space]);
    assert.deepEqual(stayed('hubs', two, [text('a')]).selectedHubs, [hubA, hubB, hubC]);
  });

  test('Enter with no hub chosen is refused with the reason; with one it moves on', () => {
    const error = refused(run('hubs', start, [text('a'), enter]));
    assert.match(error, /choose at least one IoT hub/);
    assert.match(error, /Space/);
    assert.deepEqual(movedOn(run('hubs', start, [text('a'), down, space, enter])).selectedHubs, [
      hubB,
    ]);
  });
});

describe('hubs step without linked hubs (a connection string)', () => {
  const typed = initialSettings([]);

  test('host names are typed, separated by commas or spaces', () => {
    const settings = stayed(
      'hubs',
      typed,
      [text('hub-a.azure-devices.net, hub-b.azure-devices.net  x.net')],
      [],
    );
    assert.deepEqual(chosenHubs(settings, []), [hubA, hubB, 'x.net']);
    assert.deepEqual(movedOn(run('hubs', settings, [enter], [])), settings);
  });

  test('nothing typed, a name that is not a host name, or a name twice is refused', () => {
    assert.match(
      refused(run('hubs', typed, [enter], [])),
      /type the host name of at least one IoT hub/,
    );
    assert.match(
      refused(run('hubs', typed, [text('my-hub'), enter], [])),
      /'my-hub' is not a host name/,
    );
    assert.match(
      refused(run('hubs', typed, [text('a.net b.net a.net'), enter], [])),
      /'a\.net' is listed twice/,
    );
    assert.match(
      refused(run('hubs', typed, [text('https://a.net'), enter], [])),
      /is not a host name/,
    );
  });

  test('the typed field edits like any other text field', () => {
    const settings = stayed(
      'hubs',
      typed,
      [text('a.nett'), {kind: 'backspace'}, {kind: 'home'}, text('x')],
      [],
    );
    assert.deepEqual(settings.typedHubs, {value: 'xa.net', cursor: 1});
  });
});

describe('allocation step', () => {
  test('up and down cycle through the four policies', () => {
    assert.equal(stayed('allocation', start, [down]).allocationPolicy, 'geoLatency');
    assert.equal(stayed('allocation', start, [down, down]).allocationPolicy, 'static');
    assert.equal(stayed('allocation', start, [down, down, down]).allocationPolicy, 'custom');
    assert.equal(stayed('allocation', start, [down, down, down, down]).allocationPolicy, 'hashed');
    assert.equal(stayed('allocation', start, [up]).allocationPolicy, 'custom');
  });

  test('static with 2 hubs is refused with the reason; with 1 hub it moves on', () => {
    const twoHubs = {...start, selectedHubs: [hubA, hubB]};
    const error = refused(run('allocation', twoHubs, [down, down, enter]));
    assert.match(error, /static allocation assigns every device to exactly one hub/);
    assert.match(error, /2 hubs are chosen/);
    const oneHub = {...start, selectedHubs: [hubB]};
    assert.equal(
      movedOn(run('allocation', oneHub, [down, down, enter])).allocationPolicy,
      'static',
    );
  });

  test('static counts the typed hubs when there are no linked hubs', () => {
    const typed = {...initialSettings([]), typedHubs: draftOf('a.net b.net')};
    assert.match(refused(run('allocation', typed, [down, down, enter], [])), /2 hubs are chosen/);
    const one = {...typed, typedHubs: draftOf('a.net')};
    assert.equal(
      movedOn(run('allocation', one, [down, down, enter], [])).allocationPolicy,
      'static',
    );
  });

  test('the other policies accept several hubs', () => {
    for (const moves of [[], [down], [up]]) {
      movedOn(run('allocation', start, [...moves, enter]));
    }
  });
});

describe('custom allocation step', () => {
  const custom = {...start, allocationPolicy: 'custom' as const};

  test('typing goes to the focused field; Tab, arrows and Enter on the URL move the focus', () => {
    const typedUrl = stayed('custom-allocation', custom, [text('https://f.example/api')]);
    assert.equal(typedUrl.webhookUrl.value, 'https://f.example/api');
    const versionFocused = stayed('custom-allocation', typedUrl, [enter]);
    assert.equal(versionFocused.customFocus, 'api-version');
    const edited = stayed('custom-allocation', versionFocused, [
      {kind: 'ctrl', letter: 'u'},
      text('2019-03-31'),
    ]);
    assert.equal(edited.apiVersion.value, '2019-03-31');
    assert.equal(edited.webhookUrl.value, 'https://f.example/api');
    for (const key of [tab, backTab, up, down]) {
      assert.equal(stayed('custom-allocation', custom, [key]).customFocus, 'api-version');
      assert.equal(stayed('custom-allocation', custom, [key, key]).customFocus, 'webhook');
    }
  });

  test('a valid https URL and API version move on', () => {
    const settings = movedOn(
      run('custom-allocation', custom, [
        text('https://my-fn.azurewebsites.net/api/allocate?code=abc'),
        enter,
        enter,
      ]),
    );
    assert.equal(settings.apiVersion.value, defaultWebhookApiVersion);
  });

  test('an empty URL, a bad URL, an http URL and a malformed API version are refused', () => {
    assert.match(
      refused(run('custom-allocation', custom, [enter, enter])),
      /type the URL of the Azure Function/,
    );
    assert.match(
      refused(run('custom-allocation', custom, [text('not a url'), enter, enter])),
      /'not a url' is not a URL/,
    );
    assert.match(
      refused(
        run('custom-allocation', custom, [
          text('http://my-fn.azurewebsites.net/api/x'),
          enter,
          enter,
        ]),
      ),
      /must start with https:\/\//,
    );
    const badVersion = [
      text('https://f.example/x'),
      enter,
      {kind: 'ctrl', letter: 'u'} as KeyEvent,
      text('v1'),
      enter,
    ];
    assert.match(
      refused(run('custom-allocation', custom, badVersion)),
      /API version must look like 2021-10-01/,
    );
    assert.match(
      customAllocationProblem({
        ...custom,
        webhookUrl: draftOf('https://f.example/x'),
        apiVersion: draftOf('2021-1-01'),
      }) ?? '',
      /API version/,
    );
  });
});

describe('twin step, key=value pairs', () => {
  test('Enter on the tags moves to the desired properties, Enter there moves on', () => {
    const onTags = stayed('twin', start, [text('environment=test')]);
    assert.equal(onTags.tags.value, 'environment=test');
    const onDesired = stayed('twin', onTags, [enter]);
    assert.equal(onDesired.twinFocus, 'desired');
    const done = movedOn(run('twin', onDesired, [text('logLevel=info'), enter]));
    assert.deepEqual(readTwin(done), {
      ok: true,
      twin: {tags: {environment: 'test'}, properties: {desired: {logLevel: 'info'}}},
    });
  });

  test('up and down switch between the two fields', () => {
    assert.equal(stayed('twin', start, [down]).twinFocus, 'desired');
    assert.equal(stayed('twin', start, [down, up]).twinFocus, 'tags');
  });

  test('no pairs at all sends no initial twin', () => {
    assert.deepEqual(readTwin(movedOn(run('twin', start, [enter, enter]))), {
      ok: true,
      twin: undefined,
    });
  });

  test('a pair without = or with a reserved key is refused with the field named', () => {
    assert.match(
      refused(run('twin', start, [text('environment'), enter, enter])),
      /^tags: 'environment' has no '='/,
    );
    assert.match(
      refused(run('twin', start, [enter, text('$version=1'), enter])),
      /^desired properties: .*'\$'/,
    );
  });

  test('the live problem shows while typing', () => {
    assert.match(twinDraftProblem({...start, tags: draftOf('a.b=1')}) ?? '', /'\.'/);
    assert.equal(twinDraftProblem({...start, tags: draftOf('a=1')}), undefined);
  });
});

describe('twin step, JSON', () => {
  const json = stayed('twin', start, [tab]);

  test('Tab switches between pairs and JSON, keeping both drafts', () => {
    assert.equal(json.twinMode, 'json');
    const typed = stayed('twin', json, [text('{"tags":')]);
    const pairs = stayed('twin', typed, [backTab]);
    assert.equal(pairs.twinMode, 'pairs');
    assert.equal(stayed('twin', pairs, [tab]).twinJson.value, '{"tags":');
  });

  test('pairs typed before switching to JSON carry over, so the switch never drops them', () => {
    const pairs = stayed('twin', start, [
      text('environment=test, floor=3'),
      down,
      text('logLevel=info'),
    ]);
    const switched = stayed('twin', pairs, [tab]);
    assert.equal(switched.twinMode, 'json');
    const done = movedOn(run('twin', switched, [enter]));
    assert.deepEqual(readTwin(done), {
      ok: true,
      twin: {tags: {environment: 'test', floor: 3}, properties: {desired: {logLevel: 'info'}}},
    });
  });

  test('flat JSON typed before switching to pairs carries over the same way', () => {
    const typed = stayed('twin', json, [text('{"tags":{"site":"north","on":true}}')]);
    const switched = stayed('twin', typed, [tab]);
    assert.equal(switched.twinMode, 'pairs');
    assert.equal(switched.tags.value, 'site=north, on=true');
    const done = movedOn(run('twin', switched, [enter, enter]));
    assert.deepEqual(readTwin(done), {
      ok: true,
      twin: {tags: {site: 'north', on: true}, properties: {desired: {}}},
    });
  });

  test('JSON that pairs cannot hold (nested objects) stays in JSON mode, saying why', () => {
    const nested = stayed('twin', json, [text('{"tags":{"site":{"floor":3}}}')]);
    const outcome = run('twin', nested, [tab]);
    const error = refused(outcome);
    assert.match(error, /nested/);
    assert.equal(outcome.settings.twinMode, 'json');
  });

  test('a switch does not overwrite what the other mode already holds', () => {
    const both = {...json, twinJson: draftOf('{"tags":{"a":1}}'), tags: draftOf('b=2')};
    assert.equal(stayed('twin', both, [tab]).tags.value, 'b=2');
    const back = {...both, twinMode: 'pairs' as const};
    assert.equal(stayed('twin', back, [tab]).twinJson.value, '{"tags":{"a":1}}');
  });

  test('a complete object moves on and becomes the twin', () => {
    const done = movedOn(
      run('twin', json, [
        text('{"tags":{"environment":"test"},"properties":{"desired":{}}}'),
        enter,
      ]),
    );
    assert.deepEqual(readTwin(done), {
      ok: true,
      twin: {tags: {environment: 'test'}, properties: {desired: {}}},
    });
  });

  test('an unfinished object + Enter inserts a line break instead of submitting', () => {
    const first = stayed('twin', json, [text('{'), enter]);
    assert.equal(first.twinJson.value, '{\n');
    assert.equal(first.twinJson.cursor, 2);
    const second = stayed('twin', first, [text('  "tags": {"a": 1}'), enter]);
    assert.equal(second.twinJson.value, '{\n  "tags": {"a": 1}\n');
    const done = movedOn(run('twin', second, [text('}'), enter]));
    assert.deepEqual(readTwin(done), {ok: true, twin: {tags: {a: 1}}});
    assert.equal(twinDraftProblem(first), undefined, 'unfinished JSON is not a problem yet');
  });

  test('the line break goes in at the cursor', () => {
    const settings = stayed('twin', json, [text('{"tags":{}'), left, enter]);
    assert.equal(settings.twinJson.value, '{"tags":{\n}');
  });

  test('a finished but wrong object is refused with the reason', () => {
    assert.match(
      refused(run('twin', json, [text('{"desired":{}}'), enter])),
      /does not belong in an initial twin/,
    );
    assert.match(refused(run('twin', json, [text('[1]'), enter])), /must be a JSON object/);
    assert.match(refused(run('twin', json, [text('{"tags":{"$x":1}}'), enter])), /'\$'/);
  });

  test('an empty JSON field sends no initial twin', () => {
    assert.deepEqual(readTwin(movedOn(run('twin', json, [text('  '), enter]))), {
      ok: true,
      twin: undefined,
    });
  });
});

describe('advanced step', () => {
  test('closed: Enter keeps the defaults; Tab, down or c opens it', () => {
    assert.deepEqual(movedOn(run('advanced', start, [enter])), start);
    for (const key of [tab, down, text('c')]) {
      assert.equal(stayed('advanced', start, [key]).advancedOpen, true);
    }
    assert.equal(stayed('advanced', start, [text('x'), up, left]).advancedOpen, false);
  });

  test('open: up and down pick the row, left/right/space change it, Enter moves on', () => {
    const open = stayed('advanced', start, [tab]);
    assert.equal(open.advancedRow, 'status');
    assert.equal(stayed('advanced', open, [space]).provisioningStatus, 'disabled');
    assert.equal(stayed('advanced', open, [right, left]).provisioningStatus, 'enabled');
    const reprovisionRow = stayed('advanced', open, [down]);
    assert.equal(reprovisionRow.advancedRow, 'reprovision');
    assert.equal(stayed('advanced', reprovisionRow, [right]).reprovision, 'reset');
    assert.equal(stayed('advanced', reprovisionRow, [right, right]).reprovision, 'never');
    assert.equal(stayed('advanced', reprovisionRow, [right, right, right]).reprovision, 'migrate');
    assert.equal(stayed('advanced', reprovisionRow, [left]).reprovision, 'never');
    assert.equal(stayed('advanced', reprovisionRow, [space]).reprovision, 'reset');
    assert.equal(stayed('advanced', reprovisionRow, [up]).advancedRow, 'status');
    const done = movedOn(run('advanced', open, [space, down, left, enter]));
    assert.equal(done.provisioningStatus, 'disabled');
    assert.equal(done.reprovision, 'never');
  });
});

describe('the request body', () => {
  test('reprovision choices map to DPS reprovision policies', () => {
    assert.deepEqual(reprovisionPolicy('migrate'), {
      updateHubAssignment: true,
      migrateDeviceData: true,
    });
    assert.deepEqual(reprovisionPolicy('reset'), {
      updateHubAssignment: true,
      migrateDeviceData: false,
    });
    assert.deepEqual(reprovisionPolicy('never'), {
      updateHubAssignment: false,
      migrateDeviceData: false,
    });
  });

  test('the defaults', () => {
    assert.deepEqual(settingsForRequest(start, hubs), {
      capabilities: {iotEdge: true},
      provisioningStatus: 'enabled',
      allocationPolicy: 'hashed',
      iotHubs: [hubA, hubB, hubC],
      reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: true},
    });
  });

  test('custom allocation, a twin, typed hubs and changed advanced settings', () => {
    const settings: SettingsDraft = {
      ...initialSettings([]),
      iotEdge: false,
      typedHubs: draftOf(' a.net,b.net '),
      allocationPolicy: 'custom',
      webhookUrl: draftOf(' https://f.example/api '),
      apiVersion: draftOf('2019-03-31 '),
      tags: draftOf('site=north'),
      provisioningStatus: 'disabled',
      reprovision: 'never',
    };
    assert.deepEqual(settingsForRequest(settings, []), {
      capabilities: {iotEdge: false},
      provisioningStatus: 'disabled',
      allocationPolicy: 'custom',
      iotHubs: ['a.net', 'b.net'],
      customAllocationDefinition: {webhookUrl: 'https://f.example/api', apiVersion: '2019-03-31'},
      initialTwin: {tags: {site: 'north'}, properties: {desired: {}}},
      reprovisionPolicy: {updateHubAssignment: false, migrateDeviceData: false},
    });
  });

  test('a webhook typed before switching away from custom is not sent', () => {
    const settings = {
      ...start,
      allocationPolicy: 'hashed' as const,
      webhookUrl: draftOf('https://f.example/x'),
    };
    assert.equal('customAllocationDefinition' in settingsForRequest(settings, hubs), false);
  });
});

describe('a pasted multi-line twin', () => {
  /** What the JSON step does with a paste, split into keys as the app splits it. */
  function paste(pasted: string): SettingsOutcome[] {
    const json = stayed('twin', start, [tab]);
    const outcomes: SettingsOutcome[] = [];
    let settings = json;
    for (const event of toKeyEvents(pasted, inkKey())) {
      const outcome = settingsKey('twin', settings, event, hubs);
      outcomes.push(outcome);
      settings = outcome.settings;
    }
    return outcomes;
  }

  test('Unix line ends: every line kept, the last Enter moves on', () => {
    const outcomes = paste('{\n  "tags": {"environment": "test"}\n}\n');
    assert.deepEqual(
      outcomes.map((outcome) => outcome.move),
      ['stay', 'stay', 'stay', 'stay', 'stay', 'next'],
    );
    assert.equal(
      outcomes.at(-1)?.settings.twinJson.value,
      '{\n  "tags": {"environment": "test"}\n}',
    );
  });

  test('Windows line ends: one Enter per line, so the step after the twin is not skipped', () => {
    const outcomes = paste('{\r\n  "tags": {"environment": "test"}\r\n}\r\n');
    assert.equal(outcomes.filter((outcome) => outcome.move === 'next').length, 1);
    assert.equal(outcomes.at(-1)?.move, 'next');
    assert.deepEqual(readTwin(outcomes.at(-1)!.settings), {
      ok: true,
      twin: {tags: {environment: 'test'}},
    });
  });
});

describe('custom allocation problems put the cursor where the fix goes', () => {
  test('a bad URL moves the focus back to the webhook field', () => {
    const settings = {
      ...initialSettings([]),
      allocationPolicy: 'custom' as const,
      webhookUrl: draftOf('http://example.com/api/allocate'),
      customFocus: 'api-version' as const,
    };
    const outcome = settingsKey('custom-allocation', settings, {kind: 'enter'}, []);
    assert.equal(outcome.move, 'stay');
    assert.equal(outcome.settings.customFocus, 'webhook');
  });
});

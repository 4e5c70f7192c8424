import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {twinKeyProblem, twinProblems, twinSize} from '../../../source/dps/index.js';
import {
  formatPairs,
  parsePairs,
  parseTwinJson,
  twinFromPairs,
} from '../../../source/wizard/shared/initial-twin.js';

function pairs(text: string): Record<string, unknown> {
  const result = parsePairs(text);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.value;
}

function pairsError(text: string): string {
  const result = parsePairs(text);
  assert.equal(result.ok, false, `expected an error for ${JSON.stringify(text)}`);
  return result.ok ? '' : result.error;
}

function jsonError(text: string): {error: string; incomplete: boolean} {
  const result = parseTwinJson(text);
  assert.equal(result.ok, false, `expected an error for ${JSON.stringify(text)}`);
  return result.ok ? {error: '', incomplete: false} : result;
}

/** A collection whose JSON text is exactly `bytes` bytes, with every string under the 4 KB value limit. */
function collectionOfSize(bytes: number, filler = 'x'): Record<string, string> {
  const collection: Record<string, string> = {};
  let index = 0;
  for (;;) {
    const key = `k${index}`;
    collection[key] = '';
    const missing = bytes - Buffer.byteLength(JSON.stringify(collection));
    const fillerBytes = Buffer.byteLength(filler);
    if (missing <= 4000) {
      collection[key] =
        filler.repeat(Math.floor(missing / fillerBytes)) + 'x'.repeat(missing % fillerBytes);
      break;
    }
    collection[key] = filler.repeat(Math.floor(4000 / fillerBytes));
    index += 1;
  }
  assert.equal(Buffer.byteLength(JSON.stringify(collection)), bytes);
  return collection;
}

test('the seed example is accepted verbatim', () => {
  const seed = '{"tags":{"environment":"test"},"properties":{"desired":{}}}';
  assert.deepEqual(parseTwinJson(seed), {
    ok: true,
    twin: {tags: {environment: 'test'}, properties: {desired: {}}},
  });
  assert.deepEqual(twinProblems({tags: {environment: 'test'}, properties: {desired: {}}}), []);
});

test('pairs: numbers and booleans become those, everything else text', () => {
  assert.deepEqual(pairs('environment=test, site=plant 7'), {environment: 'test', site: 'plant 7'});
  assert.deepEqual(pairs('a=1, b=two words, c=true, d=false, e=-2.5, f=1e3'), {
    a: 1,
    b: 'two words',
    c: true,
    d: false,
    e: -2.5,
    f: 1000,
  });
  // Not JSON numbers or booleans: text.
  assert.deepEqual(pairs('zip=007, flag=True, n=null, v=1.2.3, hex=0x1f'), {
    zip: '007',
    flag: 'True',
    n: 'null',
    v: '1.2.3',
    hex: '0x1f',
  });
  // A serial number that a number would round off stays text.
  assert.deepEqual(pairs('serial=12345678901234567890'), {serial: '12345678901234567890'});
});

test('pairs: quotes keep text as text, allow commas and are removed', () => {
  assert.deepEqual(pairs('address="Main St 1, Plant 7", code="42", on="true"'), {
    address: 'Main St 1, Plant 7',
    code: '42',
    on: 'true',
  });
  assert.deepEqual(pairs("name='edge one'"), {name: 'edge one'});
  assert.deepEqual(pairs('say="he said \\"hi\\"", path="C:\\temp\\x", slash="a\\\\b"'), {
    say: 'he said "hi"',
    path: 'C:\\temp\\x',
    slash: 'a\\b',
  });
  assert.deepEqual(pairs('note=5" screen, url=https://x.example/?a=b'), {
    note: '5" screen',
    url: 'https://x.example/?a=b',
  });
});

test('pairs: blank text, empty values, spaces and stray commas', () => {
  assert.deepEqual(pairs(''), {});
  assert.deepEqual(pairs('   '), {});
  assert.deepEqual(pairs('a=, b=""'), {a: '', b: ''});
  assert.deepEqual(pairs('  a = 1 ,, b=2, '), {a: 1, b: 2});
});

test('pairs: each error names the pair and what to do', () => {
  assert.match(pairsError('environment'), /'environment' has no '='/);
  assert.match(pairsError('a=1, site plant'), /'site plant' has no '='/);
  assert.match(pairsError('=test'), /has no key/);
  assert.match(pairsError('  = 1'), /has no key/);
  assert.match(pairsError('a=1, b=2, a=3'), /the key 'a' appears twice/);
  assert.match(pairsError('site.name=x'), /the key 'site\.name' contains '\.'/);
  assert.match(pairsError('my site=x'), /contains a space/);
  assert.match(pairsError('$version=2'), /starts with '\$', which IoT Hub reserves/);
  assert.match(
    pairsError('a="open, b=2'),
    /the value of 'a' opens a double quote that is not closed/,
  );
  assert.match(pairsError('a="x" y, b=2'), /text after its closing quote/);
  // Keys are case-sensitive, so these are two keys.
  assert.deepEqual(pairs('Site=1, site=2'), {Site: 1, site: 2});
});

test('pairs: 100,000 spaces inside and around values read in one pass', () => {
  const spaces = ' '.repeat(100_000);
  const value = pairs(`a=x${spaces}y,b=${spaces}2${spaces}, ${spaces}c = "${spaces}"${spaces}`);
  assert.equal((value.a as string).length, 100_002);
  assert.equal(value.b, 2);
  assert.equal(value.c, spaces);
  assert.equal(pairsError(`${spaces}x${spaces}`), "'x' has no '='; write each pair as key=value");
});

test('pairs: a key named __proto__ is an ordinary key', () => {
  const value = pairs('__proto__=x');
  assert.deepEqual(Object.keys(value), ['__proto__']);
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.equal(JSON.stringify(value), '{"__proto__":"x"}');
});

test('formatPairs writes values so that parsePairs reads them back the same', () => {
  assert.equal(
    formatPairs({environment: 'test', site: 'plant 7', floor: 3, on: true}),
    'environment=test, site=plant 7, floor=3, on=true',
  );
  assert.equal(
    formatPairs({code: '42', on: 'false', address: 'a, b', empty: '', pad: ' x'}),
    'code="42", on="false", address="a, b", empty="", pad=" x"',
  );
  assert.equal(formatPairs({}), '');
});

test('round trip: parsePairs(formatPairs(x)) gives x back', () => {
  const key = fc
    .string({minLength: 1, maxLength: 12, unit: 'binary'})
    .filter((text) => twinKeyProblem(text) === undefined && !/[,=]/.test(text));
  const value = fc.oneof(
    fc.string({maxLength: 20}),
    fc.string({maxLength: 20, unit: 'binary'}),
    fc.constantFrom('true', 'false', '1', '-0', ' a ', '"q"', "'s'", 'a,b', '\\', '\\"'),
    fc.boolean(),
    fc.integer(),
    fc.double({noNaN: true, noDefaultInfinity: true}),
  );
  fc.assert(
    fc.property(fc.dictionary(key, value, {maxKeys: 6}), (record) => {
      const text = formatPairs(record);
      const back = parsePairs(text);
      assert.ok(back.ok, `${text}: ${back.ok ? '' : back.error}`);
      assert.deepEqual(Object.entries(back.value), Object.entries(record), text);
    }),
    {numRuns: 300},
  );
});

test('JSON: an unfinished twin is incomplete, a finished but wrong one is not', () => {
  for (const text of [
    '{"tags":{',
    '{',
    '{"tags":{"environment":"te',
    '{"tags":{"environment":',
    '{"tags":{"on":tr',
    '{"tags":{"floor":-',
    '{"tags":{"floor":1.',
    '{\n  "tags": {\n    "environment": "test"\n  },\n',
  ]) {
    assert.equal(jsonError(text).incomplete, true, text);
  }
  const unfinished = jsonError('{"tags":{');
  assert.match(unfinished.error, /line 1, column 9/);

  for (const text of [
    '{"tags":{}}}',
    '{"tags":{"a":1,}}',
    "{'tags':{}}",
    '{"tags":{"a":True}}',
    '{"tags":{"a":01}}',
    '{"tags" {}}',
    'tags=1',
  ]) {
    assert.equal(jsonError(text).incomplete, false, text);
  }
});

test('JSON: syntax errors say what is wrong and where, as line and column', () => {
  assert.match(
    jsonError('{"tags":{}}}').error,
    /more text after the end of the JSON at line 1, column 12/,
  );
  assert.match(
    jsonError('{"tags":{"a":1,}}').error,
    /remove the ',' before the '}' at line 1, column 16/,
  );
  assert.match(jsonError("{'tags':{}}").error, /line 1, column 2.*double quotes/);
  assert.match(
    jsonError('{\n  "tags": {"a": 1}\n  "properties": {}\n}').error,
    /expected ',' or '}' after the value of 'tags' at line 3, column 3/,
  );
  assert.match(jsonError('{"tags":{"a":True}}').error, /found 'True'/);
  assert.match(
    jsonError('{"tags":{"a":"x\\q"}}').error,
    /'\\q' at line 1, column 16 is not a JSON escape/,
  );
  assert.match(jsonError('{"tags":{"a":"x\n"}}').error, /not closed before the end of its line/);
  assert.match(
    jsonError('{"tags":{"a":"x\ty"}}').error,
    /control character U\+0009 at line 1, column 16 must be written as an escape/,
  );
  // JSON allows DEL and C1 characters unescaped inside strings; only keys may not hold them.
  assert.deepEqual(parseTwinJson('{"tags":{"a":"x\u007f\u0085","b":"\\t"}}'), {
    ok: true,
    twin: {tags: {a: 'x\u007f\u0085', b: '\t'}},
  });
  assert.match(
    jsonError('{"tags":{"site":1,\n "site":2}}').error,
    /the key 'site' at line 2, column 2 appears twice/,
  );
  // Columns count characters, not UTF-16 units.
  assert.match(jsonError('{"tags":{"😀":1 x}}').error, /line 1, column 16/);
  assert.match(jsonError('').error, /empty/);
  assert.equal(jsonError('['.repeat(5000)).incomplete, false);
});

test('JSON: reads what JSON.parse reads, and never accepts what JSON.parse refuses', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({maxLength: 8}), fc.jsonValue({maxDepth: 3})),
      fc.constantFrom(undefined, 2, '\t'),
      (tags, indent) => {
        const text = JSON.stringify({tags}, null, indent);
        assert.deepEqual(parseTwinJson(text), {ok: true, twin: JSON.parse(text)});
      },
    ),
    {numRuns: 200},
  );
  // Damaged twins: cut short, or with one character changed.
  const damaged = fc
    .tuple(
      fc.dictionary(fc.string({maxLength: 6}), fc.jsonValue({maxDepth: 2})),
      fc.nat(),
      fc.constantFrom('', '}', ']', ',', ':', '"', '\\', 'x', '0', '-', ' ', '\n'),
    )
    .map(([tags, at, replacement]) => {
      const text = JSON.stringify({tags});
      const cut = at % (text.length + 1);
      return text.slice(0, cut) + replacement + text.slice(cut + 1);
    });
  fc.assert(
    fc.property(damaged, (text) => {
      const result = parseTwinJson(text);
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      if (!valid) assert.equal(result.ok, false, text);
      if (!result.ok) assert.match(result.error, /\S/);
    }),
    {numRuns: 300},
  );
});

test('JSON: only tags and properties.desired, each an object', () => {
  assert.deepEqual(parseTwinJson('{"tags": {"a": {"b": [1, "x"]}}}'), {
    ok: true,
    twin: {tags: {a: {b: [1, 'x']}}},
  });
  assert.deepEqual(parseTwinJson('{"properties": {"desired": {"logLevel": "info"}}}'), {
    ok: true,
    twin: {properties: {desired: {logLevel: 'info'}}},
  });
  assert.deepEqual(parseTwinJson('{}'), {ok: true, twin: {}});
  assert.match(jsonError('[]').error, /must be a JSON object/);
  assert.match(jsonError('{"tags": []}').error, /'tags' at line 1, column 2 must be an object/);
  assert.match(jsonError('{"tags": null}').error, /'tags' .* must be an object/);
  assert.match(jsonError('{"properties": 1}').error, /'properties' .* must be an object/);
  assert.match(
    jsonError('{"properties": {"desired": "x"}}').error,
    /'desired' .* must be an object/,
  );
  assert.match(
    jsonError('{"properties": {"reported": {}}}').error,
    /'reported' at line 1, column 17 cannot be set/,
  );
  assert.match(jsonError('{"properties": {"other": {}}}').error, /'other' .* only "desired"/);
  assert.match(
    jsonError('{"desired": {}}').error,
    /'desired' .* does not belong.*inside "properties"/,
  );
  assert.match(jsonError('{"tags": {}, "etag": "x"}').error, /'etag' at line 1, column 14/);
  for (const text of ['[]', '{"tags": []}', '{"desired": {}}']) {
    assert.equal(jsonError(text).incomplete, false, text);
  }
});

test('key rules of IoT Hub twins', () => {
  for (const key of [
    'environment',
    'site-7',
    'Ünïcode',
    'a:b',
    'x'.repeat(1024),
    'e\u00e9'.repeat(341),
  ]) {
    assert.equal(twinKeyProblem(key), undefined, key);
  }
  assert.match(twinKeyProblem('')!, /is empty/);
  assert.match(twinKeyProblem('x'.repeat(1025))!, /1025 bytes long; twin keys can be at most 1 KB/);
  // 513 two-byte characters: short in characters, too long in UTF-8.
  assert.match(twinKeyProblem('\u00e9'.repeat(513))!, /1026 bytes long/);
  assert.match(twinKeyProblem('$metadata')!, /starts with '\$'/);
  assert.match(twinKeyProblem('a$b')!, /contains '\$', which is not allowed/);
  assert.match(twinKeyProblem('a.b c')!, /contains '\.' and a space, which are not allowed/);
  assert.match(twinKeyProblem('a\tb')!, /'a<U\+0009>b' contains the control character U\+0009/);
  assert.match(twinKeyProblem('a\u0085b')!, /U\+0085/);
});

test('twin problems: sizes at the exact boundary, counted in UTF-8 bytes', () => {
  const tagsAtLimit = collectionOfSize(8192);
  assert.deepEqual(twinProblems({tags: tagsAtLimit}), []);
  assert.equal(twinSize({tags: tagsAtLimit}).tagsBytes, 8192);
  const tagsOver = collectionOfSize(8193);
  assert.deepEqual(twinProblems({tags: tagsOver}), [
    'the tags are 8193 bytes as JSON; IoT Hub allows at most 8 KB (8192 bytes)',
  ]);

  const desiredAtLimit = collectionOfSize(32768, 'é');
  assert.deepEqual(twinProblems({properties: {desired: desiredAtLimit}}), []);
  assert.equal(twinSize({properties: {desired: desiredAtLimit}}).desiredBytes, 32768);
  assert.ok(
    JSON.stringify(desiredAtLimit).length < 32768,
    'multi-byte characters make bytes exceed characters',
  );
  const desiredOver = collectionOfSize(32769, 'é');
  assert.deepEqual(twinProblems({properties: {desired: desiredOver}}), [
    'the desired properties are 32769 bytes as JSON; IoT Hub allows at most 32 KB (32768 bytes)',
  ]);
  // The same 32 KB that fit desired properties are far too much for tags.
  assert.equal(twinProblems({tags: desiredAtLimit}).length, 1);
  assert.deepEqual(twinSize({}), {tagsBytes: 0, desiredBytes: 0});
});

test('twin problems: string values up to 4 KB and integers in IoT Hub range', () => {
  assert.deepEqual(twinProblems({tags: {s: 'é'.repeat(2048)}}), []);
  assert.deepEqual(twinProblems({tags: {s: 'é'.repeat(2048) + 'x'}}), [
    "the value of 's' in the tags is 4097 bytes long; twin strings can be at most 4 KB (4096 bytes)",
  ]);
  assert.deepEqual(twinProblems({tags: {low: -4503599627370496, high: 4503599627370495}}), []);
  const problems = twinProblems({
    properties: {desired: {limits: {high: 4503599627370496}, low: -4503599627370497, f: 1.5}},
  });
  assert.deepEqual(problems, [
    "the value of 'high' in the desired properties under 'limits' is outside the integers IoT Hub accepts (-4503599627370496 to 4503599627370495)",
    "the value of 'low' in the desired properties is outside the integers IoT Hub accepts (-4503599627370496 to 4503599627370495)",
  ]);
});

test('twin problems: nesting depth at most 10 objects below tags or desired', () => {
  const nested = (levels: number): Record<string, unknown> => {
    let value: Record<string, unknown> = {property: 'value'};
    for (let level = levels; level >= 1; level -= 1) value = {[`l${level}`]: value};
    return value;
  };
  // The documented example: ten levels of objects below "tags", the innermost holding a value.
  assert.deepEqual(twinProblems({tags: nested(10)}), []);
  const tooDeep = twinProblems({tags: nested(11)});
  assert.equal(tooDeep.length, 1);
  assert.match(
    tooDeep[0]!,
    /the tags nest objects more than 10 levels deep \(under 'l1' > .* > 'l11'\)/,
  );
  assert.equal(twinProblems({properties: {desired: nested(11)}}).length, 1);
  // Objects inside lists count too.
  assert.equal(twinProblems({tags: {list: [nested(10)]}}).length, 1);
  assert.deepEqual(twinProblems({tags: {list: [nested(9)]}}), []);
});

test('twin problems: key rules apply at every level and say where the key is', () => {
  const problems = twinProblems({
    tags: {'site.name': 'x', location: {$ref: 1, ok: {'bad key': 2}}},
    properties: {desired: {'': 1}},
  });
  assert.deepEqual(problems, [
    "the key 'site.name' in the tags contains '.', which is not allowed in twin keys",
    "the key '$ref' in the tags under 'location' starts with '$', which IoT Hub reserves for its own properties such as $version and $metadata",
    "the key 'bad key' in the tags under 'location' > 'ok' contains a space, which is not allowed in twin keys",
    "the key '' in the desired properties is empty; every twin key needs a name",
  ]);
});

test('twinFromPairs builds both sections, or nothing when both lines are empty', () => {
  assert.equal(twinFromPairs({}, {}), undefined);
  assert.deepEqual(twinFromPairs({environment: 'test'}, {}), {
    tags: {environment: 'test'},
    properties: {desired: {}},
  });
  assert.deepEqual(twinFromPairs({}, {logLevel: 'info'}), {
    tags: {},
    properties: {desired: {logLevel: 'info'}},
  });
  // Built from the seed's pairs, it is the seed's JSON.
  const seed = parseTwinJson('{"tags":{"environment":"test"},"properties":{"desired":{}}}');
  assert.deepEqual(seed, {ok: true, twin: twinFromPairs(pairs('environment=test'), pairs(''))});
});

import {
  codePoint,
  showTwinText,
  twinKeyProblem,
  type InitialTwin,
  type TwinCollection,
} from '../../dps/index.js';

/**
 * Reading the initial twin as the operator types it: key=value pairs or JSON. IoT Hub's twin limits (key rules,
 * sizes, depth) are DPS's rules, in dps/twin-rules.ts.
 */

export type PairsResult =
  {ok: true; value: Record<string, string | number | boolean>} | {ok: false; error: string};

export type TwinJsonResult =
  | {ok: true; twin: InitialTwin}
  | {
      ok: false;
      error: string;
      /** true while brackets/quotes are still open: the user is still typing, Enter adds a line */
      incomplete: boolean;
    };

// ---------------------------------------------------------------------------------------------------------------
// Keys

/** Sets a property even when its name is '__proto__', which plain assignment would treat as the prototype. */
function setProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {value, enumerable: true, writable: true, configurable: true});
}

// ---------------------------------------------------------------------------------------------------------------
// key=value pairs

/** The text without the spaces, tabs and line breaks at its ends (a loop: a regex here took quadratic time). */
const trimBlank = (text: string): string => {
  const isBlank = (character: string | undefined) =>
    character !== undefined && ' \t\r\n'.includes(character);
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text[start])) start += 1;
  while (end > start && isBlank(text[end - 1])) end -= 1;
  return text.slice(start, end);
};
const jsonNumber = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const plainInteger = /^-?\d+$/;

/** The number or boolean an unquoted value stands for, or the text itself. */
function scalarOf(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (jsonNumber.test(text)) {
    const number = Number(text);
    // Long digit strings (serial numbers) would lose digits as a number, so they stay text.
    if (Number.isFinite(number) && !(plainInteger.test(text) && !Number.isSafeInteger(number))) {
      return number;
    }
  }
  return text;
}

/** 'a=1, b=two words, c=true' -> {a: 1, b: 'two words', c: true}. Values that are JSON numbers/booleans become those;
 * everything else a string (surrounding quotes removed; a comma inside double quotes is allowed, and inside them
 * \" is a quote and \\ a backslash). Empty text -> {}.
 * Errors are specific: the pair without '=', an empty key, a duplicate key, an invalid key (see twinKeyProblem). */
export function parsePairs(text: string): PairsResult {
  const value: Record<string, string | number | boolean> = {};
  const fail = (error: string): PairsResult => ({ok: false, error});
  let index = 0;
  while (index < text.length) {
    const keyEnd = firstOf(text, ['=', ','], index);
    const keyText = text.slice(index, keyEnd);
    if (text[keyEnd] !== '=') {
      if (trimBlank(keyText) !== '') {
        return fail(`${showTwinText(trimBlank(keyText))} has no '='; write each pair as key=value`);
      }
      index = keyEnd + 1; // an empty pair between two commas, or a trailing comma
      continue;
    }
    const key = trimBlank(keyText);
    if (key === '') {
      return fail("a pair starts with '=' and has no key; write each pair as key=value");
    }
    let valueStart = keyEnd + 1;
    while (valueStart < text.length && ' \t\r\n'.includes(text[valueStart] ?? '')) valueStart += 1;

    let pairValue: string | number | boolean;
    if (text[valueStart] === '"') {
      const quoted = readQuoted(text, valueStart + 1);
      if (quoted === undefined) {
        return fail(`the value of ${showTwinText(key)} opens a double quote that is not closed`);
      }
      const rest = firstOf(text, [','], quoted.end);
      if (trimBlank(text.slice(quoted.end, rest)) !== '') {
        return fail(
          `the value of ${showTwinText(key)} has text after its closing quote; put the whole value inside the quotes`,
        );
      }
      pairValue = quoted.text;
      index = rest + 1;
    } else {
      const valueEnd = firstOf(text, [','], valueStart);
      const raw = trimBlank(text.slice(valueStart, valueEnd));
      pairValue =
        raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")
          ? raw.slice(1, -1)
          : scalarOf(raw);
      index = valueEnd + 1;
    }

    const problem = twinKeyProblem(key);
    if (problem !== undefined) return fail(problem);
    if (Object.hasOwn(value, key)) {
      return fail(`the key ${showTwinText(key)} appears twice; give each key once`);
    }
    setProperty(value, key, pairValue);
  }
  return {ok: true, value};
}

/** The index of the first of `characters` at or after `from`, or the text's length. */
function firstOf(text: string, characters: string[], from: number): number {
  for (let index = from; index < text.length; index += 1) {
    if (characters.includes(text[index] ?? '')) return index;
  }
  return text.length;
}

/** Reads a double-quoted value whose opening quote is just before `start`; returns the index after the closing one. */
function readQuoted(text: string, start: number): {text: string; end: number} | undefined {
  let result = '';
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    const next = text[index + 1];
    if (character === '"') return {text: result, end: index + 1};
    if (character === '\\' && (next === '"' || next === '\\')) {
      result += next;
      index += 1;
    } else {
      result += character;
    }
  }
  return undefined;
}

/** The inverse of parsePairs, for editing a value again: parsePairs(formatPairs(x)) gives x back for its results. */
export function formatPairs(value: Record<string, unknown>): string {
  return Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .map(([key, item]) => `${key}=${formatValue(item)}`)
    .join(', ');
}

function formatValue(value: unknown): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return '-0';
    // A large integer written out in digits would be read back as text (see scalarOf).
    return Number.isInteger(value) && !Number.isSafeInteger(value)
      ? value.toExponential()
      : String(value);
  }
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return needsQuotes(text) ? `"${text.replace(/[\\"]/g, '\\$&')}"` : text;
}

function needsQuotes(text: string): boolean {
  return (
    text === '' ||
    trimBlank(text) !== text ||
    text.includes(',') ||
    text.startsWith('"') ||
    (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) ||
    scalarOf(text) !== text
  );
}

// ---------------------------------------------------------------------------------------------------------------
// JSON

/** Far beyond what a twin may hold (10), low enough that reading pasted text never exhausts the stack. */
const maxReaderNesting = 100;

/** Characters that stand for themselves inside a JSON string: all but '"', '\\' and U+0000 to U+001F. */
const plainRun = /[^"\\\u0000-\u001f]+/y;

type JsonFailure = {message: string; incomplete: boolean};

/** Thrown inside the parser only; parseTwinJson turns it into a result. */
class JsonStop extends Error {
  constructor(readonly failure: JsonFailure) {
    super(failure.message);
  }
}

/** A strict JSON reader that says where a problem is, notices duplicate keys and knows when the text just stops. */
class JsonReader {
  private index = 0;
  /** Where each open object, array or string started, innermost last. */
  private readonly open: Array<{kind: 'object' | 'array' | 'string'; at: number}> = [];
  /** Where each key of each object was written, for the messages about the twin's shape. */
  readonly keyOffsets = new WeakMap<object, Map<string, number>>();

  constructor(private readonly text: string) {}

  readDocument(): unknown {
    this.skipBlank();
    if (this.index >= this.text.length) throw this.stop('the text is empty; type a JSON object');
    const value = this.readValue();
    this.skipBlank();
    if (this.index < this.text.length) {
      throw this.stop(`there is more text after the end of the JSON at ${this.where(this.index)}`);
    }
    return value;
  }

  where(offset: number): string {
    const before = this.text.slice(0, offset).split('\n');
    const line = before.length;
    const column = [...(before[line - 1] ?? '')].length + 1;
    return `line ${line}, column ${column}`;
  }

  private stop(message: string, incomplete = false): JsonStop {
    return new JsonStop({message, incomplete});
  }

  /** The text ended while something was still open: the user is most likely still typing. */
  private stopAtEnd(expected: string): JsonStop {
    const innermost = this.open.at(-1);
    if (innermost === undefined) return this.stop(`the JSON ends where ${expected} should come`);
    const what = innermost.kind === 'string' ? 'the string' : `the ${innermost.kind}`;
    return this.stop(
      `the JSON ends before ${what} opened at ${this.where(innermost.at)} is closed`,
      true,
    );
  }

  private unexpected(expected: string): JsonStop {
    if (this.index >= this.text.length) return this.stopAtEnd(expected);
    const found = String.fromCodePoint(this.text.codePointAt(this.index) ?? 0);
    const word = /[A-Za-z_]/.test(found)
      ? (/^[A-Za-z_]\w*/.exec(this.text.slice(this.index))?.[0] ?? found)
      : found;
    const hint =
      found === "'"
        ? ' (JSON needs double quotes around keys and strings)'
        : /^[A-Za-z_]/.test(word)
          ? ` (values are true, false, null, numbers, or text in double quotes)`
          : '';
    return this.stop(
      `expected ${expected} at ${this.where(this.index)}, found ${showTwinText(word)}${hint}`,
    );
  }

  private skipBlank(): void {
    while (this.index < this.text.length && ' \t\r\n'.includes(this.text[this.index] ?? '')) {
      this.index += 1;
    }
  }

  private readValue(): unknown {
    this.skipBlank();
    const character = this.text[this.index];
    if (character === '{') return this.readObject();
    if (character === '[') return this.readArray();
    if (character === '"') return this.readString();
    if (character === '-' || (character !== undefined && character >= '0' && character <= '9')) {
      return this.readNumber();
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      const rest = this.text.slice(this.index, this.index + word.length);
      if (rest === word && !/\w/.test(this.text[this.index + word.length] ?? '')) {
        this.index += word.length;
        return value;
      }
      // A word cut short by the end of the text ('tr'): the user is still typing it.
      if (
        rest.length > 0 &&
        this.index + rest.length === this.text.length &&
        word.startsWith(rest)
      ) {
        this.index = this.text.length;
        throw this.stopAtEnd('a value');
      }
    }
    throw this.unexpected('a value');
  }

  private enter(kind: 'object' | 'array'): void {
    if (this.open.length >= maxReaderNesting) {
      throw this.stop(
        `the JSON nests more than ${maxReaderNesting} levels deep at ${this.where(this.index)}`,
      );
    }
    this.open.push({kind, at: this.index});
  }

  private readObject(): Record<string, unknown> {
    this.enter('object');
    this.index += 1;
    const result: Record<string, unknown> = {};
    const offsets = new Map<string, number>();
    this.keyOffsets.set(result, offsets);
    this.skipBlank();
    if (this.text[this.index] === '}') {
      this.index += 1;
      this.open.pop();
      return result;
    }
    for (;;) {
      this.skipBlank();
      if (this.text[this.index] === '}' && offsets.size > 0) {
        throw this.stop(`remove the ',' before the '}' at ${this.where(this.index)}`);
      }
      if (this.text[this.index] !== '"') throw this.unexpected('a key in double quotes');
      const keyAt = this.index;
      const key = this.readString();
      if (offsets.has(key)) {
        throw this.stop(
          `the key ${showTwinText(key)} at ${this.where(keyAt)} appears twice in the same object; give each key once`,
        );
      }
      this.skipBlank();
      if (this.text[this.index] !== ':')
        throw this.unexpected(`':' after the key ${showTwinText(key)}`);
      this.index += 1;
      const value = this.readValue();
      offsets.set(key, keyAt);
      setProperty(result, key, value);
      this.skipBlank();
      const separator = this.text[this.index];
      if (separator === ',') {
        this.index += 1;
      } else if (separator === '}') {
        this.index += 1;
        this.open.pop();
        return result;
      } else {
        throw this.unexpected(`',' or '}' after the value of ${showTwinText(key)}`);
      }
    }
  }

  private readArray(): unknown[] {
    this.enter('array');
    this.index += 1;
    const result: unknown[] = [];
    this.skipBlank();
    if (this.text[this.index] === ']') {
      this.index += 1;
      this.open.pop();
      return result;
    }
    for (;;) {
      this.skipBlank();
      if (this.text[this.index] === ']') {
        throw this.stop(`remove the ',' before the ']' at ${this.where(this.index)}`);
      }
      result.push(this.readValue());
      this.skipBlank();
      const separator = this.text[this.index];
      if (separator === ',') {
        this.index += 1;
      } else if (separator === ']') {
        this.index += 1;
        this.open.pop();
        return result;
      } else {
        throw this.unexpected("',' or ']' after a list item");
      }
    }
  }

  private readString(): string {
    const start = this.index;
    this.open.push({kind: 'string', at: start});
    this.index += 1;
    let result = '';
    while (this.index < this.text.length) {
      plainRun.lastIndex = this.index;
      const run = plainRun.exec(this.text);
      if (run !== null) {
        result += run[0];
        this.index += run[0].length;
        continue;
      }
      const character = this.text[this.index] ?? '';
      if (character === '"') {
        this.index += 1;
        this.open.pop();
        return result;
      }
      if (character === '\n' || character === '\r') {
        throw this.stop(
          `the string opened at ${this.where(start)} is not closed before the end of its line`,
        );
      }
      if (character < ' ') {
        throw this.stop(
          `the control character ${codePoint(character)} at ${this.where(this.index)} must be written as an escape such as \\t`,
        );
      }
      result += this.readEscape();
    }
    throw this.stopAtEnd('a closing quote');
  }

  private readEscape(): string {
    const at = this.index;
    const code = this.text[at + 1];
    const simple: Record<string, string> = {
      '"': '"',
      '\\': '\\',
      '/': '/',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
    };
    if (code === undefined) throw this.stopAtEnd('an escape');
    const replacement = simple[code];
    if (replacement !== undefined) {
      this.index += 2;
      return replacement;
    }
    if (code === 'u') {
      const hex = this.text.slice(at + 2, at + 6);
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        this.index += 6;
        return String.fromCharCode(parseInt(hex, 16));
      }
      if (at + 2 + hex.length === this.text.length && /^[0-9a-fA-F]*$/.test(hex)) {
        throw this.stopAtEnd('an escape');
      }
    }
    throw this.stop(
      `'\\${code}' at ${this.where(at)} is not a JSON escape; write a backslash as \\\\`,
    );
  }

  private readNumber(): number {
    const start = this.index;
    const token = /^[-+.0-9eE]+/.exec(this.text.slice(start))?.[0] ?? '';
    this.index += token.length;
    if (jsonNumber.test(token)) {
      const number = Number(token);
      if (Number.isFinite(number)) return number;
      throw this.stop(`${showTwinText(token)} at ${this.where(start)} is too large for a number`);
    }
    // '-' or '1.' or '1e' cut off by the end of the text: still being typed.
    if (this.index >= this.text.length && jsonNumber.test(`${token}0`))
      throw this.stopAtEnd('a number');
    throw this.stop(`${showTwinText(token)} at ${this.where(start)} is not a valid JSON number`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const example = '{"tags": {"environment": "test"}, "properties": {"desired": {}}}';

/** Parses the whole initial twin as JSON. Only the keys "tags" and "properties" (with only "desired") are allowed at the
 * top; each must be an object. Error messages name the problem and the position (line:column) in plain words. */
export function parseTwinJson(text: string): TwinJsonResult {
  const reader = new JsonReader(text);
  let document: unknown;
  try {
    document = reader.readDocument();
  } catch (error) {
    if (error instanceof JsonStop) {
      return {ok: false, error: error.failure.message, incomplete: error.failure.incomplete};
    }
    throw error;
  }
  const fail = (error: string): TwinJsonResult => ({ok: false, error, incomplete: false});
  const at = (object: object, key: string): string => {
    const offset = reader.keyOffsets.get(object)?.get(key);
    return offset === undefined ? '' : ` at ${reader.where(offset)}`;
  };

  if (!isObject(document)) return fail(`the initial twin must be a JSON object such as ${example}`);
  const twin: InitialTwin = {};
  for (const [key, value] of Object.entries(document)) {
    if (key === 'tags') {
      if (!isObject(value)) {
        return fail(`'tags'${at(document, key)} must be an object such as {"environment": "test"}`);
      }
      twin.tags = value;
    } else if (key === 'properties') {
      if (!isObject(value)) {
        return fail(`'properties'${at(document, key)} must be an object such as {"desired": {}}`);
      }
      const properties: {desired?: TwinCollection} = {};
      for (const [inner, desired] of Object.entries(value)) {
        if (inner === 'desired') {
          if (!isObject(desired)) {
            return fail(
              `'desired'${at(value, inner)} must be an object such as {"logLevel": "info"}`,
            );
          }
          properties.desired = desired;
        } else if (inner === 'reported') {
          return fail(
            `'reported'${at(value, inner)} cannot be set: the device reports those properties itself; only "desired" goes in "properties"`,
          );
        } else {
          return fail(
            `${showTwinText(inner)}${at(value, inner)} is not allowed in "properties"; only "desired" is`,
          );
        }
      }
      twin.properties = properties;
    } else {
      const hint =
        key === 'desired' ? '; put desired properties inside "properties": {"desired": {...}}' : '';
      return fail(
        `${showTwinText(key)}${at(document, key)} does not belong in an initial twin, which holds only "tags" and "properties"${hint}`,
      );
    }
  }
  return {ok: true, twin};
}

/** Builds the twin from the two pairs lines; undefined when both are empty (no initial twin sent). */
export function twinFromPairs(
  tags: Record<string, unknown>,
  desired: Record<string, unknown>,
): InitialTwin | undefined {
  if (Object.keys(tags).length === 0 && Object.keys(desired).length === 0) return undefined;
  return {tags: copy(tags), properties: {desired: copy(desired)}};
}

function copy(collection: Record<string, unknown>): TwinCollection {
  const result: TwinCollection = {};
  for (const [key, value] of Object.entries(collection)) setProperty(result, key, value);
  return result;
}

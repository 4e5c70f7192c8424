import type {InitialTwin, TwinCollection} from './types.js';

/**
 * IoT Hub's device twin limits, which an enrollment's initial twin must keep (it becomes the device's twin).
 * Shared by the emulator (which refuses what DPS refuses) and the wizard's twin step. Source:
 * learn.microsoft.com/azure/iot-hub/iot-hub-devguide-device-twins, "Tags and properties format" and
 * "Device twin size".
 */

/** Keys are UTF-8, case-sensitive, up to 1 KB, without control characters, '.', '$' or a space. */
export const maxTwinKeyBytes = 1024;
/** String values are UTF-8, up to 4 KB. */
export const maxTwinStringBytes = 4 * 1024;
/** Integers lie in -4503599627370496 ..= 4503599627370495. */
export const minTwinInteger = -4503599627370496;
export const maxTwinInteger = 4503599627370495;
/** JSON objects in tags and desired properties nest at most 10 levels deep. */
export const maxTwinDepth = 10;
/**
 * Tags are at most 8 KB and desired properties at most 32 KB, measured as the UTF-8 size of their JSON text
 * (IoT Hub's own count of keys and values is never larger).
 */
export const maxTagsBytes = 8 * 1024;
export const maxDesiredBytes = 32 * 1024;

/** What is wrong with a twin key, as the end of a sentence that starts with the key; undefined when it is fine. */
function keyFault(key: string): string | undefined {
  if (key === '') return 'is empty; every twin key needs a name';
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > maxTwinKeyBytes) {
    return `is ${bytes} bytes long; twin keys can be at most 1 KB (${maxTwinKeyBytes} bytes)`;
  }
  if (key.startsWith('$')) {
    return "starts with '$', which IoT Hub reserves for its own properties such as $version and $metadata";
  }
  const invalid = [...new Set([...key].filter((character) => /[\p{Cc}.$ ]/u.test(character)))];
  if (invalid.length > 0) {
    const described = invalid.map(describeCharacter);
    const list =
      described.length === 1
        ? described.join('')
        : `${described.slice(0, -1).join(', ')} and ${described.at(-1)}`;
    return `contains ${list}, which ${invalid.length === 1 ? 'is' : 'are'} not allowed in twin keys`;
  }
  return undefined;
}

/** IoT Hub twin key rules: not empty, <= 1 KB, no control characters, no '.', '$' or space; '$' first is reserved. */
export function twinKeyProblem(key: string): string | undefined {
  const fault = keyFault(key);
  return fault === undefined ? undefined : `the key ${showTwinText(key)} ${fault}`;
}

function describeCharacter(character: string): string {
  if (character === ' ') return 'a space';
  if (/\p{Cc}/u.test(character)) return `the control character ${codePoint(character)}`;
  return `'${character}'`;
}

/** A character as its Unicode code point, e.g. U+0009. */
export function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A twin key or value quoted for a message: control characters made visible, long text shortened. */
export function showTwinText(text: string): string {
  const characters = [...text];
  const shown = characters
    .slice(0, 40)
    .map((character) => (/\p{Cc}/u.test(character) ? `<${codePoint(character)}>` : character))
    .join('');
  return `'${shown}${characters.length > 40 ? '…' : ''}'`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The UTF-8 size of the JSON text of tags and of desired properties (0 when absent). */
export function twinSize(twin: InitialTwin): {tagsBytes: number; desiredBytes: number} {
  const bytes = (collection: TwinCollection | undefined): number =>
    collection === undefined ? 0 : Buffer.byteLength(JSON.stringify(collection), 'utf8');
  return {tagsBytes: bytes(twin.tags), desiredBytes: bytes(twin.properties?.desired)};
}

/**
 * Everything in an initial twin that DPS / IoT Hub would refuse: tags over 8 KB and desired properties over
 * 32 KB (UTF-8 JSON size), objects nested too deep, keys that break the key rules (twinKeyProblem), strings
 * over 4 KB, integers out of range. Each problem is one plain sentence; none means the twin is accepted.
 */
export function twinProblems(twin: InitialTwin): string[] {
  const problems: string[] = [];
  const {tagsBytes, desiredBytes} = twinSize(twin);
  const sections = [
    {name: 'tags', collection: twin.tags, bytes: tagsBytes, maxBytes: maxTagsBytes, limit: '8 KB'},
    {
      name: 'desired properties',
      collection: twin.properties?.desired,
      bytes: desiredBytes,
      maxBytes: maxDesiredBytes,
      limit: '32 KB',
    },
  ];
  for (const {name, collection, bytes, maxBytes, limit} of sections) {
    if (collection === undefined) continue;
    if (bytes > maxBytes) {
      problems.push(
        `the ${name} are ${bytes} bytes as JSON; IoT Hub allows at most ${limit} (${maxBytes} bytes)`,
      );
    }
    const walk: Walk = {section: name, problems, tooDeep: undefined};
    visit(walk, collection, [], 0);
    if (walk.tooDeep !== undefined) {
      problems.push(
        `the ${name} nest objects more than ${maxTwinDepth} levels deep (under ${walk.tooDeep.map(showTwinText).join(' > ')}); IoT Hub allows at most ${maxTwinDepth}`,
      );
    }
  }
  return problems;
}

const maxWalkedNesting = 100;

type Walk = {section: string; problems: string[]; tooDeep: string[] | undefined};

/** Checks the keys and values below `value`, which sits at `path` and `depth` objects below its section. */
function visit(walk: Walk, value: unknown, path: string[], depth: number): void {
  // Far past the limit, and shallow enough that any request body is walked without exhausting the stack.
  if (path.length > maxWalkedNesting) {
    walk.tooDeep ??= path.slice(0, maxTwinDepth + 1);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => visit(walk, item, [...path, `[${index}]`], depth));
  } else if (isObject(value)) {
    if (depth > maxTwinDepth && walk.tooDeep === undefined) walk.tooDeep = path;
    for (const [key, item] of Object.entries(value)) {
      const fault = keyFault(key);
      if (fault !== undefined) {
        walk.problems.push(`the key ${showTwinText(key)} ${place(walk.section, path)} ${fault}`);
      }
      visit(walk, item, [...path, key], depth + 1);
    }
  } else {
    const label = `the value of ${showTwinText(path.at(-1) ?? '')} ${place(walk.section, path.slice(0, -1))}`;
    if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > maxTwinStringBytes) {
      walk.problems.push(
        `${label} is ${Buffer.byteLength(value, 'utf8')} bytes long; twin strings can be at most 4 KB (${maxTwinStringBytes} bytes)`,
      );
    }
    if (
      typeof value === 'number' &&
      Number.isInteger(value) &&
      (value < minTwinInteger || value > maxTwinInteger)
    ) {
      walk.problems.push(
        `${label} is outside the integers IoT Hub accepts (${minTwinInteger} to ${maxTwinInteger})`,
      );
    }
  }
}

/** "in the tags", or "in the tags under 'site' > 'room'" for a nested place. */
function place(section: string, path: string[]): string {
  return path.length === 0
    ? `in the ${section}`
    : `in the ${section} under ${path.map(showTwinText).join(' > ')}`;
}

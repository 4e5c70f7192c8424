/** The statuses a fault can answer with; 429 and 503 may carry Retry-After. */
export const faultStatuses = [408, 429, 500, 502, 503, 504] as const;
export type FaultStatus = (typeof faultStatuses)[number];
const retryAfterStatuses: readonly FaultStatus[] = [429, 503];

/** What a matched request gets instead of its normal answer. */
export type Fault =
  | {kind: 'status'; status: FaultStatus; retryAfterSeconds?: number}
  | {kind: 'delay'; ms: number}
  | {kind: 'reset'};

/** The next `count` requests whose URL path matches `path` (and method, when given) get `fault`. */
export type FaultRule = {method?: string; path: RegExp; count: number; fault: Fault};

/** The bounds a rule must keep (README "Fault injection"). */
export const faultLimits = {
  maxPatternLength: 256,
  /** Repetitions (* + ? {n,} {n,m}) in a pattern, counting the implicit one before an unanchored pattern. */
  maxRepetitions: 2,
  maxCount: 10_000,
  maxDelayMs: 120_000,
  maxRetryAfterSeconds: 3600,
  maxRules: 100,
  /** Longer request paths match no rule, which keeps every match cheap. */
  maxMatchedPathLength: 2048,
} as const;

/**
 * Fault injection for reliability tests. Rules are checked in the order they were added; the first rule
 * that matches a request and still has requests left is used up by one. Every rule is checked when added
 * (faultRuleProblem) and refused with an Error that names the problem.
 */
export class FaultInjector {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    this.addAll([rule]);
  }

  /** Adds every rule, or none when one of them is refused. */
  addAll(rules: FaultRule[]): void {
    rules.forEach((rule, index) => {
      const problem = faultRuleProblem(rule);
      if (problem) throw new Error(rules.length > 1 ? `rule ${index + 1}: ${problem}` : problem);
    });
    if (this.rules.length + rules.length > faultLimits.maxRules) {
      throw new Error(
        `at most ${faultLimits.maxRules} fault rules can be active; clear some first`,
      );
    }
    for (const rule of rules) {
      this.rules.push({
        ...rule,
        path: new RegExp(rule.path.source, rule.path.flags.replace(/[gy]/g, '')),
      });
    }
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this request, if any; counts it against its rule. */
  take(method: string, path: string): Fault | undefined {
    if (path.length > faultLimits.maxMatchedPathLength) return undefined;
    const index = this.rules.findIndex(
      (rule) =>
        (rule.method === undefined || rule.method.toUpperCase() === method.toUpperCase()) &&
        rule.path.test(path),
    );
    const rule = this.rules[index];
    if (!rule) return undefined;
    rule.count -= 1;
    if (rule.count === 0) this.rules.splice(index, 1);
    return rule.fault;
  }
}

/** What is wrong with a rule, or undefined when it may be added. */
export function faultRuleProblem(rule: FaultRule): string | undefined {
  if (rule.method !== undefined && !/^[A-Za-z]{1,16}$/.test(rule.method)) {
    return `method must be an HTTP method such as GET or PUT, got ${JSON.stringify(rule.method)}`;
  }
  if (!(rule.path instanceof RegExp)) return 'path must be a regular expression';
  const patternIssue = patternProblem(rule.path.source);
  if (patternIssue) return `path ${patternIssue}`;
  if (!Number.isInteger(rule.count) || rule.count < 1 || rule.count > faultLimits.maxCount) {
    return `count must be a whole number from 1 to ${faultLimits.maxCount}, got ${String(rule.count)}`;
  }
  return faultProblem(rule.fault);
}

function faultProblem(fault: Fault): string | undefined {
  switch (fault.kind) {
    case 'status': {
      if (!faultStatuses.includes(fault.status)) {
        return `a status fault must be one of ${faultStatuses.join(', ')}, got ${String(fault.status)}`;
      }
      const seconds = fault.retryAfterSeconds;
      if (seconds === undefined) return undefined;
      if (!retryAfterStatuses.includes(fault.status)) {
        return `retryAfterSeconds is only for 429 and 503, not ${fault.status}`;
      }
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > faultLimits.maxRetryAfterSeconds) {
        return `retryAfterSeconds must be a whole number from 0 to ${faultLimits.maxRetryAfterSeconds}, got ${String(seconds)}`;
      }
      return undefined;
    }
    case 'delay':
      if (!Number.isInteger(fault.ms) || fault.ms < 0 || fault.ms > faultLimits.maxDelayMs) {
        return `a delay fault needs ms, a whole number from 0 to ${faultLimits.maxDelayMs}, got ${String(fault.ms)}`;
      }
      return undefined;
    case 'reset':
      return undefined;
    default:
      return `fault.kind must be status, delay or reset, got ${JSON.stringify((fault as {kind: unknown}).kind)}`;
  }
}

/**
 * Keeps a path pattern cheap to test, whatever the path (a backtracking match can otherwise take seconds, or
 * years). The rule, checked on the pattern's text:
 * - at most 256 characters;
 * - no backreferences (\1, \k<name>) and no lookarounds ((?=, (?!, (?<=, (?<!);
 * - no quantifier on a group that contains a quantifier or '|' (star height 1);
 * - at most two repetitions (*, +, ?, {n,}, {n,m}), where a pattern that does not start with ^ already
 *   spends one (the search tries every starting position).
 * Returns the problem as a phrase that follows "path", or undefined.
 */
export function patternProblem(source: string): string | undefined {
  if (source.length > faultLimits.maxPatternLength) {
    return `is ${source.length} characters long; at most ${faultLimits.maxPatternLength} are allowed`;
  }
  try {
    new RegExp(source);
  } catch {
    return `is not a valid regular expression: ${JSON.stringify(source)}`;
  }
  type Group = {repeats: boolean; alternates: boolean};
  const groups: Group[] = [{repeats: false, alternates: false}];
  /** The atom a quantifier would apply to: a closed group (and what it held), or anything else. */
  let last: 'none' | 'atom' | Group = 'none';
  let repetitions = source.startsWith('^') ? 0 : 1;
  for (let index = 0; index < source.length; index++) {
    const character = source[index]!;
    const current = groups.at(-1)!;
    if (character === '\\') {
      const next = source[index + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && source[index + 2] === '<')) {
        return 'uses a backreference, which can make a match take very long';
      }
      index += 1;
      last = 'atom';
    } else if (character === '[') {
      index = classEnd(source, index);
      last = 'atom';
    } else if (character === '(') {
      if (/^\(\?(=|!|<=|<!)/.test(source.slice(index))) {
        return 'uses a lookaround ((?= (?! (?<= (?<!), which is not allowed';
      }
      groups.push({repeats: false, alternates: false});
      last = 'none';
    } else if (character === ')') {
      const closed = groups.pop()!;
      const parent = groups.at(-1)!;
      parent.repeats ||= closed.repeats;
      parent.alternates ||= closed.alternates;
      last = closed;
    } else if (character === '|') {
      current.alternates = true;
      last = 'none';
    } else if ('*+?{'.includes(character)) {
      const quantifier = quantifierAt(source, index);
      if (!quantifier || last === 'none') {
        last = 'atom'; // a literal '{', or a '?' that starts a group's flags
        continue;
      }
      if (typeof last === 'object' && (last.repeats || last.alternates)) {
        return 'repeats a group that itself repeats or has alternatives (like (a+)+ or (a|b)*), which can make a match take very long';
      }
      if (quantifier.repeats) repetitions += 1;
      if (repetitions > faultLimits.maxRepetitions) {
        return `has more than ${faultLimits.maxRepetitions} repetitions (* + ? {n,m}, and one more for a pattern that does not start with ^), which can make a match take very long`;
      }
      current.repeats ||= quantifier.repeats;
      index += quantifier.length - 1;
      if (source[index + 1] === '?') index += 1; // lazy
      last = 'none';
    } else {
      last = 'atom';
    }
  }
  return undefined;
}

/** The quantifier at `index`: its length and whether it repeats (everything but an exact {n}). */
function quantifierAt(
  source: string,
  index: number,
): {length: number; repeats: boolean} | undefined {
  const character = source[index];
  if (character === '*' || character === '+' || character === '?')
    return {length: 1, repeats: true};
  const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(index));
  if (!braces) return undefined;
  const exact = braces[2] === undefined || braces[3] === braces[1];
  return {length: braces[0].length, repeats: !exact};
}

/** The index of the ']' that closes the class opened at `start`. */
function classEnd(source: string, start: number): number {
  for (let index = start + 1; index < source.length; index++) {
    if (source[index] === '\\') index += 1;
    else if (source[index] === ']') return index;
  }
  return source.length;
}

/**
 * A fault rule from JSON (the emulator's control endpoint): the path is a regular expression source,
 * matched case-insensitively. Throws an Error naming the first problem.
 */
export function faultRuleFromJson(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('a fault rule must be an object with path, count and fault');
  }
  const fields = value as Record<string, unknown>;
  rejectUnknown(fields, ['method', 'path', 'count', 'fault'], 'a fault rule');
  const {method, path, count, fault} = fields;
  if (method !== undefined && typeof method !== 'string')
    throw new Error('method must be a string');
  if (typeof path !== 'string') throw new Error('path must be a regular expression string');
  const problem = patternProblem(path);
  if (problem) throw new Error(`path ${problem}`);
  if (typeof count !== 'number') throw new Error('count must be a number');
  if (typeof fault !== 'object' || fault === null || Array.isArray(fault)) {
    throw new Error('fault must be an object such as {"kind": "status", "status": 503}');
  }
  const kind = (fault as {kind?: unknown}).kind;
  rejectUnknown(
    fault as Record<string, unknown>,
    kind === 'status'
      ? ['kind', 'status', 'retryAfterSeconds']
      : kind === 'delay'
        ? ['kind', 'ms']
        : ['kind'],
    'fault',
  );
  const rule: FaultRule = {
    ...(method === undefined ? {} : {method}),
    path: new RegExp(path, 'i'),
    count,
    fault: fault as Fault,
  };
  const ruleProblem = faultRuleProblem(rule);
  if (ruleProblem) throw new Error(ruleProblem);
  return rule;
}

function rejectUnknown(fields: Record<string, unknown>, known: string[], what: string): void {
  const unknown = Object.keys(fields).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw new Error(`${what} has an unknown field "${unknown}"; it may have ${known.join(', ')}`);
  }
}

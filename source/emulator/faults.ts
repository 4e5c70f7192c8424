/** What a matched request gets instead of its normal answer. */
export type Fault =
  | {kind: 'status'; status: 408 | 429 | 500 | 502 | 503 | 504; retryAfterSeconds?: number}
  | {kind: 'delay'; ms: number}
  | {kind: 'reset'};

/** The next `count` requests whose URL path matches `path` (and method, when given) get `fault`. */
export type FaultRule = {method?: string; path: RegExp; count: number; fault: Fault};

/**
 * Fault injection for reliability tests. Rules are checked in the order they were added; the first rule
 * that matches a request and still has requests left is used up by one.
 */
export class FaultInjector {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    if (!Number.isInteger(rule.count) || rule.count < 1) {
      throw new Error(`a fault rule needs a count of at least 1, got ${rule.count}`);
    }
    checkFault(rule.fault);
    this.rules.push({
      ...rule,
      path: new RegExp(rule.path.source, rule.path.flags.replace('g', '')),
    });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this request, if any; counts it against its rule. */
  take(method: string, path: string): Fault | undefined {
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

function checkFault(fault: Fault) {
  switch (fault.kind) {
    case 'status':
      if (![408, 429, 500, 502, 503, 504].includes(fault.status)) {
        throw new Error(
          `a status fault must be 408, 429, 500, 502, 503 or 504, got ${String(fault.status)}`,
        );
      }
      if (
        fault.retryAfterSeconds !== undefined &&
        (!Number.isInteger(fault.retryAfterSeconds) || fault.retryAfterSeconds < 0)
      ) {
        throw new Error('retryAfterSeconds must be a whole number of seconds');
      }
      return;
    case 'delay':
      if (!Number.isFinite(fault.ms) || fault.ms < 0) {
        throw new Error(`a delay fault needs a non-negative ms, got ${String(fault.ms)}`);
      }
      return;
    case 'reset':
      return;
    default:
      throw new Error(`unknown fault kind "${String((fault as {kind: unknown}).kind)}"`);
  }
}

/**
 * A fault rule from JSON (the emulator's control endpoint): the path is a regular expression source,
 * matched case-insensitively.
 */
export function faultRuleFromJson(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null)
    throw new Error('a fault rule must be an object');
  const {method, path, count, fault} = value as Record<string, unknown>;
  if (method !== undefined && typeof method !== 'string')
    throw new Error('method must be a string');
  if (typeof path !== 'string') throw new Error('path must be a regular expression string');
  if (typeof count !== 'number') throw new Error('count must be a number');
  if (typeof fault !== 'object' || fault === null) throw new Error('fault must be an object');
  let pattern: RegExp;
  try {
    pattern = new RegExp(path, 'i');
  } catch {
    throw new Error(`path is not a valid regular expression: ${path}`);
  }
  return {method, path: pattern, count, fault: fault as Fault};
}

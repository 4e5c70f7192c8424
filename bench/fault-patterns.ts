// How long one fault rule's path test can take: patterns the rule allows (at its limits) against the longest
// path a rule is tested on, next to patterns it refuses against much shorter paths. Prints milliseconds.
//
//   node --import tsx bench/fault-patterns.ts
//
// This prints numbers; it asserts nothing.
import {faultLimits, patternProblem} from '../source/emulator/faults.js';

const longest = `/${'a'.repeat(faultLimits.maxMatchedPathLength - 1)}`;

function time(pattern: string, path: string): string {
  const expression = new RegExp(pattern, 'i');
  const started = performance.now();
  expression.test(path);
  return `${(performance.now() - started).toFixed(1)} ms`;
}

console.log(`allowed patterns, on a ${longest.length}-character path that almost matches:`);
for (const pattern of ['a*x', '.*x', '^.*.*x', '^a+a+x', '^a?a?x', '^[^/]+/[^/]+x', '^(ab)+x']) {
  const verdict = patternProblem(pattern) === undefined ? 'allowed' : 'REFUSED';
  console.log(`  ${pattern.padEnd(16)} ${verdict}: ${time(pattern, longest)}`);
}
console.log('refused patterns, on much shorter paths:');
for (const [pattern, length] of [
  ['.*.*x', 1000],
  ['a+a+x', 1000],
  ['(a+)+$', 24],
  ['(a|aa)*x', 30],
] as const) {
  const problem = patternProblem(pattern) === undefined ? 'allowed' : 'refused';
  console.log(
    `  ${pattern.padEnd(16)} ${problem}, ${length} characters: ${time(pattern, `/${'a'.repeat(length)}!`)}`,
  );
}

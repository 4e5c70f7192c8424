/**
 * Characters that never need quoting in a shell word: no globbing, expansion or word splitting. `=` is
 * left out because zsh expands a word that starts with it.
 */
const plainWord = /^[A-Za-z0-9_@%+:,./-]+$/;

/**
 * One shell word that the POSIX shell turns back into exactly `value`: left bare when it is plainly
 * safe, otherwise single-quoted, with each `'` written as `'\''` (nothing is special inside single quotes).
 */
export function shellQuote(value: string): string {
  if (plainWord.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

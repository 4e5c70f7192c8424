/**
 * The rules for a CA certificate's name in a DPS: the last segment of its ARM resource URL
 * (`…/provisioningServices/{dps}/certificates/{certificateName}`), and what enrollment groups' caReferences
 * name. Shared by the emulator (which refuses what ARM refuses) and the wizard's fields.
 *
 * ARM's spec for the certificates resource limits the name to 256 characters. The characters are those IoT
 * Hub's certificate names allow (letters, digits, '-', '.', '_'), which keeps the name one plain URL path
 * segment; like other ARM resource names it cannot end with '.'.
 */

export const maxCaNameLength = 256;

export type CaNameProblem = {
  kind: 'empty' | 'too-long' | 'characters' | 'trailing-dot';
  /** A lower-case phrase, e.g. "the certificate name contains '/', which is not allowed; …". */
  message: string;
};

const allowed = /^[A-Za-z0-9._-]$/;
const rules = "use letters, digits, '-', '.' and '_'";

/** The first problem of a CA certificate name, or undefined when DPS accepts it. */
export function caNameProblem(name: string): CaNameProblem | undefined {
  if (name.length === 0) return {kind: 'empty', message: 'the certificate name is empty'};
  if (name.length > maxCaNameLength) {
    return {
      kind: 'too-long',
      message: `the certificate name is ${name.length} characters long; at most ${maxCaNameLength} are allowed`,
    };
  }
  const invalid = [...new Set([...name].filter((character) => !allowed.test(character)))];
  if (invalid.length > 0) {
    const list = invalid.slice(0, 5).map(describeCharacter).join(', ');
    const more = invalid.length > 5 ? ' and more' : '';
    return {
      kind: 'characters',
      message: `the certificate name contains ${list}${more}, which ${invalid.length === 1 ? 'is' : 'are'} not allowed; ${rules}`,
    };
  }
  if (name.endsWith('.')) {
    return {kind: 'trailing-dot', message: "the certificate name cannot end with '.'"};
  }
  return undefined;
}

/** "'/'", "a space", "the control character U+000A": visible, whatever the character. */
function describeCharacter(character: string): string {
  if (character === ' ') return 'a space';
  const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(character)) return `the control character ${code}`;
  return `'${character}'`;
}

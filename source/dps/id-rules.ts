/**
 * The identifier rules DPS and IoT Hub enforce, shared by the emulator (which refuses what the real service
 * refuses), the certificate checks (a CN is the registration ID) and the wizard's fields. Each check returns
 * the first problem as a lower-case phrase, or undefined when the id is valid.
 */

export const maxIdLength = 128;
/** An X.509 registration ID must equal the certificate's subject CN, which is at most 64 characters. */
export const maxX509RegistrationIdLength = 64;
export const maxDeviceIdLength = 128;

export type IdProblem = {kind: 'empty' | 'too-long' | 'characters' | 'edges'; message: string};

/**
 * Registration IDs and enrollment group IDs: letters, digits, '-', '.', '_' and ':', starting with a
 * letter or digit and ending with a letter, digit or '-'.
 */
export function enrollmentIdProblem(
  id: string,
  label = 'registration ID',
  maxLength = maxIdLength,
): IdProblem | undefined {
  const rules = `use up to ${maxLength} letters, digits, '-', '.', '_' and ':', starting with a letter or digit and ending with a letter, digit or '-'`;
  if (id.length === 0) return {kind: 'empty', message: `the ${label} is empty`};
  if (id.length > maxLength) {
    return {
      kind: 'too-long',
      message: `the ${label} '${id}' is ${id.length} characters long; at most ${maxLength} are allowed`,
    };
  }
  const invalid = forbiddenCharacters(id, /[A-Za-z0-9._:-]/);
  if (invalid) {
    return {kind: 'characters', message: `the ${label} '${id}' contains ${invalid}; ${rules}`};
  }
  if (!/^[A-Za-z0-9]/.test(id)) {
    return {kind: 'edges', message: `the ${label} '${id}' must start with a letter or digit`};
  }
  if (!/[A-Za-z0-9-]$/.test(id)) {
    return {kind: 'edges', message: `the ${label} '${id}' must end with a letter, digit or '-'`};
  }
  return undefined;
}

/** IoT Hub device IDs (case-sensitive): up to 128 ASCII letters, digits and - . % _ * ? ! ( ) , : = @ $ ' */
export function deviceIdProblem(deviceId: string): IdProblem | undefined {
  if (deviceId.length === 0) return {kind: 'empty', message: 'the device ID is empty'};
  if (deviceId.length > maxDeviceIdLength) {
    return {
      kind: 'too-long',
      message: `the device ID is ${deviceId.length} characters long; at most ${maxDeviceIdLength} are allowed`,
    };
  }
  const invalid = forbiddenCharacters(deviceId, /[A-Za-z0-9\-.%_*?!(),:=@$']/);
  if (invalid) {
    return {
      kind: 'characters',
      message: `the device ID '${deviceId}' contains ${invalid}; use letters, digits and - . % _ * ? ! ( ) , : = @ $ '`,
    };
  }
  return undefined;
}

/** "'#', which is not allowed" / "' ', '/', which are not allowed", or undefined when every character is allowed. */
function forbiddenCharacters(id: string, allowed: RegExp): string | undefined {
  const invalid = [...new Set([...id].filter((character) => !allowed.test(character)))];
  if (invalid.length === 0) return undefined;
  const list = invalid.map((character) => `'${character}'`).join(', ');
  return `${list}, which ${invalid.length === 1 ? 'is' : 'are'} not allowed`;
}

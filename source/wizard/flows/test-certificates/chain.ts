import {relative} from 'node:path';
import {enrollmentIdProblem, maxX509RegistrationIdLength} from '../../../dps/index.js';
import {bodySize, wrapLines, type Viewport} from '../../shared/layout.js';
import {maxDays, type TestCertificatesFlow} from './state.js';

/** The folder as the task gets it: what was typed, or '.' for the working folder. */
export function folderOf(flow: TestCertificatesFlow): string {
  return flow.folder.path.value.trim() || '.';
}

/** The device names typed, in order, each once. */
export function deviceNamesOf(flow: TestCertificatesFlow): string[] {
  return [
    ...new Set(
      flow.devices.value
        .split(/[\s,]+/)
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    ),
  ];
}

/** The first device name that cannot be used, said with the name; undefined when all can. */
export function deviceNamesProblem(names: readonly string[]): string | undefined {
  if (names.length === 0) return 'type at least one device name';
  for (const name of names) {
    // ':' is allowed in a registration ID but not here, so the rules said are the ones for file names too.
    if (name.includes(':')) {
      return `the device name '${name}' contains ':', which is not allowed here: the name is part of the file names`;
    }
    const problem = enrollmentIdProblem(name, 'device name', maxX509RegistrationIdLength);
    if (problem) return problem.message.replace(", '_' and ':'", " and '_'");
  }
  const seen = new Map<string, string>();
  for (const name of names) {
    const same = seen.get(name.toLowerCase());
    if (same !== undefined) {
      return `'${same}' and '${name}' are the same registration ID to DPS, which ignores case: keep one of them`;
    }
    seen.set(name.toLowerCase(), name);
  }
  return undefined;
}

/** Names that work but that older devices and samples may trip over. */
export function deviceNamesWarning(names: readonly string[]): string | undefined {
  const upper = names.filter((name) => /[A-Z]/.test(name));
  if (upper.length === 0) return undefined;
  return `${upper.map((name) => `'${name}'`).join(', ')} ${upper.length === 1 ? 'has' : 'have'} upper-case letters: DPS compares registration IDs ignoring case, but older devices and samples expect lower case`;
}

export function daysProblem(text: string): string | undefined {
  const value = text.trim();
  if (!/^\d+$/.test(value))
    return `the validity must be a whole number of days, from 1 to ${maxDays}`;
  const days = Number(value);
  if (days < 1 || days > maxDays) {
    return `the validity must be from 1 to ${maxDays} days (10 years), not ${value}`;
  }
  return undefined;
}

/** The choices of the last step: the root CA, one individual enrollment per device, home. */
export function doneChoices(flow: TestCertificatesFlow): {label: string; detail?: string}[] {
  return [
    {label: 'Verify the root CA in DPS', detail: '(for group enrollments)'},
    ...deviceNamesOf(flow).map((name) => ({label: `Individual enrollment for ${name}`})),
    {label: 'Home'},
  ];
}

/** The files written, grouped: the root CA, the intermediate CA, then each device. */
export function writtenFilesText(flow: TestCertificatesFlow): string {
  const files = flow.written ?? [];
  const folder = folderOf(flow);
  const under = (path: string) => (folder === '.' ? path : relative(folder, path));
  const label = (path: string) => {
    if (path.includes('azure-iot-test-only.root.')) return 'Root CA';
    if (path.includes('azure-iot-test-only.intermediate')) return 'Intermediate';
    return 'Device';
  };
  let previous = '';
  const lines = files.flatMap((file) => {
    const group = label(file.path);
    const name =
      group === 'Device'
        ? (/identity-(.+?)(-full-chain)?\.(cert|key)\.pem$/.exec(file.path)?.[1] ?? '')
        : '';
    const heading = group === 'Device' ? `Device ${name}` : group;
    const shownLabel = heading === previous ? '' : heading;
    previous = heading;
    const key = file.kind === 'private-key' ? '  (key, 0600)' : '';
    const row = (label: string) => `${label.padEnd(14)}  ${under(file.path)}${key}`;
    // A long device name has a line of its own, so its files line up under the others.
    return shownLabel.length > 14 ? [shownLabel, row('')] : [row(shownLabel)];
  });
  return lines.join('\n');
}

/**
 * How the done step shares the screen: the files' lines, how many of them are shown at once (with one row more
 * under them when they scroll), and the rows of the choices.
 */
export function doneLayout(
  flow: TestCertificatesFlow,
  viewport: Viewport,
): {fileLines: string[]; fileRows: number; choiceRows: number} {
  const {width, height} = bodySize(viewport);
  const choiceRows = Math.min(doneChoices(flow).length, Math.max(3, Math.floor(height / 3)));
  const fileLines = wrapLines(writtenFilesText(flow), width);
  // The title, the note about the keys (two lines), the gap above the choices.
  const room = Math.max(3, height - 4 - choiceRows);
  // Files that do not fit scroll, and a row under them says how many lines are above or below.
  const fileRows = fileLines.length > room ? room - 1 : room;
  return {fileLines, fileRows, choiceRows};
}

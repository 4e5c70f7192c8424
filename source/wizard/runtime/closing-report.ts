import {showCommand, type SavedKind} from '../../outputs/az-commands.js';
import {recordAtExit, type SessionSave, type UnknownSave} from '../core/session-record.js';
import type {WizardState} from '../core/state.js';
import {groupClosingReport} from '../flows/group/outputs.js';
import {closingReport as individualClosingReport} from '../flows/individual/outputs.js';
import {azTarget, savedWhere} from '../shared/outputs-view.js';
import type {ConnectionInfo} from '../shared/types.js';

/**
 * What the wizard prints when it ends, whole lines that copy cleanly: every save of the session, grouped
 * (enrollments, groups, CA certificates), then every save whose outcome is unknown and how to check it.
 */

const names: Record<SavedKind, string> = {
  enrollment: 'Individual enrollment',
  'enrollment-group': 'Enrollment group',
  certificate: 'CA certificate',
};

/**
 * The flow a save is reported from: the flow as it is now when it still shows that save (the device paths
 * for config.toml are typed after saving), else the flow as it was when the save landed.
 */
function latest<F extends {saved?: unknown}>(recorded: F, current: F): F {
  return current.saved !== undefined && current.saved === recorded.saved ? current : recorded;
}

function savesText(
  saves: readonly SessionSave[],
  state: WizardState,
  info: ConnectionInfo | undefined,
): string[] {
  const individual = saves.flatMap((save) =>
    save.kind === 'individual'
      ? [individualClosingReport(latest(save.flow, state.individual), info)]
      : [],
  );
  const groups = saves.flatMap((save) =>
    save.kind === 'group' ? [groupClosingReport(latest(save.flow, state.group), info)] : [],
  );
  const certificates = saves.flatMap((save) => (save.kind === 'ca' ? [save.certificate] : []));
  const ca =
    certificates.length === 0
      ? []
      : [
          [
            `CA certificates verified in ${savedWhere(info)}:`,
            ...certificates.map(
              (certificate) =>
                `  ${certificate.name}: ${certificate.subject ?? ''}, SHA-1 ${certificate.thumbprint ?? ''}`,
            ),
            '',
          ].join('\n'),
        ];
  return [...individual, ...groups, ...ca];
}

function unknownText(unknown: readonly UnknownSave[], info: ConnectionInfo | undefined): string[] {
  if (unknown.length === 0) return [];
  const target = azTarget(info);
  return [
    [
      `Outcome unknown: ${unknown.length === 1 ? 'this save was' : 'these saves were'} sent to ${savedWhere(info)}, but the wizard did not see the answer.`,
      'Check each with the az command below, or open the wizard and save it again: if DPS has it, the wizard shows it as existing.',
      '',
      ...unknown.flatMap((entry) => [
        `${names[entry.kind]} '${entry.id}' (${entry.why === 'cancelled' ? 'cancelled with Esc' : 'the wizard stopped'}):`,
        showCommand(entry.kind, entry.id, target),
        '',
      ]),
    ].join('\n'),
  ];
}

export function closingReport(state: WizardState): string {
  const info = state.connection.status === 'connected' ? state.connection.info : undefined;
  const record = recordAtExit(state);
  return [...savesText(record.saves, state, info), ...unknownText(record.unknown, info)]
    .filter((text) => text !== '')
    .join('\n');
}

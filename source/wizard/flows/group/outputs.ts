import type {EnrollmentGroup} from '../../../dps/index.js';
import {caCertificateCommands, enrollmentGroupCommand} from '../../../outputs/az-commands.js';
import {requestPreview} from '../../../outputs/request-json.js';
import {buildEnrollmentGroup, caReferencesOf, caReferenceWarning, referencedCa} from './group.js';
import type {GroupFlow} from './state.js';
import {keptInDpsText, loadedCertificate} from '../../shared/certificate-field.js';
import {bodySize, scrollHeight, wrapLines, type Viewport} from '../../shared/layout.js';
import {
  azTarget,
  deviceConfigToml,
  savedWhere,
  settingsSummary,
  summaryText,
  withMaskedWebhook,
  type SummaryRow,
} from '../../shared/outputs-view.js';
import type {ConnectionInfo} from '../../shared/types.js';

/** The texts the group's review and result screens show, rendered from the flow by the output modules. */

/** The request as the screens show it: what is sent, with the webhook's function key hidden. */
export function groupRequest(flow: GroupFlow, info: ConnectionInfo | undefined): EnrollmentGroup {
  return withMaskedWebhook(buildEnrollmentGroup(flow, info?.linkedHubs ?? []));
}

export function groupRequestJson(flow: GroupFlow, info: ConnectionInfo | undefined): string {
  return requestPreview(groupRequest(flow, info));
}

/**
 * The az commands for the group: for CA references, first the certificate commands that put each CA in
 * DPS and verify it (the CA's file is a placeholder: the wizard never read it), then the group itself.
 */
export function groupAzCommands(flow: GroupFlow, info: ConnectionInfo | undefined): string {
  const target = azTarget(info);
  const commands: string[] = [];
  if (flow.attestation === 'ca-reference') {
    for (const name of Object.values(caReferencesOf(flow))) {
      const verified = referencedCa(flow, name)?.isVerified === true;
      commands.push(
        verified
          ? `# The CA certificate '${name}' is already in DPS and verified; this is how it got there:`
          : `# The CA certificate '${name}' must be in DPS and verified before devices can register:`,
        ...caCertificateCommands({name, certificatePath: `<${name} CA certificate file>`}, target),
        '',
      );
    }
  }
  const primary = loadedCertificate(flow.signingPrimary)?.absolutePath;
  const secondary = loadedCertificate(flow.signingSecondary)?.absolutePath;
  commands.push(
    enrollmentGroupCommand(
      groupRequest(flow, info),
      target,
      flow.attestation === 'signing-certificate'
        ? {...(primary ? {primary} : {}), ...(secondary ? {secondary} : {})}
        : {},
      flow.updateEtag ? {update: true} : {},
    ),
  );
  return commands.join('\n');
}

/**
 * The [provisioning] section for the group's devices: a template whose registration ID is each device's CN,
 * or, once the pre-flight has checked a device, that device's file with its CN filled in.
 */
export function groupConfigToml(flow: GroupFlow, info: ConnectionInfo | undefined): string {
  return deviceConfigToml(info, {
    registrationId: checkedDeviceId(flow),
    certificatePath: flow.deviceCertPath.value,
    keyPath: flow.deviceKeyPath.value,
  });
}

/** How the group's devices prove who they are, in one line. */
export function attestationSummary(flow: GroupFlow): SummaryRow[] {
  if (flow.attestation === 'ca-reference') {
    const {primary, secondary} = caReferencesOf(flow);
    const describe = (name: string) => {
      const certificate = referencedCa(flow, name);
      if (!certificate) return `${name} (CA certificate in DPS)`;
      return `${name} (${certificate.subject ?? 'CA certificate'}, ${certificate.isVerified ? 'verified' : 'NOT verified'})`;
    };
    return [
      ['CA certificate', describe(primary)],
      ...(secondary ? [['Secondary CA', describe(secondary)] as SummaryRow] : []),
    ];
  }
  const primary = loadedCertificate(flow.signingPrimary);
  const secondary = loadedCertificate(flow.signingSecondary);
  const describe = (certificate: NonNullable<typeof primary>) =>
    `${certificate.summary.subject} from ${certificate.absolutePath} (SHA-1 ${certificate.summary.thumbprintSha1})`;
  const keptSecondary = keptInDpsText(flow.signingSecondary);
  return [
    ['Uploaded CA', primary ? describe(primary) : (keptInDpsText(flow.signingPrimary) ?? '(none)')],
    ...(secondary ? [['Secondary', describe(secondary)] as SummaryRow] : []),
    ...(keptSecondary ? [['Secondary', keptSecondary] as SummaryRow] : []),
  ];
}

/** How the group's devices prove who they are, in one line, for the result screen. */
export function attestationLine(flow: GroupFlow): string {
  if (flow.attestation === 'ca-reference') {
    const {primary, secondary} = caReferencesOf(flow);
    return `CA certificate ${primary} in DPS${secondary ? ` (secondary ${secondary})` : ''}`;
  }
  const primary = loadedCertificate(flow.signingPrimary);
  const secondary = loadedCertificate(flow.signingSecondary);
  const subjects = [primary, secondary].flatMap((loaded) =>
    loaded ? [loaded.summary.subject] : [],
  );
  return `${subjects.join(' and ')} uploaded into the group`;
}

/** Every value of the group as label/value rows, for the review screen. */
export function groupSummary(flow: GroupFlow, info: ConnectionInfo | undefined): SummaryRow[] {
  const request = groupRequest(flow, info);
  return [
    ['Group name', request.enrollmentGroupId],
    ...attestationSummary(flow),
    ['IoT Edge devices', flow.settings.iotEdge ? 'yes, every device' : 'no device'],
    ['Registration ID', "each device's certificate CN"],
    ...settingsSummary(flow.settings, request),
    ...(flow.updateEtag
      ? [['Updates', `the existing group (etag ${flow.updateEtag})`] as SummaryRow]
      : []),
  ];
}

/** The text of the review panel on screen: the values, the request body, or the az commands. */
export function groupReviewText(flow: GroupFlow, info: ConnectionInfo | undefined): string {
  switch (flow.reviewPanel) {
    case 'summary':
      return summaryText(groupSummary(flow, info));
    case 'request':
      return groupRequestJson(flow, info);
    case 'az':
      return groupAzCommands(flow, info);
  }
}

/**
 * What stays in the terminal after the wizard closes: the saved group, the device config template and the
 * az commands, as plain text that copies cleanly. Empty when no group was saved.
 */
export function groupClosingReport(flow: GroupFlow, info: ConnectionInfo | undefined): string {
  const saved = flow.saved;
  if (!saved) return '';
  const config =
    flow.deviceCertPath.value.trim() && flow.deviceKeyPath.value.trim()
      ? groupConfigToml(flow, info)
      : undefined;
  return [
    `Enrollment group saved in ${savedWhere(info)}.`,
    `  Group name: ${saved.enrollmentGroupId}`,
    `  Etag: ${saved.etag ?? ''}`,
    "  Each device registers with its certificate's CN as its registration ID (and IoT Hub device ID).",
    '',
    ...(config
      ? ["A device's /etc/aziot/config.toml [provisioning] section (a template):", '', config]
      : []),
    'The same group with the az CLI:',
    '',
    groupAzCommands(flow, info),
    '',
  ].join('\n');
}

/** Lines the review's text gets: the screen's scroll height less the lines of the CA warning above it. */
export function groupReviewRows(flow: GroupFlow, viewport: Viewport): number {
  const warning = caReferenceWarning(flow);
  const noteLines = warning ? wrapLines(`⚠ ${warning}`, bodySize(viewport).width).length : 0;
  return Math.max(3, scrollHeight(viewport) - noteLines);
}

/** The registration ID (CN) of the device the pre-flight checked, if any. */
export function checkedDeviceId(flow: GroupFlow): string | undefined {
  return flow.preflight?.state === 'done' ? flow.preflight.report.registrationId : undefined;
}

import type {IndividualEnrollment} from '../../../dps/index.js';
import {individualEnrollmentCommand} from '../../../outputs/az-commands.js';
import {requestPreview} from '../../../outputs/request-json.js';
import {keptInDpsText, loadedCertificate} from '../../shared/certificate-field.js';
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
import {buildIndividualEnrollment, registrationIdOf} from './enrollment.js';
import type {IndividualFlow} from './state.js';

/** The texts the individual flow's review, config and closing report show, from the flow. */

/** The request as the screens show it: what is sent, with the webhook's function key hidden. */
export function individualRequest(
  flow: IndividualFlow,
  info: ConnectionInfo | undefined,
): IndividualEnrollment {
  return withMaskedWebhook(buildIndividualEnrollment(flow, info?.linkedHubs ?? []));
}

export function individualRequestJson(
  flow: IndividualFlow,
  info: ConnectionInfo | undefined,
): string {
  return requestPreview(individualRequest(flow, info));
}

export function individualAzCommand(
  flow: IndividualFlow,
  info: ConnectionInfo | undefined,
): string {
  const primary = loadedCertificate(flow.primary)?.absolutePath;
  const secondary = loadedCertificate(flow.secondary)?.absolutePath;
  return individualEnrollmentCommand(
    individualRequest(flow, info),
    azTarget(info),
    {...(primary ? {primary} : {}), ...(secondary ? {secondary} : {})},
    flow.updateEtag ? {update: true} : {},
  );
}

export function individualConfigToml(
  flow: IndividualFlow,
  info: ConnectionInfo | undefined,
): string {
  return deviceConfigToml(info, {
    registrationId: flow.saved?.registrationId ?? registrationIdOf(flow),
    certificatePath: flow.deviceCertPath.value,
    keyPath: flow.deviceKeyPath.value,
  });
}

/** Every value of the enrollment as label/value rows, for the review screen. */
export function individualSummary(
  flow: IndividualFlow,
  info: ConnectionInfo | undefined,
): SummaryRow[] {
  const request = individualRequest(flow, info);
  const primary = loadedCertificate(flow.primary);
  const secondary = loadedCertificate(flow.secondary);
  const keptSecondary = keptInDpsText(flow.secondary);
  return [
    ['Registration ID', request.registrationId],
    ['IoT Hub device ID', request.deviceId ?? request.registrationId],
    [
      'Certificate',
      primary
        ? `${primary.absolutePath} (SHA-1 ${primary.summary.thumbprintSha1})`
        : (keptInDpsText(flow.primary) ?? '(none)'),
    ],
    ...(keptSecondary ? [['Secondary', keptSecondary] as SummaryRow] : []),
    ...(secondary
      ? [
          [
            'Secondary',
            `${secondary.absolutePath} (SHA-1 ${secondary.summary.thumbprintSha1})`,
          ] as SummaryRow,
        ]
      : []),
    ['IoT Edge device', flow.settings.iotEdge ? 'yes' : 'no'],
    ...settingsSummary(flow.settings, request),
    ...(flow.updateEtag
      ? [['Updates', `the existing enrollment (etag ${flow.updateEtag})`] as SummaryRow]
      : []),
  ];
}

/** The text of the review panel on screen: the values, the request body, or the az command. */
export function reviewText(flow: IndividualFlow, info: ConnectionInfo | undefined): string {
  switch (flow.reviewPanel) {
    case 'summary':
      return summaryText(individualSummary(flow, info));
    case 'request':
      return individualRequestJson(flow, info);
    case 'az':
      return individualAzCommand(flow, info);
  }
}

/**
 * What stays in the terminal after the wizard closes: the saved enrollment, the device's config and the
 * az command, as plain text that copies cleanly. Empty when nothing was saved.
 */
export function closingReport(flow: IndividualFlow, info: ConnectionInfo | undefined): string {
  const saved = flow.saved;
  if (!saved) return '';
  const config =
    flow.deviceCertPath.value.trim() && flow.deviceKeyPath.value.trim()
      ? individualConfigToml(flow, info)
      : undefined;
  return [
    `Individual enrollment saved in ${savedWhere(info)}.`,
    `  Registration ID: ${saved.registrationId}`,
    `  IoT Hub device ID: ${saved.deviceId ?? saved.registrationId}`,
    `  Etag: ${saved.etag ?? ''}`,
    '',
    ...(config ? ["The device's /etc/aziot/config.toml [provisioning] section:", '', config] : []),
    'The same enrollment with the az CLI:',
    '',
    individualAzCommand(flow, info),
    '',
  ].join('\n');
}

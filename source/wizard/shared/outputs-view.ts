import type {EnrollmentSettings, IndividualEnrollment} from '../../dps/types.js';
import {individualEnrollmentCommand, type AzTarget} from '../../outputs/az-commands.js';
import {provisioningToml} from '../../outputs/config-toml.js';
import {requestPreview} from '../../outputs/request-json.js';
import {loadedCertificate} from './certificate-field.js';
import {buildIndividualEnrollment, registrationIdOf} from '../flows/individual/input.js';
import {allocationText, reprovisionText} from './settings-steps.js';
import type {ConnectionInfo, IndividualFlow, SettingsDraft} from '../core/state.js';

/** The texts the review and result screens show, rendered from the flow by the pure output modules. */

export const globalDeviceEndpoint = 'https://global.azure-devices-provisioning.net';

export function azTarget(info: ConnectionInfo | undefined): AzTarget {
  if (info?.mode === 'azure' && info.dpsName && info.resourceGroup) {
    return {mode: 'azure', dpsName: info.dpsName, resourceGroup: info.resourceGroup};
  }
  if (info?.mode === 'sandbox') {
    return {
      mode: 'sandbox',
      dpsName: info.dpsName ?? 'sandbox',
      resourceGroup: info.resourceGroup ?? 'sandbox',
    };
  }
  return {mode: 'connection-string'};
}

/** An Azure Function URL carries its key in `code=`: screens and printed commands show a placeholder. */
export function maskWebhookKey(url: string): string {
  return url.replace(/([?&]code=)[^&#]*/i, '$1<function key>');
}

/** A request as the screens show it: what is sent, with the webhook's function key hidden. */
export function withMaskedWebhook<R extends EnrollmentSettings>(request: R): R {
  const custom = request.customAllocationDefinition;
  return custom
    ? {
        ...request,
        customAllocationDefinition: {...custom, webhookUrl: maskWebhookKey(custom.webhookUrl)},
      }
    : request;
}

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

/**
 * The device's [provisioning] section: for an individual enrollment with its registration ID, for a group
 * (registrationId undefined) a template whose registration ID is each device's certificate CN.
 */
export function deviceConfigToml(
  info: ConnectionInfo | undefined,
  device: {registrationId: string | undefined; certificatePath: string; keyPath: string},
): string {
  const sandbox = info?.mode === 'sandbox';
  // A device cannot reach the sandbox: its config shows the public endpoint, with a note from the renderer.
  const globalEndpoint =
    !sandbox && info?.deviceHostName ? `https://${info.deviceHostName}` : globalDeviceEndpoint;
  return provisioningToml({
    globalEndpoint,
    idScope: info?.idScope,
    registrationId: device.registrationId,
    identityCertPath: device.certificatePath.trim(),
    identityKeyPath: device.keyPath.trim(),
    sandbox,
  });
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

/** A review's label/value row. */
export type SummaryRow = [label: string, value: string];

/** The rows of the settings shared by individual enrollments and groups, from the hubs on. */
export function settingsSummary(
  settings: SettingsDraft,
  request: EnrollmentSettings,
): SummaryRow[] {
  const custom = request.customAllocationDefinition;
  return [
    ['IoT hubs', (request.iotHubs ?? []).join(', ')],
    ['Allocation', allocationText[settings.allocationPolicy][0]],
    ...(custom
      ? [['Webhook', `${custom.webhookUrl} (API ${custom.apiVersion})`] as SummaryRow]
      : []),
    ['Initial twin', request.initialTwin ? JSON.stringify(request.initialTwin) : '(none)'],
    ['Provisioning', settings.provisioningStatus],
    ['Reprovision', reprovisionText[settings.reprovision][0]],
  ];
}

/** Label/value rows as text, the values lined up. */
export function summaryText(rows: readonly SummaryRow[]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** Where an enrollment or a group was saved, for the closing report. */
export function savedWhere(info: ConnectionInfo | undefined): string {
  return info?.mode === 'sandbox'
    ? 'the local sandbox DPS'
    : `DPS ${info?.dpsName ?? info?.serviceHostName ?? ''}`;
}

/** Every value of the enrollment as label/value rows, for the review screen. */
export function individualSummary(
  flow: IndividualFlow,
  info: ConnectionInfo | undefined,
): SummaryRow[] {
  const request = individualRequest(flow, info);
  const primary = loadedCertificate(flow.primary);
  const secondary = loadedCertificate(flow.secondary);
  return [
    ['Registration ID', request.registrationId],
    ['IoT Hub device ID', request.deviceId ?? request.registrationId],
    [
      'Certificate',
      primary ? `${primary.absolutePath} (SHA-1 ${primary.summary.thumbprintSha1})` : '(none)',
    ],
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

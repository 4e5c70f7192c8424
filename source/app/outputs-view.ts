import type {IndividualEnrollment} from '../dps/types.js';
import {individualEnrollmentCommand, type AzTarget} from '../outputs/az-commands.js';
import {provisioningToml} from '../outputs/config-toml.js';
import {requestPreview} from '../outputs/request-json.js';
import {buildIndividualEnrollment, loadedCertificate, registrationIdOf} from './individual-flow.js';
import {allocationText, reprovisionText} from './settings-steps.js';
import type {ConnectionInfo, IndividualFlow} from './state.js';

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

/** The request as the screens show it: what is sent, with the webhook's function key hidden. */
export function individualRequest(
  flow: IndividualFlow,
  info: ConnectionInfo | undefined,
): IndividualEnrollment {
  const request = buildIndividualEnrollment(flow, info?.linkedHubs ?? []);
  const custom = request.customAllocationDefinition;
  return custom
    ? {
        ...request,
        customAllocationDefinition: {...custom, webhookUrl: maskWebhookKey(custom.webhookUrl)},
      }
    : request;
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

/** Every value of the enrollment as label/value rows, for the review screen. */
export function individualSummary(
  flow: IndividualFlow,
  info: ConnectionInfo | undefined,
): [label: string, value: string][] {
  const request = individualRequest(flow, info);
  const primary = loadedCertificate(flow.primary);
  const secondary = loadedCertificate(flow.secondary);
  const twin = request.initialTwin ? JSON.stringify(request.initialTwin) : '(none)';
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
          ] as [string, string],
        ]
      : []),
    ['IoT Edge device', flow.settings.iotEdge ? 'yes' : 'no'],
    ['IoT hubs', (request.iotHubs ?? []).join(', ')],
    ['Allocation', allocationText[flow.settings.allocationPolicy][0]],
    ...(request.customAllocationDefinition
      ? [
          [
            'Webhook',
            `${request.customAllocationDefinition.webhookUrl} (API ${request.customAllocationDefinition.apiVersion})`,
          ] as [string, string],
        ]
      : []),
    ['Initial twin', twin],
    ['Provisioning', flow.settings.provisioningStatus],
    ['Reprovision', reprovisionText[flow.settings.reprovision][0]],
    ...(flow.updateEtag
      ? [['Updates', `the existing enrollment (etag ${flow.updateEtag})`] as [string, string]]
      : []),
  ];
}

/** The text of the review panel on screen: the values, the request body, or the az command. */
export function reviewText(flow: IndividualFlow, info: ConnectionInfo | undefined): string {
  switch (flow.reviewPanel) {
    case 'summary': {
      const rows = individualSummary(flow, info);
      const width = Math.max(...rows.map(([label]) => label.length));
      return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
    }
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
  const where =
    info?.mode === 'sandbox'
      ? 'the local sandbox DPS'
      : `DPS ${info?.dpsName ?? info?.serviceHostName ?? ''}`;
  const config =
    flow.deviceCertPath.value.trim() && flow.deviceKeyPath.value.trim()
      ? individualConfigToml(flow, info)
      : undefined;
  return [
    `Individual enrollment saved in ${where}.`,
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

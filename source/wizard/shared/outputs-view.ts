import type {EnrollmentSettings} from '../../dps/index.js';
import type {AzTarget} from '../../outputs/az-commands.js';
import {provisioningToml} from '../../outputs/config-toml.js';
import {maskWebhookKey} from '../../outputs/enrollment-diff.js';
import {allocationText, reprovisionText} from './settings-steps.js';
import type {ConnectionInfo, SettingsDraft} from './types.js';

/** What the review and result screens of individual enrollments and groups show alike. */

export {maskWebhookKey};

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

/**
 * The device endpoint a config.toml names: the DPS's own in Azure, the public one otherwise (for the
 * sandbox, with a note from the renderer on who can reach it).
 */
export function globalEndpointOf(info: ConnectionInfo | undefined): string {
  return info?.mode !== 'sandbox' && info?.deviceHostName
    ? `https://${info.deviceHostName}`
    : globalDeviceEndpoint;
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
  return provisioningToml({
    globalEndpoint: globalEndpointOf(info),
    idScope: info?.idScope,
    registrationId: device.registrationId,
    identityCertPath: device.certificatePath.trim(),
    identityKeyPath: device.keyPath.trim(),
    sandbox,
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

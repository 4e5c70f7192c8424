import {X509Certificate} from 'node:crypto';
import {isDeepStrictEqual} from 'node:util';
import type {
  CertificateEntry,
  EnrollmentGroup,
  EnrollmentSettings,
  IndividualEnrollment,
  TwinCollection,
} from '../dps/index.js';

/**
 * What replacing an enrollment (or group) in DPS changes: field by field, the version DPS holds against the
 * one about to be sent, and that diff as text for the screen.
 */

export type Enrollment = IndividualEnrollment | EnrollmentGroup;

export type DiffChange = 'added' | 'removed' | 'changed';

/** One field that differs; `before`/`after` are absent for a value only one side has. */
export type DiffEntry = {field: string; change: DiffChange; before?: string; after?: string};

export type EnrollmentDiff = {
  entries: DiffEntry[];
  /** The existing version has an initial twin and the new one has none: the whole twin would be dropped. */
  twinDropped: boolean;
};

type Certificate = {subject?: string; thumbprint?: string};

/** The subject and SHA-1 thumbprint of a certificate as sent (PEM) or as DPS returns it (info). */
function certificateOf(entry: CertificateEntry | null | undefined): Certificate | undefined {
  if (!entry) return undefined;
  if (entry.info) {
    return {subject: entry.info.subjectName, thumbprint: entry.info.sha1Thumbprint.toUpperCase()};
  }
  if (!entry.certificate) return undefined;
  try {
    const certificate = new X509Certificate(entry.certificate);
    return {
      // DPS writes the subject most significant part last (CN=..., O=...).
      subject: certificate.subject.split('\n').reverse().join(', '),
      thumbprint: certificate.fingerprint.replace(/:/g, '').toUpperCase(),
    };
  } catch {
    return {subject: '(unreadable certificate)'};
  }
}

const certificateText = (certificate: Certificate) =>
  [certificate.subject, certificate.thumbprint ? `SHA-1 ${certificate.thumbprint}` : undefined]
    .filter((part) => part !== undefined && part !== '')
    .join(', ');

function certificateEntries(
  label: string,
  before: CertificateEntry | null | undefined,
  after: CertificateEntry | null | undefined,
): DiffEntry[] {
  const old = certificateOf(before);
  const next = certificateOf(after);
  if (!old && !next) return [];
  // A certificate sent back as its info alone keeps the stored one.
  if (old && after?.info && !after.certificate) return [];
  if (old && next && old.thumbprint !== undefined && old.thumbprint === next.thumbprint) return [];
  return [valueEntry(label, old && certificateText(old), next && certificateText(next))];
}

function valueEntry(
  field: string,
  before: string | undefined,
  after: string | undefined,
): DiffEntry {
  if (before === undefined)
    return {field, change: 'added', ...(after === undefined ? {} : {after})};
  if (after === undefined) return {field, change: 'removed', before};
  return {field, change: 'changed', before, after};
}

/** An entry when the two values differ (undefined on a side it lacks). */
function compare(
  field: string,
  before: string | undefined,
  after: string | undefined,
): DiffEntry[] {
  return before === after ? [] : [valueEntry(field, before, after)];
}

const json = (value: unknown) => JSON.stringify(value);

function collectionEntries(
  label: string,
  before: TwinCollection | undefined,
  after: TwinCollection | undefined,
): DiffEntry[] {
  const old = before ?? {};
  const next = after ?? {};
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])];
  return keys.flatMap((key) => {
    const has = (collection: TwinCollection) => Object.hasOwn(collection, key);
    if (has(old) && has(next) && isDeepStrictEqual(old[key], next[key])) return [];
    return [
      valueEntry(
        `${label} ${key}`,
        has(old) ? json(old[key]) : undefined,
        has(next) ? json(next[key]) : undefined,
      ),
    ];
  });
}

const isEmpty = (collection: TwinCollection | undefined) =>
  collection === undefined || Object.keys(collection).length === 0;

function twinIsEmpty(settings: EnrollmentSettings): boolean {
  const twin = settings.initialTwin;
  return isEmpty(twin?.tags) && isEmpty(twin?.properties?.desired);
}

/** An Azure Function URL carries its key in `code=`: screens and printed commands show a placeholder. */
export function maskWebhookKey(url: string): string {
  return url.replace(/([?&]code=)[^&#]*/i, '$1<function key>');
}

function reprovisionText(policy: EnrollmentSettings['reprovisionPolicy']): string {
  // DPS's default when none is set: re-provision and migrate.
  const {updateHubAssignment, migrateDeviceData} = policy ?? {
    updateHubAssignment: true,
    migrateDeviceData: true,
  };
  if (!updateHubAssignment) return 'never re-provision';
  return migrateDeviceData ? 're-provision and migrate data' : 're-provision and reset';
}

const hubsText = (hubs: string[] | undefined) =>
  hubs === undefined || hubs.length === 0 ? '(any linked hub)' : [...hubs].sort().join(', ');

function settingsEntries(before: EnrollmentSettings, after: EnrollmentSettings): DiffEntry[] {
  const oldWebhook = before.customAllocationDefinition;
  const newWebhook = after.customAllocationDefinition;
  return [
    ...collectionEntries('Twin tag', before.initialTwin?.tags, after.initialTwin?.tags),
    ...collectionEntries(
      'Twin desired',
      before.initialTwin?.properties?.desired,
      after.initialTwin?.properties?.desired,
    ),
    ...compare('IoT hubs', hubsText(before.iotHubs), hubsText(after.iotHubs)),
    ...compare(
      'Allocation policy',
      before.allocationPolicy ?? "(the DPS's own)",
      after.allocationPolicy ?? "(the DPS's own)",
    ),
    ...compare(
      'Custom allocation webhook',
      oldWebhook && maskWebhookKey(oldWebhook.webhookUrl),
      newWebhook && maskWebhookKey(newWebhook.webhookUrl),
    ),
    ...compare('Webhook API version', oldWebhook?.apiVersion, newWebhook?.apiVersion),
    ...compare(
      'IoT Edge',
      before.capabilities?.iotEdge ? 'yes' : 'no',
      after.capabilities?.iotEdge ? 'yes' : 'no',
    ),
    ...compare(
      'Provisioning status',
      before.provisioningStatus ?? 'enabled',
      after.provisioningStatus ?? 'enabled',
    ),
    ...compare(
      'Reprovision policy',
      reprovisionText(before.reprovisionPolicy),
      reprovisionText(after.reprovisionPolicy),
    ),
  ];
}

function attestationEntries(before: Enrollment, after: Enrollment): DiffEntry[] {
  const old = before.attestation;
  const next = after.attestation;
  if (old.type !== 'x509' || next.type !== 'x509') {
    return compare('Attestation', old.type, next.type);
  }
  const slots = ['primary', 'secondary'] as const;
  return [
    ...compare('Attestation', attestationKind(old), attestationKind(next)),
    ...slots.flatMap((slot) =>
      certificateEntries(
        `${slot === 'primary' ? 'Primary' : 'Secondary'} certificate`,
        old.clientCertificates?.[slot],
        next.clientCertificates?.[slot],
      ),
    ),
    ...slots.flatMap((slot) =>
      certificateEntries(
        `${slot === 'primary' ? 'Primary' : 'Secondary'} signing certificate`,
        old.signingCertificates?.[slot],
        next.signingCertificates?.[slot],
      ),
    ),
    ...slots.flatMap((slot) =>
      compare(
        `${slot === 'primary' ? 'Primary' : 'Secondary'} CA reference`,
        old.caReferences?.[slot] ?? undefined,
        next.caReferences?.[slot] ?? undefined,
      ),
    ),
  ];
}

type X509 = Extract<Enrollment['attestation'], {type: 'x509'}>;

function attestationKind(attestation: X509): string {
  if (attestation.caReferences?.primary || attestation.caReferences?.secondary) {
    return 'CA certificates verified in DPS';
  }
  if (attestation.signingCertificates) return 'certificate uploaded into the group';
  return 'device certificates';
}

/** What replacing `existing` (as DPS holds it) with `next` (as it will be sent) changes. */
export function enrollmentDiff(existing: Enrollment, next: Enrollment): EnrollmentDiff {
  const deviceId =
    'registrationId' in existing && 'registrationId' in next
      ? compare(
          'Device ID',
          existing.deviceId ?? existing.registrationId,
          next.deviceId ?? next.registrationId,
        )
      : [];
  return {
    entries: [
      ...deviceId,
      ...attestationEntries(existing, next),
      ...settingsEntries(existing, next),
    ],
    twinDropped: !twinIsEmpty(existing) && twinIsEmpty(next),
  };
}

const marks: Record<DiffChange, string> = {added: '+', removed: '-', changed: '~'};

function shorten(text: string, width: number): {text: string; cut: boolean} {
  const characters = [...text];
  if (characters.length <= width) return {text, cut: false};
  return {text: `${characters.slice(0, Math.max(1, width - 1)).join('')}…`, cut: true};
}

function entryLine(entry: DiffEntry): string {
  switch (entry.change) {
    case 'added':
      return `${entry.after ?? ''} (new)`;
    case 'removed':
      return `${entry.before ?? ''} (dropped)`;
    case 'changed':
      return `${entry.before ?? ''} → ${entry.after ?? ''}`;
  }
}

/**
 * The diff as lines for a screen `width` columns wide: what would be dropped first, then one line per field
 * (long values shortened), then the shortened ones in full, for scrolling to.
 */
export function diffText(diff: EnrollmentDiff, width = 80): string {
  if (diff.entries.length === 0) {
    return 'Nothing differs: the values you entered are the ones DPS has.';
  }
  const lines: string[] = [];
  if (diff.twinDropped) {
    lines.push('! The whole initial twin would be dropped: the values you entered have none.');
  }
  const label = Math.min(28, Math.max(...diff.entries.map((entry) => [...entry.field].length)));
  const cut: DiffEntry[] = [];
  for (const entry of diff.entries) {
    const name = shorten(entry.field, label).text.padEnd(label);
    const value = shorten(entryLine(entry), Math.max(10, width - label - 4));
    if (value.cut || [...entry.field].length > label) cut.push(entry);
    lines.push(`${marks[entry.change]} ${name}  ${value.text}`);
  }
  if (cut.length > 0) {
    lines.push('', 'In full:');
    for (const entry of cut) {
      lines.push(`${marks[entry.change]} ${entry.field}`);
      if (entry.before !== undefined) lines.push(`    now: ${entry.before}`);
      if (entry.after !== undefined) lines.push(`    new: ${entry.after}`);
    }
  }
  return lines.join('\n');
}

import {Box, Text} from 'ink';
import type {CaCertificateList} from './types.js';
import {caFailureAdvice} from './failure-text.js';
import {Paragraph} from '../components/paragraph.js';
import {Spinner} from '../components/spinner.js';
import {tone} from '../components/tone.js';

/**
 * Columns of the list, two spaces of pointer first: 2 + 16 + 1 + 16 + 1 + 8 + 1 + 9 + 1 + 10 + 1 + 10 = 76.
 * The key type and thumbprint tell apart CAs with the same CN (a renewed root, a test and a real one).
 */
type CaCertificate = Extract<CaCertificateList, {state: 'loaded'}>['certificates'][number];

const widths = {name: 16, subject: 16, keyType: 8, thumbprint: 9, expiry: 10} as const;

/** The first 8 hex digits of a SHA-1 thumbprint, enough to tell two certificates apart on screen. */
export const shortThumbprint = (thumbprint: string | undefined) =>
  thumbprint ? `${thumbprint.slice(0, 8)}…` : '';

/** How many certificates the list shows at once; the window follows the cursor. */
export const visibleRows = 9;

/**
 * Rows for certificates in a body of `height` lines, after the step's heading (four lines), the column
 * names, the "more" lines, the add row and the full name (or a notice of two lines): a short terminal
 * still shows the cursor's row.
 */
export const listRowsFor = (height: number) => Math.max(3, Math.min(visibleRows, height - 11));

export function fit(text: string, width: number): string {
  const characters = [...text];
  if (characters.length <= width) return text.padEnd(width);
  return `${characters.slice(0, width - 1).join('')}…`;
}

/** The CN of a subject as ARM writes it ("CN=name, O=org"), or the whole subject when it has none. */
export function subjectCommonName(subject: string | undefined): string {
  if (!subject) return '';
  return /(?:^|,\s*)CN=([^,]+)/.exec(subject)?.[1]?.trim() ?? subject;
}

export const dateOf = (date: Date | undefined) => (date ? date.toISOString().slice(0, 10) : '');

export function CaList({
  list,
  cursor,
  rows = visibleRows,
  fullName = true,
}: {
  list: CaCertificateList;
  cursor: number;
  rows?: number;
  /** Off while a notice below names the certificate (and needs the room). */
  fullName?: boolean;
}) {
  if (list.state === 'loading' || list.state === 'idle') {
    return <Spinner label="Reading the CA certificates of DPS…" />;
  }
  if (list.state === 'failed') {
    return (
      <Box flexDirection="column">
        <Paragraph color={tone('red')}>{`✖ ${list.failure.message}`}</Paragraph>
        <Paragraph>{`${caFailureAdvice(list.failure)} Press r (or Enter) to read the list again.`}</Paragraph>
      </Box>
    );
  }
  const certificates = list.certificates;
  const first = Math.max(0, Math.min(cursor - Math.floor(rows / 2), certificates.length - rows));
  const shown = certificates.slice(first, first + rows);
  return (
    <Box flexDirection="column">
      {certificates.length === 0 ? (
        <Text dimColor>This DPS has no CA certificates yet.</Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {'  '}
          {fit('Name', widths.name)} {fit('Subject CN', widths.subject)}{' '}
          {fit('Key', widths.keyType)} {fit('SHA-1', widths.thumbprint)}{' '}
          {fit('Expires', widths.expiry)} Status
        </Text>
      )}
      {first > 0 ? <Text dimColor>{`  ↑ ${first} more`}</Text> : null}
      {shown.map((certificate, index) => (
        <CertificateRow
          key={certificate.name}
          certificate={certificate}
          active={first + index === cursor}
        />
      ))}
      {first + shown.length < certificates.length ? (
        <Text dimColor>{`  ↓ ${certificates.length - first - shown.length} more`}</Text>
      ) : null}
      <Text wrap="truncate-end">
        <Text color={tone(cursor === certificates.length ? 'cyan' : undefined)}>
          {cursor === certificates.length ? '❯ ' : '  '}
        </Text>
        <Text bold={cursor === certificates.length}>+ Add a CA certificate</Text>
      </Text>
      {fullName ? <FullName certificate={certificates[cursor]} /> : null}
    </Box>
  );
}

/** The chosen certificate's name, CN and full thumbprint (its row cuts them; names often differ only at the end). */
function FullName({certificate}: {certificate: CaCertificate | undefined}) {
  if (!certificate) return null;
  const named = [certificate.name, subjectCommonName(certificate.subject)].filter((part) => part);
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">{`  ${named.join(' · ')}`}</Text>
      {certificate.thumbprint ? <Text dimColor>{`  SHA-1 ${certificate.thumbprint}`}</Text> : null}
    </Box>
  );
}

function CertificateRow({certificate, active}: {certificate: CaCertificate; active: boolean}) {
  return (
    <Text wrap="truncate-end">
      <Text color={tone(active ? 'cyan' : undefined)}>{active ? '❯ ' : '  '}</Text>
      <Text bold={active}>{fit(certificate.name, widths.name)}</Text>{' '}
      {fit(subjectCommonName(certificate.subject), widths.subject)}{' '}
      {fit(certificate.keyType ?? '', widths.keyType)}{' '}
      {fit(shortThumbprint(certificate.thumbprint), widths.thumbprint)}{' '}
      {fit(dateOf(certificate.expiry), widths.expiry)}{' '}
      {certificate.isVerified ? (
        <Text color={tone('green')}>✔ verified</Text>
      ) : (
        <Text color={tone('yellow')}>unverified</Text>
      )}
    </Text>
  );
}

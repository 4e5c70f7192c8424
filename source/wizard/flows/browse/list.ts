import {fit} from '../../shared/ca-list.js';
import {bodySize, type Viewport} from '../../shared/layout.js';
import type {BrowseFlow, BrowseItem, BrowseList, BrowseTab} from './state.js';

/** What the list of a tab shows: the IDs, the filter over them, the rows that fit. */

export const tabTitles: Record<BrowseTab, string> = {
  enrollments: 'Enrollments',
  groups: 'Groups',
  registrations: 'Registrations',
  ca: 'CA certificates',
};

/** What an item is called in sentences. */
export const itemNouns: Record<BrowseTab, string> = {
  enrollments: 'individual enrollment',
  groups: 'enrollment group',
  registrations: 'registration state',
  ca: 'CA certificate',
};

export function idOf(entry: BrowseItem): string {
  switch (entry.tab) {
    case 'enrollments':
      return entry.item.registrationId;
    case 'groups':
      return entry.item.enrollmentGroupId;
    case 'registrations':
      return entry.item.registrationId;
    case 'ca':
      return entry.item.name;
  }
}

export const currentList = (flow: BrowseFlow): BrowseList => flow.lists[flow.tab];

/** A failed list that r reads again: any failure but the missing ARM access, which no retry brings. */
export const retriesWithR = (list: BrowseList): boolean =>
  list.state === 'failed' && list.failure?.kind !== 'needs-arm';

/** The last filter applied to a list, kept so that redrawing after a cursor move does not filter again. */
let lastMatch:
  {items: readonly BrowseItem[]; filter: string; rows: readonly BrowseItem[]} | undefined;

/** The items of the list whose ID contains the filter text, in any case, in the order DPS returned them. */
export function matchingItems(list: BrowseList, filterText: string): readonly BrowseItem[] {
  const filter = filterText.trim().toLowerCase();
  if (filter === '') return list.items;
  if (lastMatch?.items === list.items && lastMatch.filter === filter) return lastMatch.rows;
  const rows = list.items.filter((entry) => idOf(entry).toLowerCase().includes(filter));
  lastMatch = {items: list.items, filter, rows};
  return rows;
}

export const visibleItems = (flow: BrowseFlow): readonly BrowseItem[] =>
  matchingItems(currentList(flow), flow.filter.value);

/**
 * Rows of the list on screen: the body less the tabs, the filter, the column titles, the status line and
 * three lines for a failure or a remark (a failure says its cause and its fix, wrapped).
 */
export function listRows(viewport: Viewport): number {
  return Math.max(3, bodySize(viewport).height - 7);
}

/** The item under the cursor, if any row is shown. */
export const itemAtCursor = (flow: BrowseFlow): BrowseItem | undefined =>
  visibleItems(flow)[flow.cursor];

/** At most this many pages are read for one filter text before the search waits for the user. */
export const searchPagesPerFilter = 20;

/**
 * Whether the next page should be read now: the list has one, none is being read, and either the cursor
 * is near the end of what is read, or the filter shows fewer rows than fit (within the pages it may read).
 */
export function wantsNextPage(flow: BrowseFlow, viewport: Viewport): boolean {
  const list = currentList(flow);
  if (list.state !== 'loaded' || list.next === undefined) return false;
  if (flow.tab === 'registrations' && flow.registrationsGroup === undefined) return false;
  const rows = listRows(viewport);
  const shown = visibleItems(flow).length;
  if (flow.cursor + 2 * rows >= shown) {
    return flow.filter.value.trim() === '' || flow.searchedPages < searchPagesPerFilter;
  }
  return false;
}

/** The cursor within the rows shown, and the first row on screen so that the cursor is in view. */
export function placeCursor(flow: BrowseFlow, cursor: number, viewport: Viewport): BrowseFlow {
  const count = visibleItems(flow).length;
  const rows = listRows(viewport);
  const at = Math.max(0, Math.min(cursor, count - 1));
  let top = Math.min(flow.top, at);
  if (at >= top + rows) top = at - rows + 1;
  top = Math.max(0, Math.min(top, Math.max(0, count - rows)));
  if (at === flow.cursor && top === flow.top) return flow;
  return {...flow, cursor: at, top};
}

const day = (value: string | Date | undefined): string => {
  if (value === undefined) return '';
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
};

/** The column titles of a tab's list, over rows of `width` columns (after the cursor mark). */
export function columnTitles(tab: BrowseTab, width: number): string {
  const idWidth = idColumn(width);
  switch (tab) {
    case 'enrollments':
    case 'groups':
      return `  ${fit(tab === 'groups' ? 'Group ID' : 'Registration ID', idWidth)} ${fit('Status', 9)} ${fit('Updated', 10)} Attestation`;
    case 'registrations':
      return `  ${fit('Registration ID', idWidth)} ${fit('Status', 10)} Assigned hub`;
    case 'ca':
      return `  ${fit('Name', idWidth)} ${fit('Verified', 9)} ${fit('Expires', 10)} Subject`;
  }
}

const idColumn = (width: number) => Math.max(16, Math.min(40, width - 40));

function attestationText(entry: BrowseItem): string {
  if (entry.tab !== 'enrollments' && entry.tab !== 'groups') return '';
  const attestation = entry.item.attestation;
  if (attestation.type !== 'x509') return attestation.type;
  if (attestation.caReferences?.primary) return `CA ${attestation.caReferences.primary}`;
  if (attestation.signingCertificates?.primary) return 'X.509 signing certificate';
  return 'X.509 certificate';
}

/** One row of a list, at `width` columns (the cursor mark added by the view). */
export function rowText(entry: BrowseItem, width: number): string {
  const idWidth = idColumn(width);
  const id = fit(idOf(entry), idWidth);
  switch (entry.tab) {
    case 'enrollments':
    case 'groups':
      return `${id} ${fit(entry.item.provisioningStatus ?? 'enabled', 9)} ${fit(day(entry.item.lastUpdatedDateTimeUtc), 10)} ${attestationText(entry)}`;
    case 'registrations':
      return `${id} ${fit(entry.item.status ?? '', 10)} ${entry.item.assignedHub ?? ''}`;
    case 'ca':
      return `${id} ${fit(entry.item.isVerified ? 'yes' : 'no', 9)} ${fit(day(entry.item.expiry), 10)} ${entry.item.subject ?? ''}`;
  }
}

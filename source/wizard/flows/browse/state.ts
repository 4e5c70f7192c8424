import type {
  CaCertificate,
  EnrollmentGroup,
  IndividualEnrollment,
  RegistrationState,
  RetryWait,
} from '../../../dps/index.js';
import {emptyDraft, type TextDraft} from '../../shared/text-draft.js';
import type {Failure} from '../../shared/types.js';

/** Browse DPS: what DPS holds, a page at a time, with the details of one item and what can be done to it. */

export type BrowseTab = 'enrollments' | 'groups' | 'registrations' | 'ca';

export const browseTabs: readonly BrowseTab[] = ['enrollments', 'groups', 'registrations', 'ca'];

/** One item of a list, tagged with the list it belongs to. */
export type BrowseItem =
  | {tab: 'enrollments'; item: IndividualEnrollment}
  | {tab: 'groups'; item: EnrollmentGroup}
  | {tab: 'registrations'; item: RegistrationState}
  | {tab: 'ca'; item: CaCertificate};

/** The pages of one list read so far. */
export type BrowseList = {
  state: 'idle' | 'loading' | 'loaded' | 'failed';
  items: BrowseItem[];
  /** The continuation token of the next page; none when the last page was read. */
  next?: string;
  /** Why the last page could not be read (state 'failed'); the items read before it stay. */
  failure?: Failure;
  /** Bumped when the list starts over: a page asked for before that no longer lands. */
  generation: number;
};

export type BrowseStep =
  | 'list'
  | 'details'
  /** Typing the item's ID to confirm deleting it. */
  | 'delete'
  | 'deleting';

export type BrowseFlow = {
  step: BrowseStep;
  tab: BrowseTab;
  lists: Record<BrowseTab, BrowseList>;
  /** The group whose registration states the Registrations tab lists (DPS lists them per group). */
  registrationsGroup?: string;
  /** Shows the IDs that contain this text (any case), among the pages read. */
  filter: TextDraft;
  /** The row under the cursor, among the rows the filter shows. */
  cursor: number;
  /**
   * The row a move down past the last row read is headed for, while the next page is read: the cursor goes
   * on when the page lands, and the keys pressed meanwhile wait for it (none is lost or reordered).
   */
  cursorTarget?: number;
  /** The first row on screen. */
  top: number;
  /** Pages read for the current filter without the user moving: the search pauses after a few. */
  searchedPages: number;
  /** The item whose details are shown (steps details, delete, deleting), as DPS last returned it. */
  shown?: BrowseItem;
  /** Its details are being read again from DPS. */
  reading: boolean;
  /** Why its details could not be read again. */
  readFailure?: Failure;
  detailsScroll: number;
  /** The ID typed to confirm a delete. */
  confirm: TextDraft;
  /** A remark that is not a problem (e.g. what was just deleted). */
  notice?: string;
  stepError?: string;
  waiting?: RetryWait;
};

export type BrowseEffect =
  | {
      kind: 'browse-page';
      tab: BrowseTab;
      generation: number;
      continuationToken?: string;
      /** Registration states: the group they belong to. */
      groupId?: string;
    }
  /** Reads the item again: its etag now, and what a list leaves out (an enrollment's registration state). */
  | {kind: 'browse-read'; target: BrowseItem}
  /** Deletes the item only if it is still the version shown (its etag). */
  | {kind: 'browse-delete'; target: BrowseItem};

export type BrowseOutcome =
  | {kind: 'browse-page-read'; items: BrowseItem[]; continuationToken?: string}
  | {kind: 'browse-page-failed'; failure: Failure}
  | {kind: 'browse-item-read'; item: BrowseItem}
  | {kind: 'browse-item-failed'; failure: Failure}
  | {kind: 'browse-deleted'}
  | {kind: 'browse-delete-failed'; failure: Failure};

/** How many items one query asks DPS for. */
export const pageSize = 100;

export const emptyList = (generation = 0): BrowseList => ({state: 'idle', items: [], generation});

export function initialBrowseFlow(): BrowseFlow {
  return {
    step: 'list',
    tab: 'enrollments',
    lists: {
      enrollments: emptyList(),
      groups: emptyList(),
      registrations: emptyList(),
      ca: emptyList(),
    },
    filter: emptyDraft,
    cursor: 0,
    top: 0,
    searchedPages: 0,
    reading: false,
    detailsScroll: 0,
    confirm: emptyDraft,
  };
}

import {update, type FlowUpdate, type HandOff} from '../../shared/effect.js';
import type {FlowContext} from '../../shared/flow.js';
import {withError, withStep} from '../../shared/flow-step.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {scrollHeight, type Viewport} from '../../shared/layout.js';
import {editDraft, emptyDraft} from '../../shared/text-draft.js';
import {
  currentList,
  idOf,
  itemAtCursor,
  itemNouns,
  listRows,
  placeCursor,
  retriesWithR,
  wantsNextPage,
} from './list.js';
import {
  browseTabs,
  emptyList,
  type BrowseEffect,
  type BrowseFlow,
  type BrowseItem,
  type BrowseTab,
} from './state.js';

/** What each key does on the browse screens. */

type Update = FlowUpdate<BrowseFlow, BrowseEffect>;
const at = (flow: BrowseFlow, ...effects: Update['effects']): Update => update(flow, ...effects);

/** The flow without its remark and problem: a key moved on from them. */
function settled(flow: BrowseFlow): BrowseFlow {
  const {notice: _notice, ...rest} = withError(flow, undefined);
  return rest;
}

/** Reads the next page of a tab's list (the first when none was read). */
export function loadPage(flow: BrowseFlow, tab: BrowseTab, context: FlowContext): Update {
  const list = flow.lists[tab];
  if (tab === 'registrations' && flow.registrationsGroup === undefined) return at(flow);
  if (tab === 'ca' && context.info !== undefined && !context.info.armAvailable) {
    const failure = {
      kind: 'needs-arm' as const,
      message:
        'CA certificates are kept in the DPS resource, which only Azure Resource Manager reaches: a service connection string cannot list them',
    };
    return at({...flow, lists: {...flow.lists, ca: {...list, state: 'failed', failure}}});
  }
  const {failure: _failure, ...rest} = list;
  const loading: BrowseFlow = {...flow, lists: {...flow.lists, [tab]: {...rest, state: 'loading'}}};
  return at(loading, {
    kind: 'browse-page',
    tab,
    generation: list.generation,
    ...(list.next === undefined ? {} : {continuationToken: list.next}),
    ...(tab === 'registrations' && flow.registrationsGroup !== undefined
      ? {groupId: flow.registrationsGroup}
      : {}),
  });
}

/** The list of a tab read again from its first page. */
export function startOver(flow: BrowseFlow, tab: BrowseTab, context: FlowContext): Update {
  const fresh = emptyList(flow.lists[tab].generation + 1);
  return loadPage({...flow, lists: {...flow.lists, [tab]: fresh}}, tab, context);
}

/** Reads the next page when the cursor nears the end of what is read, or the filter needs more rows. */
export function withMorePages({flow, effects}: Update, viewport: Viewport, context: FlowContext) {
  if (flow.step !== 'list' || !wantsNextPage(flow, viewport)) return update(flow, ...effects);
  const searching = flow.filter.value.trim() !== '';
  const counted = searching ? {...flow, searchedPages: flow.searchedPages + 1} : flow;
  const next = loadPage(counted, flow.tab, context);
  return update(next.flow, ...effects, ...next.effects);
}

/** Opens the details of an item: shown as listed at once, and read again for its etag now. */
function openDetails(flow: BrowseFlow, shown: BrowseItem): Update {
  const {readFailure: _failure, ...rest} = settled(flow);
  return at(
    {...withStep(rest, 'details'), shown, reading: true, detailsScroll: 0},
    {kind: 'cancel', effect: 'browse-read'},
    {kind: 'browse-read', target: shown},
  );
}

function switchTab(flow: BrowseFlow, delta: number, context: FlowContext): Update {
  const index = browseTabs.indexOf(flow.tab);
  const tab = browseTabs[(index + delta + browseTabs.length) % browseTabs.length] ?? flow.tab;
  const switched: BrowseFlow = {
    ...settled(flow),
    tab,
    filter: emptyDraft,
    cursor: 0,
    top: 0,
    searchedPages: 0,
  };
  return switched.lists[tab].state === 'idle' ? loadPage(switched, tab, context) : at(switched);
}

function listKey(flow: BrowseFlow, event: KeyEvent, context: FlowContext): Update {
  const {viewport} = context;
  const rows = listRows(viewport);
  const list = currentList(flow);
  const move = (delta: number) => {
    const wanted = flow.cursor + delta;
    const moved = placeCursor(settled(flow), wanted, viewport);
    if (delta <= 0 || moved.cursor === wanted) return at(moved);
    // Moving on at the end of a paused search asks for more pages.
    const searched = moved.cursor === flow.cursor ? {...moved, searchedPages: 0} : moved;
    // Past the last row read, with more in DPS: the cursor goes on when the next page lands.
    return at(list.next === undefined ? searched : {...searched, cursorTarget: wanted});
  };
  switch (event.kind) {
    case 'escape':
      if (flow.filter.value !== '') {
        return at({...settled(flow), filter: emptyDraft, cursor: 0, top: 0, searchedPages: 0});
      }
      return at(settled(flow), {kind: 'home'});
    case 'tab':
      return switchTab(flow, 1, context);
    case 'back-tab':
      return switchTab(flow, -1, context);
    case 'up':
      return move(-1);
    case 'down':
      return move(1);
    case 'page-up':
      return move(-rows);
    case 'page-down':
      return move(rows);
    case 'enter': {
      const entry = itemAtCursor(flow);
      if (entry) return openDetails(flow, entry);
      return list.state === 'failed' ? loadPage(settled(flow), flow.tab, context) : at(flow);
    }
    case 'text':
      // Letters filter; while the list shows a failure, r retries it (the step takes no text then).
      if (retriesWithR(list) && event.text === 'r') {
        return loadPage(settled(flow), flow.tab, context);
      }
      return editFilter(flow, event);
    case 'ctrl':
      // Ctrl+R reads the list again from its first page (what changed in DPS meanwhile), the filter kept.
      if (event.letter === 'r') {
        return startOver(
          {...settled(flow), cursor: 0, top: 0, searchedPages: 0},
          flow.tab,
          context,
        );
      }
      return editFilter(flow, event);
    default:
      return editFilter(flow, event);
  }
}

function editFilter(flow: BrowseFlow, event: KeyEvent): Update {
  const edited = editDraft(flow.filter, event);
  if (edited === undefined || edited === flow.filter) return at(flow);
  const changed = edited.value !== flow.filter.value;
  if (!changed) return at({...flow, filter: edited});
  return at({...settled(flow), filter: edited, cursor: 0, top: 0, searchedPages: 0});
}

/** What a letter on the details of an item hands over to another flow, if anything. */
function handOffFor(entry: BrowseItem, letter: string): HandOff | undefined {
  switch (letter) {
    case 'e':
      if (entry.tab === 'enrollments') return {flow: 'individual', with: {edit: entry.item}};
      if (entry.tab === 'groups') return {flow: 'group', with: {kind: 'edit', group: entry.item}};
      return undefined;
    case 'v':
      return entry.tab === 'ca' && !entry.item.isVerified
        ? {flow: 'verify-ca', with: {kind: 'existing', name: entry.item.name}}
        : undefined;
    case 't':
      if (entry.tab === 'enrollments') {
        return {
          flow: 'test-enrollment',
          with: {kind: 'enrollment', registrationId: entry.item.registrationId},
        };
      }
      if (entry.tab === 'groups') {
        return {
          flow: 'test-enrollment',
          with: {kind: 'enrollment', group: entry.item.enrollmentGroupId},
        };
      }
      return undefined;
    default:
      return undefined;
  }
}

function detailsKey(flow: BrowseFlow, event: KeyEvent, context: FlowContext): Update {
  const shown = flow.shown;
  if (!shown) return at(withStep(flow, 'list'));
  const page = scrollHeight(context.viewport);
  const scrollBy = (delta: number) =>
    at({...flow, detailsScroll: Math.max(0, flow.detailsScroll + delta)});
  switch (event.kind) {
    case 'escape': {
      const {shown: _shown, readFailure: _failure, ...rest} = settled(flow);
      return at(
        {...withStep(rest, 'list'), reading: false},
        {kind: 'cancel', effect: 'browse-read'},
      );
    }
    case 'up':
      return scrollBy(-1);
    case 'down':
      return scrollBy(1);
    case 'page-up':
      return scrollBy(-page);
    case 'page-down':
      return scrollBy(page);
    case 'text':
      return detailsLetter(flow, shown, event.text, context);
    default:
      return at(flow);
  }
}

function detailsLetter(
  flow: BrowseFlow,
  shown: BrowseItem,
  letter: string,
  context: FlowContext,
): Update {
  const handOff = handOffFor(shown, letter);
  if (handOff) return at(settled(flow), {kind: 'open', ...handOff});
  switch (letter) {
    case 'd':
      return at({...withStep(settled(flow), 'delete'), confirm: emptyDraft});
    case 'r':
      return flow.readFailure ? openDetails(flow, shown) : at(flow);
    case 'g': {
      if (shown.tab !== 'groups') return at(flow);
      const {shown: _shown, readFailure: _failure, ...rest} = settled(flow);
      const listing: BrowseFlow = {
        ...withStep(rest, 'list'),
        reading: false,
        tab: 'registrations',
        registrationsGroup: shown.item.enrollmentGroupId,
        filter: emptyDraft,
        cursor: 0,
        top: 0,
        searchedPages: 0,
      };
      const started = startOver(listing, 'registrations', context);
      return update(started.flow, {kind: 'cancel', effect: 'browse-read'}, ...started.effects);
    }
    default:
      return at(flow);
  }
}

function deleteKey(flow: BrowseFlow, event: KeyEvent): Update {
  const shown = flow.shown;
  if (!shown) return at(withStep(flow, 'list'));
  switch (event.kind) {
    case 'escape':
      return at({...withStep(flow, 'details'), confirm: emptyDraft});
    case 'enter': {
      const id = idOf(shown);
      const typed = flow.confirm.value.trim();
      if (typed !== id) {
        const problem =
          typed === ''
            ? `type ${id} to delete it, or press Esc to keep it`
            : `"${typed}" is not ${id}: type the ID exactly to delete it, or press Esc to keep it`;
        return at(withError(flow, problem));
      }
      return at(
        withStep(flow, 'deleting'),
        {kind: 'cancel', effect: 'browse-delete'},
        {kind: 'browse-delete', target: shown},
      );
    }
    default: {
      const edited = editDraft(flow.confirm, event);
      if (edited === undefined || edited === flow.confirm) return at(flow);
      return at(withError({...flow, confirm: edited}, undefined));
    }
  }
}

/** Esc while deleting: the call is dropped, but it may have reached DPS: the item is read again. */
function cancelDeleting(flow: BrowseFlow): Update {
  const shown = flow.shown;
  const details = withError(
    {...withStep(flow, 'details'), confirm: emptyDraft, reading: shown !== undefined},
    'delete cancelled: DPS may have done it already, so its details are read again',
  );
  return at(
    details,
    {kind: 'cancel', effect: 'browse-delete'},
    {kind: 'discard-type-ahead'},
    {kind: 'cancel', effect: 'browse-read'},
    ...(shown ? [{kind: 'browse-read' as const, target: shown}] : []),
  );
}

/** A cursor headed past the rows read waits only while a page that may hold its row is being read. */
function waitsForPage(next: Update): Update {
  const {flow, effects} = next;
  if (flow.cursorTarget === undefined || currentList(flow).state === 'loading') return next;
  const {cursorTarget: _target, ...rest} = flow;
  return update(rest, ...effects);
}

/** Handles one key on the browse screens (Esc included). */
export function browseInput(flow: BrowseFlow, event: KeyEvent, context: FlowContext): Update {
  switch (flow.step) {
    case 'list': {
      // While the cursor waits for a page only Esc gets here (the step is busy): it gives up the wait.
      const {cursorTarget: _target, ...listed} = flow;
      const next = withMorePages(listKey(listed, event, context), context.viewport, context);
      return waitsForPage(next);
    }
    case 'details':
      return detailsKey(flow, event, context);
    case 'delete':
      return deleteKey(flow, event);
    case 'deleting':
      // Only Esc gets here while deleting (the step is busy: other keys wait for the result).
      return event.kind === 'escape' ? cancelDeleting(flow) : at(flow);
  }
}

export const nounOf = (entry: BrowseItem): string => itemNouns[entry.tab];

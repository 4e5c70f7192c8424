import {update, type FlowUpdate, type SharedOutcome} from '../../shared/effect.js';
import {exitHint, type FlowContext, type FlowModule, type StepTable} from '../../shared/flow.js';
import {withError, withStep} from '../../shared/flow-step.js';
import {failureAdvice} from '../../shared/failure-text.js';
import type {Failure} from '../../shared/types.js';
import {emptyDraft} from '../../shared/text-draft.js';
import {browseInput, loadPage, nounOf, withMorePages} from './input.js';
import {currentList, idOf, placeCursor, retriesWithR} from './list.js';
import {
  emptyList,
  initialBrowseFlow,
  type BrowseEffect,
  type BrowseFlow,
  type BrowseItem,
  type BrowseOutcome,
} from './state.js';

/** The browse flow as the router knows it: its steps, opening it, its keys and outcomes. */

type Update = FlowUpdate<BrowseFlow, BrowseEffect>;

/** The letters that act on the item shown, for the footer. */
function detailsHints(flow: BrowseFlow): string[] {
  const shown = flow.shown;
  // At most 80 columns: the footer is one line, so a failed read shows r in place of the arrows.
  const hints = [flow.readFailure ? 'r retry' : '↑↓ scroll'];
  if (shown?.tab === 'enrollments' || shown?.tab === 'groups') hints.push('e edit');
  if (shown?.tab === 'ca' && !shown.item.isVerified) hints.push('v verify');
  if (shown?.tab === 'groups') hints.push('g devices');
  if (shown?.tab === 'enrollments' || shown?.tab === 'groups') hints.push('t test');
  return [...hints, 'd delete', 'Esc back', exitHint];
}

export const browseSteps: StepTable<BrowseFlow> = {
  list: {
    // A move past the last row read waits for the next page: keys pressed meanwhile wait behind it, and
    // Esc gives up the wait at once.
    busy: (flow) => flow.cursorTarget !== undefined,
    escapeActsAtOnce: (flow) => flow.cursorTarget !== undefined,
    // Letters filter the list; while it shows a failure they are keys, so r retries.
    takesText: (flow) => currentList(flow).state !== 'failed',
    hints: (flow) => [
      // At most 80 columns: the footer is one line (the filter field says that letters filter).
      '↑↓ move',
      'Tab list',
      'Enter details',
      retriesWithR(currentList(flow)) ? 'r retry' : 'Ctrl+R reload',
      flow.filter.value === '' ? 'Esc home' : 'Esc clear',
      exitHint,
    ],
  },
  details: {
    hints: detailsHints,
    scroll: {
      get: (flow) => flow.detailsScroll,
      set: (flow, offset) => ({...flow, detailsScroll: offset}),
    },
  },
  delete: {takesText: true, hints: () => ['Enter delete', 'Esc keep it', exitHint]},
  // Keys typed while deleting wait for the outcome; Esc drops the call at once.
  deleting: {busy: () => true, escapeActsAtOnce: () => true, hints: () => ['Esc cancel', exitHint]},
};

/** Opened from home: every list is read again from its first page, on the tab last seen. */
function open(flow: BrowseFlow, _open: {kind: 'home'}, context: FlowContext): Update {
  const fresh = initialBrowseFlow();
  const lists = Object.fromEntries(
    Object.entries(flow.lists).map(([tab, list]) => [tab, emptyList(list.generation + 1)]),
  ) as BrowseFlow['lists'];
  const opened: BrowseFlow = {
    ...fresh,
    tab: flow.tab,
    lists,
    ...(flow.registrationsGroup === undefined ? {} : {registrationsGroup: flow.registrationsGroup}),
  };
  return loadPage(opened, opened.tab, context);
}

const sameItem = (a: BrowseItem, b: BrowseItem) => a.tab === b.tab && idOf(a) === idOf(b);

/** The flow with `entry` replaced in (or, with no `by`, removed from) the list it belongs to. */
function inList(flow: BrowseFlow, entry: BrowseItem, by?: BrowseItem): BrowseFlow {
  const list = flow.lists[entry.tab];
  const at = list.items.findIndex((item) => sameItem(item, entry));
  if (at < 0) return flow;
  const items = by
    ? list.items.map((item, index) => (index === at ? by : item))
    : list.items.filter((_item, index) => index !== at);
  return {...flow, lists: {...flow.lists, [entry.tab]: {...list, items}}};
}

const failureText = (failure: Failure) => `${failure.message}. ${failureAdvice(failure)}`;

/** Back on the list after the item shown is gone, with a remark saying so. */
function goneFromList(flow: BrowseFlow, target: BrowseItem, notice: string, context: FlowContext) {
  const {shown: _shown, readFailure: _failure, ...rest} = inList(flow, target);
  const listed = placeCursor(
    {...withStep(rest, 'list'), reading: false, confirm: emptyDraft, notice},
    flow.cursor,
    context.viewport,
  );
  return withMorePages(update(listed), context.viewport, context);
}

function pageResult(
  flow: BrowseFlow,
  effect: Extract<BrowseEffect, {kind: 'browse-page'}>,
  outcome: BrowseOutcome,
  context: FlowContext,
): Update {
  const list = flow.lists[effect.tab];
  if (list.generation !== effect.generation) return update(flow);
  // A cursor that waited for this page goes on now, as far as the rows read allow.
  const {cursorTarget, ...untargeted} = flow;
  const landed = effect.tab === flow.tab ? untargeted : flow;
  if (outcome.kind === 'browse-page-failed') {
    const failed = {...list, state: 'failed' as const, failure: outcome.failure};
    return update({...landed, lists: {...flow.lists, [effect.tab]: failed}});
  }
  if (outcome.kind !== 'browse-page-read') return update(landed);
  const {next: _next, failure: _failure, ...rest} = list;
  const read = {
    ...rest,
    state: 'loaded' as const,
    items: list.items.length === 0 ? outcome.items : [...list.items, ...outcome.items],
    ...(outcome.continuationToken === undefined ? {} : {next: outcome.continuationToken}),
  };
  const next: BrowseFlow = {...landed, lists: {...flow.lists, [effect.tab]: read}};
  if (effect.tab !== flow.tab) return update(next);
  const placed =
    cursorTarget === undefined ? next : placeCursor(next, cursorTarget, context.viewport);
  return withMorePages(update(placed), context.viewport, context);
}

function readResult(
  flow: BrowseFlow,
  effect: Extract<BrowseEffect, {kind: 'browse-read'}>,
  outcome: BrowseOutcome,
  context: FlowContext,
): Update {
  const shown = flow.shown;
  const showing = shown !== undefined && sameItem(shown, effect.target);
  if (outcome.kind === 'browse-item-read') {
    const replaced = inList(flow, effect.target, outcome.item);
    if (!showing) return update(replaced);
    const {readFailure: _failure, ...rest} = replaced;
    return update({...rest, shown: outcome.item, reading: false});
  }
  if (outcome.kind !== 'browse-item-failed' || !showing) return update(flow);
  // While a delete is typed or runs, its own outcome decides where the screen goes.
  if (flow.step !== 'details') return update({...flow, reading: false});
  if (outcome.failure.kind === 'not-found') {
    const notice = `${nounOf(effect.target)} ${idOf(effect.target)} is no longer in DPS`;
    return goneFromList(flow, effect.target, notice, context);
  }
  return update({...flow, reading: false, readFailure: outcome.failure});
}

function deleteResult(
  flow: BrowseFlow,
  effect: Extract<BrowseEffect, {kind: 'browse-delete'}>,
  outcome: BrowseOutcome,
  context: FlowContext,
): Update {
  const {target} = effect;
  const name = `${nounOf(target)} ${idOf(target)}`;
  if (outcome.kind === 'browse-deleted') {
    return goneFromList(flow, target, `Deleted ${name}.`, context);
  }
  if (outcome.kind !== 'browse-delete-failed') return update(flow);
  const {failure} = outcome;
  if (failure.kind === 'not-found') {
    return goneFromList(flow, target, `${name} was no longer in DPS: nothing deleted.`, context);
  }
  if (failure.kind === 'stale-etag') {
    // Keys typed while deleting never confirm deleting a version the user has not seen.
    const details = withError(
      {...withStep(flow, 'details'), confirm: emptyDraft, reading: true},
      `${name} changed in DPS after it was read, so nothing was deleted: its details were read again; check them, then press d again`,
    );
    return update(
      details,
      {kind: 'discard-type-ahead'},
      {kind: 'cancel', effect: 'browse-read'},
      {kind: 'browse-read', target},
    );
  }
  return update(
    withError(
      withStep(flow, 'delete'),
      `could not delete ${name}: ${failureText(failure)} Enter tries again.`,
    ),
    {kind: 'discard-type-ahead'},
  );
}

function result(
  flow: BrowseFlow,
  effect: BrowseEffect,
  outcome: BrowseOutcome | SharedOutcome,
  context: FlowContext,
): Update {
  const own = outcome as BrowseOutcome;
  switch (effect.kind) {
    case 'browse-page':
      return pageResult(flow, effect, own, context);
    case 'browse-read':
      return readResult(flow, effect, own, context);
    case 'browse-delete':
      return deleteResult(flow, effect, own, context);
  }
}

export const browseFlow: FlowModule<BrowseFlow, BrowseEffect, BrowseOutcome, {kind: 'home'}> = {
  steps: browseSteps,
  open,
  input: browseInput,
  result,
};

import {Box, Text} from 'ink';
import {Paragraph} from '../../components/paragraph.js';
import {ScrollView} from '../../components/scroll-view.js';
import {Spinner} from '../../components/spinner.js';
import {StepError} from '../../components/step-error.js';
import {TextField} from '../../components/text-field.js';
import {tone} from '../../components/tone.js';
import {failureAdvice} from '../../shared/failure-text.js';
import type {FlowContext} from '../../shared/flow.js';
import {bodySize, scrollHeight} from '../../shared/layout.js';
import {detailsText} from './details.js';
import {
  columnTitles,
  currentList,
  idOf,
  itemNouns,
  listRows,
  retriesWithR,
  rowText,
  tabTitles,
  visibleItems,
} from './list.js';
import {browseTabs, type BrowseFlow, type BrowseItem} from './state.js';

/** Browse DPS: the tabs and the list, the details of one item, the typed confirmation of a delete. */

function Tabs({flow}: {flow: BrowseFlow}) {
  return (
    <Text wrap="truncate-end">
      {browseTabs.map((tab, index) => (
        <Text key={tab}>
          {index > 0 ? <Text dimColor> │ </Text> : null}
          <Text bold={tab === flow.tab} inverse={tab === flow.tab}>
            {` ${tabTitles[tab]} `}
          </Text>
        </Text>
      ))}
    </Text>
  );
}

/** Where the list stands: the rows shown, how many match, whether DPS has more. */
function statusLine(flow: BrowseFlow, shown: number, rows: number): string {
  const list = currentList(flow);
  const matching = visibleItems(flow).length;
  const filtering = flow.filter.value.trim() !== '';
  const more = list.next !== undefined;
  const range = matching === 0 ? 'none' : `${flow.top + 1}–${flow.top + shown} of ${matching}`;
  const read = `${list.items.length} read${more ? ', more in DPS' : ', all read'}`;
  const loading = list.state === 'loading' ? ' · reading the next page…' : '';
  const paused =
    filtering && more && list.state === 'loaded' && matching < flow.cursor + 2 * rows
      ? ' · ↓ at the end searches further pages'
      : '';
  return `${range}${filtering ? ' matching' : ''} · ${read}${loading}${paused}`;
}

function ListStep({flow, context}: {flow: BrowseFlow; context: FlowContext}) {
  const {width} = bodySize(context.viewport);
  const rows = listRows(context.viewport);
  const list = currentList(flow);
  const items = visibleItems(flow).slice(flow.top, flow.top + rows);
  const noGroup = flow.tab === 'registrations' && flow.registrationsGroup === undefined;
  return (
    <Box flexDirection="column">
      <Tabs flow={flow} />
      <TextField label="Filter IDs" draft={flow.filter} focused={list.state !== 'failed'} />
      {noGroup ? (
        <Paragraph dim>
          DPS lists registration states per enrollment group: open a group on the Groups tab (Enter)
          and press g to list the devices that registered through it. An individual enrollment shows
          its device's registration in its details.
        </Paragraph>
      ) : (
        <>
          <Text dimColor wrap="truncate-end">
            {flow.tab === 'registrations'
              ? `${columnTitles(flow.tab, width - 2)}   (group ${flow.registrationsGroup})`
              : columnTitles(flow.tab, width - 2)}
          </Text>
          <Box flexDirection="column" height={rows}>
            {items.map((entry, index) => (
              <Row
                key={idOf(entry)}
                entry={entry}
                width={width - 2}
                active={flow.top + index === flow.cursor}
              />
            ))}
            {items.length === 0 && list.state === 'loaded' ? (
              <Text dimColor>
                {flow.filter.value.trim() === ''
                  ? `No ${itemNouns[flow.tab]}s in DPS.`
                  : `No ID read so far contains "${flow.filter.value.trim()}".`}
              </Text>
            ) : null}
            {items.length === 0 && list.state === 'loading' ? (
              <Spinner label="Reading DPS…" />
            ) : null}
          </Box>
          <Text dimColor wrap="truncate-end">
            {statusLine(flow, items.length, rows)}
          </Text>
        </>
      )}
      {list.state === 'failed' && list.failure ? (
        <Paragraph color={tone('red')}>
          {`✖ ${list.failure.message}. ${failureAdvice(list.failure)}${retriesWithR(list) ? ' Press r to retry.' : ''}`}
        </Paragraph>
      ) : null}
      {flow.notice ? <Text color={tone('green')}>{flow.notice}</Text> : null}
      <StepError message={flow.stepError} />
    </Box>
  );
}

function Row({entry, width, active}: {entry: BrowseItem; width: number; active: boolean}) {
  return (
    <Text wrap="truncate-end">
      <Text color={tone(active ? 'cyan' : undefined)}>{active ? '❯ ' : '  '}</Text>
      <Text bold={active}>{rowText(entry, width)}</Text>
    </Text>
  );
}

function DetailsStep({
  flow,
  shown,
  context,
}: {
  flow: BrowseFlow;
  shown: BrowseItem;
  context: FlowContext;
}) {
  const {width} = bodySize(context.viewport);
  const failure = flow.readFailure;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {`${itemNouns[shown.tab]} ${idOf(shown)}`}
        {flow.reading ? <Text dimColor> (reading it again…)</Text> : null}
      </Text>
      <ScrollView
        text={detailsText(shown)}
        scroll={flow.detailsScroll}
        height={scrollHeight(context.viewport)}
        width={width}
      />
      {failure ? (
        <Text color={tone('red')} wrap="truncate-end">
          {`✖ could not read it again: ${failure.message}. ${failureAdvice(failure)} r retries.`}
        </Text>
      ) : null}
      <StepError message={flow.stepError} />
    </Box>
  );
}

/** What deleting it means, in one sentence, by what it is. */
const deleteMeaning: Record<BrowseItem['tab'], string> = {
  enrollments:
    'The device can no longer register through DPS; a device already in IoT Hub stays there.',
  groups:
    'No device can register through this group any more; devices already in IoT Hub stay there.',
  registrations:
    'DPS forgets that this device registered; its enrollment and its IoT Hub device stay.',
  ca: 'Groups that reference this CA certificate can no longer register devices.',
};

function DeleteStep({flow, shown}: {flow: BrowseFlow; shown: BrowseItem}) {
  const id = idOf(shown);
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold wrap="truncate-end">{`Delete ${itemNouns[shown.tab]} ${id}?`}</Text>
      <Paragraph>{`${deleteMeaning[shown.tab]} It cannot be undone. Only the version shown is deleted (etag ${shown.item.etag ?? 'unknown'}): if it changed meanwhile, nothing is deleted.`}</Paragraph>
      <Box flexDirection="column">
        <Text>Type {id} to confirm:</Text>
        <TextField draft={flow.confirm} focused={flow.step === 'delete'} />
      </Box>
      {flow.step === 'deleting' ? <Spinner label={`Deleting ${id}…`} /> : null}
      <StepError message={flow.stepError} />
    </Box>
  );
}

export function BrowseScreen({flow, context}: {flow: BrowseFlow; context: FlowContext}) {
  const shown = flow.shown;
  if (flow.step === 'list' || !shown) return <ListStep flow={flow} context={context} />;
  if (flow.step === 'details') return <DetailsStep flow={flow} shown={shown} context={context} />;
  return <DeleteStep flow={flow} shown={shown} />;
}

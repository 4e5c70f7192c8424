import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ScrollLimitContext, ScrollView} from '../../../source/wizard/components/scroll-view.js';
import {frame, render} from '../../helpers/ink.js';

/** The scroll limit a ScrollView reports for `text` in a window of `height` lines, and what it draws. */
async function limitOf(text: string, height: number, scroll = 0) {
  const limits: number[] = [];
  const app = await render(
    <ScrollLimitContext.Provider value={(limit) => limits.push(limit)}>
      <ScrollView text={text} scroll={scroll} height={height} width={80} />
    </ScrollLimitContext.Provider>,
  );
  return {limit: limits.at(-1), shown: frame(app)};
}

test('scrolling stops where the last line reaches the bottom of the view, as the view reports', async () => {
  const text = Array.from({length: 17}, (_, index) => `line ${index}`).join('\n');
  const {limit, shown} = await limitOf(text, 10, 50);
  assert.equal(limit, 7);
  // An offset past the limit draws the last lines, never an empty window.
  assert.match(shown, /line 16/);
  assert.match(shown, /↑ 7 more lines/);
  assert.equal((await limitOf('one line', 10)).limit, 0);
});

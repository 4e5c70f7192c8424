import {test} from 'node:test';
import assert from 'node:assert/strict';
import {Writable} from 'node:stream';
import {duration, Progress, progressLine, waitLine} from '../../source/bulk/progress.js';

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {stream, chunks};
}

test('the progress line has the bar, count, rate and ETA, and fits 80 columns', () => {
  assert.equal(
    progressLine({done: 250, total: 1000, elapsedMs: 500}),
    '[######..................]  250/1000  500/s  ETA 2 s',
  );
  assert.equal(
    progressLine({done: 0, total: 10, elapsedMs: 0}),
    '[........................]  0/10  0/s  ETA --',
  );
  assert.ok(progressLine({done: 1, total: 1_000_000, elapsedMs: 1}).length <= 80);
  assert.equal(duration(125_000), '2 min 05 s');
});

test('on a terminal the line is redrawn in place, at most once per interval, and ends the line when done', () => {
  let now = 0;
  const {stream, chunks} = sink();
  const progress = new Progress({stream, isTty: true, total: 30, now: () => now, redrawMs: 100});
  now = 50;
  progress.advance(10);
  now = 60;
  progress.advance(10); // within the interval: not drawn
  progress.note('waiting 1 s');
  now = 70;
  progress.advance(10); // the last one is always drawn
  progress.finish();
  assert.deepEqual(chunks, [
    '\r\x1b[2K[########................] 10/30  200/s  ETA 100 ms',
    '\r\x1b[2Kwaiting 1 s\n',
    '\r\x1b[2K[################........] 20/30  333/s  ETA 30 ms',
    '\r\x1b[2K[########################] 30/30  429/s  ETA 0 ms',
    '\n',
  ]);
});

test('without a terminal, a plain line at each tenth and no control characters', () => {
  let now = 0;
  const {stream, chunks} = sink();
  const progress = new Progress({stream, isTty: false, total: 100, now: () => now});
  for (let index = 0; index < 50; index++) {
    now += 10;
    progress.advance(2);
  }
  progress.finish();
  assert.equal(chunks.length, 10);
  assert.ok(chunks.every((chunk) => chunk.endsWith('\n') && !chunk.includes('\x1b')));
  assert.match(chunks.at(-1)!, /100\/100/);
});

test('a wait says how long, why, and which attempt follows', () => {
  assert.equal(
    waitLine({
      operation: 'create 10 individual enrollments',
      reason: 'DPS is throttling requests (429)',
      attempt: 2,
      maxAttempts: 5,
      delayMs: 3000,
      askedByDps: true,
    }),
    'waiting 3 s, as DPS asked: DPS is throttling requests (429); then attempt 2 of 5',
  );
});

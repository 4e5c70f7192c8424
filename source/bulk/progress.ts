import type {RetryWait} from '../dps/index.js';

/**
 * Progress of the sending phase on stderr. On a terminal one line redrawn in place (bar, count, rate, ETA)
 * at most every `redrawMs`; otherwise a plain line at every tenth of the work. Waits the retry policy makes
 * (429/503 Retry-After, backoff) are always printed on their own line.
 */

export type ProgressSnapshot = {done: number; total: number; elapsedMs: number};

const barWidth = 24;

/** "[#########...............]  380/1000  152/s  ETA 4 s": fits 80 columns up to 1,000,000 items. */
export function progressLine({done, total, elapsedMs}: ProgressSnapshot): string {
  const fraction = total === 0 ? 1 : done / total;
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
  const width = String(total).length;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? `ETA ${duration(((total - done) / rate) * 1000)}` : 'ETA --';
  return `${bar} ${String(done).padStart(width)}/${total}  ${Math.round(rate)}/s  ${eta}`;
}

/** "850 ms", "12 s", "3 min 05 s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export function waitLine(wait: RetryWait): string {
  const asked = wait.askedByDps ? ', as DPS asked' : '';
  return `waiting ${duration(wait.delayMs)}${asked}: ${wait.reason}; then attempt ${wait.attempt} of ${wait.maxAttempts}`;
}

export type ProgressOptions = {
  stream: NodeJS.WritableStream;
  isTty: boolean;
  total: number;
  now?: () => number;
  redrawMs?: number;
};

export class Progress {
  private done = 0;
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastTenth = 0;
  private drawn = false;
  private readonly now: () => number;
  private readonly redrawMs: number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.redrawMs = options.redrawMs ?? 100;
    this.started = this.now();
  }

  get elapsedMs(): number {
    return this.now() - this.started;
  }

  advance(count: number): void {
    this.done += count;
    const snapshot = {done: this.done, total: this.options.total, elapsedMs: this.elapsedMs};
    if (this.options.isTty) {
      const finished = this.done >= this.options.total;
      if (finished || this.now() - this.lastDraw >= this.redrawMs) this.draw(snapshot);
      return;
    }
    const tenth = Math.floor((this.done * 10) / Math.max(1, this.options.total));
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.options.stream.write(`${progressLine(snapshot)}\n`);
    }
  }

  /** A line of its own above the bar (a wait, a message). */
  note(line: string): void {
    if (this.options.isTty && this.drawn) {
      this.options.stream.write(`\r\x1b[2K${line}\n`);
      this.draw({done: this.done, total: this.options.total, elapsedMs: this.elapsedMs});
    } else {
      this.options.stream.write(`${line}\n`);
    }
  }

  /** Ends the bar's line so what follows starts on a fresh one. */
  finish(): void {
    if (this.options.isTty && this.drawn) this.options.stream.write('\n');
    this.drawn = false;
  }

  private draw(snapshot: ProgressSnapshot) {
    this.lastDraw = this.now();
    this.drawn = true;
    this.options.stream.write(`\r\x1b[2K${progressLine(snapshot)}`);
  }
}

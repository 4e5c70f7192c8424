import {readSync} from 'node:fs';
import {mkdir, open, readFile, rename, rm, writeFile, type FileHandle} from 'node:fs/promises';
import {join} from 'node:path';
import {syncDirectory} from './files.js';

export type Collection =
  'enrollments' | 'enrollmentGroups' | 'registrations' | 'certificates' | 'settings';

/** One change: a value to store under an id, or null to delete it. */
export type StoreOperation = {collection: Collection; id: string; value: unknown};

/** Where a page starts and how much it holds; see Store.page(). */
export type PageRequest<T> = {
  /** The key of the last item of the previous page (ids are keys lower-cased); absent for the first page. */
  after?: string;
  limit: number;
  /** Only values for which this holds are counted and returned. */
  filter?: (value: T) => boolean;
};

/** One page: its values, and the key to pass as `after` for the next page when more values follow. */
export type Page<T> = {items: T[]; next?: string};

/** Where a value's JSON lies in the snapshot file. */
type Span = {start: number; length: number};

/** A value's JSON: its UTF-8 bytes in memory, or where they are in the snapshot file. */
type Stored = Buffer | Span;

/** The state folder before the line-per-record snapshot: one JSON object of collections. */
type LegacySnapshot = Record<string, Record<string, unknown>>;

const journalName = 'journal.jsonl';
const snapshotName = 'snapshot.jsonl';
const legacySnapshotName = 'snapshot.json';
/** Fold the journal into the snapshot at start-up once it has this many records. */
const compactAfterRecords = 1000;
/**
 * Fold it at close() once it has this many bytes, so that the next start reads a snapshot instead of parsing
 * them (a bulk of 100,000 enrollments leaves about 150 MB of journal).
 */
const compactAtCloseBytes = 8 << 20;
/** Files are read in chunks of this size (a longer line gets a bigger chunk). */
const chunkSize = 1 << 20;

/**
 * The emulator's state: collections of JSON values keyed by id (ids compared case-insensitively, as DPS does).
 *
 * apply() changes memory at once, so a handler can check and write without another request slipping in
 * between, and resolves only when the change is on disk: one JSON line per apply() appended to a journal and
 * fdatasync'd (writes that arrive during a sync share the next one). A torn last line from a crash is cut off
 * at load; every acknowledged write survives a kill -9.
 *
 * The snapshot holds one record per line, `collection TAB "id" TAB value`, so a start-up reads it in big chunks
 * and indexes where each value lies without parsing it: the values of the snapshot stay on disk and are read
 * and parsed when asked for, so memory holds the ids, not the records. get() and page() stay synchronous, so
 * that a handler checks and writes in one go: a value is a few KB read from the page cache, microseconds, no
 * longer than parsing it. Values written since the start are kept as their JSON bytes until the next
 * compaction. A page walks a sorted index of the keys, built on the first page() of a collection and kept up to
 * date afterwards.
 */
export class Store {
  private readonly data = new Map<Collection, Map<string, Stored>>();
  private readonly sorted = new Map<Collection, string[]>();
  /** The snapshot file that the spans of `data` point into. */
  private snapshot: FileHandle | undefined;
  private scratch = Buffer.allocUnsafe(64 << 10);
  private journal: FileHandle | undefined;
  /** The size of the journal, as written or about to be. */
  private journalBytes = 0;
  private pending: string[] = [];
  private pendingWaiters: Array<{resolve: () => void; reject: (error: unknown) => void}> = [];
  private flushing: Promise<void> | undefined;
  /** Set when a journal write failed: later writes are refused so nothing is acknowledged after a torn record. */
  private failure: Error | undefined;

  private constructor(private readonly directory: string | undefined) {}

  /** A store that keeps nothing on disk (tests, --in-memory). */
  static inMemory(): Store {
    return new Store(undefined);
  }

  /** Loads the state folder (creating it, mode 0700) and opens its journal for appending. */
  static async open(directory: string): Promise<Store> {
    const store = new Store(directory);
    await mkdir(directory, {recursive: true, mode: 0o700});
    await store.load();
    return store;
  }

  get<T>(collection: Collection, id: string): T | undefined {
    const stored = this.collection(collection).get(id.toLowerCase());
    return stored === undefined ? undefined : this.parse<T>(stored);
  }

  /** Every value of a collection, in the order the ids were first written. */
  list<T>(collection: Collection): T[] {
    return [...this.collection(collection).values()].map((stored) => this.parse<T>(stored));
  }

  /**
   * Up to `limit` values in the order of their lower-cased ids, starting after the key `after`. Costs what the
   * page's own values cost (plus the values a filter skips), whatever the size of the collection.
   */
  page<T>(collection: Collection, {after, limit, filter}: PageRequest<T>): Page<T> {
    const keys = this.sortedKeys(collection);
    const values = this.collection(collection);
    const items: T[] = [];
    let last: string | undefined;
    for (
      let index = after === undefined ? 0 : firstAfter(keys, after);
      index < keys.length;
      index++
    ) {
      const key = keys[index]!;
      const value = this.parse<T>(values.get(key)!);
      if (filter && !filter(value)) continue;
      if (items.length === limit) return {items, next: last};
      items.push(value);
      last = key;
    }
    return {items};
  }

  /** Applies the operations together, at once in memory; resolves when they are durable. */
  apply(operations: StoreOperation[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const records: string[] = [];
    for (const {collection, id, value} of operations) {
      const text = value === null || value === undefined ? undefined : JSON.stringify(value);
      this.setInMemory(collection, id, text === undefined ? undefined : Buffer.from(text));
      records.push(
        `{"collection":${JSON.stringify(collection)},"id":${JSON.stringify(id)},"value":${text ?? 'null'}}`,
      );
    }
    if (!this.journal) return Promise.resolve();
    const line = `[${records.join(',')}]\n`;
    this.pending.push(line);
    this.journalBytes += Buffer.byteLength(line);
    const durable = new Promise<void>((resolve, reject) => {
      this.pendingWaiters.push({resolve, reject});
    });
    this.flushing ??= this.flush();
    return durable;
  }

  put(collection: Collection, id: string, value: unknown): Promise<void> {
    return this.apply([{collection, id, value}]);
  }

  delete(collection: Collection, id: string): Promise<void> {
    return this.apply([{collection, id, value: null}]);
  }

  /** Waits for pending writes; folds a long journal into the snapshot, so that the next start is quick. */
  async close(): Promise<void> {
    await this.flushing;
    // Closed first, so that no write lands in the journal while it is folded.
    const journal = this.journal;
    this.journal = undefined;
    await journal?.close();
    // After a failed write, memory holds a change that was refused: only the journal is trusted.
    if (journal && !this.failure && this.journalBytes >= compactAtCloseBytes) await this.compact();
    await this.snapshot?.close();
    this.snapshot = undefined;
  }

  private parse<T>(stored: Stored): T {
    if (Buffer.isBuffer(stored)) return JSON.parse(stored.toString()) as T;
    // Read into a buffer kept for the purpose: the bytes only live until they are parsed.
    if (this.scratch.length < stored.length) this.scratch = Buffer.allocUnsafe(stored.length * 2);
    this.read(stored, this.scratch);
    return JSON.parse(this.scratch.toString('utf8', 0, stored.length)) as T;
  }

  /** A value's JSON bytes, read from the snapshot file when they are not in memory. */
  private bytes(stored: Stored): Buffer {
    return Buffer.isBuffer(stored) ? stored : this.read(stored, Buffer.allocUnsafe(stored.length));
  }

  private read(span: Span, into: Buffer): Buffer {
    if (!this.snapshot) throw new Error('The sandbox state was read after it was closed.');
    for (let done = 0; done < span.length;) {
      const count = readSync(this.snapshot.fd, into, done, span.length - done, span.start + done);
      if (count === 0) throw new Error(`The sandbox snapshot in ${this.directory} ends early.`);
      done += count;
    }
    return into;
  }

  private collection(name: Collection): Map<string, Stored> {
    let collection = this.data.get(name);
    if (!collection) {
      collection = new Map();
      this.data.set(name, collection);
    }
    return collection;
  }

  private sortedKeys(name: Collection): string[] {
    let keys = this.sorted.get(name);
    if (!keys) {
      keys = [...this.collection(name).keys()].sort();
      this.sorted.set(name, keys);
    }
    return keys;
  }

  /** Stores a value's JSON (or where it is) under the id, or removes the id when there is none. */
  private setInMemory(name: Collection, id: string, json: Stored | undefined) {
    const key = id.toLowerCase();
    const collection = this.collection(name);
    const keys = this.sorted.get(name);
    if (json === undefined) {
      if (collection.delete(key) && keys) keys.splice(firstAfter(keys, key) - 1, 1);
      return;
    }
    if (keys && !collection.has(key)) keys.splice(firstAfter(keys, key), 0, key);
    collection.set(key, json);
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0 && this.journal) {
      const lines = this.pending.join('');
      const waiters = this.pendingWaiters;
      this.pending = [];
      this.pendingWaiters = [];
      try {
        await this.journal.appendFile(lines);
        await this.journal.datasync();
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        this.failure = new Error(
          `The sandbox state could not be written to ${this.directory} (${(error as Error).message}); ` +
            'no further change is accepted until the emulator is restarted.',
        );
        for (const waiter of [...waiters, ...this.pendingWaiters]) waiter.reject(this.failure);
        this.pending = [];
        this.pendingWaiters = [];
      }
    }
    this.flushing = undefined;
  }

  private async load() {
    const directory = this.directory!;
    const snapshotPath = join(directory, snapshotName);
    const hasSnapshot = await forEachLine(snapshotPath, (line, offset) => {
      const idStart = line.indexOf(tab);
      const valueStart = line.indexOf(tab, idStart + 1);
      const id = JSON.parse(line.toString('utf8', idStart + 1, valueStart)) as string;
      const collection = line.toString('latin1', 0, idStart) as Collection;
      this.setInMemory(collection, id, {
        start: offset + valueStart + 1,
        length: line.length - valueStart - 1,
      });
      return true;
    });
    if (hasSnapshot) this.snapshot = await open(snapshotPath, 'r');
    // A folder from before the line-per-record snapshot is converted: it is written anew below.
    const legacy = hasSnapshot ? undefined : await readLegacySnapshot(directory);
    for (const [collection, values] of Object.entries(legacy ?? {})) {
      for (const [id, value] of Object.entries(values)) {
        this.setInMemory(collection as Collection, id, Buffer.from(JSON.stringify(value)));
      }
    }

    let replayed = 0;
    let intact = 0; // the length of the journal up to its first torn or corrupt record
    const journalPath = join(directory, journalName);
    await forEachLine(journalPath, (record, offset, complete) => {
      let operations: StoreOperation[];
      try {
        // A last line without its newline is a torn write from a crash: it was never acknowledged.
        if (!complete) throw new Error('torn');
        operations = JSON.parse(record.toString()) as StoreOperation[];
      } catch {
        return false; // a torn or corrupt record: nothing after it was acknowledged
      }
      for (const {collection, id, value} of operations) {
        const json = value === null || value === undefined ? undefined : JSON.stringify(value);
        this.setInMemory(collection, id, json === undefined ? undefined : Buffer.from(json));
      }
      replayed++;
      intact = offset + record.length + 1;
      return true;
    });
    this.journalBytes = intact;
    if (replayed >= compactAfterRecords || legacy) await this.compact();
    this.journal = await open(journalPath, 'a', 0o600);
    // Cut a torn or corrupt tail, so that new records follow the last good one.
    if ((await this.journal.stat()).size > intact) {
      await this.journal.truncate(intact);
      await this.journal.datasync();
    }
  }

  /**
   * Writes the whole state as a new snapshot (write, fsync, rename), then starts an empty journal; a converted
   * folder's old snapshot goes last, once the new one is in place. Afterwards every value is read from the new
   * snapshot, so the memory of the values written since the last compaction is freed.
   */
  private async compact() {
    const directory = this.directory!;
    const snapshotPath = join(directory, snapshotName);
    const temporary = `${snapshotPath}.tmp`;
    const spans: Array<[Map<string, Stored>, string, Span]> = [];
    const handle = await open(temporary, 'w', 0o600);
    try {
      const chunk: Buffer[] = [];
      let size = 0;
      let written = 0;
      for (const [collection, values] of this.data) {
        for (const [key, stored] of values) {
          const json = this.bytes(stored);
          const head = Buffer.from(`${collection}\t${JSON.stringify(key)}\t`);
          spans.push([values, key, {start: written + size + head.length, length: json.length}]);
          chunk.push(head, json, newlineBytes);
          size += head.length + json.length + 1;
          if (size >= 1 << 20) {
            await handle.write(Buffer.concat(chunk));
            written += size;
            chunk.length = 0;
            size = 0;
          }
        }
      }
      if (chunk.length > 0) await handle.write(Buffer.concat(chunk));
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Every value is in the new file now; the old one is closed before it is replaced (Windows needs that).
    await this.snapshot?.close();
    this.snapshot = undefined;
    await rename(temporary, snapshotPath);
    await writeFile(join(directory, journalName), '', {mode: 0o600});
    await syncDirectory(directory); // the rename and the new journal survive a power cut too
    await rm(join(directory, legacySnapshotName), {force: true});
    this.snapshot = await open(snapshotPath, 'r');
    for (const [values, key, span] of spans) values.set(key, span);
    this.journalBytes = 0;
  }
}

/** The index of the first key greater than `key` in sorted `keys`. */
function firstAfter(keys: string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle]! <= key) low = middle + 1;
    else high = middle;
  }
  return low;
}

const tab = 0x09;
const newline = 0x0a;
const newlineBytes = Buffer.from('\n');

/**
 * Reads a file line by line, in big chunks. `line` is a view of a reused buffer, valid only during the call;
 * `offset` is where it starts in the file; `complete` is false for a last line without its newline. Stops when
 * `read` returns false. Resolves false when there is no file.
 */
async function forEachLine(
  path: string,
  read: (line: Buffer, offset: number, complete: boolean) => boolean,
): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    let buffer = Buffer.allocUnsafe(chunkSize);
    let base = 0; // where buffer[0] is in the file
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2); // a line longer than a chunk
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const {bytesRead} = await handle.read(buffer, filled, buffer.length - filled, base + filled);
      const view = buffer.subarray(0, filled + bytesRead);
      let start = 0;
      // Only the lines the new bytes complete: the bytes before `filled` hold no newline.
      for (
        let end = view.indexOf(newline, filled);
        end !== -1;
        end = view.indexOf(newline, start)
      ) {
        if (!read(view.subarray(start, end), base + start, true)) return true;
        start = end + 1;
      }
      if (bytesRead === 0) {
        if (start < view.length) read(view.subarray(start), base + start, false);
        return true;
      }
      buffer.copy(buffer, 0, start, view.length);
      base += start;
      filled = view.length - start;
    }
  } finally {
    await handle.close();
  }
}

async function readLegacySnapshot(directory: string): Promise<LegacySnapshot | undefined> {
  try {
    return JSON.parse(
      await readFile(join(directory, legacySnapshotName), 'utf8'),
    ) as LegacySnapshot;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

import {mkdir, open, readFile, rename, writeFile, type FileHandle} from 'node:fs/promises';
import {join} from 'node:path';
import {syncDirectory} from './files.js';

export type Collection =
  'enrollments' | 'enrollmentGroups' | 'registrations' | 'certificates' | 'settings';

/** One change: a value to store under an id, or null to delete it. */
export type StoreOperation = {collection: Collection; id: string; value: unknown};

type Snapshot = Record<string, Record<string, unknown>>;

const journalName = 'journal.jsonl';
const snapshotName = 'snapshot.json';
/** Fold the journal into the snapshot at start-up once it has this many records. */
const compactAfterRecords = 1000;

/**
 * The emulator's state: collections of JSON values keyed by id (ids compared case-insensitively, as DPS does).
 *
 * apply() changes memory at once, so a handler can check and write without another request slipping in
 * between, and resolves only when the change is on disk: one JSON line per apply() appended to a journal and
 * fdatasync'd (writes that arrive during a sync share the next one). A torn last line from a crash is dropped
 * at load; every acknowledged write survives a kill -9.
 */
export class Store {
  private readonly data = new Map<Collection, Map<string, unknown>>();
  private journal: FileHandle | undefined;
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
    return this.collection(collection).get(id.toLowerCase()) as T | undefined;
  }

  /** Every value of a collection, in the order the ids were first written. */
  list<T>(collection: Collection): T[] {
    return [...this.collection(collection).values()] as T[];
  }

  /** Applies the operations together, at once in memory; resolves when they are durable. */
  apply(operations: StoreOperation[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    for (const operation of operations) this.applyInMemory(operation);
    if (!this.journal) return Promise.resolve();
    this.pending.push(`${JSON.stringify(operations)}\n`);
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

  async close(): Promise<void> {
    await this.flushing;
    await this.journal?.close();
    this.journal = undefined;
  }

  private collection(name: Collection): Map<string, unknown> {
    let collection = this.data.get(name);
    if (!collection) {
      collection = new Map();
      this.data.set(name, collection);
    }
    return collection;
  }

  private applyInMemory({collection, id, value}: StoreOperation) {
    const key = id.toLowerCase();
    if (value === null || value === undefined) this.collection(collection).delete(key);
    else this.collection(collection).set(key, value);
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
    const snapshot = await readJson<Snapshot>(join(directory, snapshotName));
    for (const [collection, values] of Object.entries(snapshot ?? {})) {
      for (const [id, value] of Object.entries(values)) {
        this.applyInMemory({collection: collection as Collection, id, value});
      }
    }
    const journalPath = join(directory, journalName);
    const text = await readFile(journalPath, 'utf8').catch(() => '');
    const records = text.split('\n');
    // The last element is '' after a complete final line, or a torn write from a crash: drop it either way.
    records.pop();
    let replayed = 0;
    for (const record of records) {
      let operations: StoreOperation[];
      try {
        operations = JSON.parse(record) as StoreOperation[];
      } catch {
        break; // a torn or corrupt record: nothing after it was acknowledged
      }
      for (const operation of operations) this.applyInMemory(operation);
      replayed++;
    }
    if (replayed >= compactAfterRecords || replayed < records.length || !text.endsWith('\n')) {
      await this.compact();
    }
    this.journal = await open(journalPath, 'a', 0o600);
  }

  /** Writes the whole state as a new snapshot (write, fsync, rename), then starts an empty journal. */
  private async compact() {
    const directory = this.directory!;
    const snapshot: Snapshot = {};
    for (const [collection, values] of this.data) snapshot[collection] = Object.fromEntries(values);
    const temporary = join(directory, `${snapshotName}.tmp`);
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(snapshot));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, join(directory, snapshotName));
    await writeFile(join(directory, journalName), '', {mode: 0o600});
    await syncDirectory(directory); // the rename and the new journal survive a power cut too
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

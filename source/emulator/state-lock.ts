import {createHash, randomBytes} from 'node:crypto';
import {link, lstat, readdir, realpath, rm, rmdir, unlink} from 'node:fs/promises';
import {createConnection, createServer, type Server} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {ensurePrivateFolder} from './state-dir.js';

/**
 * One emulator per state folder (two would interleave their journals), held by a Unix domain socket that
 * listens in the folder's lock folder `emulator.lock/`. The kernel closes the socket when the process ends,
 * however it ends, so a lock is live exactly while a connect to it succeeds; a refused connect means its
 * owner is gone (a stale lock, e.g. after kill -9). No process id is trusted, so a reused pid blocks nothing.
 *
 * Taking over a stale lock must not race: deleting "the stale socket" could delete a live one that another
 * process put there a moment earlier. So a lock is never replaced, only superseded. Lock sockets are named by
 * a generation number (`emulator.lock/1`, `/2`, …) and the highest one is the lock:
 * 1. listen on a private claim socket (`claim-<random>`), so anything published is live from its first instant;
 * 2. probe the highest generation: a connect that succeeds means the folder is in use;
 * 3. otherwise (none, or stale) publish the claim as the next generation with link(), which fails when that
 *    name exists, so two processes can never publish the same generation;
 * 4. list again: a higher generation (published from an out-of-date listing) wins, and this one withdraws.
 * The holder then removes stale generations below its own. On a clean close it removes its own generation,
 * and the lock folder when that leaves it empty.
 */

const lockFolderName = 'emulator.lock';
/** sun_path holds 108 bytes on Linux and 104 on macOS, with the terminating NUL. */
const maxSocketPathBytes = process.platform === 'darwin' ? 103 : 107;
/** The longest name inside the lock folder, with its separator: "/claim-" + 16 hex digits. */
const longestEntryBytes = '/claim-'.length + 16;
/** Claims this old whose owner is gone are removed (a younger one may be between its bind and its listen). */
const staleClaimAgeMs = 60_000;
const maxAttempts = 50;
const probeTimeoutMs = 1000;

/** Folders (real paths) locked by this process. */
const lockedHere = new Set<string>();

/** Another emulator holds the state folder. `pid` is its process id when it answered with one. */
export class StateFolderInUseError extends Error {
  constructor(
    readonly stateDir: string,
    readonly pid: number | undefined,
    inThisProcess = false,
  ) {
    super(
      inThisProcess
        ? `the state folder ${stateDir} is in use by another emulator in this process`
        : `the state folder ${stateDir} is in use by another emulator${pid === undefined ? '' : ` (process ${pid})`}: ` +
            `stop that one (Ctrl+C where it runs${pid === undefined ? '' : `, or kill ${pid}`}), or start this one ` +
            'with another folder (--state-dir <dir>) or without one (--in-memory)',
    );
    this.name = 'StateFolderInUseError';
  }
}

/**
 * Locks the state folder (which must exist) for this process; resolves to the function that releases it.
 * Throws StateFolderInUseError while another emulator holds it.
 */
export async function lockStateDir(
  stateDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<() => Promise<void>> {
  const realDir = await realpath(stateDir);
  if (lockedHere.has(realDir)) throw new StateFolderInUseError(stateDir, undefined, true);
  await removeOldLockFile(realDir);
  const lockFolder = lockFolderFor(realDir, env);
  const release =
    process.platform === 'win32'
      ? await lockWithNamedPipe(stateDir, lockFolder)
      : await lockWithGenerations(stateDir, lockFolder);
  lockedHere.add(realDir);
  let released: Promise<void> | undefined;
  return () => {
    released ??= release().finally(() => lockedHere.delete(realDir));
    return released;
  };
}

/**
 * Where the lock sockets of a state folder (its real path) live: `emulator.lock/` inside it, or, when that
 * path is too long for a socket address, `dps-enroll-<hash of the real path>.lock/` in $XDG_RUNTIME_DIR (else
 * the temporary folder). On Windows, the name of a named pipe.
 */
export function lockFolderFor(realStateDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256').update(realStateDir).digest('hex').slice(0, 24);
  if (process.platform === 'win32') return `\\\\.\\pipe\\dps-enroll-${hash}`;
  const inFolder = join(realStateDir, lockFolderName);
  if (Buffer.byteLength(inFolder) + longestEntryBytes <= maxSocketPathBytes) return inFolder;
  const shortFolder = join(env.XDG_RUNTIME_DIR || tmpdir(), `dps-enroll-${hash}.lock`);
  if (Buffer.byteLength(shortFolder) + longestEntryBytes > maxSocketPathBytes) {
    throw new Error(
      `cannot lock the state folder ${realStateDir}: its path, and ${shortFolder}, are too long for a socket address`,
    );
  }
  return shortFolder;
}

async function lockWithGenerations(
  stateDir: string,
  lockFolder: string,
): Promise<() => Promise<void>> {
  const claim = join(lockFolder, `claim-${randomBytes(8).toString('hex')}`);
  const server = await listenInFolder(lockFolder, claim);
  try {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) await sleep(Math.random() * 10);
      const top = await highestGeneration(lockFolder);
      if (top !== undefined) {
        const found = await probe(join(lockFolder, String(top)));
        if (found.state === 'live') throw new StateFolderInUseError(stateDir, found.pid);
        if (found.state === 'gone') continue;
      }
      const generation = (top ?? 0) + 1;
      const published = join(lockFolder, String(generation));
      try {
        await link(claim, published);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      if (((await highestGeneration(lockFolder)) ?? 0) > generation) {
        await unlink(published);
        continue;
      }
      await unlink(claim);
      await removeStaleEntries(lockFolder, generation);
      return async () => {
        await unlink(published).catch(ignoreMissing);
        await closeServer(server);
        // Gone when empty, so no lock folder means no emulator; one that still holds a claim or a stale
        // generation stays (a starting emulator whose folder vanishes makes it again, listenInFolder).
        await rmdir(lockFolder).catch(() => {});
      };
    }
    throw new Error(
      `could not lock the state folder ${stateDir}: too many emulators starting at once`,
    );
  } catch (error) {
    await unlink(claim).catch(ignoreMissing);
    await closeServer(server);
    throw error;
  }
}

/** Listens on the claim socket in the lock folder, making the folder again if a holder just removed it. */
async function listenInFolder(lockFolder: string, claim: string): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    await ensurePrivateFolder(lockFolder, false);
    try {
      return await listenForProbes(claim);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

/** Windows: a named pipe (created with FILE_FLAG_FIRST_PIPE_INSTANCE) is released by the kernel too. */
async function lockWithNamedPipe(stateDir: string, pipe: string): Promise<() => Promise<void>> {
  try {
    const server = await listenForProbes(pipe);
    return () => closeServer(server);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const found = await probe(pipe);
    throw new StateFolderInUseError(stateDir, found.state === 'live' ? found.pid : undefined);
  }
}

/** A socket that tells whoever connects which process holds it: one JSON line, `{"pid": …}`. */
function listenForProbes(path: string): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.end(`${JSON.stringify({pid: process.pid})}\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      server.unref(); // the emulator's own listener keeps the process alive, not its lock
      resolve(server);
    });
  });
}

type Probe = {state: 'live'; pid: number | undefined} | {state: 'stale'} | {state: 'gone'};

/**
 * Connects to a lock socket: refused means stale, missing means gone; anything else (connected, a full
 * backlog, no answer in time) counts as live.
 */
function probe(path: string): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    let connected = false;
    let text = '';
    const finish = (result: Probe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({state: 'live', pid: undefined}), probeTimeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => finish({state: 'live', pid: pidOf(text)}));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && error.code === 'ECONNREFUSED') finish({state: 'stale'});
      else if (!connected && error.code === 'ENOENT') finish({state: 'gone'});
      else finish({state: 'live', pid: pidOf(text)});
    });
  });
}

function pidOf(text: string): number | undefined {
  try {
    const {pid} = JSON.parse(text) as {pid?: unknown};
    return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function highestGeneration(lockFolder: string): Promise<number | undefined> {
  const generations = (await readdir(lockFolder)).filter(isGeneration).map(Number);
  return generations.length === 0 ? undefined : Math.max(...generations);
}

const isGeneration = (name: string) => /^[1-9]\d{0,15}$/.test(name);

/** Generations below the holder's whose owner is gone, and old claims of processes that died starting. */
async function removeStaleEntries(lockFolder: string, holder: number): Promise<void> {
  for (const name of await readdir(lockFolder)) {
    const path = join(lockFolder, name);
    if (isGeneration(name)) {
      if (Number(name) >= holder) continue;
    } else if (name.startsWith('claim-')) {
      const changed = await lstat(path).catch(() => undefined);
      if (!changed || Date.now() - changed.ctimeMs < staleClaimAgeMs) continue;
    } else {
      continue;
    }
    if ((await probe(path)).state === 'stale') await unlink(path).catch(ignoreMissing);
  }
}

/** Before the socket lock, `emulator.lock` was a file holding a process id; it means nothing now. */
async function removeOldLockFile(realDir: string): Promise<void> {
  const path = join(realDir, lockFolderName);
  const found = await lstat(path).catch(() => undefined);
  if (found?.isFile()) await rm(path, {force: true});
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

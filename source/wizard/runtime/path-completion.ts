import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';

export type PathContext = {cwd: string; home: string};

export type Completion = {
  /** The new text of the field (keeps the user's own prefix style: '~/' stays '~/', relative stays relative). */
  value: string;
  /** When several entries match: their names (directories end with '/'), sorted, at most `limit`. Empty when unique or none. */
  candidates: string[];
  /** How many matched in all (so the UI can say "and 12 more"). */
  matches: number;
};

const defaultLimit = 20;

/** '~' and '~/x' expand to home; relative paths resolve against cwd; returns an absolute path. '' -> cwd. */
export function expandPath(text: string, context: PathContext): string {
  if (text === '~') return path.resolve(context.home);
  if (text.startsWith('~/')) return path.resolve(context.home, text.slice(2));
  return path.resolve(context.cwd, text);
}

type Entry = {name: string; isDirectory: boolean};

/** Bash-like Tab completion: completes to the longest common prefix of the entries that start with what was typed;
 * a unique directory gets a trailing '/', a unique file completes fully. Hidden entries only when the typed name starts
 * with '.'; with `foldersOnly`, folders only (a field that names a folder). An unreadable or missing folder gives
 * {value: text, candidates: [], matches: 0}. */
export async function completePath(
  text: string,
  context: PathContext,
  options: {limit?: number; foldersOnly?: boolean} = {},
): Promise<Completion> {
  const {limit = defaultLimit, foldersOnly = false} = options;
  if (text === '~') return {value: '~/', candidates: [], matches: 1};

  const slash = text.lastIndexOf('/');
  const folderText = text.slice(0, slash + 1);
  const typedName = text.slice(slash + 1);
  const found = await matchingEntries(expandPath(folderText, context), typedName);
  const entries = foldersOnly ? found?.filter((entry) => entry.isDirectory) : found;
  if (entries === undefined || entries.length === 0) {
    return {value: text, candidates: [], matches: 0};
  }

  const [only] = entries;
  if (entries.length === 1 && only) {
    return {
      value: folderText + only.name + (only.isDirectory ? '/' : ''),
      candidates: [],
      matches: 1,
    };
  }

  const names = entries.map((entry) => entry.name);
  return {
    value: folderText + longestCommonPrefix(names),
    candidates: entries
      .slice(0, Math.max(0, limit))
      .map((entry) => entry.name + (entry.isDirectory ? '/' : '')),
    matches: entries.length,
  };
}

/** The entries of `folder` whose names start with `typedName`, sorted by name; undefined when it cannot be read. */
async function matchingEntries(folder: string, typedName: string): Promise<Entry[] | undefined> {
  let dirents;
  try {
    dirents = await readdir(folder, {withFileTypes: true});
  } catch {
    return undefined;
  }
  const showHidden = typedName.startsWith('.');
  const matching = dirents.filter(
    (dirent) => dirent.name.startsWith(typedName) && (showHidden || !dirent.name.startsWith('.')),
  );
  const entries = await Promise.all(
    matching.map(async (dirent) => ({
      name: dirent.name,
      isDirectory:
        dirent.isDirectory() ||
        (dirent.isSymbolicLink() && (await isFolder(path.join(folder, dirent.name)))),
    })),
  );
  // readdir never lists '..', but typing it should still lead to the parent folder, as in a shell.
  if (typedName === '..' && entries.length === 0) entries.push({name: '..', isDirectory: true});
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function isFolder(target: string): Promise<boolean> {
  try {
    return (await stat(target)).isDirectory();
  } catch {
    return false;
  }
}

function longestCommonPrefix(names: string[]): string {
  let prefix = names[0] ?? '';
  for (const name of names) {
    let length = 0;
    while (length < prefix.length && length < name.length && prefix[length] === name[length]) {
      length += 1;
    }
    prefix = prefix.slice(0, length);
  }
  // Never end between the two halves of a surrogate pair (names that share only half of an emoji).
  const last = prefix.charCodeAt(prefix.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? prefix.slice(0, -1) : prefix;
}

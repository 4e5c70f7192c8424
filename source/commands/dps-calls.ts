import type {Page, PageRequest} from '../dps/index.js';
import {UsageError} from './args.js';
import {jsonText, table} from './dps-output.js';
import type {CommandIo} from './dps-command.js';

/** Small pieces every DPS subcommand uses. */

/** The largest page the service query returns. */
const maxPageSize = 100;

/** Every item of a query, page by page through its continuation tokens, or the first `top` of them. */
export async function readAll<T>(
  fetchPage: (page: PageRequest) => Promise<Page<T>>,
  top?: number,
): Promise<T[]> {
  const items: T[] = [];
  let continuationToken: string | undefined;
  do {
    const pageSize = Math.min(maxPageSize, top === undefined ? maxPageSize : top - items.length);
    const page = await fetchPage({pageSize, ...(continuationToken ? {continuationToken} : {})});
    items.push(...page.items);
    continuationToken = page.continuationToken;
  } while (continuationToken && (top === undefined || items.length < top));
  return top === undefined ? items : items.slice(0, top);
}

/** The value of a required flag, or a UsageError naming it. */
export function requireFlag(name: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function write(io: CommandIo, text: string) {
  io.stdout.write(text);
}

/** What `list` prints: the items as a JSON array with --json, otherwise a table, or `empty` when none. */
export function writeList<T>(
  io: CommandIo,
  json: boolean | undefined,
  items: T[],
  view: {empty: string; headers: string[]; row: (item: T) => string[]},
) {
  if (json) write(io, jsonText(items));
  else if (items.length === 0) write(io, `${view.empty}\n`);
  else write(io, table(view.headers, items.map(view.row)));
}

import {header} from './etags.js';
import {badRequest} from './service-errors.js';
import type {Page} from './store.js';
import type {EmulatorRequest, EmulatorResponse} from './types.js';

/** The page size when the client sends no x-ms-max-item-count. */
export const defaultPageSize = 100;

/** Reads one page from where the previous one ended (`after`, a store key), as Store.page() does. */
export type ReadPage = (position: {after?: string; limit: number}) => Page<unknown>;

/**
 * One page of a query answer. The page size comes from x-ms-max-item-count, the position from the
 * x-ms-continuation token of the previous page: the id of its last item, so that a page costs what its own
 * items cost and the order (by lower-cased id) holds while records come and go. The last page carries no
 * x-ms-continuation header at all: clients stop only when it is absent.
 */
export function queryPage(
  request: EmulatorRequest,
  itemType: string,
  read: ReadPage,
): EmulatorResponse {
  const limit = readPageSize(header(request, 'x-ms-max-item-count'));
  const after = readContinuation(header(request, 'x-ms-continuation'));
  const page = read({after, limit});
  const headers: Record<string, string> = {
    'x-ms-item-type': itemType,
    'x-ms-max-item-count': String(limit),
  };
  if (page.next !== undefined) headers['x-ms-continuation'] = continuationToken(page.next);
  return {status: 200, headers, body: page.items};
}

function readPageSize(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return defaultPageSize;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) {
    throw badRequest(`'x-ms-max-item-count' must be a positive whole number; '${value}' given.`);
  }
  return size;
}

const tokenPrefix = 'after:';

export function continuationToken(lastKey: string): string {
  return Buffer.from(`${tokenPrefix}${lastKey}`).toString('base64url');
}

function readContinuation(token: string | undefined): string | undefined {
  if (token === undefined || token.trim() === '') return undefined;
  const text = /^[\w-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (!text.startsWith(tokenPrefix)) {
    throw badRequest(
      "'x-ms-continuation' is not a continuation token from this service; pass the one the previous page returned.",
    );
  }
  return text.slice(tokenPrefix.length).toLowerCase();
}

import {header} from './etags.js';
import {badRequest} from './service-errors.js';
import type {EmulatorRequest, EmulatorResponse} from './types.js';

/** The page size when the client sends no x-ms-max-item-count. */
export const defaultPageSize = 100;

/**
 * One page of a query answer. The page size comes from x-ms-max-item-count, the position from the
 * x-ms-continuation token of the previous page. The last page carries no x-ms-continuation header at all:
 * clients stop only when it is absent.
 */
export function queryPage(
  request: EmulatorRequest,
  items: unknown[],
  itemType: string,
): EmulatorResponse {
  const pageSize = readPageSize(header(request, 'x-ms-max-item-count'));
  const offset = readContinuation(header(request, 'x-ms-continuation'));
  const end = offset + pageSize;
  const headers: Record<string, string> = {
    'x-ms-item-type': itemType,
    'x-ms-max-item-count': String(pageSize),
  };
  if (end < items.length) headers['x-ms-continuation'] = continuationToken(end);
  return {status: 200, headers, body: items.slice(offset, end)};
}

function readPageSize(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return defaultPageSize;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) {
    throw badRequest(`'x-ms-max-item-count' must be a positive whole number; '${value}' given.`);
  }
  return size;
}

function continuationToken(offset: number): string {
  return Buffer.from(JSON.stringify({offset})).toString('base64url');
}

function readContinuation(token: string | undefined): number {
  if (token === undefined || token.trim() === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      offset?: unknown;
    };
    if (
      typeof parsed.offset === 'number' &&
      Number.isInteger(parsed.offset) &&
      parsed.offset >= 0
    ) {
      return parsed.offset;
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    "'x-ms-continuation' is not a continuation token from this service; pass the one the previous page returned.",
  );
}

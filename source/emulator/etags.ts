import {randomBytes} from 'node:crypto';
import type {EmulatorRequest} from './types.js';

/** An opaque etag, new on every write; base64 of 8 bytes, like ARM's `AAAAAAExpNs=`. */
export function newEtag(): string {
  return randomBytes(8).toString('base64');
}

/** A request header's first value. */
export function header(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** If-Match semantics: absent or `*` matches anything; otherwise the etags must be equal (quotes ignored). */
export function etagMatches(ifMatch: string | undefined, current: string | undefined): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '' || ifMatch.trim() === '*') return true;
  if (current === undefined) return false;
  return unquote(ifMatch) === unquote(current);
}

function unquote(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

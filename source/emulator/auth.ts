import {createHmac, timingSafeEqual} from 'node:crypto';
import type {AccessPolicy, ServiceRight} from './sandbox.js';

/** Why a request was refused; safe to show (never contains the token or a key). */
export type AuthResult = {ok: true; rights: 'all' | ServiceRight[]} | {ok: false; reason: string};

const tokenPrefix = 'dps-sandbox';

/**
 * Issues a sandbox bearer token: `dps-sandbox.<base64url {"exp": unix seconds}>.<base64url HMAC-SHA256>`.
 * The emulator accepts it on the ARM API and, as a token credential, on the service API.
 */
export function issueBearerToken(secret: string, expiresAt: Date): string {
  const payload = Buffer.from(
    JSON.stringify({exp: Math.floor(expiresAt.getTime() / 1000)}),
  ).toString('base64url');
  return `${tokenPrefix}.${payload}.${tokenSignature(secret, payload)}`;
}

export function checkBearerToken(secret: string, token: string, now = new Date()): AuthResult {
  const [prefix, payload, signature, ...rest] = token.split('.');
  if (prefix !== tokenPrefix || !payload || !signature || rest.length > 0) {
    return {ok: false, reason: 'the bearer token is not a sandbox token'};
  }
  if (!safeEqual(signature, tokenSignature(secret, payload))) {
    return {ok: false, reason: 'the bearer token signature is invalid'};
  }
  let expiry: unknown;
  try {
    expiry = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {exp?: unknown})
      .exp;
  } catch {
    return {ok: false, reason: 'the bearer token is malformed'};
  }
  if (typeof expiry !== 'number' || expiry * 1000 <= now.getTime()) {
    return {ok: false, reason: 'the bearer token has expired'};
  }
  return {ok: true, rights: 'all'};
}

/**
 * Checks a service API `SharedAccessSignature sr=…&sig=…&se=…&skn=…` header the way DPS does: the
 * policy named by skn, an HMAC-SHA256 with its primary or secondary key over `sr + "\n" + se`, an expiry
 * in the future, and sr naming the host the request was sent to.
 */
export function checkSharedAccessSignature(
  header: string,
  policies: AccessPolicy[],
  requestHost: string,
  now = new Date(),
): AuthResult {
  const fields = new Map<string, string>();
  for (const part of header.slice('SharedAccessSignature '.length).split('&')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    try {
      fields.set(part.slice(0, separator).trim(), decodeURIComponent(part.slice(separator + 1)));
    } catch {
      return {ok: false, reason: 'the SharedAccessSignature is malformed'};
    }
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  const skn = fields.get('skn');
  if (!sr || !sig || !se || !skn) {
    return {ok: false, reason: 'the SharedAccessSignature needs sr, sig, se and skn'};
  }
  const policy = policies.find(
    (candidate) => candidate.keyName.toLowerCase() === skn.toLowerCase(),
  );
  if (!policy) return {ok: false, reason: `no shared access policy is named "${skn}"`};
  const expiryProblem = sasExpiryProblem(se);
  if (expiryProblem) return {ok: false, reason: expiryProblem};
  const signedResource = [sr, encodeURIComponent(sr), encodeURIComponent(sr.toLowerCase())];
  const signed = [policy.primaryKey, policy.secondaryKey].some((key) =>
    signedResource.some((resource) => safeEqual(sig, sasSignature(key, `${resource}\n${se}`))),
  );
  if (!signed)
    return {ok: false, reason: 'the SharedAccessSignature signature does not match the key'};
  if (Number(se) * 1000 <= now.getTime()) {
    return {ok: false, reason: 'the SharedAccessSignature has expired'};
  }
  const resourceHost = sr.split('/')[0]!.toLowerCase();
  if (resourceHost !== requestHost.toLowerCase()) {
    return {ok: false, reason: `the SharedAccessSignature is for "${resourceHost}", not this host`};
  }
  return {ok: true, rights: policy.rights};
}

/**
 * The latest expiry DPS can read: it adds `se` seconds to 1970-01-01 in a .NET DateTime, which ends with
 * 9999-12-31T23:59:59Z; a larger `se` fails to parse there.
 */
export const maxSasExpirySeconds = 253_402_300_799;

/** `se` must be plain digits (no sign, point or exponent) naming a second DPS can represent. */
export function sasExpiryProblem(se: string): string | undefined {
  if (!/^\d{1,12}$/.test(se) || Number(se) > maxSasExpirySeconds) {
    return `the SharedAccessSignature expiry (se) must be whole seconds since 1970, at most ${maxSasExpirySeconds} (the end of the year 9999)`;
  }
  return undefined;
}

/** Builds a SharedAccessSignature the way the service SDK does (used by tools and tests). */
export function createSharedAccessSignature(
  host: string,
  keyName: string,
  key: string,
  expiresAt: Date,
): string {
  const se = String(Math.floor(expiresAt.getTime() / 1000));
  const sig = encodeURIComponent(sasSignature(key, `${host}\n${se}`));
  return `SharedAccessSignature sr=${host}&sig=${sig}&skn=${keyName}&se=${se}`;
}

/**
 * The right a service API request needs. Writes are PUT and DELETE, and a POST on a collection itself
 * (bulk operations); queries and attestation-mechanism reads are POSTs that only read.
 */
export function requiredRight(method: string, segments: string[]): ServiceRight | undefined {
  const collection = segments[0]?.toLowerCase();
  const verb = method.toUpperCase();
  if (collection === 'enrollments' || collection === 'enrollmentgroups') {
    const write = verb === 'PUT' || verb === 'DELETE' || (verb === 'POST' && segments.length === 1);
    return write ? 'EnrollmentWrite' : 'EnrollmentRead';
  }
  if (collection === 'registrations') {
    return verb === 'DELETE' ? 'RegistrationStatusWrite' : 'RegistrationStatusRead';
  }
  return undefined;
}

export function hasRight(
  result: AuthResult & {ok: true},
  right: ServiceRight | undefined,
): boolean {
  return right === undefined || result.rights === 'all' || result.rights.includes(right);
}

function tokenSignature(secret: string, payload: string): string {
  return createHmac('sha256', Buffer.from(secret, 'base64'))
    .update(`${tokenPrefix}.${payload}`)
    .digest('base64url');
}

function sasSignature(key: string, stringToSign: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64')).update(stringToSign).digest('base64');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

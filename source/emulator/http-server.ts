import {randomUUID, type X509Certificate} from 'node:crypto';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {createServer, type Server} from 'node:https';
import {setTimeout as sleep} from 'node:timers/promises';
import type {TLSSocket} from 'node:tls';
import {isDevicePath} from './device-api.js';
import {clientCertificateOptions, peerChain} from './peer-chain.js';
import {armError, serviceError} from './errors.js';
import type {FaultInjector} from './faults.js';
import type {EmulatorRequest, EmulatorResponse} from './types.js';

/** Which API a path belongs to; it decides the error body shape. */
export type ApiKind = 'arm' | 'service' | 'control' | 'device';

export type Dispatch = (
  request: EmulatorRequest,
  kind: ApiKind,
  connection: {
    remoteAddress: string | undefined;
    /** The certificates the client presented in the TLS handshake, its own first; [] when none. */
    peerChain(): X509Certificate[];
  },
) => Promise<EmulatorResponse>;

/** The refusal of a request that is not authenticated (or not allowed what it asks), else undefined. */
export type Authenticate = (
  request: Omit<EmulatorRequest, 'body'>,
  kind: ApiKind,
) => EmulatorResponse | undefined;

export type HttpServerOptions = {
  key: string;
  cert: string;
  faults: FaultInjector;
  authenticate: Authenticate;
  dispatch: Dispatch;
  log?: (line: string) => void;
};

/** Large enough for a bulk operation of 10 enrollments with certificates; DPS itself allows 96 KB. */
const maxBodyBytes = 1024 * 1024;

/** Far deeper than any DPS or ARM body; deeper JSON would overflow the stack wherever it is written out. */
const maxBodyNesting = 64;

export function apiKind(segments: string[]): ApiKind {
  const first = segments[0]?.toLowerCase();
  if (first === 'subscriptions') return 'arm';
  if (first === '_emulator') return 'control';
  if (isDevicePath(segments)) return 'device';
  return 'service';
}

/** An error response in the body shape of the API the request was for. */
export function errorFor(
  kind: ApiKind,
  status: number,
  subCode: number,
  message: string,
): EmulatorResponse {
  return kind === 'arm'
    ? armError(status, subCode, message)
    : serviceError(status, subCode, message);
}

/**
 * The emulator's HTTPS listener: parses each request into an EmulatorRequest (path segments, query, JSON
 * body — also on a GET), authenticates it, then applies injected faults (so a refused request uses up no
 * rule), and writes the handler's answer as JSON. Clients are asked for a certificate: devices authenticate
 * with one.
 */
export function createHttpsServer(options: HttpServerOptions): Server {
  const tlsOptions = {key: options.key, cert: options.cert, ...clientCertificateOptions};
  const server = createServer(tlsOptions, (request, response) => {
    const started = Date.now();
    handle(request, response, options)
      .catch((error: unknown) => {
        options.log?.(`internal error: ${error instanceof Error ? error.message : String(error)}`);
        if (!response.headersSent && !response.destroyed) {
          const kind = apiKind((request.url ?? '/').split('?')[0]!.split('/').filter(Boolean));
          send(response, errorFor(kind, 500, 1, 'Internal server error.'));
        }
      })
      .finally(() => {
        options.log?.(
          `${request.method} ${request.url} ${response.destroyed && !response.writableFinished ? 'reset' : response.statusCode} ${Date.now() - started}ms`,
        );
      });
  });
  return server;
}

async function handle(
  incoming: IncomingMessage,
  response: ServerResponse,
  options: HttpServerOptions,
): Promise<void> {
  const method = (incoming.method ?? 'GET').toUpperCase();
  const url = new URL(incoming.url ?? '/', 'https://emulator.invalid');
  let segments: string[];
  try {
    segments = url.pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    send(response, serviceError(400, 1, 'The request path is not valid percent-encoding.'));
    return;
  }
  const kind = apiKind(segments);

  const raw = await readBody(incoming);
  if (raw === 'too large') {
    send(
      response,
      errorFor(kind, 413, 1, `The request body is larger than ${maxBodyBytes} bytes.`),
    );
    return;
  }

  const head = {method, segments, query: url.searchParams, headers: incoming.headers};
  const refusal = options.authenticate(head, kind);
  if (refusal) {
    send(response, refusal);
    return;
  }

  if (kind !== 'control') {
    const fault = options.faults.take(method, url.pathname);
    if (fault?.kind === 'reset') {
      // resetAndDestroy() throws ERR_INVALID_HANDLE_TYPE on a TLS socket; destroying it drops the connection.
      incoming.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'status') {
      const answer = errorFor(kind, fault.status, 1, faultMessage(fault.status));
      const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
      if (retryAfter !== undefined) {
        answer.headers = {...answer.headers, 'retry-after': String(retryAfter)};
      }
      send(response, answer);
      return;
    }
  }

  let body: unknown;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      send(response, errorFor(kind, 400, 4, 'The request body is not valid JSON.'));
      return;
    }
    if (nestingDepth(body) > maxBodyNesting) {
      send(
        response,
        errorFor(kind, 400, 4, `The request body nests more than ${maxBodyNesting} levels deep.`),
      );
      return;
    }
  }

  const answer = await options.dispatch({...head, body}, kind, {
    remoteAddress: incoming.socket.remoteAddress,
    peerChain: () => peerChain(incoming.socket as TLSSocket),
  });
  send(response, answer);
}

function faultMessage(status: number): string {
  const messages: Record<number, string> = {
    408: 'The request timed out.',
    429: 'Too many requests: the request was throttled.',
    502: 'Bad gateway: the upstream service did not answer properly.',
    503: 'The service is temporarily unavailable.',
    504: 'Gateway timeout: the upstream service did not answer in time.',
  };
  return messages[status] ?? 'Internal server error.';
}

/** How deep arrays and objects nest in a parsed JSON value, counted without recursion. */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > maxBodyNesting) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

async function readBody(incoming: IncomingMessage): Promise<Buffer | 'too large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size <= maxBodyBytes) chunks.push(chunk as Buffer); // past the limit: drain, keep nothing
  }
  return size > maxBodyBytes ? 'too large' : Buffer.concat(chunks);
}

function send(response: ServerResponse, answer: EmulatorResponse) {
  const headers: Record<string, string | number> = {
    'x-ms-request-id': randomUUID(),
    ...answer.headers,
  };
  if (answer.body === undefined || answer.status === 204) {
    response.writeHead(answer.status, {...headers, 'content-length': 0});
    response.end();
    return;
  }
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

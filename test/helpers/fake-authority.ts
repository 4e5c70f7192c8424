import {randomBytes, randomUUID} from 'node:crypto';
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {createServer, type Server} from 'node:https';
import type {AddressInfo} from 'node:net';
import {issueCertificate} from '../../source/certs/issue.js';
import {generatePrivateKey} from '../../source/certs/key-pairs.js';

/** One device-code prompt the authority issued. */
export type IssuedPrompt = {tenant: string; userCode: string; deviceCode: string; scope: string};

export type FakeAuthority = {
  /** https://localhost:<port>: pass as the authority host. */
  url: string;
  /** The CA that signed the authority's TLS certificate. */
  caCertificatePem: string;
  /** Device-code prompts issued so far, in order. */
  prompts: IssuedPrompt[];
  /** Token requests with grant_type device_code so far (pending answers included). */
  tokenPolls(): number;
  /** Resolves once the authority has received `count` device-code token polls. */
  waitForPolls(count: number): Promise<void>;
  /** Paths requested that the authority does not know (should stay empty). */
  unknownRequests: string[];
  close(): Promise<void>;
};

export type FakeAuthorityOptions = {
  /** The access token handed out (in tests: the sandbox's ARM token). */
  accessToken: string;
  /** How many polls are answered authorization_pending before the token; default 1, Infinity never signs in. */
  pendingPolls?: number;
  /** Seconds between polls the authority asks for; default 1. */
  interval?: number;
  /** After the pending polls, answer with this OAuth error (e.g. expired_token) instead of a token. */
  finalError?: string;
  /** Polls from this one on get no answer until the authority closes (a poll in flight). */
  holdPollsFrom?: number;
};

const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const objectId = '00000000-0000-0000-0000-00000000a11c';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * A fake Entra ID authority over HTTPS on 127.0.0.1 (named localhost) for the device-code flow:
 * openid-configuration, devicecode, and a token endpoint that answers authorization_pending first.
 * Its id_token is unsigned (alg none), which MSAL accepts; it carries an account so MSAL caches the token.
 */
export async function startFakeAuthority(options: FakeAuthorityOptions): Promise<FakeAuthority> {
  const caInput = await generatePrivateKey('ec-p256');
  const ca = {
    privateKeyPem: caInput,
    certificatePem: await issueCertificate({
      subject: 'fake authority test CA',
      subjectKeyPem: caInput,
      profile: 'ca',
      validityDays: 2,
    }),
  };
  const serverKey = await generatePrivateKey('ec-p256');
  const serverCertificate = await issueCertificate({
    subject: 'localhost',
    subjectKeyPem: serverKey,
    issuer: ca,
    profile: 'server',
    validityDays: 2,
    subjectAltNames: {dns: ['localhost'], ip: ['127.0.0.1']},
  });

  const pendingPolls = options.pendingPolls ?? 1;
  const interval = options.interval ?? 1;
  const prompts: IssuedPrompt[] = [];
  const unknownRequests: string[] = [];
  let polls = 0;
  let pollWaiters: Array<{count: number; resolve(): void}> = [];
  let base = '';

  const tokenResponse = (tenant: string, scope: string) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
      iss: `${base}/${tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      tid: tenantId,
      oid: objectId,
      sub: objectId,
      name: 'Test Operator',
      preferred_username: 'operator@example.com',
      ver: '2.0',
    };
    return {
      token_type: 'Bearer',
      scope,
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: options.accessToken,
      refresh_token: `refresh-${randomBytes(8).toString('hex')}-${tenant}`,
      id_token: `${base64url({alg: 'none', typ: 'JWT'})}.${base64url(claims)}.`,
      client_info: base64url({uid: objectId, utid: tenantId}),
    };
  };

  const server: Server = createServer(
    {key: serverKey, cert: serverCertificate},
    (request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const send = (status: number, value: unknown) => {
          response.writeHead(status, {'content-type': 'application/json; charset=utf-8'});
          response.end(JSON.stringify(value));
        };
        const url = new URL(request.url ?? '/', base);
        const [tenant = '', ...rest] = url.pathname.split('/').filter((part) => part !== '');
        const route = `${request.method} ${rest.join('/')}`;
        const form = new URLSearchParams(body);
        // The scopes asked for, without the ones MSAL always adds.
        const scope = (form.get('scope') ?? '')
          .split(' ')
          .filter((value) => value && !['openid', 'profile', 'offline_access'].includes(value))
          .join(' ');

        if (route === 'GET v2.0/.well-known/openid-configuration') {
          send(200, {
            issuer: `${base}/${tenantId}/v2.0`,
            authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
            token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
            device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
            end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
            jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
            response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
            scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          });
          return;
        }
        if (route === 'POST oauth2/v2.0/devicecode') {
          const prompt: IssuedPrompt = {
            tenant,
            userCode: randomBytes(4).toString('hex').toUpperCase(),
            deviceCode: randomUUID(),
            scope,
          };
          prompts.push(prompt);
          const verificationUri = `${base}/devicelogin`;
          send(200, {
            user_code: prompt.userCode,
            device_code: prompt.deviceCode,
            verification_uri: verificationUri,
            expires_in: 900,
            interval,
            message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${prompt.userCode} to authenticate.`,
          });
          return;
        }
        if (route === 'POST oauth2/v2.0/token') {
          const grant = form.get('grant_type') ?? '';
          if (grant === 'device_code') {
            polls += 1;
            const answer = polls;
            const ready = pollWaiters.filter((waiter) => waiter.count <= answer);
            pollWaiters = pollWaiters.filter((waiter) => waiter.count > answer);
            ready.forEach((waiter) => waiter.resolve());
            if (options.holdPollsFrom !== undefined && answer >= options.holdPollsFrom) return;
            const known = prompts.some((prompt) => prompt.deviceCode === form.get('device_code'));
            if (!known) {
              send(400, {error: 'invalid_grant', error_description: 'unknown device code'});
            } else if (answer <= pendingPolls) {
              send(400, {
                error: 'authorization_pending',
                error_description:
                  'AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.',
              });
            } else if (options.finalError) {
              send(400, {
                error: options.finalError,
                error_description: `AADSTS: ${options.finalError}`,
              });
            } else {
              send(200, tokenResponse(tenant, scope));
            }
            return;
          }
          if (grant === 'refresh_token') {
            send(200, tokenResponse(tenant, scope));
            return;
          }
          send(400, {error: 'unsupported_grant_type', error_description: grant});
          return;
        }
        unknownRequests.push(`${request.method} ${url.pathname}`);
        send(404, {error: 'not_found', error_description: url.pathname});
      });
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  base = `https://localhost:${(server.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  return {
    url: base,
    caCertificatePem: ca.certificatePem,
    prompts,
    tokenPolls: () => polls,
    waitForPolls: (count) =>
      count <= polls
        ? Promise.resolve()
        : new Promise((resolve) => pollWaiters.push({count, resolve})),
    unknownRequests,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** What a sign-in needs to use this authority: its host, and its CA to trust. */
export function signInAt(authority: FakeAuthority): {authorityHost: string; ca: string} {
  return {authorityHost: authority.url, ca: authority.caCertificatePem};
}

/**
 * The test connection settings (`ConnectTesting`) for an Azure sign-in at this authority that then
 * manages the sandbox DPS: both CAs trusted, and the sandbox's ARM endpoint.
 */
export function azureTestingAt(
  authority: FakeAuthority,
  sandbox: {caCertificatePem: string; info: {armEndpoint: string}},
): {authorityHost: string; ca: string; armEndpoint: string} {
  return {
    authorityHost: authority.url,
    ca: `${sandbox.caCertificatePem}\n${authority.caCertificatePem}`,
    armEndpoint: sandbox.info.armEndpoint,
  };
}

/**
 * Runs `body` with a fake Azure CLI (`az`, a shell script) first on PATH and DefaultAzureCredential
 * narrowed to the Azure CLI, then restores the environment. `token` makes `az` hand out that token;
 * without it, `az` says the user must run az login.
 */
export async function withFakeAzureCli(
  token: string | undefined,
  body: () => Promise<void>,
): Promise<void> {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const script =
    token === undefined
      ? `echo "ERROR: Please run 'az login' to setup account." >&2\nexit 1`
      : `echo '{"accessToken": "${token}", "expires_on": ${expires}, "tokenType": "Bearer"}'`;
  const folder = await mkdtemp(join(tmpdir(), 'dps-enroll-fake-az-'));
  const saved = {
    PATH: process.env.PATH,
    AZURE_TOKEN_CREDENTIALS: process.env.AZURE_TOKEN_CREDENTIALS,
  };
  try {
    const az = join(folder, 'az');
    await writeFile(az, `#!/bin/sh\n${script}\n`);
    await chmod(az, 0o755);
    process.env.PATH = `${folder}${delimiter}${process.env.PATH ?? ''}`;
    process.env.AZURE_TOKEN_CREDENTIALS = 'AzureCliCredential';
    await body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await rm(folder, {recursive: true, force: true});
  }
}

import {randomBytes, randomUUID} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {writeFileAtomic} from './files.js';

/** A shared access policy of the DPS (what ARM listkeys returns). */
export type AccessPolicy = {
  keyName: string;
  primaryKey: string;
  secondaryKey: string;
  rights: ServiceRight[];
};

export type ServiceRight =
  | 'ServiceConfig'
  | 'DeviceConnect'
  | 'EnrollmentRead'
  | 'EnrollmentWrite'
  | 'RegistrationStatusRead'
  | 'RegistrationStatusWrite';

export type LinkedHub = {hostName: string; location: string};

/** The sandbox's identity: which DPS it pretends to be, its keys and its hubs. Created once per state folder. */
export type Sandbox = {
  subscriptionId: string;
  resourceGroup: string;
  dpsName: string;
  location: string;
  idScope: string;
  policies: AccessPolicy[];
  linkedHubs: LinkedHub[];
  /** Signs the sandbox's bearer tokens (ARM, and the service API's token credential). */
  tokenSecret: string;
};

export const ownerPolicyName = 'provisioningserviceowner';
export const readOnlyPolicyName = 'enrollmentread';

const sandboxFileName = 'sandbox.json';

export function createSandbox(): Sandbox {
  const suffix = randomBytes(3).toString('hex');
  return {
    subscriptionId: randomUUID(),
    resourceGroup: 'dps-enroll-sandbox',
    dpsName: `sandbox-dps-${suffix}`,
    location: 'westeurope',
    idScope: `0ne${randomBytes(4).toString('hex').toUpperCase()}`,
    policies: [
      {
        keyName: ownerPolicyName,
        primaryKey: newKey(),
        secondaryKey: newKey(),
        rights: [
          'ServiceConfig',
          'DeviceConnect',
          'EnrollmentRead',
          'EnrollmentWrite',
          'RegistrationStatusRead',
          'RegistrationStatusWrite',
        ],
      },
      {
        keyName: readOnlyPolicyName,
        primaryKey: newKey(),
        secondaryKey: newKey(),
        rights: ['EnrollmentRead', 'RegistrationStatusRead'],
      },
    ],
    linkedHubs: [
      {hostName: `sandbox-hub-weu-${suffix}.azure-devices.net`, location: 'westeurope'},
      {hostName: `sandbox-hub-eus-${suffix}.azure-devices.net`, location: 'eastus'},
    ],
    tokenSecret: randomBytes(32).toString('base64'),
  };
}

/** Reads the state folder's sandbox identity, creating and saving it (mode 0600: it holds keys) the first time. */
export async function loadOrCreateSandbox(stateDir: string): Promise<Sandbox> {
  const path = join(stateDir, sandboxFileName);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    const sandbox = createSandbox();
    await writeFileAtomic(path, `${JSON.stringify(sandbox, null, 2)}\n`, 0o600);
    return sandbox;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; move it away to start a new sandbox`);
  }
  if (!isSandbox(parsed)) {
    throw new Error(`${path} is not a sandbox identity; move it away to start a new sandbox`);
  }
  return parsed;
}

export function ownerPolicy(sandbox: Sandbox): AccessPolicy {
  const policy = sandbox.policies.find((candidate) => candidate.keyName === ownerPolicyName);
  if (!policy) throw new Error(`the sandbox has no ${ownerPolicyName} policy`);
  return policy;
}

function newKey(): string {
  return randomBytes(32).toString('base64');
}

function isSandbox(value: unknown): value is Sandbox {
  if (typeof value !== 'object' || value === null) return false;
  const sandbox = value as Partial<Sandbox>;
  return (
    typeof sandbox.subscriptionId === 'string' &&
    typeof sandbox.resourceGroup === 'string' &&
    typeof sandbox.dpsName === 'string' &&
    typeof sandbox.location === 'string' &&
    typeof sandbox.idScope === 'string' &&
    typeof sandbox.tokenSecret === 'string' &&
    Array.isArray(sandbox.policies) &&
    sandbox.policies.some((policy) => policy.keyName === ownerPolicyName) &&
    Array.isArray(sandbox.linkedHubs) &&
    sandbox.linkedHubs.length >= 1
  );
}

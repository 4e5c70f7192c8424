import {spawn} from 'node:child_process';
import {constants} from 'node:fs';
import {createHash} from 'node:crypto';
import {access, chmod, copyFile, mkdir, open, readFile, rename, rm} from 'node:fs/promises';
import {delimiter, dirname, join} from 'node:path';
import {defaultDevicePaths, devicePathProblem, provisioningToml} from '../outputs/config-toml.js';
import {mergeProvisioning} from './config-merge.js';
import type {
  InstallFileKind,
  IotEdgeConfigApplyResult,
  IotEdgeInstallPlan,
  IotEdgeInstallRequest,
  IotEdgeInstallResult,
  PlannedFile,
} from './types.js';

export const defaultConfigPath = '/etc/aziot/config.toml';
export const defaultGlobalEndpoint = 'https://global.azure-devices-provisioning.net';
export const configApplyCommand = 'sudo iotedge config apply';

/** A path or value in the install request that cannot be used; nothing was read or written. */
export class InstallRequestError extends Error {
  override name = 'InstallRequestError';
}

/** config.toml changed between the plan and its application; nothing was written. */
export class StalePlanError extends Error {
  override name = 'StalePlanError';
}

/** Who owns each file and its mode, as IoT Edge's own packages set them up. */
const expected: Record<InstallFileKind, {user: string; mode: number; folderMode: number}> = {
  config: {user: 'root', mode: 0o600, folderMode: 0o755},
  certificate: {user: 'aziotcs', mode: 0o644, folderMode: 0o755},
  'private-key': {user: 'aziotks', mode: 0o600, folderMode: 0o700},
};

/**
 * Works out what installing on this IoT Edge device would write, without writing anything: config.toml with
 * its [provisioning] replaced (or created), the identity certificate chain and key, their owners and modes,
 * and a backup of the current config.toml. The operator reads `changes` and `notes` before applying.
 */
export async function planIotEdgeInstall(
  request: IotEdgeInstallRequest,
): Promise<IotEdgeInstallPlan> {
  const root = request.root ?? '/';
  const defaults = defaultDevicePaths(request.registrationId);
  const configPath = request.configPath ?? defaultConfigPath;
  const certPath = request.identityCertPath ?? defaults.identityCertPath;
  const keyPath = request.identityKeyPath ?? defaults.identityKeyPath;
  for (const [what, path] of [
    ['config.toml', configPath],
    ['identity certificate', certPath],
    ['identity key', keyPath],
  ] as const) {
    const problem = devicePathProblem(path);
    if (problem)
      throw new InstallRequestError(`the ${what} path "${path}" cannot be used: ${problem}`);
  }
  if (new Set([configPath, certPath, keyPath]).size < 3) {
    throw new InstallRequestError(
      'config.toml, the identity certificate and the identity key need three different paths',
    );
  }
  if (!request.privateKeyPem.includes('PRIVATE KEY-----')) {
    throw new InstallRequestError('the identity key is not a PEM private key');
  }

  const section = provisioningToml({
    globalEndpoint: request.globalEndpoint ?? defaultGlobalEndpoint,
    idScope: request.idScope,
    registrationId: request.registrationId,
    identityCertPath: certPath,
    identityKeyPath: keyPath,
    ...(request.sandbox ? {sandbox: true} : {}),
  })
    // The template's header says where to paste it; here it is already in place.
    .replace(/^(#[^\n]*\n)*/, '');
  const current = await readOptional(join(root, configPath));
  const merged = mergeProvisioning(current, section);
  const users = await readUsers(root);

  const notes: string[] = [];
  const changes: string[] = [];
  const contents = new Map<string, string>();
  const files: PlannedFile[] = [];
  const add = async (kind: InstallFileKind, devicePath: string, text: string) => {
    const writePath = join(root, devicePath);
    const existing = kind === 'config' ? current : await readOptional(writePath);
    const change = existing === undefined ? 'create' : existing === text ? 'unchanged' : 'replace';
    const {user, mode} = expected[kind];
    const owner = users.get(user);
    files.push({
      kind,
      devicePath,
      writePath,
      change,
      mode,
      ...(owner ? {owner: {user, ...owner}} : {}),
    });
    contents.set(writePath, text);
    const ownership = `${owner ? `owner ${user}` : 'owner unchanged'}, mode ${mode.toString(8)}`;
    if (kind !== 'config') changes.push(`${change} ${devicePath} (${ownership})`);
    if (!owner) {
      notes.push(
        `the user ${user} does not exist on this machine (is IoT Edge installed?): ${devicePath} keeps its owner and gets mode ${mode.toString(8)}`,
      );
    }
    return change;
  };

  const configChange = await add('config', configPath, merged.text);
  let backupPath: string | undefined;
  if (configChange === 'create') {
    changes.unshift(`create ${configPath} with the [provisioning] section`);
  } else if (configChange === 'replace') {
    backupPath = `${configPath}.bak-${timestamp(request.now ?? new Date())}`;
    const replaced =
      merged.replacedTables.length > 0
        ? `replace ${merged.replacedTables.join(', ')}`
        : 'add a [provisioning] section';
    changes.unshift(
      `${configPath}: ${replaced}; the rest of the file stays as it is; the current file is kept as ${backupPath}`,
    );
  } else {
    changes.unshift(`${configPath}: already has this [provisioning] section (unchanged)`);
  }
  if (merged.conflicts.length > 0) {
    notes.push(
      `config.toml sets ${merged.conflicts.join('; ')} outside a table, which clashes with [provisioning]: remove it by hand`,
    );
  }
  if (request.sandbox) {
    notes.push(
      "the ID scope is the local sandbox's: a device provisions only against DPS in Azure, with its ID scope",
    );
  }
  await add('certificate', certPath, ensureNewline(request.certificateChainPem));
  await add('private-key', keyPath, ensureNewline(request.privateKeyPem));

  return {
    root,
    files,
    ...(backupPath ? {backupPath} : {}),
    changes,
    notes,
    configText: merged.text,
    applyCommand: configApplyCommand,
    ...(current !== undefined ? {configSha256: sha256(current)} : {}),
    contents,
  };
}

/**
 * Writes what the plan lists, after the operator agreed to it: backs up config.toml first, writes each file
 * through a temporary file (mode set before any content, so the key is never readable by others), sets the
 * owners IoT Edge expects where possible, then renames it into place. Refuses if config.toml changed since.
 */
export async function applyIotEdgeInstall(plan: IotEdgeInstallPlan): Promise<IotEdgeInstallResult> {
  const config = plan.files.find((file) => file.kind === 'config');
  if (config) {
    const now = await readOptional(config.writePath);
    const nowSha = now === undefined ? undefined : sha256(now);
    if (nowSha !== plan.configSha256) {
      throw new StalePlanError(
        `${config.devicePath} changed since the plan was made; nothing was written: plan again and review the changes`,
      );
    }
  }
  const warnings: string[] = [];
  const written: IotEdgeInstallResult['written'] = [];
  if (plan.backupPath && config) {
    const backup = join(plan.root, plan.backupPath);
    await copyFile(config.writePath, backup, constants.COPYFILE_EXCL);
    await chmod(backup, 0o600);
  }
  for (const file of plan.files) {
    const text = plan.contents.get(file.writePath);
    if (text === undefined) throw new Error(`the plan has no contents for ${file.devicePath}`);
    await mkdir(dirname(file.writePath), {recursive: true, mode: expected[file.kind].folderMode});
    const ownerSet = await writeFileOwned(file, text);
    if (file.owner && !ownerSet) {
      warnings.push(
        `could not make ${file.owner.user} the owner of ${file.devicePath} (not running as root): run with sudo, or \`sudo chown ${file.owner.user} ${file.devicePath}\``,
      );
    }
    written.push({
      devicePath: file.devicePath,
      writePath: file.writePath,
      mode: file.mode,
      ...(file.owner && ownerSet ? {owner: file.owner.user} : {}),
    });
  }
  return {
    written,
    ...(plan.backupPath ? {backupPath: plan.backupPath} : {}),
    warnings,
    applyCommand: plan.applyCommand,
  };
}

/** Writes one file atomically with its mode from the start; resolves whether the owner could be set. */
async function writeFileOwned(file: PlannedFile, text: string): Promise<boolean> {
  const temporary = `${file.writePath}.${process.pid}.tmp`;
  const handle = await open(temporary, 'wx', file.mode);
  let ownerSet = false;
  try {
    await handle.chmod(file.mode); // open() applies the umask; set the mode exactly
    if (file.owner) {
      try {
        await handle.chown(file.owner.uid, file.owner.gid);
        ownerSet = true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'EINVAL') throw error;
      }
    }
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, {force: true});
    throw error;
  }
  await handle.close();
  await rename(temporary, file.writePath);
  return ownerSet;
}

/**
 * Runs `iotedge config apply` (through `sudo -n` unless running as root, so a password prompt never waits
 * unseen) when `iotedge` is on PATH. Only on the operator's request.
 */
export async function runIotEdgeConfigApply(
  options: {path?: string; sudo?: boolean} = {},
): Promise<IotEdgeConfigApplyResult> {
  const path = options.path ?? process.env.PATH ?? '';
  if (!(await onPath('iotedge', path))) {
    return {
      ran: false,
      output: `iotedge is not on PATH: install IoT Edge on this device, then run: ${configApplyCommand}`,
    };
  }
  const sudo = options.sudo ?? process.getuid?.() !== 0;
  const [command, ...args] = sudo
    ? ['sudo', '-n', 'iotedge', 'config', 'apply']
    : ['iotedge', 'config', 'apply'];
  return new Promise((resolve) => {
    const child = spawn(command!, args, {
      env: {...process.env, PATH: path},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve({
        ran: false,
        output: `${command} could not be started (${error.code ?? error.message}): run ${configApplyCommand} yourself`,
      }),
    );
    child.on('close', (code) => resolve({ran: true, exitCode: code ?? 1, output}));
  });
}

/** Whether a command of that name is in one of the folders of `path` (a PATH value), executable. */
export async function onPath(name: string, path: string): Promise<boolean> {
  for (const folder of path.split(delimiter).filter(Boolean)) {
    try {
      await access(join(folder, name), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

/** Users of the machine under `root` (its /etc/passwd): name to uid and primary gid. */
async function readUsers(root: string): Promise<Map<string, {uid: number; gid: number}>> {
  const users = new Map<string, {uid: number; gid: number}>();
  const passwd = await readOptional(join(root, 'etc/passwd'));
  for (const line of passwd?.split('\n') ?? []) {
    const [name, , uid, gid] = line.split(':');
    if (name && /^\d+$/.test(uid ?? '') && /^\d+$/.test(gid ?? '')) {
      users.set(name, {uid: Number(uid), gid: Number(gid)});
    }
  }
  return users;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** 2026-12-05T21:15:03.120Z -> 20261205T211503Z */
function timestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

import type {KeyObject} from 'node:crypto';
import {resolve} from 'node:path';
import {createInterface} from 'node:readline/promises';
import {UsageError, parseCommandArgs} from './args.js';
import {printJson, readPassphrase, withFileName} from './certs-output.js';
import {readCertificateFile, readPrivateKeyFile} from '../certs/read.js';
import {CertificateReadError} from '../certs/read-errors.js';
import {formatFindings, hasErrors} from '../certs/findings.js';
import {defaultStateDir} from '../emulator/state-dir.js';
import type {EmulatorInfo} from '../emulator/types.js';
import {preflightRegistration} from '../device/preflight.js';
import {leafCommonName, registerDevice, sandboxDeviceTarget} from '../device/register.js';
import {explainRefusal} from '../device/explain.js';
import {
  applyIotEdgeInstall,
  InstallRequestError,
  planIotEdgeInstall,
  runIotEdgeConfigApply,
} from '../device/iot-edge-install.js';
import type {
  DeviceRegistrationAssigned,
  DeviceRegistrationResult,
  DeviceTarget,
  IotEdgeInstallPlan,
  IotEdgeInstallResult,
  RegistrationStage,
} from '../device/types.js';
import {globalDeviceHost} from '../device/types.js';

const installFlags = [
  'config',
  'identity-cert-path',
  'identity-key-path',
  'root',
  'yes',
  'config-apply',
] as const;

/** Runs `dps-enroll device <subcommand> ...`; resolves to the exit code, throws UsageError for exit code 2. */
export async function runDeviceCommand(argv: string[]): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined) throw new UsageError('device needs a subcommand: register');
  if (subcommand !== 'register') throw new UsageError(`unknown device subcommand "${subcommand}"`);
  const json = rest.includes('--json');
  try {
    return await runRegister(rest);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof InstallRequestError) throw new UsageError(error.message);
    const message = error instanceof Error ? error.message : String(error);
    const reason = error instanceof CertificateReadError ? error.reason : undefined;
    if (json) printJson({ok: false, error: {message, ...(reason ? {reason} : {})}});
    process.stderr.write(`dps-enroll device register: ${message}\n`);
    return 1;
  }
}

async function runRegister(argv: string[]): Promise<number> {
  const {values} = parseCommandArgs(argv, {
    cert: {type: 'string'},
    key: {type: 'string'},
    'registration-id': {type: 'string'},
    'id-scope': {type: 'string'},
    sandbox: {type: 'boolean'},
    'state-dir': {type: 'string'},
    transport: {type: 'string'},
    'passphrase-file': {type: 'string'},
    json: {type: 'boolean'},
    'install-iot-edge': {type: 'boolean'},
    config: {type: 'string'},
    'identity-cert-path': {type: 'string'},
    'identity-key-path': {type: 'string'},
    root: {type: 'string'},
    yes: {type: 'boolean'},
    'config-apply': {type: 'boolean'},
  });
  if (!values.cert) throw new UsageError('device register needs --cert FILE');
  if (!values.key) throw new UsageError('device register needs --key FILE');
  const transport = values.transport ?? 'https';
  if (transport !== 'https' && transport !== 'mqtt') {
    throw new UsageError(`--transport must be https or mqtt, got "${transport}"`);
  }
  const idScope = values['id-scope'];
  if (idScope !== undefined && !/^[\w-]{1,64}$/.test(idScope)) {
    throw new UsageError(`--id-scope "${idScope}" is not an ID scope (e.g. 0ne00ABCDEF)`);
  }
  const useSandbox = values.sandbox === true || idScope === undefined;
  if (!useSandbox && values['state-dir'] !== undefined) {
    throw new UsageError('--state-dir is for the sandbox: add --sandbox, or leave out --id-scope');
  }
  const stray = installFlags.find((flag) => values[flag] !== undefined);
  if (stray && !values['install-iot-edge']) {
    throw new UsageError(`--${stray} goes with --install-iot-edge`);
  }
  const json = values.json === true;
  const say = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };

  // Local checks first: a wrong key or CN is found here rather than as a 401.
  const passphrase = await readPassphrase(values['passphrase-file']);
  const certPath = values.cert;
  const keyPath = values.key;
  const bundle = await withFileName('--cert ', certPath, () =>
    readCertificateFile(certPath, {passphrase}),
  );
  const privateKey: KeyObject = await withFileName('--key ', keyPath, () =>
    readPrivateKeyFile(keyPath, {passphrase}),
  );
  // In file order, as the device presents it: the first certificate is the device's.
  const chain = bundle.certificates;
  const registrationId = values['registration-id'];
  const findings = preflightRegistration({
    chain,
    privateKey,
    ...(registrationId !== undefined ? {registrationId} : {}),
  });
  const problems = findings.filter((finding) => finding.severity !== 'info');
  if (hasErrors(findings)) {
    if (json) printJson({ok: false, preflight: findings});
    process.stderr.write(
      `dps-enroll device register: the local checks failed; nothing was sent to DPS\n${formatFindings(problems)}\n`,
    );
    return 1;
  }
  if (problems.length > 0 && !json) process.stderr.write(`${formatFindings(problems)}\n`);

  const certificateChainPem = chain.map((certificate) => certificate.toString()).join('');
  const privateKeyPem = privateKey.export({type: 'pkcs8', format: 'pem'}).toString();
  const id = registrationId ?? leafCommonName(certificateChainPem) ?? '';

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const sandbox = useSandbox ? await startSandbox(values['state-dir']) : undefined;
  let result: DeviceRegistrationResult;
  try {
    const target: DeviceTarget = sandbox
      ? {
          ...sandboxDeviceTarget(sandbox.info, sandbox.caCertificatePem),
          ...(idScope ? {idScope} : {}),
        }
      : {kind: 'global', idScope: idScope!};
    const where = sandbox
      ? `the sandbox (ID scope ${target.idScope}, state in ${sandbox.stateDir})`
      : `DPS in Azure (${globalDeviceHost}, ID scope ${target.idScope})`;
    say(`Registering "${id}" with ${where} over ${transport.toUpperCase()}`);
    result = await registerDevice({
      target,
      certificateChainPem,
      privateKeyPem,
      ...(registrationId !== undefined ? {registrationId} : {}),
      transport,
      signal: controller.signal,
      onStage: (stage) => say(`  ${stageText[stage]}`),
    });
  } finally {
    process.off('SIGINT', onSigint);
    await sandbox?.close();
  }

  if (result.status === 'refused') {
    const explanation = explainRefusal(result);
    if (json) printJson({ok: false, registration: result, explanation, preflight: findings});
    const answer = [
      result.httpStatus !== undefined ? `HTTP ${result.httpStatus}` : undefined,
      result.errorCode !== undefined ? `error ${result.errorCode}` : undefined,
    ].filter(Boolean);
    process.stderr.write(
      [
        `dps-enroll device register: refused${answer.length > 0 ? ` (${answer.join(', ')})` : ''}: ${result.message}`,
        `  cause: ${explanation.cause}`,
        `  fix:   ${explanation.fix}`,
        ...(result.trackingId ? [`  tracking ID: ${result.trackingId}`] : []),
        '',
      ].join('\n'),
    );
    return 1;
  }

  say(`Assigned to ${result.assignedHub}`);
  say(`  device ID:       ${result.deviceId}`);
  say(`  substatus:       ${result.substatus}`);
  say(`  registration ID: ${result.registrationId}`);

  if (!values['install-iot-edge']) {
    if (json) printJson({ok: true, registration: result, preflight: findings});
    return 0;
  }
  const install = await installOnDevice(result, {
    idScope: sandbox ? (idScope ?? sandbox.info.idScope) : idScope!,
    sandbox: sandbox !== undefined,
    certificateChainPem,
    privateKeyPem,
    values,
    json,
    say,
  });
  if (json) printJson({ok: install.ok, registration: result, preflight: findings, install});
  return install.ok ? 0 : 1;
}

const stageText: Record<RegistrationStage, string> = {
  connecting: 'connecting (mutual TLS with the device certificate)',
  registering: 'registering',
  'waiting-for-assignment': 'waiting for DPS to assign a hub',
};

type InstallReport = {
  ok: boolean;
  changes: string[];
  notes: string[];
  written?: IotEdgeInstallResult['written'];
  backupPath?: string;
  warnings?: string[];
  applyCommand: string;
  configApply?: {ran: boolean; exitCode?: number; output: string};
  message?: string;
};

async function installOnDevice(
  assigned: DeviceRegistrationAssigned,
  options: {
    idScope: string;
    sandbox: boolean;
    certificateChainPem: string;
    privateKeyPem: string;
    values: Partial<Record<(typeof installFlags)[number], string | boolean | undefined>>;
    json: boolean;
    say: (line: string) => void;
  },
): Promise<InstallReport> {
  const {values, say} = options;
  const text = (name: (typeof installFlags)[number]) =>
    typeof values[name] === 'string' ? values[name] : undefined;
  const root = text('root');
  const configPath = text('config');
  const certPath = text('identity-cert-path');
  const keyPath = text('identity-key-path');
  const plan: IotEdgeInstallPlan = await planIotEdgeInstall({
    ...(root !== undefined ? {root: resolve(root)} : {}),
    ...(configPath !== undefined ? {configPath} : {}),
    ...(certPath !== undefined ? {identityCertPath: certPath} : {}),
    ...(keyPath !== undefined ? {identityKeyPath: keyPath} : {}),
    idScope: options.idScope,
    registrationId: assigned.registrationId,
    certificateChainPem: options.certificateChainPem,
    privateKeyPem: options.privateKeyPem,
    ...(options.sandbox ? {sandbox: true} : {}),
  });
  const report: InstallReport = {
    ok: false,
    changes: plan.changes,
    notes: plan.notes,
    applyCommand: plan.applyCommand,
  };
  say(`\nInstalling on this IoT Edge device${plan.root === '/' ? '' : ` (under ${plan.root})`}:`);
  for (const change of plan.changes) say(`  ${change}`);
  for (const note of plan.notes) say(`  note: ${note}`);
  if (!values.yes && !(await confirm('Write these files? [y/N] ', options.json))) {
    report.message = 'nothing was written: confirm with --yes (or answer y)';
    process.stderr.write(`dps-enroll device register: ${report.message}\n`);
    return report;
  }
  const result = await applyIotEdgeInstall(plan);
  Object.assign(report, {
    ok: true,
    written: result.written,
    warnings: result.warnings,
    ...(result.backupPath ? {backupPath: result.backupPath} : {}),
  });
  for (const file of result.written) {
    say(
      `  wrote ${file.devicePath} (mode ${file.mode.toString(8)}${file.owner ? `, owner ${file.owner}` : ''})`,
    );
  }
  if (result.backupPath) say(`  the previous config.toml is kept as ${result.backupPath}`);
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (values['config-apply']) {
    const applied = await runIotEdgeConfigApply();
    report.configApply = applied;
    if (!options.json && applied.output) process.stdout.write(applied.output);
    if (!applied.ran || applied.exitCode !== 0) {
      report.ok = false;
      process.stderr.write(
        `dps-enroll device register: ${applied.ran ? `${plan.applyCommand} exited with ${applied.exitCode}` : applied.output}\n`,
      );
    }
  } else {
    say(`Next, to make IoT Edge use it: ${plan.applyCommand}`);
  }
  return report;
}

/** Asks on the terminal; without one (a script, a pipe) the answer is no. */
async function confirm(question: string, json: boolean): Promise<boolean> {
  if (json || !process.stdin.isTTY) return false;
  const prompt = createInterface({input: process.stdin, output: process.stdout});
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

type StartedSandbox = {
  info: EmulatorInfo;
  caCertificatePem: string;
  stateDir: string;
  close(): Promise<void>;
};

/** The sandbox in this process, on its state folder, as the wizard opens it. */
async function startSandbox(stateDirOption: string | undefined): Promise<StartedSandbox> {
  const stateDir = resolve(stateDirOption ?? defaultStateDir());
  const {startEmulator} = await import('../emulator/emulator.js');
  try {
    const emulator = await startEmulator({port: 0, stateDir});
    return {
      info: emulator.info,
      caCertificatePem: emulator.caCertificatePem,
      stateDir,
      close: () => emulator.close(),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/is in use by another emulator/.test(message)) {
      throw new Error(
        `the sandbox state folder ${stateDir} is in use by another dps-enroll wizard or emulator; close it first, or give this command its own folder with --state-dir`,
      );
    }
    throw new Error(`could not start the sandbox in ${stateDir}: ${message}`);
  }
}

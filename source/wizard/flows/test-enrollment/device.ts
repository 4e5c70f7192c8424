import {enrollmentIdProblem, maxX509RegistrationIdLength} from '../../../dps/index.js';
import {loadedCertificate} from '../../shared/certificate-field.js';
import {globalEndpointOf} from '../../shared/outputs-view.js';
import type {DeviceFiles, EdgeInstallRequest} from '../../shared/services.js';
import type {ConnectionInfo} from '../../shared/types.js';
import type {RegisterDevice, TestEnrollmentFlow, TestEnrollmentStep} from './state.js';

/** The device under test: its steps in order, its IDs, what is registered and what is installed. */

export const registrationIdOf = (flow: TestEnrollmentFlow): string =>
  flow.registrationId.value.trim();

/** The ID scope the device registers in: the connection's, or the one typed (connection string). */
export function idScopeOf(flow: TestEnrollmentFlow, info: ConnectionInfo | undefined): string {
  return info?.idScope ?? flow.idScope.value.trim();
}

/** Registering against Azure creates the device in IoT Hub: it is asked first. */
export const asksFirst = (info: ConnectionInfo | undefined): boolean => info?.mode !== 'sandbox';

/** The certificate file holds the leaf alone: a chain file may be given with it. */
export function leafOnly(flow: TestEnrollmentFlow): boolean {
  return (loadedCertificate(flow.certificate)?.moreCertificates ?? 0) === 0;
}

/** The steps of the form, in order: the chain only for a leaf alone, the ID scope only when unknown. */
export function formSteps(
  flow: TestEnrollmentFlow,
  info: ConnectionInfo | undefined,
): TestEnrollmentStep[] {
  return [
    'certificate',
    ...(leafOnly(flow) ? (['chain'] as const) : []),
    'key',
    'registration-id',
    ...(info?.idScope === undefined ? (['id-scope'] as const) : []),
    'transport',
    'preflight',
  ];
}

export function nextStep(
  flow: TestEnrollmentFlow,
  info: ConnectionInfo | undefined,
): TestEnrollmentStep {
  const steps = formSteps(flow, info);
  return steps[steps.indexOf(flow.step) + 1] ?? 'preflight';
}

/** Where Esc goes; undefined means the home screen. */
export function previousStep(
  flow: TestEnrollmentFlow,
  info: ConnectionInfo | undefined,
): TestEnrollmentStep | undefined {
  switch (flow.step) {
    case 'confirm':
    case 'refused':
      return 'preflight';
    case 'write-config':
      return flow.configFrom ?? 'preflight';
    case 'install-plan':
    case 'installed':
      return flow.assignment ? 'assigned' : 'preflight';
    case 'assigned':
      return undefined;
    default: {
      const steps = formSteps(flow, info);
      const index = steps.indexOf(flow.step);
      return index > 0 ? steps[index - 1] : undefined;
    }
  }
}

export function registrationIdProblem(flow: TestEnrollmentFlow): string | undefined {
  const problem = enrollmentIdProblem(
    registrationIdOf(flow),
    'registration ID',
    maxX509RegistrationIdLength,
  );
  return problem?.message;
}

const idScopePattern = /^0ne[0-9A-F]{8}$/i;

export function idScopeProblem(idScope: string): string | undefined {
  if (idScope === '') {
    return "type the DPS's ID scope: it is on the DPS Overview page in the Azure portal (az iot dps show --query properties.idScope)";
  }
  if (!idScopePattern.test(idScope)) {
    return `'${idScope}' is not an ID scope: it is 0ne followed by 8 hexadecimal characters, e.g. 0ne0012345F`;
  }
  return undefined;
}

/** The chain path given with a leaf alone, or undefined. */
function chainPathOf(flow: TestEnrollmentFlow): string | undefined {
  const path = flow.chain.path.value.trim();
  return leafOnly(flow) && path !== '' ? path : undefined;
}

/** The device's files as typed: what the check, the registration and the install are given. */
export function deviceFiles(flow: TestEnrollmentFlow): DeviceFiles {
  const chainPath = chainPathOf(flow);
  return {
    certificatePath: flow.certificate.path.value.trim(),
    ...(chainPath ? {chainPath} : {}),
    keyPath: flow.key.path.value.trim(),
  };
}

export function registerRequest(
  flow: TestEnrollmentFlow,
  info: ConnectionInfo | undefined,
): RegisterDevice {
  return {
    ...deviceFiles(flow),
    registrationId: registrationIdOf(flow),
    idScope: idScopeOf(flow, info),
    transport: flow.transport,
    ...(info?.deviceEndpoint ? {endpoint: info.deviceEndpoint} : {}),
  };
}

/**
 * A group's device gets a config.toml of its own (its CN as registration ID): offered when the test was
 * opened for a group, or from home when the device's certificate comes with a chain (a CA issued it).
 */
export function configOffered(flow: TestEnrollmentFlow): boolean {
  if (flow.group !== undefined) return true;
  if (flow.individual) return false;
  const chain = loadedCertificate(flow.certificate)?.moreCertificates ?? 0;
  return chain > 0 || chainPathOf(flow) !== undefined;
}

export function edgeInstallRequest(
  flow: TestEnrollmentFlow,
  info: ConnectionInfo | undefined,
): EdgeInstallRequest {
  return {
    ...deviceFiles(flow),
    idScope: idScopeOf(flow, info),
    registrationId: registrationIdOf(flow),
    globalEndpoint: globalEndpointOf(info),
    sandbox: info?.mode === 'sandbox',
  };
}

import type {DeviceRegistrationRefusal, RefusalKind} from './types.js';

/** Builds a refusal with the request's registration ID, ID scope and target filled in. */
export type Refuse = (
  kind: RefusalKind,
  message: string,
  extra?: Partial<DeviceRegistrationRefusal>,
) => DeviceRegistrationRefusal;

type SdkError = Error & {
  code?: string | number;
  result?: unknown;
  responseBody?: unknown;
  response?: {statusCode?: number; headers?: Record<string, string | string[] | undefined>};
  transportObject?: {
    statusCode?: number;
    topic?: string;
    headers?: Record<string, string | string[] | undefined>;
  };
};

/** DPS's error body (ProvisioningServiceErrorDetails) or a failed operation's registrationState. */
type ErrorDetails = {
  errorCode?: number;
  message?: string;
  errorMessage?: string;
  trackingId?: string;
};

const tlsCodes =
  /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME|ALTNAME|DEPTH_ZERO/;
const networkCodes =
  /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)$/;

/**
 * Reads an error of the device SDK (HTTP: the RestApiClient's error with response and responseBody;
 * MQTT: translateError's with the response topic; a failed operation: the operation body) or of the
 * socket beneath it.
 */
export function refusalFromSdkError(error: Error, refuse: Refuse): DeviceRegistrationRefusal {
  const sdkError = error as SdkError;
  const httpStatus = statusOf(sdkError);
  const details = detailsOf(sdkError);
  const code = typeof sdkError.code === 'string' ? sdkError.code : undefined;
  if (httpStatus !== undefined || details) {
    const headers = sdkError.response?.headers ?? sdkError.transportObject?.headers;
    const retryAfter = Number(headerValue(headers, 'retry-after'));
    return refuse('dps', details?.message ?? details?.errorMessage ?? error.message, {
      ...(httpStatus !== undefined ? {httpStatus} : {}),
      ...(details?.errorCode !== undefined ? {errorCode: details.errorCode} : {}),
      ...(details?.trackingId ? {trackingId: details.trackingId} : {}),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? {retryAfterSeconds: retryAfter} : {}),
    });
  }
  if (operationStatus(sdkError) === 'disabled') {
    // DPS answers a disabled enrollment with the operation status "disabled", which the SDK cannot read.
    return refuse(
      'dps',
      'DPS answered with the registration status "disabled": the enrollment is disabled',
    );
  }
  if (error.name === 'TimeoutError')
    return refuse('timeout', 'DPS did not answer within 30 seconds');
  if (error.name === 'OperationCancelledError')
    return refuse('cancelled', 'the registration was cancelled');
  if (code && tlsCodes.test(code)) return refuse('tls', error.message, {networkCode: code});
  if (code && networkCodes.test(code)) return refuse('network', error.message, {networkCode: code});
  if (/Connection refused: (Not authorized|Bad username or password)/i.test(error.message)) {
    // MQTT's CONNACK refusal: DPS closed the door before any request.
    return refuse('dps', error.message, {httpStatus: 401});
  }
  if (error.name === 'NotConnectedError' || /connect|socket|closed/i.test(error.message)) {
    return refuse('network', error.message, code ? {networkCode: code} : {});
  }
  return refuse('unexpected', `${error.name}: ${error.message}`);
}

function operationStatus(error: SdkError): string | undefined {
  const result = error.result as
    {status?: unknown; registrationState?: {status?: unknown}} | undefined;
  const status = result?.registrationState?.status ?? result?.status;
  return typeof status === 'string' ? status.toLowerCase() : undefined;
}

function statusOf(error: SdkError): number | undefined {
  const status = error.response?.statusCode ?? error.transportObject?.statusCode;
  if (typeof status === 'number') return status;
  // MQTT answers on $dps/registrations/res/<status>/?$rid=...
  const topic = error.transportObject?.topic;
  const fromTopic = topic ? /\$dps\/registrations\/res\/(\d{3})\//.exec(topic)?.[1] : undefined;
  return fromTopic ? Number(fromTopic) : undefined;
}

function detailsOf(error: SdkError): ErrorDetails | undefined {
  const candidates = [error.result, error.responseBody];
  for (const candidate of candidates) {
    const value = typeof candidate === 'string' ? parseJson(candidate) : candidate;
    if (typeof value !== 'object' || value === null) continue;
    // A failed operation: {status:'failed', registrationState:{errorCode, errorMessage}}
    const state = (value as {registrationState?: unknown}).registrationState;
    const details = (typeof state === 'object' && state !== null ? state : value) as ErrorDetails;
    if (details.errorCode !== undefined || details.message || details.errorMessage) {
      return {
        ...(typeof details.errorCode === 'number' ? {errorCode: details.errorCode} : {}),
        ...(typeof details.message === 'string' ? {message: details.message} : {}),
        ...(typeof details.errorMessage === 'string' ? {errorMessage: details.errorMessage} : {}),
        ...(typeof details.trackingId === 'string' ? {trackingId: details.trackingId} : {}),
      };
    }
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function headerValue(
  headers: Record<string, string | string[] | undefined> | undefined,
  name: string,
): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

import type {Failure} from './types.js';

/** What went wrong and what to do next, for each kind of failure, in plain words. */
export function failureAdvice(failure: Failure): string {
  switch (failure.kind) {
    case 'unauthorized':
      return 'DPS did not accept the credentials: check the connection string (or sign in again), then retry.';
    case 'forbidden':
      return 'The credentials may read but not write enrollments: use a shared access policy with EnrollmentWrite, or an Azure role that allows it.';
    case 'stale-etag':
      return 'Someone changed this enrollment after it was read. Retry to read the current version and decide again.';
    case 'conflict':
      return 'An enrollment with this ID exists already. Retry to see it and choose whether to update it.';
    case 'throttled':
      return 'DPS is still throttling after several waits. Wait a minute, then retry.';
    case 'bad-request':
      return 'DPS refused a value: press e to edit, starting from the certificate.';
    case 'not-found':
      return 'DPS does not know it: check the DPS name and the linked hubs, then retry.';
    case 'network':
      return 'DPS could not be reached: check the network link, then retry.';
    case 'tls':
      return 'The TLS certificate of DPS could not be verified: check the clock and any proxy that intercepts TLS.';
    case 'server':
      return 'DPS had an internal error: retry in a moment.';
    case 'needs-arm':
      return 'This needs Azure sign-in (--dps-name, --resource-group, --subscription).';
    case 'cancelled':
      return 'Cancelled.';
    case 'file':
    case 'other':
    case 'unknown':
      return 'Retry, or press Esc to go back.';
  }
}

/** What to do about a failed call on CA certificates (ARM), in plain words. */
export function caFailureAdvice(failure: Failure): string {
  switch (failure.kind) {
    case 'unauthorized':
      return 'Azure did not accept the sign-in: sign in again (az login, or --device-code), then retry.';
    case 'forbidden':
      return "Your Azure role does not allow managing this DPS's certificates: ask for the Contributor role on the DPS, then retry.";
    case 'stale-etag':
      return 'The certificate changed in DPS meanwhile: retry to use its current version.';
    case 'not-found':
      return 'DPS does not have this certificate (deleted meanwhile?): go back to the list and refresh it with r.';
    case 'bad-request':
      return 'DPS refused the request (see above); a refused proof is fixed by a new code and a new verification certificate.';
    default:
      return failureAdvice(failure);
  }
}

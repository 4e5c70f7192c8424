import {caCertificateCommands} from '../../../outputs/az-commands.js';
import {azTarget} from '../../shared/outputs-view.js';
import type {ConnectionInfo} from '../../shared/types.js';
import type {CaFlow} from './state.js';

/** The texts of the CA flow: the az commands of what it did, and what stays on screen after exit. */

/** The az commands that do what this loop did: upload, then (unless verified on upload) the proof. */
export function caAzCommands(flow: CaFlow, info: ConnectionInfo | undefined): string {
  const loaded =
    flow.certificateFile.status.state === 'loaded'
      ? flow.certificateFile.status.certificate
      : undefined;
  // The file added last is this certificate's only if it is the one DPS holds (not one chosen from the list).
  const ownFile =
    loaded &&
    (!flow.target?.thumbprint ||
      flow.target.thumbprint.toUpperCase() === loaded.summary.thumbprintSha1.toUpperCase());
  const file = loaded && ownFile ? loaded.absolutePath : '<CA certificate file>';
  // The verification certificate sent: the file saved from here, or the one picked on the manual path.
  const picked = flow.verificationFile.status;
  const manualProof =
    !flow.signedHere && picked.state === 'loaded' && picked.certificate.pem === flow.verificationPem
      ? picked.certificate.absolutePath
      : undefined;
  const proofPath = flow.savedPath ?? manualProof;
  if (flow.uploadedAs === undefined && !flow.verificationPem && flow.target?.isVerified) {
    return `# '${flow.target.name}' was verified in DPS before: there is nothing to run.`;
  }
  const verifiedOnUpload =
    flow.uploadedAs !== undefined && flow.target?.isVerified === true && !flow.verificationPem;
  const commands = caCertificateCommands(
    {
      name: flow.target?.name ?? flow.name.value.trim(),
      certificatePath: file,
      upload: flow.uploadedAs ?? 'none',
      ...(verifiedOnUpload ? {verified: true} : {}),
      ...(proofPath ? {verificationCertificatePath: proofPath} : {}),
    },
    azTarget(info),
  );
  return commands.join('\n\n');
}

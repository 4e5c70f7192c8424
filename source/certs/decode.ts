/** Certificates as DPS and ARM accept them (PEM, base64 of PEM or DER): the DPS gateway owns the rules. */
export {decodeCertificate} from '../dps/index.js';

import type {CallOptions} from './retry.js';

/**
 * What the wizard builds and reads when it talks to DPS. These mirror the service API's 2021-10-01 wire
 * shapes closely (so nothing is lost on a round trip) but belong to this project: no SDK type leaks out.
 */

export type ProvisioningStatus = 'enabled' | 'disabled';
export type EnrollmentAllocationPolicy = 'hashed' | 'geoLatency' | 'static' | 'custom';

/** The block DPS computes from a certificate; it returns certificates as this block only. */
export type CertificateInfo = {
  subjectName: string;
  sha1Thumbprint: string;
  sha256Thumbprint: string;
  issuerName: string;
  notBeforeUtc: string;
  notAfterUtc: string;
  serialNumber: string;
  version: number;
};

/** Send `certificate` (PEM) to set a certificate; sending back `info` alone keeps the stored one. */
export type CertificateEntry = {certificate?: string; info?: CertificateInfo};

export type CertificatePair = {
  primary?: CertificateEntry | null;
  secondary?: CertificateEntry | null;
};

export type X509Attestation = {
  type: 'x509';
  /** Individual enrollments: the device's own (leaf) certificate. */
  clientCertificates?: CertificatePair;
  /** Groups: an intermediate or root certificate uploaded into the group. */
  signingCertificates?: CertificatePair;
  /** Groups: names of CA certificates verified in DPS. */
  caReferences?: {primary?: string | null; secondary?: string | null};
};

/**
 * Any other attestation an existing record may have. Its details (symmetric keys, TPM keys) are never
 * read into the wizard.
 */
export type OtherAttestation = {type: 'symmetricKey' | 'tpm' | 'none'};

export type Attestation = X509Attestation | OtherAttestation;

export type TwinCollection = Record<string, unknown>;
export type InitialTwin = {tags?: TwinCollection; properties?: {desired?: TwinCollection}};

/** Fields shared by individual enrollments and enrollment groups. */
export type EnrollmentSettings = {
  attestation: Attestation;
  capabilities?: {iotEdge: boolean};
  provisioningStatus?: ProvisioningStatus;
  allocationPolicy?: EnrollmentAllocationPolicy;
  /** Host names of linked IoT hubs the devices may be assigned to. */
  iotHubs?: string[];
  iotHubHostName?: string;
  initialTwin?: InitialTwin;
  reprovisionPolicy?: {updateHubAssignment: boolean; migrateDeviceData: boolean};
  customAllocationDefinition?: {webhookUrl: string; apiVersion: string};
  /** Set on what DPS returns; send it back to update only that version (a mismatch is a stale etag). */
  etag?: string;
  readonly createdDateTimeUtc?: string;
  readonly lastUpdatedDateTimeUtc?: string;
};

export type IndividualEnrollment = EnrollmentSettings & {
  registrationId: string;
  deviceId?: string;
  readonly registrationState?: RegistrationState;
};

export type EnrollmentGroup = EnrollmentSettings & {enrollmentGroupId: string};

export type RegistrationState = {
  registrationId: string;
  deviceId?: string;
  assignedHub?: string;
  status?: 'unassigned' | 'assigning' | 'assigned' | 'failed' | 'disabled';
  substatus?: string;
  errorCode?: number;
  errorMessage?: string;
  createdDateTimeUtc?: string;
  lastUpdatedDateTimeUtc?: string;
  etag?: string;
};

export type PageRequest = {pageSize?: number; continuationToken?: string};
/** One page of a query; no continuationToken means this was the last page. */
export type Page<T> = {items: T[]; continuationToken?: string};

export type BulkMode = 'create' | 'update' | 'updateIfMatchETag' | 'delete';
export type BulkResult = {
  isSuccessful: boolean;
  /** `id` is the registration ID or enrollment group ID the error is about. */
  errors: Array<{id: string; errorCode: number; errorStatus: string}>;
};

/** A CA certificate resource of the DPS (ARM). */
export type CaCertificate = {
  name: string;
  /** Pass this to the next call on the certificate; every write changes it. */
  etag: string;
  subject?: string;
  /** SHA-1, upper-case hex. */
  thumbprint?: string;
  /** The public key's type and size, e.g. "RSA 2048" or "EC P-256" (read from the certificate). */
  keyType?: string;
  isVerified: boolean;
  /** The certificate as DPS stores it, PEM (when DPS returned it). */
  certificatePem?: string;
  expiry?: Date;
  created?: Date;
  updated?: Date;
};

export type VerificationCode = {
  name: string;
  /** The certificate's new etag: verify with this one. */
  etag: string;
  verificationCode: string;
};

export type LinkedHub = {
  hostName: string;
  location: string;
  allocationWeight?: number;
  applyAllocationPolicy?: boolean;
};

/** A shared access policy of the DPS: its name and rights, never its keys. */
export type AccessPolicy = {keyName: string; rights: string[]};

export type DpsResource = {
  name: string;
  id?: string;
  location?: string;
  idScope: string;
  /** Host of the service API (enrollments). */
  serviceHostName: string;
  /** Host devices register with (global endpoint). */
  deviceHostName: string;
  /** Allocation policy of the DPS as ARM spells it (Hashed, GeoLatency, Static). */
  allocationPolicy?: string;
  linkedHubs: LinkedHub[];
  accessPolicies: AccessPolicy[];
};

export type ConnectionMode = 'connection-string' | 'azure' | 'sandbox';

/** How the gateway is connected, for the UI to show and to decide what to offer. */
export type ConnectionSummary = {
  mode: ConnectionMode;
  serviceHostName: string;
  /** False when only a service connection string was given: CA certificates need Azure sign-in. */
  armAvailable: boolean;
  dpsName?: string;
  resourceGroup?: string;
  subscriptionId?: string;
};

/**
 * Everything the wizard does with DPS. Every failure is a DpsError (see errors.ts). Every call takes
 * `options` last: it is retried under the gateway's one retry policy (retry.ts); `options.signal` cancels
 * it, also while it waits to retry, and `options.onWait` hears about each wait.
 */
export type DpsGateway = {
  readonly connection: ConnectionSummary;

  getIndividualEnrollment(
    registrationId: string,
    options?: CallOptions,
  ): Promise<IndividualEnrollment>;
  createOrUpdateIndividualEnrollment(
    enrollment: IndividualEnrollment,
    options?: CallOptions,
  ): Promise<IndividualEnrollment>;
  deleteIndividualEnrollment(
    registrationId: string,
    etag?: string,
    options?: CallOptions,
  ): Promise<void>;
  queryIndividualEnrollments(
    page?: PageRequest,
    options?: CallOptions,
  ): Promise<Page<IndividualEnrollment>>;
  runIndividualEnrollmentBulk(
    mode: BulkMode,
    enrollments: IndividualEnrollment[],
    options?: CallOptions,
  ): Promise<BulkResult>;

  getEnrollmentGroup(enrollmentGroupId: string, options?: CallOptions): Promise<EnrollmentGroup>;
  createOrUpdateEnrollmentGroup(
    group: EnrollmentGroup,
    options?: CallOptions,
  ): Promise<EnrollmentGroup>;
  deleteEnrollmentGroup(
    enrollmentGroupId: string,
    etag?: string,
    options?: CallOptions,
  ): Promise<void>;
  queryEnrollmentGroups(page?: PageRequest, options?: CallOptions): Promise<Page<EnrollmentGroup>>;
  runEnrollmentGroupBulk(
    mode: BulkMode,
    groups: EnrollmentGroup[],
    options?: CallOptions,
  ): Promise<BulkResult>;

  getRegistrationState(registrationId: string, options?: CallOptions): Promise<RegistrationState>;
  deleteRegistrationState(
    registrationId: string,
    etag?: string,
    options?: CallOptions,
  ): Promise<void>;
  queryRegistrationStates(
    enrollmentGroupId: string,
    page?: PageRequest,
    options?: CallOptions,
  ): Promise<Page<RegistrationState>>;

  listCaCertificates(options?: CallOptions): Promise<CaCertificate[]>;
  getCaCertificate(name: string, options?: CallOptions): Promise<CaCertificate>;
  /** Creates the CA certificate, or replaces it when `etag` is given. `verified` skips proof of possession. */
  uploadCaCertificate(
    request: {
      name: string;
      certificatePem: string;
      verified?: boolean;
      etag?: string;
    },
    options?: CallOptions,
  ): Promise<CaCertificate>;
  generateVerificationCode(
    name: string,
    etag: string,
    options?: CallOptions,
  ): Promise<VerificationCode>;
  verifyCaCertificate(
    name: string,
    etag: string,
    verificationCertificatePem: string,
    options?: CallOptions,
  ): Promise<CaCertificate>;
  deleteCaCertificate(name: string, etag: string, options?: CallOptions): Promise<void>;

  getDpsResource(options?: CallOptions): Promise<DpsResource>;

  /** Closes idle connections; the gateway is unusable afterwards. */
  close(): Promise<void>;
};

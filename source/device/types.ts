/** The real DPS device endpoint, the same for every DPS in the public cloud. */
export const globalDeviceHost = 'global.azure-devices-provisioning.net';

export type DeviceTransport = 'https' | 'mqtt';

/** Where the device registers. */
export type DeviceTarget =
  | {
      /** The local sandbox: its device API on loopback, trusted through the sandbox CA (never by turning checks off). */
      kind: 'sandbox';
      host: string;
      /** The HTTPS port of the device API. */
      port: number;
      /** The MQTT-over-TLS port, when the sandbox serves MQTT. */
      mqttPort?: number;
      /** The sandbox CA certificate (PEM) that signed the device API's server certificate. */
      caCertificatePem: string;
      idScope: string;
    }
  | {
      /** DPS in Azure, through the global device endpoint and the public CAs. */
      kind: 'global';
      idScope: string;
    };

export type DeviceRegistrationRequest = {
  target: DeviceTarget;
  /** The leaf certificate followed by its intermediate CA certificates (PEM), as the device presents them. */
  certificateChainPem: string;
  /** The leaf's private key (PEM). Kept in memory and never logged or put into an error. */
  privateKeyPem: string;
  /** Defaults to the leaf's CN, which is what DPS requires it to be. */
  registrationId?: string;
  /** Defaults to 'https'. */
  transport?: DeviceTransport;
  signal?: AbortSignal;
  onStage?: (stage: RegistrationStage) => void;
};

export type RegistrationStage = 'connecting' | 'registering' | 'waiting-for-assignment';

/** DPS assigned the device to a hub. */
export type DeviceRegistrationAssigned = {
  status: 'assigned';
  assignedHub: string;
  deviceId: string;
  /** e.g. initialAssignment, deviceDataMigrated, reprovisionedToInitialAssignment */
  substatus: string;
  registrationId: string;
  createdDateTimeUtc?: string;
};

/**
 * Where a registration stopped:
 * - 'dps': DPS answered with an error (httpStatus, errorCode, trackingId as DPS sent them);
 * - 'network' / 'tls': no answer, or the connection failed (networkCode is Node's error code);
 * - 'timeout': DPS did not finish in time; 'cancelled': the AbortSignal fired;
 * - 'unexpected': an answer the SDK could not read.
 */
export type RefusalKind = 'dps' | 'network' | 'tls' | 'timeout' | 'cancelled' | 'unexpected';

/** DPS (or the way to it) refused the registration. Holds no certificate or key material. */
export type DeviceRegistrationRefusal = {
  status: 'refused';
  kind: RefusalKind;
  registrationId: string;
  /** DPS's HTTP status, e.g. 401; absent when DPS never answered or answered a failed operation with 200. */
  httpStatus?: number;
  /** DPS's error code, e.g. 401002 */
  errorCode?: number;
  /** DPS's message, or the connection error's message. */
  message: string;
  trackingId?: string;
  /** Node's error code for network and TLS failures, e.g. ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN. */
  networkCode?: string;
  /** Seconds DPS asked to wait (429, 503). */
  retryAfterSeconds?: number;
  /** The ID scope and endpoint used, so an explanation can name them. */
  idScope: string;
  target: DeviceTarget['kind'];
};

export type DeviceRegistrationResult = DeviceRegistrationAssigned | DeviceRegistrationRefusal;

/** A refusal turned into words for someone registering a device for the first time. */
export type RefusalExplanation = {cause: string; fix: string};

/** What installing on an IoT Edge device writes: /etc/aziot/config.toml, the identity chain and key. */
export type IotEdgeInstallRequest = {
  /** The folder that stands for / (tests use a temporary folder). Default '/'. */
  root?: string;
  /** Path of config.toml on the device. Default /etc/aziot/config.toml. */
  configPath?: string;
  idScope: string;
  registrationId: string;
  /** Default https://global.azure-devices-provisioning.net */
  globalEndpoint?: string;
  /** The leaf certificate followed by its intermediates (PEM): written as the identity certificate. */
  certificateChainPem: string;
  /** The leaf's private key (PEM): written 0600. */
  privateKeyPem: string;
  /** Paths on the device; defaults from defaultDevicePaths(registrationId). */
  identityCertPath?: string;
  identityKeyPath?: string;
  /** For the backup file's name. Default now. */
  now?: Date;
  /** The ID scope is the local sandbox's: say so in config.toml. */
  sandbox?: boolean;
};

export type InstallFileKind = 'config' | 'certificate' | 'private-key';

/** One file the install writes. */
export type PlannedFile = {
  kind: InstallFileKind;
  /** The path on the device (what config.toml names). */
  devicePath: string;
  /** Where it is written: devicePath under the root folder. */
  writePath: string;
  /** 'create' when there is no file yet, 'replace' when it differs, 'unchanged' when it is the same. */
  change: 'create' | 'replace' | 'unchanged';
  mode: number;
  /** The owner IoT Edge expects, when that user exists on this machine. */
  owner?: {user: string; uid: number; gid: number};
};

export type IotEdgeInstallPlan = {
  root: string;
  files: PlannedFile[];
  /** Where the current config.toml is copied before it is replaced; absent when there is none. */
  backupPath?: string;
  /** What will change, one line each, for the operator to consent to. */
  changes: string[];
  /** Things to know: a missing aziotcs/aziotks user, tables replaced, ... */
  notes: string[];
  /** The new config.toml. */
  configText: string;
  /** The command that makes IoT Edge read the new file. */
  applyCommand: string;
  /** SHA-256 of config.toml when planned (absent: there was none), so apply can refuse if it changed since. */
  configSha256?: string;
  /** The file contents, private key included: never printed; applyIotEdgeInstall writes them. */
  readonly contents: ReadonlyMap<string, string>;
};

export type IotEdgeInstallResult = {
  written: Array<{devicePath: string; writePath: string; mode: number; owner?: string}>;
  backupPath?: string;
  /** Owners that could not be set (not running as root): the files keep their modes. */
  warnings: string[];
  applyCommand: string;
};

export type IotEdgeConfigApplyResult = {ran: boolean; exitCode?: number; output: string};

// The one typed settings object every component and renderer reads.
import type { RunWhen } from "../schedule";
import type {
  BareosVersion,
  NESTED_SECRET_KEYS,
  ReadableStorageClass,
  SERVICE_NAMES,
  SecretKey,
} from "./constants";
import type { Raw } from "./schema";

export type Level = "Full" | "Differential" | "Incremental";

export interface PoolSettings {
  readonly name: string;
  readonly level: Level;
  readonly volumeRetentionSeconds: number;
  readonly maximumVolumeBytes: number;
  readonly maximumVolumes: number;
  readonly labelFormat: string;
  readonly description?: string;
}

export interface ScheduleSettings {
  readonly name: string;
  readonly runs: readonly { readonly level: Level; readonly when: RunWhen }[];
  readonly description?: string;
}

export interface FileSetSettings {
  readonly name: string;
  readonly description?: string;
  readonly include: readonly string[];
  /** As given: configs/excludes.ts turns each into the Bareos directive that does what it says. */
  readonly exclude: readonly string[];
  readonly signature: string;
  readonly compression: string;
  readonly plugins: readonly string[];
}

export interface MountSettings {
  /** Absolute, resolved against the project directory. */
  readonly hostPath: string;
  readonly containerPath: string;
}

export interface ClientSettings {
  readonly name: string;
  readonly managed: boolean;
  /** Where the director reaches it; for managed clients the container's DNS name. */
  readonly address: string;
  readonly port: number;
  readonly maximumBandwidthPerJob?: number;
  readonly encryption: boolean;
  readonly pluginDirectory?: string;
  readonly pluginNames: readonly string[];
  readonly mounts: readonly MountSettings[];
  readonly description?: string;
  /** The stack's own catalog client (SERVICE_NAMES.catalogFd), not one of the user's. */
  readonly stackOwned?: true;
}

export interface JobSettings {
  readonly name: string;
  readonly client: string;
  readonly fileSet: string;
  readonly schedule?: string;
  readonly fullPool: string;
  readonly differentialPool: string;
  readonly incrementalPool: string;
  readonly level: Level;
  readonly priority: number;
  readonly enabled: boolean;
  /** Renders `<name>-verify` (configs/verify.ts). */
  readonly verify: boolean;
  readonly description?: string;
}

export interface S3Settings {
  readonly provider: "aws" | "existing" | "minio";
  readonly backend: "dplcompat" | "droplet";
  /** Given by the user; undefined means "derive from project + stack + random suffix". */
  readonly bucketName?: string;
  readonly region: string;
  readonly endpoint?: string;
  readonly pathStyle: boolean;
  readonly storageClass: ReadableStorageClass;
  readonly transitions: readonly { readonly days: number; readonly storageClass: string }[];
  readonly versioning: boolean;
  readonly noncurrentVersionExpirationDays: number;
  readonly abortIncompleteMultipartUploadDays: number;
  readonly kmsKeyArn?: string;
  readonly forceDestroy: boolean;
  readonly chunkSize: number;
  readonly ioThreads: number;
  readonly ioSlots: number;
  readonly writeBehind: number;
  readonly readAhead: boolean;
  readonly program: string;
}

export type ServiceNames = { readonly [K in keyof typeof SERVICE_NAMES]: string };

export interface Settings {
  readonly project: string;
  readonly stack: string;
  readonly bareosVersion: BareosVersion;
  readonly protect: boolean;
  readonly s3: S3Settings;
  readonly director: Raw["director"];
  readonly storage: Raw["storage"];
  readonly catalog: Raw["catalog"];
  readonly pools: readonly PoolSettings[];
  readonly schedules: readonly ScheduleSettings[];
  readonly fileSets: readonly FileSetSettings[];
  readonly clients: readonly ClientSettings[];
  readonly jobs: readonly JobSettings[];
  readonly webui: Raw["webui"];
  readonly smtp: Raw["smtp"];
  readonly images: Raw["images"] & { readonly catalog: string };
  readonly docker: Raw["docker"];
  readonly rotation: Raw["rotation"];
  readonly names: ServiceNames;
  /** Credentials from secret config; plain strings here, wrapped as Pulumi secrets by the components. */
  readonly secrets: { readonly [K in SecretKey]?: string };
  /** Objects given with a nested secret: what is made from them is kept secret too. */
  readonly secretObjects: readonly (typeof NESTED_SECRET_KEYS)[number][];
}

/** The raw config of one stack: values keyed without the project prefix, and which keys are secret. */
export interface RawConfig {
  readonly values: Readonly<Record<string, unknown>>;
  readonly secretKeys: ReadonlySet<string>;
  /** Fully qualified keys of namespaces nothing reads (neither the project nor a provider it uses). */
  readonly foreignKeys?: readonly string[];
}

export interface ReadContext {
  readonly stack: string;
  /** Relative host paths of mounts resolve against it (the Pulumi project directory). */
  readonly projectDir: string;
}

// The one typed settings object of a stack: read from raw Pulumi config values, validated with zod,
// defaults applied, units parsed into numbers. Nothing downstream reads Pulumi config or parses units.
import * as path from "node:path";
import { z } from "zod";
import { GiB, MiB, describeBytes, formatDuration, parseDuration, parseSize, parseSpeed } from "./units";
import { RunWhen, longestGapDays, parseRunWhen } from "./schedule";

export const PROJECT = "bareos-s3-backup";

/** Config keys whose values are credentials: accepted only as Pulumi secrets (`pulumi config set --secret`). */
export const SECRET_KEYS = ["smtpPassword", "s3AccessKeyId", "s3SecretAccessKey"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export const BAREOS_VERSIONS = ["22", "24", "25"] as const;
export type BareosVersion = (typeof BAREOS_VERSIONS)[number];

/** Bareos's own limit (core/src/lib/edit.cc IsNameValid): we are stricter and refuse spaces and '/'. */
const BAREOS_NAME = /^[A-Za-z][A-Za-z0-9_.:-]*$/;
const MAX_NAME = 127;
/** Container names double as DNS names on the Docker network. */
const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** 127.0.0.1, 0.0.0.0 or an IPv4 address; ports are published on it. */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** user@host; a host without a dot is fine (the defaults are root@localhost and bareos@localhost). */
const EMAIL =
  /^[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** PostgreSQL identifiers the catalog scripts use unquoted. */
const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** S3 storage classes Bareos can read back directly (no restore request needed). */
export const READABLE_STORAGE_CLASSES = [
  "STANDARD",
  "STANDARD_IA",
  "ONEZONE_IA",
  "INTELLIGENT_TIERING",
  "GLACIER_IR",
] as const;
const ARCHIVE_STORAGE_CLASSES = ["GLACIER", "DEEP_ARCHIVE"];

/** The free Bareos repository and the key that signs it ("Bareos experimental Signing Key"). */
export const BAREOS_REPOSITORY = {
  url: "https://download.bareos.org/current/Debian_12",
  keyFingerprint: "82834CF002D89BA55C1ED0AA42DA24A6DFEF9127",
} as const;

/**
 * PostgreSQL majors of the catalog, each with its pinned official image. The director's pg_dump is
 * built from the same major (make_catalog_backup needs pg_dump >= the server). 18 moved the image's
 * data directory away from /var/lib/postgresql/data, which the catalog volume is mounted on.
 */
export const POSTGRES_IMAGES = {
  15: "postgres:15.14-bookworm",
  16: "postgres:16.10-bookworm",
  17: "postgres:17.6-bookworm",
} as const;
export type PostgresMajor = keyof typeof POSTGRES_IMAGES;
/** Debian 12's own PostgreSQL: its client needs no extra repository in the director image. */
export const DEBIAN_POSTGRES_MAJOR: PostgresMajor = 15;

// ---------------------------------------------------------------- field helpers

const json = (v: unknown): string => JSON.stringify(v) ?? String(v);

const bareosName = (what: string) =>
  z.string().refine((v) => BAREOS_NAME.test(v) && v.length <= MAX_NAME, {
    error: (iss) =>
      `${json(iss.input)} is not a valid ${what}: use letters, digits and - _ . : (starting with a letter, at most ${MAX_NAME} characters)`,
  });

const dnsName = (what: string) =>
  z.string().refine((v) => DNS_LABEL.test(v), {
    error: (iss) =>
      `${json(iss.input)} is not a valid ${what}: it is also a container and DNS name, so use lower-case letters, digits and '-' (start with a letter, at most 63 characters)`,
  });

function unit(kind: string, parse: (t: string) => number | undefined, example: string) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    const n = typeof v === "number" ? v : parse(v);
    // Seconds and bytes are whole numbers: Bareos reads "1.5" as 1.
    if (n === undefined || !Number.isSafeInteger(n) || n < 0) {
      ctx.addIssue({ code: "custom", message: `${json(v)} is not a Bareos ${kind}; use e.g. "${example}"` });
      return z.NEVER;
    }
    return n;
  });
}
const duration = unit("duration", parseDuration, "365 days");
const size = unit("size", parseSize, "50 G");
const speed = unit("speed", parseSpeed, "10 m/s");

const port = z.number().int().min(1).max(65535);
const email = z.email({ pattern: EMAIL });
const pgIdentifier = (fallback: string) =>
  z
    .string()
    .regex(PG_IDENTIFIER, {
      error: (iss) =>
        `${json(iss.input)} is not a PostgreSQL identifier: use lower-case letters, digits and _ (start with a letter or _, at most 63 characters)`,
    })
    .default(fallback);
/** Free text written into a quoted Bareos string: a line break cannot be written there. */
const oneLine = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => ![...v].some((c) => c < " " || c === "\u007f"), {
      error: (iss) => `${json(iss.input)} contains a line break or control character`,
    });
const ipv4 = z.string().refine((v) => IPV4.test(v), {
  error: (iss) => `${json(iss.input)} is not an IPv4 bind address; use e.g. "127.0.0.1" or "0.0.0.0"`,
});
const pathString = z.string().refine((v) => v.startsWith("/") && !v.includes("\n") && !v.includes('"'), {
  error: (iss) => `${json(iss.input)} is not an absolute path without quotes or newlines`,
});

/**
 * An apt repository base URL for the image builds: http(s), no credentials (they would land in image
 * layers and build logs), no query or fragment; apt and the builds append paths to it.
 */
const repositoryUrl = z
  .url({ protocol: /^https?$/ })
  .refine(
    (v) => {
      const u = new URL(v);
      return (
        u.username === "" && u.password === "" && u.search === "" && u.hash === "" && !/[\s"'\\]/.test(v)
      );
    },
    {
      error: (iss) =>
        `${json(iss.input)} must be a plain http(s) repository URL: no credentials, query, fragment, quotes or spaces`,
    },
  )
  .transform((v) => v.replace(/\/+$/, ""));

// ---------------------------------------------------------------- schema

const levelEnum = z.enum(["Full", "Differential", "Incremental"]);

const poolSchema = z.strictObject({
  name: bareosName("pool name"),
  /** The backup level this pool receives; jobs pick their Full/Differential/Incremental pools by it. */
  level: levelEnum,
  volumeRetention: duration,
  maximumVolumeBytes: size,
  maximumVolumes: z.number().int().min(1).max(100000),
  labelFormat: z.string().regex(/^[A-Za-z0-9_.:-]+$/, {
    error: (iss) => `${json(iss.input)} is not a label prefix: use letters, digits and - _ . :`,
  }),
  description: oneLine(200).optional(),
});

const scheduleRunSchema = z.strictObject({
  level: levelEnum,
  when: z.string(),
});

const scheduleSchema = z.strictObject({
  name: bareosName("schedule name"),
  runs: z.array(scheduleRunSchema).min(1),
  description: oneLine(200).optional(),
});

const fileSetSchema = z.strictObject({
  name: bareosName("fileset name"),
  description: oneLine(200).optional(),
  include: z.array(pathString).default([]),
  /** Literal paths or shell wildcards (`*.tmp`); wildcards are rendered as WildFile excludes. */
  exclude: z.array(oneLine(4096).min(1)).default([]),
  signature: z.enum(["XXH128", "SHA256", "SHA512", "SHA1", "MD5"]).default("XXH128"),
  compression: z.enum(["LZ4", "LZ4HC", "GZIP", "none"]).default("LZ4"),
  /** FD plugin command lines (`Plugin = "python3:module_name=..."`), e.g. for the Microsoft 365 plugin. */
  plugins: z.array(oneLine(4096).min(1)).default([]),
});

const mountSchema = z.strictObject({
  hostPath: z.string().min(1),
  containerPath: pathString,
});

const clientSchema = z.strictObject({
  name: bareosName("client name"),
  /** true: the stack runs this file daemon as a container; false: an existing host you install it on. */
  managed: z.boolean().default(true),
  /** DNS name or IP the director uses; managed clients default to their container name. */
  address: z.string().min(1).optional(),
  port: port.default(9102),
  maximumBandwidthPerJob: speed.optional(),
  /** Client-side PKI encryption and signatures; keys are generated by the stack. */
  encryption: z.boolean().default(false),
  pluginDirectory: pathString.optional(),
  pluginNames: z.array(bareosName("plugin name")).default([]),
  /** Host paths bind-mounted read-only into a managed client, to back up. */
  mounts: z.array(mountSchema).optional(),
  description: oneLine(200).optional(),
});

const jobSchema = z.strictObject({
  name: bareosName("job name").refine((v) => v.length <= 100, {
    error: (iss) =>
      `${json(iss.input)} is too long: job names over 100 characters break the TLS-PSK handshake`,
  }),
  client: z.string(),
  fileSet: z.string(),
  schedule: z.string().optional(),
  fullPool: z.string().optional(),
  differentialPool: z.string().optional(),
  incrementalPool: z.string().optional(),
  level: levelEnum.default("Incremental"),
  priority: z.number().int().min(1).max(100).default(10),
  enabled: z.boolean().default(true),
  description: oneLine(200).optional(),
});

const webuiUserSchema = z.strictObject({
  name: bareosName("webui user name"),
  profile: z.enum(["webui-admin", "webui-readonly"]),
});

const s3Schema = z.strictObject({
  /** aws: bucket + IAM user created here; existing: bring your own bucket and keys; minio: the local stack. */
  provider: z.enum(["aws", "existing", "minio"]).default("aws"),
  backend: z.enum(["dplcompat", "droplet"]).optional(),
  bucketName: z.string().optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, {
      error: (iss) => `${json(iss.input)} is not an AWS region name; use e.g. "eu-west-1"`,
    })
    .default("eu-west-1"),
  /** Endpoint URL of an S3-compatible store (provider existing); AWS when absent. */
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  pathStyle: z.boolean().default(false),
  /** Storage class each chunk is uploaded with. */
  storageClass: z.string().default("STANDARD"),
  /** Lifecycle transitions of volume objects; archive classes are refused (Bareos must read volumes back). */
  transitions: z
    .array(z.strictObject({ days: z.number().int().min(30), storageClass: z.string() }))
    .default([]),
  versioning: z.boolean().default(true),
  noncurrentVersionExpirationDays: z.number().int().min(1).max(3650).default(30),
  abortIncompleteMultipartUploadDays: z.number().int().min(1).max(365).default(3),
  /** SSE-KMS with this key; SSE-S3 when absent. */
  kmsKeyArn: z
    .string()
    // A key ARN, not an alias: IAM grants key operations on keys only.
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, {
      error: (iss) => `${json(iss.input)} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`,
    })
    .optional(),
  forceDestroy: z.boolean().default(false),
  chunkSize: size.optional(),
  ioThreads: z.number().int().min(0).max(64).optional(),
  ioSlots: z.number().int().min(1).max(64).optional(),
  /**
   * dplcompat wrapper program (name in the scripts dir or absolute path): the project's rclone-wrapper.sh
   * (images/storage), or Bareos' s3cmd-wrapper.sh.
   */
  program: z
    .string()
    .regex(/^[A-Za-z0-9_./-]+$/, { error: (iss) => `${json(iss.input)} is not a program name or path` })
    .default("rclone-wrapper.sh"),
});

const defaultPools = [
  {
    name: "S3-Full",
    level: "Full",
    volumeRetention: "365 days",
    maximumVolumeBytes: "50 G",
    maximumVolumes: 100,
    labelFormat: "S3-Full-",
    description: "S3 storage pool for full backups",
  },
  {
    name: "S3-Differential",
    level: "Differential",
    volumeRetention: "90 days",
    maximumVolumeBytes: "20 G",
    maximumVolumes: 500,
    labelFormat: "S3-Diff-",
    description: "S3 storage pool for differential backups",
  },
  {
    name: "S3-Incremental",
    level: "Incremental",
    volumeRetention: "30 days",
    maximumVolumeBytes: "10 G",
    maximumVolumes: 1000,
    labelFormat: "S3-Inc-",
    description: "S3 storage pool for incremental backups",
  },
];

// Bareos's default WeeklyCycle: a monthly full, weekly differentials, daily incrementals.
const defaultSchedules = [
  {
    name: "WeeklyCycle",
    runs: [
      { level: "Full", when: "1st sat at 21:00" },
      { level: "Differential", when: "2nd-5th sat at 21:00" },
      { level: "Incremental", when: "mon-fri at 21:00" },
    ],
  },
];

const defaultFileSets = [
  {
    name: "TestData",
    description: "Test data for S3 backup validation",
    include: ["/data"],
    exclude: ["*.tmp", "/data/cache"],
    signature: "XXH128",
    compression: "LZ4",
  },
];

const defaultClients = [{ name: "bareos-fd", managed: true }];

const defaultJobs = [
  {
    name: "backup-testdata-s3",
    description: "Backup job for test data to S3",
    client: "bareos-fd",
    fileSet: "TestData",
    schedule: "WeeklyCycle",
  },
];

const imagesSchema = z.strictObject({
  /** build: images built from images/ by the stack; barcus-22: the legacy Bareos 22 images (droplet only). */
  preset: z.enum(["build", "barcus-22"]).default("build"),
  director: z.string().optional(),
  storage: z.string().optional(),
  fileDaemon: z.string().optional(),
  webui: z.string().optional(),
  webuiNginx: z.string().optional(),
  /** Default: the pinned official image of catalog.postgresMajor. */
  catalog: z.string().min(1).optional(),
  /** Where image builds take the Bareos packages from: a mirror, or a repository of your own build. */
  bareosRepository: z
    .strictObject({
      url: repositoryUrl,
      keyFingerprint: z
        .string()
        .transform((v) => v.replace(/\s+/g, "").toUpperCase())
        .pipe(
          z.string().regex(/^[0-9A-F]{40}$/, {
            error: (iss) =>
              `${json(iss.input)} is not an OpenPGP key fingerprint: 40 hexadecimal digits, as \`gpg --show-keys\` prints them`,
          }),
        ),
    })
    .default(() => ({ ...BAREOS_REPOSITORY })),
  smtp: z.string().default("boky/postfix:v4.4.0"),
  // MinIO publishes release images on quay.io only.
  minio: z.string().default("quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"),
  minioClient: z.string().default("quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z"),
});

const rotationSchema = z.strictObject({
  /** Bump to rotate every generated password at once. */
  all: z.number().int().min(0).default(0),
  director: z.number().int().min(0).default(0),
  storage: z.number().int().min(0).default(0),
  catalog: z.number().int().min(0).default(0),
  catalogAdmin: z.number().int().min(0).default(0),
  clients: z.record(z.string(), z.number().int().min(0)).default({}),
  webuiUsers: z.record(z.string(), z.number().int().min(0)).default({}),
});

const rawSchema = z.strictObject({
  bareosVersion: z
    .union([z.string(), z.number()])
    .transform((v) => String(v))
    .pipe(z.enum(BAREOS_VERSIONS))
    .default("25"),
  /** Production: the bucket and the catalog volume survive `pulumi destroy`. */
  protect: z.boolean().default(false),
  s3: s3Schema.default(() => s3Schema.parse({})),
  director: z
    .strictObject({
      name: bareosName("director name").default("bareos-dir"),
      maximumConcurrentJobs: z.number().int().min(1).max(1000).default(10),
      publish: z.boolean().default(false),
      bindAddress: ipv4.default("127.0.0.1"),
      port: port.default(9101),
    })
    .default(() => ({
      name: "bareos-dir",
      maximumConcurrentJobs: 10,
      publish: false,
      bindAddress: "127.0.0.1",
      port: 9101,
    })),
  storage: z
    .strictObject({
      name: bareosName("storage daemon name").default("bareos-sd"),
      /** The director's Storage resource and the SD's Device share this name, as in the hand-built setup. */
      deviceName: bareosName("device name").default("S3Storage"),
      mediaType: bareosName("media type").default("S3_Object"),
      maximumConcurrentJobs: z.number().int().min(1).max(100).default(1),
      // dplcompat defaults stay under 1 GiB: 400 MiB of queued chunks in the SD, two uploads of ~150 MiB each.
      memoryLimit: size.default(2 * GiB),
      /**
       * The storage daemon's address as file daemons see it (the director hands it to them). Defaults to
       * the container's DNS name, which only managed clients resolve: unmanaged clients need a host name
       * of the Docker host and `publish`.
       */
      address: z
        .string()
        .regex(/^[A-Za-z0-9.-]+$/, {
          error: (iss) => `${json(iss.input)} is not a host name or IPv4 address`,
        })
        .optional(),
      publish: z.boolean().default(false),
      bindAddress: ipv4.default("127.0.0.1"),
      port: port.default(9103),
    })
    .default(() => ({
      name: "bareos-sd",
      deviceName: "S3Storage",
      mediaType: "S3_Object",
      maximumConcurrentJobs: 1,
      memoryLimit: 2 * GiB,
      publish: false,
      bindAddress: "127.0.0.1",
      port: 9103,
    })),
  catalog: z
    .strictObject({
      name: bareosName("catalog name").default("MyCatalog"),
      dbName: pgIdentifier("bareos"),
      dbUser: pgIdentifier("bareos"),
      adminUser: pgIdentifier("postgres"),
      /** PostgreSQL major of the catalog server and of the director's pg_dump. */
      postgresMajor: z
        .number()
        .refine((v): v is PostgresMajor => v in POSTGRES_IMAGES, {
          error: (iss) =>
            `${json(iss.input)} is not supported; use ${Object.keys(POSTGRES_IMAGES)
              .join(", ")
              .replace(/, (\d+)$/, " or $1")}`,
        })
        .default(16),
    })
    .default(() => ({
      name: "MyCatalog",
      dbName: "bareos",
      dbUser: "bareos",
      adminUser: "postgres",
      postgresMajor: 16 as PostgresMajor,
    })),
  pools: z
    .array(poolSchema)
    .min(1)
    .default(() => z.array(poolSchema).parse(defaultPools)),
  schedules: z.array(scheduleSchema).default(() => z.array(scheduleSchema).parse(defaultSchedules)),
  fileSets: z
    .array(fileSetSchema)
    .min(1)
    .default(() => z.array(fileSetSchema).parse(defaultFileSets)),
  clients: z
    .array(clientSchema)
    .min(1)
    .default(() => z.array(clientSchema).parse(defaultClients)),
  jobs: z.array(jobSchema).default(() => z.array(jobSchema).parse(defaultJobs)),
  webui: z
    .strictObject({
      bindAddress: ipv4.default("127.0.0.1"),
      port: port.default(8080),
      users: z
        .array(webuiUserSchema)
        .min(1)
        .default([
          { name: "admin", profile: "webui-admin" },
          { name: "viewer", profile: "webui-readonly" },
        ]),
    })
    .default(() => ({
      bindAddress: "127.0.0.1",
      port: 8080,
      users: [
        { name: "admin", profile: "webui-admin" as const },
        { name: "viewer", profile: "webui-readonly" as const },
      ],
    })),
  smtp: z
    .strictObject({
      /** Where the relay forwards mail; direct MX delivery when absent. */
      smarthost: z
        .string()
        .regex(/^[A-Za-z0-9.-]+$/, { error: (iss) => `${json(iss.input)} is not a host name` })
        .optional(),
      smarthostPort: port.default(587),
      username: z.string().min(1).optional(),
      from: email.default("bareos@localhost"),
      /** Operator mail: job reports and intervention requests. */
      to: z.array(email).min(1).default(["root@localhost"]),
      /** ses: create an IAM user whose SMTP password drives the relay (smarthost = SES endpoint). */
      ses: z.boolean().default(false),
    })
    .default(() => ({
      smarthostPort: 587,
      from: "bareos@localhost",
      to: ["root@localhost"],
      ses: false,
    })),
  images: imagesSchema.default(() => imagesSchema.parse({})),
  docker: z
    .strictObject({
      /** Docker host (`unix:///var/run/docker.sock`, `ssh://user@host`); the provider default when absent. */
      host: z.string().optional(),
      networkName: dnsName("network name").default("bareos"),
      /** Host path of the restore target of managed clients. */
      restoreVolume: dnsName("volume name").default("bareos-restores"),
    })
    .default(() => ({ networkName: "bareos", restoreVolume: "bareos-restores" })),
  rotation: rotationSchema.default(() => rotationSchema.parse({})),
  smtpPassword: z.string().min(1).optional(),
  s3AccessKeyId: z.string().min(1).optional(),
  s3SecretAccessKey: z.string().min(1).optional(),
});

type Raw = z.output<typeof rawSchema>;

// ---------------------------------------------------------------- the settings object

export interface PoolSettings {
  readonly name: string;
  readonly level: "Full" | "Differential" | "Incremental";
  readonly volumeRetentionSeconds: number;
  readonly maximumVolumeBytes: number;
  readonly maximumVolumes: number;
  readonly labelFormat: string;
  readonly description?: string;
}

export interface ScheduleSettings {
  readonly name: string;
  readonly runs: readonly {
    readonly level: "Full" | "Differential" | "Incremental";
    readonly when: RunWhen;
  }[];
  readonly description?: string;
}

export interface FileSetSettings {
  readonly name: string;
  readonly description?: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly signature: string;
  readonly compression: string;
  readonly plugins: readonly string[];
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
  /** Absolute host paths (resolved against the project directory) → container paths. */
  readonly mounts: readonly { readonly hostPath: string; readonly containerPath: string }[];
  readonly description?: string;
}

export interface JobSettings {
  readonly name: string;
  readonly client: string;
  readonly fileSet: string;
  readonly schedule?: string;
  readonly fullPool: string;
  readonly differentialPool: string;
  readonly incrementalPool: string;
  readonly level: "Full" | "Differential" | "Incremental";
  readonly priority: number;
  readonly enabled: boolean;
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
  readonly storageClass: (typeof READABLE_STORAGE_CLASSES)[number];
  readonly transitions: readonly { readonly days: number; readonly storageClass: string }[];
  readonly versioning: boolean;
  readonly noncurrentVersionExpirationDays: number;
  readonly abortIncompleteMultipartUploadDays: number;
  readonly kmsKeyArn?: string;
  readonly forceDestroy: boolean;
  readonly chunkSize: number;
  readonly ioThreads: number;
  readonly ioSlots: number;
  readonly program: string;
}

/** Container (and DNS) names, computed once so addresses in configs and container aliases agree. */
export interface ServiceNames {
  readonly catalog: string;
  readonly director: string;
  readonly storage: string;
  readonly webui: string;
  readonly webuiPhp: string;
  readonly smtp: string;
  readonly minio: string;
}

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
}

// ---------------------------------------------------------------- reading

/** The raw config of one stack: values keyed without the project prefix, and which keys are secret. */
export interface RawConfig {
  readonly values: Readonly<Record<string, unknown>>;
  readonly secretKeys: ReadonlySet<string>;
}

export interface ReadContext {
  readonly stack: string;
  /** Relative host paths of mounts resolve against it (the Pulumi project directory). */
  readonly projectDir: string;
}

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid stack configuration (${problems.length} problem(s)):\n  - ${problems.join("\n  - ")}`);
    this.name = "SettingsError";
  }
}

/** `pools[1].volumeRetention` from a zod path. */
export function keyPath(p: readonly PropertyKey[]): string {
  return p.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`)).join("");
}

/** The keys an object at `at` (a config path) accepts, for "unknown key" messages. */
function knownKeys(at: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = rawSchema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    for (;;) {
      if (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
      else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
      else return s;
    }
  };
  for (const segment of at) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodArray && typeof segment === "number") schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodObject && typeof segment === "string")
      schema = schema.shape[segment] as z.ZodType;
    else return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "invalid_type":
      return input === undefined
        ? `is required (${issue.expected})`
        : `${json(input)} is not valid: expected ${issue.expected === "int" ? "an integer" : issue.expected}`;
    case "invalid_value":
      return `${json(input)} is not allowed; use one of ${issue.values.map((v) => json(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "string"
        ? `${json(input)} is too short: at least ${String(issue.minimum)} ${issue.origin === "array" ? "item(s)" : "character(s)"}`
        : `${json(input)} is too small: the minimum is ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "array" || issue.origin === "string"
        ? `${json(input)} is too long: at most ${String(issue.maximum)}`
        : `${json(input)} is too large: the maximum is ${String(issue.maximum)}`;
    case "invalid_format":
      switch (issue.format) {
        case "regex":
          // Our own messages start with the value; zod's default one names only the pattern.
          return issue.message.startsWith(json(input))
            ? issue.message
            : `${json(input)} does not match the pattern ${issue.pattern ?? ""}`;
        case "email":
          return `${json(input)} is not an email address; use e.g. "backup-admins@example.com"`;
        case "url":
          return `${json(input)} is not an http(s) URL; use e.g. "https://s3.example.com"`;
        default:
          return `${json(input)} is not a valid ${issue.format}`;
      }
    case "invalid_union":
      return `${json(input)} is not valid: expected a string or a number`;
    default:
      return issue.message;
  }
}

const fullKey = (p: string) => `${PROJECT}:${p}`;

/**
 * Validates and normalises a stack's raw config. Throws SettingsError listing every problem, each
 * naming the config key, the value given and what is allowed.
 */
export function parseSettings(raw: RawConfig, ctx: ReadContext): Settings {
  const problems: string[] = [];
  const problem = (p: readonly PropertyKey[], msg: string) => problems.push(`${fullKey(keyPath(p))}: ${msg}`);

  for (const key of SECRET_KEYS) {
    if (raw.values[key] !== undefined && !raw.secretKeys.has(key)) {
      problem([key], `must be set as a secret: pulumi config set --secret ${key} <value>`);
    }
  }

  const parsed = rawSchema.safeParse(raw.values, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const known = knownKeys(issue.path).join(", ");
        for (const k of issue.keys)
          problem([...issue.path, k], `is not a known key; known keys here: ${known}`);
      } else {
        problem(issue.path, describeIssue(issue));
      }
    }
    throw new SettingsError(problems);
  }
  const settings = normalise(parsed.data, ctx, problem);
  // Several jobs (or one pool serving two levels) can raise the same finding: report it once.
  if (problems.length > 0) throw new SettingsError([...new Set(problems)]);
  return settings;
}

type Problem = (p: readonly PropertyKey[], msg: string) => void;

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** AWS S3 bucket naming rules; returns what is wrong, or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!S3_BUCKET.test(name))
    return "may contain only lower-case letters, digits, '.' and '-', and start and end with a letter or digit";
  if (name.includes("..")) return "must not contain two adjacent periods";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not look like an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return "must not start with xn--, sthree- or amzn-s3-demo-";
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name)) return "must not end with a reserved AWS suffix";
  // s3cmd/droplet address buckets virtual-host style over TLS: a dot breaks the wildcard certificate.
  if (name.includes("."))
    return "must not contain '.' (virtual-host style TLS access breaks on dotted names)";
  return undefined;
}

/** Prefix of a derived bucket name; the component appends "-" and 8 random characters. */
export function derivedBucketPrefix(project: string, stack: string): string {
  return `${project}-${stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 54)
    .replace(/-+$/, "");
}

function normalise(r: Raw, ctx: ReadContext, problem: Problem): Settings {
  const version = r.bareosVersion;

  // ---- S3
  const backend = r.s3.backend ?? (version === "22" ? "droplet" : "dplcompat");
  if (backend === "dplcompat" && version === "22") {
    problem(["s3", "backend"], `"dplcompat" needs Bareos 24 or later (bareosVersion is "22"); use "droplet"`);
  }
  if (r.images.preset === "barcus-22" && version !== "22") {
    problem(
      ["images", "preset"],
      `"barcus-22" images run Bareos 22 only; set bareosVersion to "22" or use "build"`,
    );
  }
  // dplcompat, from `npm run bench:s3` (images/README.md): 10 MiB chunks spend their time starting wrapper
  // processes (27 MB/s); 100 MiB reach ~100 MB/s per upload, ~150 MB/s with two at a time; 250 MiB gain
  // little and double the memory of each running rclone-wrapper.sh upload (it holds one chunk).
  const defaults =
    backend === "dplcompat"
      ? { chunkSize: 100 * MiB, ioThreads: 2, ioSlots: 2 }
      : { chunkSize: 10 * MiB, ioThreads: 1, ioSlots: 10 };
  const chunkSize = r.s3.chunkSize ?? defaults.chunkSize;
  const ioThreads = r.s3.ioThreads ?? defaults.ioThreads;
  const ioSlots = r.s3.ioSlots ?? defaults.ioSlots;
  if (chunkSize < MiB || chunkSize > 5 * GiB) {
    problem(
      ["s3", "chunkSize"],
      `${describeBytes(chunkSize)} is out of range; use 1 M to 5 G (S3's single-PUT limit)`,
    );
  }
  const buffer = Math.max(ioThreads, 1) * ioSlots * chunkSize;
  const headroom = 256 * MiB;
  // The rclone wrapper holds each part in memory before its single PUT (plus ~64 MiB of its own),
  // once per running upload, on top of the queue the storage daemon keeps.
  const usesRclone = backend === "dplcompat" && /(^|\/)rclone-wrapper\.sh$/.test(r.s3.program);
  const uploads = usesRclone ? Math.max(ioThreads, 1) * (chunkSize + 64 * MiB) : 0;
  if (buffer + uploads + headroom > r.storage.memoryLimit) {
    const wrapper = usesRclone
      ? ` plus ${describeBytes(uploads)} for the rclone wrapper's running uploads (ioThreads x (chunkSize + 64 MiB))`
      : "";
    problem(
      ["storage", "memoryLimit"],
      `${describeBytes(r.storage.memoryLimit)} is below the S3 buffer of ${describeBytes(buffer)} (ioThreads ${ioThreads} x ioSlots ${ioSlots} x chunkSize ${describeBytes(chunkSize)})${wrapper} plus 256 MiB headroom; raise it or lower s3.chunkSize/ioThreads/ioSlots`,
    );
  }
  if (backend === "droplet" && r.storage.maximumConcurrentJobs !== 1) {
    problem(
      ["storage", "maximumConcurrentJobs"],
      `${r.storage.maximumConcurrentJobs} is not allowed with the droplet backend: it requires 1 job per device`,
    );
  }
  const storageClass = r.s3.storageClass;
  if (!(READABLE_STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
    problem(
      ["s3", "storageClass"],
      `${json(storageClass)} is not allowed; use one of ${READABLE_STORAGE_CLASSES.join(", ")} (Bareos must read volumes back without a restore request)`,
    );
  }
  if (backend === "droplet" && !["STANDARD", "STANDARD_IA"].includes(storageClass)) {
    problem(
      ["s3", "storageClass"],
      `${json(storageClass)} is not supported by the droplet backend (libdroplet knows STANDARD and STANDARD_IA); use one of those or "dplcompat"`,
    );
  }
  r.s3.transitions.forEach((t, i) => {
    if (ARCHIVE_STORAGE_CLASSES.includes(t.storageClass)) {
      problem(
        ["s3", "transitions", i, "storageClass"],
        `${json(t.storageClass)} is an archive class: Bareos reads volumes back for restores and pruning; use one of ${READABLE_STORAGE_CLASSES.filter((c) => c !== "STANDARD").join(", ")}`,
      );
    } else if (
      !(READABLE_STORAGE_CLASSES as readonly string[]).includes(t.storageClass) ||
      t.storageClass === "STANDARD"
    ) {
      problem(
        ["s3", "transitions", i, "storageClass"],
        `${json(t.storageClass)} is not allowed; use one of ${READABLE_STORAGE_CLASSES.filter((c) => c !== "STANDARD").join(", ")}`,
      );
    }
  });
  const provider = r.s3.provider;
  if (r.s3.bucketName !== undefined) {
    const why = bucketNameProblem(r.s3.bucketName);
    if (why)
      problem(["s3", "bucketName"], `${json(r.s3.bucketName)} is not a valid S3 bucket name: it ${why}`);
  } else if (provider === "existing") {
    problem(["s3", "bucketName"], `is required with provider "existing" (the bucket to write volumes to)`);
  }
  if (provider === "existing") {
    for (const key of ["s3AccessKeyId", "s3SecretAccessKey"] as const) {
      if (r[key] === undefined)
        problem([key], `is required with s3.provider "existing": pulumi config set --secret ${key} <value>`);
    }
  } else {
    for (const key of ["s3AccessKeyId", "s3SecretAccessKey"] as const) {
      if (r[key] !== undefined)
        problem(
          [key],
          `is only used with s3.provider "existing" (provider is ${json(provider)}): the stack creates its own keys`,
        );
    }
  }
  if (provider !== "existing" && r.s3.endpoint !== undefined) {
    problem(["s3", "endpoint"], `is only used with s3.provider "existing" (provider is ${json(provider)})`);
  }
  // Client and user names become parts of Pulumi resource names, where "::" separates URN fields.
  r.clients.forEach((c, i) => {
    if (c.name.includes("::")) problem(["clients", i, "name"], `${json(c.name)} must not contain "::"`);
  });
  r.webui.users.forEach((u, i) => {
    if (u.name.includes("::"))
      problem(["webui", "users", i, "name"], `${json(u.name)} must not contain "::"`);
  });
  for (const [key, names, what] of [
    ["clients", r.clients.map((c) => c.name), "client"],
    ["webuiUsers", r.webui.users.map((u) => u.name), "webui user"],
  ] as const) {
    for (const name of Object.keys(r.rotation[key])) {
      if (!names.includes(name)) {
        problem(
          ["rotation", key, name],
          `names no ${what}; defined: ${names.join(", ")} (a typo would rotate nothing)`,
        );
      }
    }
  }
  if (provider !== "aws" && r.s3.kmsKeyArn !== undefined) {
    problem(["s3", "kmsKeyArn"], `is only used with s3.provider "aws" (provider is ${json(provider)})`);
  }
  if (backend === "droplet" && (r.s3.pathStyle || provider === "minio")) {
    problem(
      ["s3", "backend"],
      `"droplet" addresses buckets virtual-host style only; use "dplcompat" for path-style endpoints`,
    );
  }
  if (r.protect && r.s3.forceDestroy) {
    problem(
      ["s3", "forceDestroy"],
      `true is not allowed with protect: true (it would let pulumi destroy delete the backups)`,
    );
  }

  // ---- pools, volumes vs chunks
  const pools: PoolSettings[] = r.pools.map((p) => ({
    name: p.name,
    level: p.level,
    volumeRetentionSeconds: p.volumeRetention,
    maximumVolumeBytes: p.maximumVolumeBytes,
    maximumVolumes: p.maximumVolumes,
    labelFormat: p.labelFormat,
    description: p.description,
  }));
  r.pools.forEach((p, i) => {
    const chunks = Math.ceil(p.maximumVolumeBytes / chunkSize);
    if (chunks > 9999) {
      problem(
        ["pools", i, "maximumVolumeBytes"],
        `${describeBytes(p.maximumVolumeBytes)} needs ${chunks} chunks of ${describeBytes(chunkSize)}; an S3 volume holds at most 9999: lower it or raise s3.chunkSize`,
      );
    }
    if (p.maximumVolumeBytes < chunkSize) {
      problem(
        ["pools", i, "maximumVolumeBytes"],
        `${describeBytes(p.maximumVolumeBytes)} is smaller than one chunk (${describeBytes(chunkSize)})`,
      );
    }
  });
  duplicates(
    r.pools.map((p) => p.name),
    (i, n) => problem(["pools", i, "name"], `${json(n)} is used twice; pool names must be unique`),
  );
  if (r.pools.some((p) => p.name === "Scratch")) {
    const i = r.pools.findIndex((p) => p.name === "Scratch");
    problem(["pools", i, "name"], `"Scratch" is reserved for the scratch pool the stack always renders`);
  }

  // ---- schedules
  const schedules: ScheduleSettings[] = r.schedules.map((s, i) => ({
    name: s.name,
    description: s.description,
    runs: s.runs.map((run, j) => {
      const when = parseRunWhen(run.when);
      if (typeof when === "string") {
        problem(
          ["schedules", i, "runs", j, "when"],
          `${json(run.when)} is not a Bareos schedule: ${when}; use e.g. "mon-fri at 21:00" or "1st sat at 21:00"`,
        );
        return {
          level: run.level,
          when: {
            text: run.when,
            weekdays: 0,
            weeksOfMonth: 0,
            months: 0,
            daysOfMonth: 0,
            hour: 0,
            minute: 0,
          },
        };
      }
      if (longestGapDays([when]) === undefined) {
        problem(
          ["schedules", i, "runs", j, "when"],
          `${json(run.when)} never fires: no day matches all of its weekdays, weeks, months and days of month`,
        );
      }
      return { level: run.level, when };
    }),
  }));
  r.schedules.forEach((s, i) => {
    if (s.name === "WeeklyCycleAfterBackup")
      problem(
        ["schedules", i, "name"],
        `"WeeklyCycleAfterBackup" is reserved for the catalog backup's schedule`,
      );
  });
  duplicates(
    r.schedules.map((s) => s.name),
    (i, n) => problem(["schedules", i, "name"], `${json(n)} is used twice; schedule names must be unique`),
  );

  // ---- filesets
  duplicates(
    r.fileSets.map((f) => f.name),
    (i, n) => problem(["fileSets", i, "name"], `${json(n)} is used twice; fileset names must be unique`),
  );
  r.fileSets.forEach((f, i) => {
    if (f.name === "Catalog")
      problem(
        ["fileSets", i, "name"],
        `"Catalog" is reserved for the catalog backup's fileset the stack renders`,
      );
    if (f.include.length === 0 && f.plugins.length === 0) {
      problem(
        ["fileSets", i, "include"],
        `is empty and the fileset has no plugins: it would back up nothing`,
      );
    }
  });

  // ---- clients
  const clients: ClientSettings[] = r.clients.map((c, i) => {
    if (c.managed && !DNS_LABEL.test(c.name)) {
      problem(
        ["clients", i, "name"],
        `${json(c.name)} cannot name a managed client: it is also its container's DNS name, so use lower-case letters, digits and '-'`,
      );
    }
    if (!c.managed && c.address === undefined) {
      problem(
        ["clients", i, "address"],
        `is required for an unmanaged client (the host name or IP the director connects to)`,
      );
    }
    if (!c.managed && c.mounts !== undefined) {
      problem(
        ["clients", i, "mounts"],
        `only applies to managed clients (the stack does not run this file daemon)`,
      );
    }
    if (c.pluginNames.length > 0 && c.pluginDirectory === undefined) {
      problem(
        ["clients", i, "pluginDirectory"],
        `is required when pluginNames is set (e.g. "/usr/lib/bareos/plugins")`,
      );
    }
    const mounts = (
      c.mounts ?? (c.managed && i === firstManaged(r) ? [{ hostPath: "./data", containerPath: "/data" }] : [])
    ).map((m) => ({
      hostPath: path.resolve(ctx.projectDir, m.hostPath),
      containerPath: m.containerPath,
    }));
    return {
      name: c.name,
      managed: c.managed,
      address: c.address ?? c.name,
      port: c.port,
      maximumBandwidthPerJob: c.maximumBandwidthPerJob,
      encryption: c.encryption,
      pluginDirectory: c.pluginDirectory,
      pluginNames: c.pluginNames,
      mounts,
      description: c.description,
    };
  });
  duplicates(
    r.clients.map((c) => c.name),
    (i, n) => problem(["clients", i, "name"], `${json(n)} is used twice; client names must be unique`),
  );

  const names: ServiceNames = {
    catalog: "bareos-db",
    director: "bareos-dir",
    storage: "bareos-sd",
    webui: "bareos-webui",
    webuiPhp: "bareos-webui-php",
    smtp: "bareos-smtp",
    minio: "minio",
  };
  const reserved = new Set(Object.values(names));
  r.clients.forEach((c, i) => {
    if (c.managed && reserved.has(c.name)) {
      problem(
        ["clients", i, "name"],
        `${json(c.name)} is the container name of another service; choose another client name`,
      );
    }
  });

  // Unmanaged clients connect to the storage daemon themselves (data never passes the director).
  const unmanaged = r.clients.filter((c) => !c.managed).map((c) => c.name);
  if (unmanaged.length > 0) {
    const who = `unmanaged client(s) ${unmanaged.map((n) => json(n)).join(", ")}`;
    if (r.storage.address === undefined) {
      problem(
        ["storage", "address"],
        `is required with ${who}: the Docker host's name they reach the storage daemon at`,
      );
    }
    if (!r.storage.publish) {
      problem(
        ["storage", "publish"],
        `false leaves the storage daemon unreachable for ${who}; set it to true`,
      );
    } else if (r.storage.bindAddress === "127.0.0.1") {
      problem(
        ["storage", "bindAddress"],
        `"127.0.0.1" leaves the storage daemon unreachable for ${who}; bind a host address`,
      );
    }
  }
  if (r.storage.address !== undefined && !r.storage.publish) {
    problem(
      ["storage", "address"],
      `${json(r.storage.address)} is only reachable with storage.publish: true`,
    );
  }
  if (r.storage.publish) {
    const taken = [
      { what: "the webui's published port", ip: r.webui.bindAddress, port: r.webui.port },
      ...(r.director.publish
        ? [{ what: "the published director port", ip: r.director.bindAddress, port: r.director.port }]
        : []),
    ];
    for (const t of taken) {
      const sameIp =
        t.ip === r.storage.bindAddress || t.ip === "0.0.0.0" || r.storage.bindAddress === "0.0.0.0";
      if (sameIp && t.port === r.storage.port)
        problem(["storage", "port"], `${r.storage.port} is also ${t.what}`);
    }
  }

  // ---- jobs and their references
  const poolByName = new Map(pools.map((p) => [p.name, p]));
  const firstPool = (level: PoolSettings["level"]) => pools.find((p) => p.level === level)?.name;
  const jobs: JobSettings[] = r.jobs.map((j, i) => {
    const ref = (key: string, value: string | undefined, known: readonly string[], what: string) => {
      if (value !== undefined && !known.includes(value)) {
        problem(
          ["jobs", i, key],
          `${json(value)} names no ${what}; defined: ${known.length ? [...new Set(known)].join(", ") : "none"}`,
        );
      }
    };
    ref(
      "client",
      j.client,
      r.clients.map((c) => c.name),
      "client",
    );
    ref(
      "fileSet",
      j.fileSet,
      r.fileSets.map((f) => f.name),
      "fileset",
    );
    ref(
      "schedule",
      j.schedule,
      r.schedules.map((s) => s.name),
      "schedule",
    );
    const pool = (key: "fullPool" | "differentialPool" | "incrementalPool", level: PoolSettings["level"]) => {
      const given = j[key];
      if (given !== undefined) {
        ref(
          key,
          given,
          pools.map((p) => p.name),
          "pool",
        );
        const p = poolByName.get(given);
        if (p && p.level !== level)
          problem(["jobs", i, key], `${json(given)} is ${article(p.level)} pool, not ${article(level)} pool`);
        return given;
      }
      // Differential falls back to the full pool and incremental to differential, like Bareos's own defaults.
      const fallback =
        firstPool(level) ??
        (level === "Incremental" ? firstPool("Differential") : undefined) ??
        firstPool("Full");
      if (fallback === undefined) {
        problem(["jobs", i, key], `is not set and no pool has level "${level}" or "Full"; add one to pools`);
        return "";
      }
      return fallback;
    };
    return {
      name: j.name,
      client: j.client,
      fileSet: j.fileSet,
      schedule: j.schedule,
      fullPool: pool("fullPool", "Full"),
      differentialPool: pool("differentialPool", "Differential"),
      incrementalPool: pool("incrementalPool", "Incremental"),
      level: j.level,
      priority: j.priority,
      enabled: j.enabled,
      description: j.description,
    };
  });
  duplicates(
    r.jobs.map((j) => j.name),
    (i, n) => problem(["jobs", i, "name"], `${json(n)} is used twice; job names must be unique`),
  );
  const reservedJobs = ["RestoreFiles", "BackupCatalog"];
  r.jobs.forEach((j, i) => {
    if (reservedJobs.includes(j.name))
      problem(["jobs", i, "name"], `${json(j.name)} is reserved for the job the stack renders itself`);
  });

  // ---- retention vs schedule: a pool must keep a backup until the next one of the level it depends on
  // A gap depends on the schedule only; computed once per schedule, not per job (500 clients stay fast).
  const gaps = new Map<string, number | undefined>();
  jobs.forEach((job, i) => {
    const schedule = schedules.find((s) => s.name === job.schedule);
    if (!schedule) return;
    const gap = (levels: string[]) => {
      const key = `${schedule.name}\u0000${levels.join(",")}`;
      if (!gaps.has(key)) {
        gaps.set(
          key,
          longestGapDays(schedule.runs.filter((run) => levels.includes(run.level)).map((run) => run.when)),
        );
      }
      return gaps.get(key);
    };
    const checks: [string, number | undefined, string][] = [
      [job.fullPool, gap(["Full"]), "Full"],
      [job.differentialPool, gap(["Full"]), "Full"],
      [job.incrementalPool, gap(["Full", "Differential"]), "Full or Differential"],
    ];
    for (const [poolName, days, between] of checks) {
      const p = poolByName.get(poolName);
      if (!p || days === undefined) continue;
      if (!schedule.runs.some((run) => run.level === p.level) && p.level !== "Full") continue;
      if (p.volumeRetentionSeconds < days * 86400) {
        const idx = r.pools.findIndex((x) => x.name === poolName);
        problem(
          ["pools", idx, "volumeRetention"],
          `${json(formatDuration(p.volumeRetentionSeconds))} is shorter than the ${days} days between ${between} backups of job ${json(job.name)} (schedule ${json(schedule.name)}): volumes would be recycled before the next backup they depend on; use at least "${days} days"`,
        );
      }
    }
    if (!schedule.runs.some((run) => run.level === "Full")) {
      problem(
        ["jobs", i, "schedule"],
        `${json(schedule.name)} has no Full run: job ${json(job.name)} would never get a new full backup`,
      );
    }
  });

  // ---- webui users, smtp
  duplicates(
    r.webui.users.map((u) => u.name),
    (i, n) => problem(["webui", "users", i, "name"], `${json(n)} is used twice; user names must be unique`),
  );
  if (
    r.webui.bindAddress === r.director.bindAddress &&
    r.director.publish &&
    r.webui.port === r.director.port
  ) {
    problem(["webui", "port"], `${r.webui.port} is also the published director port`);
  }
  if (r.smtp.username !== undefined && r.smtpPassword === undefined && !r.smtp.ses) {
    problem(
      ["smtpPassword"],
      `is required when smtp.username is set: pulumi config set --secret smtpPassword <value>`,
    );
  }
  if (r.smtp.ses && (r.smtp.username !== undefined || r.smtpPassword !== undefined)) {
    problem(["smtp", "ses"], `true creates its own SES credentials: remove smtp.username and smtpPassword`);
  }
  if (r.smtp.ses && r.s3.provider !== "aws") {
    problem(["smtp", "ses"], `true needs AWS (s3.provider "aws"); provider is ${json(r.s3.provider)}`);
  }

  const major = r.catalog.postgresMajor;
  const catalogImage = r.images.catalog ?? POSTGRES_IMAGES[major];
  const tagged = /(?:^|\/)postgres:(\d+)(?:[.-]|$)/.exec(catalogImage);
  if (tagged && Number(tagged[1]) !== major) {
    problem(
      ["images", "catalog"],
      `${json(catalogImage)} is PostgreSQL ${tagged[1]}, but catalog.postgresMajor is ${major}: the director's pg_dump is built for that major; set catalog.postgresMajor to ${tagged[1]} or use a ${major} image`,
    );
  }

  if (r.s3.bucketName === undefined && provider !== "existing") {
    const prefix = derivedBucketPrefix(PROJECT, ctx.stack);
    const why = bucketNameProblem(`${prefix}-abcdefgh`);
    if (why)
      problem(
        ["s3", "bucketName"],
        `is not set and the name derived from stack ${json(ctx.stack)} ${why}; set s3.bucketName`,
      );
  }

  return {
    project: PROJECT,
    stack: ctx.stack,
    bareosVersion: version,
    protect: r.protect,
    s3: {
      provider,
      backend,
      bucketName: r.s3.bucketName,
      region: r.s3.region,
      endpoint: r.s3.endpoint,
      pathStyle: provider === "minio" ? true : r.s3.pathStyle,
      storageClass: storageClass as S3Settings["storageClass"],
      transitions: r.s3.transitions,
      versioning: r.s3.versioning,
      noncurrentVersionExpirationDays: r.s3.noncurrentVersionExpirationDays,
      abortIncompleteMultipartUploadDays: r.s3.abortIncompleteMultipartUploadDays,
      kmsKeyArn: r.s3.kmsKeyArn,
      forceDestroy: r.s3.forceDestroy,
      chunkSize,
      ioThreads,
      ioSlots,
      program: r.s3.program,
    },
    director: r.director,
    storage: r.storage,
    catalog: r.catalog,
    pools,
    schedules,
    fileSets: r.fileSets,
    clients,
    jobs,
    webui: r.webui,
    smtp: r.smtp,
    images: { ...r.images, catalog: catalogImage },
    docker: r.docker,
    rotation: r.rotation,
    names,
    secrets: {
      smtpPassword: r.smtpPassword,
      s3AccessKeyId: r.s3AccessKeyId,
      s3SecretAccessKey: r.s3SecretAccessKey,
    },
  };
}

/** "a Full", "an Incremental". */
function article(word: string): string {
  return `${/^[AEIOU]/i.test(word) ? "an" : "a"} ${word}`;
}

function firstManaged(r: Raw): number {
  return r.clients.findIndex((c) => c.managed);
}

function duplicates(values: readonly string[], report: (index: number, value: string) => void): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) report(i, v);
    seen.add(v);
  });
}

/**
 * A stack file's `config:` block as the Pulumi CLI hands it to a program: every value a string (objects,
 * arrays and numbers as JSON), `secure:` values replaced by `placeholder(fullKey)` and listed as secret.
 */
export function runtimeConfigOf(
  config: Readonly<Record<string, unknown>>,
  placeholder: (fullKey: string) => string,
): { values: Record<string, string>; secretKeys: Set<string> } {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [key, v] of Object.entries(config)) {
    if (v !== null && typeof v === "object" && "secure" in v) {
      values[key] = placeholder(key);
      secretKeys.add(key);
    } else {
      values[key] =
        v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    }
  }
  return { values, secretKeys };
}

/**
 * The raw values of a stack file, read through the same string view the program gets (so
 * `pulumi config set protect true`, stored as the string "true", reads as a boolean in both).
 */
export function rawFromStackFile(
  config: Readonly<Record<string, unknown>>,
  placeholder: (fullKey: string) => string,
): RawConfig {
  const { values, secretKeys } = runtimeConfigOf(config, placeholder);
  return rawFromPulumiConfig(values, (k) => secretKeys.has(k));
}

/**
 * The raw values as the Pulumi runtime hands them over: every value is a string, objects and
 * numbers as JSON. Secret keys keep their text as-is (a password may look like JSON).
 */
export function rawFromPulumiConfig(
  all: Readonly<Record<string, string>>,
  isSecret: (fullKey: string) => boolean,
): RawConfig {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [fullName, text] of Object.entries(all)) {
    const [ns, key] = splitKey(fullName);
    if (ns !== PROJECT) continue;
    if (isSecret(fullName)) secretKeys.add(key);
    if ((SECRET_KEYS as readonly string[]).includes(key)) {
      values[key] = text;
      continue;
    }
    try {
      values[key] = JSON.parse(text);
    } catch {
      values[key] = text;
    }
  }
  return { values, secretKeys };
}

function splitKey(fullName: string): [string, string] {
  const i = fullName.indexOf(":");
  if (i < 0) return ["", fullName];
  // The runtime spells namespaced keys "project:config:key" in some code paths.
  const ns = fullName.slice(0, i);
  const key = fullName.slice(i + 1).replace(/^config:/, "");
  return [ns, key];
}

// Fixed facts the settings are checked against: versions, pinned images, reserved names, AWS regions.

export const PROJECT = "bareos-s3-backup";

/** Config keys whose values are credentials: accepted only as Pulumi secrets (`pulumi config set --secret`). */
export const SECRET_KEYS = ["smtpPassword", "s3AccessKeyId", "s3SecretAccessKey"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/**
 * Object keys that may hold a nested secret (`pulumi config set --secret --path smtp.username`): the
 * program then gets the whole object as a secret and keeps everything made from it secret.
 */
export const NESTED_SECRET_KEYS = ["smtp"] as const;

/** Namespaces of the providers the program uses: their keys configure those providers. */
export const PROVIDER_NAMESPACES = ["aws", "docker", "random", "tls", "pulumi"] as const;

export const BAREOS_VERSIONS = ["22", "24", "25"] as const;
export type BareosVersion = (typeof BAREOS_VERSIONS)[number];

/** S3 storage classes Bareos can read back directly (no restore request needed). */
export const READABLE_STORAGE_CLASSES = [
  "STANDARD",
  "STANDARD_IA",
  "ONEZONE_IA",
  "INTELLIGENT_TIERING",
  "GLACIER_IR",
] as const;
export type ReadableStorageClass = (typeof READABLE_STORAGE_CLASSES)[number];
export const ARCHIVE_STORAGE_CLASSES = ["GLACIER", "DEEP_ARCHIVE"] as const;

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

/** Container (and DNS) names, computed once so addresses in configs and container aliases agree. */
export const SERVICE_NAMES = {
  catalog: "bareos-db",
  director: "bareos-dir",
  storage: "bareos-sd",
  webui: "bareos-webui",
  webuiPhp: "bareos-webui-php",
  smtp: "bareos-smtp",
  minio: "minio",
  /** The stack's own file daemon: it backs up the catalog dump, never encrypted (README, Disaster recovery). */
  catalogFd: "bareos-catalog-fd",
} as const;

/** Resources the stack always renders itself, by the settings list whose names they would clash with. */
export const RESERVED = {
  pool: "Scratch",
  schedule: "WeeklyCycleAfterBackup",
  fileSet: "Catalog",
  jobs: ["RestoreFiles", "BackupCatalog"],
  client: SERVICE_NAMES.catalogFd,
} as const;

/**
 * AWS regions with S3 (https://docs.aws.amazon.com/general/latest/gr/s3.html), as of 2026. A region
 * missing here is a one-line change; a typo in a stack file would otherwise only fail at deploy time.
 */
export const AWS_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "cn-north-1",
  "cn-northwest-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-gov-east-1",
  "us-gov-west-1",
  "us-west-1",
  "us-west-2",
] as const;

/** The project's dplcompat wrapper over rclone (images/storage/rclone-wrapper.sh), in the SD's scripts directory. */
export const RCLONE_WRAPPER = "rclone-wrapper.sh";
/** The project's lean dplcompat wrapper (images/storage/curl-wrapper.sh): one curl request per call. */
export const CURL_WRAPPER = "curl-wrapper.sh";

/** Whether an `s3.program` (a name in the scripts directory or an absolute path) is the wrapper `name`. */
export function isWrapper(program: string, name: string): boolean {
  return program === name || program.endsWith(`/${name}`);
}

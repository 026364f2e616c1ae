// The storage daemon's S3 device backend: the `Device Type`, the `Device Options` string and the
// credential file the backend reads (an s3cmd config for dplcompat, a droplet profile for droplet).
import type { BareosSecrets } from "./secrets";
import type { Settings } from "./settings";
import type { FileTree } from "./render";
import { CREDENTIAL_MODE } from "./serialize";

/** s3cmd configuration read by dplcompat's s3cmd-wrapper.sh (`s3cfg=` device option). */
export const S3CFG_PATH = "/etc/bareos/s3/s3cfg";
/** Droplet profiles must end in `.profile`; outside `*.conf`, so the SD's config loader skips them. */
export const DROPLET_PROFILE_DIR = "/etc/bareos/bareos-sd.d/device/droplet";
export const MINIO_PORT = 9000;
/** MinIO's default region; the local MinIO must not set another (MINIO_REGION / MINIO_SITE_REGION). */
export const MINIO_REGION = "us-east-1";
/** The only storage classes libdroplet knows (dpl_storage_class()). */
export const DROPLET_STORAGE_CLASSES: readonly string[] = ["STANDARD", "STANDARD_IA"];

/** Where and how the storage daemon talks S3. */
export interface S3Endpoint {
  /** host[:port], no scheme (s3cmd host_base, droplet host). */
  readonly host: string;
  readonly useHttps: boolean;
  readonly pathStyle: boolean;
  readonly region: string;
}

export function s3Endpoint(settings: Settings): S3Endpoint {
  const s3 = settings.s3;
  if (s3.provider === "minio") {
    return {
      host: `${settings.names.minio}:${MINIO_PORT}`,
      useHttps: false,
      pathStyle: true,
      region: MINIO_REGION,
    };
  }
  if (s3.endpoint !== undefined) {
    const url = new URL(s3.endpoint);
    return {
      host: url.host,
      useHttps: url.protocol === "https:",
      pathStyle: s3.pathStyle,
      region: s3.region,
    };
  }
  // Regional host: droplet does not follow AWS's redirects for young buckets.
  return {
    host: `s3.${s3.region}.amazonaws.com`,
    useHttps: true,
    pathStyle: s3.pathStyle,
    region: s3.region,
  };
}

export interface S3Backend {
  readonly deviceType: "dplcompat" | "droplet";
  readonly deviceOptions: string;
  /** Credential files, absolute paths in the storage daemon's container. */
  readonly files: FileTree;
}

// Device Options is a comma separated key=value list parsed without quoting (backends/util.cc).
function deviceOptions(pairs: readonly (readonly [string, string | number])[]): string {
  return pairs
    .map(([key, value]) => {
      const text = String(value);
      if (text === "" || /[,=\s"\\]/.test(text)) {
        throw new Error(`device option ${key}=${JSON.stringify(text)} cannot be written in Device Options`);
      }
      return `${key}=${text}`;
    })
    .join(",");
}

// Line-based formats with no escaping: a value must stay on its line.
function lineValue(what: string, value: string, forbidden: RegExp): string {
  if (value === "" || forbidden.test(value)) {
    throw new Error(`${what} ${JSON.stringify(value)} cannot be written to the S3 credential file`);
  }
  return value;
}

function chunkBytes(settings: Settings): number {
  // Plain bytes: suffixes (100M) are only understood from 24.0.4 on, and dplcompat reads "100M" as 100.
  const n = settings.s3.chunkSize;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`chunk size ${n} is not a whole number of bytes`);
  return n;
}

function s3cfg(endpoint: S3Endpoint, secrets: BareosSecrets): string {
  const bad = /[\r\n]/;
  const lines = [
    "[default]",
    `access_key = ${lineValue("access key", secrets.s3AccessKeyId, bad)}`,
    `secret_key = ${lineValue("secret key", secrets.s3SecretAccessKey, bad)}`,
    `host_base = ${endpoint.host}`,
    `host_bucket = ${endpoint.pathStyle ? endpoint.host : `%(bucket)s.${endpoint.host}`}`,
    `bucket_location = ${endpoint.region}`,
    `use_https = ${endpoint.useHttps ? "True" : "False"}`,
    "signature_v2 = False",
  ];
  return `${lines.join("\n")}\n`;
}

// The profile parser takes no comments (and no escapes), so nothing but key = value lines.
function dropletProfile(endpoint: S3Endpoint, secrets: BareosSecrets): string {
  const bad = /[\r\n"#\\]/;
  const lines = [
    `host = ${endpoint.host}`,
    `use_https = ${endpoint.useHttps ? "true" : "false"}`,
    `access_key = "${lineValue("access key", secrets.s3AccessKeyId, bad)}"`,
    `secret_key = "${lineValue("secret key", secrets.s3SecretAccessKey, bad)}"`,
    "aws_auth_sign_version = 4",
    `aws_region = ${endpoint.region}`,
    "backend = s3",
    'pricing_dir = ""',
  ];
  return `${lines.join("\n")}\n`;
}

export function dropletProfilePath(settings: Settings): string {
  return `${DROPLET_PROFILE_DIR}/${settings.storage.deviceName}.profile`;
}

/** The device backend for settings.s3.backend, writing to `bucketName`. */
export function renderS3Backend(settings: Settings, secrets: BareosSecrets, bucketName: string): S3Backend {
  const s3 = settings.s3;
  const endpoint = s3Endpoint(settings);
  if (s3.backend === "dplcompat") {
    return {
      deviceType: "dplcompat",
      deviceOptions: deviceOptions([
        ["iothreads", s3.ioThreads],
        ["ioslots", s3.ioSlots],
        // 0 = retry forever; a limit can drop data while the job still reports OK.
        ["retries", 0],
        ["program", s3.program],
        ["s3cfg", S3CFG_PATH],
        ["bucket", bucketName],
        ["chunksize", chunkBytes(settings)],
        ["storage_class", s3.storageClass],
      ]),
      files: { [S3CFG_PATH]: { content: s3cfg(endpoint, secrets), mode: CREDENTIAL_MODE } },
    };
  }
  if (!DROPLET_STORAGE_CLASSES.includes(s3.storageClass)) {
    throw new Error(
      `s3.storageClass ${JSON.stringify(s3.storageClass)} is not supported by the droplet backend (${DROPLET_STORAGE_CLASSES.join(", ")})`,
    );
  }
  const profile = dropletProfilePath(settings);
  return {
    deviceType: "droplet",
    deviceOptions: deviceOptions([
      ["profile", profile],
      ["bucket", bucketName],
      ["chunksize", chunkBytes(settings)],
      ["iothreads", s3.ioThreads],
      ["ioslots", s3.ioSlots],
      ["retries", 0],
      ["storageclass", s3.storageClass],
    ]),
    files: { [profile]: { content: dropletProfile(endpoint, secrets), mode: CREDENTIAL_MODE } },
  };
}

// The storage daemon's S3 device backend: the `Device Type`, the `Device Options` string and the
// credential file the backend reads (for dplcompat an rclone config for the project's rclone-wrapper.sh
// or an s3cmd config for Bareos' s3cmd-wrapper.sh; a droplet profile for droplet).
import type { BareosSecrets } from "./secrets";
import { CURL_WRAPPER, RCLONE_WRAPPER, isWrapper } from "./settings";
import type { Settings } from "./settings";
import type { FileTree } from "./fileTree";
import { CREDENTIAL_MODE } from "./serialize";

/** s3cmd configuration read by dplcompat's s3cmd-wrapper.sh (`s3cfg=` device option). */
export const S3CFG_PATH = "/etc/bareos/s3/s3cfg";
export { CURL_WRAPPER, RCLONE_WRAPPER } from "./settings";
/** curl config (credentials and signing scope) read by curl-wrapper.sh (`curl_config=` device option). */
export const CURL_CONFIG_PATH = "/etc/bareos/s3/curl.conf";
/** rclone configuration read by rclone-wrapper.sh (`rclone_config=` device option). */
export const RCLONE_CONFIG_PATH = "/etc/bareos/s3/rclone.conf";
/** The remote rclone-wrapper.sh addresses in that file. */
export const RCLONE_REMOTE = "bareos";
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

// One line each; rclone's INI parser also trims values and unquotes a leading quote.
function rcloneValue(what: string, value: string): string {
  if (value === "" || /[\r\n]/.test(value) || value !== value.trim() || /^["'`]/.test(value)) {
    throw new Error(`${what} ${JSON.stringify(value)} cannot be written to the rclone config file`);
  }
  return value;
}

function rcloneConfig(settings: Settings, endpoint: S3Endpoint, secrets: BareosSecrets): string {
  const s3 = settings.s3;
  const aws = s3.provider === "aws" || (s3.provider === "existing" && s3.endpoint === undefined);
  const lines = [
    `[${RCLONE_REMOTE}]`,
    "type = s3",
    `provider = ${aws ? "AWS" : s3.provider === "minio" ? "Minio" : "Other"}`,
    "env_auth = false",
    `access_key_id = ${rcloneValue("access key", secrets.s3AccessKeyId)}`,
    `secret_access_key = ${rcloneValue("secret key", secrets.s3SecretAccessKey)}`,
    `region = ${endpoint.region}`,
    // AWS: rclone derives the regional endpoint from the region.
    ...(aws ? [] : [`endpoint = ${endpoint.useHttps ? "https" : "http"}://${endpoint.host}`]),
    `force_path_style = ${endpoint.pathStyle ? "true" : "false"}`,
    // The stack owns the bucket: never probe or create it (no s3:CreateBucket, one request less).
    "no_check_bucket = true",
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The rclone config, whatever the backend: rclone-wrapper.sh reads it, and so do the recovery kit's
 * uploader and `npm run recover` (the storage daemon's keys, the same endpoint).
 */
export function rcloneConfigFile(settings: Settings, secrets: BareosSecrets): FileTree {
  return {
    [RCLONE_CONFIG_PATH]: {
      content: rcloneConfig(settings, s3Endpoint(settings), secrets),
      mode: CREDENTIAL_MODE,
    },
  };
}

/**
 * Seconds dplcompat gives one wrapper run between two reads/writes of its pipe. rclone-wrapper.sh sends a
 * part only after it has read all of it, so a whole PUT must fit: one chunk at 0.5 MiB/s (4 Mbit/s per
 * running upload), plus 30 s (dplcompat's default) for connecting and listing.
 */
export function rcloneProgramTimeout(chunkSize: number): number {
  return 30 + Math.ceil((2 * chunkSize) / (1024 * 1024));
}

// curl's config syntax: a double-quoted value takes \ escapes, so neither quote, backslash nor newline.
function curlConfig(endpoint: S3Endpoint, secrets: BareosSecrets): string {
  const bad = /[\r\n"\\]/;
  const user = `${lineValue("access key", secrets.s3AccessKeyId, bad)}:${lineValue("secret key", secrets.s3SecretAccessKey, bad)}`;
  return `user = "${user}"\naws-sigv4 = "aws:amz:${endpoint.region}:s3"\n`;
}

/** The bucket's URL as curl-wrapper.sh addresses it: path style ends in the bucket, virtual host names it. */
export function bucketUrl(endpoint: S3Endpoint, bucketName: string): string {
  const scheme = endpoint.useHttps ? "https" : "http";
  return endpoint.pathStyle
    ? `${scheme}://${endpoint.host}/${bucketName}`
    : `${scheme}://${bucketName}.${endpoint.host}`;
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
  if (s3.backend === "dplcompat" && isWrapper(s3.program, RCLONE_WRAPPER)) {
    const chunkSize = chunkBytes(settings);
    return {
      deviceType: "dplcompat",
      deviceOptions: deviceOptions([
        ["iothreads", s3.ioThreads],
        ["ioslots", s3.ioSlots],
        // 0 = retry forever; a limit can drop data while the job still reports OK.
        ["retries", 0],
        ["program", s3.program],
        ["program_timeout", rcloneProgramTimeout(chunkSize)],
        ["rclone_config", RCLONE_CONFIG_PATH],
        ["bucket", bucketName],
        ["chunksize", chunkSize],
        // The wrapper buffers a part up to this size and sends it as one PUT.
        ["max_part_size", chunkSize],
        ["storage_class", s3.storageClass],
      ]),
      files: {
        [RCLONE_CONFIG_PATH]: { content: rcloneConfig(settings, endpoint, secrets), mode: CREDENTIAL_MODE },
      },
    };
  }
  if (s3.backend === "dplcompat" && isWrapper(s3.program, CURL_WRAPPER)) {
    const chunkSize = chunkBytes(settings);
    return {
      deviceType: "dplcompat",
      deviceOptions: deviceOptions([
        ["iothreads", s3.ioThreads],
        ["ioslots", s3.ioSlots],
        // 0 = retry forever; a limit can drop data while the job still reports OK.
        ["retries", 0],
        ["program", s3.program],
        ["program_timeout", rcloneProgramTimeout(chunkSize)],
        ["curl_config", CURL_CONFIG_PATH],
        ["base_url", bucketUrl(endpoint, bucketName)],
        ["chunksize", chunkSize],
        ["storage_class", s3.storageClass],
        ...(s3.writeBehind > 0 ? [["write_behind", s3.writeBehind] as const] : []),
        ...(s3.readAhead ? [["read_ahead", 1] as const] : []),
      ]),
      files: {
        [CURL_CONFIG_PATH]: { content: curlConfig(endpoint, secrets), mode: CREDENTIAL_MODE },
      },
    };
  }
  // Any other program gets the options of Bareos' s3cmd-wrapper.sh.
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
        // Only when asked for: older copies of s3cmd-wrapper.sh do not declare it, and unknown options fail.
        ...(s3.storageClass === "STANDARD" ? [] : [["storage_class", s3.storageClass] as const]),
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

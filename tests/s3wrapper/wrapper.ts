// Runs a dplcompat wrapper program the way the storage daemon does, and reads the S3 server directly.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderS3Backend } from "../../configs/s3backend";
import { fakeSecrets, settingsFrom } from "../configs/fixtures";
import { S3RVER_KEY } from "./s3server";

/** The project's wrapper as the storage image installs it. */
export const RCLONE_WRAPPER_PATH = path.resolve(__dirname, "../../images/storage/rclone-wrapper.sh");
/** The project's lean wrapper, likewise. */
export const CURL_WRAPPER_PATH = path.resolve(__dirname, "../../images/storage/curl-wrapper.sh");

/**
 * Bareos' s3cmd-wrapper.sh (core/scripts/s3cmd-wrapper.sh of bareos/bareos, AGPL-3.0, not part of this
 * repository): the comparison runs only when this variable names a copy and s3cmd is installed.
 */
export const S3CMD_WRAPPER_ENV = "BAREOS_S3CMD_WRAPPER";

/** Device Options dplcompat consumes itself (dplcompat_device.cc); the rest goes to the wrapper. */
export const DPLCOMPAT_OPTIONS: readonly string[] = [
  "chunksize",
  "iothreads",
  "ioslots",
  "retries",
  "program",
  "program_timeout",
];

export function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", 'command -v "$0"', name], { stdio: "ignore" }).status === 0;
}

/**
 * Whether a suite's commands are all installed. Missing ones skip it with a visible message, except
 * under CI, where a skip would hide the suite: there they are an error.
 */
export function suiteHasCommands(suite: string, commands: readonly string[]): boolean {
  const missing = commands.filter((c) => !hasCommand(c));
  if (missing.length === 0) return true;
  if (process.env.CI) throw new Error(`${missing.join(", ")} needed for the ${suite} suite: not installed`);
  process.stderr.write(`tests/s3wrapper: ${missing.join(", ")} missing: the ${suite} suite is SKIPPED\n`);
  return false;
}

export interface WrapperRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr through one pipe, as the storage daemon reads them. */
  readonly output: Buffer;
}

export interface RunningWrapper {
  readonly child: ChildProcess;
  readonly done: Promise<WrapperRun>;
}

/**
 * Starts `program args` with exactly `env`, stderr merged into stdout (dplcompat opens its pipe with
 * stderr duplicated). The shell execs, so the child's pid is the wrapper's, as under the SD.
 */
export function startWrapper(
  program: string,
  args: readonly string[],
  env: Record<string, string>,
  withStdin = false,
): RunningWrapper {
  const child = spawn("/bin/sh", ["-c", 'exec "$0" "$@" 2>&1', program, ...args], {
    env,
    stdio: [withStdin ? "pipe" : "ignore", "pipe", "inherit"],
  });
  const chunks: Buffer[] = [];
  child.stdout?.on("data", (c: Buffer) => chunks.push(c));
  // A wrapper that exits before reading all input must not crash the test runner with EPIPE.
  child.stdin?.on("error", () => undefined);
  const done = new Promise<WrapperRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, output: Buffer.concat(chunks) }));
  });
  return { child, done };
}

export function runWrapper(
  program: string,
  args: readonly string[],
  env: Record<string, string>,
  input?: Buffer,
): Promise<WrapperRun> {
  const run = startWrapper(program, args, env, input !== undefined);
  run.child.stdin?.end(input);
  return run.done;
}

/**
 * A `stat` answer as the daemon reads it (sscanf "%zu\n" in crud_storage.cc): the size, a newline, and
 * optionally the space padding curl-wrapper.sh adds; anything else is not an answer.
 */
export function statAnswer(output: Buffer | string): number | undefined {
  const match = /^(\d+)\n *$/.exec(output.toString());
  return match ? Number(match[1]) : undefined;
}

/** Splits Device Options like dplcompat: it keeps its own, the wrapper gets the ones it declares. */
export function wrapperEnvironment(
  deviceOptions: string,
  declared: readonly string[],
): { env: Record<string, string>; unknown: string[] } {
  const env: Record<string, string> = {};
  const unknown: string[] = [];
  for (const pair of deviceOptions.split(",")) {
    const at = pair.indexOf("=");
    const [key, value] = [pair.slice(0, at), pair.slice(at + 1)];
    if (DPLCOMPAT_OPTIONS.includes(key)) continue;
    if (declared.includes(key)) env[key] = value;
    else unknown.push(key);
  }
  return { env, unknown };
}

export interface DeviceUnderTest {
  /** The wrapper file to run. */
  readonly program: string;
  /** Its `s3.program` setting. */
  readonly setting: string;
  /** s3rver's endpoint URL. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly chunkSize: number;
  /** Where the rendered credential files are written. */
  readonly dir: string;
  /** Further `s3` settings. */
  readonly s3?: Record<string, unknown>;
  readonly accessKey?: string;
}

let fileCount = 0;

/**
 * Renders the device like the stack does (provider "existing" pointing at s3rver) and returns the
 * environment dplcompat would give the wrapper, with its credential files written under `dir`.
 */
export async function deviceEnvironment(
  device: DeviceUnderTest,
): Promise<{ env: Record<string, string>; unknown: string[]; deviceOptions: string }> {
  const accessKey = device.accessKey ?? S3RVER_KEY;
  const settings = settingsFrom({
    s3: {
      provider: "existing",
      bucketName: device.bucket,
      endpoint: device.endpoint,
      pathStyle: true,
      program: device.setting,
      chunkSize: device.chunkSize,
      ...device.s3,
    },
    s3AccessKeyId: accessKey,
    s3SecretAccessKey: S3RVER_KEY,
  });
  const secrets = { ...fakeSecrets(settings), s3AccessKeyId: accessKey, s3SecretAccessKey: S3RVER_KEY };
  const backend = renderS3Backend(settings, secrets, String(device.s3?.bucketName ?? device.bucket));
  const declared = (await runWrapper(device.program, ["options"], {})).output.toString().split("\n");
  const { env, unknown } = wrapperEnvironment(backend.deviceOptions, declared);
  for (const [file, { content, mode }] of Object.entries(backend.files)) {
    const copy = path.join(device.dir, `${++fileCount}-${path.basename(file)}`);
    fs.writeFileSync(copy, content, { mode });
    for (const [k, v] of Object.entries(env)) if (v === file) env[k] = copy;
  }
  return { env, unknown, deviceOptions: backend.deviceOptions };
}

function keyUrl(endpoint: string, bucket: string, key: string): string {
  return `${endpoint}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** Object keys under `prefix`, read with an anonymous ListObjectsV2 (s3rver allows it). */
export async function listKeys(endpoint: string, bucket: string, prefix = ""): Promise<string[]> {
  const res = await fetch(`${endpoint}/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
  if (!res.ok) throw new Error(`listing ${bucket}: HTTP ${res.status}`);
  const xml = await res.text();
  const unescape = (s: string) =>
    s
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, "&");
  return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => unescape(m[1])).sort();
}

/** Response headers of an anonymous HEAD of the object, or undefined when it does not exist. */
export async function headObject(
  endpoint: string,
  bucket: string,
  key: string,
): Promise<Headers | undefined> {
  const res = await fetch(keyUrl(endpoint, bucket, key), { method: "HEAD" });
  return res.ok ? res.headers : undefined;
}

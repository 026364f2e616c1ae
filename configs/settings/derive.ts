// Raw (shaped) config -> the Settings object: defaults that depend on other settings, units in the
// form the renderers use. Reports nothing: rules/ check the same raw config and say what is wrong.
import * as path from "node:path";
import { MiB } from "../units";
import { RunWhen, parseRunWhen } from "../schedule";
import {
  CURL_WRAPPER,
  NESTED_SECRET_KEYS,
  POSTGRES_IMAGES,
  PROJECT,
  ReadableStorageClass,
  SERVICE_NAMES,
  isWrapper,
} from "./constants";
import type { Raw } from "./schema";
import type {
  ClientSettings,
  JobSettings,
  Level,
  PoolSettings,
  RawConfig,
  ReadContext,
  S3Settings,
  ScheduleSettings,
  Settings,
} from "./types";

/** Whether the device runs the project's curl-wrapper.sh (by name or path). */
export function usesCurlWrapper(r: Raw): boolean {
  return backendOf(r) === "dplcompat" && isWrapper(r.s3.program, CURL_WRAPPER);
}

/**
 * From `npm run bench:backup` (README, "S3 device"), the real storage daemon with each device. With
 * curl-wrapper.sh, iothreads 0 and two uploads written behind were fastest: io-threads make the daemon
 * poll for its last uploads in 10 s steps, and each extra queued chunk is memory. Other wrappers keep
 * the io-threads (they cannot write behind); 100 MiB chunks amortise a process start per call. A
 * restore reads one part at a time, but read-ahead measured no faster: the daemon takes ~0.65 s to
 * take in a 100 MiB part even from a local copy, against ~0.07 s for the GET itself on loopback.
 */
export function deviceDefaults(backend: S3Settings["backend"], curlWrapper: boolean) {
  if (backend === "droplet") return { chunkSize: 10 * MiB, ioThreads: 1, ioSlots: 10, writeBehind: 0 };
  return curlWrapper
    ? { chunkSize: 100 * MiB, ioThreads: 0, ioSlots: 1, writeBehind: 2 }
    : { chunkSize: 100 * MiB, ioThreads: 2, ioSlots: 2, writeBehind: 0 };
}

export function backendOf(r: Raw): S3Settings["backend"] {
  return r.s3.backend ?? (r.bareosVersion === "22" ? "droplet" : "dplcompat");
}

/** The device options in effect: given, or the backend's and program's defaults. */
export function deviceOf(r: Raw) {
  const defaults = deviceDefaults(backendOf(r), usesCurlWrapper(r));
  return {
    chunkSize: r.s3.chunkSize ?? defaults.chunkSize,
    ioThreads: r.s3.ioThreads ?? defaults.ioThreads,
    ioSlots: r.s3.ioSlots ?? defaults.ioSlots,
    writeBehind: r.s3.writeBehind ?? defaults.writeBehind,
    readAhead: r.s3.readAhead ?? false,
  };
}

function s3(r: Raw): S3Settings {
  return {
    ...r.s3,
    backend: backendOf(r),
    pathStyle: r.s3.provider === "minio" ? true : r.s3.pathStyle,
    storageClass: r.s3.storageClass as ReadableStorageClass,
    ...deviceOf(r),
  };
}

function pools(r: Raw): PoolSettings[] {
  return r.pools.map((p) => ({
    name: p.name,
    level: p.level,
    volumeRetentionSeconds: p.volumeRetention,
    maximumVolumeBytes: p.maximumVolumeBytes,
    maximumVolumes: p.maximumVolumes,
    labelFormat: p.labelFormat,
    description: p.description,
  }));
}

/** Never fires; stands in for a `when` the schedule rules refuse. */
const NEVER: Omit<RunWhen, "text"> = {
  weekdays: 0,
  weeksOfMonth: 0,
  months: 0,
  daysOfMonth: 0,
  hour: 0,
  minute: 0,
};

function schedules(r: Raw): ScheduleSettings[] {
  return r.schedules.map((s) => ({
    name: s.name,
    description: s.description,
    runs: s.runs.map((run) => {
      const when = parseRunWhen(run.when);
      return { level: run.level, when: typeof when === "string" ? { text: run.when, ...NEVER } : when };
    }),
  }));
}

/** The first managed client backs up ./data at /data unless it says otherwise. */
export function mountsOf(r: Raw, index: number): readonly { hostPath: string; containerPath: string }[] {
  const c = r.clients[index];
  if (c === undefined) return [];
  const first = r.clients.findIndex((x) => x.managed);
  return c.mounts ?? (c.managed && index === first ? [{ hostPath: "./data", containerPath: "/data" }] : []);
}

/**
 * BackupCatalog's client. Not a data client: those may encrypt, and the catalog dump has to come back
 * with nothing but the bucket (no keys survive the loss of the stack), so it is read by bextract.
 */
export function catalogFdOf(): ClientSettings {
  return {
    name: SERVICE_NAMES.catalogFd,
    managed: true,
    address: SERVICE_NAMES.catalogFd,
    port: 9102,
    encryption: false,
    pluginNames: [],
    mounts: [],
    description: "The stack's own client: backs up the catalog dump (unencrypted, for disaster recovery).",
    stackOwned: true,
  };
}

function clients(r: Raw, ctx: ReadContext): ClientSettings[] {
  return [...userClients(r, ctx), catalogFdOf()];
}

function userClients(r: Raw, ctx: ReadContext): ClientSettings[] {
  return r.clients.map((c, i) => ({
    name: c.name,
    managed: c.managed,
    address: c.address ?? c.name,
    port: c.port,
    maximumBandwidthPerJob: c.maximumBandwidthPerJob,
    encryption: c.encryption,
    pluginDirectory: c.pluginDirectory,
    pluginNames: c.pluginNames,
    mounts: mountsOf(r, i).map((m) => ({
      hostPath: path.resolve(ctx.projectDir, m.hostPath),
      containerPath: m.containerPath,
    })),
    description: c.description,
  }));
}

/**
 * The pool a job writes a level to: given, or the first pool of that level; Differential falls back to
 * the Full pool and Incremental to Differential, like Bareos's own defaults. "" when there is none.
 */
export function poolFor(r: Raw, given: string | undefined, level: Level): string {
  if (given !== undefined) return given;
  const first = (l: Level) => r.pools.find((p) => p.level === l)?.name;
  return first(level) ?? (level === "Incremental" ? first("Differential") : undefined) ?? first("Full") ?? "";
}

function jobs(r: Raw): JobSettings[] {
  return r.jobs.map((j) => ({
    name: j.name,
    client: j.client,
    fileSet: j.fileSet,
    schedule: j.schedule,
    fullPool: poolFor(r, j.fullPool, "Full"),
    differentialPool: poolFor(r, j.differentialPool, "Differential"),
    incrementalPool: poolFor(r, j.incrementalPool, "Incremental"),
    level: j.level,
    priority: j.priority,
    enabled: j.enabled,
    verify: j.verify,
    description: j.description,
  }));
}

export function catalogImageOf(r: Raw): string {
  return r.images.catalog ?? POSTGRES_IMAGES[r.catalog.postgresMajor];
}

export function deriveSettings(r: Raw, raw: RawConfig, ctx: ReadContext): Settings {
  return {
    project: PROJECT,
    stack: ctx.stack,
    bareosVersion: r.bareosVersion,
    protect: r.protect,
    s3: s3(r),
    director: r.director,
    storage: r.storage,
    catalog: r.catalog,
    pools: pools(r),
    schedules: schedules(r),
    fileSets: r.fileSets,
    clients: clients(r, ctx),
    jobs: jobs(r),
    webui: r.webui,
    smtp: r.smtp,
    images: { ...r.images, catalog: catalogImageOf(r) },
    docker: r.docker,
    rotation: r.rotation,
    names: { ...SERVICE_NAMES },
    secrets: {
      smtpPassword: r.smtpPassword,
      s3AccessKeyId: r.s3AccessKeyId,
      s3SecretAccessKey: r.s3SecretAccessKey,
    },
    secretObjects: NESTED_SECRET_KEYS.filter((k) => raw.secretKeys.has(k)),
  };
}

// Verify jobs: one per backup job with `verify` on, Level VolumeToCatalog (the storage daemon reads the
// newest backup of that job back from S3, the file daemon compares every file's signature with the
// catalog). Scheduled with the backup's Full and Differential runs (weekly with WeeklyCycle), one
// priority lower, so the director starts it when the backups queued with it have ended.
import type { JobSettings, Settings } from "./settings";
import type { DirJob, DirSchedule } from "./resources";

export const VERIFY_JOB_SUFFIX = "-verify";
export const VERIFY_SCHEDULE_SUFFIX = "-verify";
/** Bareos's limit that matters here: job names over ~100 characters break the TLS-PSK handshake. */
export const MAX_JOB_NAME = 100;
const VERIFIED_LEVELS: readonly string[] = ["Full", "Differential"];

export function verifyJobName(job: string): string {
  return `${job}${VERIFY_JOB_SUFFIX}`;
}

export function verifyScheduleName(schedule: string): string {
  return `${schedule}${VERIFY_SCHEDULE_SUFFIX}`;
}

/** The jobs whose verify job the stack renders. */
export function verifiedJobs(settings: Pick<Settings, "jobs">): readonly JobSettings[] {
  return settings.jobs.filter((j) => j.verify);
}

/** The schedules the verify jobs run on: one per schedule a verified job uses, with its Full and Differential runs. */
export function verifySchedules(settings: Pick<Settings, "jobs" | "schedules">): DirSchedule[] {
  const used = new Set(verifiedJobs(settings).map((j) => j.schedule));
  return settings.schedules
    .filter((s) => used.has(s.name) && s.runs.some((r) => VERIFIED_LEVELS.includes(r.level)))
    .map((s) => ({
      kind: "dir/schedule",
      name: verifyScheduleName(s.name),
      description: `Verify (VolumeToCatalog) after the Full and Differential backups of ${s.name}.`,
      runs: s.runs
        .filter((r) => VERIFIED_LEVELS.includes(r.level))
        .map((r) => ({ level: "VolumeToCatalog", when: r.when.text })),
    }));
}

export function verifyJobs(
  settings: Pick<Settings, "jobs" | "schedules">,
  common: { readonly storage: string; readonly messages: string },
): DirJob[] {
  const scheduled = new Set(verifySchedules(settings).map((s) => s.name));
  return verifiedJobs(settings).map((j) => {
    const schedule = j.schedule === undefined ? undefined : verifyScheduleName(j.schedule);
    return {
      kind: "dir/job",
      name: verifyJobName(j.name),
      description: `Reads the newest backup of ${j.name} back from S3 and compares it with the catalog.`,
      type: "Verify",
      level: "VolumeToCatalog",
      jobToVerify: j.name,
      client: j.client,
      fileSet: j.fileSet,
      schedule: schedule !== undefined && scheduled.has(schedule) ? schedule : undefined,
      storage: [common.storage],
      // Required by the director for every job; a verify reads the volumes the catalog names.
      pool: j.fullPool,
      messages: common.messages,
      priority: Math.min(100, j.priority + 1),
      enabled: j.enabled,
    };
  });
}

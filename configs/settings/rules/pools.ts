// Pools: names, volume sizes against S3 chunks, and retention against the schedules that use them.
import { describeBytes, formatDuration } from "../../units";
import { longestGapDays } from "../../schedule";
import { RESERVED } from "../constants";
import { deviceOf } from "../derive";
import { show } from "../text";
import { Rule, duplicates } from "./rule";

const DAY = 86400;

export const uniquePoolNames: Rule = ({ raw }, report) =>
  duplicates(
    raw.pools.map((p) => p.name),
    (i, n) => report(["pools", i, "name"], `${show(n)} is used twice; pool names must be unique`),
  );

export const scratchIsReserved: Rule = ({ raw }, report) => {
  const i = raw.pools.findIndex((p) => p.name === RESERVED.pool);
  if (i >= 0)
    report(["pools", i, "name"], `"Scratch" is reserved for the scratch pool the stack always renders`);
};

export const volumesFitChunks: Rule = ({ raw }, report) => {
  const { chunkSize } = deviceOf(raw);
  raw.pools.forEach((p, i) => {
    const chunks = Math.ceil(p.maximumVolumeBytes / chunkSize);
    if (chunks > 9999)
      report(
        ["pools", i, "maximumVolumeBytes"],
        `${describeBytes(p.maximumVolumeBytes)} needs ${chunks} chunks of ${describeBytes(chunkSize)}; an S3 volume holds at most 9999: lower it or raise s3.chunkSize`,
      );
    if (p.maximumVolumeBytes < chunkSize)
      report(
        ["pools", i, "maximumVolumeBytes"],
        `${describeBytes(p.maximumVolumeBytes)} is smaller than one chunk (${describeBytes(chunkSize)})`,
      );
  });
};

/** Whatever the schedules say, a retention under a day lets Bareos recycle a volume the day it was written. */
export const retentionAtLeastADay: Rule = ({ raw }, report) => {
  raw.pools.forEach((p, i) => {
    if (p.volumeRetention < DAY)
      report(
        ["pools", i, "volumeRetention"],
        `${show(formatDuration(p.volumeRetention))} lets Bareos recycle (overwrite) a volume within a day of writing it; use at least "1 day"`,
      );
  });
};

/** A pool must keep a backup until the next one of the level it depends on. */
export const retentionCoversSchedule: Rule = ({ raw, settings }, report) => {
  // A gap depends on the schedule only: computed once per schedule, not per job (500 clients stay fast).
  const gaps = new Map<string, number | undefined>();
  const poolIndex = new Map(raw.pools.map((p, i) => [p.name, i]));
  for (const job of settings.jobs) {
    const schedule = settings.schedules.find((s) => s.name === job.schedule);
    if (!schedule) continue;
    const gap = (levels: string[]) => {
      const key = `${schedule.name}\u0000${levels.join(",")}`;
      if (!gaps.has(key))
        gaps.set(
          key,
          longestGapDays(schedule.runs.filter((r) => levels.includes(r.level)).map((r) => r.when)),
        );
      return gaps.get(key);
    };
    const checks: [string, number | undefined, string][] = [
      [job.fullPool, gap(["Full"]), "Full"],
      [job.differentialPool, gap(["Full"]), "Full"],
      [job.incrementalPool, gap(["Full", "Differential"]), "Full or Differential"],
    ];
    for (const [poolName, days, between] of checks) {
      const i = poolIndex.get(poolName);
      const p = i === undefined ? undefined : settings.pools[i];
      if (i === undefined || !p || days === undefined) continue;
      if (!schedule.runs.some((run) => run.level === p.level) && p.level !== "Full") continue;
      if (p.volumeRetentionSeconds < days * DAY)
        report(
          ["pools", i, "volumeRetention"],
          `${show(formatDuration(p.volumeRetentionSeconds))} is shorter than the ${days} days between ${between} backups of job ${show(job.name)} (schedule ${show(schedule.name)}): volumes would be recycled before the next backup they depend on; use at least "${days} days"`,
        );
    }
  }
};

export const poolRules: readonly Rule[] = [
  uniquePoolNames,
  scratchIsReserved,
  volumesFitChunks,
  retentionAtLeastADay,
  retentionCoversSchedule,
];

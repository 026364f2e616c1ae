// Jobs: every reference resolves, pools fit their level, schedules bring full backups, plugins load.
import { MAX_JOB_NAME, verifyJobName, verifyScheduleName } from "../../verify";
import { RESERVED } from "../constants";
import { poolFor } from "../derive";
import { show } from "../text";
import type { Level } from "../types";
import { pluginNameOf } from "./fileSets";
import { Rule, article, duplicates } from "./rule";

const POOL_KEYS = [
  ["fullPool", "Full"],
  ["differentialPool", "Differential"],
  ["incrementalPool", "Incremental"],
] as const;

export const referencesResolve: Rule = ({ raw }, report) => {
  const known = {
    client: raw.clients.map((c) => c.name),
    fileSet: raw.fileSets.map((f) => f.name),
    schedule: raw.schedules.map((s) => s.name),
  };
  const what = { client: "client", fileSet: "fileset", schedule: "schedule" };
  raw.jobs.forEach((j, i) => {
    for (const key of ["client", "fileSet", "schedule"] as const) {
      const value = j[key];
      if (value !== undefined && !known[key].includes(value))
        report(
          ["jobs", i, key],
          `${show(value)} names no ${what[key]}; defined: ${known[key].length ? [...new Set(known[key])].join(", ") : "none"}`,
        );
    }
  });
};

export const poolsFitTheirLevel: Rule = ({ raw }, report) => {
  const names = raw.pools.map((p) => p.name);
  raw.jobs.forEach((j, i) => {
    for (const [key, level] of POOL_KEYS) {
      const given = j[key];
      if (given === undefined) continue;
      const pool = raw.pools.find((p) => p.name === given);
      if (!pool)
        report(["jobs", i, key], `${show(given)} names no pool; defined: ${[...new Set(names)].join(", ")}`);
      else if (pool.level !== level)
        report(["jobs", i, key], `${show(given)} is ${article(pool.level)} pool, not ${article(level)} pool`);
    }
  });
};

export const poolForEveryLevel: Rule = ({ raw }, report) => {
  raw.jobs.forEach((j, i) => {
    for (const [key, level] of POOL_KEYS) {
      if (j[key] === undefined && poolFor(raw, undefined, level as Level) === "")
        report(["jobs", i, key], `is not set and no pool has level "${level}" or "Full"; add one to pools`);
    }
  });
};

export const uniqueJobNames: Rule = ({ raw }, report) =>
  duplicates(
    raw.jobs.map((j) => j.name),
    (i, n) => report(["jobs", i, "name"], `${show(n)} is used twice; job names must be unique`),
  );

export const stackJobsAreReserved: Rule = ({ raw }, report) => {
  raw.jobs.forEach((j, i) => {
    if ((RESERVED.jobs as readonly string[]).includes(j.name))
      report(["jobs", i, "name"], `${show(j.name)} is reserved for the job the stack renders itself`);
  });
};

export const scheduleHasAFull: Rule = ({ raw }, report) => {
  raw.jobs.forEach((j, i) => {
    const schedule = raw.schedules.find((s) => s.name === j.schedule);
    if (schedule && !schedule.runs.some((r) => r.level === "Full"))
      report(
        ["jobs", i, "schedule"],
        `${show(schedule.name)} has no Full run: job ${show(j.name)} would never get a new full backup`,
      );
  });
};

/** A Plugin line needs its plugin loaded by the job's file daemon, or the job fails on every run. */
export const pluginsLoadedByClient: Rule = ({ raw }, report) => {
  raw.jobs.forEach((j, i) => {
    const client = raw.clients.find((c) => c.name === j.client);
    const fileSet = raw.fileSets.find((f) => f.name === j.fileSet);
    if (!client || !fileSet) return;
    for (const line of fileSet.plugins) {
      const plugin = pluginNameOf(line);
      if (plugin !== undefined && !client.pluginNames.includes(plugin))
        report(
          ["jobs", i, "fileSet"],
          `${show(fileSet.name)} calls plugin ${show(plugin)}, which client ${show(client.name)} does not load: add it to that client's pluginNames`,
        );
    }
  });
};

/** A verify job is named `<job>-verify`: that name must be free and short enough for TLS-PSK. */
export const verifyJobNamesFree: Rule = ({ raw }, report) => {
  const names = new Set<string>([...raw.jobs.map((j) => j.name), ...RESERVED.jobs]);
  raw.jobs.forEach((j, i) => {
    if (!j.verify) return;
    const name = verifyJobName(j.name);
    if (names.has(name))
      report(
        ["jobs", i, "name"],
        `its verify job would be named ${show(name)}, which is already a job; rename one or set verify: false`,
      );
    else if (name.length > MAX_JOB_NAME)
      report(
        ["jobs", i, "name"],
        `its verify job ${show(name)} would be over ${MAX_JOB_NAME} characters (TLS-PSK breaks); shorten it or set verify: false`,
      );
  });
};

/**
 * A verify job starts when its backup has ended because it has the next lower priority (a higher
 * number): at priority 100 there is none, and it would run beside the backup, verifying the one before.
 */
export const verifyHasALowerPriority: Rule = ({ raw }, report) => {
  raw.jobs.forEach((j, i) => {
    if (j.verify && j.schedule !== undefined && j.priority >= 100)
      report(
        ["jobs", i, "priority"],
        `100 leaves no lower priority for its verify job, which must start after the backup: use at most 99, or verify: false`,
      );
  });
};

/** The verify schedule of schedule S is `S-verify`: no schedule of the user's may be called that. */
export const verifyScheduleNamesFree: Rule = ({ raw }, report) => {
  const used = new Set(raw.jobs.filter((j) => j.verify && j.schedule).map((j) => String(j.schedule)));
  const derived = new Map([...used].map((s) => [verifyScheduleName(s), s]));
  raw.schedules.forEach((s, i) => {
    const of = derived.get(s.name);
    if (of !== undefined)
      report(
        ["schedules", i, "name"],
        `${show(s.name)} is the name of the verify schedule rendered for ${show(of)}; rename it`,
      );
  });
};

export const jobRules: readonly Rule[] = [
  verifyJobNamesFree,
  verifyHasALowerPriority,
  verifyScheduleNamesFree,
  referencesResolve,
  poolsFitTheirLevel,
  poolForEveryLevel,
  uniqueJobNames,
  stackJobsAreReserved,
  scheduleHasAFull,
  pluginsLoadedByClient,
];

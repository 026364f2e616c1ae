// Jobs: every reference resolves, pools fit their level, schedules bring full backups, plugins load.
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

export const jobRules: readonly Rule[] = [
  referencesResolve,
  poolsFitTheirLevel,
  poolForEveryLevel,
  uniqueJobNames,
  stackJobsAreReserved,
  scheduleHasAFull,
  pluginsLoadedByClient,
];

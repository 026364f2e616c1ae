// Schedules: each Run line a schedule Bareos reads and that fires, names unique and not reserved.
import { longestGapDays, parseRunWhen } from "../../schedule";
import { RESERVED } from "../constants";
import { show } from "../text";
import { Rule, duplicates } from "./rule";

export const whenIsASchedule: Rule = ({ raw }, report) => {
  raw.schedules.forEach((s, i) =>
    s.runs.forEach((run, j) => {
      const at = ["schedules", i, "runs", j, "when"];
      const when = parseRunWhen(run.when);
      if (typeof when === "string")
        report(
          at,
          `${show(run.when)} is not a Bareos schedule: ${when}; use e.g. "mon-fri at 21:00" or "1st sat at 21:00"`,
        );
      else if (longestGapDays([when]) === undefined)
        report(
          at,
          `${show(run.when)} never fires: no day matches all of its weekdays, weeks, months and days of month`,
        );
    }),
  );
};

export const catalogScheduleIsReserved: Rule = ({ raw }, report) => {
  raw.schedules.forEach((s, i) => {
    if (s.name === RESERVED.schedule)
      report(
        ["schedules", i, "name"],
        `"WeeklyCycleAfterBackup" is reserved for the catalog backup's schedule`,
      );
  });
};

export const uniqueScheduleNames: Rule = ({ raw }, report) =>
  duplicates(
    raw.schedules.map((s) => s.name),
    (i, n) => report(["schedules", i, "name"], `${show(n)} is used twice; schedule names must be unique`),
  );

export const scheduleRules: readonly Rule[] = [
  whenIsASchedule,
  catalogScheduleIsReserved,
  uniqueScheduleNames,
];

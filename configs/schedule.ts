// The date part of a Bareos Schedule `Run` directive ("1st sat at 21:00", "mon-fri at 21:10"),
// parsed into day masks so settings can check retention against the real gap between backups.
// Supported grammar (a subset of Bareos's run_conf.cc, the part people use):
//   weekdays (mon..sun, monday..sunday) and ranges, week of month (1st..5th, first..fifth, last)
//   and ranges, months (jan..dec, january..december) and ranges, days of month (1..31) and ranges,
//   "daily", "on" (ignored), "at HH:MM" (24 h); items may be separated by commas.

export interface RunWhen {
  /** The normalised text, as rendered into `Run =`. */
  readonly text: string;
  /** Bit i set: weekday i (0 = Sunday) matches. */
  readonly weekdays: number;
  /** Bit i set: week of month i (0 = days 1-7 ... 4 = days 29-31) matches; bit 5 = last 7 days. */
  readonly weeksOfMonth: number;
  /** Bit i set: month i (0 = January). */
  readonly months: number;
  /** Bit i set: day of month i+1. */
  readonly daysOfMonth: number;
  readonly hour: number;
  readonly minute: number;
}

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const WEEKS: Record<string, number> = {
  "1st": 0,
  first: 0,
  "2nd": 1,
  second: 1,
  "3rd": 2,
  third: 2,
  "4th": 3,
  fourth: 3,
  "5th": 4,
  fifth: 4,
  last: 5,
};
const ALL_WEEKDAYS = 0b1111111;
const ALL_WEEKS = 0b111111;
const ALL_MONTHS = 0xfff;
const ALL_DAYS = 0x7fffffff;

type Kind = "weekday" | "week" | "month" | "day";

function lookup(token: string): { kind: Kind; index: number } | undefined {
  if (/^\d{1,2}$/.test(token)) {
    const n = Number(token);
    return n >= 1 && n <= 31 ? { kind: "day", index: n - 1 } : undefined;
  }
  if (token in WEEKS) return { kind: "week", index: WEEKS[token] };
  const wd = WEEKDAYS.findIndex((d) => d === token || d.slice(0, 3) === token);
  if (wd >= 0) return { kind: "weekday", index: wd };
  const mo = MONTHS.findIndex((m) => m === token || m.slice(0, 3) === token);
  if (mo >= 0) return { kind: "month", index: mo };
  return undefined;
}

function bitsBetween(from: number, to: number, size: number): number {
  let bits = 0;
  // Ranges wrap like Bareos's ("fri-mon" is fri, sat, sun, mon).
  for (let i = from; ; i = (i + 1) % size) {
    bits |= 1 << i;
    if (i === to) break;
  }
  return bits;
}

const SIZES: Record<Kind, number> = { weekday: 7, week: 6, month: 12, day: 31 };

/** Parses the date/time part of a Run line; returns an error text for anything outside the grammar. */
export function parseRunWhen(input: string): RunWhen | string {
  const tokens = input
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((t) => t !== "");
  const masks: Record<Kind, number> = { weekday: 0, week: 0, month: 0, day: 0 };
  let time: [number, number] | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === "on" || token === "daily") continue;
    if (token === "at") {
      const m = /^(\d{1,2}):(\d{2})$/.exec(tokens[i + 1] ?? "");
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) {
        return `"at" needs a 24-hour time like 21:00, got "${tokens[i + 1] ?? ""}"`;
      }
      if (time) return `more than one "at" time`;
      time = [Number(m[1]), Number(m[2])];
      i++;
      continue;
    }
    const range = token.split("-");
    if (range.length > 2) return `"${token}" is not a range like mon-fri`;
    const ends = range.map(lookup);
    if (ends.some((e) => e === undefined)) {
      return `"${token}" is not a weekday, week of month (1st..5th, last), month, day of month or "daily"`;
    }
    const [a, b] = ends as { kind: Kind; index: number }[];
    if (b && a.kind !== b.kind) return `"${token}" mixes ${a.kind} and ${b.kind}`;
    if (b && a.kind === "week" && (a.index === 5 || b.index === 5)) return `"last" cannot be part of a range`;
    // Bareos refuses "mon-mon" and reads a day range like "5-5" as every day: name the day once instead.
    if (b && a.index === b.index) return `"${token}" starts and ends on the same ${a.kind}`;
    masks[a.kind] |= b ? bitsBetween(a.index, b.index, SIZES[a.kind]) : 1 << a.index;
  }
  if (!time) return `missing "at HH:MM"`;
  return {
    text: input.trim().replace(/\s+/g, " "),
    weekdays: masks.weekday || ALL_WEEKDAYS,
    weeksOfMonth: masks.week || ALL_WEEKS,
    months: masks.month || ALL_MONTHS,
    daysOfMonth: masks.day || ALL_DAYS,
    hour: time[0],
    minute: time[1],
  };
}

/** What a Run line's masks look at in one calendar day. */
interface CalendarDay {
  readonly weekday: number;
  /** Week of month: 0 = days 1-7 ... 4 = days 29-31. */
  readonly week: number;
  /** One of the last seven days of its month ("last"). */
  readonly last: boolean;
  readonly month: number;
  readonly mday: number;
}

function calendarDay(date: Date): CalendarDay {
  const mday = date.getUTCDate();
  const month = date.getUTCMonth();
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return {
    weekday: date.getUTCDay(),
    week: Math.floor((mday - 1) / 7),
    last: mday > daysInMonth - 7,
    month,
    mday,
  };
}

function firesOn(when: RunWhen, day: CalendarDay): boolean {
  const weekMatch =
    (when.weeksOfMonth & (1 << day.week)) !== 0 || ((when.weeksOfMonth & (1 << 5)) !== 0 && day.last);
  return (
    (when.weekdays & (1 << day.weekday)) !== 0 &&
    weekMatch &&
    (when.months & (1 << day.month)) !== 0 &&
    (when.daysOfMonth & (1 << (day.mday - 1))) !== 0
  );
}

/** Whether a Run line fires on the given UTC day (Bareos's week-of-month rules). */
export function runsOn(when: RunWhen, date: Date): boolean {
  return firesOn(when, calendarDay(date));
}

// The calendar (dates and weekdays) repeats every 28 years until 2100: one such cycle, wrapped
// around at its end, holds every gap between runs exactly. Computed once, on first use.
const CYCLE_START = Date.UTC(2025, 0, 1);
const CYCLE_DAYS = 28 * 365 + 7;
let cycle: readonly CalendarDay[] | undefined;

/**
 * The longest gap in days between two consecutive days on which any of the given Run lines fires,
 * or undefined if they never fire.
 */
export function longestGapDays(runs: readonly RunWhen[]): number | undefined {
  if (runs.length === 0) return undefined;
  cycle ??= Array.from({ length: CYCLE_DAYS }, (_, d) => calendarDay(new Date(CYCLE_START + d * 86400000)));
  let first: number | undefined;
  let last: number | undefined;
  let longest = 0;
  cycle.forEach((day, d) => {
    if (!runs.some((r) => firesOn(r, day))) return;
    if (first === undefined) first = d;
    if (last !== undefined) longest = Math.max(longest, d - last);
    last = d;
  });
  if (first === undefined || last === undefined) return undefined;
  // The gap from the last run of the cycle to the first run of the next one counts too
  // ("29 feb" fires once every 1461 days).
  return Math.max(longest, first + CYCLE_DAYS - last);
}

// The date part of Bareos Run lines: day masks, and the longest gap between runs that the
// retention checks in settings.ts rely on.
import { RunWhen, longestGapDays, parseRunWhen, runsOn } from "../../configs/schedule";

const ALL_WEEKDAYS = 0b1111111;
const ALL_WEEKS = 0b111111;
const ALL_MONTHS = 0xfff;
const ALL_DAYS = 0x7fffffff;
const LAST_WEEK = 1 << 5;
const bits = (...indexes: number[]) => indexes.reduce((mask, i) => mask | (1 << i), 0);
const SUN = 0,
  MON = 1,
  TUE = 2,
  WED = 3,
  THU = 4,
  FRI = 5,
  SAT = 6;

/** Parses a Run date that must be valid. */
function when(text: string): RunWhen {
  const parsed = parseRunWhen(text);
  if (typeof parsed === "string") throw new Error(`${text}: ${parsed}`);
  return parsed;
}

describe("parseRunWhen masks", () => {
  it.each<[string, Partial<RunWhen>]>([
    [
      "1st sat at 21:00",
      {
        text: "1st sat at 21:00",
        weekdays: bits(SAT),
        weeksOfMonth: bits(0),
        months: ALL_MONTHS,
        daysOfMonth: ALL_DAYS,
        hour: 21,
        minute: 0,
      },
    ],
    ["2nd-5th sat at 21:00", { weekdays: bits(SAT), weeksOfMonth: bits(1, 2, 3, 4) }],
    [
      "mon-fri at 21:00",
      { weekdays: bits(MON, TUE, WED, THU, FRI), weeksOfMonth: ALL_WEEKS, months: ALL_MONTHS },
    ],
    ["last fri at 23:30", { weekdays: bits(FRI), weeksOfMonth: LAST_WEEK, hour: 23, minute: 30 }],
    ["1st, last sun at 03:00", { weekdays: bits(SUN), weeksOfMonth: bits(0) | LAST_WEEK }],
    ["first sat at 21:00", { weekdays: bits(SAT), weeksOfMonth: bits(0) }],
    ["second-fourth sat at 21:00", { weeksOfMonth: bits(1, 2, 3) }],
    // Ranges wrap around like Bareos's: fri, sat, sun, mon.
    ["fri-mon at 22:00", { weekdays: bits(FRI, SAT, SUN, MON) }],
    ["jan-mar 1 at 02:00", { months: bits(0, 1, 2), daysOfMonth: bits(0) }],
    ["nov-feb 1st sun at 02:00", { months: bits(10, 11, 0, 1), weekdays: bits(SUN), weeksOfMonth: bits(0) }],
    ["1 jan at 00:00", { months: bits(0), daysOfMonth: bits(0), weekdays: ALL_WEEKDAYS, hour: 0, minute: 0 }],
    ["1-15 at 04:00", { daysOfMonth: bits(...Array.from({ length: 15 }, (_, i) => i)) }],
    ["28-3 at 04:00", { daysOfMonth: bits(27, 28, 29, 30, 0, 1, 2) }],
    ["31 at 04:00", { daysOfMonth: bits(30) }],
    ["Monday, Wednesday,Friday at 6:05", { weekdays: bits(MON, WED, FRI), hour: 6, minute: 5 }],
    ["on sat at 21:00", { weekdays: bits(SAT) }],
    ["daily at 01:00", { weekdays: ALL_WEEKDAYS, weeksOfMonth: ALL_WEEKS, daysOfMonth: ALL_DAYS, hour: 1 }],
    ["SAT AT 21:00", { weekdays: bits(SAT), hour: 21 }],
    ["december sunday at 12:00", { months: bits(11), weekdays: bits(SUN) }],
    ["  mon-fri   at 21:00 ", { text: "mon-fri at 21:00" }],
  ])("%j", (text, expected) => {
    expect(parseRunWhen(text)).toMatchObject(expected);
  });

  it("leaves unspecified parts at 'every'", () => {
    expect(when("at 21:00")).toEqual({
      text: "at 21:00",
      weekdays: ALL_WEEKDAYS,
      weeksOfMonth: ALL_WEEKS,
      months: ALL_MONTHS,
      daysOfMonth: ALL_DAYS,
      hour: 21,
      minute: 0,
    });
  });
});

describe("parseRunWhen errors", () => {
  it.each<[string, RegExp]>([
    ["every day", /^"every" is not a weekday/],
    ["mon-fri", /^missing "at HH:MM"$/],
    ["1st sat", /^missing "at HH:MM"$/],
    ["", /^missing "at HH:MM"$/],
    ["sat at 25:00", /^"at" needs a 24-hour time like 21:00, got "25:00"$/],
    ["sat at 21:60", /^"at" needs a 24-hour time like 21:00, got "21:60"$/],
    ["sat at 9pm", /^"at" needs a 24-hour time like 21:00, got "9pm"$/],
    ["sat at 21:0", /got "21:0"/],
    ["sat at", /got ""$/],
    ["sat at 21:00 at 22:00", /^more than one "at" time$/],
    ["mon-jan at 21:00", /^"mon-jan" mixes weekday and month$/],
    ["2nd-last sat at 21:00", /^"last" cannot be part of a range$/],
    ["last-5th sat at 21:00", /^"last" cannot be part of a range$/],
    ["mon-tue-wed at 21:00", /^"mon-tue-wed" is not a range like mon-fri$/],
    ["mon-mon at 21:00", /^"mon-mon" starts and ends on the same weekday$/],
    ["5-5 at 21:00", /^"5-5" starts and ends on the same day$/],
    ["32 at 21:00", /^"32" is not a weekday/],
    ["0 at 21:00", /^"0" is not a weekday/],
    ["w01 at 21:00", /^"w01" is not a weekday/],
    ["weekly at 21:00", /^"weekly" is not a weekday/],
    ["mo at 21:00", /^"mo" is not a weekday/],
  ])("%j is refused", (text, message) => {
    const parsed = parseRunWhen(text);
    expect(typeof parsed).toBe("string");
    expect(parsed).toMatch(message);
  });
});

describe("runsOn", () => {
  // January 2025: Fridays are the 3rd, 10th, 17th, 24th and 31st; Saturdays the 4th, 11th, ...
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

  it.each<[string, string, boolean]>([
    ["1st sat at 21:00", "2025-01-04", true],
    ["1st sat at 21:00", "2025-01-11", false],
    ["1st sat at 21:00", "2025-01-03", false],
    ["2nd-5th sat at 21:00", "2025-01-11", true],
    ["2nd-5th sat at 21:00", "2025-01-04", false],
    // "last" is the last seven days of the month (25th-31st in January), not the 5th week.
    ["last fri at 21:00", "2025-01-31", true],
    ["last fri at 21:00", "2025-01-24", false],
    ["last fri at 21:00", "2025-02-28", true],
    ["5th fri at 21:00", "2025-01-31", true],
    ["5th fri at 21:00", "2025-02-28", false],
    ["mon-fri at 21:00", "2025-01-06", true],
    ["mon-fri at 21:00", "2025-01-05", false],
    ["fri-mon at 21:00", "2025-01-05", true],
    ["fri-mon at 21:00", "2025-01-07", false],
    ["nov-feb 1 at 02:00", "2025-12-01", true],
    ["nov-feb 1 at 02:00", "2025-03-01", false],
    ["29 feb at 00:00", "2028-02-29", true],
  ])("%j fires on %s: %s", (text, iso, expected) => {
    expect(runsOn(when(text), day(iso))).toBe(expected);
  });
});

describe("longestGapDays", () => {
  const gap = (...texts: string[]) => longestGapDays(texts.map(when));

  it("is 35 days for WeeklyCycle's Full run (the first Saturday of a month)", () => {
    expect(gap("1st sat at 21:00")).toBe(35);
  });

  it("is 7 days between WeeklyCycle's Full and Differential runs together", () => {
    expect(gap("1st sat at 21:00", "2nd-5th sat at 21:00")).toBe(7);
  });

  it("is 3 days for mon-fri (Friday to Monday)", () => {
    expect(gap("mon-fri at 21:00")).toBe(3);
  });

  it("is 1 day for a daily run", () => {
    expect(gap("daily at 21:00")).toBe(1);
    expect(gap("at 21:00")).toBe(1);
  });

  it("is a year for a yearly run, 366 days across a leap year", () => {
    // 2028-01-01 to 2029-01-01 is 366 days: a "365 days" retention would expire one day early.
    expect(gap("1 jan at 00:00")).toBe(366);
    expect(gap("1 jul at 00:00")).toBe(366);
  });

  it("counts the wrap-around gap of a date that exists only in leap years", () => {
    expect(gap("29 feb at 00:00")).toBe(4 * 365 + 1);
    // February 29th is a Monday once in the 28-year calendar cycle (2044).
    expect(gap("mon 29 feb at 00:00")).toBe(28 * 365 + 7);
  });

  it("is 35 days for the last Friday and at most 31 days for a fixed day of month", () => {
    expect(gap("last fri at 21:00")).toBe(35);
    expect(gap("15 at 21:00")).toBe(31);
  });

  it("takes the union of several Run lines", () => {
    expect(gap("mon-fri at 21:00", "sat at 21:00")).toBe(2);
    expect(gap("sat at 21:00", "sun at 21:00")).toBe(6);
  });

  it("is undefined for no runs and for runs that never fire", () => {
    expect(longestGapDays([])).toBeUndefined();
    expect(gap("31 feb at 21:00")).toBeUndefined();
    expect(gap("30 feb at 21:00")).toBeUndefined();
    expect(gap("31 apr at 21:00")).toBeUndefined();
  });
});

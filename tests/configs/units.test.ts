// Bareos durations, sizes and speeds: the numbers must be the ones the daemons compute
// (core/src/lib/edit.cc), including the prefix matching quirks.
import {
  DAY,
  GiB,
  MiB,
  describeBytes,
  formatDuration,
  formatSize,
  formatSpeed,
  parseDuration,
  parseSize,
  parseSpeed,
} from "../../configs/units";

const MINUTE = 60;
const HOUR = 3600;

describe("constants", () => {
  it("are the binary units and a day in seconds", () => {
    expect(DAY).toBe(86400);
    expect(MiB).toBe(1048576);
    expect(GiB).toBe(1073741824);
  });
});

describe("parseDuration", () => {
  it.each<[string, number]>([
    ["30 days", 30 * DAY],
    ["365 days", 365 * DAY],
    ["10", 10],
    ["10 s", 10],
    ["10 sec", 10],
    ["10 seconds", 10],
    // "m" is months, not minutes: Bareos lists "months" before "minutes" and takes the first match.
    ["1 m", 30 * DAY],
    ["1 mo", 30 * DAY],
    ["2 months", 60 * DAY],
    ["1 Month", 30 * DAY],
    // "n" is Bareos's short form for minutes.
    ["5 n", 5 * MINUTE],
    ["5 mi", 5 * MINUTE],
    ["5 min", 5 * MINUTE],
    ["5 mins", 5 * MINUTE],
    ["5 minutes", 5 * MINUTE],
    ["2 h", 2 * HOUR],
    ["2 hour", 2 * HOUR],
    ["2 hours", 2 * HOUR],
    ["3 d", 3 * DAY],
    ["3 day", 3 * DAY],
    ["2 w", 14 * DAY],
    ["2 weeks", 14 * DAY],
    // A quarter is 91 days in Bareos.
    ["1 q", 91 * DAY],
    ["1 quarter", 91 * DAY],
    ["1 y", 365 * DAY],
    ["1 year", 365 * DAY],
    ["2 years", 730 * DAY],
    ["1 YEAR", 365 * DAY],
    ["1d 12h", DAY + 12 * HOUR],
    ["1d12h", DAY + 12 * HOUR],
    ["1 day 2 hours 3 mins 4", DAY + 2 * HOUR + 3 * MINUTE + 4],
    ["1.5 days", 1.5 * DAY],
    ["  2 DAYS  ", 2 * DAY],
    ["0 days", 0],
  ])("%j is %d seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    "1 yr", // not a prefix of "years"
    "1 dayz",
    "1 days,",
    "",
    "   ",
    "days",
    "-1 days",
    "1 day and 2 hours",
    "1 minute s",
    "ten days",
    "1 fortnight",
  ])("%j is not a Bareos duration", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("parseSize", () => {
  it.each<[string, number]>([
    ["100", 100],
    // "k" is KiB and "kb" is 1000 bytes: binary first, like Bareos's table.
    ["1 k", 1024],
    ["1 K", 1024],
    ["1 kb", 1000],
    ["1 KB", 1000],
    ["1 m", MiB],
    ["1 mb", 1e6],
    ["10M", 10 * MiB],
    ["50 G", 50 * GiB],
    ["50G", 50 * GiB],
    ["1 g", GiB],
    ["1 gb", 1e9],
    ["2 t", 2 * 1024 ** 4],
    ["2 tb", 2e12],
    ["1 p", 1024 ** 5],
    ["1 pb", 1e15],
    ["1.5 k", 1536],
    ["1 G 512 M", GiB + 512 * MiB],
  ])("%j is %d bytes", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(["50 GiB", "1 KiB", "1 b", "1 bytes", "1 x", "", "G", "-1 G", "1 mb/s", "lots"])(
    "%j is not a Bareos size",
    (text) => {
      expect(parseSize(text)).toBeUndefined();
    },
  );
});

describe("parseSpeed", () => {
  it.each<[string, number]>([
    ["100", 100],
    // "m/s" is MiB/s and "mb/s" is 10^6 bytes/s.
    ["10 m/s", 10 * MiB],
    ["10 M/s", 10 * MiB],
    ["10 mb/s", 10e6],
    ["10 k/s", 10 * 1024],
    ["10 kb/s", 10e3],
    // Prefix matching: "m" is the start of "m/s", "mb" the start of "mb/s".
    ["10 m", 10 * MiB],
    ["10 k", 10 * 1024],
    ["10 MB", 10e6],
    ["50 m/s", 50 * MiB],
  ])("%j is %d bytes per second", (text, bytesPerSecond) => {
    expect(parseSpeed(text)).toBe(bytesPerSecond);
  });

  it.each(["10 mbps", "10 g/s", "10 m/h", "10 MiB/s", "fast", "", "10 G"])(
    "%j is not a Bareos speed",
    (text) => {
      expect(parseSpeed(text)).toBeUndefined();
    },
  );
});

describe("formatDuration", () => {
  it.each<[number, string]>([
    [365 * DAY, "365 days"],
    [30 * DAY, "30 days"],
    [DAY, "1 days"],
    [90 * MINUTE, "90 minutes"],
    [2 * HOUR, "2 hours"],
    [DAY + HOUR, "25 hours"],
    [DAY + 1, "86401 seconds"],
    [59, "59 seconds"],
    [0, "0 seconds"],
  ])("%d seconds is %j", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([0, 1, 59, 60, 61, 3600, 5400, DAY, DAY + 1, 35 * DAY, 365 * DAY, 366 * DAY, 10 * 365 * DAY])(
    "%d seconds survives a round trip through Bareos text",
    (seconds) => {
      expect(parseDuration(formatDuration(seconds))).toBe(seconds);
    },
  );
});

describe("formatSize", () => {
  it.each<[number, string]>([
    [50 * GiB, "50 G"],
    [10 * GiB, "10 G"],
    [1024 ** 4, "1 T"],
    [100 * MiB, "100 M"],
    [1536 * MiB, "1536 M"],
    [1024, "1 K"],
    [1536, "1536"],
    [1000, "1000"],
    [0, "0"],
  ])("%d bytes is %j", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it.each([0, 1, 1000, 1024, 1536, 1e6, MiB, 100 * MiB, GiB, 50 * GiB, 1024 ** 4, 3 * 1024 ** 4 + 1])(
    "%d bytes survives a round trip through Bareos text",
    (bytes) => {
      expect(parseSize(formatSize(bytes))).toBe(bytes);
    },
  );
});

describe("formatSpeed", () => {
  it.each<[number, string]>([
    [50 * MiB, "50 m/s"],
    [10 * 1024, "10 k/s"],
    [1536 * 1024, "1536 k/s"],
    [1e6, "1000000"],
    [0, "0"],
  ])("%d bytes per second is %j", (bytesPerSecond, text) => {
    expect(formatSpeed(bytesPerSecond)).toBe(text);
  });

  it.each([0, 1, 1000, 1024, 1e6, MiB, 20 * MiB, 50 * MiB + 1024])(
    "%d bytes per second survives a round trip through Bareos text",
    (bytesPerSecond) => {
      expect(parseSpeed(formatSpeed(bytesPerSecond))).toBe(bytesPerSecond);
    },
  );
});

describe("describeBytes", () => {
  it.each<[number, string]>([
    [2 * GiB, "2 GiB"],
    [1.5 * GiB, "1.5 GiB"],
    [24 * GiB, "24 GiB"],
    [100 * MiB, "100 MiB"],
    [MiB, "1 MiB"],
    [524288, "524288 bytes"],
    [0, "0 bytes"],
  ])("%d bytes reads %j", (bytes, text) => {
    expect(describeBytes(bytes)).toBe(text);
  });
});

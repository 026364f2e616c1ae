import {
  markdownTable,
  median,
  parseProcStat,
  parseTrace,
  statusKiB,
  summarizeTrace,
  timeFloor,
} from "./measure";

describe("parseProcStat", () => {
  it("reads utime+stime and cutime+cstime, counting fields from the end of a command with spaces", () => {
    const line = "42 (bareos-sd (x) y) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 1200 300 20 0 9 0 1000 1 1 0";
    expect(parseProcStat(line)).toEqual({ self: 3, children: 15 });
  });

  it("refuses what is not a stat line", () => {
    expect(() => parseProcStat("no such process")).toThrow(/not a \/proc\/<pid>\/stat line/);
  });
});

describe("statusKiB", () => {
  it("reads a field of /proc/<pid>/status", () => {
    expect(statusKiB("Name:\tbareos-sd\nVmHWM:\t  369408 kB\nVmRSS:\t  1024 kB\n", "VmHWM")).toBe(369408);
  });

  it("says which field is missing", () => {
    expect(() => statusKiB("Name:\tx\n", "VmHWM")).toThrow(/no VmHWM/);
  });
});

describe("median", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe("parseTrace and summarizeTrace", () => {
  const trace = [
    "100.0 100.1 testconnection 0 267 - -",
    "100.1 100.2 stat 1 0 0000 S3 Full: 0001",
    "100.2 101.5 upload 0 104857600 0000 S3 Full: 0001",
    "111.5 111.6 list 0 490 - S3 Full: 0001",
  ].join("\n");

  it("reads volume names with spaces and - for no part", () => {
    const calls = parseTrace(`${trace}\n`);
    expect(calls[0]).toMatchObject({ verb: "testconnection", part: "", volume: "", rc: 0 });
    expect(calls[2]).toMatchObject({
      verb: "upload",
      part: "0000",
      volume: "S3 Full: 0001",
      bytes: 104857600,
    });
  });

  it("adds up calls per verb and finds the stretch with no wrapper running", () => {
    const s = summarizeTrace(parseTrace(trace));
    expect(s.verbs[0]).toMatchObject({ verb: "upload", calls: 1, bytes: 104857600 });
    expect(s.verbs[0].seconds).toBeCloseTo(1.3);
    expect(s.span).toBeCloseTo(11.6);
    expect(s.longestIdle).toBeCloseTo(10);
    expect(s.idle).toBeCloseTo(10);
    expect(s.maxParallel).toBe(1);
  });

  it("counts overlapping calls as parallel", () => {
    const s = summarizeTrace(parseTrace("1 3 upload 0 1 0000 V\n2 4 upload 0 1 0001 V\n4 5 stat 0 0 0002 V"));
    expect(s.maxParallel).toBe(2);
    expect(s.idle).toBe(0);
  });

  it("refuses a line it cannot read", () => {
    expect(() => parseTrace("upload went fine")).toThrow(/not a wrapper trace line/);
  });
});

describe("markdownTable", () => {
  it("pads columns to the widest cell", () => {
    expect(markdownTable(["a", "bb"], [["ccc", "d"]])).toBe("| a   | bb |\n| --- | -- |\n| ccc | d  |");
  });
});

describe("timeFloor", () => {
  const run = { fixedSeconds: 3.6, fixedCpu: 1.5, fullCpu: 26, wrapperCpu: 4.8, transportCpu: 1.3, cores: 2 };

  it("adds the job's other steps to the data's CPU with the wrappers at their floor, over every core", () => {
    // 26 - 4.8 + 1.3 - 1.5 = 21 CPU-s over 2 cores
    expect(timeFloor(run)).toBeCloseTo(3.6 + 10.5, 9);
    expect(timeFloor({ ...run, cores: 4 })).toBeCloseTo(3.6 + 5.25, 9);
  });

  it("never credits a wrapper with less than it spent, nor the data with negative CPU", () => {
    expect(timeFloor({ ...run, wrapperCpu: 0 })).toBeCloseTo(3.6 + (26 - 1.5) / 2, 9);
    expect(timeFloor({ ...run, fullCpu: 1, wrapperCpu: 0 })).toBe(3.6);
  });

  it("refuses a missing measurement instead of printing a floor from it", () => {
    expect(() => timeFloor({ ...run, fullCpu: NaN })).toThrow(/fullCpu=NaN/);
    expect(() => timeFloor({ ...run, cores: 0 })).toThrow(/cores=0/);
  });
});

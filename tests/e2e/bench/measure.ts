// What `npm run bench:backup` reads off the running daemons, and the table it prints: pure functions,
// tested beside this file; the probes that feed them run in the containers (backup.bench.ts).

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every Linux the images run on). */
export const TICKS_PER_SECOND = 100;

/** CPU seconds of a process, its own and those of the children it has waited for. */
export interface ProcessCpu {
  readonly self: number;
  readonly children: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields count from its end. */
export function parseProcStat(text: string): ProcessCpu {
  const end = text.lastIndexOf(")");
  const fields = text
    .slice(end + 2)
    .trim()
    .split(/\s+/);
  // After "(comm)": state is field 3 of proc(5), utime 14, stime 15, cutime 16, cstime 17.
  const at = (n: number) => {
    const v = Number(fields[n - 3]);
    if (end < 0 || !Number.isFinite(v))
      throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(text)}`);
    return v;
  };
  return {
    self: (at(14) + at(15)) / TICKS_PER_SECOND,
    children: (at(16) + at(17)) / TICKS_PER_SECOND,
  };
}

/** Kibibytes of a /proc/<pid>/status field (VmHWM, VmRSS). */
export function statusKiB(text: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(text);
  if (!m) throw new Error(`no ${field} in /proc/<pid>/status`);
  return Number(m[1]);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** One call of the dplcompat wrapper, as its trace_log line records it. */
export interface WrapperCall {
  readonly start: number;
  readonly end: number;
  readonly verb: string;
  readonly volume: string;
  readonly part: string;
  readonly bytes: number;
  readonly rc: number;
}

/**
 * Trace lines: `<start> <end> <verb> <rc> <bytes> <part> <volume>`, times in seconds, `-` for no part or
 * volume; the volume comes last because it may hold spaces.
 */
export function parseTrace(text: string): WrapperCall[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line) => {
      const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) ([a-z]+) (\d+) (\d+) (\S+) (.+)$/.exec(line);
      if (!m) throw new Error(`not a wrapper trace line: ${JSON.stringify(line)}`);
      return {
        start: Number(m[1]),
        end: Number(m[2]),
        verb: m[3],
        rc: Number(m[4]),
        bytes: Number(m[5]),
        part: m[6] === "-" ? "" : m[6],
        volume: m[7] === "-" ? "" : m[7],
      };
    });
}

export interface VerbSummary {
  readonly verb: string;
  readonly calls: number;
  readonly seconds: number;
  readonly bytes: number;
}

export interface TraceSummary {
  readonly verbs: VerbSummary[];
  /** From the first call's start to the last call's end. */
  readonly span: number;
  /** Time in that span with no wrapper running: the storage daemon's own work, or its waits. */
  readonly idle: number;
  /** Longest stretch with no wrapper running. */
  readonly longestIdle: number;
  /** Most wrappers running at once. */
  readonly maxParallel: number;
}

export function summarizeTrace(calls: readonly WrapperCall[]): TraceSummary {
  const byVerb = new Map<string, { calls: number; seconds: number; bytes: number }>();
  for (const c of calls) {
    const v = byVerb.get(c.verb) ?? { calls: 0, seconds: 0, bytes: 0 };
    v.calls++;
    v.seconds += c.end - c.start;
    v.bytes += c.bytes;
    byVerb.set(c.verb, v);
  }
  const verbs = [...byVerb.entries()]
    .map(([verb, v]) => ({ verb, ...v }))
    .sort((a, b) => b.seconds - a.seconds);
  if (calls.length === 0) return { verbs, span: 0, idle: 0, longestIdle: 0, maxParallel: 0 };
  const events = calls
    .flatMap((c) => [
      { t: c.start, d: 1 },
      { t: c.end, d: -1 },
    ])
    // Ends before starts at the same instant: back-to-back calls are not parallel.
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let running = 0;
  let maxParallel = 0;
  let idle = 0;
  let longestIdle = 0;
  let idleSince: number | undefined;
  for (const e of events) {
    if (running === 0 && idleSince !== undefined) {
      idle += e.t - idleSince;
      longestIdle = Math.max(longestIdle, e.t - idleSince);
      idleSince = undefined;
    }
    running += e.d;
    maxParallel = Math.max(maxParallel, running);
    if (running === 0) idleSince = e.t;
  }
  return { verbs, span: events[events.length - 1].t - events[0].t, idle, longestIdle, maxParallel };
}

/** A Markdown table, columns padded. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) => `| ${widths.map((w, i) => (r[i] ?? "").padEnd(w)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** What timeFloor needs of one variant: medians of its runs, CPU in seconds of every container. */
export interface FloorInput {
  /** Wall time of an Incremental to a new volume: a job's steps other than moving the data. */
  readonly fixedSeconds: number;
  /** The stack's CPU during that Incremental. */
  readonly fixedCpu: number;
  /** The stack's CPU during the Full. */
  readonly fullCpu: number;
  /** The wrappers' share of fullCpu, and the least any wrapper spends on the same bytes. */
  readonly wrapperCpu: number;
  readonly transportCpu: number;
  /** CPUs of the machine every container shares. */
  readonly cores: number;
}

/**
 * The shortest a Full can take with the wrappers at their floor: the job's other steps, which run before
 * and after the data and not beside it, plus the data's CPU spread over every core without a gap. A
 * bound, not an estimate: any real schedule is slower.
 */
export function timeFloor(x: FloorInput): number {
  const bad = Object.entries(x).filter(([, v]) => !Number.isFinite(v) || v < 0);
  if (bad.length)
    throw new Error(`timeFloor: not a measurement: ${bad.map(([k, v]) => `${k}=${v}`).join(", ")}`);
  if (x.cores < 1) throw new Error(`timeFloor: cores=${x.cores}`);
  const dataCpu = x.fullCpu - x.wrapperCpu + Math.min(x.transportCpu, x.wrapperCpu) - x.fixedCpu;
  return x.fixedSeconds + Math.max(dataCpu, 0) / x.cores;
}

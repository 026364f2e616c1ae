// Bareos durations, sizes and speeds, parsed the way the daemons parse them
// (core/src/lib/edit.cc: DurationToUtime, size_to_uint64, speed_to_uint64) so a value
// accepted here means the same number of seconds/bytes to Bareos.

interface UnitTable {
  readonly mods: readonly string[];
  readonly mults: readonly number[];
}

// Order matters: Bareos takes the first entry the given modifier is a prefix of,
// so "m" means months, "n" minutes, "k" KiB and "kb" kB.
const DURATION: UnitTable = {
  mods: ["n", "seconds", "months", "minutes", "mins", "hours", "days", "weeks", "quarters", "years"],
  mults: [60, 1, 2592000, 60, 60, 3600, 86400, 604800, 7862400, 31536000],
};
const SIZE: UnitTable = {
  mods: ["k", "kb", "m", "mb", "g", "gb", "t", "tb", "p", "pb"],
  mults: [1024, 1e3, 1024 ** 2, 1e6, 1024 ** 3, 1e9, 1024 ** 4, 1e12, 1024 ** 5, 1e15],
};
const SPEED: UnitTable = {
  mods: ["k/s", "kb/s", "m/s", "mb/s"],
  mults: [1024, 1e3, 1024 ** 2, 1e6],
};

const PAIR = /^\s*(\d+(?:\.\d+)?)\s*([^\d\s]*)/;

function parseWith(text: string, table: UnitTable): number | undefined {
  let rest = text.trim();
  if (rest === "") return undefined;
  let total = 0;
  while (rest !== "") {
    const m = PAIR.exec(rest);
    if (!m) return undefined;
    const [whole, num, mod] = m;
    let mult = 1;
    if (mod !== "") {
      const lower = mod.toLowerCase();
      const i = table.mods.findIndex((candidate) => candidate.startsWith(lower));
      if (i < 0) return undefined;
      mult = table.mults[i];
    }
    total += Math.floor(Number(num) * mult);
    rest = rest.slice(whole.length).trimStart();
  }
  return total;
}

/** Seconds, or undefined when Bareos would reject the text. */
export function parseDuration(text: string): number | undefined {
  return parseWith(text, DURATION);
}

/** Bytes, or undefined when Bareos would reject the text. */
export function parseSize(text: string): number | undefined {
  return parseWith(text, SIZE);
}

/** Bytes per second, or undefined when Bareos would reject the text. */
export function parseSpeed(text: string): number | undefined {
  return parseWith(text, SPEED);
}

export const DAY = 86400;
export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

/** The largest whole unit, in words an admin reads at a glance ("365 days", "90 minutes"). */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [
    [DAY, "days"],
    [3600, "hours"],
    [60, "minutes"],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${name}`;
  }
  return `${seconds} seconds`;
}

/** Bareos size text in binary units (Bareos reads "G" as GiB), exact to the byte. */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 4, "T"],
    [GiB, "G"],
    [MiB, "M"],
    [1024, "K"],
  ];
  for (const [size, name] of units) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${name}`;
  }
  return `${bytes}`;
}

/** Bareos speed text; "m/s" is MiB/s to Bareos. */
export function formatSpeed(bytesPerSecond: number): string {
  if (bytesPerSecond >= MiB && bytesPerSecond % MiB === 0) return `${bytesPerSecond / MiB} m/s`;
  if (bytesPerSecond >= 1024 && bytesPerSecond % 1024 === 0) return `${bytesPerSecond / 1024} k/s`;
  return `${bytesPerSecond}`;
}

/** Human-readable bytes for error messages. */
export function describeBytes(bytes: number): string {
  if (bytes >= GiB) return `${+(bytes / GiB).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${+(bytes / MiB).toFixed(2)} MiB`;
  return `${bytes} bytes`;
}

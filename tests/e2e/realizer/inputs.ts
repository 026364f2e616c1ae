// What a realizer handler accepts: the inputs it implements, checked before anything is created, so the
// realized system cannot silently drift from the declared one.

export type Inputs = Readonly<Record<string, unknown>>;

/**
 * The implemented inputs of a resource type: `true` for a value taken as a whole, a nested spec for an
 * object (or for each element of a list of objects).
 */
export interface InputSpec {
  readonly [key: string]: true | InputSpec;
}

/** Every input path the spec does not implement, e.g. `healthcheck.startInterval`. */
export function unsupportedInputs(value: unknown, spec: InputSpec, at = ""): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unsupportedInputs(v, spec, `${at}[${i}]`));
  if (typeof value !== "object") return [at || "(value)"];
  const found: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    const inner = spec[key];
    if (inner === undefined) {
      // An input left undefined by the program is not sent by the provider either.
      if (v !== undefined) found.push(path);
    } else if (inner !== true) {
      found.push(...unsupportedInputs(v, inner, path));
    }
  }
  return found;
}

export class UnsupportedInputError extends Error {
  constructor(type: string, name: string, paths: readonly string[]) {
    super(
      `the e2e realizer does not implement ${type} input(s) ${paths.join(", ")} (declared by ${name}); implement them in tests/e2e/realizer before relying on them`,
    );
    this.name = "UnsupportedInputError";
  }
}

export function checkInputs(type: string, name: string, inputs: Inputs, spec: InputSpec): void {
  const paths = unsupportedInputs(inputs, spec);
  if (paths.length > 0) throw new UnsupportedInputError(type, name, paths);
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Nanoseconds of a Go duration ("30s", "1m30s", "250ms"), as the provider's time.ParseDuration reads it. */
export function goDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw new Error(`${JSON.stringify(text)} is not a Go duration`);
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]], 0));
}

/** A deterministic text form for comparing inputs across runs (key order does not matter). */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
export const bool = (v: unknown, fallback: boolean): boolean => (typeof v === "boolean" ? v : fallback);
export const list = <T = Record<string, unknown>>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

// What the e2e runner (tests/e2e/run.ts) prepared, for the suite it runs: one JSON file in the scratch
// folder, and the timings both of them record, printed as one table at the end.
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../../..");
/** The scratch folder; the e2e stack file's data mount points below it (./.e2e/data). */
export const SCRATCH = path.join(ROOT, ".e2e");

export interface Handoff {
  /** "standins": our own engine with stand-ins for pulled images; "real": the user's DOCKER_HOST. */
  readonly mode: "standins" | "real";
  /** The Bareos repository the image builds use, when the runner serves one. */
  readonly repository?: { readonly url: string; readonly keyFingerprint: string };
  /** Bytes of the large incompressible file backed up. */
  readonly bigBytes: number;
}

const handoffFile = path.join(SCRATCH, "handoff.json");
const timingsFile = path.join(SCRATCH, "timings.json");

export function writeHandoff(h: Handoff): void {
  fs.mkdirSync(SCRATCH, { recursive: true });
  fs.writeFileSync(handoffFile, JSON.stringify(h, null, 2));
}

export function readHandoff(): Handoff | undefined {
  return fs.existsSync(handoffFile)
    ? (JSON.parse(fs.readFileSync(handoffFile, "utf8")) as Handoff)
    : undefined;
}

export interface Timing {
  readonly step: string;
  readonly seconds: number;
  readonly detail?: string;
}

export function recordTiming(step: string, seconds: number, detail?: string): void {
  fs.mkdirSync(SCRATCH, { recursive: true });
  fs.appendFileSync(timingsFile, `${JSON.stringify({ step, seconds, detail } satisfies Timing)}\n`);
}

export function readTimings(): Timing[] {
  if (!fs.existsSync(timingsFile)) return [];
  return fs
    .readFileSync(timingsFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Timing);
}

export function timingTable(timings: readonly Timing[]): string {
  const rows = timings.map((t) => [t.step, t.seconds.toFixed(1), t.detail ?? ""]);
  const widths = [0, 1, 2].map((i) =>
    Math.max(...[["step", "s", "detail"], ...rows].map((r) => r[i].length)),
  );
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(["step", "s", "detail"]), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join(
    "\n",
  );
}

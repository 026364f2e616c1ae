// What a rule sees and how it reports: small functions over the shaped config, one concern each.
import type { Report } from "../errors";
import type { Raw } from "../schema";
import type { RawConfig, ReadContext, Settings } from "../types";

export interface RuleInput {
  /** The config after the shapes (defaults applied, units parsed): what the user wrote. */
  readonly raw: Raw;
  /** What the program would build from it (derived defaults filled in). */
  readonly settings: Settings;
  /** The config as read, for rules about how a key was given (secret, namespace). */
  readonly config: RawConfig;
  readonly ctx: ReadContext;
}

export type Rule = (input: RuleInput, report: Report) => void;

/** Calls `report` for every repeated value, with its index. */
export function duplicates(values: readonly string[], report: (index: number, value: string) => void): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) report(i, v);
    seen.add(v);
  });
}

/** "a Full", "an Incremental". */
export function article(word: string): string {
  return `${/^[AEIOU]/i.test(word) ? "an" : "a"} ${word}`;
}

/** `"a", "b" and "c"`. */
export function listing(values: readonly string[]): string {
  return values.length ? values.map((v) => JSON.stringify(v)).join(", ") : "none";
}

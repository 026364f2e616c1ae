// Problems with a stack configuration: each names its full config key, the value and what is allowed.
import { z } from "zod";
import { PROJECT } from "./constants";
import { rawSchema } from "./schema";
import { show } from "./text";

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid stack configuration (${problems.length} problem(s)):\n  - ${problems.join("\n  - ")}`);
    this.name = "SettingsError";
  }
}

export type KeyPath = readonly PropertyKey[];
/** Reports one problem under a config key (a path below the project namespace). */
export type Report = (path: KeyPath, message: string) => void;

/** `pools[1].volumeRetention` from a zod path. */
export function keyPath(p: KeyPath): string {
  return p.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`)).join("");
}

/** `bareos-s3-backup:pools[1].volumeRetention`. */
export const fullKey = (p: KeyPath): string => `${PROJECT}:${keyPath(p)}`;

/** The keys an object at `at` (a config path) accepts, for "unknown key" messages. */
export function knownKeys(at: KeyPath): string[] {
  let schema: z.ZodType = rawSchema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    for (;;) {
      if (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
      else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
      else return s;
    }
  };
  for (const segment of at) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodArray && typeof segment === "number") schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodObject && typeof segment === "string")
      schema = schema.shape[segment] as z.ZodType;
    else return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** One zod issue in our words: the value given, then what is allowed. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "invalid_type":
      return input === undefined
        ? `is required (${issue.expected})`
        : `${show(input)} is not valid: expected ${issue.expected === "int" ? "an integer" : issue.expected}`;
    case "invalid_value":
      return `${show(input)} is not allowed; use one of ${issue.values.map((v) => show(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "string"
        ? `${show(input)} is too short: at least ${String(issue.minimum)} ${issue.origin === "array" ? "item(s)" : "character(s)"}`
        : `${show(input)} is too small: the minimum is ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "array" || issue.origin === "string"
        ? `${show(input)} is too long: at most ${String(issue.maximum)}`
        : `${show(input)} is too large: the maximum is ${String(issue.maximum)}`;
    case "invalid_format":
      switch (issue.format) {
        case "regex":
          // Our own messages start with the value; zod's default one names only the pattern.
          return issue.message.startsWith(show(input))
            ? issue.message
            : `${show(input)} does not match the pattern ${issue.pattern ?? ""}`;
        case "url":
          return `${show(input)} is not an http(s) URL; use e.g. "https://s3.example.com"`;
        default:
          return `${show(input)} is not a valid ${issue.format}`;
      }
    case "invalid_union":
      return `${show(input)} is not valid: expected a string or a number`;
    default:
      return issue.message;
  }
}

/** Every problem of a zod parse, unknown keys listed one by one with the keys known there. */
export function schemaProblems(error: z.ZodError, report: Report): void {
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(issue.path).join(", ");
      for (const k of issue.keys) report([...issue.path, k], `is not a known key; known keys here: ${known}`);
    } else {
      report(issue.path, describeIssue(issue));
    }
  }
}

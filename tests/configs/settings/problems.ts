// Shared by the rule tests: the problems parseSettings reports for a config, and one-key assertions.
import { PROJECT, SettingsError, parseSettings } from "../../../configs/settings";

export const ctx = { stack: "dev", projectDir: "/srv/project" };

export function problemsOf(
  values: Record<string, unknown>,
  secretKeys: readonly string[] = [],
): readonly string[] {
  try {
    parseSettings({ values, secretKeys: new Set(secretKeys) }, ctx);
    return [];
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `values` is refused, with a problem under exactly `key` matching `message`. */
export function expectRefused(values: Record<string, unknown>, key: string, message: RegExp): void {
  const problems = problemsOf(values);
  expect(problems).toContainEqual(
    expect.stringMatching(new RegExp(`^${escape(`${PROJECT}:${key}`)}: .*${message.source}`)),
  );
}

export function expectAccepted(values: Record<string, unknown>): void {
  expect(problemsOf(values)).toEqual([]);
}

// parseSettings: raw config -> shapes -> derived settings -> every rule; all problems at once.
import { deriveSettings } from "./derive";
import { Report, SettingsError, fullKey, schemaProblems } from "./errors";
import { RULES, configRules, foreignKeyProblems } from "./rules";
import { rawSchema } from "./schema";
import type { RawConfig, ReadContext, Settings } from "./types";

/**
 * Validates and normalises a stack's raw config. Throws SettingsError listing every problem, each
 * naming the config key, the value given and what is allowed; nothing is created before this returns.
 */
export function parseSettings(config: RawConfig, ctx: ReadContext): Settings {
  const problems: string[] = foreignKeyProblems(config.foreignKeys ?? []);
  const report: Report = (p, msg) => problems.push(`${fullKey(p)}: ${msg}`);
  for (const rule of configRules) rule(config, report);

  const parsed = rawSchema.safeParse(config.values, { reportInput: true });
  if (!parsed.success) {
    schemaProblems(parsed.error, report);
    throw new SettingsError(problems);
  }
  const settings = deriveSettings(parsed.data, config, ctx);
  for (const rule of RULES) rule({ raw: parsed.data, settings, config, ctx }, report);
  // Several jobs (or one pool serving two levels) can raise the same finding: report it once.
  if (problems.length > 0) throw new SettingsError([...new Set(problems)]);
  return settings;
}

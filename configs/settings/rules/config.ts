// How keys were given: credentials as secrets, and other secrets only where they stay secret.
import { NESTED_SECRET_KEYS, PROJECT, PROVIDER_NAMESPACES, SECRET_KEYS } from "../constants";
import { show } from "../text";
import type { Report } from "../errors";
import type { RawConfig } from "../types";

/** A rule about how keys were given: runs even when the values do not fit their shapes. */
export type ConfigRule = (config: RawConfig, report: Report) => void;

export const credentialsAreSecrets: ConfigRule = (config, report) => {
  for (const key of SECRET_KEYS) {
    if (config.values[key] !== undefined && !config.secretKeys.has(key))
      report([key], `must be set as a secret: pulumi config set --secret ${key} <value>`);
  }
};

/**
 * `pulumi config set --secret --path s3.endpoint` makes the whole object a secret for the program,
 * which cannot tell which field it was; only keys whose outputs the components keep secret may be.
 */
export const secretsWhereKept: ConfigRule = (config, report) => {
  const kept: readonly string[] = [...SECRET_KEYS, ...NESTED_SECRET_KEYS];
  for (const key of config.secretKeys) {
    if (!kept.includes(key))
      report(
        [key],
        `is set as a secret, but what the stack makes from it is not kept secret; secrets belong in ${SECRET_KEYS.join(", ")} or, with --path, in ${NESTED_SECRET_KEYS.map((k) => `${k}.*`).join(", ")}`,
      );
  }
};

export const configRules: readonly ConfigRule[] = [credentialsAreSecrets, secretsWhereKept];

/** Keys in a namespace neither the project nor one of its providers reads: a typo drops them silently. */
export function foreignKeyProblems(keys: readonly string[]): string[] {
  return keys.map((key) => {
    const ns = key.slice(0, key.indexOf(":"));
    return `${show(key)}: namespace ${show(ns)} is neither this project nor a provider it uses (${PROVIDER_NAMESPACES.join(", ")}), so nothing reads it; did you mean ${show(`${PROJECT}:${key.slice(ns.length + 1)}`)}?`;
  });
}

// The settings of a stack: one reading of raw config, zod shapes, derived defaults, rules by area.
export * from "./constants";
export * from "./types";
export { SettingsError, keyPath, fullKey } from "./errors";
export type { KeyPath, Report } from "./errors";
export { parseSettings } from "./parse";
export { bucketNameProblem, derivedBucketPrefix } from "./rules/s3";
export * from "./read";
export { show } from "./text";

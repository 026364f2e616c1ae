// Every rule, by area; parseSettings runs them all and reports every problem together.
import { catalogRules } from "./catalog";
import { clientRules } from "./clients";
import { fileSetRules } from "./fileSets";
import { imageRules } from "./images";
import { jobRules } from "./jobs";
import { poolRules } from "./pools";
import type { Rule } from "./rule";
import { s3Rules } from "./s3";
import { scheduleRules } from "./schedules";
import { smtpRules } from "./smtp";
import { storageRules } from "./storage";
import { webuiRules } from "./webui";

export const RULES: readonly Rule[] = [
  ...s3Rules,
  ...storageRules,
  ...poolRules,
  ...scheduleRules,
  ...fileSetRules,
  ...clientRules,
  ...jobRules,
  ...catalogRules,
  ...webuiRules,
  ...smtpRules,
  ...imageRules,
];

export type { Rule, RuleInput } from "./rule";
export { configRules, foreignKeyProblems } from "./config";

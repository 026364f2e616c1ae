// Mail: relay credentials that fit together.
import { show } from "../text";
import type { Rule } from "./rule";

export const passwordForUsername: Rule = ({ raw }, report) => {
  if (raw.smtp.username !== undefined && raw.smtpPassword === undefined && !raw.smtp.ses)
    report(
      ["smtpPassword"],
      `is required when smtp.username is set: pulumi config set --secret smtpPassword <value>`,
    );
};

export const sesMakesItsOwnCredentials: Rule = ({ raw }, report) => {
  if (raw.smtp.ses && (raw.smtp.username !== undefined || raw.smtpPassword !== undefined))
    report(["smtp", "ses"], `true creates its own SES credentials: remove smtp.username and smtpPassword`);
};

export const sesNeedsAws: Rule = ({ raw }, report) => {
  if (raw.smtp.ses && raw.s3.provider !== "aws")
    report(["smtp", "ses"], `true needs AWS (s3.provider "aws"); provider is ${show(raw.s3.provider)}`);
};

export const smtpRules: readonly Rule[] = [passwordForUsername, sesMakesItsOwnCredentials, sesNeedsAws];

// The catalog database: its roles, and the PostgreSQL major its image and the director's pg_dump share.
import { catalogImageOf } from "../derive";
import { show } from "../text";
import type { Rule } from "./rule";

/** One role with two generated passwords: whichever is set last wins, and the other side fails to log in. */
export const dbUserIsNotAdmin: Rule = ({ raw }, report) => {
  if (raw.catalog.dbUser === raw.catalog.adminUser)
    report(
      ["catalog", "dbUser"],
      `${show(raw.catalog.dbUser)} is also catalog.adminUser: the director's role and the administrator must be two roles (each gets its own password)`,
    );
};

export const imageMatchesMajor: Rule = ({ raw }, report) => {
  const major = raw.catalog.postgresMajor;
  const image = catalogImageOf(raw);
  const tagged = /(?:^|\/)postgres:(\d+)(?:[.-]|$)/.exec(image);
  if (tagged && Number(tagged[1]) !== major)
    report(
      ["images", "catalog"],
      `${show(image)} is PostgreSQL ${tagged[1]}, but catalog.postgresMajor is ${major}: the director's pg_dump is built for that major; set catalog.postgresMajor to ${tagged[1]} or use a ${major} image`,
    );
};

export const catalogRules: readonly Rule[] = [dbUserIsNotAdmin, imageMatchesMajor];

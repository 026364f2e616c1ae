// WebUI users and its published port.
import { show } from "../text";
import { Rule, duplicates } from "./rule";

export const uniqueUserNames: Rule = ({ raw }, report) =>
  duplicates(
    raw.webui.users.map((u) => u.name),
    (i, n) => report(["webui", "users", i, "name"], `${show(n)} is used twice; user names must be unique`),
  );

/** User names become parts of Pulumi resource names, where "::" separates URN fields. */
export const userNamesFitUrns: Rule = ({ raw }, report) => {
  raw.webui.users.forEach((u, i) => {
    if (u.name.includes("::")) report(["webui", "users", i, "name"], `${show(u.name)} must not contain "::"`);
  });
};

export const rotatedUsersExist: Rule = ({ raw }, report) => {
  const names = raw.webui.users.map((u) => u.name);
  for (const name of Object.keys(raw.rotation.webuiUsers)) {
    if (!names.includes(name))
      report(
        ["rotation", "webuiUsers", name],
        `names no webui user; defined: ${names.join(", ")} (a typo would rotate nothing)`,
      );
  }
};

export const portNotDirectors: Rule = ({ raw }, report) => {
  const { webui, director } = raw;
  if (webui.bindAddress === director.bindAddress && director.publish && webui.port === director.port)
    report(["webui", "port"], `${webui.port} is also the published director port`);
};

export const webuiRules: readonly Rule[] = [
  uniqueUserNames,
  userNamesFitUrns,
  rotatedUsersExist,
  portNotDirectors,
];

// Filesets: what they include and exclude must mean to Bareos what it says, and never a command.
import { isWithin, translateExclude } from "../../excludes";
import { RESERVED } from "../constants";
import { show } from "../text";
import { Rule, duplicates } from "./rule";

/** `python3:module_name=...`: the plugin's name, then its options. */
const PLUGIN_LINE = /^([a-z0-9][a-z0-9_-]*):\S/;

/** The file daemon plugin a Plugin line calls (`python3` loads python3-fd). */
export function pluginNameOf(line: string): string | undefined {
  return PLUGIN_LINE.exec(line)?.[1];
}

export const uniqueFileSetNames: Rule = ({ raw }, report) =>
  duplicates(
    raw.fileSets.map((f) => f.name),
    (i, n) => report(["fileSets", i, "name"], `${show(n)} is used twice; fileset names must be unique`),
  );

export const catalogFileSetIsReserved: Rule = ({ raw }, report) => {
  raw.fileSets.forEach((f, i) => {
    if (f.name === RESERVED.fileSet)
      report(
        ["fileSets", i, "name"],
        `"Catalog" is reserved for the catalog backup's fileset the stack renders`,
      );
  });
};

export const backsUpSomething: Rule = ({ raw }, report) => {
  raw.fileSets.forEach((f, i) => {
    if (f.include.length === 0 && f.plugins.length === 0)
      report(["fileSets", i, "include"], `is empty and the fileset has no plugins: it would back up nothing`);
  });
};

/** Bareos's File takes literal paths: a wildcard there names a file that does not exist. */
export const includesAreLiteral: Rule = ({ raw }, report) => {
  raw.fileSets.forEach((f, i) =>
    f.include.forEach((p, j) => {
      if (/[*?]/.test(p))
        report(
          ["fileSets", i, "include", j],
          `${show(p)} has a wildcard, but Bareos includes literal paths only: include the directory and exclude what you do not want`,
        );
    }),
  );
};

export const excludesMeanSomething: Rule = ({ raw }, report) => {
  raw.fileSets.forEach((f, i) =>
    f.exclude.forEach((e, j) => {
      const d = translateExclude(e);
      if ("problem" in d) report(["fileSets", i, "exclude", j], `${show(e)} ${d.problem}`);
    }),
  );
};

/** An absolute exclude outside every include excludes nothing: most likely a typo in one of them. */
export const excludesInsideIncludes: Rule = ({ raw }, report) => {
  raw.fileSets.forEach((f, i) => {
    if (f.include.length === 0) return;
    f.exclude.forEach((e, j) => {
      const d = translateExclude(e);
      if ("problem" in d || !e.startsWith("/")) return;
      // The directory above the first wildcard: the part of the path that is fixed.
      const body = e.replace(/\/+$/, "");
      const wild = body.search(/[*?]/);
      const fixed = wild < 0 ? body : body.slice(0, body.lastIndexOf("/", wild));
      const base = fixed === "" ? "/" : fixed;
      if (!f.include.some((inc) => isWithin(base, inc) || isWithin(inc, base)))
        report(
          ["fileSets", i, "exclude", j],
          `${show(e)} is outside every include (${f.include.map((p) => show(p)).join(", ")}): it excludes nothing`,
        );
    });
  });
};

export const pluginLinesAreNotCommands: Rule = ({ raw }, report) => {
  raw.fileSets.forEach((f, i) =>
    f.plugins.forEach((line, j) => {
      if (pluginNameOf(line) === undefined)
        report(
          ["fileSets", i, "plugins", j],
          `${show(line)} is not a plugin line: write "<plugin>:<options>" (e.g. "python3:module_name=bareos-fd-local-fileset"); a leading "|", "<" or "\\\\" would make Bareos run a command or read a file`,
        );
    }),
  );
};

export const fileSetRules: readonly Rule[] = [
  uniqueFileSetNames,
  catalogFileSetIsReserved,
  backsUpSomething,
  includesAreLiteral,
  excludesMeanSomething,
  excludesInsideIncludes,
  pluginLinesAreNotCommands,
];

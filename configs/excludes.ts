// What a fileset exclude means and the Bareos directive that does it. The file daemon matches every
// exclude with fnmatch(3) without FNM_PATHNAME against the full path (findlib/find.cc AcceptFile):
// `*` crosses '/', `[` opens a character class, a relative name matches nothing, and `Wild File`
// skips directories. So each exclude is translated, or refused with the reason.

export type ExcludeDirective =
  /** `Exclude { File = ... }`: one path, with everything below it. */
  | { readonly kind: "file"; readonly pattern: string }
  /** `Options { Wild = ...; Exclude = yes }`: files and directories (with their contents). */
  | { readonly kind: "wild"; readonly pattern: string }
  /** `Options { Wild Dir = ...; Exclude = yes }`: directories only (the pattern ended in '/'). */
  | { readonly kind: "wildDir"; readonly pattern: string };

export interface ExcludeDirectives {
  readonly files: readonly string[];
  readonly wild: readonly string[];
  readonly wildDir: readonly string[];
}

const WILDCARD = /[*?]/;

/** `[` as a character class that matches only itself, so brackets in names stay literal. */
const literalBrackets = (p: string) => p.replace(/\[/g, "[[]");

/** The directive for one exclude as written in the settings, or why it cannot mean anything. */
export function translateExclude(given: string): ExcludeDirective | { readonly problem: string } {
  if (/^[|<]/.test(given))
    return { problem: `starts with "${given[0]}": Bareos would run or read it as a command or file list` };
  if (given.includes("\\"))
    return { problem: "contains a backslash: fnmatch reads it as an escape; write the name without it" };
  // "~$*" (office lock files) is a name pattern; "~/x" or "~user/x" means a home directory.
  if (/^~[^/]*\//.test(given))
    return { problem: "starts with ~: Bareos does not expand home directories; write the absolute path" };
  const directoryOnly = given.endsWith("/");
  const body = given.replace(/\/+$/, "");
  if (body === "" || /^\*+$/.test(body)) return { problem: "would exclude everything the fileset includes" };
  const segments = body.split("/").slice(body.startsWith("/") ? 1 : 0);
  if (segments.some((s) => s === "" || s === "." || s === ".."))
    return { problem: `has an empty, "." or ".." segment, which never appears in the paths Bareos matches` };
  // A relative name means "anywhere": anchor it at any directory, as `*/name`.
  const anchored = body.startsWith("/") || body.startsWith("*") ? body : `*/${body}`;
  const pattern = literalBrackets(anchored);
  if (!WILDCARD.test(anchored) && body.startsWith("/") && !directoryOnly) return { kind: "file", pattern };
  return { kind: directoryOnly ? "wildDir" : "wild", pattern };
}

/** Every exclude of a fileset, grouped by directive; the caller has refused those with a problem. */
export function excludeDirectives(excludes: readonly string[]): ExcludeDirectives {
  const out = { files: [] as string[], wild: [] as string[], wildDir: [] as string[] };
  for (const e of excludes) {
    const d = translateExclude(e);
    if ("problem" in d) throw new Error(`exclude ${JSON.stringify(e)} ${d.problem}`);
    (d.kind === "file" ? out.files : d.kind === "wild" ? out.wild : out.wildDir).push(d.pattern);
  }
  return out;
}

/** Whether `path` is `dir` or below it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === "/" || path === dir || path.startsWith(`${dir}/`);
}

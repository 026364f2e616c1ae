/**
 * Validates parsed Bareos configuration against Bareos' own JSON configuration schema
 * (`bareos-dir -xs` output; see load.ts for where the files come from).
 *
 * What the schema gives us, and how we read it:
 * - `resource.<daemon>.<Type>.<Directive>`: the directives of each resource type, with `datatype`,
 *   `required`, `alias`, `deprecated` and `versions`.
 * - `versions` is a lifetime `"<since>-<deprecated since>"`; either side may be empty, and a bare
 *   `"16.2.2"` means "since". In all three shipped schemas an upper bound always comes with
 *   `deprecated: true`, i.e. the directive still parses but Bareos warns. We report deprecation as a
 *   warning-severity problem and an upper bound without the flag (never seen) as "no longer available".
 * - `required` is what Bareos checks after parsing, except that JobDefs are never checked (only Name) and
 *   a Job is checked after its JobDefs chain is applied (dird_conf.cc SaveResource). `required` never
 *   occurs together with `default_value` in the 22/24/25 schemas; should it, we still require the
 *   directive, because Bareos' check looks at "item present", which a default does not set.
 * - In 25 both an alias and its target carry `required` (Client `Address`/`FdAddress`); one of the pair is
 *   enough. The alias target comes from the description (`This is an alias for "Address"`); older schemas
 *   often omit it, so we fall back to the naming rules Bareos uses (Fd/Sd/Dir prefix, Db prefix on Catalog
 *   items, VerifyJob -> JobToVerify).
 * - The `code` of a RES / RESOURCE_LIST directive is the target resource type's index (rcode - R_FIRST).
 *   The fd schemas of 22/24 list FileDaemon and Client (the same resource) so the index is off by one
 *   there; we therefore first learn code -> type from directives named like a resource type
 *   (`Pool`, `Messages`, ...) and only fall back to the position in the resource list.
 * - Only the director schema carries the `datatype` table. Its `class: "keyword"` entries are enums,
 *   `class: "sub"` entries (RUNSCRIPT, INCLUDE_EXCLUDE_ITEM, OPTIONS) list the keywords allowed inside
 *   those blocks, so no hand-kept keyword list is needed for them.
 * Value syntax that the schema does not describe is checked against Bareos' source, cited where used.
 */
import {
  Block,
  ConfigParseError,
  Directive,
  ParsedFile,
  blockName,
  normalizeKeyword,
  parseBareosConfig,
} from "./parse";

export type Daemon = "bareos-dir" | "bareos-sd" | "bareos-fd" | "bconsole";
export const DAEMONS: readonly Daemon[] = ["bareos-dir", "bareos-sd", "bareos-fd", "bconsole"];
export type BareosMajor = "22" | "24" | "25";

export interface DirectiveSchema {
  datatype: string;
  code?: number;
  equals?: boolean;
  required?: boolean;
  default_value?: string;
  alias?: boolean;
  deprecated?: boolean;
  versions?: string;
  description?: string;
  platform_specific?: boolean;
}

export interface DatatypeSchema {
  number?: number;
  description?: string;
  /** "keyword": enum with `values`; "sub": a block whose allowed keywords are `values`. */
  class?: string;
  values?: Record<string, Record<string, unknown>>;
}

export interface ComponentSchema {
  "format-version"?: number;
  component: string;
  resource: Record<string, Record<string, Record<string, DirectiveSchema>>>;
  datatype?: Record<string, DatatypeSchema>;
}

export interface LoadedSchemas {
  /** Full Bareos version the schemas were generated from, e.g. "25.1.0". */
  version: string;
  components: Record<Daemon, ComponentSchema>;
}

export interface Problem {
  file: string;
  line: number;
  /** `Job "backup"`; absent for file-level problems. */
  resource?: string;
  message: string;
  /** "warning" for things Bareos accepts with a warning or silently reads differently (deprecated, multi-word). */
  severity: "error" | "warning";
}

/** `file:line: Job "backup": unknown directive "Poool"` (warnings get a `warning: ` marker). */
export function formatProblem(p: Problem): string {
  const where = p.resource ? `${p.resource}: ` : "";
  const sev = p.severity === "warning" ? "warning: " : "";
  return `${p.file}:${p.line}: ${where}${sev}${p.message}`;
}

/**
 * Validates a set of parsed files that together form one daemon's configuration (references and JobDefs
 * are resolved across all of them). Returns every problem found, sorted by file and line.
 * `targetVersion` must match the major version of `schemas` (it guards against passing the wrong set).
 */
export function validateConfig(
  files: ParsedFile[],
  daemon: Daemon,
  schemas: LoadedSchemas,
  targetVersion: BareosMajor,
): Problem[] {
  if (schemas.version.split(".")[0] !== targetVersion) {
    throw new Error(`schemas are for Bareos ${schemas.version}, not ${targetVersion}`);
  }
  const ctx = new Context(indexFor(schemas, daemon), schemas.version);
  const known: { file: string; block: Block; info: ResInfo }[] = [];

  for (const f of files) {
    for (const block of f.resources) {
      const info = ctx.idx.resources.get(normalizeKeyword(block.type));
      if (!info) {
        ctx.report({ file: f.file }, block.line, `unknown resource type "${block.type}"`);
        continue;
      }
      known.push({ file: f.file, block, info });
      const name = blockName(block);
      if (name === undefined) continue;
      const names = ctx.registry.get(info.canon) ?? new Map<string, { file: string; line: number }>();
      ctx.registry.set(info.canon, names);
      const first = names.get(name);
      if (first) {
        ctx.report(
          { file: f.file, resource: `${info.name} "${name}"` },
          block.line,
          `duplicate ${info.name} name (first defined at ${first.file}:${first.line})`,
        );
      } else {
        names.set(name, { file: f.file, line: block.line });
        if (info.canon === "jobdefs") ctx.jobdefs.set(name, block);
      }
    }
  }
  for (const { file, block, info } of known) validateResource(ctx, file, block, info);
  return sortProblems(ctx.problems);
}

/**
 * Parses and validates a file tree: keys are paths (`/etc/bareos/bareos-dir.d/pool/Full.conf`), values the
 * file contents. Only `*.conf` files of `daemon` are considered (a path segment `<daemon>.d`, or a file
 * named `<daemon>.conf`); parse errors become problems. Files under `<daemon>.d/` must be
 * `<daemon>.d/<type>/<Name>.conf` holding exactly that one resource.
 */
export function validateFileTree(
  files: Record<string, string>,
  daemon: Daemon,
  schemas: LoadedSchemas,
  version: BareosMajor,
): Problem[] {
  const problems: Problem[] = [];
  const parsed: ParsedFile[] = [];
  const idx = indexFor(schemas, daemon);
  for (const [path, text] of Object.entries(files)) {
    const segments = path.split("/").filter((s) => s !== "");
    const base = segments[segments.length - 1] ?? "";
    if (!base.endsWith(".conf")) continue;
    const dirAt = segments.indexOf(`${daemon}.d`);
    const inOtherTree = segments.some((s) => DAEMONS.some((other) => s === `${other}.d`));
    // bareos-sd.d/director/bareos-dir.conf belongs to the sd, not to the director.
    if (dirAt < 0 && (inOtherTree || base !== `${daemon}.conf`)) continue;
    let file: ParsedFile;
    try {
      file = parseBareosConfig(text, path);
    } catch (e) {
      if (!(e instanceof ConfigParseError)) throw e;
      problems.push({ file: path, line: e.line, message: e.detail, severity: "error" });
      continue;
    }
    parsed.push(file);
    if (dirAt >= 0) problems.push(...checkLayout(file, segments.slice(dirAt + 1), daemon, idx));
  }
  problems.push(...validateConfig(parsed, daemon, schemas, version));
  return sortProblems(problems);
}

// ---------------------------------------------------------------------------------------------------------
// Schema index

interface DirInfo {
  name: string;
  schema: DirectiveSchema;
  /** Normalized name shared by an alias and its target. */
  group: string;
}

interface ResInfo {
  name: string;
  /** Canonical normalized type: fd's FileDaemon and Client are one resource in Bareos. */
  canon: string;
  directives: Map<string, DirInfo>;
}

interface Index {
  daemon: Daemon;
  resources: Map<string, ResInfo>;
  datatypes: Record<string, DatatypeSchema>;
  refTarget(code: number): string | undefined;
  typeName(canon: string): string;
}

// filed_conf.cc registers "FileDaemon" and "Client" for the same R_CLIENT resource.
const CANONICAL_RESOURCE: Partial<Record<Daemon, Record<string, string>>> = {
  "bareos-fd": { filedaemon: "client" },
};

const indexCache = new WeakMap<LoadedSchemas, Map<Daemon, Index>>();

function indexFor(schemas: LoadedSchemas, daemon: Daemon): Index {
  let perDaemon = indexCache.get(schemas);
  if (!perDaemon) {
    perDaemon = new Map();
    indexCache.set(schemas, perDaemon);
  }
  const cached = perDaemon.get(daemon);
  if (cached) return cached;
  const built = buildIndex(schemas, daemon);
  perDaemon.set(daemon, built);
  return built;
}

function buildIndex(schemas: LoadedSchemas, daemon: Daemon): Index {
  const component = schemas.components[daemon];
  const table = component?.resource?.[daemon];
  if (!table) throw new Error(`schema for ${daemon} ${schemas.version} has no resource table`);
  const canonMap = CANONICAL_RESOURCE[daemon] ?? {};
  const resources = new Map<string, ResInfo>();
  const typeNames = Object.keys(table);

  for (const [typeName, directives] of Object.entries(table)) {
    const norm = normalizeKeyword(typeName);
    const byNorm = new Map(Object.keys(directives).map((n) => [normalizeKeyword(n), n]));
    const infos = new Map<string, DirInfo>();
    for (const [name, schema] of Object.entries(directives)) {
      const target = schema.alias ? aliasTarget(name, schema, directives, byNorm) : undefined;
      infos.set(normalizeKeyword(name), { name, schema, group: normalizeKeyword(target ?? name) });
    }
    resources.set(norm, { name: typeName, canon: canonMap[norm] ?? norm, directives: infos });
  }

  const learned = new Map<number, string>();
  for (const res of resources.values()) {
    for (const [norm, d] of res.directives) {
      const isRef = d.schema.datatype === "RES" || d.schema.datatype === "RESOURCE_LIST";
      const named = resources.get(norm);
      if (isRef && named && d.schema.code !== undefined) learned.set(d.schema.code, named.canon);
    }
  }
  const datatypes = { ...(schemas.components["bareos-dir"]?.datatype ?? {}), ...(component.datatype ?? {}) };
  return {
    daemon,
    resources,
    datatypes,
    refTarget(code) {
      const byPosition = typeNames[code];
      return (
        learned.get(code) ?? (byPosition ? resources.get(normalizeKeyword(byPosition))?.canon : undefined)
      );
    },
    typeName(canon) {
      return resources.get(canon)?.name ?? canon;
    },
  };
}

function aliasTarget(
  name: string,
  schema: DirectiveSchema,
  directives: Record<string, DirectiveSchema>,
  byNorm: Map<string, string>,
): string | undefined {
  const real = (candidate: string): string | undefined => {
    const found = byNorm.get(normalizeKeyword(candidate));
    return found && !directives[found].alias ? found : undefined;
  };
  const described = /alias for "?([A-Za-z]+)"?/i.exec(schema.description ?? "");
  if (described && real(described[1])) return real(described[1]);
  if (normalizeKeyword(name) === "verifyjob") return real("JobToVerify");
  const unprefixed = name.replace(/^(Fd|Sd|Dir)(?=[A-Z])/, "");
  if (unprefixed !== name && real(unprefixed)) return real(unprefixed);
  return real(`Db${name}`);
}

// ---------------------------------------------------------------------------------------------------------
// Validation

interface Loc {
  file: string;
  resource?: string;
}

class Context {
  readonly problems: Problem[] = [];
  /** canonical type -> resource name -> where it is defined */
  readonly registry = new Map<string, Map<string, { file: string; line: number }>>();
  readonly jobdefs = new Map<string, Block>();

  constructor(
    readonly idx: Index,
    readonly version: string,
  ) {}

  report(loc: Loc, line: number, message: string, severity: Problem["severity"] = "error"): void {
    const p: Problem = { file: loc.file, line, message, severity };
    if (loc.resource !== undefined) p.resource = loc.resource;
    this.problems.push(p);
  }

  hasResource(canon: string, name: string): boolean {
    return this.registry.get(canon)?.has(name) ?? false;
  }
}

// Datatypes whose directive may appear several times; Bareos appends instead of overwriting.
const REPEATABLE = new Set([
  "RESOURCE_LIST",
  "STRING_LIST",
  "DIRECTORY_LIST",
  "ACL",
  "AUDIT_COMMAND_LIST",
  "MESSAGES",
  "RUNSCRIPT",
  "RUNSCRIPT_SHORT",
  "INCLUDE_EXCLUDE_ITEM",
  "OPTIONS",
  "PLUGIN_NAMES",
  "SCHEDULE_RUN_COMMAND",
  "DEVICE",
  "ADDRESSES",
  "FILENAME",
  "PLUGIN_NAME",
  "EXCLUDE_DIRECTORY",
  "REGEX",
  "WILDCARD",
  "BASEJOB",
  "PLUGIN",
  "FILESYSTEM_TYPE",
  "DRIVE_TYPE",
  "META_TAG",
  "RUNSCRIPT_COMMAND",
]);

type Seen = Map<string, { keyword: string; line: number }>;

function validateResource(ctx: Context, file: string, block: Block, info: ResInfo): void {
  const name = blockName(block);
  const loc: Loc = { file, resource: name === undefined ? info.name : `${info.name} "${name}"` };
  const seen: Seen = new Map();
  const present = new Set<string>();

  for (const d of block.directives) {
    const di = checkItem(ctx, loc, info.directives, d.keyword, d.line, seen, "");
    if (!di) continue;
    present.add(di.group);
    if (blockKind(ctx, di.schema.datatype) !== "none") {
      const form =
        blockKind(ctx, di.schema.datatype) === "sub" ? `${d.keyword} { ... }` : `${d.keyword} = { ... }`;
      ctx.report(loc, d.line, `"${d.keyword}" must be a block: ${form}`);
      continue;
    }
    validateValue(ctx, loc, d, di.schema, "");
  }
  for (const b of block.blocks) {
    const di = checkItem(ctx, loc, info.directives, b.type, b.line, seen, "");
    if (!di) continue;
    present.add(di.group);
    validateNestedBlock(ctx, loc, b, di.schema);
  }
  checkRequired(ctx, loc, block, info, present);
}

function checkRequired(ctx: Context, loc: Loc, block: Block, info: ResInfo, present: Set<string>): void {
  // Bareos checks JobDefs for nothing but the name, and a Job only after applying its JobDefs chain.
  if (info.canon === "jobdefs") {
    if (!present.has("name")) ctx.report(loc, block.line, 'missing required directive "Name"');
    return;
  }
  const have = info.canon === "job" ? new Set([...present, ...inheritedGroups(ctx, block)]) : present;
  const reported = new Set<string>();
  for (const di of info.directives.values()) {
    if (!di.schema.required || have.has(di.group) || reported.has(di.group)) continue;
    reported.add(di.group);
    const shown = [...info.directives.values()].find((x) => x.group === di.group && !x.schema.alias) ?? di;
    ctx.report(loc, block.line, `missing required directive "${shown.name}"`);
  }
}

/** Directive groups a Job gets from its JobDefs chain (JobDefs may name a JobDefs themselves). */
function inheritedGroups(ctx: Context, job: Block): Set<string> {
  const groups = new Set<string>();
  const table = ctx.idx.resources.get("jobdefs")?.directives;
  if (!table) return groups;
  const visited = new Set<string>();
  let current: Block | undefined = job;
  while (current) {
    const ref = current.directives.find((d) => normalizeKeyword(d.keyword) === "jobdefs")?.value;
    if (ref === undefined || visited.has(ref)) break;
    visited.add(ref);
    current = ctx.jobdefs.get(ref);
    if (!current) break;
    for (const kw of [...current.directives.map((d) => d.keyword), ...current.blocks.map((b) => b.type)]) {
      const di = table.get(normalizeKeyword(kw));
      if (di) groups.add(di.group);
    }
  }
  return groups;
}

/** Looks a keyword up; reports unknown, deprecated, out-of-version and repeated directives. */
function checkItem(
  ctx: Context,
  loc: Loc,
  table: Map<string, DirInfo>,
  keyword: string,
  line: number,
  seen: Seen,
  where: string,
): DirInfo | undefined {
  const di = table.get(normalizeKeyword(keyword));
  if (!di) {
    ctx.report(loc, line, `unknown directive "${keyword}"${where}`);
    return undefined;
  }
  checkVersions(ctx, loc, line, keyword, di.schema);
  if (!REPEATABLE.has(di.schema.datatype)) {
    const first = seen.get(di.group);
    if (!first) {
      seen.set(di.group, { keyword, line });
    } else if (normalizeKeyword(first.keyword) === normalizeKeyword(keyword)) {
      ctx.report(
        loc,
        line,
        `directive "${keyword}" given more than once (first on line ${first.line})${where}`,
      );
    } else {
      ctx.report(
        loc,
        line,
        `"${keyword}" and "${first.keyword}" (line ${first.line}) are the same directive (alias); give only one${where}`,
      );
    }
  }
  return di;
}

function checkVersions(ctx: Context, loc: Loc, line: number, keyword: string, schema: DirectiveSchema): void {
  const range = parseVersionRange(schema.versions);
  if (range.since && compareVersions(ctx.version, range.since) < 0) {
    ctx.report(loc, line, `directive "${keyword}" is not available before Bareos ${range.since}`);
  } else if (range.until && compareVersions(ctx.version, range.until) >= 0) {
    if (schema.deprecated) {
      ctx.report(loc, line, `directive "${keyword}" is deprecated since Bareos ${range.until}`, "warning");
    } else {
      ctx.report(loc, line, `directive "${keyword}" is no longer available since Bareos ${range.until}`);
    }
  } else if (schema.deprecated) {
    ctx.report(loc, line, `directive "${keyword}" is deprecated`, "warning");
  }
}

export function parseVersionRange(versions: string | undefined): { since?: string; until?: string } {
  if (!versions) return {};
  if (!versions.includes("-")) return { since: versions };
  const [since, until] = versions.split("-");
  return { ...(since ? { since } : {}), ...(until ? { until } : {}) };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((n) => parseInt(n, 10) || 0);
  const pb = b.split(".").map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function blockKind(ctx: Context, datatype: string): "sub" | "addresses" | "none" {
  if (datatype === "ADDRESSES") return "addresses";
  return ctx.idx.datatypes[datatype]?.class === "sub" ? "sub" : "none";
}

function validateNestedBlock(ctx: Context, loc: Loc, b: Block, schema: DirectiveSchema): void {
  const kind = blockKind(ctx, schema.datatype);
  if (kind === "none") {
    ctx.report(loc, b.line, `"${b.type}" takes a value, not a block`);
  } else if (kind === "addresses") {
    validateAddresses(ctx, loc, b);
  } else {
    // Bareos' Include/Options/RunScript parsers expect the "{" right after the keyword (inc_conf.cc).
    if (b.equals) ctx.report(loc, b.line, `write "${b.type} {" without "="`);
    validateSubBlock(ctx, loc, b, schema.datatype);
  }
}

function validateSubBlock(ctx: Context, loc: Loc, b: Block, datatype: string): void {
  const values = ctx.idx.datatypes[datatype]?.values ?? {};
  const table = new Map<string, DirInfo>();
  for (const [name, raw] of Object.entries(values)) {
    const schema: DirectiveSchema = { datatype: String(raw.datatype ?? "STRING") };
    table.set(normalizeKeyword(name), { name, schema, group: normalizeKeyword(name) });
  }
  const where = ` in ${b.type} block`;
  const seen: Seen = new Map();
  for (const d of b.directives) {
    const di = checkItem(ctx, loc, table, d.keyword, d.line, seen, where);
    if (!di) continue;
    if (blockKind(ctx, di.schema.datatype) !== "none") {
      ctx.report(loc, d.line, `"${d.keyword}" must be a block: ${d.keyword} { ... }`);
      continue;
    }
    validateValue(ctx, loc, d, di.schema, where);
  }
  for (const inner of b.blocks) {
    const di = checkItem(ctx, loc, table, inner.type, inner.line, seen, where);
    if (di) validateNestedBlock(ctx, loc, inner, di.schema);
  }
}

/** `Addresses = { ip = { addr = 1.2.3.4; port = 9101 } ipv6 = { ... } }`, per StoreAddresses (lib/res.cc). */
function validateAddresses(ctx: Context, loc: Loc, b: Block): void {
  if (!b.equals) ctx.report(loc, b.line, `write "${b.type} = {" (with "=")`);
  for (const d of b.directives) {
    ctx.report(loc, d.line, `unexpected "${d.keyword}" in ${b.type} (expected ip, ipv4 or ipv6 blocks)`);
  }
  if (b.blocks.length === 0 && b.directives.length === 0) ctx.report(loc, b.line, `empty ${b.type} block`);
  for (const ip of b.blocks) {
    if (!["ip", "ipv4", "ipv6"].includes(ip.type.toLowerCase())) {
      ctx.report(loc, ip.line, `unexpected "${ip.type}" in ${b.type} (expected ip, ipv4 or ipv6)`);
      continue;
    }
    if (!ip.equals) ctx.report(loc, ip.line, `write "${ip.type} = {" (with "=")`);
    for (const inner of ip.blocks)
      ctx.report(loc, inner.line, `unexpected block "${inner.type}" in ${ip.type}`);
    const seen = new Set<string>();
    for (const d of ip.directives) {
      const key = normalizeKeyword(d.keyword);
      if (key !== "addr" && key !== "port") {
        ctx.report(loc, d.line, `unexpected "${d.keyword}" in ${ip.type} (expected addr and/or port)`);
        continue;
      }
      if (seen.has(key)) ctx.report(loc, d.line, `only one ${key} per ${ip.type} block`);
      seen.add(key);
      validateValue(ctx, loc, d, { datatype: key === "addr" ? "ADDRESS" : "PORT" }, "");
    }
    if (seen.size === 0) ctx.report(loc, ip.line, `empty ${ip.type} block (needs addr and/or port)`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Values

const BOOL_VALUES = ["yes", "no", "true", "false"];
const MAX_NAME = 127; // MAX_NAME_LENGTH - 1, lex.cc BCT_NAME and edit.cc IsNameValid

// Units from edit.cc: a unit is accepted when it is a (case-insensitive) prefix of one of these, tried in
// this order, so "m" is months and "mi"/"min" are minutes. SIZE and SPEED take one number+unit pair
// (older Bareos ignores anything after it), TIME takes several ("1 year 2 days").
const TIME_UNITS = [
  "n",
  "seconds",
  "months",
  "minutes",
  "mins",
  "hours",
  "days",
  "weeks",
  "quarters",
  "years",
];
const SIZE_UNITS = ["k", "kb", "m", "mb", "g", "gb", "t", "tb", "p", "pb", "e", "eb"];
const SPEED_UNITS = ["k/s", "kb/s", "m/s", "mb/s"];

// Keyword tables the schema does not carry (lib/generic_res.h, stored/, findlib/).
const LABEL_TYPES = ["bareos", "ansi", "ibm"];
const IO_DIRECTIONS = ["in", "out", "both", "readonly", "writeonly", "readwrite"];
const COMPRESSION_ALGORITHMS = ["gzip", "lzo", "lzfast", "lz4", "lz4hc"];
const ENCRYPTION_CIPHERS = [
  "blowfish",
  "3des",
  "aes128",
  "aes192",
  "aes256",
  "camellia128",
  "camellia192",
  "camellia256",
  "aes128hmacsha1",
  "aes256hmacsha1",
];
const MESSAGE_TYPES = [
  "all",
  "debug",
  "abort",
  "fatal",
  "error",
  "warning",
  "info",
  "saved",
  "notsaved",
  "skipped",
  "mount",
  "terminate",
  "restored",
  "security",
  "alert",
  "volmgmt",
  "audit",
];
const RUNSCRIPT_WHEN = ["before", "after", "always", "aftervss"];

// FileSet Options values (dird/inc_conf.cc FS_options): boolean options there take only yes/no.
const OPTION_VALUES: Record<string, string[]> = {
  signature: ["md5", "sha1", "sha256", "sha512", "xxh128"],
  compression: [
    "gzip",
    ...Array.from({ length: 9 }, (_, i) => `gzip${i + 1}`),
    "lzo",
    "lzfast",
    "lz4",
    "lz4hc",
  ],
  replace: ["always", "ifnewer", "ifolder", "never"],
  shadowing: ["none", "localwarn", "localremove", "globalwarn", "globalremove"],
};
const OPTION_YES_NO = [
  "onefs",
  "recurse",
  "sparse",
  "hardlinks",
  "readfifo",
  "portable",
  "mtimeonly",
  "keepatime",
  "exclude",
  "aclsupport",
  "ignorecase",
  "hfsplussupport",
  "noatime",
  "enhancedwild",
  "checkfilechanges",
  "honornodumpflag",
  "xattrsupport",
  "autoexclude",
  "forceencryption",
];

// sd Device "Device Type" is a plain string in the schema; the backends that exist (docs "Storage Backends").
function deviceTypes(version: string): string[] {
  const types = ["file", "tape", "fifo", "gfapi", "droplet", "rados"];
  return compareVersions(version, "24.0.0") >= 0 ? [...types, "dplcompat"] : types;
}

// Schedule "Run" overrides that name resources (dird/run_conf.cc).
const RUN_OVERRIDE_REFS: Record<string, string> = {
  pool: "pool",
  fullpool: "pool",
  incrementalpool: "pool",
  differentialpool: "pool",
  nextpool: "pool",
  storage: "storage",
  messages: "messages",
};

interface Str {
  text: string;
  quoted: boolean;
}

function validateValue(ctx: Context, loc: Loc, d: Directive, schema: DirectiveSchema, where: string): void {
  const dt = schema.datatype;
  const kw = d.keyword;
  const typeDef = ctx.idx.datatypes[dt];
  if (typeDef?.class === "keyword" && dt !== "SCHEDULE_RUN_COMMAND") {
    const v = single(ctx, loc, d, where);
    const allowed = Object.keys(typeDef.values ?? {}).filter((x) => x.trim() !== "");
    if (v) oneOf(ctx, loc, d, v.text, allowed, where);
    return;
  }
  switch (dt) {
    case "NAME": {
      const v = single(ctx, loc, d, where);
      const err = v && nameError(v.text);
      if (v && err) ctx.report(loc, d.line, `invalid name "${v.text}" for "${kw}": ${err}${where}`);
      return;
    }
    case "STRNAME": {
      const v = single(ctx, loc, d, where);
      if (v && v.text.length > MAX_NAME)
        ctx.report(loc, d.line, `"${kw}" is longer than ${MAX_NAME} characters`);
      return;
    }
    case "RES": {
      const v = single(ctx, loc, d, where);
      if (v) checkReference(ctx, loc, d, schema, v.text);
      return;
    }
    case "RESOURCE_LIST":
      for (const item of list(ctx, loc, d, where)) checkReference(ctx, loc, d, schema, item.text);
      return;
    case "STRING_LIST":
    case "DIRECTORY_LIST":
    case "ACL":
    case "PLUGIN_NAMES":
    case "AUDIT_COMMAND_LIST":
    case "DEVICE":
      list(ctx, loc, d, where);
      return;
    case "BOOLEAN":
    case "BIT":
    case "RUNSCRIPT_BOOLEAN": {
      const v = single(ctx, loc, d, where);
      if (v) oneOf(ctx, loc, d, v.text, BOOL_VALUES, where);
      return;
    }
    case "INT16":
    case "INT32":
    case "INT64":
    case "PINT16":
    case "PINT32":
      checkInteger(ctx, loc, d, dt, where);
      return;
    case "PORT": {
      const v = unquotedSingle(ctx, loc, d, where);
      if (v && !(/^\d+$/.test(v) ? +v >= 1 && +v <= 65535 : /^[A-Za-z][A-Za-z0-9-]*$/.test(v))) {
        ctx.report(loc, d.line, `invalid port "${v}" for "${kw}"${where}`);
      }
      return;
    }
    case "ADDRESS": {
      const v = unquotedSingle(ctx, loc, d, where);
      if (v && !/^[A-Za-z0-9._:%[\]-]+$/.test(v))
        ctx.report(loc, d.line, `invalid address "${v}" for "${kw}"${where}`);
      return;
    }
    case "TIME":
      checkUnits(ctx, loc, d, "time", TIME_UNITS, true, where);
      return;
    case "SIZE32":
    case "SIZE64":
    case "MAX_BLOCKSIZE":
      checkUnits(ctx, loc, d, "size", SIZE_UNITS, false, where);
      return;
    case "SPEED":
      checkUnits(ctx, loc, d, "speed", SPEED_UNITS, false, where);
      return;
    case "LABEL":
      oneOfSingle(ctx, loc, d, LABEL_TYPES, where);
      return;
    case "IO_DIRECTION":
      oneOfSingle(ctx, loc, d, IO_DIRECTIONS, where);
      return;
    case "COMPRESSION_ALGORITHM":
      oneOfSingle(ctx, loc, d, COMPRESSION_ALGORITHMS, where);
      return;
    case "ENCRYPTION_CIPHER":
      for (const item of list(ctx, loc, d, where)) oneOf(ctx, loc, d, item.text, ENCRYPTION_CIPHERS, where);
      return;
    case "MESSAGES":
      checkMessages(ctx, loc, d);
      return;
    case "SCHEDULE_RUN_COMMAND":
      checkRun(ctx, loc, d, typeDef);
      return;
    case "RUNSCRIPT_WHEN":
      oneOfSingle(ctx, loc, d, RUNSCRIPT_WHEN, where);
      return;
    case "RUNSCRIPT_TARGET": {
      // StoreRunscriptTarget: yes / no / "%c", anything else must name a Client.
      const v = single(ctx, loc, d, where);
      if (
        v &&
        !["yes", "no", "%c", ""].includes(v.text.toLowerCase()) &&
        !ctx.hasResource("client", v.text)
      ) {
        ctx.report(loc, d.line, `"${kw}" references unknown Client "${v.text}" (or use yes/no)${where}`);
      }
      return;
    }
    case "OPTION":
      checkOption(ctx, loc, d, where);
      return;
    default: {
      const v = single(ctx, loc, d, where);
      if (v && ctx.idx.daemon === "bareos-sd" && normalizeKeyword(kw) === "devicetype") {
        oneOf(ctx, loc, d, v.text, deviceTypes(ctx.version), where);
      }
    }
  }
}

/** The single value Bareos reads; extra tokens are ignored by Bareos, so they earn a warning. */
function single(ctx: Context, loc: Loc, d: Directive, where: string): Str | undefined {
  const first = d.tokens[0];
  if (first.kind !== "string") {
    ctx.report(loc, d.line, `missing value for "${d.keyword}"${where}`);
    return undefined;
  }
  if (d.tokens.length > 1) {
    ctx.report(
      loc,
      d.line,
      `value "${d.value}" of "${d.keyword}" has several parts; Bareos reads only the first token - quote it${where}`,
      "warning",
    );
  }
  return first;
}

function unquotedSingle(ctx: Context, loc: Loc, d: Directive, where: string): string | undefined {
  const v = single(ctx, loc, d, where);
  if (v?.quoted) {
    ctx.report(loc, d.line, `"${d.keyword}" must not be quoted (Bareos rejects a quoted value here)${where}`);
    return undefined;
  }
  return v?.text;
}

/** Comma-separated items, each one token. */
function list(ctx: Context, loc: Loc, d: Directive, where: string): Str[] {
  const items: Str[][] = [[]];
  for (const t of d.tokens) {
    if (t.kind === "comma") items.push([]);
    else if (t.kind === "equals") items[items.length - 1].push({ text: "=", quoted: false });
    else items[items.length - 1].push(t);
  }
  const out: Str[] = [];
  for (const item of items) {
    if (item.length === 0) {
      ctx.report(loc, d.line, `empty item in the list "${d.value}" of "${d.keyword}"${where}`);
      continue;
    }
    if (item.length > 1) {
      const text = item.map((t) => t.text).join(" ");
      ctx.report(
        loc,
        d.line,
        `list item "${text}" of "${d.keyword}" has several words; Bareos reads only the first - quote it${where}`,
        "warning",
      );
    }
    out.push(item[0]);
  }
  return out;
}

function oneOf(ctx: Context, loc: Loc, d: Directive, value: string, allowed: string[], where: string): void {
  if (allowed.some((a) => a.toLowerCase() === value.toLowerCase())) return;
  ctx.report(
    loc,
    d.line,
    `invalid value "${value}" for "${d.keyword}" (expected one of: ${allowed.join(", ")})${where}`,
  );
}

function oneOfSingle(ctx: Context, loc: Loc, d: Directive, allowed: string[], where: string): void {
  const v = single(ctx, loc, d, where);
  if (v) oneOf(ctx, loc, d, v.text, allowed, where);
}

/** edit.cc IsNameValid: letters, digits, space and ":.-_/", no leading/trailing space, 1..127 chars. */
export function nameError(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name.length > MAX_NAME) return `longer than ${MAX_NAME} characters`;
  const bad = /[^A-Za-z0-9:.\-_/ ]/.exec(name);
  if (bad) return `character "${bad[0]}" is not allowed (letters, digits, space and ":.-_/" are)`;
  if (name.startsWith(" ") || name.endsWith(" ")) return "must not start or end with a space";
  return undefined;
}

const INT_LIMITS: Record<string, number> = {
  INT16: 32767,
  INT32: 2147483647,
  INT64: Number.MAX_SAFE_INTEGER,
  PINT16: 65535,
  PINT32: 4294967295,
};

function checkInteger(ctx: Context, loc: Loc, d: Directive, dt: string, where: string): void {
  // lex.cc: INTxx need an unquoted number token; PINTxx only look at the text.
  const v = dt.startsWith("P") ? single(ctx, loc, d, where)?.text : unquotedSingle(ctx, loc, d, where);
  if (v === undefined) return;
  if (!/^\d+$/.test(v)) {
    ctx.report(loc, d.line, `"${d.keyword}" expects a non-negative integer, got "${v}"${where}`);
  } else if (Number(v) > INT_LIMITS[dt]) {
    ctx.report(loc, d.line, `"${d.keyword}" value ${v} is out of range (max ${INT_LIMITS[dt]})${where}`);
  }
}

function checkUnits(
  ctx: Context,
  loc: Loc,
  d: Directive,
  what: string,
  units: string[],
  several: boolean,
  where: string,
): void {
  // StoreTime / store_int_unit only take unquoted tokens and glue them together.
  if (d.tokens.some((t) => t.kind === "string" && t.quoted)) {
    ctx.report(loc, d.line, `"${d.keyword}" must not be quoted (Bareos rejects a quoted ${what})${where}`);
    return;
  }
  const plain = d.tokens.every((t) => t.kind === "string");
  const text = plain ? d.tokens.map((t) => (t.kind === "string" ? t.text : "")).join(" ") : d.value;
  const parsed = plain ? parseUnits(text, units, several) : { ok: false, units: [] };
  if (!parsed.ok) {
    ctx.report(loc, d.line, `invalid ${what} "${text}" for "${d.keyword}" (e.g. ${example(what)})${where}`);
  } else if (what === "time" && parsed.units.some((u) => u.toLowerCase() === "m")) {
    ctx.report(
      loc,
      d.line,
      `"m" in "${text}" means months in Bareos; write "min" or "months"${where}`,
      "warning",
    );
  }
}

function example(what: string): string {
  return what === "time"
    ? '"30 days" or "1 year 2 months"'
    : what === "size"
      ? '"50 GB" or "512k"'
      : '"10 mb/s"';
}

export function parseUnits(
  text: string,
  units: string[],
  several: boolean,
): { ok: boolean; units: string[] } {
  const found: string[] = [];
  let rest = text.trim();
  if (rest === "") return { ok: false, units: found };
  while (rest !== "") {
    const m = /^(\d+(?:\.\d+)?)\s*([^\d\s]*)\s*/.exec(rest);
    if (!m) return { ok: false, units: found };
    const unit = m[2].toLowerCase();
    if (unit !== "" && !units.some((u) => u.startsWith(unit))) return { ok: false, units: found };
    found.push(m[2]);
    rest = rest.slice(m[0].length);
    if (!several && rest !== "") return { ok: false, units: found };
  }
  return { ok: true, units: found };
}

function checkReference(ctx: Context, loc: Loc, d: Directive, schema: DirectiveSchema, name: string): void {
  if (name.length > MAX_NAME)
    ctx.report(loc, d.line, `"${d.keyword}" names a resource longer than ${MAX_NAME} characters`);
  const target = schema.code === undefined ? undefined : ctx.idx.refTarget(schema.code);
  if (target && !ctx.hasResource(target, name)) {
    ctx.report(loc, d.line, `"${d.keyword}" references unknown ${ctx.idx.typeName(target)} "${name}"`);
  }
}

/**
 * Messages destinations (lib/res.cc StoreMsgs): `Mail = a@b, c@d = types`, `File = path = types`,
 * `Console = types`, `Syslog = [facility =] types`; types are `[!]type` separated by commas.
 */
function checkMessages(ctx: Context, loc: Loc, d: Directive): void {
  const kw = normalizeKeyword(d.keyword);
  const tokens = d.tokens;
  const eq = tokens.findIndex((t) => t.kind === "equals");
  const needsDest = [
    "mail",
    "mailonerror",
    "mailonsuccess",
    "operator",
    "director",
    "file",
    "append",
  ].includes(kw);
  let types = tokens;
  if (needsDest || (kw === "syslog" && eq >= 0)) {
    if (eq <= 0) {
      ctx.report(loc, d.line, `"${d.keyword}" expects "destination = message types", got ${d.value}`);
      return;
    }
    types = tokens.slice(eq + 1);
  }
  const items: string[][] = [[]];
  for (const t of types) {
    if (t.kind === "comma") items.push([]);
    else items[items.length - 1].push(t.kind === "string" ? t.text : "=");
  }
  for (const item of items) {
    const type = item.join(" ");
    const bare = type.replace(/^!/, "").toLowerCase();
    if (item.length !== 1 || !MESSAGE_TYPES.includes(bare)) {
      ctx.report(loc, d.line, `unknown message type "${type}" in "${d.keyword}"`);
    }
  }
}

/** Schedule Run overrides `Level=Full Pool=X ...`; the date/time part is not checked. */
function checkRun(ctx: Context, loc: Loc, d: Directive, typeDef: DatatypeSchema | undefined): void {
  const allowed = Object.keys(typeDef?.values ?? {});
  const t = d.tokens;
  for (let i = 0; i < t.length; i++) {
    const key = t[i];
    if (key.kind !== "string" || t[i + 1]?.kind !== "equals") continue;
    const value = t[i + 2];
    i += 2;
    const k = key.text.toLowerCase();
    if (!allowed.some((a) => a.toLowerCase() === k)) {
      ctx.report(loc, d.line, `unknown Run override "${key.text}" (expected one of: ${allowed.join(", ")})`);
      continue;
    }
    if (value?.kind !== "string") {
      ctx.report(loc, d.line, `missing value for Run override "${key.text}"`);
      continue;
    }
    const ref = RUN_OVERRIDE_REFS[k];
    if (ref && !ctx.hasResource(ref, value.text)) {
      ctx.report(
        loc,
        d.line,
        `Run override "${key.text}" references unknown ${ctx.idx.typeName(ref)} "${value.text}"`,
      );
    } else if (k === "level") {
      const levels = Object.keys(ctx.idx.datatypes.BACKUP_LEVEL?.values ?? {}).filter((x) => x.trim() !== "");
      if (levels.length > 0 && !levels.some((l) => l.toLowerCase() === value.text.toLowerCase())) {
        ctx.report(loc, d.line, `invalid Run level "${value.text}" (expected one of: ${levels.join(", ")})`);
      }
    }
  }
}

function checkOption(ctx: Context, loc: Loc, d: Directive, where: string): void {
  const kw = normalizeKeyword(d.keyword);
  if (OPTION_VALUES[kw]) oneOfSingle(ctx, loc, d, OPTION_VALUES[kw], where);
  else if (OPTION_YES_NO.includes(kw)) oneOfSingle(ctx, loc, d, ["yes", "no"], where);
  else if (kw === "strippath") checkInteger(ctx, loc, d, "PINT32", where);
  else single(ctx, loc, d, where);
}

// ---------------------------------------------------------------------------------------------------------
// Layout

function checkLayout(file: ParsedFile, rel: string[], daemon: Daemon, idx: Index): Problem[] {
  const problem = (line: number, message: string): Problem => ({
    file: file.file,
    line,
    message,
    severity: "error",
  });
  if (rel.length !== 2) return [problem(1, `expected the file at ${daemon}.d/<type>/<Name>.conf`)];
  const [dir, base] = rel;
  const expectedName = base.replace(/\.conf$/, "");
  if (file.resources.length !== 1) {
    return [
      problem(
        1,
        `expected exactly one resource in ${daemon}.d/${dir}/${base}, found ${file.resources.length}`,
      ),
    ];
  }
  const res = file.resources[0];
  const out: Problem[] = [];
  const canon = idx.resources.get(normalizeKeyword(res.type))?.canon ?? normalizeKeyword(res.type);
  if (canon !== dir.toLowerCase()) {
    out.push(problem(res.line, `resource type "${res.type}" does not belong in directory "${dir}"`));
  }
  const name = blockName(res);
  if (name !== undefined && name !== expectedName) {
    out.push(problem(res.line, `resource name "${name}" does not match file name "${base}"`));
  }
  return out;
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

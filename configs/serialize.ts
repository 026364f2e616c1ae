// The one writer of Bareos configuration text. Every value is written according to its Bareos datatype,
// because the lexer (core/src/lib/lex.cc) reads an unquoted value only up to the first blank, `=`, `,`,
// `;`, `{`, `}` or `#`: `Archive Device = S3 Object Storage` is stored as `S3`. So strings are always
// quoted, names are checked instead of quoted, and nothing reaches the text unchecked.
import { formatDuration, formatSize, formatSpeed } from "./units";
import { BareosResource, resourcePath, toBlock } from "./resources";
import type { ConfigFile, FileTree } from "./fileTree";

/** Resource names as we write them unquoted (Bareos itself also allows blanks, which we refuse). */
export const NAME_PATTERN = /^[A-Za-z0-9_.:-]+$/;
const KEYWORD_VALUE = /^[A-Za-z0-9_]+$/;
// ACL entries: resource names, commands (`.api`, `!.bvfs_clear_cache`) and `*all*`.
const ACL_ENTRY = /^!?[A-Za-z0-9_.:*-]+$/;
// The date part of a Schedule `Run` is read token by token up to the end of the line (run_conf.cc).
const RUN_WHEN = /^[A-Za-z0-9 :,-]+$/;
const MESSAGE_TYPES = new Set([
  "all",
  "debug",
  "info",
  "warning",
  "error",
  "fatal",
  "terminate",
  "saved",
  "notsaved",
  "skipped",
  "mount",
  "restored",
  "security",
  "alert",
  "volmgmt",
  "audit",
  "events",
]);

/** A directive value, tagged with the Bareos datatype family that decides how it is written. */
export type Value =
  /** NAME, RES, DEVICE: written plain, must match NAME_PATTERN. */
  | { readonly kind: "name"; readonly value: string }
  /** RESOURCE_LIST: `Storage = A, B`. */
  | { readonly kind: "names"; readonly values: readonly string[] }
  /** STRING, STRNAME, DIRECTORY, passwords, commands: always double-quoted. */
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "integer"; readonly value: number }
  | { readonly kind: "boolean"; readonly value: boolean }
  /** Enumerations (`Pool Type = Backup`, `Signature = XXH128`, `PKI Cipher = aes256`). */
  | { readonly kind: "keyword"; readonly value: string }
  | { readonly kind: "time"; readonly seconds: number }
  | { readonly kind: "size"; readonly bytes: number }
  | { readonly kind: "speed"; readonly bytesPerSecond: number }
  /** ACL: `Command ACL = !configure, *all*`. */
  | { readonly kind: "acl"; readonly entries: readonly string[] }
  /** MESSAGES: `Mail = "a@b" = all, !skipped` or, without destinations, `Console = all`. */
  | { readonly kind: "messages"; readonly destinations: readonly string[]; readonly types: readonly string[] }
  /** SCHEDULE_RUN_COMMAND: `Run = Full 1st sat at 21:00`. */
  | { readonly kind: "run"; readonly level: string; readonly when: string };

export interface DirectiveNode {
  readonly keyword: string;
  readonly value: Value;
}

/** A resource (`Pool { ... }`) or a nested block (`Include { ... }`, `Options { ... }`). */
export interface BlockNode {
  readonly type: string;
  readonly items: readonly (DirectiveNode | BlockNode)[];
}

export class SerializeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SerializeError";
  }
}

function fail(keyword: string, message: string): never {
  throw new SerializeError(`${keyword}: ${message}`);
}

/** `"..."` with `\` and `"` escaped; control characters (newlines above all) are refused, not escaped. */
export function quote(text: string, keyword = "value"): string {
  // Inside quotes Bareos drops newlines silently and has no escape for them.
  if ([...text].some((c) => (c < " " && c !== "\t") || c === "\u007f")) {
    fail(keyword, `${JSON.stringify(text)} contains a control character (a newline?): it cannot be written`);
  }
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A NAME value, unquoted; anything outside NAME_PATTERN is a programming error. */
export function name(text: string, keyword = "Name"): string {
  if (!NAME_PATTERN.test(text)) {
    fail(keyword, `${JSON.stringify(text)} is not a Bareos name we can write (letters, digits, _ . : -)`);
  }
  return text;
}

function wholeNumber(n: number, keyword: string): number {
  if (!Number.isSafeInteger(n) || n < 0) fail(keyword, `${String(n)} is not a non-negative whole number`);
  return n;
}

function nonEmpty<T>(list: readonly T[], keyword: string): readonly T[] {
  if (list.length === 0) fail(keyword, "the list is empty");
  return list;
}

export function formatValue(keyword: string, value: Value): string {
  switch (value.kind) {
    case "name":
      return name(value.value, keyword);
    case "names":
      return nonEmpty(value.values, keyword)
        .map((v) => name(v, keyword))
        .join(", ");
    case "string":
      return quote(value.value, keyword);
    case "integer":
      return String(wholeNumber(value.value, keyword));
    case "boolean":
      return value.value ? "yes" : "no";
    case "keyword":
      if (!KEYWORD_VALUE.test(value.value)) fail(keyword, `${JSON.stringify(value.value)} is not a keyword`);
      return value.value;
    case "time":
      return formatDuration(wholeNumber(value.seconds, keyword));
    case "size":
      return formatSize(wholeNumber(value.bytes, keyword));
    case "speed":
      return formatSpeed(wholeNumber(value.bytesPerSecond, keyword));
    case "acl":
      return nonEmpty(value.entries, keyword)
        .map((e) => {
          if (!ACL_ENTRY.test(e)) fail(keyword, `${JSON.stringify(e)} is not an ACL entry we can write`);
          return e;
        })
        .join(", ");
    case "messages": {
      const types = nonEmpty(value.types, keyword).map((t) => {
        if (!MESSAGE_TYPES.has(t.replace(/^!/, "")))
          fail(keyword, `${JSON.stringify(t)} is not a message type`);
        return t;
      });
      const where = value.destinations.map((d) => quote(d, keyword));
      return [...(where.length > 0 ? [where.join(", ")] : []), types.join(", ")].join(" = ");
    }
    case "run":
      if (!KEYWORD_VALUE.test(value.level)) fail(keyword, `${JSON.stringify(value.level)} is not a level`);
      if (!RUN_WHEN.test(value.when))
        fail(keyword, `${JSON.stringify(value.when)} is not a schedule we can write`);
      return `${value.level} ${value.when}`;
  }
}

function isBlock(item: DirectiveNode | BlockNode): item is BlockNode {
  return "items" in item;
}

const KEYWORD = /^[A-Za-z][A-Za-z ]*[A-Za-z]$/;

/** The lines of a block, nested blocks indented by two spaces per level. */
export function serializeBlock(block: BlockNode, depth = 0): string {
  if (!KEYWORD.test(block.type)) fail(block.type, "is not a block keyword");
  const pad = "  ".repeat(depth);
  const lines = [`${pad}${block.type} {`];
  for (const item of block.items) {
    if (isBlock(item)) {
      lines.push(serializeBlock(item, depth + 1).trimEnd());
    } else {
      if (!KEYWORD.test(item.keyword)) fail(item.keyword, "is not a directive keyword");
      lines.push(`${pad}  ${item.keyword} = ${formatValue(item.keyword, item.value)}`);
    }
  }
  lines.push(`${pad}}`);
  return `${lines.join("\n")}\n`;
}

/** Marks generated files for the admin who opens them on the host. */
export const GENERATED_HEADER =
  "# Generated by bareos-s3-backup (Pulumi): edit the stack configuration, not this file.";

/** One configuration file holding exactly one resource. */
export function serializeResource(resource: BareosResource): string {
  return `${GENERATED_HEADER}\n${serializeBlock(toBlock(resource))}`;
}

/** The daemons' configuration directory (`-c /etc/bareos`). */
export const CONFIG_DIR = "/etc/bareos";
export const CONFIG_MODE = 0o640;
/** Files holding credentials an attacker could use on their own (keys, S3 and database passwords). */
export const CREDENTIAL_MODE = 0o600;

/** One resource as its own file: `/etc/bareos/bareos-dir.d/pool/Full.conf`. */
export function resourceFile(resource: BareosResource): [string, ConfigFile] {
  return [resourcePath(CONFIG_DIR, resource), { content: serializeResource(resource), mode: CONFIG_MODE }];
}

/** A file tree with its paths in sorted order; two files on one path (a name used twice) is an error. */
export function fileTree(entries: readonly (readonly [string, ConfigFile])[]): FileTree {
  const tree: Record<string, ConfigFile> = {};
  for (const [path, file] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (path in tree) throw new Error(`two files would be written to ${path}: resource names must be unique`);
    tree[path] = file;
  }
  return tree;
}

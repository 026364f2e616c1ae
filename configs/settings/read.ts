// The one reading of a stack's raw config. The program gets `pulumi.runtime.allConfig()` from the
// CLI; `npm run render`/`validate` and the tests rebuild exactly that view from Pulumi.yaml and the
// stack file (cliConfigOf), and every caller turns it into RawConfig with rawFromPulumiConfig.
import { PROJECT, PROVIDER_NAMESPACES, SECRET_KEYS } from "./constants";
import type { RawConfig } from "./types";
import { YamlReadError, YamlValue, readYamlAsPulumi } from "./yamlv3";

/** A stack or project file that Pulumi itself would not load (as opposed to invalid settings). */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** What the CLI hands the program: `ns:key` -> string, and the keys that are secret. */
export interface CliConfig {
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: ReadonlySet<string>;
}

type Mapping = { readonly [key: string]: YamlValue };
const isMapping = (v: YamlValue | undefined): v is Mapping =>
  v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
const isSecure = (v: YamlValue): v is { secure: string } =>
  isMapping(v) && Object.keys(v).length === 1 && typeof v.secure === "string";

/** `key`, `ns:key` or `ns:config:key` -> `ns:key` (config.ParseKey); unnamespaced keys are the project's. */
function parseKey(key: string, file: string): string {
  const parts = key.split(":");
  if (parts.length === 1) return `${PROJECT}:${key}`;
  if (parts.length === 2 && parts[0] !== "" && parts[1] !== "") return key;
  if (parts.length === 3 && parts[1] === "config" && parts[0] !== "" && parts[2] !== "")
    return `${parts[0]}:${parts[2]}`;
  throw new StackFileError(`${file}: configuration key ${JSON.stringify(key)} is not "<namespace>:<name>"`);
}

/** Go's json.Marshal, as the CLI writes object values: sorted keys (already), HTML characters escaped. */
function goJson(v: YamlValue): string {
  return JSON.stringify(v).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Object.MarshalString: strings as they are, everything else as JSON; null is the empty string. */
function marshalString(v: YamlValue): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  return goJson(v);
}

/** Replaces `{secure: ...}` anywhere below with its plaintext stand-in; says whether there was one. */
function decrypt(v: YamlValue, plaintext: () => string): { value: YamlValue; secret: boolean } {
  if (isSecure(v)) return { value: plaintext(), secret: true };
  if (Array.isArray(v)) {
    const items = v.map((x) => decrypt(x, plaintext));
    return { value: items.map((x) => x.value), secret: items.some((x) => x.secret) };
  }
  if (isMapping(v)) {
    const entries = Object.entries(v).map(([k, x]) => [k, decrypt(x, plaintext)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, x]) => [k, x.value])),
      secret: entries.some(([, x]) => x.secret),
    };
  }
  return { value: v, secret: false };
}

function read(text: string, file: string): Mapping {
  let doc: YamlValue;
  try {
    doc = readYamlAsPulumi(text, file);
  } catch (e) {
    if (e instanceof YamlReadError) throw new StackFileError(e.message);
    throw e;
  }
  if (doc === null) return {};
  if (!isMapping(doc)) throw new StackFileError(`${file} is not a mapping`);
  return doc;
}

function configBlock(doc: Mapping, file: string): Mapping {
  const c = doc.config;
  if (c === undefined || c === null) return {};
  if (!isMapping(c)) throw new StackFileError(`${file}: config is not a mapping`);
  return c;
}

/**
 * The config the CLI hands the program for `stack`: project-level values of Pulumi.yaml (short form,
 * or `value`/`default` of a declaration) where the stack file sets none (no deep merge), every value a
 * string (objects as JSON), `secure:` values, also nested ones, replaced by `plaintext(key)` and their
 * top-level key listed as secret.
 */
export function cliConfigOf(
  projectYaml: string,
  stackYaml: string,
  stack: string,
  plaintext: (fullKey: string) => string,
): CliConfig {
  const project = read(projectYaml, "Pulumi.yaml");
  if (typeof project.name !== "string" || project.name === "")
    throw new StackFileError("Pulumi.yaml has no project name");
  // Settings read `${PROJECT}:<key>` only (as the program does): another name would silently drop every key.
  if (project.name !== PROJECT)
    throw new StackFileError(
      `Pulumi.yaml names project ${JSON.stringify(project.name)}, but the settings read keys of ${JSON.stringify(PROJECT)}`,
    );
  const merged = new Map<string, YamlValue>();
  for (const [key, decl] of Object.entries(configBlock(project, "Pulumi.yaml"))) {
    const full = parseKey(key, "Pulumi.yaml");
    if (isMapping(decl) && !isSecure(decl)) {
      if ("value" in decl) merged.set(full, decl.value ?? null);
      else if ("default" in decl) merged.set(full, decl.default ?? null);
    } else {
      merged.set(full, decl);
    }
  }
  const file = `Pulumi.${stack}.yaml`;
  for (const [key, value] of Object.entries(configBlock(read(stackYaml, file), file)))
    merged.set(parseKey(key, file), value);

  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [key, raw] of [...merged].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { value, secret } = decrypt(raw, () => plaintext(key));
    values[key] = marshalString(value);
    if (secret) secretKeys.add(key);
  }
  return { values, secretKeys };
}

/**
 * RawConfig from the runtime's view: project keys JSON-parsed where they parse (objects, numbers,
 * booleans), credential keys kept as text (a password may look like JSON), keys of namespaces nothing
 * reads collected so parseSettings can name them.
 */
export function rawFromPulumiConfig(
  all: Readonly<Record<string, string>>,
  isSecret: (fullKey: string) => boolean,
): RawConfig {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const foreignKeys: string[] = [];
  for (const [fullName, text] of Object.entries(all)) {
    const i = fullName.indexOf(":");
    const ns = i < 0 ? "" : fullName.slice(0, i);
    // Some runtime paths spell namespaced keys "project:config:key".
    const key = fullName.slice(i + 1).replace(/^config:/, "");
    if (ns !== PROJECT) {
      if (!(PROVIDER_NAMESPACES as readonly string[]).includes(ns)) foreignKeys.push(fullName);
      continue;
    }
    if (isSecret(fullName)) secretKeys.add(key);
    let value: unknown = text;
    if (!(SECRET_KEYS as readonly string[]).includes(key)) {
      try {
        value = JSON.parse(text);
      } catch {
        // plain text
      }
    }
    // defineProperty: a key named "__proto__" stays a key (and is refused as unknown).
    Object.defineProperty(values, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return { values, secretKeys, foreignKeys };
}

/** RawConfig of a stack from its files, through the same string view the program gets. */
export function rawFromStackFiles(
  projectYaml: string,
  stackYaml: string,
  stack: string,
  plaintext: (fullKey: string) => string,
): RawConfig {
  const { values, secretKeys } = cliConfigOf(projectYaml, stackYaml, stack, plaintext);
  return rawFromPulumiConfig(values, (k) => secretKeys.has(k));
}

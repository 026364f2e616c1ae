/**
 * Loads Bareos' JSON configuration schemas from disk. The schemas are not part of this repository: they live
 * in `<repo>/../shared/bareos-schema/<version>/` (or `$BAREOS_SCHEMA_DIR`), one directory per Bareos version,
 * each holding `bareos-dir-config-schema.json`, `bareos-sd-...`, `bareos-fd-...` and
 * `bconsole-config-schema.json`.
 */
import * as fs from "fs";
import * as path from "path";
import { ComponentSchema, DAEMONS, Daemon, LoadedSchemas, compareVersions } from "./validate";

export const SCHEMA_MAJORS = ["22", "24", "25"] as const;

export function schemaFileName(daemon: Daemon): string {
  return `${daemon}-config-schema.json`;
}

/** `$BAREOS_SCHEMA_DIR`, else `shared/bareos-schema` next to the repository checkout. */
export function defaultSchemaDir(): string {
  const fromEnv = process.env.BAREOS_SCHEMA_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  return path.resolve(repoRoot(), "..", "shared", "bareos-schema");
}

// The repo root is the nearest ancestor with a package.json, so this also works from a compiled copy.
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "..", "..");
  }
}

/**
 * The version directory for a major version ("25" -> "<dir>/25.1.0"; the highest if several) or for a full
 * version ("25.1.0"). Throws if there is none.
 */
export function resolveSchemaVersionDir(schemaDir: string, version: string): string {
  const entries = fs.existsSync(schemaDir) ? fs.readdirSync(schemaDir) : [];
  const candidates = entries
    .filter((e) => /^\d+\.\d+\.\d+$/.test(e) && (e === version || e.split(".")[0] === version))
    .sort(compareVersions);
  const chosen = candidates[candidates.length - 1];
  if (!chosen) {
    const have = entries.filter((e) => /^\d+\.\d+\.\d+$/.test(e)).join(", ") || "none";
    throw new Error(`no Bareos ${version} schema in ${schemaDir} (versions present: ${have})`);
  }
  return path.join(schemaDir, chosen);
}

/** True when the schema files for `version` (default: all of 22, 24 and 25) are present in `schemaDir`. */
export function schemasAvailable(schemaDir: string = defaultSchemaDir(), version?: string): boolean {
  const versions = version ? [version] : [...SCHEMA_MAJORS];
  return versions.every((v) => {
    try {
      const dir = resolveSchemaVersionDir(schemaDir, v);
      return DAEMONS.every((d) => fs.existsSync(path.join(dir, schemaFileName(d))));
    } catch {
      return false;
    }
  });
}

const cache = new Map<string, LoadedSchemas>();

/** Reads the four schema files of one Bareos version ("22" | "24" | "25", or a full "25.1.0"). */
export function loadSchemas(schemaDir: string, version: string): LoadedSchemas {
  const dir = resolveSchemaVersionDir(schemaDir, version);
  const hit = cache.get(dir);
  if (hit) return hit;
  const components = {} as Record<Daemon, ComponentSchema>;
  for (const daemon of DAEMONS) {
    const file = path.join(dir, schemaFileName(daemon));
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as ComponentSchema;
    if (json.component !== daemon || typeof json.resource?.[daemon] !== "object") {
      throw new Error(`${file} is not a ${daemon} configuration schema`);
    }
    components[daemon] = json;
  }
  const loaded: LoadedSchemas = { version: path.basename(dir), components };
  cache.set(dir, loaded);
  return loaded;
}

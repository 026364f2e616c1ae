/**
 * Checks a stack's rendered Bareos configuration against Bareos' own JSON schemas of its bareosVersion:
 *
 *   npm run validate -- --stack <name>|all [--schema-dir <dir>] [--strict]
 *
 * Renders like `npm run render` (same settings validation, placeholder credentials) and validates the
 * director tree as bareos-dir and bconsole, the storage daemon's tree and every client's tree. Prints
 * one `file:line: resource: message` line per problem (files as `npm run render` would write them).
 * Exit codes: 0 clean (warnings allowed unless --strict), 1 invalid settings or an error-severity
 * problem, 2 schema directory or version missing. `--stack all` checks every Pulumi.<stack>.yaml.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { defaultSchemaDir, loadSchemas, schemasAvailable } from "../configs/schema/load";
import { formatProblem } from "../configs/schema/validate";
import { CliError, REPO_ROOT, renderStackFiles, runCli, stackNames } from "./render";
import { validateStack } from "./renderStack";

function main(): number {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      "schema-dir": { type: "string" },
      strict: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.stack === undefined) {
    throw new CliError("usage: npm run validate -- --stack <name>|all [--schema-dir <dir>] [--strict]");
  }
  const schemaDir = path.resolve(values["schema-dir"] ?? defaultSchemaDir());
  if (!fs.existsSync(schemaDir)) {
    throw new CliError(
      `schema directory ${schemaDir} does not exist; pass --schema-dir or set BAREOS_SCHEMA_DIR`,
      2,
    );
  }
  const stacks = values.stack === "all" ? stackNames(REPO_ROOT) : [values.stack];
  if (stacks.length === 0) throw new CliError(`no Pulumi.<stack>.yaml in ${REPO_ROOT}`);

  // Render every stack first: invalid settings are reported before any schema question comes up.
  const renders = stacks.map((s) => renderStackFiles(s));
  for (const r of renders) {
    if (!schemasAvailable(schemaDir, r.settings.bareosVersion)) {
      throw new CliError(
        `no Bareos ${r.settings.bareosVersion} schema in ${schemaDir} (stack ${JSON.stringify(r.settings.stack)}); ` +
          "pass --schema-dir or set BAREOS_SCHEMA_DIR to the directory holding <version>/bareos-*-config-schema.json",
        2,
      );
    }
  }

  let errors = 0;
  let warnings = 0;
  for (const r of renders) {
    const schemas = loadSchemas(schemaDir, r.settings.bareosVersion);
    const problems = validateStack(r, schemas);
    const e = problems.filter((p) => p.severity === "error").length;
    errors += e;
    warnings += problems.length - e;
    const files = Object.keys(r.files).length;
    const verdict = problems.length === 0 ? "ok" : `${e} error(s), ${problems.length - e} warning(s)`;
    console.log(`stack ${r.settings.stack}: Bareos ${schemas.version}, ${files} files: ${verdict}`);
    for (const p of problems) console.log(`  ${formatProblem(p)}`);
  }
  return errors > 0 || (values.strict && warnings > 0) ? 1 : 0;
}

if (require.main === module) runCli(main);

/**
 * Renders a stack's Bareos configuration to disk without Pulumi or cloud access, for review and diffing:
 *
 *   npm run render -- --stack <name> --out <dir> [--force]
 *
 * Reads Pulumi.yaml and Pulumi.<name>.yaml, validates them exactly as the program does, and writes
 * `<dir>/<container>/<absolute path in the container>` with the rendered modes:
 *   bareos-dir/etc/bareos/...            director container (incl. bconsole.conf)
 *   bareos-sd/etc/bareos/...             storage daemon container
 *   <client>/etc/bareos/...              each managed client's container
 *   _unmanaged/<client>/etc/bareos/...   files to install on each unmanaged client's host
 *   bareos-webui/etc/bareos-webui/...    both webui containers (nginx and php-fpm)
 * Credentials are PLACEHOLDER-... stand-ins and the PKI keys throw-away ones (real, so the daemons'
 * configuration tests accept the tree): the output is for reading, never for deploying.
 *
 * A non-empty <dir> is refused unless --force; --force removes only the files a previous render listed
 * in <dir>/.bareos-render-manifest, then writes. Anything else in <dir> is left alone (and reported).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { SettingsError } from "../configs/settings";
import { StackFileError, StackRender, renderStack } from "./renderStack";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const MANIFEST = ".bareos-render-manifest";

/** A stack's short name, as in Pulumi.<stack>.yaml. */
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/** Exit with a message; `code` 1 for invalid input, 2 for a missing prerequisite. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

/** Every stack with a Pulumi.<stack>.yaml in `projectDir`, sorted. */
export function stackNames(projectDir: string): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && STACK_NAME.test(s))
    .sort();
}

/** Reads and renders one stack of the project in `projectDir`. */
export function renderStackFiles(stack: string, projectDir: string = REPO_ROOT): StackRender {
  if (!STACK_NAME.test(stack)) throw new CliError(`${JSON.stringify(stack)} is not a stack name`);
  const read = (file: string) => {
    const p = path.join(projectDir, file);
    if (!fs.existsSync(p)) {
      const known =
        file === "Pulumi.yaml" ? "" : `; stacks here: ${stackNames(projectDir).join(", ") || "none"}`;
      throw new CliError(`${p} does not exist${known}`);
    }
    return fs.readFileSync(p, "utf8");
  };
  return renderStack(read("Pulumi.yaml"), read(`Pulumi.${stack}.yaml`), stack, projectDir);
}

/** Runs `main`, turning the expected failures into a message and an exit code (no stack trace). */
export function runCli(main: () => number): void {
  try {
    process.exitCode = main();
  } catch (e) {
    if (e instanceof SettingsError) {
      // The same text `pulumi up` shows: the program throws RunError(e.message).
      console.error(`error: ${e.message}`);
      process.exitCode = 1;
    } else if (e instanceof CliError || e instanceof StackFileError) {
      console.error(`error: ${e.message}`);
      process.exitCode = e instanceof CliError ? e.code : 1;
    } else {
      throw e;
    }
  }
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

/** All files below `dir` (relative, posix separators), manifest excluded. */
function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else if (rel !== MANIFEST) out.push(rel);
  }
  return out;
}

/** Removes what the previous render wrote (per its manifest) and the directories that leaves empty. */
function removePrevious(out: string): void {
  const manifest = path.join(out, MANIFEST);
  if (!fs.existsSync(manifest)) return;
  const dirs = new Set<string>();
  for (const rel of fs.readFileSync(manifest, "utf8").split("\n")) {
    if (rel === "") continue;
    const p = path.resolve(out, rel);
    if (!inside(out, p)) continue; // a tampered manifest must not reach outside --out
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st?.isFile() || st?.isSymbolicLink()) fs.unlinkSync(p);
    for (let d = path.dirname(p); inside(out, d); d = path.dirname(d)) dirs.add(d);
  }
  // Deepest first, so a parent is empty by the time it is tried.
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    if (fs.existsSync(d) && fs.readdirSync(d).length === 0) fs.rmdirSync(d);
  }
  fs.unlinkSync(manifest);
}

/** Writes the rendered files under `outDir`; returns the files found there that this render did not write. */
export function writeRender(r: StackRender, outDir: string, force: boolean): string[] {
  const out = path.resolve(outDir);
  const st = fs.statSync(out, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw new CliError(`${out} exists and is not a directory`);
  if (st && fs.readdirSync(out).length > 0) {
    if (!force) throw new CliError(`${out} is not empty; pass --force to replace a previous render there`);
    removePrevious(out);
  }
  fs.mkdirSync(out, { recursive: true });
  const realOut = fs.realpathSync(out);
  const written = Object.keys(r.files).sort();
  for (const rel of written) {
    const file = r.files[rel];
    const target = path.resolve(out, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // A symlinked directory or file inside --out could redirect the write elsewhere.
    if (!inside(realOut, path.join(fs.realpathSync(path.dirname(target)), path.basename(target)))) {
      throw new CliError(`refusing to write ${target}: it resolves outside ${out}`);
    }
    if (fs.lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new CliError(`refusing to write through the symbolic link ${target}`);
    }
    fs.writeFileSync(target, file.content, { mode: file.mode });
    // writeFileSync's mode applies only to new files and is masked by the umask.
    fs.chmodSync(target, file.mode);
  }
  fs.writeFileSync(path.join(out, MANIFEST), `${written.join("\n")}\n`);
  const mine = new Set(written);
  return listFiles(out).filter((f) => !mine.has(f));
}

/** `  bareos-dir/   45 files  container bareos-dir` per output directory. */
export function summary(r: StackRender): string[] {
  const width = Math.max(...r.groups.map((g) => g.dir.length + 1));
  return r.groups.map(
    (g) =>
      `  ${`${g.dir}/`.padEnd(width)}  ${String(Object.keys(g.tree).length).padStart(3)} files  ${g.target}`,
  );
}

function main(): number {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      out: { type: "string" },
      force: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.stack === undefined || values.out === undefined) {
    throw new CliError("usage: npm run render -- --stack <name> --out <dir> [--force]");
  }
  const r = renderStackFiles(values.stack);
  const others = writeRender(r, values.out, values.force ?? false);
  const s = r.settings;
  console.log(
    `Rendered stack ${JSON.stringify(s.stack)} (Bareos ${s.bareosVersion}, S3 ${s.s3.backend}) into ${path.resolve(values.out)}`,
  );
  console.log(summary(r).join("\n"));
  console.log(
    "Credentials are PLACEHOLDER-... stand-ins and PKI keys throw-away ones: review these files, do not deploy them.",
  );
  if (others.length > 0) {
    console.warn(`warning: ${others.length} file(s) not written by this render were left in place:`);
    for (const f of others) console.warn(`  ${f}`);
  }
  return 0;
}

if (require.main === module) runCli(main);

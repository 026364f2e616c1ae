/**
 * Lints the container images without a Docker engine: shellcheck on every shell script
 * (images/**\/*.sh, including the shared images/common/, and scripts/*.sh) and, for every
 * images/**\/Dockerfile, the parser errors of dockerfile-utils plus this project's rules.
 * Every image builds with images/ as its context, so COPY sources are checked against it.
 * Prints `file:line: [rule] message` per finding and exits 1 when there is any.
 *
 *   npx ts-node scripts/lint-images.ts
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Arg, Copy, DockerfileParser, From, Instruction, Label } from "dockerfile-ast";
import { validate } from "dockerfile-utils";

export type RuleId =
  | "parse"
  | "base-pinned"
  | "bareos-version-arg"
  | "bareos-version-pin"
  | "apt-no-recommends"
  | "apt-lists-clean"
  | "oci-labels"
  | "exec-form"
  | "copy-source"
  | "shellcheck";

export interface Finding {
  file: string;
  /** 1-based */
  line: number;
  rule: RuleId;
  message: string;
}

export const REPO_ROOT = path.resolve(__dirname, "..");

/** Labels every final image must carry (org.opencontainers.image.*). */
export const REQUIRED_LABELS = ["title", "description", "version", "licenses"].map(
  (k) => `org.opencontainers.image.${k}`,
);

interface Stage {
  from: From;
  name: string | null;
  instructions: Instruction[];
}

const lineOf = (i: Instruction): number => i.getRange().start.line + 1;

function splitStages(instructions: Instruction[]): { globals: Instruction[]; stages: Stage[] } {
  const globals: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction instanceof From) {
      stages.push({ from: instruction, name: instruction.getBuildStage(), instructions: [] });
    } else if (stages.length === 0) {
      globals.push(instruction);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { globals, stages };
}

function argDefaults(instructions: Instruction[]): Map<string, string | null> {
  const defaults = new Map<string, string | null>();
  for (const instruction of instructions) {
    const property = instruction instanceof Arg ? instruction.getProperty() : null;
    if (property) defaults.set(property.getName(), property.getValue());
  }
  return defaults;
}

/** Substitutes ${VAR}, ${VAR:-default} and $VAR; null when a variable has no value. */
export function substitute(text: string, vars: Map<string, string | null>): string | null {
  let unresolved = false;
  const result = text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_match, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const value = vars.get((braced ?? bare) as string);
      if (value) return value;
      if (fallback !== undefined) return fallback;
      unresolved = true;
      return "";
    },
  );
  return unresolved ? null : result;
}

/** Splits an image reference into name, tag and digest. */
export function parseImageRef(ref: string): { name: string; tag?: string; digest?: string } {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/"))
    return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, digest };
}

/** The RUN's shell text: continuations joined, comment lines dropped. */
function shellText(instruction: Instruction): string {
  return (instruction.getArgumentsContent() ?? "").replace(/(^|\s)#[^\n]*\n/g, "$1");
}

/** Simple commands of a shell text, each as words without quotes. */
function commands(text: string): string[][] {
  return text
    .split(/&&|\|\||;|\||\n|\b(?:then|else|do)\b/)
    .map((segment) =>
      segment
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((word) => word.replace(/["']/g, "")),
    )
    .filter((words) => words.length > 0);
}

function aptVerb(words: string[]): string | null {
  const apt = words.findIndex((w) => w === "apt-get" || w === "apt");
  if (apt < 0) return null;
  return words.slice(apt + 1).find((w) => !w.startsWith("-")) ?? null;
}

const BAREOS_PACKAGE = /^bareos-[a-z0-9][a-z0-9.+-]*(=.*)?$/;
const PINNED_BAREOS_PACKAGE = /^bareos-[a-z0-9][a-z0-9.+-]*=\$\{?BAREOS_VERSION\}?\./;

/**
 * Lints one Dockerfile's text; `file` is only used in the findings. With `context` (the build
 * context folder), COPY/ADD sources must exist there: a wrong one otherwise only fails in `docker build`.
 */
export function lintDockerfile(content: string, file: string, context?: string): Finding[] {
  const findings: Finding[] = [];
  const add = (line: number, rule: RuleId, message: string) => findings.push({ file, line, rule, message });

  for (const diagnostic of validate(content)) {
    const message = typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;
    add(diagnostic.range.start.line + 1, "parse", message);
  }

  const dockerfile = DockerfileParser.parse(content);
  const { globals, stages } = splitStages(dockerfile.getInstructions());
  if (stages.length === 0) return findings;
  const globalArgs = argDefaults(globals);
  const stageNames = new Set<string>();

  for (const stage of stages) {
    const image = stage.from.getImage() ?? "";
    const fromLine = lineOf(stage.from);
    if (!stageNames.has(image.toLowerCase()) && image !== "scratch") {
      const resolved = substitute(image, globalArgs);
      if (resolved === null) {
        add(fromLine, "base-pinned", `base image ${image} uses a build arg without a default`);
      } else {
        const { tag, digest } = parseImageRef(resolved);
        if (digest) {
          // A digest pins the content whatever the tag says.
        } else if (!tag) {
          add(fromLine, "base-pinned", `base image ${resolved} has no tag: pin a versioned tag`);
        } else if (tag === "latest") {
          add(fromLine, "base-pinned", `base image ${resolved} uses latest: pin a versioned tag`);
        } else if (!/\d+\.\d+|\d{8}/.test(tag)) {
          add(fromLine, "base-pinned", `base image ${resolved} uses the moving tag "${tag}": pin a release`);
        }
      }
    }
    if (stage.name) stageNames.add(stage.name.toLowerCase());

    const stageArgs = argDefaults(stage.instructions);
    let usesBareosPackages = false;
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === "ENTRYPOINT" || keyword === "CMD") {
        if (!(instruction.getArgumentsContent() ?? "").trim().startsWith("[")) {
          add(
            lineOf(instruction),
            "exec-form",
            `${keyword} must use the JSON (exec) form so signals reach the daemon`,
          );
        }
      }
      if (context !== undefined && (keyword === "COPY" || keyword === "ADD")) {
        const fromStage = instruction instanceof Copy && instruction.getFromFlag() !== null;
        const sources = fromStage ? [] : instruction.getArguments().slice(0, -1);
        for (const source of sources.map((a) => a.getValue())) {
          if (/^[a-z]+:\/\/|[*?[$]/.test(source)) continue;
          if (!fs.existsSync(path.join(context, source))) {
            add(
              lineOf(instruction),
              "copy-source",
              `${keyword} source ${source} is not in the build context ${context}`,
            );
          }
        }
      }
      if (keyword !== "RUN") continue;
      const text = shellText(instruction);
      let usesApt = false;
      for (const words of commands(text)) {
        const verb = aptVerb(words);
        if (!verb) continue;
        usesApt = true;
        if (verb === "install" && !words.includes("--no-install-recommends")) {
          add(lineOf(instruction), "apt-no-recommends", "apt-get install without --no-install-recommends");
        }
        if (verb === "install" || verb === "download") {
          for (const word of words.filter((w) => BAREOS_PACKAGE.test(w))) {
            usesBareosPackages = true;
            if (!PINNED_BAREOS_PACKAGE.test(word)) {
              add(
                lineOf(instruction),
                "bareos-version-pin",
                `${word} must be pinned as ${word.split("=")[0]}=\${BAREOS_VERSION}.*`,
              );
            }
          }
        }
      }
      if (usesApt && !/\brm\s+-[a-zA-Z]*\s+\/var\/lib\/apt\/lists\/\*/.test(text)) {
        add(
          lineOf(instruction),
          "apt-lists-clean",
          "RUN uses apt-get but does not rm -rf /var/lib/apt/lists/*",
        );
      }
    }
    if (usesBareosPackages) {
      const declared = stageArgs.has("BAREOS_VERSION");
      const defaulted = Boolean(stageArgs.get("BAREOS_VERSION") || globalArgs.get("BAREOS_VERSION"));
      if (!declared || !defaulted) {
        add(
          fromLine,
          "bareos-version-arg",
          "stage installs Bareos packages: declare ARG BAREOS_VERSION (with a default)",
        );
      }
    }
  }

  const final = stages[stages.length - 1];
  const labels = new Set(
    final.instructions
      .filter((i): i is Label => i instanceof Label)
      .flatMap((label) => label.getProperties().map((p) => p.getName())),
  );
  const missing = REQUIRED_LABELS.filter((name) => !labels.has(name));
  if (missing.length > 0) {
    add(lineOf(final.from), "oci-labels", `final image lacks LABEL ${missing.join(", ")}`);
  }
  return findings;
}

function walk(dir: string, accept: (file: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(full, accept);
      return accept(full) ? [full] : [];
    });
}

export function findDockerfiles(root = REPO_ROOT): string[] {
  return walk(path.join(root, "images"), (f) => path.basename(f) === "Dockerfile");
}

export function findShellScripts(root = REPO_ROOT): string[] {
  const scripts = fs.existsSync(path.join(root, "scripts"))
    ? fs
        .readdirSync(path.join(root, "scripts"))
        .filter((f) => f.endsWith(".sh"))
        .sort()
        .map((f) => path.join(root, "scripts", f))
    : [];
  // The e2e stand-ins' scripts run in containers too (`.envsh` files are sourced shell).
  const shell = (f: string) => f.endsWith(".sh") || f.endsWith(".envsh");
  return [
    ...walk(path.join(root, "images"), shell),
    ...walk(path.join(root, "tests", "e2e", "standins"), shell),
    ...scripts,
  ];
}

export function hasShellcheck(): boolean {
  return spawnSync("shellcheck", ["--version"], { encoding: "utf8" }).status === 0;
}

/** Runs shellcheck (all severities); throws when it is not installed. */
export function lintShellScripts(files: string[]): Finding[] {
  if (files.length === 0) return [];
  const result = spawnSync("shellcheck", ["--format=gcc", "--external-sources", ...files], {
    encoding: "utf8",
  });
  if (result.error || result.status === null) {
    throw new Error("shellcheck is not installed (Debian package: shellcheck)");
  }
  const findings: Finding[] = [];
  for (const line of result.stdout.split("\n")) {
    const match = /^(.*?):(\d+):\d+: (\w+): (.*)$/.exec(line);
    if (match)
      findings.push({
        file: match[1],
        line: Number(match[2]),
        rule: "shellcheck",
        message: `${match[3]}: ${match[4]}`,
      });
  }
  if (result.status !== 0 && findings.length === 0) {
    throw new Error(`shellcheck failed: ${result.stderr || result.stdout}`);
  }
  return findings;
}

export function formatFinding(f: Finding, root = REPO_ROOT): string {
  return `${path.relative(root, path.resolve(root, f.file))}:${f.line}: [${f.rule}] ${f.message}`;
}

export function main(root = REPO_ROOT): number {
  const dockerfiles = findDockerfiles(root);
  const scripts = findShellScripts(root);
  const context = path.join(root, "images");
  const findings = [
    ...dockerfiles.flatMap((file) => lintDockerfile(fs.readFileSync(file, "utf8"), file, context)),
    ...lintShellScripts(scripts),
  ];
  for (const finding of findings) console.error(formatFinding(finding, root));
  console.log(
    `lint-images: ${dockerfiles.length} Dockerfiles, ${scripts.length} shell scripts, ${findings.length} findings`,
  );
  return findings.length === 0 ? 0 : 1;
}

if (require.main === module) {
  process.exit(main());
}

// The pure half of `npm run render` / `npm run validate`: stack file text -> validated settings ->
// rendered configs laid out per container. No filesystem, no Pulumi, so tests can call it directly.
import * as path from "node:path";
import {
  ConfigFile,
  FileTree,
  RenderedConfigs,
  placeholderBucketName,
  placeholderSecrets,
  renderAll,
} from "../configs/render";
import { Settings, StackFileError, parseSettings, rawFromStackFiles } from "../configs/settings";

export { StackFileError };
import { throwawayClientKeys } from "./pki";
import { BareosMajor, Daemon, LoadedSchemas, Problem, validateFileTree } from "../configs/schema/validate";

/**
 * Unmanaged clients' files go under this directory, one folder per client. The leading "_" cannot start
 * a container name (managed clients and services are DNS labels), so it never collides with one.
 */
export const UNMANAGED_DIR = "_unmanaged";

/** Stand-in for a `secure:` stack value: the real one is only known to `pulumi` (encrypted in the file). */
export function secretPlaceholder(key: string): string {
  return `PLACEHOLDER-config-${key}`;
}

/** Where one rendered tree goes: `<out>/<dir>/<absolute path in the container>`. */
export interface OutputGroup {
  /** Relative to the output directory, e.g. "bareos-dir" or "_unmanaged/fileserver-fd". */
  readonly dir: string;
  /** Who gets these files, for the summary: containers or a host. */
  readonly target: string;
  readonly tree: FileTree;
  /** Daemons whose configuration is in this tree (for schema validation). */
  readonly daemons: readonly Daemon[];
}

export interface StackRender {
  readonly settings: Settings;
  readonly rendered: RenderedConfigs;
  readonly groups: readonly OutputGroup[];
  /** Relative output path -> file, across all groups. */
  readonly files: Readonly<Record<string, ConfigFile>>;
}

/**
 * The validated settings of a stack; throws SettingsError (the program's own messages) or StackFileError.
 * Reads through the CLI's string view of the files (configs/settings/read.ts), because that is what the
 * program sees.
 */
export function settingsOfStack(
  projectYaml: string,
  stackYaml: string,
  stack: string,
  projectDir: string,
): Settings {
  const raw = rawFromStackFiles(projectYaml, stackYaml, stack, (key) =>
    secretPlaceholder(key.slice(key.lastIndexOf(":") + 1)),
  );
  return parseSettings(raw, { stack, projectDir });
}

/** The rendered trees of `settings`, each placed under the directory of the container or host that gets it. */
export function layout(settings: Settings, rendered: RenderedConfigs): OutputGroup[] {
  const n = settings.names;
  const groups: OutputGroup[] = [
    {
      dir: n.director,
      target: `container ${n.director}`,
      tree: rendered.director,
      daemons: ["bareos-dir", "bconsole"],
    },
    { dir: n.storage, target: `container ${n.storage}`, tree: rendered.storage, daemons: ["bareos-sd"] },
  ];
  for (const c of settings.clients) {
    const tree = rendered.clients[c.name];
    if (tree === undefined) throw new Error(`no rendered files for client ${JSON.stringify(c.name)}`);
    groups.push(
      c.managed
        ? { dir: c.name, target: `container ${c.name}`, tree, daemons: ["bareos-fd"] }
        : {
            dir: `${UNMANAGED_DIR}/${c.name}`,
            target: `host ${c.address} (install yourself)`,
            tree,
            daemons: ["bareos-fd"],
          },
    );
  }
  groups.push({
    dir: n.webui,
    target: `containers ${n.webui}, ${n.webuiPhp}`,
    tree: rendered.webui,
    daemons: [],
  });
  return groups;
}

/** `dir` + the absolute container path, refusing anything that would land outside `dir`. */
export function outputPath(dir: string, containerPath: string): string {
  const joined = path.posix.join(dir, containerPath);
  if (
    !containerPath.startsWith("/") ||
    joined !== `${dir}${containerPath}` ||
    !joined.startsWith(`${dir}/`)
  ) {
    throw new Error(`refusing to write ${JSON.stringify(containerPath)}: not a plain absolute path`);
  }
  return joined;
}

/**
 * Stack file -> settings -> configs rendered with clearly marked placeholder credentials (and the
 * placeholder bucket name when the bucket is derived at deploy time) -> relative output paths.
 */
export function renderStack(
  projectYaml: string,
  stackYaml: string,
  stack: string,
  projectDir: string,
): StackRender {
  const settings = settingsOfStack(projectYaml, stackYaml, stack, projectDir);
  return renderSettings(settings);
}

export function renderSettings(settings: Settings): StackRender {
  // Placeholder passwords read as such; PKI files must be real keys, or the daemons' -t refuses the tree.
  const secrets = {
    ...placeholderSecrets(settings),
    clientKeys: throwawayClientKeys(settings.clients.filter((c) => c.encryption).map((c) => c.name)),
  };
  const rendered = renderAll(settings, secrets, {
    bucketName: settings.s3.bucketName ?? placeholderBucketName(settings),
  });
  const groups = layout(settings, rendered);
  const files: Record<string, ConfigFile> = {};
  for (const g of groups) {
    for (const [p, f] of Object.entries(g.tree)) files[outputPath(g.dir, p)] = f;
  }
  return { settings, rendered, groups, files };
}

/**
 * Every daemon's tree checked against Bareos' schema of the stack's version. Problem files are output
 * paths (`bareos-dir/etc/bareos/...`), so two clients' identical paths stay apart.
 */
export function validateStack(r: StackRender, schemas: LoadedSchemas): Problem[] {
  const version = r.settings.bareosVersion as BareosMajor;
  const problems: Problem[] = [];
  for (const g of r.groups) {
    if (g.daemons.length === 0) continue;
    const text = Object.fromEntries(Object.entries(g.tree).map(([p, f]) => [p, f.content]));
    for (const daemon of g.daemons) {
      for (const p of validateFileTree(text, daemon, schemas, version)) {
        problems.push({ ...p, file: outputPath(g.dir, p.file) });
      }
    }
  }
  return problems;
}

/**
 * The images the e2e test builds itself because no registry is reachable on its machines: stand-ins
 * for the third-party images the program pulls (tagged with the names the program uses) and the
 * test's own fixtures. Each is a Dockerfile folder next to this file, built FROM debian:12.12-slim with
 * Debian 12 packages only; what each reproduces of the official image is in README.md.
 *
 * No Docker calls here: `prepareContext` writes a build context folder, the caller builds it
 * (`<outDir>/Dockerfile`).
 */
import * as fs from "fs";
import * as path from "path";

export interface StandinImage {
  /** Folder name under tests/e2e/standins/. */
  readonly name: string;
  /** Absolute path of that folder. */
  readonly dir: string;
  /** Tag to give the built image. */
  readonly tag: string;
  /** standin: replaces an image the program pulls; fixture: only the e2e test uses it. */
  readonly kind: "standin" | "fixture";
  /** The image a stand-in replaces (its official reference). */
  readonly official?: string;
  /** npm packages whose dependency closure the context needs under node_modules/. */
  readonly npmPackages?: readonly string[];
}

const here = (name: string): string => path.join(__dirname, name);

export const STANDINS: readonly StandinImage[] = [
  {
    name: "postgres",
    dir: here("postgres"),
    tag: "postgres:15.14-bookworm",
    kind: "standin",
    official: "docker.io/library/postgres:15.14-bookworm",
  },
  {
    name: "nginx",
    dir: here("nginx"),
    tag: "nginx:1.28.0-bookworm",
    kind: "standin",
    official: "docker.io/library/nginx:1.28.0-bookworm",
  },
  {
    name: "postfix",
    dir: here("postfix"),
    tag: "boky/postfix:v4.4.0",
    kind: "standin",
    official: "docker.io/boky/postfix:v4.4.0",
  },
  { name: "s3", dir: here("s3"), tag: "bareos-e2e/s3:local", kind: "fixture", npmPackages: ["s3rver"] },
  { name: "mail-sink", dir: here("mail-sink"), tag: "bareos-e2e/mail-sink:local", kind: "fixture" },
];

/** The project's node_modules (tests/e2e/standins/ -> repository root). */
export const PROJECT_NODE_MODULES = path.resolve(__dirname, "..", "..", "..", "node_modules");

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

async function isDirectory(p: string): Promise<boolean> {
  return fs.promises.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Where Node would find package `name` when required from a file of the package in `fromDir`: its
 * own node_modules first, then each ancestor's, up to (and including) `root`'s parent folder.
 * Folders that are themselves named node_modules are skipped, as Node does.
 */
async function resolvePackageDir(name: string, fromDir: string, root: string): Promise<string | null> {
  const top = path.dirname(root);
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== "node_modules") {
      const candidate = path.join(dir, "node_modules", name);
      if (await isDirectory(candidate)) return candidate;
    }
    if (dir === top || path.dirname(dir) === dir) return null;
  }
}

/**
 * Every package directory (relative to `root`, the node_modules folder) that `roots` need at run
 * time: their dependencies, optional dependencies when installed, and required peers, transitively.
 * Throws when a required one is missing.
 */
export async function dependencyClosure(
  roots: readonly string[],
  root: string = PROJECT_NODE_MODULES,
): Promise<string[]> {
  const found = new Set<string>();
  const visit = async (name: string, fromDir: string, required: boolean, via: string): Promise<void> => {
    const dir = await resolvePackageDir(name, fromDir, root);
    if (dir === null) {
      if (required) throw new Error(`${name} (needed by ${via}) is not installed under ${root}`);
      return;
    }
    const relative = path.relative(root, dir);
    if (relative.startsWith("..") || path.isAbsolute(relative)) {
      throw new Error(`${name} resolves outside ${root}: ${dir}`);
    }
    if (found.has(relative)) return;
    found.add(relative);
    const manifest = JSON.parse(
      await fs.promises.readFile(path.join(dir, "package.json"), "utf8"),
    ) as PackageJson;
    const peersMeta = manifest.peerDependenciesMeta ?? {};
    const edges: [string, boolean][] = [
      ...Object.keys(manifest.dependencies ?? {}).map((d): [string, boolean] => [d, true]),
      ...Object.keys(manifest.optionalDependencies ?? {}).map((d): [string, boolean] => [d, false]),
      ...Object.keys(manifest.peerDependencies ?? {}).map((d): [string, boolean] => [
        d,
        peersMeta[d]?.optional !== true,
      ]),
    ];
    for (const [dependency, isRequired] of edges) {
      await visit(dependency, dir, isRequired, manifest.name ?? name);
    }
  };
  for (const name of roots) await visit(name, path.dirname(root), true, "the stand-in");
  return [...found].sort();
}

/**
 * Writes the build context of `entry` into `outDir` (created if needed): a copy of its folder, plus,
 * for entries with npmPackages, `node_modules/` holding the closure of those packages copied from
 * the project's node_modules in the same layout (nested node_modules stay nested), so Node resolves
 * them in the image as it does here. Needs no network.
 */
export async function prepareContext(entry: StandinImage, outDir: string): Promise<void> {
  await fs.promises.mkdir(outDir, { recursive: true });
  await fs.promises.cp(entry.dir, outDir, { recursive: true, dereference: true });
  const packages = entry.npmPackages ?? [];
  if (packages.length === 0) return;
  const target = path.join(outDir, "node_modules");
  for (const relative of await dependencyClosure(packages)) {
    const source = path.join(PROJECT_NODE_MODULES, relative);
    const nested = path.join(source, "node_modules");
    await fs.promises.cp(source, path.join(target, relative), {
      recursive: true,
      dereference: true,
      // Nested packages are part of the closure only when something needs them.
      filter: (src) => src !== nested && !src.startsWith(nested + path.sep),
    });
  }
}

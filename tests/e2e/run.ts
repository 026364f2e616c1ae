// `npm run test:e2e`: prepares what the end-to-end suite needs, runs it, and removes everything it made,
// also on failure. Without DOCKER_HOST: installs what is missing from Debian, starts its own dockerd,
// makes the debian:12.12-slim base with debootstrap, serves ../shared/bareos-debs as a signed apt
// repository and builds stand-ins for the images the program pulls. With DOCKER_HOST: that engine and
// the real images. tests/e2e/README.md says what it proves.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCLI } from "jest";
import { follow, contextTar } from "./realizer/image";
import { AptRepo, buildRepo, serveRepo } from "./setup/aptRepo";
import { ensureBaseImage } from "./setup/baseImage";
import { Engine, existingEngine, startEngine } from "./setup/engine";
import { ROOT, SCRATCH, readTimings, recordTiming, timingTable, writeHandoff } from "./support/handoff";
import { CHROMIUM } from "./support/webui";
import { STANDINS, prepareContext } from "./standins";

const DEBS = process.env.BAREOS_DEBS_DIR ?? path.resolve(ROOT, "..", "shared", "bareos-debs", "25.1.0");
const CI = Boolean(process.env.CI);
/** `--bench`: the same preparation, then the backup benchmark (tests/e2e/bench) instead of the e2e suite. */
const BENCH = process.argv.includes("--bench");

const has = (cmd: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** Debian packages that provide what is missing, installed when this process may (as on CI). */
function ensureTools(own: boolean, serveDebs: boolean): void {
  const need: [string, string][] = [[CHROMIUM, "chromium"]];
  if (own)
    need.push(
      ["dockerd", "docker.io"],
      ["debootstrap", "debootstrap"],
      ["iptables", "iptables"],
      ["ip", "iproute2"],
    );
  if (serveDebs) need.push(["apt-ftparchive", "apt-utils"], ["gpg", "gnupg"]);
  const missing = [...new Set(need.filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg))];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !has("apt-get")) {
    throw new Error(
      `missing: ${missing.join(", ")} (Debian packages); install them, or run as root to let the e2e do it`,
    );
  }
  console.log(`e2e: installing ${missing.join(" ")} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], {
    stdio: "inherit",
    env,
  });
}

async function timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const r = await fn();
  recordTiming(step, (performance.now() - start) / 1000);
  return r;
}

/** Builds the stand-ins (own engine) or only the fixtures (a user's engine, which pulls the real images). */
async function buildStandins(engine: Engine): Promise<void> {
  const wanted = STANDINS.filter((s) => engine.own || s.kind === "fixture");
  const logDir = path.join(SCRATCH, "logs");
  const queue = [...wanted];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      const entry = s;
      const ctx = path.join(SCRATCH, "contexts", entry.name);
      await timed(`${entry.kind} build: ${entry.tag}`, async () => {
        await prepareContext(entry, ctx);
        const stream = await engine.docker.buildImage(await contextTar(ctx), { t: entry.tag, rm: true });
        await follow(engine.docker, stream, path.join(logDir, `standin-${entry.name}.log`));
      });
    }
  };
  await Promise.all([worker(), worker()]);
}

/** Removes the scratch folder; mounts left by a killed engine are unmounted first. */
function removeScratch(): void {
  const mounts = fs
    .readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[1])
    .filter((m) => m?.startsWith(SCRATCH))
    .sort()
    .reverse();
  for (const m of mounts) {
    try {
      execFileSync("umount", ["-l", m], { stdio: "ignore" });
    } catch {
      // already gone
    }
  }
  fs.rmSync(SCRATCH, { recursive: true, force: true });
}

async function main(): Promise<number> {
  const started = performance.now();
  const external = Boolean(process.env.DOCKER_HOST);
  const serveDebs = fs.existsSync(DEBS) && process.env.E2E_BAREOS_REPO !== "official";
  if (!serveDebs && !external) {
    const why = `the Bareos packages are not at ${DEBS} (set BAREOS_DEBS_DIR), and without DOCKER_HOST no registry or Bareos repository is reachable`;
    if (CI) throw new Error(`e2e: ${why}`);
    console.warn(`e2e SKIPPED: ${why}`);
    return 0;
  }
  removeScratch();
  fs.mkdirSync(path.join(SCRATCH, "logs"), { recursive: true });
  ensureTools(!external, serveDebs);

  let engine: Engine | undefined;
  let repo: AptRepo | undefined;
  const cleanup = async () => {
    await repo?.close().catch(() => undefined);
    await engine
      ?.stop()
      .catch((e: unknown) => console.error(`e2e: stopping the engine: ${(e as Error).message}`));
    if (!process.env.E2E_KEEP) removeScratch();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`e2e: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    engine = await timed("engine start", () =>
      external ? existingEngine(String(process.env.DOCKER_HOST)) : startEngine(path.join(SCRATCH, "engine")),
    );
    process.env.DOCKER_HOST = engine.host;
    const own = engine;
    if (own.own)
      await timed("base image debian:12.12-slim (debootstrap)", () => ensureBaseImage(own.docker, SCRATCH));
    if (serveDebs) {
      const fingerprint = buildRepo(DEBS, path.join(SCRATCH, "repo"));
      repo = await serveRepo(path.join(SCRATCH, "repo"), own.hostAddress, fingerprint);
    }
    await buildStandins(own);
    writeHandoff({
      mode: own.own ? "standins" : "real",
      repository: repo ? { url: repo.url, keyFingerprint: repo.keyFingerprint } : undefined,
      bigBytes: Number(process.env.E2E_BIG_MIB ?? 1024) * 1024 * 1024,
    });
    const { results } = await runCLI(
      {
        _: [],
        $0: "e2e",
        runInBand: true,
        verbose: true,
        config: JSON.stringify({
          rootDir: ROOT,
          roots: ["<rootDir>/tests/e2e"],
          testMatch: [BENCH ? "**/*.bench.ts" : "**/*.e2e.ts"],
          testEnvironment: "node",
          testEnvironmentOptions: { globalsCleanup: "off" },
          transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
        }),
      },
      [ROOT],
    );
    recordTiming("total (npm run test:e2e, until the suite ended)", (performance.now() - started) / 1000);
    console.log(
      `\nTimings (${own.own ? "own engine, stand-ins" : "DOCKER_HOST, real images"}):\n${timingTable(readTimings())}\n`,
    );
    return results.success && results.numTotalTests > 0 ? 0 : 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);

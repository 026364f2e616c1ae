// The e2e's Docker engine: with DOCKER_HOST set, that engine (a user's machine with registries);
// otherwise a dockerd of its own, with its own bridge, data root, exec root, socket and pidfile under the
// scratch folder, stopped by its PID at the end. It never uses or stops another engine.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Docker from "dockerode";

export interface Engine {
  /** The DOCKER_HOST value for clients. */
  readonly host: string;
  /** True when this process started the engine (and stand-ins replace the pulled images). */
  readonly own: boolean;
  readonly docker: Docker;
  /** An address of this machine that image builds on the engine reach (the engine's bridge gateway). */
  readonly hostAddress: string;
  stop(): Promise<void>;
}

/**
 * Our bridge is `bareos-e2e` + the owning process's PID in base 36 (at most 15 characters in all), so a
 * run killed before its cleanup (SIGKILL, a machine stop) leaves a bridge the next run can tell is stale,
 * and two runs on one machine never collide. The subnet is the first candidate that no route uses.
 */
const BRIDGE_PREFIX = "bareos-e2e";
const SUBNETS = ["172.30.231", "172.29.231", "10.231.77", "10.231.78", "10.231.79", "192.168.231"];

export function bridgeName(pid: number): string {
  const name = `${BRIDGE_PREFIX}${pid.toString(36)}`;
  if (name.length > 15) throw new Error(`bridge name ${name} is longer than Linux's 15 characters`);
  return name;
}

/** Bridges of ours whose owner is gone; "bareos-e2e0" is the fixed name of earlier versions. */
export function staleBridges(links: readonly string[], isAlive: (pid: number) => boolean): string[] {
  return links.filter((l) => {
    const m = /^bareos-e2e([0-9a-z]{1,5})$/.exec(l);
    if (!m) return false;
    const pid = parseInt(m[1], 36);
    return pid <= 1 || !isAlive(pid);
  });
}

function removeStaleBridges(ip: (cmd: string[]) => Buffer): void {
  const links = execFileSync("ip", ["-o", "link", "show", "type", "bridge"], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.split(": ")[1]?.split("@")[0])
    .filter((l): l is string => Boolean(l));
  for (const stale of staleBridges(links, alive)) {
    console.log(`e2e: removing ${stale}, left by a run that is gone`);
    ip(["link", "del", stale]);
  }
}

function freeSubnet(): string {
  const routes = execFileSync("ip", ["-4", "route", "show"], { encoding: "utf8" });
  const free = SUBNETS.find((s) => !routes.includes(`${s}.`));
  if (!free) throw new Error(`no free subnet for the e2e bridge among ${SUBNETS.join(", ")}`);
  return free;
}

async function waitForPing(docker: Docker, log: string, pid: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await docker.ping();
      return;
    } catch {
      if (!pid() || Date.now() > deadline) {
        const tail = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").slice(-30).join("\n") : "";
        throw new Error(`dockerd did not come up:\n${tail}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gateway(docker: Docker): Promise<string> {
  const bridge = await docker.getNetwork("bridge").inspect();
  const gw = (bridge.IPAM?.Config ?? []).map((c: { Gateway?: string }) => c.Gateway).find(Boolean);
  if (!gw) throw new Error("the engine's bridge network has no gateway address");
  return gw;
}

/** The engine the user gave in DOCKER_HOST. */
export async function existingEngine(host: string): Promise<Engine> {
  const docker = new Docker();
  await docker.ping();
  return {
    host,
    own: false,
    docker,
    hostAddress: process.env.E2E_HOST_ADDRESS ?? (await gateway(docker)),
    stop: async () => undefined,
  };
}

/** A dockerd of our own under `dir`. */
export async function startEngine(dir: string): Promise<Engine> {
  fs.mkdirSync(dir, { recursive: true });
  const ip = (cmd: string[]) => execFileSync("ip", cmd, { stdio: "pipe" });
  removeStaleBridges(ip);
  const subnet = freeSubnet();
  const BRIDGE = bridgeName(process.pid);
  ip(["link", "add", "name", BRIDGE, "type", "bridge"]);
  ip(["addr", "add", `${subnet}.1/24`, "dev", BRIDGE]);
  ip(["link", "set", BRIDGE, "up"]);
  const sock = path.join(dir, "docker.sock");
  const pidfile = path.join(dir, "dockerd.pid");
  const log = path.join(dir, "dockerd.log");
  const out = fs.openSync(log, "a");
  const child = spawn(
    "dockerd",
    [
      "--data-root",
      path.join(dir, "data"),
      "--exec-root",
      path.join(dir, "exec"),
      "-H",
      `unix://${sock}`,
      "--pidfile",
      pidfile,
      "--storage-driver",
      "overlay2",
      "--bridge",
      BRIDGE,
    ],
    { stdio: ["ignore", out, out], detached: true },
  );
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error("dockerd did not start");
  const host = `unix://${sock}`;
  const docker = new Docker({ socketPath: sock });
  const stop = async () => {
    if (alive(pid)) {
      process.kill(pid, "SIGTERM");
      const deadline = Date.now() + 30_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
    try {
      ip(["link", "del", BRIDGE]);
    } catch {
      // already gone
    }
  };
  try {
    await waitForPing(docker, log, () => alive(pid));
  } catch (e) {
    await stop();
    throw e;
  }
  return { host, own: true, docker, hostAddress: `${subnet}.1`, stop };
}

// A deployed stack as the operations commands (drill, recover) reach it: its validated settings from the
// stack files, the Docker host Pulumi deploys to, and its containers by service.
import * as fs from "node:fs";
import * as path from "node:path";
import Docker from "dockerode";
import type { Settings } from "../../configs/settings";
import { settingsOfStack } from "../renderStack";

export const REPO_ROOT = path.resolve(__dirname, "../..");
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/** A failure to report in one line (no stack trace): bad arguments, a missing container, a mismatch. */
export class OpsError extends Error {}

/** The settings of `stack`, read from Pulumi.yaml and Pulumi.<stack>.yaml in `dir` as the program reads them. */
export function stackSettings(stack: string, dir = REPO_ROOT): Settings {
  if (!STACK_NAME.test(stack)) throw new OpsError(`--stack ${JSON.stringify(stack)} is not a stack name`);
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new OpsError(`no stack file ${file}`);
  return settingsOfStack(
    fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"),
    fs.readFileSync(file, "utf8"),
    stack,
    dir,
  );
}

/** dockerode's options for a `docker.host` setting (the provider's syntax); DOCKER_HOST when unset. */
export function dockerOptions(host: string | undefined): Docker.DockerOptions {
  if (host === undefined) return {};
  const url = new URL(host);
  switch (url.protocol) {
    case "unix:":
      return { socketPath: url.pathname };
    case "tcp:":
      return { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 2375), protocol: "http" };
    case "ssh:":
      return {
        host: url.hostname,
        port: Number(url.port || 22),
        protocol: "ssh",
        username: url.username || undefined,
      } as Docker.DockerOptions;
    default:
      throw new OpsError(
        `docker.host ${JSON.stringify(host)}: only unix://, tcp:// and ssh:// are supported here`,
      );
  }
}

/** The container of a service (settings.names) or client on the Docker host: `<stack>-<name>`. */
export function containerOf(settings: Settings, service: string): string {
  return `${settings.stack}-${service}`;
}

export interface Stack {
  readonly settings: Settings;
  readonly docker: Docker;
  readonly containers: {
    readonly director: string;
    readonly storage: string;
    readonly catalog: string;
    readonly client: (name: string) => string;
  };
}

export function openStack(
  settings: Settings,
  docker = new Docker(dockerOptions(settings.docker.host)),
): Stack {
  const n = settings.names;
  return {
    settings,
    docker,
    containers: {
      director: containerOf(settings, n.director),
      storage: containerOf(settings, n.storage),
      catalog: containerOf(settings, n.catalog),
      client: (name) => containerOf(settings, name),
    },
  };
}

/** Fails unless each container runs (and is healthy where it has a health check). */
export async function requireRunning(stack: Stack, containers: readonly string[]): Promise<void> {
  for (const c of containers) {
    const info = await stack.docker
      .getContainer(c)
      .inspect()
      .catch(() => undefined);
    if (!info?.State.Running)
      throw new OpsError(`container ${c} is not running on the stack's Docker host: deploy the stack first`);
    const health = info.State.Health?.Status;
    if (health !== undefined && health !== "healthy")
      throw new OpsError(`container ${c} is ${health}, not healthy`);
  }
}

/** Waits until a (restarted) container is healthy again. */
export async function waitHealthy(stack: Stack, container: string, timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const info = await stack.docker.getContainer(container).inspect();
    if (info.State.Health?.Status === "healthy") return;
    if (Date.now() > deadline)
      throw new OpsError(`${container} did not become healthy within ${timeoutSeconds}s`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** A progress line on a terminal (rewritten in place), plain lines otherwise. */
export function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  else process.stderr.write(`${text}\n`);
}

export function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write("\n");
}

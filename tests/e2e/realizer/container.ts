// docker.Container, realized as kreuzwerker/terraform-provider-docker v4.5.0 (what @pulumi/docker
// bridges) creates it: resource_docker_container_funcs.go resourceDockerContainerCreate/Read/Delete.
import { Buffer } from "node:buffer";
import type Docker from "dockerode";
import { Handler, HandlerContext, isNotFound, since } from "./handler";
import { InputSpec, Inputs, bool, goDuration, list, num, str } from "./inputs";
import { singleFileTar } from "../../../scripts/ops/exec";

export { singleFileTar };

const spec: InputSpec = {
  name: true,
  image: true,
  envs: true,
  command: true,
  entrypoints: true,
  labels: { label: true, value: true },
  uploads: {
    file: true,
    content: true,
    contentBase64: true,
    permissions: true,
    executable: true,
    owner: true,
    group: true,
  },
  networksAdvanced: { name: true, aliases: true },
  volumes: { volumeName: true, hostPath: true, containerPath: true, readOnly: true },
  ports: { internal: true, external: true, ip: true, protocol: true },
  memory: true,
  init: true,
  healthcheck: {
    tests: true,
    interval: true,
    timeout: true,
    startPeriod: true,
    startInterval: true,
    retries: true,
  },
  restart: true,
  logDriver: true,
  logOpts: true,
  destroyGraceSeconds: true,
  wait: true,
  waitTimeout: true,
  mustRun: true,
  attach: true,
  logs: true,
};

/** The provider's defaults (resource_docker_container.go schema) for what the program leaves unset. */
const DEFAULTS = { restart: "no", logDriver: "json-file", waitTimeout: 60, protocol: "tcp", ip: "0.0.0.0" };

type Upload = {
  file: string;
  content?: string;
  contentBase64?: string;
  permissions?: string;
  executable?: boolean;
  owner?: string;
  group?: string;
};

/** One tar per upload, as the provider builds them: mode from `permissions` (octal), else 0644 / 0744. */
async function uploadTar(upload: Upload): Promise<Buffer> {
  const given = [upload.content, upload.contentBase64].filter((c) => c !== undefined && c !== "");
  if (given.length !== 1) {
    throw new Error(`upload ${upload.file}: exactly one of content and contentBase64 must be set`);
  }
  const body =
    upload.content !== undefined && upload.content !== ""
      ? Buffer.from(upload.content, "utf8")
      : Buffer.from(upload.contentBase64 ?? "", "base64");
  const mode =
    upload.permissions !== undefined && upload.permissions !== ""
      ? parseInt(upload.permissions, 8)
      : upload.executable
        ? 0o744
        : 0o644;
  // Owner and group names would be resolved in the host's user database: only numeric ids are realized.
  const id = (what: string, v?: string) => {
    if (v === undefined || v === "") return 0;
    if (!/^\d+$/.test(v))
      throw new Error(`upload ${upload.file}: ${what} ${JSON.stringify(v)} is not a numeric id`);
    return Number(v);
  };
  return singleFileTar(upload.file, body, mode, id("owner", upload.owner), id("group", upload.group));
}

function createOptions(name: string, inputs: Inputs): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp?: string; HostPort?: string }[]> = {};
  for (const p of list(inputs.ports)) {
    const key = `${String(p.internal)}/${str(p.protocol) ?? DEFAULTS.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({
      HostIp: str(p.ip) ?? DEFAULTS.ip,
      ...(num(p.external) !== undefined ? { HostPort: String(p.external) } : {}),
    });
  }
  const volumes: Record<string, object> = {};
  const binds: string[] = [];
  for (const v of list(inputs.volumes)) {
    const target = str(v.containerPath);
    const source = str(v.hostPath) || str(v.volumeName);
    if (!target) throw new Error(`${name}: volume entry without container path`);
    volumes[target] = {};
    if (source) binds.push(`${source}:${target}:${bool(v.readOnly, false) ? "ro" : "rw"}`);
  }
  const labels = Object.fromEntries(
    list<{ label: string; value: string }>(inputs.labels).map((l) => [l.label, l.value]),
  );
  const h = inputs.healthcheck as Record<string, unknown> | undefined;
  const command = list<string>(inputs.command);
  if (command.some((c) => c === "")) throw new Error(`${name}: values for command may not be empty`);
  return {
    name: String(inputs.name),
    Image: String(inputs.image),
    Env: list<string>(inputs.envs),
    ...(command.length > 0 ? { Cmd: command } : {}),
    ...(inputs.entrypoints !== undefined ? { Entrypoint: list<string>(inputs.entrypoints) } : {}),
    Labels: labels,
    ...(Object.keys(exposed).length > 0 ? { ExposedPorts: exposed } : {}),
    ...(Object.keys(volumes).length > 0 ? { Volumes: volumes } : {}),
    ...(h
      ? {
          Healthcheck: {
            Test: list<string>(h.tests),
            Interval: str(h.interval) ? goDuration(String(h.interval)) : 0,
            Timeout: str(h.timeout) ? goDuration(String(h.timeout)) : 0,
            StartPeriod: str(h.startPeriod) ? goDuration(String(h.startPeriod)) : 0,
            ...(str(h.startInterval) ? { StartInterval: goDuration(String(h.startInterval)) } : {}),
            Retries: num(h.retries) ?? 0,
          },
        }
      : {}),
    HostConfig: {
      RestartPolicy: { Name: str(inputs.restart) ?? DEFAULTS.restart, MaximumRetryCount: 0 },
      LogConfig: {
        Type: str(inputs.logDriver) ?? DEFAULTS.logDriver,
        Config: (inputs.logOpts as Record<string, string> | undefined) ?? {},
      },
      ...(Object.keys(bindings).length > 0 ? { PortBindings: bindings } : {}),
      ...(binds.length > 0 ? { Binds: binds } : {}),
      ...(num(inputs.memory) ? { Memory: Number(inputs.memory) * 1024 * 1024 } : {}),
      Init: bool(inputs.init, false),
      AutoRemove: false,
      ReadonlyRootfs: false,
      Privileged: false,
    },
  };
}

/** The last lines of a container's output, for error messages. */
export async function logsOf(container: Docker.Container, tail = 60): Promise<string> {
  try {
    const raw = (await container.logs({
      stdout: true,
      stderr: true,
      tail,
      follow: false,
    })) as unknown as Buffer;
    return demux(raw);
  } catch (e) {
    return `(no logs: ${(e as Error).message})`;
  }
}

/** The text of Docker's multiplexed stdout/stderr stream (8-byte frame headers), both streams in order. */
export function demux(raw: Buffer): string {
  const out: Buffer[] = [];
  let i = 0;
  while (i + 8 <= raw.length && (raw[i] === 1 || raw[i] === 2 || raw[i] === 0) && raw[i + 1] === 0) {
    const size = raw.readUInt32BE(i + 4);
    out.push(raw.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return i === 0 ? raw.toString("utf8") : Buffer.concat(out).toString("utf8");
}

/**
 * `wait`: poll until the health check says healthy, at most `waitTimeout` seconds. The provider keeps
 * polling a container that died until the timeout; this fails at once with its output instead (same
 * outcome, sooner).
 */
async function waitHealthy(
  name: string,
  container: Docker.Container,
  timeoutSeconds: number,
  ctx: HandlerContext,
) {
  const start = performance.now();
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const info = await container.inspect();
    const health = info.State.Health;
    if (!health) {
      throw new Error(
        "you have supplied a 'wait' argument, but the container does not have a healthcheck defined. Please remove the 'wait' argument or add a 'healthcheck' attribute",
      );
    }
    if (health.Status === "healthy") {
      ctx.event({
        op: "wait",
        type: "docker:index/container:Container",
        name,
        seconds: since(start),
        detail: "healthy",
      });
      return;
    }
    if (!info.State.Running || info.State.Restarting || info.RestartCount > 0) {
      throw new Error(
        `container ${name} exited (code ${info.State.ExitCode}) before it became healthy:\n${await logsOf(container)}`,
      );
    }
    if (Date.now() > deadline) {
      const last = health.Log?.at(-1)?.Output ?? "";
      throw new Error(
        `container failed to be in healthy state: ${name} is ${health.Status} after ${timeoutSeconds}s; last check: ${last}\n${await logsOf(container)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** `attach`: wait for the exit; with `logs`, the whole output becomes `containerLogs`. */
async function attach(
  container: Docker.Container,
  withLogs: boolean,
): Promise<{ exitCode: number; containerLogs?: string }> {
  const result = (await container.wait({ condition: "not-running" })) as { StatusCode: number };
  if (!withLogs) return { exitCode: result.StatusCode };
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  return { exitCode: result.StatusCode, containerLogs: demux(raw) };
}

async function create(name: string, inputs: Inputs, ctx: HandlerContext) {
  const { docker } = ctx;
  // findImage: the image must exist (an id, or a name pulled earlier by its RemoteImage).
  await docker
    .getImage(String(inputs.image))
    .inspect()
    .catch((e: unknown) => {
      throw new Error(
        `Unable to create container with image ${String(inputs.image)}: ${(e as Error).message}`,
      );
    });
  const container = await docker.createContainer(createOptions(name, inputs));
  try {
    const networks = list<{ name: string; aliases?: string[] }>(inputs.networksAdvanced);
    if (networks.length > 0) {
      await docker
        .getNetwork("bridge")
        .disconnect({ Container: container.id })
        .catch((e: unknown) => {
          if (!/is not connected to the network bridge/.test((e as Error).message)) throw e;
        });
      for (const n of networks) {
        await docker
          .getNetwork(n.name)
          .connect({ Container: container.id, EndpointConfig: { Aliases: n.aliases ?? [] } });
      }
    }
    for (const upload of list<Upload>(inputs.uploads)) {
      await container.putArchive(await uploadTar(upload), { path: "/" });
    }
    await container.start();
    if (bool(inputs.wait, false))
      await waitHealthy(String(inputs.name), container, num(inputs.waitTimeout) ?? DEFAULTS.waitTimeout, ctx);
    const attached = bool(inputs.attach, false)
      ? await attach(container, bool(inputs.logs, false))
      : undefined;
    // Read: a container that must run but does not is a failure (and is removed), as in provider v3;
    // v4.x records must_run=false instead and restarts it on the next update. Neither leaves it stopped.
    const info = await container.inspect();
    if (!info.State.Running && bool(inputs.mustRun, true)) {
      throw new Error(
        `container ${String(inputs.name)} failed to be in running state (exit ${info.State.ExitCode}):\n${await logsOf(container)}`,
      );
    }
    return {
      id: container.id,
      outputs: {
        ...(info.State.Running ? {} : { exitCode: info.State.ExitCode }),
        ...(attached?.containerLogs !== undefined ? { containerLogs: attached.containerLogs } : {}),
      },
    };
  } catch (e) {
    // A failed create leaves nothing behind that would block the next run's container of that name.
    await remove(container, inputs).catch(() => undefined);
    throw e;
  }
}

async function remove(container: Docker.Container, inputs: Inputs) {
  if (!bool(inputs.attach, false)) {
    await container.stop({ t: num(inputs.destroyGraceSeconds) ?? 0 }).catch((e: unknown) => {
      if (!isNotFound(e) && (e as { statusCode?: number }).statusCode !== 304) throw e;
    });
  }
  await container.remove({ force: true, v: true }).catch((e: unknown) => {
    if (!isNotFound(e)) throw e;
  });
}

export const containerHandler: Handler = {
  spec,
  create,
  async delete(resource, ctx) {
    await remove(ctx.docker.getContainer(resource.id), resource.inputs);
  },
};

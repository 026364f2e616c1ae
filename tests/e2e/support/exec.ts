// `docker exec` through the Engine API: a command in a running container, with stdin, its output and
// its exit code.
import { PassThrough } from "node:stream";
import type Docker from "dockerode";

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function exec(
  docker: Docker,
  container: string,
  cmd: readonly string[],
  options: { stdin?: string; user?: string } = {},
): Promise<ExecResult> {
  const e = await docker.getContainer(container).exec({
    Cmd: [...cmd],
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: options.stdin !== undefined,
    ...(options.user ? { User: options.user } : {}),
  });
  const stream = await e.start({ hijack: true, stdin: options.stdin !== undefined });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on("data", (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on("data", (c: Buffer) => err.push(c));
  docker.modem.demuxStream(stream, stdout, stderr);
  const done = new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", reject);
  });
  if (options.stdin !== undefined) {
    stream.write(options.stdin);
    // Half-close: the command sees the end of its input (bconsole quits at EOF).
    (stream as unknown as { end(): void }).end();
  }
  await done;
  const info = await e.inspect();
  return {
    exitCode: info.ExitCode ?? -1,
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
  };
}

/** Like exec, but a non-zero exit is an error carrying the output. */
export async function execOk(
  docker: Docker,
  container: string,
  cmd: readonly string[],
  stdin?: string,
): Promise<string> {
  const r = await exec(docker, container, cmd, { stdin });
  if (r.exitCode !== 0) {
    throw new Error(`${cmd.join(" ")} in ${container} exited ${r.exitCode}:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

// `docker exec` through the Engine API: a command in a running container, with stdin, its output and
// its exit code.
import { PassThrough } from "node:stream";
import { pack } from "tar-stream";
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

/**
 * `from`'s stdout streamed into `to`'s stdin (a dump can be larger than a string may be). Both exit
 * codes must be 0; returns the bytes moved and `to`'s output.
 */
export async function pipe(
  docker: Docker,
  from: { readonly container: string; readonly cmd: readonly string[] },
  to: { readonly container: string; readonly cmd: readonly string[] },
): Promise<{ bytes: number; stdout: string }> {
  const source = await docker.getContainer(from.container).exec({
    Cmd: [...from.cmd],
    AttachStdout: true,
    AttachStderr: true,
  });
  const sink = await docker.getContainer(to.container).exec({
    Cmd: [...to.cmd],
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: true,
  });
  const sinkStream = await sink.start({ hijack: true, stdin: true });
  const sinkOut: Buffer[] = [];
  const sinkErr: Buffer[] = [];
  docker.modem.demuxStream(
    sinkStream,
    new PassThrough().on("data", (c: Buffer) => sinkOut.push(c)),
    new PassThrough().on("data", (c: Buffer) => sinkErr.push(c)),
  );
  const sinkDone = new Promise<void>((resolve, reject) => {
    sinkStream.on("end", resolve);
    sinkStream.on("close", resolve);
    sinkStream.on("error", reject);
  });
  const sourceStream = await source.start({ hijack: true, stdin: false });
  const sourceErr: Buffer[] = [];
  let bytes = 0;
  const data = new PassThrough();
  data.on("data", (c: Buffer) => {
    bytes += c.length;
    // Back-pressure: a slow loader pauses the reader instead of buffering the dump in memory.
    if (!sinkStream.write(c)) {
      data.pause();
      sinkStream.once("drain", () => data.resume());
    }
  });
  docker.modem.demuxStream(
    sourceStream,
    data,
    new PassThrough().on("data", (c: Buffer) => sourceErr.push(c)),
  );
  await new Promise<void>((resolve, reject) => {
    sourceStream.on("end", resolve);
    sourceStream.on("close", resolve);
    sourceStream.on("error", reject);
  });
  // What a paused reader still holds goes out before the sink sees the end of its input.
  const drained = new Promise<void>((resolve) => data.once("end", resolve));
  data.end();
  await drained;
  (sinkStream as unknown as { end(): void }).end();
  await sinkDone;
  const [a, b] = [await source.inspect(), await sink.inspect()];
  const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString("utf8");
  if (a.ExitCode !== 0)
    throw new Error(`${from.cmd.join(" ")} in ${from.container} exited ${a.ExitCode}:\n${text(sourceErr)}`);
  if (b.ExitCode !== 0)
    throw new Error(
      `${to.cmd.join(" ")} in ${to.container} exited ${b.ExitCode}:\n${text(sinkOut)}\n${text(sinkErr)}`,
    );
  return { bytes, stdout: text(sinkOut) };
}

/** A tar holding one file at an absolute path, as the provider sends each upload. */
export async function singleFileTar(
  file: string,
  body: Buffer | string,
  mode: number,
  uid = 0,
  gid = 0,
): Promise<Buffer> {
  const tar = pack();
  tar.entry(
    { name: file, mode, uid, gid, mtime: new Date() },
    typeof body === "string" ? Buffer.from(body, "utf8") : body,
  );
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

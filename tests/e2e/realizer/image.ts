// docker.RemoteImage, realized as the provider's resource_docker_image_funcs.go does: with `build`, a
// build of `context` (honouring its .dockerignore) tagged with `name` and `build.tags`; then findImage:
// the local image of that name, pulled when absent. The e2e engine's Engine API builds with the classic
// builder (the provider uses buildx where the engine has it); the Dockerfiles need nothing else.
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import dockerignore from "@balena/dockerignore";
import { pack } from "tar-stream";
import type Docker from "dockerode";
import { Handler, HandlerContext, isNotFound, since } from "./handler";
import { InputSpec, Inputs, bool, str } from "./inputs";

const spec: InputSpec = {
  name: true,
  keepLocally: true,
  triggers: true,
  build: { context: true, dockerfile: true, buildArgs: true, tags: true },
};

/** The build context as a tar: every file below `dir` that .dockerignore does not exclude. */
export async function contextTar(dir: string): Promise<NodeJS.ReadableStream> {
  const ignoreFile = path.join(dir, ".dockerignore");
  const ignore = dockerignore().add(
    fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, "utf8").split("\n") : [],
  );
  const tar = pack();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (ignore.ignores(name)) continue;
      const full = path.join(dir, name);
      const stat = fs.statSync(full);
      if (entry.isDirectory()) {
        tar.entry({ name, type: "directory", mode: stat.mode & 0o7777, mtime: stat.mtime });
        walk(name);
      } else if (entry.isFile()) {
        tar.entry({ name, mode: stat.mode & 0o7777, mtime: stat.mtime }, fs.readFileSync(full));
      }
    }
  };
  walk("");
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Readable.from([Buffer.concat(chunks)]);
}

interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Follows a build or pull stream to its end; its text goes to `logFile`, an error rejects with the tail. */
export function follow(docker: Docker, stream: NodeJS.ReadableStream, logFile: string): Promise<void> {
  const log = fs.createWriteStream(logFile);
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, messages: BuildMessage[]) => {
        log.end();
        const failed = err?.message ?? messages.find((m) => m.error)?.error;
        if (failed) reject(new Error(`${failed}\n--- last output (${logFile}):\n${tail.join("")}`));
        else resolve();
      },
      (m: BuildMessage) => {
        const text = m.stream ?? (m.status ? `${m.status}\n` : "") + (m.error ? `${m.error}\n` : "");
        log.write(text);
        tail.push(text);
        if (tail.length > 40) tail.shift();
      },
    );
  });
}

/** At most two builds at a time: each is apt-bound and the engine has two cores. */
let running = 0;
const queue: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => queue.push(r));
  running++;
  try {
    return await work();
  } finally {
    running--;
    queue.shift()?.();
  }
}

/**
 * Whether a build failed on apt's network, not on its Dockerfile: this machine's network now and then
 * stops answering for a minute (builds failed on a connect timeout to the local Bareos repository
 * after fetching from it seconds before). Such a build is run once more; any other failure is final.
 */
export function isFetchFailure(message: string): boolean {
  return /Failed to fetch|Unable to fetch some archives|Could not connect to|Temporary failure resolving|Connection timed out|Unable to locate package bareos/.test(
    message,
  );
}

async function build(name: string, inputs: Inputs, ctx: HandlerContext) {
  const b = inputs.build as {
    context: string;
    dockerfile?: string;
    buildArgs?: Record<string, string>;
    tags?: string[];
  };
  const image = String(inputs.name);
  const tags = [image, ...(b.tags ?? []).filter((t) => t !== image)];
  await slot(async () => {
    const start = performance.now();
    // `t` repeats for each tag (the Engine API's query form; the type declares a single one).
    const options = {
      t: tags,
      dockerfile: b.dockerfile ?? "Dockerfile",
      buildargs: b.buildArgs ?? {},
      rm: true,
    };
    const logFile = path.join(ctx.logDir, `build-${image.replace(/[^A-Za-z0-9.-]+/g, "_")}.log`);
    const attempt = async (log: string) =>
      follow(
        ctx.docker,
        await ctx.docker.buildImage(
          await contextTar(b.context),
          options as unknown as Docker.ImageBuildOptions,
        ),
        log,
      );
    try {
      await attempt(logFile);
    } catch (e) {
      if (!isFetchFailure((e as Error).message)) throw e;
      fs.renameSync(logFile, `${logFile}.failed`);
      process.stderr.write(
        `${name}: the build failed on apt's network; once more (first log: ${logFile}.failed)\n`,
      );
      await new Promise((r) => setTimeout(r, 15_000));
      await attempt(logFile);
    }
    ctx.event({
      op: "build",
      type: "docker:index/remoteImage:RemoteImage",
      name,
      seconds: since(start),
      detail: image,
    });
  });
}

async function findImage(name: string, image: string, ctx: HandlerContext): Promise<Docker.ImageInspectInfo> {
  try {
    return await ctx.docker.getImage(image).inspect();
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const start = performance.now();
  const stream = await ctx.docker.pull(image);
  await follow(
    ctx.docker,
    stream,
    path.join(ctx.logDir, `pull-${image.replace(/[^A-Za-z0-9.-]+/g, "_")}.log`),
  );
  ctx.event({
    op: "pull",
    type: "docker:index/remoteImage:RemoteImage",
    name,
    seconds: since(start),
    detail: image,
  });
  return ctx.docker.getImage(image).inspect();
}

export const imageHandler: Handler = {
  spec,
  async create(name, inputs, ctx) {
    const image = str(inputs.name);
    if (!image) throw new Error(`${name}: name is required`);
    if (inputs.build !== undefined) await build(name, inputs, ctx);
    const found = await findImage(name, image, ctx);
    return {
      id: `${found.Id}${image}`,
      outputs: { imageId: found.Id, repoDigest: found.RepoDigests?.[0] ?? "" },
    };
  },
  async delete(resource, ctx) {
    if (bool(resource.inputs.keepLocally, false)) return;
    await ctx.docker
      .getImage(String(resource.inputs.name))
      .remove()
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  },
};

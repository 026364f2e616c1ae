/**
 * Throughput of the dplcompat wrapper programs against a local S3 server (s3rver on 127.0.0.1):
 *
 *   npm run bench:s3
 *   BAREOS_S3CMD_WRAPPER=/path/to/s3cmd-wrapper.sh npm run bench:s3   # compare with Bareos' wrapper
 *
 * Uploads and then downloads BENCH_S3_TOTAL bytes (default 1 GiB of random data) as parts of each size in
 * BENCH_S3_PARTS (MiB, default "10,100,250"), calling the wrapper as the storage daemon does (per part a
 * `stat`, then an `upload` or a `download` process), BENCH_S3_PARALLEL parts at a time (default 1, like
 * iothreads=1), and prints wall-clock MB/s (10^6 bytes), CPU seconds (user + system of the wrapper
 * processes and their children) and the largest process's peak RSS.
 *
 * Compared with images/storage/rclone-wrapper.sh: Bareos' s3cmd-wrapper.sh when BAREOS_S3CMD_WRAPPER names
 * a copy (it is AGPL-licensed Bareos code, not part of this repository), otherwise, if s3cmd is installed,
 * a plain `s3cmd put -` / `s3cmd get` per part. Needs rclone, and GNU time (/usr/bin/time, Debian package
 * `time`) for the CPU and memory columns. The server keeps its objects in BENCH_S3_DIR (default /dev/shm),
 * so disk speed does not count. A measurement, not a test: it never fails on timing.
 */
import { ChildProcess, spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createInterface } from "readline";
import { RCLONE_WRAPPER, renderS3Backend } from "../configs/s3backend";
import { fakeSecrets, settingsFrom } from "../tests/configs/fixtures";
import { S3RVER_KEY } from "../tests/s3wrapper/s3server";
import {
  RCLONE_WRAPPER_PATH,
  S3CMD_WRAPPER_ENV,
  hasCommand,
  runWrapper,
  wrapperEnvironment,
} from "../tests/s3wrapper/wrapper";

const MiB = 1024 * 1024;
const BUCKET = "bench";
const TIME = "/usr/bin/time";
const total = Number(process.env.BENCH_S3_TOTAL ?? 1024 * MiB);
const partSizes = (process.env.BENCH_S3_PARTS ?? "10,100,250").split(",").map((s) => Number(s) * MiB);
const parallel = Number(process.env.BENCH_S3_PARALLEL ?? 1);
const storeDir = process.env.BENCH_S3_DIR ?? (fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir());

interface Subject {
  readonly title: string;
  readonly program: string;
  /** s3.program setting that renders its Device Options and credential file. */
  readonly setting: string;
}

interface Usage {
  seconds: number;
  cpu: number;
  maxRssKiB: number;
}

interface Row {
  subject: string;
  partSize: number;
  parts: number;
  bytes: number;
  up: Usage;
  down: Usage;
}

function fail(message: string): never {
  process.stderr.write(`bench-s3: ${message}\n`);
  process.exit(1);
}

/** Starts tests/s3wrapper/s3server.ts in its own process, so serving does not share this event loop. */
async function startServer(dir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(
    process.execPath,
    [
      "-r",
      require.resolve("ts-node/register/transpile-only"),
      path.join(__dirname, "../tests/s3wrapper/s3server.ts"),
      dir,
      BUCKET,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`s3 server exited (${code})`)));
  });
  const { port } = JSON.parse(first) as { port: number };
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

/** The environment dplcompat would hand the wrapper for a device with this chunk size. */
async function environment(
  dir: string,
  subject: Subject,
  endpoint: string,
  chunkSize: number,
): Promise<Record<string, string>> {
  const settings = settingsFrom({
    s3: {
      provider: "existing",
      bucketName: BUCKET,
      endpoint,
      pathStyle: true,
      program: subject.setting,
      chunkSize,
    },
    s3AccessKeyId: S3RVER_KEY,
    s3SecretAccessKey: S3RVER_KEY,
    storage: { memoryLimit: 8 * 1024 * MiB },
  });
  const secrets = { ...fakeSecrets(settings), s3AccessKeyId: S3RVER_KEY, s3SecretAccessKey: S3RVER_KEY };
  const backend = renderS3Backend(settings, secrets, BUCKET);
  const declared = (await runWrapper(subject.program, ["options"], {})).output.toString().split("\n");
  const { env } = wrapperEnvironment(backend.deviceOptions, declared);
  for (const [file, { content, mode }] of Object.entries(backend.files)) {
    const copy = path.join(dir, path.basename(file));
    fs.writeFileSync(copy, content, { mode });
    for (const [k, v] of Object.entries(env)) if (v === file) env[k] = copy;
  }
  return { ...(process.env as Record<string, string>), ...env };
}

/**
 * Runs one wrapper call under GNU time. Like the storage daemon (a C program writing and reading 256 KiB
 * blocks), a pipe connects it to `cat FILE` for an upload and to `wc -c` for a download, so this event
 * loop moves no data and its cost stays out of the figures.
 */
function timed(
  program: string,
  args: string[],
  env: Record<string, string>,
  usageFile: string,
  { inputFile, mayFail = false }: { inputFile?: string; mayFail?: boolean } = {},
): Promise<{ usage: Usage; bytesOut: number }> {
  const withTime = fs.existsSync(TIME);
  const argv = withTime ? [TIME, "-f", "%e %U %S %M", "-o", usageFile, program, ...args] : [program, ...args];
  const feeder = inputFile ? spawn("cat", [inputFile], { stdio: ["ignore", "pipe", "inherit"] }) : undefined;
  const started = process.hrtime.bigint();
  const child = spawn(argv[0], argv.slice(1), {
    env,
    stdio: [feeder?.stdout ?? "ignore", "pipe", "pipe"],
  });
  const counter = inputFile ? undefined : spawn("wc", ["-c"], { stdio: [child.stdout, "pipe", "inherit"] });
  // The other process has its own copy of each handed-over pipe end; ours would keep the pipe open.
  feeder?.stdout?.destroy();
  if (counter) child.stdout?.destroy();
  let counted = "";
  let errors = "";
  counter?.stdout?.on("data", (c: Buffer) => (counted += c.toString()));
  if (inputFile) child.stdout?.on("data", (c: Buffer) => (errors += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (errors += c.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", resolve);
  });
  const countedAll = counter ? new Promise((resolve) => counter.on("close", resolve)) : Promise.resolve();
  return Promise.all([exited, countedAll]).then(([code]) => {
    if (code !== 0 && !mayFail)
      throw new Error(`${path.basename(program)} ${args.join(" ")}: exit ${code}\n${errors}`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const bytesOut = Number(counted.trim() || 0);
    if (!withTime) return { usage: { seconds, cpu: NaN, maxRssKiB: NaN }, bytesOut };
    const last = fs.readFileSync(usageFile, "utf8").trim().split("\n").pop() ?? "";
    const [, user, system, rss] = last.split(" ").map(Number);
    return { usage: { seconds, cpu: user + system, maxRssKiB: rss }, bytesOut };
  });
}

function plus(a: Usage, b: Usage): Usage {
  return {
    seconds: a.seconds + b.seconds,
    cpu: a.cpu + b.cpu,
    maxRssKiB: Math.max(a.maxRssKiB, b.maxRssKiB),
  };
}

/** Runs `jobs` with at most `limit` at a time; returns the wall time and the summed/maxed usage. */
async function batch(limit: number, jobs: (() => Promise<Usage>)[]): Promise<Usage> {
  const started = process.hrtime.bigint();
  const usages: Usage[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) usages.push(await jobs[next++]());
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpu: usages.reduce((sum, u) => sum + u.cpu, 0),
    maxRssKiB: Math.max(...usages.map((u) => u.maxRssKiB)),
  };
}

async function measure(dir: string, subject: Subject, endpoint: string, partSize: number): Promise<Row> {
  const env = await environment(dir, subject, endpoint, partSize);
  const volume = `bench-${path.basename(subject.program)}-${partSize}`;
  const sizes: number[] = [];
  for (let left = total; left > 0; left -= partSize) sizes.push(Math.min(partSize, left));
  const part = (i: number) => String(i).padStart(4, "0");
  const usageFile = (i: number) => path.join(dir, `usage-${i}`);
  const inputFile = (i: number) => path.join(dir, `part-${i}`);
  // Incompressible, and each part differs from the others.
  sizes.forEach((size, i) => fs.writeFileSync(inputFile(i), randomBytes(size)));
  // dplcompat stats a part before it uploads it (so as not to replace a longer one) and before it downloads
  // it (to size its buffer): two processes per part.
  const stat = async (i: number) =>
    (await timed(subject.program, ["stat", volume, part(i)], env, usageFile(i), { mayFail: true })).usage;
  const up = await batch(
    parallel,
    sizes.map((_size, i) => async () => {
      const before = await stat(i);
      const args = ["upload", volume, part(i)];
      return plus(
        before,
        (await timed(subject.program, args, env, usageFile(i), { inputFile: inputFile(i) })).usage,
      );
    }),
  );
  sizes.forEach((_size, i) => fs.rmSync(inputFile(i)));
  const down = await batch(
    parallel,
    sizes.map((size, i) => async () => {
      const before = await stat(i);
      const { usage, bytesOut } = await timed(
        subject.program,
        ["download", volume, part(i)],
        env,
        usageFile(i),
      );
      if (bytesOut !== size)
        throw new Error(`${subject.title}: download of part ${i} gave ${bytesOut} of ${size} bytes`);
      return plus(before, usage);
    }),
  );
  // Frees the server's memory-backed store between runs (s3rver keeps a key prefix as a directory).
  fs.rmSync(path.join(dir, "s3", BUCKET, volume), { recursive: true, force: true });
  return { subject: subject.title, partSize, parts: sizes.length, bytes: total, up, down };
}

function subjects(dir: string): { list: Subject[]; note: string } {
  const list: Subject[] = [
    { title: "rclone-wrapper.sh", program: RCLONE_WRAPPER_PATH, setting: RCLONE_WRAPPER },
  ];
  const bareos = process.env[S3CMD_WRAPPER_ENV];
  if (bareos && fs.existsSync(bareos) && hasCommand("s3cmd")) {
    list.push({ title: "Bareos s3cmd-wrapper.sh", program: bareos, setting: "s3cmd-wrapper.sh" });
    return { list, note: `Compared with Bareos' s3cmd-wrapper.sh from ${bareos}.` };
  }
  if (!hasCommand("s3cmd")) return { list, note: "s3cmd is not installed: no comparison." };
  // The same s3cmd calls Bareos' wrapper makes (`put -`, `get ... -`), without its shell around them.
  const plain = path.join(dir, "plain-s3cmd.sh");
  fs.writeFileSync(
    plain,
    [
      "#!/bin/sh",
      'if [ "$1" = options ]; then printf "%s\\n" s3cfg bucket; exit 0; fi',
      'case "$1" in',
      '  upload) exec s3cmd --no-progress -c "$s3cfg" put - "s3://$bucket/$2/$3" ;;',
      '  download) exec s3cmd --no-progress -c "$s3cfg" get "s3://$bucket/$2/$3" - ;;',
      "esac",
      "exit 2",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  list.push({ title: "plain s3cmd put/get", program: plain, setting: "s3cmd-wrapper.sh" });
  return {
    list,
    note: `${S3CMD_WRAPPER_ENV} not set: compared with a plain \`s3cmd put -\` / \`s3cmd get\` per part instead of Bareos' wrapper.`,
  };
}

function table(rows: Row[]): string {
  const mb = (r: Row, u: Usage) => (r.bytes / 1e6 / u.seconds).toFixed(1);
  const cpu = (u: Usage) => (Number.isNaN(u.cpu) ? "-" : u.cpu.toFixed(1));
  const rss = (u: Usage) => (Number.isNaN(u.maxRssKiB) ? "-" : String(Math.round(u.maxRssKiB / 1024)));
  const lines = [
    "| wrapper | part | parts | upload s | upload MB/s | upload CPU s | upload peak MiB | download s | download MB/s | download CPU s | download peak MiB |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${[
          r.subject,
          `${r.partSize / MiB} MiB`,
          r.parts,
          r.up.seconds.toFixed(1),
          mb(r, r.up),
          cpu(r.up),
          rss(r.up),
          r.down.seconds.toFixed(1),
          mb(r, r.down),
          cpu(r.down),
          rss(r.down),
        ].join(" | ")} |`,
    ),
  ];
  return lines.join("\n");
}

async function main(): Promise<void> {
  if (!hasCommand("rclone")) fail("rclone is not installed (apt-get install rclone)");
  if (!fs.existsSync(TIME))
    process.stderr.write(`bench-s3: ${TIME} missing (apt-get install time): no CPU/memory\n`);
  const dir = fs.mkdtempSync(path.join(storeDir, "bench-s3-"));
  const server = await startServer(path.join(dir, "s3"));
  try {
    const { list, note } = subjects(dir);
    const rows: Row[] = [];
    for (const partSize of partSizes) {
      for (const subject of list) {
        process.stderr.write(`${subject.title}, ${partSize / MiB} MiB parts...\n`);
        rows.push(await measure(dir, subject, server.endpoint, partSize));
      }
    }
    const gib = (total / 1024 / MiB).toFixed(2).replace(/\.?0+$/, "");
    console.log(
      `${gib} GiB of random data; per part a stat, then an upload or a download process; ${parallel} part(s) at a time; s3rver on 127.0.0.1.`,
    );
    console.log(`rclone: ${(await version("rclone", ["version"])).split("\n")[0]}; ${note}\n`);
    console.log(table(rows));
    const at100 = rows.filter((r) => r.partSize === 100 * MiB);
    if (at100.length === 2) {
      const ratio = at100[1].up.seconds / at100[0].up.seconds;
      console.log(
        `\nUpload at 100 MiB parts: rclone-wrapper.sh ${ratio.toFixed(1)}x as fast as ${at100[1].subject} (goal: >= 2x): ${ratio >= 2 ? "met" : "NOT met"}.`,
      );
    }
  } finally {
    server.child.kill("SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function version(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("close", () => resolve(out.trim()));
    child.on("error", () => resolve("?"));
  });
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));

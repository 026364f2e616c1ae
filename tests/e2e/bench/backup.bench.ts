// `npm run bench:backup`: the real Bareos 25.1 daemons of the e2e stack (director, file daemon, storage
// daemon, realized exactly as the program declares them), one backup job, and only the storage daemon's
// device varied between runs. Each run: a Full of the e2e data (1 GiB incompressible + 300 small files)
// to a new volume, a restore of it, and two small Incrementals (a new volume, then an append). Variants
// are interleaved, runs repeated (BENCH_RUNS, default 3), medians printed with ratios to droplet, plus CPU
// and peak memory of the storage daemon, its wrapper processes and the S3 server, the CPU of every container,
// and the shortest Full the machine allows a dplcompat variant (timeFloor). Run through
// tests/e2e/run.ts --bench, which prepares the engine and images as for the e2e.
import * as fs from "node:fs";
import * as path from "node:path";
import type Docker from "dockerode";
import { PROJECT, StackConfig, stackFileConfig } from "../../program/harness";
import { realize, realized } from "../support/realize";
import { generateData } from "../support/data";
import { S3Keys, generateS3Keys, startFixtures } from "../support/fixtures";
import { SCRATCH, readHandoff } from "../support/handoff";
import { Bconsole } from "../../../scripts/ops/bconsole";
import { exec, execOk, singleFileTar } from "../../../scripts/ops/exec";
import { parseSettings, rawFromPulumiConfig } from "../../../configs/settings";
import { placeholderSecrets } from "../../../configs/render";
import { renderStorage } from "../../../configs/storage";
import { MiB } from "../../../configs/units";
import {
  ProcessCpu,
  markdownTable,
  median,
  parseProcStat,
  parseTrace,
  statusKiB,
  summarizeTrace,
  timeFloor,
} from "./measure";

const STACK = "e2e";
const STACK_FILE = path.join(__dirname, "..", "Pulumi.e2e.yaml");
const BUCKET = "bareos-e2e";
const JOB = "backup-testdata-s3";
const SD = `${STACK}-bareos-sd`;
const FD = `${STACK}-bareos-fd`;
const DIR = `${STACK}-bareos-dir`;
const S3 = `${STACK}-fixture-s3`;
const DEVICE_DIR = "/etc/bareos/bareos-sd.d/device";
const TRACE = "/var/lib/bareos/wrapper-trace.log";
const RESTORE_TO = "/tmp/bench-restore";
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const JOB_TIMEOUT_S = Number(process.env.BENCH_JOB_TIMEOUT ?? 900);
const MB = 1e6;

/** One device under test: settings of `s3` (rendered by the program's own renderer) or a local File device. */
interface Variant {
  readonly id: string;
  readonly title: string;
  readonly s3?: Record<string, unknown>;
  readonly fileDevice?: boolean;
  /** Adds trace_log= to the Device Options: the wrapper declares it. */
  readonly trace?: boolean;
}

/** The default device, spelled out: the variants compare it with and without read-ahead. */
const CURL_WRITE_BEHIND = {
  backend: "dplcompat",
  program: "curl-wrapper.sh",
  chunkSize: 100 * MiB,
  ioThreads: 0,
  ioSlots: 1,
  writeBehind: 2,
};

const VARIANTS: Variant[] = [
  {
    id: "droplet",
    title: "droplet, 10 MiB chunks, iothreads 0 (the hand-built original)",
    s3: { backend: "droplet", pathStyle: false, chunkSize: 10 * MiB, ioThreads: 0, ioSlots: 1 },
  },
  {
    id: "rclone-2x2",
    title: "dplcompat + rclone-wrapper.sh, 100 MiB, iothreads 2, ioslots 2 (the old default)",
    s3: {
      backend: "dplcompat",
      program: "rclone-wrapper.sh",
      chunkSize: 100 * MiB,
      ioThreads: 2,
      ioSlots: 2,
    },
  },
  {
    id: "curl-0",
    title: "dplcompat + curl-wrapper.sh, 100 MiB, iothreads 0",
    s3: { backend: "dplcompat", program: "curl-wrapper.sh", chunkSize: 100 * MiB, ioThreads: 0, ioSlots: 1 },
    trace: true,
  },
  {
    id: "curl-1x2",
    title: "dplcompat + curl-wrapper.sh, 100 MiB, iothreads 1, ioslots 2",
    s3: { backend: "dplcompat", program: "curl-wrapper.sh", chunkSize: 100 * MiB, ioThreads: 1, ioSlots: 2 },
    trace: true,
  },
  {
    id: "curl-0-wb2",
    title: "dplcompat + curl-wrapper.sh, 100 MiB, iothreads 0, writeBehind 2",
    s3: { ...CURL_WRITE_BEHIND, readAhead: false },
    trace: true,
  },
  {
    id: "curl-0-wb2-ra",
    title: "dplcompat + curl-wrapper.sh, 100 MiB, iothreads 0, writeBehind 2, readAhead",
    s3: { ...CURL_WRITE_BEHIND, readAhead: true },
    trace: true,
  },
  { id: "default", title: "the default settings (s3 device options unset)", s3: {} },
  { id: "file", title: "File device on local disk (the daemons' own ceiling)", fileDevice: true },
];
const selected = (process.env.BENCH_VARIANTS ?? "").split(",").filter(Boolean);
const variants = selected.length ? VARIANTS.filter((v) => selected.includes(v.id)) : VARIANTS;

const handoff = readHandoff();
const describeBench = handoff ? describe : describe.skip;
if (!handoff)
  console.warn("bench:backup: run through `npm run bench:backup`, which prepares the engine; skipped");

function configOf(keys: S3Keys, s3: Record<string, unknown> = {}): StackConfig {
  const file = stackFileConfig(STACK, STACK_FILE);
  const values: Record<string, string> = { ...file.values };
  const set = (k: string, v: unknown) =>
    (values[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v));
  set("s3AccessKeyId", keys.accessKeyId);
  set("s3SecretAccessKey", keys.secretAccessKey);
  if (handoff?.repository) set("images", { bareosRepository: handoff.repository });
  // No client encryption: the original setup had none, and the file daemon's CPU is not under test.
  set("clients", [{ name: "bareos-fd", mounts: [{ hostPath: "./.e2e/data", containerPath: "/data" }] }]);
  const base = JSON.parse(values[`${PROJECT}:s3`]) as Record<string, unknown>;
  set("s3", { ...base, ...s3 });
  return {
    values,
    secretKeys: [...file.secretKeys, `${PROJECT}:s3AccessKeyId`, `${PROJECT}:s3SecretAccessKey`],
  };
}

interface Sample {
  readonly backup: number;
  readonly restore: number;
  readonly incrementalNew: number;
  readonly incrementalAppend: number;
  readonly bytes: number;
  readonly sdCpu: number;
  readonly wrapperCpu: number;
  readonly s3Cpu: number;
  /** Every container's CPU (cgroups: health checks and all) during the Full, and during the new-volume Incremental. */
  readonly stackCpu: number;
  readonly incrementalNewStackCpu: number;
  readonly sdPeakMiB: number;
  readonly rssPeakMiB: number;
  readonly cgroupPeakMiB: number;
}

/** Sums the container's resident memory while a job runs (the script says how). */
const SAMPLER = fs.readFileSync(path.join(__dirname, "rss-sampler.sh"), "utf8");

describeBench("bench:backup", () => {
  const docker: Docker = realized().docker;
  const bconsole = new Bconsole(docker, DIR);
  const keys = generateS3Keys();
  const samples = new Map<string, Sample[]>();
  const traces = new Map<string, string>();
  const failures = new Map<string, string>();
  let stackUp = false;
  /** CPUs the engine's containers share. */
  let cores = NaN;
  let fixtures: Awaited<ReturnType<typeof startFixtures>> | undefined;

  const sh = (container: string, script: string) => execOk(docker, container, ["bash", "-c", script]);

  async function sdPid(): Promise<string> {
    const out = await sh(
      SD,
      'for d in /proc/[0-9]*; do [[ $(<"$d/comm") == bareos-sd ]] && echo "${d#/proc/}"; done',
    );
    const pid = out
      .split("\n")
      .filter(Boolean)
      .map(Number)
      .sort((a, b) => a - b)[0];
    if (!pid) throw new Error("no bareos-sd process in the storage daemon's container");
    return String(pid);
  }

  const cpuOf = async (container: string, pid: string): Promise<ProcessCpu> =>
    parseProcStat(await sh(container, `cat /proc/${pid}/stat`));

  /** CPU seconds of every running container, from their cgroups (the engine runs nothing else). */
  async function stackCpu(): Promise<number> {
    const list = await docker.listContainers();
    const usage = await Promise.all(
      list.map(async (c) => {
        const stats = (await docker.getContainer(c.Id).stats({ stream: false, "one-shot": true })) as {
          cpu_stats: { cpu_usage: { total_usage: number } };
        };
        return stats.cpu_stats.cpu_usage.total_usage / 1e9;
      }),
    );
    return usage.reduce((a, b) => a + b, 0);
  }

  async function cgroupPeakMiB(): Promise<number> {
    const stats = (await docker.getContainer(SD).stats({ stream: false })) as {
      memory_stats: { max_usage?: number };
    };
    return (stats.memory_stats.max_usage ?? NaN) / MiB;
  }

  /** Puts the variant's device (and the files it reads) into the storage daemon and restarts it. */
  async function installDevice(v: Variant): Promise<void> {
    const files: [string, string][] = [];
    if (v.fileDevice) {
      files.push([
        `${DEVICE_DIR}/S3Storage.conf`,
        [
          "Device {",
          "  Name = S3Storage",
          "  Media Type = S3_Object",
          "  Device Type = File",
          "  Archive Device = /var/lib/bareos/storage",
          "  Label Media = yes",
          "  Random Access = yes",
          "  Automatic Mount = yes",
          "  Removable Media = no",
          "  Always Open = no",
          "  Maximum Concurrent Jobs = 1",
          "}",
          "",
        ].join("\n"),
      ]);
    } else {
      const config = configOf(keys, v.s3);
      const raw = rawFromPulumiConfig(config.values, (k) => config.secretKeys.includes(k));
      const settings = parseSettings(raw, { stack: STACK, projectDir: path.resolve(__dirname, "../../..") });
      const secrets = {
        ...placeholderSecrets(settings),
        s3AccessKeyId: keys.accessKeyId,
        s3SecretAccessKey: keys.secretAccessKey,
      };
      for (const [p, f] of Object.entries(renderStorage(settings, secrets, BUCKET))) {
        const full = p.startsWith("/") ? p : `/etc/bareos/${p}`;
        // The director resource carries a placeholder password: keep the realized one.
        if (full.startsWith(DEVICE_DIR) || full.startsWith("/etc/bareos/s3/")) {
          let content = f.content;
          if (v.trace) content = content.replace(/(Device Options = "[^"]*)"/, `$1,trace_log=${TRACE}"`);
          files.push([full, content]);
        }
      }
    }
    await sh(SD, `rm -rf ${DEVICE_DIR}/*.conf ${DEVICE_DIR}/droplet; rm -f ${TRACE}`);
    for (const [file, content] of files) {
      await sh(SD, `mkdir -p '${path.dirname(file)}'`);
      await docker.getContainer(SD).putArchive(await singleFileTar(file, content, 0o640), { path: "/" });
      await sh(SD, `chgrp bareos '${file}'`);
    }
    await docker.getContainer(SD).restart({ t: 30 });
    const deadline = Date.now() + 60_000;
    while ((await exec(docker, SD, ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9103"])).exitCode !== 0) {
      if (Date.now() > deadline)
        throw new Error(`the storage daemon did not listen after installing ${v.id}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Every Append volume to Used, so the next Full writes a new volume from its first chunk. */
  async function retireVolumes(): Promise<void> {
    const result = await bconsole.api<Record<string, unknown>>("list volumes");
    const names: string[] = [];
    const walk = (x: unknown) => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === "object") {
        const o = x as Record<string, unknown>;
        if (typeof o.volumename === "string" && o.volstatus === "Append") names.push(o.volumename);
        else Object.values(o).forEach(walk);
      }
    };
    walk(result);
    for (const n of names) await bconsole.run(`update volume=${n} volstatus=Used`);
  }

  /** Starts a job by its `run`/`restore` command and waits for its end (bconsole's own `wait`); seconds. */
  async function timedJob(command: string): Promise<{ seconds: number; jobid: string }> {
    const start = performance.now();
    const out = await bconsole.run(command);
    const jobid = /JobId=(\d+)/.exec(out)?.[1];
    if (!jobid) throw new Error(`no JobId from ${command}:\n${out}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">(
      (r) => (timer = setTimeout(() => r("timeout"), JOB_TIMEOUT_S * 1000)),
    );
    const ended = await Promise.race([bconsole.run(`wait jobid=${jobid}`), timedOut]);
    clearTimeout(timer);
    if (ended === "timeout") {
      // A hung device must not hang the bench: say where the daemon stood, then end the job.
      const status = await bconsole.run("status storage").catch((e: unknown) => String(e));
      await bconsole.run(`cancel jobid=${jobid} yes`).catch(() => undefined);
      throw new Error(`job ${jobid} (${command}) still running after ${JOB_TIMEOUT_S} s:\n${status}`);
    }
    const seconds = (performance.now() - start) / 1000;
    const job = await bconsole.job(jobid);
    if (job.jobstatus !== "T")
      throw new Error(`job ${jobid} (${command}) ended ${job.jobstatus}:\n${await bconsole.log(jobid)}`);
    return { seconds, jobid };
  }

  async function runOnce(v: Variant, run: number): Promise<Sample> {
    await installDevice(v);
    await retireVolumes();
    const pid = await sdPid();
    const sdBefore = await cpuOf(SD, pid);
    // Detached wrapper processes (write-behind senders, output holders) are reaped by the container's
    // init, so their CPU lands in init's children, not the daemon's.
    const initBefore = await cpuOf(SD, "1");
    const s3Before = await cpuOf(S3, "1");
    const stackBefore = await stackCpu();
    const sampler = execOk(docker, SD, ["bash", "-c", SAMPLER, "sampler", pid]);
    const full = await timedJob(`run job=${JOB} level=Full yes`);
    const stackAfter = await stackCpu();
    await sh(SD, "touch /tmp/bench-sampler.stop");
    const [rssKiB, wrapperKiB] = (await sampler).trim().split(" ").map(Number);
    const sdAfter = await cpuOf(SD, pid);
    const initAfter = await cpuOf(SD, "1");
    const s3After = await cpuOf(S3, "1");
    const sdPeakMiB = statusKiB(await sh(SD, `cat /proc/${pid}/status`), "VmHWM") / 1024;
    const cgroupPeak = await cgroupPeakMiB();
    const bytes = Number((await bconsole.job(full.jobid)).jobbytes);
    if (v.trace) {
      const trace = await sh(SD, `cat ${TRACE} 2>/dev/null; : >${TRACE}`);
      traces.set(v.id, trace);
      // The raw trace too, for reading the calls one by one (.e2e/ is removed at the end).
      const dir = process.env.BENCH_TRACE_DIR;
      if (dir) fs.writeFileSync(path.join(dir, `trace-${v.id}-${run}.log`), trace);
    }

    const restore = await timedJob(
      `restore jobid=${full.jobid} client=bareos-fd where=${RESTORE_TO} all done yes`,
    );
    await sh(FD, `rm -rf ${RESTORE_TO}`);
    if (v.trace) {
      // The restore's calls apart: the next run's trace holds its backup only.
      const trace = await sh(SD, `cat ${TRACE} 2>/dev/null; : >${TRACE}`);
      const dir = process.env.BENCH_TRACE_DIR;
      if (dir) fs.writeFileSync(path.join(dir, `trace-${v.id}-${run}-restore.log`), trace);
    }
    const inc = (n: string) => {
      fs.writeFileSync(path.join(SCRATCH, "data", `bench-${v.id}-${run}-${n}.txt`), "x".repeat(600));
      return timedJob(`run job=${JOB} level=Incremental yes`);
    };
    const incBefore = await stackCpu();
    const incNew = await inc("a");
    const incAfter = await stackCpu();
    const incAppend = await inc("b");
    console.log(
      `bench: ${v.id} run ${run}: Full ${full.seconds.toFixed(1)} s, restore ${restore.seconds.toFixed(1)} s, Incremental ${incNew.seconds.toFixed(1)}/${incAppend.seconds.toFixed(1)} s, rss ${(rssKiB / 1024).toFixed(0)} MiB (wrappers ${(wrapperKiB / 1024).toFixed(0)}), sd hwm ${sdPeakMiB.toFixed(0)} MiB`,
    );
    return {
      backup: full.seconds,
      restore: restore.seconds,
      incrementalNew: incNew.seconds,
      incrementalAppend: incAppend.seconds,
      bytes,
      sdCpu: sdAfter.self - sdBefore.self,
      wrapperCpu: sdAfter.children - sdBefore.children + (initAfter.children - initBefore.children),
      s3Cpu: s3After.self - s3Before.self,
      stackCpu: stackAfter - stackBefore,
      incrementalNewStackCpu: incAfter - incBefore,
      sdPeakMiB,
      rssPeakMiB: rssKiB / 1024,
      cgroupPeakMiB: cgroupPeak,
    };
  }

  /**
   * A GiB in one signed PUT from the storage daemon's container: what the server takes at best. Also the
   * least CPU any uploader outside the daemon spends on that GiB: curl's own for the PUT (the file read
   * from the page cache, then sent) and a `cat` taking it from a pipe, as a wrapper takes a chunk.
   */
  async function onePut(): Promise<{ seconds: number; putCpu: number; pipeReadCpu: number }> {
    const file = "/var/tmp/bench-put.bin";
    await sh(SD, `head -c 1073741824 /dev/urandom >${file}`);
    const start = performance.now();
    const curl = [
      "curl -sSf -o /dev/null --aws-sigv4 aws:amz:us-east-1:s3",
      `--user '${keys.accessKeyId}:${keys.secretAccessKey}'`,
      `-H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -T ${file}`,
      `http://s3-standin:4568/${BUCKET}/bench/one-put`,
    ].join(" ");
    // A shell's children's CPU (cutime, cstime) is that of the one command it has waited for; `read`
    // is a builtin, so no further child is counted, and the shell is not replaced by an exec.
    const putStat = await sh(SD, `${curl} && read -r l </proc/$$/stat && echo "$l"`);
    const seconds = (performance.now() - start) / 1000;
    const readStat = await sh(
      SD,
      `cat ${file} | (cat >/dev/null && read -r l </proc/$BASHPID/stat && echo "$l")`,
    );
    await sh(SD, `rm -f ${file}`);
    return {
      seconds,
      putCpu: parseProcStat(putStat).children,
      pipeReadCpu: parseProcStat(readStat).children,
    };
  }

  test("realize the e2e stack and start the S3 stand-in", async () => {
    generateData(path.join(SCRATCH, "data"), handoff?.bigBytes ?? 1024 ** 3);
    const report = await realize(STACK, configOf(keys));
    if (report.error !== undefined) throw new Error(report.error);
    fixtures = await startFixtures(docker, STACK, `${STACK}-bareos`, BUCKET, keys);
    cores = (await docker.info()).NCPU as number;
    stackUp = true;
  }, 1_800_000);

  test(
    "every variant, interleaved",
    async () => {
      // Without the stack every device would "fail" for the same reason: the realization's error says it.
      if (!stackUp) throw new Error("the e2e stack was not realized (see the test above)");
      if ((process.env.BENCH_HOLD ?? "").includes("before")) await hold();
      for (let run = 1; run <= RUNS; run++) {
        for (const v of variants) {
          // One device failing (droplet needs a virtual-host endpoint) must not hide the others.
          try {
            const list = samples.get(v.id) ?? [];
            list.push(await runOnce(v, run));
            samples.set(v.id, list);
          } catch (e) {
            failures.set(v.id, (e as Error).message.split("\n").slice(0, 3).join(" "));
            console.warn(`bench: ${v.id} run ${run} failed: ${(e as Error).message}`);
          }
        }
      }
      const put = await onePut().catch((e: unknown) => {
        console.warn(`bench: the one-PUT reference failed: ${(e as Error).message}`);
        return { seconds: NaN, putCpu: NaN, pipeReadCpu: NaN };
      });
      console.log(report(put));
      if ((process.env.BENCH_HOLD ?? "").includes("after")) await hold();
    },
    24 * 3_600_000,
  );

  function report(put: { seconds: number; putCpu: number; pipeReadCpu: number }): string {
    const med = (id: string, f: (s: Sample) => number) => median((samples.get(id) ?? []).map(f));
    const base = (f: (s: Sample) => number) => med("droplet", f);
    const ratio = (x: number, b: number) =>
      Number.isFinite(b) ? (x <= b ? `${(b / x).toFixed(2)}x faster` : `${(x / b).toFixed(2)}x slower`) : "";
    const perGiB = (s: Sample, x: number) => x / (s.bytes / 1024 ** 3);
    const rows = variants.map((v) => {
      const backup = med(v.id, (s) => s.backup);
      const restore = med(v.id, (s) => s.restore);
      return [
        v.title,
        `${backup.toFixed(1)} s`,
        ratio(
          backup,
          base((s) => s.backup),
        ),
        `${(med(v.id, (s) => s.bytes) / MB / backup).toFixed(0)} MB/s`,
        `${restore.toFixed(1)} s`,
        ratio(
          restore,
          base((s) => s.restore),
        ),
        `${med(v.id, (s) => s.incrementalNew).toFixed(1)} / ${med(v.id, (s) => s.incrementalAppend).toFixed(1)} s`,
        med(v.id, (s) => perGiB(s, s.sdCpu)).toFixed(1),
        med(v.id, (s) => perGiB(s, s.wrapperCpu)).toFixed(1),
        med(v.id, (s) => perGiB(s, s.s3Cpu)).toFixed(1),
        med(v.id, (s) => perGiB(s, s.stackCpu)).toFixed(1),
        med(v.id, (s) => s.sdPeakMiB).toFixed(0),
        med(v.id, (s) => s.rssPeakMiB).toFixed(0),
        med(v.id, (s) => s.cgroupPeakMiB).toFixed(0),
      ];
    });
    const table = markdownTable(
      [
        "device",
        "Full backup",
        "vs droplet",
        "rate",
        "restore",
        "vs droplet",
        "Incremental new / append",
        "SD CPU s/GiB",
        "wrappers CPU s/GiB",
        "S3 server CPU s/GiB",
        "all containers CPU s/GiB",
        "SD peak MiB",
        "SD + wrappers peak RSS MiB",
        "container peak MiB (with page cache)",
      ],
      rows,
    );
    const traceText = [...traces.entries()].map(([id, text]) => {
      const s = summarizeTrace(parseTrace(text));
      const verbs = s.verbs
        .map((x) => `${x.verb} ${x.calls}x ${x.seconds.toFixed(2)} s (${(x.bytes / MiB).toFixed(0)} MiB)`)
        .join(", ");
      return `wrapper calls of the last Full with ${id}: ${verbs}; span ${s.span.toFixed(1)} s, no wrapper running ${s.idle.toFixed(1)} s (longest ${s.longestIdle.toFixed(1)} s), at most ${s.maxParallel} at once`;
    });
    return [
      `\nbench:backup, ${RUNS} run(s) per device, medians; ${(med(variants[0].id, (s) => s.bytes) / 1024 ** 3).toFixed(2)} GiB per Full`,
      table,
      `one signed PUT of 1 GiB from the storage daemon's container to the same server: ${put.seconds.toFixed(1)} s, curl ${put.putCpu.toFixed(2)} CPU-s; reading that GiB from a pipe: ${put.pipeReadCpu.toFixed(2)} CPU-s`,
      ...floorLines(put.putCpu + put.pipeReadCpu),
      ...timeFloorLines(put.putCpu + put.pipeReadCpu),
      ...traceText,
      ...[...failures.entries()].map(([id, why]) => `${id} failed: ${why}`),
      "",
    ].join("\n");
  }

  /** The variants on a dplcompat device (not droplet, not a File device) that have samples. */
  function measuredDplcompat(): Variant[] {
    return variants.filter(
      (v) => v.s3 && v.s3.backend !== "droplet" && v.id !== "droplet" && samples.has(v.id),
    );
  }

  /**
   * The least CPU per GiB a dplcompat device can spend: its daemon's own (measured) plus what any wrapper
   * must do with the data (take it from the pipe, send it), against droplet's.
   */
  function floorLines(transport: number): string[] {
    const droplet = median((samples.get("droplet") ?? []).map((s) => (s.sdCpu * 1024 ** 3) / s.bytes));
    return measuredDplcompat().map((v) => {
      const sd = median((samples.get(v.id) ?? []).map((s) => (s.sdCpu * 1024 ** 3) / s.bytes));
      return `CPU floor of ${v.id}: its SD ${sd.toFixed(1)} + transport ${transport.toFixed(1)} = ${(sd + transport).toFixed(1)} CPU-s/GiB, droplet ${droplet.toFixed(1)}`;
    });
  }

  /**
   * The shortest Full a dplcompat variant could take on this machine with its wrappers at the transport
   * floor (timeFloor), against the goal of 2/3 of droplet's time: when the floor is above it, no wrapper
   * speaking the protocol reaches the goal here. transport is per GiB.
   */
  function timeFloorLines(transport: number): string[] {
    const droplet = median((samples.get("droplet") ?? []).map((s) => s.backup));
    return measuredDplcompat().map((v) => {
      const list = samples.get(v.id) ?? [];
      const m = (f: (s: Sample) => number) => median(list.map(f));
      const input = {
        fixedSeconds: m((s) => s.incrementalNew),
        fixedCpu: m((s) => s.incrementalNewStackCpu),
        fullCpu: m((s) => s.stackCpu),
        wrapperCpu: m((s) => s.wrapperCpu),
        transportCpu: m((s) => (transport * s.bytes) / 1024 ** 3),
        cores,
      };
      let floor: number;
      try {
        floor = timeFloor(input);
      } catch (e) {
        return `time floor of ${v.id}: ${(e as Error).message}`;
      }
      const goal = (droplet * 2) / 3;
      const f = (x: number) => x.toFixed(1);
      return (
        `time floor of ${v.id}: Incremental ${f(input.fixedSeconds)} s + (all containers ${f(input.fullCpu)} - wrappers ${f(input.wrapperCpu)} + transport ${f(input.transportCpu)} - the Incremental's ${f(input.fixedCpu)} CPU-s) / ${cores} cores = ${f(floor)} s; ` +
        `goal, 2/3 of droplet's ${f(droplet)} s: ${f(goal)} s (${floor > goal ? "out of reach on this machine" : "not ruled out"})`
      );
    });
  }

  /** BENCH_HOLD=before|after the runs: keeps the engine up for poking at it until .e2e/bench-release exists (or 2 h). */
  async function hold(): Promise<void> {
    console.log(
      `bench: holding; DOCKER_HOST=${process.env.DOCKER_HOST}; touch ${SCRATCH}/bench-release to end`,
    );
    const deadline = Date.now() + 2 * 3_600_000;
    const release = path.join(SCRATCH, "bench-release");
    while (!fs.existsSync(release) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2000));
    fs.rmSync(release, { force: true });
  }

  afterAll(async () => {
    if (process.env.E2E_KEEP) return;
    // The stand-ins first: while they sit on the stack's network, the engine refuses to remove it.
    await fixtures?.remove().catch(() => undefined);
    await realized()
      .destroy()
      .catch((e: unknown) => console.error(`destroy: ${(e as Error).message}`));
  }, 300_000);
});

// The running system, for real (tests/e2e/README.md): the program realized on a Docker engine exactly as
// declared, then backup, restore, mail, the webui, a rejected configuration and an update, checked with
// the real daemons. Run by `npm run test:e2e` (tests/e2e/run.ts), which prepares the engine and images.
import * as fs from "node:fs";
import * as path from "node:path";
import type Docker from "dockerode";
import { PROJECT, StackConfig, stackFileConfig } from "../program/harness";
import { renderStack } from "../../scripts/renderStack";
import { parseDuration } from "../../configs/units";
import { logsOf, singleFileTar } from "./realizer/container";
import type { RealizeReport } from "./realizer/cli";
import { destroyAll, realize, realized } from "./support/realize";
import { parseSettings, rawFromPulumiConfig } from "../../configs/settings";
import { openStack } from "../../scripts/ops/stack";
import { DrillReport, drill, formatReport } from "../../scripts/ops/drill";
import { formatRecoverReport, recover } from "../../scripts/ops/recover";
import { Bconsole, JobRecord } from "../../scripts/ops/bconsole";
import { EXCLUDED, compare, generateData, manifest } from "./support/data";
import { exec, execOk } from "../../scripts/ops/exec";
import { MAIL_DIR, S3Keys, generateS3Keys, startFixtures } from "./support/fixtures";
import { SCRATCH, readHandoff, recordTiming } from "./support/handoff";
import { launch, login, text } from "./support/webui";

const STACK = "e2e";
const STACK_FILE = path.join(__dirname, "Pulumi.e2e.yaml");
const BUCKET = "bareos-e2e";
const JOB = "backup-testdata-s3";
const VERIFY_JOB = `${JOB}-verify`;
const C = {
  catalogFd: `${STACK}-bareos-catalog-fd`,
  director: `${STACK}-bareos-dir`,
  directorGate: `${STACK}-bareos-dir-config-check`,
  storage: `${STACK}-bareos-sd`,
  fd: `${STACK}-bareos-fd`,
  catalog: `${STACK}-bareos-db`,
  smtp: `${STACK}-bareos-smtp`,
  php: `${STACK}-bareos-webui-php`,
  nginx: `${STACK}-bareos-webui`,
};
const CONTAINER = "docker:index/container:Container";
const WEBUI = "http://127.0.0.1:18080/";
const MB = 1e6;

const handoff = readHandoff();
// Without the runner there is no engine or repository: say so instead of failing obscurely.
const describeE2e = handoff ? describe : describe.skip;
if (!handoff) console.warn("tests/e2e: run through `npm run test:e2e`, which prepares the engine; skipped");

/** Stack config as `pulumi up` hands it over: the stack file, the run's secrets, extra values. */
function configOf(keys: S3Keys, extra: Record<string, unknown> = {}): StackConfig {
  const file = stackFileConfig(STACK, STACK_FILE);
  const values: Record<string, string> = { ...file.values };
  const set = (k: string, v: unknown) =>
    (values[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v));
  set("s3AccessKeyId", keys.accessKeyId);
  set("s3SecretAccessKey", keys.secretAccessKey);
  if (handoff?.repository) set("images", { bareosRepository: handoff.repository });
  for (const [k, v] of Object.entries(extra)) set(k, v);
  return {
    values,
    secretKeys: [...file.secretKeys, `${PROJECT}:s3AccessKeyId`, `${PROJECT}:s3SecretAccessKey`],
  };
}

describeE2e("the running system", () => {
  const docker: Docker = realized().docker;
  const bconsole = new Bconsole(docker, C.director);
  const keys = generateS3Keys();
  let fixtures: Awaited<ReturnType<typeof startFixtures>> | undefined;
  let first: RealizeReport | undefined;
  let full: JobRecord | undefined;
  const failed = new Set<string>();

  /** A check that depends on earlier ones: skipped (with the reason) when one of them failed. */
  const check = (name: string, needs: string[], timeoutSeconds: number, fn: () => Promise<void>) =>
    test(
      name,
      async () => {
        const missing = needs.filter((n) => failed.has(n));
        if (missing.length > 0) {
          // Not run counts as failed: what depends on this check is not run either.
          failed.add(name);
          throw new Error(`not run: it needs ${missing.join(", ")}, which failed`);
        }
        try {
          await fn();
        } catch (e) {
          failed.add(name);
          throw e;
        }
      },
      timeoutSeconds * 1000,
    );

  /** Runs `fn`; on failure, the error carries the last lines of the named containers' logs. */
  async function withLogs<T>(containers: string[], fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const logs = await Promise.all(
        containers.map(async (c) => `--- ${c}:\n${await logsOf(docker.getContainer(c), 40)}`),
      );
      (e as Error).message += `\n${logs.join("\n")}`;
      throw e;
    }
  }

  const timed = async <T>(step: string, fn: () => Promise<T>, detail?: (r: T) => string): Promise<T> => {
    const start = performance.now();
    const r = await fn();
    recordTiming(step, (performance.now() - start) / 1000, detail?.(r));
    return r;
  };

  const jobSeconds = (j: JobRecord) =>
    Math.max(1, (Date.parse(String(j.endtime)) - Date.parse(String(j.starttime))) / 1000);
  const rate = (j: JobRecord) => `${(Number(j.jobbytes) / MB / jobSeconds(j)).toFixed(1)} MB/s`;

  async function runJob(job: string, args: string, timeoutSeconds: number): Promise<JobRecord> {
    const id = await bconsole.start(job, args);
    const record = await bconsole.finish(id, timeoutSeconds);
    if (record.jobstatus !== "T") {
      throw new Error(`job ${job} (${id}) ended ${record.jobstatus}:\n${await bconsole.log(id)}`);
    }
    return record;
  }

  /**
   * The e2e stack as `npm run drill` / `npm run recover` see it: the settings of the configuration the
   * realizer deployed (the stack file and the run's secrets), on this engine.
   */
  const opsStack = () => {
    const config = configOf(keys);
    const raw = rawFromPulumiConfig(config.values, (k) => config.secretKeys.includes(k));
    return openStack(
      parseSettings(raw, { stack: STACK, projectDir: path.resolve(__dirname, "../..") }),
      docker,
    );
  };

  const KIT = `bareos:${BUCKET}/dr`;
  const rclone = (...args: string[]) =>
    execOk(docker, C.storage, ["rclone", "--config", "/etc/bareos/s3/rclone.conf", ...args]);

  /** Waits until the bucket's kit carries the stamp of BackupCatalog job `jobid`; its files. */
  async function kitOf(jobid: string): Promise<string[]> {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const stamp = await rclone("cat", `${KIT}/KIT-COMPLETE`).catch(() => "");
      if (stamp.includes(`jobid=${jobid}\n`))
        return (await rclone("lsf", "-R", "--files-only", KIT)).split("\n").filter(Boolean).sort();
      if (Date.now() > deadline)
        throw new Error(
          `no kit of BackupCatalog job ${jobid} in the bucket after 180 s (stamp: ${JSON.stringify(stamp)})`,
        );
      await new Promise((r) => setTimeout(r, 3000));
    }
  }

  /** A drill report with no mismatch (the report itself in the failure message otherwise). */
  const drillClean = (r: DrillReport) => {
    const text = formatReport(r);
    expect({ mismatches: r.checked.filter((c) => c.verdict === "mismatch"), text }).toEqual({
      mismatches: [],
      text,
    });
    return text;
  };

  async function waitHealthy(container: string) {
    const deadline = Date.now() + 120_000;
    while ((await docker.getContainer(container).inspect()).State.Health?.Status !== "healthy") {
      if (Date.now() > deadline) throw new Error(`${container} did not become healthy`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  afterAll(async () => {
    if (process.env.E2E_KEEP) return;
    // The stand-ins first: while they sit on the stack's network, the engine refuses to remove it.
    await fixtures?.remove().catch(() => undefined);
    await realized()
      .destroy()
      .catch((e: unknown) => console.error(`destroy: ${(e as Error).message}`));
  }, 300_000);

  const REALIZE = "realize";
  check(REALIZE, [], 1500, async () => {
    generateData(path.join(SCRATCH, "data"), handoff?.bigBytes ?? 1024 ** 3);
    first = await timed("realization (program on the engine, image builds included)", () =>
      realize(STACK, configOf(keys)),
    );
    for (const e of first.events.filter((x) => x.op === "build" || x.op === "pull")) {
      recordTiming(`image ${e.op}: ${e.detail ?? e.name}`, e.seconds);
    }
    if (first.error !== undefined) throw new Error(first.error);
    fixtures = await startFixtures(docker, STACK, `${STACK}-bareos`, BUCKET, keys);
  });

  check("every long-running container is healthy and every gate exited 0", [REALIZE], 120, async () => {
    const containers = realized()
      .resources()
      .filter((r) => r.type === CONTAINER);
    const gates = containers.filter((r) => r.inputs.mustRun === false);
    const daemons = containers.filter((r) => r.inputs.mustRun !== false);
    expect(gates.map((g) => g.inputs.name).sort()).toEqual(
      [
        C.directorGate,
        `${C.storage}-config-check`,
        `${C.fd}-config-check`,
        `${C.catalogFd}-config-check`,
      ].sort(),
    );
    for (const g of gates)
      expect({ gate: g.inputs.name, exitCode: g.outputs.exitCode }).toEqual({
        gate: g.inputs.name,
        exitCode: 0,
      });
    expect(daemons).toHaveLength(8);
    for (const d of daemons) {
      const info = await docker.getContainer(d.id).inspect();
      expect({ name: d.inputs.name, health: info.State.Health?.Status }).toEqual({
        name: d.inputs.name,
        health: "healthy",
      });
    }
  });

  const BACKUP = "a Full backup to S3";
  check(BACKUP, [REALIZE], 900, () =>
    withLogs([C.director, C.storage, C.fd], async () => {
      full = await timed("Full backup", () => runJob(JOB, "level=Full", 840), rate);
      expect(Number(full.jobfiles)).toBeGreaterThan(300);
      // The volume is a folder of chunk objects in the bucket, listed with the storage daemon's own keys.
      const objects = await execOk(docker, C.storage, [
        "rclone",
        "--config",
        "/etc/bareos/s3/rclone.conf",
        "lsf",
        "-R",
        "--files-only",
        `bareos:${BUCKET}`,
      ]);
      const chunks = objects.split("\n").filter((l) => /^S3-Full-\d{4}\/\d{4}$/.test(l));
      expect(chunks.length).toBeGreaterThanOrEqual(Math.floor(Number(full.jobbytes) / (100 * 1024 * 1024)));
      const stats = (await docker.getContainer(C.storage).stats({ stream: false })) as {
        memory_stats: { max_usage?: number };
      };
      recordTiming(
        "storage daemon peak memory (docker stats, cgroup max usage)",
        0,
        `${((stats.memory_stats.max_usage ?? 0) / 2 ** 20).toFixed(0)} MiB`,
      );
    }),
  );

  const RESTORE = "after a storage daemon restart, a restore of everything equals the source";
  check(RESTORE, [BACKUP], 900, () =>
    withLogs([C.director, C.storage, C.fd], async () => {
      await docker.getContainer(C.storage).restart({ t: 30 });
      const deadline = Date.now() + 120_000;
      while ((await docker.getContainer(C.storage).inspect()).State.Health?.Status !== "healthy") {
        if (Date.now() > deadline)
          throw new Error("the storage daemon did not become healthy after its restart");
        await new Promise((r) => setTimeout(r, 2000));
      }
      await exec(docker, C.fd, ["rm", "-rf", "/tmp/bareos-restores/data"]);
      const out = await bconsole.run(
        `restore client=bareos-fd fileset=TestData where=/tmp/bareos-restores select current all done yes`,
      );
      const id = /JobId=(\d+)/.exec(out)?.[1];
      if (!id) throw new Error(`no restore job:\n${out}`);
      const restore = await timed("restore of everything", () => bconsole.finish(id, 840), rate);
      if (restore.jobstatus !== "T")
        throw new Error(`restore ended ${restore.jobstatus}:\n${await bconsole.log(id)}`);
      const source = await manifest(docker, C.fd, "/data");
      const restored = await manifest(docker, C.fd, "/tmp/bareos-restores/data");
      expect(compare(source, restored, EXCLUDED)).toEqual([]);
      for (const p of EXCLUDED) expect(restored.has(p)).toBe(false);
      expect(restored.get("link-to-file")).toEqual({
        kind: "l",
        mode: "777",
        content: "small/dir-1/file-001.txt",
      });
      expect(restored.get("private.key")?.mode).toBe("600");
    }),
  );

  check("an Incremental after one change backs up that file only", [BACKUP], 600, () =>
    withLogs([C.director, C.fd], async () => {
      fs.appendFileSync(path.join(SCRATCH, "data/small/dir-2/file-002.txt"), "changed\n");
      const inc = await timed("Incremental backup (one changed file)", () =>
        runJob(JOB, "level=Incremental", 540),
      );
      expect(inc.level).toBe("I");
      expect(Number(inc.jobfiles)).toBe(1);
      expect(await bconsole.files(inc.jobid)).toEqual(["/data/small/dir-2/file-002.txt"]);
    }),
  );

  const VERIFY = "the verify job reads the newest backup back from S3 and finds it equal to the catalog";
  check(VERIFY, [BACKUP], 900, () =>
    withLogs([C.director, C.storage, C.fd], async () => {
      const verify = await timed("Verify (VolumeToCatalog) of the newest backup", () =>
        runJob(VERIFY_JOB, "", 840),
      );
      expect(verify.type).toBe("V");
      const log = await bconsole.log(verify.jobid);
      expect(log).toMatch(/Verify Level:\s+VolumeToCatalog/);
      expect(log).toMatch(/Termination:\s+Verify OK/);
    }),
  );

  const CATALOG =
    "BackupCatalog ends T, with the catalog dump in the backup and a recovery kit in the bucket";
  check(CATALOG, [BACKUP], 600, () =>
    withLogs([C.director, C.catalogFd, C.catalog, C.storage], async () => {
      const job = await timed("BackupCatalog", () => runJob("BackupCatalog", "", 540));
      expect(job.client).toBe("bareos-catalog-fd");
      expect(await bconsole.files(job.jobid)).toContain("/var/lib/bareos-director/bareos.sql");
      const kit = await timed("recovery kit in the bucket after BackupCatalog", () => kitOf(job.jobid));
      expect(kit).toEqual(
        expect.arrayContaining([
          "KIT-COMPLETE",
          "README.md",
          "master-certificate.pem",
          "bootstrap/BackupCatalog.bsr",
          `bootstrap/${JOB}.bsr`,
        ]),
      );
      const readme = await rclone("cat", `${KIT}/README.md`);
      expect(readme).toContain('stack "e2e"');
      expect(readme).toMatch(/S3-Full-\d{4}/);
      // Nothing secret: no password the stack generated, no S3 key, no private key.
      const secrets = [...Object.values(await realizerPasswords()), keys.secretAccessKey, keys.accessKeyId];
      const kitText = (await Promise.all(kit.map((f) => rclone("cat", `${KIT}/${f}`)))).join("\n");
      for (const secret of secrets) expect(kitText.includes(secret)).toBe(false);
      expect(kitText).not.toMatch(/PRIVATE KEY|Password\s*=|secret_key|secret_access_key/i);
    }),
  );

  check(
    "with the relay down, BackupCatalog still ends T and refreshes the kit; the lost mail is a warning",
    [CATALOG],
    600,
    () =>
      withLogs([C.director, C.smtp], async () => {
        await docker.getContainer(C.smtp).stop({ t: 10 });
        try {
          const job = await runJob("BackupCatalog", "", 540);
          expect(await bconsole.log(job.jobid)).toMatch(/could not mail the bootstrap/);
          await kitOf(job.jobid);
        } finally {
          await docker.getContainer(C.smtp).start();
          await waitHealthy(C.smtp);
        }
      }),
  );

  const DRILL = "the restore drill finds no mismatch, against the source and against the catalog";
  check(DRILL, [BACKUP], 900, () =>
    withLogs([C.director, C.storage, C.fd], async () => {
      // Changed on the client after its backup: the drill must judge it by the catalog's signature.
      fs.appendFileSync(path.join(SCRATCH, "data/small/dir-4/file-004.txt"), "changed after the backup\n");
      const full = await timed(
        "drill: restore and check everything",
        () => drill(opsStack(), { timeoutSeconds: 840, keep: false }),
        (r) =>
          `${r.checked.length} files, ${(r.checked.reduce((s, c) => s + c.bytes, 0) / MB / r.restoreSeconds).toFixed(1)} MB/s`,
      );
      console.log(drillClean(full));
      expect(full.checked.length).toBeGreaterThan(300);
      expect(full.checked.find((c) => c.path === "/data/small/dir-4/file-004.txt")?.verdict).toBe("catalog");
      expect(full.checked.filter((c) => c.verdict === "source").length).toBeGreaterThan(300);
      // Nothing left behind but the drill's own (removed) folder in the restore volume.
      expect((await exec(docker, C.fd, ["sh", "-c", "ls /tmp/bareos-restores | grep drill-"])).stdout).toBe(
        "",
      );
      const some = await timed("drill: a sample of 20 files", () =>
        drill(opsStack(), { files: 20, timeoutSeconds: 600, keep: false }),
      );
      drillClean(some);
      expect(some.checked).toHaveLength(20);
    }),
  );

  check("job reports reach the operator through the relay", [BACKUP, VERIFY, CATALOG], 300, () =>
    withLogs([C.smtp, `${STACK}-fixture-mail`], async () => {
      const deadline = Date.now() + 240_000;
      let mails = "";
      while (
        !/^Subject: Bareos: Backup OK of backup-testdata-s3 on bareos-fd \(Full\)/m.test(mails) ||
        !/^Subject: Bareos: bootstrap of BackupCatalog/m.test(mails) ||
        !/^Subject: Bareos: Verify OK of backup-testdata-s3-verify/m.test(mails)
      ) {
        if (Date.now() > deadline)
          throw new Error(`the expected mails did not arrive; the sink has:\n${mails.slice(0, 4000)}`);
        await new Promise((r) => setTimeout(r, 3000));
        mails = (
          await exec(docker, `${STACK}-fixture-mail`, ["sh", "-c", `cat ${MAIL_DIR}/*.eml 2>/dev/null`])
        ).stdout;
      }
      expect(mails).toMatch(/^To: .*operator@e2e\.example\.com/m);
      expect(mails).toMatch(/^From: .*bareos@e2e\.example\.com/m);
      // No noise on a clean start: the empty catalog used to warn about the Scratch pool by mail.
      expect(mails).not.toMatch(/Scratch/);
    }),
  );

  check(
    "the webui: the admin logs in and sees the jobs; a wrong password is refused; the read-only user cannot run a job",
    [BACKUP],
    300,
    () =>
      withLogs([C.nginx, C.php, C.director], async () => {
        const passwords = await realizerPasswords();
        const { browser, close } = await launch();
        try {
          const admin = await login(browser, WEBUI, "admin", passwords.admin);
          await admin.goto(`${WEBUI}job/`, { waitUntil: "networkidle" });
          expect(await text(admin)).toContain(JOB);

          const wrong = await login(browser, WEBUI, "admin", `${passwords.admin}x`);
          expect(await text(wrong)).toContain("Sorry, cannot authenticate");

          const viewer = await login(browser, WEBUI, "viewer", passwords.viewer);
          const before = await bconsole.api<{ jobs?: unknown[] }>("llist jobs");
          await viewer.goto(`${WEBUI}job/actions?action=queue&job=${JOB}`, { waitUntil: "domcontentloaded" });
          expect(await text(viewer)).toMatch(/Access denied[\s\S]*run/);
          const after = await bconsole.api<{ jobs?: unknown[] }>("llist jobs");
          expect(after.jobs?.length).toBe(before.jobs?.length);
        } finally {
          await close();
        }
      }),
  );

  /** The generated webui passwords, as `pulumi stack output --show-secrets webuiPasswords` shows them. */
  async function realizerPasswords(): Promise<Record<string, string>> {
    const passwords = first?.outputs.webuiPasswords as Record<string, string> | undefined;
    if (!passwords) throw new Error("no webuiPasswords output");
    return passwords;
  }

  check(
    "the daemons accept what `npm run render` previews (prod: encryption, an unmanaged client)",
    [REALIZE],
    300,
    async () => {
      const root = path.resolve(__dirname, "../..");
      const preview = renderStack(
        fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"),
        fs.readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8"),
        "prod",
        root,
      );
      const image = (name: string) => String(realized().get(CONTAINER, name)?.inputs.image);
      for (const [service, tree, gate] of [
        ["bareos-fd", preview.rendered.clients["bareos-fd"], "bareos-fd-bareos-fd-container"],
        ["fileserver-fd", preview.rendered.clients["fileserver-fd"], "bareos-fd-bareos-fd-container"],
        ["bareos-sd", preview.rendered.storage, "bareos-storage-container"],
      ] as const) {
        const container = await docker.createContainer({
          name: `${STACK}-preview-${service}`,
          Image: image(gate),
          Env: ["CONFIG_TEST_ONLY=1"],
        });
        try {
          for (const [file, f] of Object.entries(tree)) {
            await container.putArchive(await singleFileTar(file, f.content, f.mode), { path: "/" });
          }
          await container.start();
          const { StatusCode } = (await container.wait()) as { StatusCode: number };
          expect({ service, StatusCode, logs: StatusCode === 0 ? "" : await logsOf(container) }).toEqual({
            service,
            StatusCode: 0,
            logs: "",
          });
        } finally {
          await container.remove({ force: true });
        }
      }
    },
  );

  const DIRECTOR_CONF = "/etc/bareos/bareos-dir.d/director/bareos-dir.conf";
  check(
    "a configuration the director rejects fails at its gate, and the running director keeps answering",
    [REALIZE],
    600,
    async () => {
      const before = realized().get(CONTAINER, "bareos-director-container")?.id;
      const corrupted = await timed("realization with a corrupted director configuration", () =>
        realize(STACK, configOf(keys), {
          file: DIRECTOR_CONF,
          pattern: "}\\s*$",
          replacement: "  Bogus Directive = yes\n}\n",
        }),
      );
      expect(corrupted.error).toBeDefined();
      const message = String(corrupted.error);
      expect(message).toMatch(new RegExp(`Configuration test failed in ${C.directorGate}`));
      expect(message).toMatch(/BogusDirective|Bogus Directive/i);
      expect(corrupted.replaced).toEqual(["bareos-director-gate-check"]);
      expect(realized().get(CONTAINER, "bareos-director-container")?.id).toBe(before);
      await execOk(docker, C.director, ["sh", "-c", "echo version | bconsole"]);
    },
  );

  check(
    "a changed pool retention replaces the director and its gate only; the catalog keeps its jobs",
    [BACKUP],
    900,
    () =>
      withLogs([C.director, C.directorGate], async () => {
        const jobsBefore =
          (await bconsole.api<{ jobs?: { jobid: string }[] }>("llist jobs")).jobs?.map((j) => j.jobid) ?? [];
        const containersBefore = new Map(
          realized()
            .resources()
            .filter((r) => r.type === CONTAINER)
            .map((r) => [r.name, r.id]),
        );
        const pools = [
          {
            name: "S3-Full",
            level: "Full",
            volumeRetention: "400 days",
            maximumVolumeBytes: "50 G",
            maximumVolumes: 100,
            labelFormat: "S3-Full-",
            description: "S3 storage pool for full backups",
          },
          {
            name: "S3-Differential",
            level: "Differential",
            volumeRetention: "90 days",
            maximumVolumeBytes: "20 G",
            maximumVolumes: 500,
            labelFormat: "S3-Diff-",
            description: "S3 storage pool for differential backups",
          },
          {
            name: "S3-Incremental",
            level: "Incremental",
            volumeRetention: "30 days",
            maximumVolumeBytes: "10 G",
            maximumVolumes: 1000,
            labelFormat: "S3-Inc-",
            description: "S3 storage pool for incremental backups",
          },
        ];
        const update = await timed("update: one pool's retention changed", () =>
          realize(STACK, configOf(keys, { pools })),
        );
        if (update.error !== undefined) throw new Error(update.error);
        expect([...update.replaced].sort()).toEqual([
          "bareos-director-container",
          "bareos-director-gate-check",
        ]);
        expect(update.created).toEqual([]);
        expect(update.deleted).toEqual([]);
        for (const r of realized()
          .resources()
          .filter((x) => x.type === CONTAINER)) {
          if (!update.replaced.includes(r.name))
            expect({ [r.name]: r.id }).toEqual({ [r.name]: containersBefore.get(r.name) });
        }
        // The director shows it in its own units ("1 years 1 months 5 days"): compare as Bareos reads it.
        const shown = /VolumeRetention = (.*)/.exec(await bconsole.run("show pool=S3-Full"))?.[1] ?? "";
        expect(parseDuration(shown.trim())).toBe(400 * 86400);
        const jobsAfter =
          (await bconsole.api<{ jobs?: { jobid: string }[] }>("llist jobs")).jobs?.map((j) => j.jobid) ?? [];
        expect(jobsAfter).toEqual(expect.arrayContaining(jobsBefore));
      }),
  );
  /**
   * Everything but the bucket lost: every container and volume of the stack removed (the S3 stand-in
   * keeps its data), the stack realized again with an empty catalog, then `npm run recover`.
   */
  async function loseEverythingButTheBucket(): Promise<void> {
    if (!fixtures) throw new Error("no fixtures");
    await fixtures.detach();
    await timed("loss: destroy every container and volume of the stack", () => destroyAll());
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`bareos-s3-backup.stack=${STACK}`] },
    });
    const volumes = (await docker.listVolumes()).Volumes.filter((v) => v.Name.startsWith(`${STACK}-bareos`));
    expect({ containers: left.map((c) => c.Names), volumes: volumes.map((v) => v.Name) }).toEqual({
      containers: [],
      volumes: [],
    });
    const again = await timed("loss: the stack realized again (empty catalog)", () =>
      realize(STACK, configOf(keys)),
    );
    if (again.error !== undefined) throw new Error(String(again.error));
    first = again;
    await fixtures.attach();
    const jobs = (await bconsole.api<{ jobs?: unknown[] }>("llist jobs")).jobs ?? [];
    expect(jobs).toEqual([]);
  }

  let jobsBeforeLoss: string[] = [];
  let masterKey = "";
  const RECOVERED =
    "after losing everything but the bucket, recover from the kit brings the job history back";
  check(RECOVERED, [CATALOG, DRILL], 1500, () =>
    withLogs([C.director, C.storage, C.catalog, C.catalogFd], async () => {
      // The catalog as of the last BackupCatalog is what the kit restores.
      const last = await runJob("BackupCatalog", "", 540);
      await kitOf(last.jobid);
      jobsBeforeLoss = (
        (await bconsole.api<{ jobs?: { jobid: string; type: string }[] }>("llist jobs")).jobs ?? []
      )
        .filter((j) => j.type === "B" && Number(j.jobid) < Number(last.jobid))
        .map((j) => j.jobid);
      masterKey = String(first?.outputs.encryptionMasterKey ?? "");
      expect(masterKey).toMatch(/PRIVATE KEY/);
      await loseEverythingButTheBucket();
      const report = await timed("recover: from the kit", () =>
        recover(opsStack(), { bscan: false, force: false, masterKeyPem: masterKey }),
      );
      console.log(formatRecoverReport(report));
      for (const step of report.steps) recordTiming(`recover (kit): ${step.step}`, step.seconds);
      expect(report.masterKeyClients).toEqual(["bareos-fd"]);
      const jobsAfter = ((await bconsole.api<{ jobs?: { jobid: string }[] }>("llist jobs")).jobs ?? []).map(
        (j) => j.jobid,
      );
      expect(jobsAfter).toEqual(expect.arrayContaining(jobsBeforeLoss));
      // Files backed up (and encrypted) before the loss, restored through the new stack and checked.
      const after = await timed("drill after the recovery: 40 files backed up before the loss", () =>
        drill(opsStack(), { files: 40, timeoutSeconds: 600, keep: false }),
      );
      console.log(drillClean(after));
      expect(after.checked).toHaveLength(40);
      expect(after.backupJobIds.every((id) => jobsBeforeLoss.includes(String(id)))).toBe(true);
    }),
  );

  check("without the kit, recover --bscan rebuilds the catalog from the volumes", [RECOVERED], 1500, () =>
    withLogs([C.director, C.storage, C.catalog], async () => {
      await rclone("purge", KIT).catch(() => rclone("delete", KIT));
      await loseEverythingButTheBucket();
      await expect(recover(opsStack(), { bscan: false, force: false })).rejects.toThrow(/--bscan/);
      const report = await timed("recover: bscan of every volume", () =>
        recover(opsStack(), { bscan: true, force: false, masterKeyPem: masterKey }),
      );
      console.log(formatRecoverReport(report));
      for (const step of report.steps) recordTiming(`recover (bscan): ${step.step}`, step.seconds);
      expect(report.volumes?.length).toBeGreaterThan(0);
      expect(report.backupJobs).toBeGreaterThan(0);
      const after = await timed("drill after bscan: 20 files backed up before the loss", () =>
        drill(opsStack(), { files: 20, timeoutSeconds: 600, keep: false }),
      );
      console.log(drillClean(after));
    }),
  );
});

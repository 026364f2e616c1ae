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
import { realize, realized } from "./support/realize";
import { Bconsole, JobRecord } from "./support/bconsole";
import { EXCLUDED, compare, generateData, manifest } from "./support/data";
import { exec, execOk } from "./support/exec";
import { MAIL_DIR, S3Keys, generateS3Keys, startFixtures } from "./support/fixtures";
import { SCRATCH, readHandoff, recordTiming } from "./support/handoff";
import { launch, login, text } from "./support/webui";

const STACK = "e2e";
const STACK_FILE = path.join(__dirname, "Pulumi.e2e.yaml");
const BUCKET = "bareos-e2e";
const JOB = "backup-testdata-s3";
const C = {
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
        if (missing.length > 0) throw new Error(`not run: it needs ${missing.join(", ")}, which failed`);
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

  afterAll(async () => {
    if (process.env.E2E_KEEP) return;
    await realized()
      .destroy()
      .catch((e: unknown) => console.error(`destroy: ${(e as Error).message}`));
    await fixtures?.remove().catch(() => undefined);
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
      [C.directorGate, `${C.storage}-config-check`, `${C.fd}-config-check`].sort(),
    );
    for (const g of gates)
      expect({ gate: g.inputs.name, exitCode: g.outputs.exitCode }).toEqual({
        gate: g.inputs.name,
        exitCode: 0,
      });
    expect(daemons).toHaveLength(7);
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

  const CATALOG = "BackupCatalog ends T with the catalog dump in the backup";
  check(CATALOG, [BACKUP], 600, () =>
    withLogs([C.director, C.fd, C.catalog], async () => {
      const job = await timed("BackupCatalog", () => runJob("BackupCatalog", "", 540));
      expect(await bconsole.files(job.jobid)).toContain("/var/lib/bareos-director/bareos.sql");
    }),
  );

  check("job reports reach the operator through the relay", [BACKUP, CATALOG], 300, () =>
    withLogs([C.smtp, `${STACK}-fixture-mail`], async () => {
      const deadline = Date.now() + 240_000;
      let mails = "";
      while (
        !/^Subject: .*Backup OK/m.test(mails) ||
        !/^Subject: .*Bootstrap for Job BackupCatalog/m.test(mails)
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
});

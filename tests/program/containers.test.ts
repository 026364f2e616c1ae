// The running system on mocks: containers, network, volumes, uploads, health checks, start order,
// published ports, the configuration gates, and what a settings change replaces.
import { placeholderSecrets, renderAll } from "../../configs/render";
import { parseSettings, rawFromPulumiConfig } from "../../configs/settings";
import {
  ProgramRun,
  RecordedResource,
  T,
  dockerMock,
  inlineConfig,
  runProgram,
  secretLeaks,
  stackFileConfig,
} from "./harness";

type Upload = { file: string; content: string; permissions: string; owner: string; group: string };
type Port = { internal: number; external: number; ip: string };

const containers = (run: ProgramRun) => run.byType(T.container).filter((c) => c.inputs.mustRun !== false);
const gates = (run: ProgramRun) => run.byType(T.container).filter((c) => c.inputs.mustRun === false);
const byName = (run: ProgramRun, name: string): RecordedResource => {
  const found = run.byType(T.container).filter((c) => c.inputs.name === name);
  if (found.length !== 1) throw new Error(`expected one container ${name}, found ${found.length}`);
  return found[0];
};
const uploads = (c: RecordedResource) => (c.inputs.uploads ?? []) as Upload[];
const ports = (c: RecordedResource) => (c.inputs.ports ?? []) as Port[];
const aliases = (c: RecordedResource) =>
  (c.inputs.networksAdvanced as { name: string; aliases?: string[] }[]).flatMap((n) => n.aliases ?? []);
// dependsOn on a component is expanded by the SDK to its children, so container URNs appear directly.
const dependsOn = (c: RecordedResource, other: RecordedResource) => c.dependencies.includes(other.urn);

const DEV_SERVICES = [
  "dev-bareos-db",
  "dev-bareos-dir",
  "dev-bareos-sd",
  "dev-bareos-fd",
  "dev-bareos-catalog-fd",
  "dev-bareos-webui",
  "dev-bareos-webui-php",
  "dev-bareos-smtp",
];

let dev: ProgramRun;
beforeAll(async () => {
  dev = await runProgram("dev", stackFileConfig("dev"));
});

describe("containers and network", () => {
  test("the eight services run as containers on one private network, under their service names", () => {
    expect(
      containers(dev)
        .map((c) => c.inputs.name)
        .sort(),
    ).toEqual([...DEV_SERVICES].sort());
    const network = dev.one(T.network);
    expect(network.inputs).toMatchObject({ name: "dev-bareos", driver: "bridge" });
    for (const c of [...containers(dev), ...gates(dev)]) {
      expect((c.inputs.networksAdvanced as { name: string }[]).map((n) => n.name)).toEqual(["dev-bareos"]);
    }
    expect(aliases(byName(dev, "dev-bareos-dir"))).toEqual(["bareos-dir"]);
    expect(aliases(byName(dev, "dev-bareos-sd"))).toEqual(["bareos-sd"]);
    expect(aliases(byName(dev, "dev-bareos-db"))).toEqual(["bareos-db"]);
    expect(aliases(byName(dev, "dev-bareos-webui-php"))).toEqual(["bareos-webui-php"]);
  });

  test("the local stack adds MinIO (never published) and creates no AWS resources", async () => {
    const local = await runProgram("local", stackFileConfig("local"));
    expect(
      containers(local)
        .map((c) => c.inputs.name)
        .sort(),
    ).toEqual([...DEV_SERVICES.map((n) => n.replace(/^dev-/, "local-")), "local-minio"].sort());
    expect(local.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(ports(byName(local, "local-minio"))).toEqual([]);
    expect(aliases(byName(local, "local-minio"))).toEqual(["minio"]);
    // The provisioning container creates the bucket and a user with the storage daemon's policy.
    const provision = byName(local, "local-minio-provision");
    const policy = JSON.parse(uploads(provision)[0].content) as { Statement: { Resource: string[] }[] };
    expect(policy.Statement.flatMap((s) => s.Resource)).toEqual([
      "arn:aws:s3:::bareos-volumes",
      "arn:aws:s3:::bareos-volumes/*",
      "arn:aws:s3:::bareos-volumes/dr/*",
    ]);
    expect(await secretLeaks(local)).toEqual([]);
  });

  test("images: Bareos images built from images/ with the version as build argument, others pinned", () => {
    const images = dev.byType(T.image);
    const built = images.filter((i) => i.inputs.build !== undefined);
    expect(built.map((i) => i.inputs.name).sort()).toEqual(
      [
        "bareos-s3-backup/director:25",
        "bareos-s3-backup/filedaemon:25",
        "bareos-s3-backup/storage:25",
        "bareos-s3-backup/webui-nginx:25",
        "bareos-s3-backup/webui:25",
      ].sort(),
    );
    for (const i of built) {
      const buildArgs = (i.inputs.build as { buildArgs: Record<string, string> }).buildArgs;
      expect(buildArgs).toMatchObject({
        BAREOS_VERSION: "25",
        BAREOS_REPO_URL: "https://download.bareos.org/current/Debian_12",
        BAREOS_KEY_FINGERPRINT: "82834CF002D89BA55C1ED0AA42DA24A6DFEF9127",
      });
      // A changed build argument must rebuild: every one is a trigger too.
      expect(i.inputs.triggers).toMatchObject(buildArgs);
      // One context for all images, so each can copy from images/common.
      const dir = String(i.inputs.name).replace(/^bareos-s3-backup\/|:25$/g, "");
      expect((i.inputs.build as { dockerfile: string }).dockerfile).toBe(`${dir}/Dockerfile`);
      expect((i.inputs.build as { context: string }).context).toMatch(/\/images$/);
      expect((i.inputs.triggers as { context: string }).context).toMatch(/^[0-9a-f]{64}$/);
    }
    // The director's pg_dump matches the catalog's default major (16), which Debian 12 lacks.
    expect((dev.one(T.image, "-director").inputs.build as { buildArgs: object }).buildArgs).toMatchObject({
      POSTGRES_MAJOR: "16",
      POSTGRES_CLIENT_SOURCE: "pgdg",
    });
    const pulled = images.filter((i) => i.inputs.build === undefined).map((i) => String(i.inputs.name));
    expect(pulled.sort()).toEqual(["boky/postfix:v4.4.0", "postgres:16.10-bookworm"]);
    // Each container runs the image id, so a rebuilt image replaces it.
    const director = dev.one(T.image, "-director");
    expect(byName(dev, "dev-bareos-dir").inputs.image).toBe(director.id);
  });
});

describe("configuration files", () => {
  test("every rendered file reaches its container, with its mode, owned by root", async () => {
    const settings = parseSettings(
      rawFromPulumiConfig(stackFileConfig("dev").values, (k) =>
        stackFileConfig("dev").secretKeys.includes(k),
      ),
      {
        stack: "dev",
        projectDir: "/",
      },
    );
    // The program rendered with the generated secrets; compare paths and modes (contents differ).
    const bucketName = String(dev.one(T.bucket).inputs.bucket);
    const expected = renderAll(settings, placeholderSecrets(settings), { bucketName });
    const check = (name: string, tree: Record<string, { mode: number }>) => {
      const got = uploads(byName(dev, name));
      expect(got.map((u) => u.file)).toEqual(Object.keys(tree).sort());
      for (const u of got) {
        expect(u.permissions).toBe(`0${tree[u.file].mode.toString(8)}`);
        expect([u.owner, u.group]).toEqual(["0", "0"]);
      }
    };
    check("dev-bareos-dir", expected.director);
    check("dev-bareos-sd", expected.storage);
    check("dev-bareos-fd", expected.clients["bareos-fd"]);
    check("dev-bareos-webui-php", expected.webui);
    // Credential files are 0600, configuration 0640.
    const dir = uploads(byName(dev, "dev-bareos-dir"));
    expect(dir.find((u) => u.file === "/etc/bareos/catalog-admin.pgpass")?.permissions).toBe("0600");
    expect(dir.find((u) => u.file.endsWith("/pool/S3-Full.conf"))?.permissions).toBe("0640");
    expect(
      uploads(byName(dev, "dev-bareos-sd")).find((u) => u.file === "/etc/bareos/s3/rclone.conf")?.permissions,
    ).toBe("0600");
  });

  test("both sides of each pair carry the same generated password", () => {
    const text = (name: string, suffix: string) =>
      uploads(byName(dev, name)).find((u) => u.file.endsWith(suffix))?.content ?? "";
    const password = (conf: string) => /Password = "([^"]+)"/.exec(conf)?.[1];
    const storagePw = password(text("dev-bareos-dir", "/storage/S3Storage.conf"));
    expect(storagePw).toBeDefined();
    expect(password(text("dev-bareos-sd", "/director/bareos-dir.conf"))).toBe(storagePw);
    const clientPw = password(text("dev-bareos-dir", "/client/bareos-fd.conf"));
    expect(password(text("dev-bareos-fd", "/director/bareos-dir.conf"))).toBe(clientPw);
    expect(clientPw).not.toBe(storagePw);
    expect(dev.secretValues.has(String(storagePw))).toBe(true);
  });

  test("uploads are secret inputs; no secret appears anywhere in clear", async () => {
    const withUploads = [...containers(dev), ...gates(dev)].filter((c) => uploads(c).length > 0);
    // Director, storage daemon and both file daemons, each with its gate; the webui's php-fpm.
    expect(withUploads.length).toBe(9);
    for (const c of withUploads) expect(dev.pulumi.runtime.isRpcSecret(c.rawInputs.uploads)).toBe(true);
    expect(await secretLeaks(dev)).toEqual([]);
  });
});

describe("health and start order", () => {
  test("every container has a health check and `pulumi up` waits for it", () => {
    for (const c of containers(dev)) {
      expect((c.inputs.healthcheck as { tests: string[] }).tests.length).toBeGreaterThan(0);
      expect(c.inputs.wait).toBe(true);
      expect(c.inputs.restart).toBe("unless-stopped");
      expect(c.inputs.logOpts).toEqual({ "max-size": "10m", "max-file": "5" });
      // The provider's default of 0 s would SIGKILL a daemon (or PostgreSQL) on every replacement.
      expect(c.inputs.destroyGraceSeconds).toBe(c.inputs.name === "dev-bareos-db" ? 60 : 30);
    }
    const test = (name: string) =>
      (byName(dev, name).inputs.healthcheck as { tests: string[] }).tests.join(" ");
    expect(test("dev-bareos-db")).toMatch(/pg_isready/);
    expect(test("dev-bareos-dir")).toMatch(/echo version \| bconsole/);
    expect(test("dev-bareos-sd")).toMatch(/\/dev\/tcp\/127\.0\.0\.1\/9103/);
    expect(test("dev-bareos-fd")).toMatch(/\/dev\/tcp\/127\.0\.0\.1\/9102/);
    expect(test("dev-bareos-webui-php")).toMatch(/\/dev\/tcp\/127\.0\.0\.1\/9000/);
    expect(test("dev-bareos-webui")).toMatch(/curl .*grep -q 'name="consolename"'/);
  });

  test("director after a healthy catalog; webui after director and php-fpm", () => {
    const db = byName(dev, "dev-bareos-db");
    const dir = byName(dev, "dev-bareos-dir");
    const php = byName(dev, "dev-bareos-webui-php");
    const nginx = byName(dev, "dev-bareos-webui");
    expect(dependsOn(dir, db)).toBe(true);
    expect(dependsOn(php, dir)).toBe(true);
    expect(dependsOn(nginx, php)).toBe(true);
    expect(dependsOn(nginx, dir)).toBe(true);
    expect(db.inputs.wait).toBe(true);
  });

  test("a configuration gate precedes each daemon and runs its test on the same files and image", () => {
    for (const [daemon, gate] of [
      ["dev-bareos-dir", "dev-bareos-dir-config-check"],
      ["dev-bareos-sd", "dev-bareos-sd-config-check"],
      ["dev-bareos-fd", "dev-bareos-fd-config-check"],
    ]) {
      const d = byName(dev, daemon);
      const g = byName(dev, gate);
      expect(g.inputs).toMatchObject({ mustRun: false, attach: true, logs: true, restart: "no" });
      // A parse error quotes the offending line, which may hold a password.
      expect(g.additionalSecretOutputs).toEqual(["containerLogs"]);
      expect(g.inputs.envs).toContain("CONFIG_TEST_ONLY=1");
      expect(g.inputs.image).toBe(d.inputs.image);
      expect(uploads(g)).toEqual(uploads(d));
      expect(dependsOn(d, g)).toBe(true);
      expect(
        (d.inputs.labels as { label: string; value: string }[]).find((l) => l.label.endsWith("config-check"))
          ?.value,
      ).toBe(g.id);
    }
    // The director's test connects to the catalog: its gate waits for it.
    expect(dependsOn(byName(dev, "dev-bareos-dir-config-check"), byName(dev, "dev-bareos-db"))).toBe(true);
  });

  test("a failing gate rejects with the daemon's own output; a passing one yields its container id", async () => {
    dockerMock.failingContainers.add("bad-config-check");
    dockerMock.failingLogs = 'bareos-sd: ERROR TERMINATION\nConfig error: unknown directive "Devce Type"\n';
    try {
      let outcome: { good?: unknown; bad?: unknown } = {};
      await runProgram("dev", stackFileConfig("dev"), async () => {
        const pulumi = await import("@pulumi/pulumi");
        const { ConfigGate } = await import("../../components/configGate");
        const gate = (containerName: string) =>
          new ConfigGate(containerName, {
            image: "sha256:abc",
            containerName,
            uploads: [],
            networkName: "net",
          }).passed;
        // An Output carries a few internal promises that all reject with the apply's error; the
        // runtime awaits them when the Output feeds a resource. Here the test is that consumer.
        const settle = (o: import("@pulumi/pulumi").Output<string>) => {
          const internal = o as unknown as {
            promise(): Promise<string>;
            isKnown: Promise<boolean>;
            isSecret: Promise<boolean>;
          };
          internal.isKnown.catch(() => undefined);
          internal.isSecret.catch(() => undefined);
          return internal.promise().then(
            (v) => v,
            (e: unknown) => e,
          );
        };
        outcome = {
          good: await settle(gate("good-config-check")),
          bad: await settle(gate("bad-config-check")),
        };
        return { ok: pulumi.output(true) };
      });
      expect(outcome.good).toBe("good-config-check-container-id");
      expect(outcome.bad).toBeInstanceOf(Error);
      expect(String(outcome.bad)).toMatch(/Configuration test failed in bad-config-check \(exit 1\)/);
      expect(String(outcome.bad)).toContain('unknown directive "Devce Type"');
      expect(String(outcome.bad)).toContain("the running daemon was left in place");
    } finally {
      dockerMock.failingContainers.clear();
      dockerMock.failingLogs = "";
    }
  });
});

describe("ports", () => {
  test("only the webui is published, on 127.0.0.1:8080 by default", () => {
    const published = containers(dev).filter((c) => ports(c).length > 0);
    expect(published.map((c) => c.inputs.name)).toEqual(["dev-bareos-webui"]);
    expect(ports(published[0])).toEqual([{ internal: 9100, external: 8080, ip: "127.0.0.1" }]);
  });

  test("director and storage ports are opt-in, bound where configured", async () => {
    const run = await runProgram(
      "dev",
      inlineConfig({
        director: { publish: true, bindAddress: "10.1.2.3", port: 19101 },
        storage: { publish: true, bindAddress: "10.1.2.3", port: 19103, address: "backup.example.com" },
        webui: { bindAddress: "0.0.0.0", port: 8443 },
      }),
    );
    expect(ports(byName(run, "dev-bareos-dir"))).toEqual([
      { internal: 9101, external: 19101, ip: "10.1.2.3" },
    ]);
    expect(ports(byName(run, "dev-bareos-sd"))).toEqual([
      { internal: 9103, external: 19103, ip: "10.1.2.3" },
    ]);
    expect(ports(byName(run, "dev-bareos-webui"))).toEqual([
      { internal: 9100, external: 8443, ip: "0.0.0.0" },
    ]);
    for (const name of ["dev-bareos-db", "dev-bareos-fd", "dev-bareos-webui-php", "dev-bareos-smtp"]) {
      expect(ports(byName(run, name))).toEqual([]);
    }
  });
});

describe("volumes and mounts", () => {
  test("named volumes; data read-only; restores writable; the catalog dump visible to the catalog's client", () => {
    const vols = (name: string) =>
      byName(dev, name).inputs.volumes as {
        volumeName?: string;
        hostPath?: string;
        containerPath: string;
        readOnly?: boolean;
      }[];
    expect(vols("dev-bareos-db")).toEqual([
      { volumeName: "dev-bareos-catalog", containerPath: "/var/lib/postgresql/data" },
    ]);
    expect(vols("dev-bareos-dir")).toEqual([
      { volumeName: "dev-bareos-director-data", containerPath: "/var/lib/bareos" },
      { volumeName: "dev-bareos-director-logs", containerPath: "/var/log/bareos" },
      { volumeName: "dev-bareos-dr-kit", containerPath: "/var/lib/bareos-dr-kit" },
    ]);
    // The storage daemon reads the recovery kit (to upload it), never writes it.
    expect(byName(dev, "dev-bareos-sd").inputs.envs).toEqual(["GLIBC_TUNABLES=glibc.malloc.hugetlb=1"]);
    expect(vols("dev-bareos-sd")).toContainEqual({
      volumeName: "dev-bareos-dr-kit",
      containerPath: "/var/lib/bareos-dr-kit",
      readOnly: true,
    });
    const fd = vols("dev-bareos-fd");
    expect(fd).toContainEqual({
      hostPath: expect.stringMatching(/\/data$/),
      containerPath: "/data",
      readOnly: true,
    });
    expect(fd).toContainEqual({ volumeName: "dev-bareos-restores", containerPath: "/tmp/bareos-restores" });
    // The catalog dump is seen by the stack's own catalog client only, not by a data client.
    expect(fd.map((v) => v.volumeName)).not.toContain("dev-bareos-director-data");
    expect(vols("dev-bareos-catalog-fd")).toContainEqual({
      volumeName: "dev-bareos-director-data",
      containerPath: "/var/lib/bareos-director",
      readOnly: true,
    });
    expect(vols("dev-bareos-catalog-fd").filter((v) => v.hostPath !== undefined)).toEqual([]);
    // The storage daemon's memory holds the S3 buffer: 2 GiB by default.
    expect(byName(dev, "dev-bareos-sd").inputs.memory).toBe(2048);
  });

  test("nothing is protected on dev: destroy removes it all", () => {
    expect(dev.resources.filter((r) => r.protect || r.retainOnDelete)).toEqual([]);
  });
});

describe("re-runs and changes", () => {
  const inputsOf = (run: ProgramRun) =>
    Object.fromEntries(run.resources.filter((r) => r.custom).map((r) => [r.urn, JSON.stringify(r.inputs)]));

  test("the same settings twice give identical inputs", async () => {
    const again = await runProgram("dev", stackFileConfig("dev"));
    expect(inputsOf(again)).toEqual(inputsOf(dev));
  });

  test("changing one pool's retention changes the director (and its gate) only", async () => {
    const config = stackFileConfig("dev");
    const changed = await runProgram("dev", {
      ...config,
      values: {
        ...config.values,
        "bareos-s3-backup:pools": JSON.stringify([
          {
            name: "S3-Full",
            level: "Full",
            volumeRetention: "400 days",
            maximumVolumeBytes: "50 G",
            maximumVolumes: 100,
            labelFormat: "S3-Full-",
          },
          {
            name: "S3-Differential",
            level: "Differential",
            volumeRetention: "90 days",
            maximumVolumeBytes: "20 G",
            maximumVolumes: 500,
            labelFormat: "S3-Diff-",
          },
          {
            name: "S3-Incremental",
            level: "Incremental",
            volumeRetention: "30 days",
            maximumVolumeBytes: "10 G",
            maximumVolumes: 1000,
            labelFormat: "S3-Inc-",
          },
        ]),
      },
    });
    const before = inputsOf(dev);
    const after = inputsOf(changed);
    const differing = Object.keys(before)
      .filter((urn) => before[urn] !== after[urn])
      .map((urn) => urn.slice(urn.lastIndexOf("::") + 2))
      .sort();
    expect(differing).toEqual(["bareos-director-container", "bareos-director-gate-check"]);
  });
});

// ---- helpers

// Settings that change the Docker side: the legacy barcus preset, mail relays, a remote Docker host,
// client-side encryption.
import type * as pulumi from "@pulumi/pulumi";
import { ProgramRun, RecordedResource, T, inlineConfig, runProgram, secretLeaks } from "./harness";

type Upload = { file: string; content: string; permissions: string };
const container = (run: ProgramRun, name: string): RecordedResource => {
  const found = run.byType(T.container).filter((c) => c.inputs.name === name);
  if (found.length !== 1) throw new Error(`expected one container ${name}, found ${found.length}`);
  return found[0];
};
const uploads = (c: RecordedResource) => (c.inputs.uploads ?? []) as Upload[];
const envs = (c: RecordedResource) => (c.inputs.envs ?? []) as string[];
const healthTest = (c: RecordedResource) => (c.inputs.healthcheck as { tests: string[] }).tests;

describe("a mirrored Bareos repository and Debian's own PostgreSQL", () => {
  let run: ProgramRun;
  const repository = {
    url: "http://apt-mirror.internal.example.com/bareos/Debian_12/",
    keyFingerprint: "a8e2 8fde b72e 44fb 7e8e  733d 8a79 61a4 2636 d6b6",
  };
  beforeAll(async () => {
    run = await runProgram(
      "dev",
      inlineConfig({ images: { bareosRepository: repository }, catalog: { postgresMajor: 15 } }),
    );
  });

  test("every Bareos image build gets the mirror and its key, normalised", () => {
    const built = run.byType(T.image).filter((i) => i.inputs.build !== undefined);
    expect(built).toHaveLength(5);
    for (const i of built) {
      expect((i.inputs.build as { buildArgs: object }).buildArgs).toMatchObject({
        BAREOS_REPO_URL: "http://apt-mirror.internal.example.com/bareos/Debian_12",
        BAREOS_KEY_FINGERPRINT: "A8E28FDEB72E44FB7E8E733D8A7961A42636D6B6",
      });
    }
  });

  test("catalog and pg_dump come from one major: PostgreSQL 15 needs no PGDG repository", () => {
    const pulled = run.byType(T.image).filter((i) => i.inputs.build === undefined);
    expect(pulled.map((i) => i.inputs.name)).toContain("postgres:15.14-bookworm");
    expect((run.one(T.image, "-director").inputs.build as { buildArgs: object }).buildArgs).toMatchObject({
      POSTGRES_MAJOR: "15",
      POSTGRES_CLIENT_SOURCE: "debian",
    });
  });
});

describe("legacy barcus-22 preset", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram("dev", inlineConfig({ bareosVersion: "22", images: { preset: "barcus-22" } }));
  });

  test("pulls the barcus images instead of building", () => {
    const images = run.byType(T.image);
    expect(images.filter((i) => i.inputs.build !== undefined)).toEqual([]);
    expect(images.map((i) => i.inputs.name)).toEqual(
      expect.arrayContaining([
        "barcus/bareos-director:22-alpine",
        "barcus/bareos-storage:22-alpine",
        "barcus/bareos-client:22-alpine",
        "barcus/bareos-webui:22-alpine",
      ]),
    );
  });

  test("ships the control files so the entrypoints leave the rendered configuration alone", () => {
    for (const name of ["dev-bareos-dir", "dev-bareos-sd", "dev-bareos-fd"]) {
      expect(uploads(container(run, name)).map((u) => u.file)).toContain("/etc/bareos/bareos-config.control");
    }
    for (const name of ["dev-bareos-webui", "dev-bareos-webui-php"]) {
      expect(uploads(container(run, name)).map((u) => u.file)).toContain(
        "/etc/bareos-webui/bareos-config.control",
      );
    }
  });

  test("the droplet device on Bareos 22, with DbDriver", () => {
    const sd = uploads(container(run, "dev-bareos-sd"));
    expect(sd.find((u) => u.file.endsWith("/device/S3Storage.conf"))?.content).toMatch(
      /Device Type = "droplet"/,
    );
    expect(sd.map((u) => u.file)).toContain("/etc/bareos/bareos-sd.d/device/droplet/S3Storage.profile");
    const catalog = uploads(container(run, "dev-bareos-dir")).find((u) =>
      u.file.endsWith("/catalog/MyCatalog.conf"),
    );
    expect(catalog?.content).toMatch(/DB Driver = /);
  });

  test("gates run the daemons' -t directly; health checks fit busybox", () => {
    expect(container(run, "dev-bareos-dir-config-check").inputs.command).toEqual([
      "/usr/sbin/bareos-dir",
      "-t",
      "-c",
      "/etc/bareos",
    ]);
    expect(container(run, "dev-bareos-sd-config-check").inputs.command?.toString()).toMatch(/bareos-sd,-t/);
    expect(healthTest(container(run, "dev-bareos-sd"))).toEqual(["CMD", "pgrep", "bareos-sd"]);
    expect(healthTest(container(run, "dev-bareos-webui")).join(" ")).toMatch(/wget -q -O -/);
  });

  test("the director gets barcus' DB_* environment as a secret; the client runs as root", async () => {
    const dir = container(run, "dev-bareos-dir");
    expect(run.pulumi.runtime.isRpcSecret(dir.rawInputs.envs)).toBe(true);
    expect(envs(dir)).toEqual(
      expect.arrayContaining(["DB_HOST=bareos-db", "DB_INIT=true", "DB_NAME=bareos"]),
    );
    const password = envs(dir)
      .find((e) => e.startsWith("DB_PASSWORD="))
      ?.slice("DB_PASSWORD=".length);
    expect(run.secretValues.has(String(password))).toBe(true);
    expect(envs(container(run, "dev-bareos-fd"))).toContain("FORCE_ROOT=true");
    expect(await secretLeaks(run)).toEqual([]);
  });

  test("nginx and php-fpm share the webui code", () => {
    const mounts = (name: string) => container(run, name).inputs.volumes as { containerPath: string }[];
    expect(mounts("dev-bareos-webui")).toEqual([
      { volumeName: "dev-bareos-webui-code", containerPath: "/usr/share/bareos-webui" },
    ]);
    expect(mounts("dev-bareos-webui-php")).toEqual(mounts("dev-bareos-webui"));
  });
});

describe("mail relay", () => {
  test("a smarthost with credentials: the relay gets them as secret environment", async () => {
    const run = await runProgram(
      "dev",
      inlineConfig(
        {
          smtp: {
            smarthost: "smtp.example.com",
            smarthostPort: 2525,
            username: "bareos",
            from: "bareos@example.com",
            to: ["ops@example.com"],
          },
        },
        { smtpPassword: "relay-pass-9f8e7d6c" },
      ),
    );
    const relay = container(run, "dev-bareos-smtp");
    expect(run.pulumi.runtime.isRpcSecret(relay.rawInputs.envs)).toBe(true);
    expect(envs(relay)).toEqual(
      expect.arrayContaining([
        "RELAYHOST=[smtp.example.com]:2525",
        "RELAYHOST_USERNAME=bareos",
        "RELAYHOST_PASSWORD=relay-pass-9f8e7d6c",
        "ALLOWED_SENDER_DOMAINS=example.com",
      ]),
    );
    expect(relay.inputs.ports ?? []).toEqual([]);
    // The director mails through the relay on the network, never to the smarthost directly.
    const standard = uploads(container(run, "dev-bareos-dir")).find((u) =>
      u.file.endsWith("/messages/Standard.conf"),
    );
    expect(standard?.content).toMatch(/bsmtp -h bareos-smtp:587/);
    expect(await secretLeaks(run)).toEqual([]);
  });

  test("no smarthost: direct delivery, nothing secret to pass", async () => {
    const run = await runProgram("dev", inlineConfig({}));
    expect(envs(container(run, "dev-bareos-smtp")).some((e) => e.startsWith("RELAYHOST"))).toBe(false);
  });

  test("Amazon SES: an IAM user allowed to send as the sender only, its SMTP password to the relay", async () => {
    const run = await runProgram(
      "dev",
      inlineConfig({ smtp: { ses: true, from: "bareos@example.com", to: ["ops@example.com"] } }),
    );
    const policy = run.byType(T.userPolicy).find((p) => p.name.includes("smtp"));
    expect(JSON.parse(String(policy?.inputs.policy))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["ses:SendRawEmail"],
          Resource: "*",
          Condition: { StringEquals: { "ses:FromAddress": "bareos@example.com" } },
        },
      ],
    });
    const relay = container(run, "dev-bareos-smtp");
    expect(run.pulumi.runtime.isRpcSecret(relay.rawInputs.envs)).toBe(true);
    expect(envs(relay)).toContain("RELAYHOST=[email-smtp.eu-west-1.amazonaws.com]:587");
    const sesKey = run.byType(T.accessKey).find((k) => k.name.includes("smtp"));
    expect(envs(relay)).toContain(`RELAYHOST_PASSWORD=${String(sesKey?.outputs.sesSmtpPasswordV4)}`);
    expect(await secretLeaks(run)).toEqual([]);
  });
});

describe("a remote Docker host", () => {
  test("one docker provider with that host; every Docker resource uses it", async () => {
    const run = await runProgram("dev", inlineConfig({ docker: { host: "ssh://admin@backup-host" } }));
    const provider = run.one("pulumi:providers:docker");
    expect(provider.inputs.host).toBe("ssh://admin@backup-host");
    const docker = run.resources.filter((r) => r.custom && r.type.startsWith("docker:"));
    expect(docker.length).toBeGreaterThan(20);
    // Provider references are "<urn>::<id>"; the harness records the resource's provider reference.
    for (const r of docker) expect(r.provider).toBe(`${provider.urn}::${provider.id}`);
  });
});

describe("client-side encryption", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram("dev", inlineConfig({ clients: [{ name: "bareos-fd", encryption: true }] }));
  });

  test("the client gets its keypair and the master certificate, readable by root only", () => {
    const fd = uploads(container(run, "dev-bareos-fd"));
    const keypair = fd.find((u) => u.file === "/etc/bareos/pki/bareos-fd.pem");
    const master = fd.find((u) => u.file === "/etc/bareos/pki/master.cert");
    expect(keypair?.permissions).toBe("0600");
    expect(master?.permissions).toBe("0600");
    expect(keypair?.content).toMatch(/BEGIN PRIVATE KEY[\s\S]*BEGIN CERTIFICATE/);
    expect(master?.content).not.toMatch(/PRIVATE KEY/);
    expect(run.byType(T.privateKey).map((k) => k.inputs)).toEqual([
      { algorithm: "RSA", rsaBits: 4096 },
      { algorithm: "RSA", rsaBits: 4096 },
    ]);
  });

  test("certificates carry a subject key identifier, without which Bareos refuses them", () => {
    // "Provided certificate does not include the required subjectKeyIdentifier extension" (found by the
    // e2e: bareos-fd -t refused the keys; the tls provider leaves it out unless asked).
    const certs = run.byType(T.cert);
    expect(certs).toHaveLength(2);
    for (const c of certs) expect(c.inputs.setSubjectKeyId).toBe(true);
  });

  test("the master private key leaves only as a secret output", async () => {
    const out = run.exports as Record<string, pulumi.Output<string>>;
    const master = await run.resolve(out.encryptionMasterKey);
    expect(master.secret).toBe(true);
    expect(master.value).toMatch(/BEGIN PRIVATE KEY/);
    expect(await secretLeaks(run)).toEqual([]);
  });
});

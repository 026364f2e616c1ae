// Bring-your-own S3 (provider "existing") and the local MinIO stack: no AWS resources at all.
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { BareosSecrets } from "../../configs/secrets";
import { ProgramRun, ROOT, T, inlineConfig, runProgram, secretLeaks } from "./harness";

const ACCESS_KEY_ID = "BYO-ACCESS-KEY-ID-7d41c2";
const SECRET_ACCESS_KEY = "byo-secret-access-key-+/9f8e7d6c5b4a";

const existingConfig = inlineConfig(
  {
    s3: {
      provider: "existing",
      bucketName: "team-backups",
      endpoint: "https://objects.example.net",
      region: "eu-central-1",
      pathStyle: true,
    },
  },
  { s3AccessKeyId: ACCESS_KEY_ID, s3SecretAccessKey: SECRET_ACCESS_KEY },
);

/** index.ts's outputs plus the top component's secrets bundle, which index.ts does not export. */
const withBundle = async () => {
  const { loadSettings } = await import(path.join(ROOT, "components/stackConfig"));
  const { BareosBackup } = await import(path.join(ROOT, "components/bareosBackup"));
  const backup = new BareosBackup("bareos", { settings: loadSettings(ROOT) });
  return {
    bucketName: backup.bucketName,
    s3Endpoint: backup.s3Endpoint,
    region: backup.region,
    s3AccessKeyId: backup.s3AccessKeyId,
    bareosSecrets: backup.bareosSecrets,
  };
};

describe("provider existing", () => {
  let run: ProgramRun;
  let bundled: ProgramRun;
  beforeAll(async () => {
    run = await runProgram("byo", existingConfig);
    bundled = await runProgram("byo", existingConfig, withBundle);
  }, 60_000);

  test("no AWS resources, no bucket name suffix", () => {
    expect(run.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(run.invokes).toEqual([]);
    expect(run.byType(T.randomString)).toEqual([]);
    // director, storage, catalog, catalog admin, two clients (bareos-fd, the catalog's), two webui users.
    expect(run.byType(T.password)).toHaveLength(8);
  });

  test("bucket, endpoint and region from settings", async () => {
    const out = run.exports as Record<string, pulumi.Output<string>>;
    expect(await run.resolve(out.bucketName)).toEqual({ value: "team-backups", secret: false });
    expect(await run.resolve(out.s3Endpoint)).toEqual({
      value: "https://objects.example.net",
      secret: false,
    });
    expect(await run.resolve(out.region)).toEqual({ value: "eu-central-1", secret: false });
  });

  test("the configured keys come through, as secrets only", async () => {
    expect(run.secretValues).toEqual(
      new Set([
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        ...run.byType(T.password).map((p) => String(p.outputs.result)),
      ]),
    );
    expect(await run.resolve(run.exports.s3AccessKeyId as pulumi.Output<string>)).toEqual({
      value: ACCESS_KEY_ID,
      secret: true,
    });
    expect(await secretLeaks(run)).toEqual([]);
  });

  test("the component's secrets bundle: every credential, one secret, both sides from one source", async () => {
    const { value, secret } = await bundled.resolve(
      bundled.exports.bareosSecrets as pulumi.Output<BareosSecrets>,
    );
    expect(secret).toBe(true);
    const password = (suffix: string) => String(bundled.one(T.password, suffix).outputs.result);
    expect(value).toEqual({
      director: password("-director"),
      storage: password("-storage"),
      catalog: password("-catalog"),
      catalogAdmin: password("-catalog-admin"),
      clients: {
        "bareos-fd": password("-client-bareos-fd"),
        "bareos-catalog-fd": password("-client-bareos-catalog-fd"),
      },
      webuiUsers: { admin: password("-webui-admin"), viewer: password("-webui-viewer") },
      s3AccessKeyId: ACCESS_KEY_ID,
      s3SecretAccessKey: SECRET_ACCESS_KEY,
      clientKeys: {},
    });
    expect(await secretLeaks(bundled)).toEqual([]);
  });
});

describe("provider minio", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram("local", inlineConfig({ s3: { provider: "minio" } }), withBundle);
  });

  test("no AWS resources", () => {
    expect(run.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(run.byType(T.randomString)).toEqual([]);
  });

  test("deterministic bucket name and the MinIO service endpoint", async () => {
    const out = run.exports as Record<string, pulumi.Output<string>>;
    expect((await run.resolve(out.bucketName)).value).toBe("bareos-volumes");
    expect((await run.resolve(out.s3Endpoint)).value).toBe("http://minio:9000");
  });

  test("the storage daemon's keys come from the MinIO component, as secrets", async () => {
    const out = run.exports as Record<string, pulumi.Output<string>>;
    expect(await run.resolve(out.s3AccessKeyId)).toEqual({ value: "bareos-sd", secret: true });
    expect(run.byType(T.container).map((c) => c.inputs.name)).toContain("local-minio");
  });

  test("no leaks", async () => {
    expect(await secretLeaks(run)).toEqual([]);
  });
});

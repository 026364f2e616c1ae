// The settings layer on good input: defaults (the hand-built setup with its weaknesses fixed),
// normalisation, the two raw readers, and the stack files shipped in the repository.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  PROJECT,
  RawConfig,
  SECRET_KEYS,
  Settings,
  SettingsError,
  bucketNameProblem,
  derivedBucketPrefix,
  keyPath,
  parseSettings,
  rawFromPulumiConfig,
  rawFromStackFiles,
} from "../../configs/settings";
import { DAY, GiB, MiB } from "../../configs/units";

const ROOT = path.resolve(__dirname, "../..");
const ctx = { stack: "dev", projectDir: "/srv/project" };

function settingsOf(values: Record<string, unknown>, secretKeys: readonly string[] = []): Settings {
  return parseSettings({ values, secretKeys: new Set(secretKeys) }, ctx);
}

describe("defaults (an empty stack)", () => {
  const s = parseSettings({ values: {}, secretKeys: new Set() }, ctx);

  it("keeps the hand-built S3-Full pool: 365 days, 50 G volumes, 100 volumes", () => {
    expect(s.pools.find((p) => p.name === "S3-Full")).toEqual({
      name: "S3-Full",
      level: "Full",
      volumeRetentionSeconds: 365 * DAY,
      maximumVolumeBytes: 50 * GiB,
      maximumVolumes: 100,
      labelFormat: "S3-Full-",
      description: "S3 storage pool for full backups",
    });
  });

  it("keeps the hand-built S3-Incremental pool: 30 days, 10 G volumes, 1000 volumes", () => {
    expect(s.pools.find((p) => p.name === "S3-Incremental")).toEqual({
      name: "S3-Incremental",
      level: "Incremental",
      volumeRetentionSeconds: 30 * DAY,
      maximumVolumeBytes: 10 * GiB,
      maximumVolumes: 1000,
      labelFormat: "S3-Inc-",
      description: "S3 storage pool for incremental backups",
    });
  });

  it("adds a Differential pool between them", () => {
    expect(s.pools.map((p) => [p.name, p.level])).toEqual([
      ["S3-Full", "Full"],
      ["S3-Differential", "Differential"],
      ["S3-Incremental", "Incremental"],
    ]);
  });

  it("backs up /data with a signature and LZ4, excluding *.tmp and /data/cache, with XXH128 instead of MD5", () => {
    expect(s.fileSets).toEqual([
      {
        name: "TestData",
        description: "Test data for S3 backup validation",
        include: ["/data"],
        exclude: ["*.tmp", "/data/cache"],
        signature: "XXH128",
        compression: "LZ4",
        plugins: [],
      },
    ]);
  });

  it("has the hand-built job, now on a schedule with its pools resolved", () => {
    expect(s.jobs).toEqual([
      {
        name: "backup-testdata-s3",
        description: "Backup job for test data to S3",
        client: "bareos-fd",
        fileSet: "TestData",
        schedule: "WeeklyCycle",
        fullPool: "S3-Full",
        differentialPool: "S3-Differential",
        incrementalPool: "S3-Incremental",
        level: "Incremental",
        priority: 10,
        enabled: true,
        verify: true,
      },
    ]);
  });

  it("has Bareos's WeeklyCycle schedule with a monthly Full run", () => {
    expect(s.schedules).toHaveLength(1);
    const [weekly] = s.schedules;
    expect(weekly.name).toBe("WeeklyCycle");
    expect(weekly.runs.map((r) => [r.level, r.when.text])).toEqual([
      ["Full", "1st sat at 21:00"],
      ["Differential", "2nd-5th sat at 21:00"],
      ["Incremental", "mon-fri at 21:00"],
    ]);
    expect(weekly.runs[0].when).toMatchObject({ weekdays: 1 << 6, weeksOfMonth: 1, hour: 21, minute: 0 });
  });

  it("serves the webui on 127.0.0.1:8080 with an admin and a read-only user", () => {
    expect(s.webui).toEqual({
      bindAddress: "127.0.0.1",
      port: 8080,
      users: [
        { name: "admin", profile: "webui-admin" },
        { name: "viewer", profile: "webui-readonly" },
      ],
    });
  });

  it("runs Bareos 25 with the dplcompat backend and sized chunks", () => {
    expect(s.bareosVersion).toBe("25");
    expect(s.s3).toMatchObject({
      provider: "aws",
      backend: "dplcompat",
      region: "eu-west-1",
      pathStyle: false,
      storageClass: "STANDARD",
      transitions: [],
      versioning: true,
      forceDestroy: false,
      chunkSize: 100 * MiB,
      ioThreads: 0,
      ioSlots: 1,
      writeBehind: 2,
      readAhead: false,
      program: "curl-wrapper.sh",
    });
    expect(s.s3.bucketName).toBeUndefined();
  });

  it("keeps the hand-built storage names and a memory limit above the S3 buffer", () => {
    expect(s.storage).toEqual({
      name: "bareos-sd",
      deviceName: "S3Storage",
      mediaType: "S3_Object",
      maximumConcurrentJobs: 1,
      memoryLimit: 2 * GiB,
      // Not published: only managed clients, which resolve the container name.
      publish: false,
      bindAddress: "127.0.0.1",
      port: 9103,
    });
    // What the memory check counts for the default device (tests/configs/settings/rules/storage.test.ts).
    expect(s.storage.memoryLimit).toBeGreaterThanOrEqual(540 * MiB);
  });

  it("runs one managed file daemon that mounts ./data of the project as /data", () => {
    expect(s.clients).toEqual([
      {
        name: "bareos-fd",
        managed: true,
        address: "bareos-fd",
        port: 9102,
        encryption: false,
        pluginNames: [],
        mounts: [{ hostPath: path.join(ctx.projectDir, "data"), containerPath: "/data" }],
      },
      // The stack's own client for BackupCatalog: never encrypted, nothing mounted.
      {
        name: "bareos-catalog-fd",
        managed: true,
        address: "bareos-catalog-fd",
        port: 9102,
        encryption: false,
        pluginNames: [],
        mounts: [],
        description:
          "The stack's own client: backs up the catalog dump (unencrypted, for disaster recovery).",
        stackOwned: true,
      },
    ]);
  });

  it("keeps the director private and the stack unprotected", () => {
    expect(s.director).toEqual({
      name: "bareos-dir",
      maximumConcurrentJobs: 10,
      publish: false,
      bindAddress: "127.0.0.1",
      port: 9101,
    });
    expect(s.protect).toBe(false);
  });

  it("has the service names, project, stack and no secrets", () => {
    expect(s.project).toBe(PROJECT);
    expect(s.stack).toBe("dev");
    expect(s.names).toEqual({
      catalog: "bareos-db",
      catalogFd: "bareos-catalog-fd",
      director: "bareos-dir",
      storage: "bareos-sd",
      webui: "bareos-webui",
      webuiPhp: "bareos-webui-php",
      smtp: "bareos-smtp",
      minio: "minio",
    });
    for (const key of SECRET_KEYS) expect(s.secrets[key]).toBeUndefined();
  });

  it("mails root@localhost through the relay, and the default addresses are valid when written out", () => {
    expect(s.smtp).toEqual({
      smarthostPort: 587,
      from: "bareos@localhost",
      to: ["root@localhost"],
      ses: false,
    });
    expect(settingsOf({ smtp: { from: "bareos@localhost", to: ["root@localhost"] } }).smtp.to).toEqual([
      "root@localhost",
    ]);
  });

  it("returns fresh objects on every call", () => {
    const again = parseSettings({ values: {}, secretKeys: new Set() }, ctx);
    expect(again).toEqual(s);
    expect(again.pools).not.toBe(s.pools);
  });
});

describe("normalisation", () => {
  it("parses units into numbers once", () => {
    const s = settingsOf({
      pools: [
        {
          name: "Weekly",
          level: "Full",
          volumeRetention: "6 weeks",
          maximumVolumeBytes: "20 G",
          maximumVolumes: 10,
          labelFormat: "W-",
        },
      ],
      clients: [{ name: "bareos-fd", maximumBandwidthPerJob: "50 m/s" }],
      storage: { memoryLimit: "4 G" },
      s3: { chunkSize: "200 M" },
    });
    expect(s.pools[0].volumeRetentionSeconds).toBe(42 * DAY);
    expect(s.pools[0].maximumVolumeBytes).toBe(20 * GiB);
    expect(s.clients[0].maximumBandwidthPerJob).toBe(50 * MiB);
    expect(s.storage.memoryLimit).toBe(4 * GiB);
    expect(s.s3.chunkSize).toBe(200 * MiB);
  });

  it("takes plain numbers as seconds and bytes", () => {
    const s = settingsOf({ storage: { memoryLimit: 3 * GiB }, s3: { chunkSize: 50 * MiB } });
    expect(s.storage.memoryLimit).toBe(3 * GiB);
    expect(s.s3.chunkSize).toBe(50 * MiB);
  });

  it("accepts bareosVersion as a number and defaults Bareos 22 to droplet", () => {
    const s = settingsOf({ bareosVersion: 22 });
    expect(s.bareosVersion).toBe("22");
    expect(s.s3).toMatchObject({ backend: "droplet", chunkSize: 10 * MiB, ioThreads: 1, ioSlots: 10 });
    expect(settingsOf({ bareosVersion: 24 }).s3.backend).toBe("dplcompat");
  });

  it("lets Bareos 22 run the legacy barcus images", () => {
    expect(settingsOf({ bareosVersion: "22", images: { preset: "barcus-22" } }).images.preset).toBe(
      "barcus-22",
    );
  });

  it("uses path-style addressing for MinIO", () => {
    expect(settingsOf({ s3: { provider: "minio" } }).s3.pathStyle).toBe(true);
  });

  it("takes an existing bucket with secret keys and an endpoint", () => {
    const s = settingsOf(
      {
        s3: {
          provider: "existing",
          bucketName: "my-backups",
          endpoint: "https://s3.example.com",
          pathStyle: true,
        },
        s3AccessKeyId: "AKIAEXAMPLE",
        s3SecretAccessKey: "secret",
      },
      ["s3AccessKeyId", "s3SecretAccessKey"],
    );
    expect(s.s3).toMatchObject({
      provider: "existing",
      bucketName: "my-backups",
      endpoint: "https://s3.example.com",
      pathStyle: true,
    });
    expect(s.secrets).toEqual({
      smtpPassword: undefined,
      s3AccessKeyId: "AKIAEXAMPLE",
      s3SecretAccessKey: "secret",
    });
  });

  it("takes smtp credentials as a secret", () => {
    const s = settingsOf(
      { smtp: { smarthost: "smtp.example.com", username: "bareos" }, smtpPassword: "pw" },
      ["smtpPassword"],
    );
    expect(s.smtp.username).toBe("bareos");
    expect(s.secrets.smtpPassword).toBe("pw");
  });

  it("resolves client addresses and mounts", () => {
    const s = settingsOf({
      clients: [
        { name: "bareos-fd" },
        { name: "app-fd", mounts: [{ hostPath: "../app", containerPath: "/app" }] },
        { name: "extra-fd" },
        { name: "nas-fd", managed: false, address: "nas.example.com", port: 19102 },
      ],
      storage: { address: "backup.example.com", publish: true, bindAddress: "192.0.2.10" },
    });
    expect(s.clients.map((c) => [c.name, c.address, c.port])).toEqual([
      ["bareos-fd", "bareos-fd", 9102],
      ["app-fd", "app-fd", 9102],
      ["extra-fd", "extra-fd", 9102],
      ["nas-fd", "nas.example.com", 19102],
      ["bareos-catalog-fd", "bareos-catalog-fd", 9102],
    ]);
    // Only the first managed client gets the default ./data mount; relative host paths resolve
    // against the project directory.
    expect(s.clients[0].mounts).toEqual([{ hostPath: "/srv/project/data", containerPath: "/data" }]);
    expect(s.clients[1].mounts).toEqual([{ hostPath: "/srv/app", containerPath: "/app" }]);
    expect(s.clients[2].mounts).toEqual([]);
    expect(s.clients[3].mounts).toEqual([]);
  });

  it("falls back to the Full pool for differentials and to the Differential pool for incrementals", () => {
    const full = {
      name: "Full",
      level: "Full",
      volumeRetention: "365 days",
      maximumVolumeBytes: "50 G",
      maximumVolumes: 10,
      labelFormat: "F-",
    };
    const diff = {
      ...full,
      name: "Diff",
      level: "Differential",
      volumeRetention: "60 days",
      labelFormat: "D-",
    };
    expect(settingsOf({ pools: [full] }).jobs[0]).toMatchObject({
      fullPool: "Full",
      differentialPool: "Full",
      incrementalPool: "Full",
    });
    expect(settingsOf({ pools: [full, diff] }).jobs[0]).toMatchObject({
      fullPool: "Full",
      differentialPool: "Diff",
      incrementalPool: "Diff",
    });
  });

  it("keeps pools named by a job", () => {
    const full2 = {
      name: "Full-2",
      level: "Full",
      volumeRetention: "2 years",
      maximumVolumeBytes: "50 G",
      maximumVolumes: 10,
      labelFormat: "F2-",
    };
    const s = settingsOf({
      pools: [
        { ...full2, name: "S3-Full", labelFormat: "S3-Full-" },
        full2,
        {
          ...full2,
          name: "S3-Incremental",
          level: "Incremental",
          volumeRetention: "30 days",
          labelFormat: "I-",
        },
      ],
      jobs: [
        { name: "a", client: "bareos-fd", fileSet: "TestData", schedule: "WeeklyCycle", fullPool: "Full-2" },
      ],
    });
    expect(s.jobs[0]).toMatchObject({ fullPool: "Full-2", differentialPool: "S3-Full" });
  });

  it("allows a job without a schedule (run by hand) and a stack without jobs", () => {
    expect(
      settingsOf({ jobs: [{ name: "manual", client: "bareos-fd", fileSet: "TestData" }] }).jobs[0].schedule,
    ).toBe(undefined);
    expect(settingsOf({ jobs: [] }).jobs).toEqual([]);
  });

  it("accepts the readable storage classes and transitions", () => {
    const s = settingsOf({
      s3: {
        storageClass: "STANDARD",
        transitions: [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: 90, storageClass: "GLACIER_IR" },
        ],
      },
    });
    expect(s.s3.storageClass).toBe("STANDARD");
    expect(s.s3.transitions).toHaveLength(2);
  });

  it("accepts a yearly Full run with a retention covering the leap-year gap", () => {
    const s = settingsOf({
      schedules: [
        {
          name: "WeeklyCycle",
          runs: [
            { level: "Full", when: "1 jan at 00:00" },
            { level: "Incremental", when: "daily at 21:00" },
          ],
        },
      ],
      pools: [
        {
          name: "S3-Full",
          level: "Full",
          volumeRetention: "366 days",
          maximumVolumeBytes: "50 G",
          maximumVolumes: 100,
          labelFormat: "F-",
        },
        {
          name: "S3-Incremental",
          level: "Incremental",
          volumeRetention: "366 days",
          maximumVolumeBytes: "10 G",
          maximumVolumes: 100,
          labelFormat: "I-",
        },
      ],
    });
    expect(s.pools[0].volumeRetentionSeconds).toBe(366 * DAY);
  });
});

describe("keyPath", () => {
  it.each<[PropertyKey[], string]>([
    [["pools", 1, "volumeRetention"], "pools[1].volumeRetention"],
    [["s3", "transitions", 0, "storageClass"], "s3.transitions[0].storageClass"],
    [["protect"], "protect"],
    [["smtp", "to", 2], "smtp.to[2]"],
    [[], ""],
  ])("%j is %j", (p, text) => {
    expect(keyPath(p)).toBe(text);
  });
});

describe("bucketNameProblem", () => {
  it.each(["bareos-backups-2025", "abc", "a".repeat(63), "bareos-s3-backup-dev-abcdefgh", "123-backups"])(
    "accepts %j",
    (name) => {
      expect(bucketNameProblem(name)).toBeUndefined();
    },
  );

  it.each<[string, RegExp]>([
    ["ab", /3 to 63 characters/],
    ["a".repeat(64), /3 to 63 characters/],
    ["MyBucket", /lower-case letters/],
    ["my_bucket", /lower-case letters/],
    ["-bucket", /start and end with a letter or digit/],
    ["bucket-", /start and end with a letter or digit/],
    ["my..bucket", /two adjacent periods/],
    ["192.168.1.1", /IP address/],
    ["xn--bucket", /xn--/],
    ["sthree-bucket", /sthree-/],
    ["amzn-s3-demo-bucket", /amzn-s3-demo-/],
    ["bucket-s3alias", /reserved AWS suffix/],
    ["bucket--ol-s3", /reserved AWS suffix/],
    ["bucket--x-s3", /reserved AWS suffix/],
    ["my.bucket", /must not contain '\.'/],
  ])("refuses %j", (name, why) => {
    expect(bucketNameProblem(name)).toMatch(why);
  });
});

describe("derivedBucketPrefix", () => {
  it("joins project and stack in lower case", () => {
    expect(derivedBucketPrefix(PROJECT, "dev")).toBe("bareos-s3-backup-dev");
    expect(derivedBucketPrefix(PROJECT, "Prod_EU.1")).toBe("bareos-s3-backup-prod-eu-1");
  });

  it.each(["dev", "Prod_EU", "x".repeat(100), "a-".repeat(40), "org/team/stack"])(
    "leaves room for the 9-character suffix with stack %j",
    (stack) => {
      const prefix = derivedBucketPrefix(PROJECT, stack);
      expect(prefix.length).toBeLessThanOrEqual(54);
      expect(prefix).not.toMatch(/-$/);
      expect(bucketNameProblem(`${prefix}-abcdefgh`)).toBeUndefined();
    },
  );
});

describe("rawFromPulumiConfig", () => {
  const secret = new Set([
    `${PROJECT}:s3AccessKeyId`,
    `${PROJECT}:s3SecretAccessKey`,
    `${PROJECT}:smtpPassword`,
  ]);
  const raw: RawConfig = rawFromPulumiConfig(
    {
      "aws:region": "eu-west-1",
      [`${PROJECT}:protect`]: "true",
      [`${PROJECT}:bareosVersion`]: "25",
      [`${PROJECT}:s3`]: JSON.stringify({ provider: "existing", bucketName: "my-backups" }),
      [`${PROJECT}:config:webui`]: JSON.stringify({ port: 8081 }),
      [`${PROJECT}:s3AccessKeyId`]: "12345",
      [`${PROJECT}:s3SecretAccessKey`]: '{"not":"json to us"}',
      [`${PROJECT}:smtpPassword`]: "true",
      [`${PROJECT}:smtp`]: "not json",
    },
    (key) => secret.has(key),
  );

  it("parses JSON values", () => {
    expect(raw.values.protect).toBe(true);
    expect(raw.values.bareosVersion).toBe(25);
    expect(raw.values.s3).toEqual({ provider: "existing", bucketName: "my-backups" });
    expect(raw.values.webui).toEqual({ port: 8081 });
  });

  it("keeps text that is not JSON as text", () => {
    expect(raw.values.smtp).toBe("not json");
  });

  it("keeps secrets as raw text even when they look like JSON", () => {
    expect(raw.values.s3AccessKeyId).toBe("12345");
    expect(raw.values.s3SecretAccessKey).toBe('{"not":"json to us"}');
    expect(raw.values.smtpPassword).toBe("true");
  });

  it("honours isSecret and ignores other namespaces", () => {
    expect([...raw.secretKeys].sort()).toEqual(["s3AccessKeyId", "s3SecretAccessKey", "smtpPassword"]);
    expect(Object.keys(raw.values)).not.toContain("region");
  });

  it("marks only what isSecret reports: a plain credential is refused", () => {
    const plain = rawFromPulumiConfig({ [`${PROJECT}:s3AccessKeyId`]: "12345" }, () => false);
    expect(plain.values.s3AccessKeyId).toBe("12345");
    expect(plain.secretKeys.size).toBe(0);
    expect(() => parseSettings(plain, ctx)).toThrow(SettingsError);
  });

  it("feeds parseSettings", () => {
    const s = parseSettings(
      rawFromPulumiConfig(
        {
          [`${PROJECT}:s3`]: JSON.stringify({ provider: "existing", bucketName: "my-backups" }),
          [`${PROJECT}:s3AccessKeyId`]: "12345",
          [`${PROJECT}:s3SecretAccessKey`]: "67890",
          [`${PROJECT}:storage`]: JSON.stringify({ memoryLimit: "3 G" }),
        },
        (key) => key.endsWith("Id") || key.endsWith("Key"),
      ),
      ctx,
    );
    expect(s.secrets).toMatchObject({ s3AccessKeyId: "12345", s3SecretAccessKey: "67890" });
    expect(s.storage.memoryLimit).toBe(3 * GiB);
  });

  it("ignores keys without a namespace", () => {
    expect(rawFromPulumiConfig({ [`${PROJECT}x`]: "1", protect: "true" }, () => false).values).toEqual({});
  });
});

describe("the stack files in the repository", () => {
  function stack(name: string): Settings {
    const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
    return parseSettings(
      rawFromStackFiles(read("Pulumi.yaml"), read(`Pulumi.${name}.yaml`), name, (key) => `<${key}>`),
      { stack: name, projectDir: ROOT },
    );
  }

  it("names the project as Pulumi.yaml does", () => {
    const project = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string };
    expect(project.name).toBe(PROJECT);
  });

  it("dev parses without problems: a disposable AWS bucket", () => {
    const s = stack("dev");
    expect(s.protect).toBe(false);
    expect(s.s3).toMatchObject({
      provider: "aws",
      region: "eu-west-1",
      forceDestroy: true,
      versioning: true,
      noncurrentVersionExpirationDays: 7,
    });
    expect(s.smtp).toMatchObject({ from: "bareos-dev@example.com", to: ["backup-admins@example.com"] });
    expect(s.clients[0].mounts).toEqual([{ hostPath: path.join(ROOT, "data"), containerPath: "/data" }]);
  });

  it("prod parses without problems: protected, SSE-KMS, two clients of which one unmanaged", () => {
    const s = stack("prod");
    expect(s.protect).toBe(true);
    expect(s.s3).toMatchObject({
      provider: "aws",
      region: "eu-central-1",
      bucketName: "example-corp-bareos-prod",
      kmsKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      storageClass: "STANDARD_IA",
      forceDestroy: false,
    });
    expect(s.storage.memoryLimit).toBe(2 * GiB);
    expect(s.clients.filter((c) => !c.stackOwned)).toHaveLength(2);
    expect(s.clients.filter((c) => !c.managed)).toHaveLength(1);
    expect(s.clients[0]).toMatchObject({
      name: "bareos-fd",
      managed: true,
      encryption: true,
      maximumBandwidthPerJob: 50 * MiB,
      mounts: [{ hostPath: "/srv/data", containerPath: "/data" }],
    });
    expect(s.clients[1]).toMatchObject({
      name: "fileserver-fd",
      managed: false,
      address: "fileserver.internal.example.com",
      maximumBandwidthPerJob: 20 * MiB,
      mounts: [],
    });
    expect(s.jobs.map((j) => [j.name, j.client, j.fileSet, j.schedule, j.priority])).toEqual([
      ["backup-testdata-s3", "bareos-fd", "TestData", "WeeklyCycle", 10],
      ["backup-fileserver-s3", "fileserver-fd", "FileServer", "WeeklyCycle", 11],
    ]);
    expect(s.webui.users.map((u) => u.name)).toEqual(["admin", "operator"]);
    expect(s.smtp).toMatchObject({ smarthost: "smtp.internal.example.com", smarthostPort: 25 });
    expect(s.secrets).toEqual({
      smtpPassword: undefined,
      s3AccessKeyId: undefined,
      s3SecretAccessKey: undefined,
    });
  });
});

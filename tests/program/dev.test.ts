// The dev stack (Pulumi.dev.yaml) on mocks: a disposable AWS bucket with SSE-S3.
import { BUCKET_ACTIONS, OBJECT_ACTIONS, storageDaemonPolicy } from "../../configs/iamPolicy";
import { PASSWORD_LENGTH } from "../../components/secrets";
import {
  DOCKER_TYPES,
  ProgramRun,
  T,
  inlineConfig,
  jsonInput,
  leaks,
  runProgram,
  secretLeaks,
  stackFileConfig,
} from "./harness";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev", stackFileConfig("dev"));
});

describe("resources", () => {
  test("only the current S3 classes, never the deprecated V2 ones", () => {
    expect(run.resources.filter((r) => /V2$/.test(r.type))).toEqual([]);
    expect(new Set(run.resources.filter((r) => r.custom).map((r) => r.type))).toEqual(
      new Set([
        T.bucket,
        T.publicAccessBlock,
        T.ownership,
        T.encryption,
        T.versioning,
        T.lifecycle,
        T.bucketPolicy,
        T.user,
        T.userPolicy,
        T.accessKey,
        T.password,
        T.randomString,
        ...DOCKER_TYPES,
      ]),
    );
    for (const type of [T.bucket, T.publicAccessBlock, T.ownership, T.encryption, T.versioning, T.lifecycle])
      expect(run.byType(type)).toHaveLength(1);
  });

  test("the bucket has no inline versioning, lifecycle, encryption or policy", () => {
    const bucket = run.one(T.bucket);
    for (const key of ["versioning", "lifecycleRules", "serverSideEncryptionConfiguration", "policy", "acl"])
      expect(bucket.inputs).not.toHaveProperty(key);
  });

  test("every resource sits under the BareosBackup component tree", () => {
    const top = run.one(T.bareosBackup);
    expect(top.name).toBe("bareos");
    expect(top.parent).toBe("");
    const secrets = run.one(T.secrets);
    const bucket = run.one(T.backupBucket);
    expect(secrets.parent).toBe(top.urn);
    expect(bucket.parent).toBe(top.urn);
    // The passwords and the AWS resources sit in their components (the Docker side is tested in containers.test.ts).
    for (const r of run.resources.filter((x) => x.custom && !x.type.startsWith("docker:"))) {
      expect([secrets.urn, bucket.urn]).toContain(r.parent);
      expect(r.name.startsWith(r.parent === secrets.urn ? "bareos-secrets-" : "bareos-s3-")).toBe(true);
    }
  });
});

describe("bucket", () => {
  test("derived name: project-stack plus 8 random lower-case letters and digits", () => {
    const suffix = run.one(T.randomString);
    expect(suffix.inputs).toMatchObject({
      length: 8,
      upper: false,
      special: false,
      lower: true,
      numeric: true,
    });
    const bucket = run.one(T.bucket);
    expect(bucket.inputs.bucket).toBe(`bareos-s3-backup-dev-${String(suffix.outputs.result)}`);
    expect(bucket.inputs.bucket).toMatch(/^bareos-s3-backup-dev-[a-z0-9]{8}$/);
  });

  test("forceDestroy on dev, and neither protected nor retained", () => {
    const bucket = run.one(T.bucket);
    expect(bucket.inputs.forceDestroy).toBe(true);
    expect(bucket.protect).toBe(false);
    expect(bucket.retainOnDelete).toBe(false);
    expect(run.resources.filter((r) => r.protect || r.retainOnDelete)).toEqual([]);
  });

  test("region and tags", () => {
    const bucket = run.one(T.bucket);
    expect(bucket.inputs.region).toBe("eu-west-1");
    expect(bucket.inputs.tags).toEqual({ project: "bareos-s3-backup", stack: "dev", "managed-by": "pulumi" });
    for (const type of [
      T.publicAccessBlock,
      T.ownership,
      T.encryption,
      T.versioning,
      T.lifecycle,
      T.bucketPolicy,
    ]) {
      expect(run.one(type).inputs.bucket).toBe(bucket.inputs.bucket);
      expect(run.one(type).inputs.region).toBe("eu-west-1");
    }
  });

  test("all four public access flags", () => {
    expect(run.one(T.publicAccessBlock).inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  });

  test("ACLs disabled: BucketOwnerEnforced", () => {
    expect(run.one(T.ownership).inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
  });

  test("SSE-S3 (AES256) without a KMS key", () => {
    expect(run.one(T.encryption).inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
  });

  test("versioning enabled", () => {
    expect(run.one(T.versioning).inputs.versioningConfiguration).toEqual({ status: "Enabled" });
  });

  test("lifecycle: abort multipart uploads, expire noncurrent versions, no transitions", () => {
    const lifecycle = run.one(T.lifecycle);
    expect(lifecycle.inputs.rules).toEqual([
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: { prefix: "" },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 3 },
      },
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: { prefix: "" },
        noncurrentVersionExpiration: { noncurrentDays: 7 },
        expiration: { expiredObjectDeleteMarker: true },
      },
    ]);
    expect(lifecycle.dependencies).toContain(run.one(T.versioning).urn);
  });

  test("bucket policy denies every request without TLS, after the public access block", () => {
    const bucket = run.one(T.bucket);
    const arn = String(bucket.outputs.arn);
    const policy = run.one(T.bucketPolicy);
    expect(jsonInput(policy, "policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
    expect(policy.dependencies).toContain(run.one(T.publicAccessBlock).urn);
    expect(run.invokes.map((i) => i.token)).toEqual(["aws:iam/getPolicyDocument:getPolicyDocument"]);
  });
});

describe("storage daemon IAM user", () => {
  test("user under /bareos/ with exactly the bucket and object actions, no KMS", () => {
    const user = run.one(T.user);
    expect(user.inputs.path).toBe("/bareos/");
    const policy = run.one(T.userPolicy);
    expect(policy.inputs.user).toBe(user.outputs.name);
    const arn = String(run.one(T.bucket).outputs.arn);
    const doc = jsonInput(policy, "policy") as {
      Statement: { Effect: string; Action: string[]; Resource: string[] }[];
    };
    expect(doc).toEqual(storageDaemonPolicy(arn));
    expect(doc.Statement).toHaveLength(3);
    expect(doc.Statement.filter((s) => s.Effect === "Deny").flatMap((s) => s.Resource)).toEqual([
      `${arn}/dr/*`,
    ]);
    const on = (resource: string) =>
      new Set(
        doc.Statement.filter((s) => s.Effect === "Allow" && s.Resource.includes(resource)).flatMap(
          (s) => s.Action,
        ),
      );
    expect(on(arn)).toEqual(new Set(BUCKET_ACTIONS));
    expect(on(`${arn}/*`)).toEqual(new Set(OBJECT_ACTIONS));
    expect(doc.Statement.flatMap((s) => s.Action).filter((a) => a.startsWith("kms:"))).toEqual([]);
    expect(doc.Statement.flatMap((s) => s.Resource).sort()).toEqual([arn, `${arn}/*`, `${arn}/dr/*`].sort());
  });

  test("one access key for that user", () => {
    expect(run.one(T.accessKey).inputs.user).toBe(run.one(T.user).outputs.name);
  });
});

describe("secrets", () => {
  test("one password per secret: director, storage, catalog, catalog admin, each client, each webui user", () => {
    expect(
      run
        .byType(T.password)
        .map((r) => r.name)
        .sort(),
    ).toEqual(
      [
        "bareos-secrets-director",
        "bareos-secrets-storage",
        "bareos-secrets-catalog",
        "bareos-secrets-catalog-admin",
        "bareos-secrets-client-bareos-fd",
        "bareos-secrets-client-bareos-catalog-fd",
        "bareos-secrets-webui-admin",
        "bareos-secrets-webui-viewer",
      ].sort(),
    );
  });

  test("long, with a character set safe for Bareos strings, shell, SQL, pgpass and URLs", () => {
    for (const p of run.byType(T.password)) {
      expect(p.inputs.length).toBe(PASSWORD_LENGTH);
      expect(p.inputs.length as number).toBeGreaterThanOrEqual(32);
      expect(p.inputs.special).toBe(true);
      expect(p.inputs.overrideSpecial).toMatch(/^[-_.+=~]+$/);
      expect(p.inputs.overrideSpecial).not.toMatch(/["'\\$`:#%\s]/);
      expect(p.inputs).toMatchObject({ minUpper: 1, minLower: 1, minNumeric: 1 });
      expect(String(p.outputs.result)).toMatch(/^[A-Za-z0-9_.]+$/);
    }
  });

  test("rotation keepers default to generation 0", () => {
    for (const p of run.byType(T.password)) expect(p.inputs.keepers).toEqual({ all: "0", generation: "0" });
  });

  test("the leak check itself finds an unwrapped secret", () => {
    const secret = [...run.secretValues][0];
    expect(leaks({ a: { b: `x${secret}y` } }, run.secretValues)).toEqual(["$.a.b"]);
  });

  test("no generated password or key appears outside a secret", async () => {
    // 8 passwords + access key id, secret and its (unused) SES SMTP password.
    expect(run.secretValues.size).toBe(11);
    expect(await secretLeaks(run)).toEqual([]);
  });
});

describe("stack outputs", () => {
  test("bucket name, endpoint, region in clear; the access key id only as a secret", async () => {
    const out = run.exports as Record<string, import("@pulumi/pulumi").Output<string>>;
    expect(Object.keys(out).sort()).toEqual([
      "bconsoleCommand",
      "bucketName",
      "containerNames",
      "encryptionMasterKey",
      "region",
      "s3AccessKeyId",
      "s3Endpoint",
      "webuiPasswords",
      "webuiUrl",
    ]);
    const passwords = await run.resolve(
      out.webuiPasswords as unknown as import("@pulumi/pulumi").Output<Record<string, string>>,
    );
    expect(passwords.secret).toBe(true);
    expect(Object.keys(passwords.value).sort()).toEqual(["admin", "viewer"]);
    for (const pw of Object.values(passwords.value)) expect(run.secretValues.has(pw)).toBe(true);
    expect(await run.resolve(out.webuiUrl)).toEqual({ value: "http://127.0.0.1:8080/", secret: false });
    expect(run.exports.bconsoleCommand).toBe("docker exec -it dev-bareos-dir bconsole");
    expect(await run.resolve(out.bucketName)).toEqual({
      value: run.one(T.bucket).inputs.bucket,
      secret: false,
    });
    expect(await run.resolve(out.s3Endpoint)).toEqual({
      value: "https://s3.eu-west-1.amazonaws.com",
      secret: false,
    });
    expect(await run.resolve(out.region)).toEqual({ value: "eu-west-1", secret: false });
    expect(await run.resolve(out.s3AccessKeyId)).toEqual({ value: run.one(T.accessKey).id, secret: true });
  });
});

describe("a variant: rotation, transitions, versioning off", () => {
  let variant: ProgramRun;
  beforeAll(async () => {
    variant = await runProgram(
      "dev",
      inlineConfig({
        s3: {
          provider: "aws",
          region: "eu-west-1",
          versioning: false,
          abortIncompleteMultipartUploadDays: 5,
          transitions: [
            { days: 30, storageClass: "STANDARD_IA" },
            { days: 90, storageClass: "GLACIER_IR" },
          ],
        },
        rotation: { all: 1, director: 2, clients: { "bareos-fd": 3 }, webuiUsers: { admin: 4 } },
      }),
    );
  });

  test("bumped generations reach exactly their passwords' keepers", () => {
    const keepers = Object.fromEntries(variant.byType(T.password).map((p) => [p.name, p.inputs.keepers]));
    expect(keepers).toEqual({
      "bareos-secrets-director": { all: "1", generation: "2" },
      "bareos-secrets-storage": { all: "1", generation: "0" },
      "bareos-secrets-catalog": { all: "1", generation: "0" },
      "bareos-secrets-catalog-admin": { all: "1", generation: "0" },
      "bareos-secrets-client-bareos-fd": { all: "1", generation: "3" },
      "bareos-secrets-client-bareos-catalog-fd": { all: "1", generation: "0" },
      "bareos-secrets-webui-admin": { all: "1", generation: "4" },
      "bareos-secrets-webui-viewer": { all: "1", generation: "0" },
    });
  });

  test("versioning suspended and no noncurrent-version rule", () => {
    expect(variant.one(T.versioning).inputs.versioningConfiguration).toEqual({ status: "Suspended" });
    const rules = variant.one(T.lifecycle).inputs.rules as { id: string }[];
    expect(rules.map((r) => r.id)).toEqual(["abort-incomplete-multipart-uploads", "transition-volumes"]);
  });

  test("abort days and transitions from settings", () => {
    expect(variant.one(T.lifecycle).inputs.rules).toEqual([
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: { prefix: "" },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 5 },
      },
      {
        id: "transition-volumes",
        status: "Enabled",
        filter: { prefix: "" },
        transitions: [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: 90, storageClass: "GLACIER_IR" },
        ],
      },
    ]);
  });

  test("without forceDestroy set, the bucket keeps its objects on destroy", () => {
    expect(variant.one(T.bucket).inputs.forceDestroy).toBe(false);
  });

  test("no leaks in this run either", async () => {
    expect(await secretLeaks(variant)).toEqual([]);
  });
});

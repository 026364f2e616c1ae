// The prod example stack (Pulumi.prod.yaml) on mocks, and how it must differ from dev.
import { BUCKET_ACTIONS, KMS_ACTIONS, OBJECT_ACTIONS, storageDaemonPolicy } from "../../configs/iamPolicy";
import { ProgramRun, T, jsonInput, runProgram, secretLeaks, stackFileConfig } from "./harness";

const KMS_KEY = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

let prod: ProgramRun;
let dev: ProgramRun;
beforeAll(async () => {
  prod = await runProgram("prod", stackFileConfig("prod"));
  // A second program run in the same file: the harness isolates modules per run.
  dev = await runProgram("dev", stackFileConfig("dev"));
}, 60_000);

describe("bucket", () => {
  test("the configured name, no random suffix", () => {
    expect(prod.one(T.bucket).inputs.bucket).toBe("example-corp-bareos-prod");
    expect(prod.byType(T.randomString)).toEqual([]);
  });

  test("the bucket and the catalog volume are protected and retained on delete; nothing else is", () => {
    const bucket = prod.one(T.bucket);
    expect(bucket.protect).toBe(true);
    expect(bucket.retainOnDelete).toBe(true);
    const kept = prod.resources.filter((r) => r.protect || r.retainOnDelete);
    expect(kept.map((r) => [r.type, r.inputs.name ?? r.inputs.bucket]).sort()).toEqual(
      [
        [T.bucket, "example-corp-bareos-prod"],
        [T.volume, "prod-bareos-catalog"],
      ].sort(),
    );
    expect(kept.every((r) => r.protect && r.retainOnDelete)).toBe(true);
  });

  test("no forceDestroy", () => {
    expect(prod.one(T.bucket).inputs.forceDestroy).toBe(false);
  });

  test("every bucket resource in the settings' region", () => {
    for (const type of [
      T.bucket,
      T.publicAccessBlock,
      T.ownership,
      T.encryption,
      T.versioning,
      T.lifecycle,
      T.bucketPolicy,
    ])
      expect(prod.one(type).inputs.region).toBe("eu-central-1");
  });

  test("SSE-KMS with the configured key and a bucket key", () => {
    expect(prod.one(T.encryption).inputs.rules).toEqual([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY },
        bucketKeyEnabled: true,
      },
    ]);
  });

  test("public access blocked, ACLs off, versioning on", () => {
    expect(prod.one(T.publicAccessBlock).inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(prod.one(T.ownership).inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(prod.one(T.versioning).inputs.versioningConfiguration).toEqual({ status: "Enabled" });
  });

  test("lifecycle: abort after 3 days, noncurrent versions after 30", () => {
    expect(prod.one(T.lifecycle).inputs.rules).toEqual([
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
        noncurrentVersionExpiration: { noncurrentDays: 30 },
        expiration: { expiredObjectDeleteMarker: true },
      },
    ]);
  });

  test("TLS-only bucket policy", () => {
    const arn = "arn:aws:s3:::example-corp-bareos-prod";
    const doc = jsonInput(prod.one(T.bucketPolicy), "policy") as { Statement: Record<string, unknown>[] };
    expect(doc.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });
});

describe("storage daemon IAM policy", () => {
  const arn = "arn:aws:s3:::example-corp-bareos-prod";
  type Doc = { Statement: { Effect: string; Action: string[]; Resource: string[] }[] };
  const doc = () => jsonInput(prod.one(T.userPolicy), "policy") as Doc;
  const actionsOn = (resource: string) =>
    new Set(
      doc()
        .Statement.filter((s) => s.Resource.includes(resource))
        .flatMap((s) => s.Action),
    );

  test("exactly the pure policy with the KMS key", () => {
    expect(doc()).toEqual(storageDaemonPolicy(arn, KMS_KEY));
  });

  test("action by action, per resource", () => {
    expect(actionsOn(arn)).toEqual(new Set(BUCKET_ACTIONS));
    expect(actionsOn(`${arn}/*`)).toEqual(new Set(OBJECT_ACTIONS));
    expect(actionsOn(KMS_KEY)).toEqual(new Set(KMS_ACTIONS));
    expect(new Set(doc().Statement.flatMap((s) => s.Resource))).toEqual(
      new Set([arn, `${arn}/*`, `${arn}/dr/*`, KMS_KEY]),
    );
    // One refusal: the recovery kit under dr/ can be replaced, not deleted.
    expect(
      doc()
        .Statement.filter((s) => s.Effect !== "Allow")
        .map((s) => [s.Effect, s.Action, s.Resource]),
    ).toEqual([["Deny", ["s3:DeleteObject"], [`${arn}/dr/*`]]]);
  });
});

describe("secrets", () => {
  test("a password per client and per webui user of the prod settings", () => {
    expect(
      prod
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
        "bareos-secrets-client-fileserver-fd",
        "bareos-secrets-client-bareos-catalog-fd",
        "bareos-secrets-webui-admin",
        "bareos-secrets-webui-operator",
      ].sort(),
    );
  });

  test("no generated password or key appears outside a secret", async () => {
    // 9 passwords; access key id, secret and SES password; the master and two client private keys.
    expect(prod.secretValues.size).toBe(15);
    expect(await secretLeaks(prod)).toEqual([]);
  });

  test("the access key id is a secret stack output", async () => {
    const out = prod.exports.s3AccessKeyId as import("@pulumi/pulumi").Output<string>;
    expect(await prod.resolve(out)).toEqual({ value: prod.one(T.accessKey).id, secret: true });
  });
});

describe("prod differs from dev where it must", () => {
  test("protection", () => {
    expect([dev.one(T.bucket).protect, prod.one(T.bucket).protect]).toEqual([false, true]);
    expect([dev.one(T.bucket).retainOnDelete, prod.one(T.bucket).retainOnDelete]).toEqual([false, true]);
    expect([dev.one(T.bucket).inputs.forceDestroy, prod.one(T.bucket).inputs.forceDestroy]).toEqual([
      true,
      false,
    ]);
  });

  test("encryption", () => {
    const algorithm = (run: ProgramRun) =>
      (
        run.one(T.encryption).inputs.rules as {
          applyServerSideEncryptionByDefault: { sseAlgorithm: string };
        }[]
      )[0].applyServerSideEncryptionByDefault.sseAlgorithm;
    expect([algorithm(dev), algorithm(prod)]).toEqual(["AES256", "aws:kms"]);
  });

  test("KMS actions only in prod's IAM policy", () => {
    const kms = (run: ProgramRun) =>
      (jsonInput(run.one(T.userPolicy), "policy") as { Statement: { Action: string[] }[] }).Statement.flatMap(
        (s) => s.Action,
      ).filter((a) => a.startsWith("kms:"));
    expect(kms(dev)).toEqual([]);
    expect(kms(prod).sort()).toEqual([...KMS_ACTIONS].sort());
  });

  test("region, endpoint and bucket name", async () => {
    const value = async (run: ProgramRun, key: string) =>
      (await run.resolve(run.exports[key] as import("@pulumi/pulumi").Output<string>)).value;
    expect(await value(dev, "region")).toBe("eu-west-1");
    expect(await value(prod, "region")).toBe("eu-central-1");
    expect(await value(prod, "s3Endpoint")).toBe("https://s3.eu-central-1.amazonaws.com");
    expect(await value(prod, "bucketName")).toBe("example-corp-bareos-prod");
    expect(await value(dev, "bucketName")).toMatch(/^bareos-s3-backup-dev-[a-z0-9]{8}$/);
  });

  test("the same resource shape otherwise (no V2 classes in either)", () => {
    // Prod's clients encrypt (PKI keys); dev derives its bucket name (random suffix).
    const only = new Set<string>([T.randomString, T.privateKey, T.cert, "bareos:security:ClientKeys"]);
    const types = (run: ProgramRun) => new Set(run.resources.map((r) => r.type).filter((t) => !only.has(t)));
    expect(types(prod)).toEqual(types(dev));
    expect(prod.byType(T.privateKey)).toHaveLength(3);
    expect(dev.byType(T.privateKey)).toHaveLength(0);
    expect([...prod.resources, ...dev.resources].filter((r) => /V2$/.test(r.type))).toEqual([]);
  });
});

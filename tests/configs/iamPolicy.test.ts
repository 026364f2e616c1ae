import {
  BUCKET_ACTIONS,
  KIT_DENIED_ACTIONS,
  KMS_ACTIONS,
  OBJECT_ACTIONS,
  isKmsAliasArn,
  storageDaemonPolicy,
} from "../../configs/iamPolicy";

const BUCKET = "arn:aws:s3:::bareos-s3-backup-dev-a1b2c3d4";
const KEY = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const actionsOn = (doc: ReturnType<typeof storageDaemonPolicy>, resource: string, effect = "Allow") =>
  doc.Statement.filter((s) => s.Effect === effect && s.Resource.includes(resource)).flatMap((s) => s.Action);

describe("storageDaemonPolicy", () => {
  const doc = storageDaemonPolicy(BUCKET);

  test("a valid IAM document: Allow statements, and one Deny that keeps the recovery kit", () => {
    expect(doc.Version).toBe("2012-10-17");
    expect(doc.Statement.filter((s) => s.Effect !== "Allow")).toEqual([
      {
        Sid: "BareosRecoveryKitKept",
        Effect: "Deny",
        Action: ["s3:DeleteObject"],
        Resource: [`${BUCKET}/dr/*`],
      },
    ]);
    expect(new Set(doc.Statement.map((s) => s.Sid)).size).toBe(doc.Statement.length);
    // Round-trips through JSON unchanged (what the UserPolicy receives).
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  test.each([
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetLifecycleConfiguration",
    "s3:GetBucketCORS",
    "s3:GetBucketAcl",
    "s3:ListBucketMultipartUploads",
  ])("bucket ARN allows %s", (action) => {
    expect(actionsOn(doc, BUCKET)).toContain(action);
  });

  test.each([
    "s3:PutObject",
    "s3:GetObject",
    "s3:DeleteObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
  ])("objects (<bucket>/*) allow %s", (action) => {
    expect(actionsOn(doc, `${BUCKET}/*`)).toContain(action);
  });

  test("exactly these actions on exactly these resources, nothing else", () => {
    expect(actionsOn(doc, BUCKET).sort()).toEqual([...BUCKET_ACTIONS].sort());
    expect(actionsOn(doc, `${BUCKET}/*`).sort()).toEqual([...OBJECT_ACTIONS].sort());
    expect(doc.Statement.flatMap((s) => s.Resource).sort()).toEqual(
      [BUCKET, `${BUCKET}/*`, `${BUCKET}/dr/*`].sort(),
    );
    expect(doc.Statement.flatMap((s) => s.Action)).toHaveLength(
      BUCKET_ACTIONS.length + OBJECT_ACTIONS.length + KIT_DENIED_ACTIONS.length,
    );
    // The kit is written with the volumes' PutObject: replaceable (a noncurrent version stays), never deletable.
    expect(actionsOn(doc, `${BUCKET}/dr/*`, "Deny")).toEqual(["s3:DeleteObject"]);
    expect(doc.Statement.flatMap((s) => s.Action).filter((a) => /Version/.test(a))).toEqual([]);
  });

  test("no wildcards, no account-wide or configuration-changing actions", () => {
    const all = doc.Statement.flatMap((s) => s.Action);
    expect(all.filter((a) => a.includes("*"))).toEqual([]);
    for (const forbidden of [
      "s3:ListAllMyBuckets",
      "s3:CreateBucket",
      "s3:DeleteBucket",
      "s3:PutBucketPolicy",
      "s3:PutLifecycleConfiguration",
      "s3:PutBucketAcl",
      "s3:DeleteObjectVersion",
      "s3:GetObjectVersion",
      "s3:PutObjectAcl",
    ])
      expect(all).not.toContain(forbidden);
  });

  test("no KMS statement without a key", () => {
    expect(doc.Statement.flatMap((s) => s.Action).filter((a) => a.startsWith("kms:"))).toEqual([]);
  });

  describe("with SSE-KMS", () => {
    const kms = storageDaemonPolicy(BUCKET, KEY);

    test.each(["kms:GenerateDataKey", "kms:Decrypt"])("the key allows %s", (action) => {
      expect(actionsOn(kms, KEY)).toContain(action);
    });

    test("exactly GenerateDataKey and Decrypt, on the key only; S3 part unchanged", () => {
      expect(actionsOn(kms, KEY).sort()).toEqual([...KMS_ACTIONS].sort());
      expect(
        kms.Statement.filter((s) => s.Action.some((a) => a.startsWith("kms:"))).flatMap((s) => s.Resource),
      ).toEqual([KEY]);
      expect(kms.Statement.filter((s) => !s.Resource.includes(KEY))).toEqual(doc.Statement);
    });

    test("an alias ARN is refused: key grants need the key ARN", () => {
      expect(() => storageDaemonPolicy(BUCKET, "arn:aws:kms:eu-central-1:123456789012:alias/bareos")).toThrow(
        /alias/,
      );
      expect(isKmsAliasArn("arn:aws:kms:eu-central-1:123456789012:alias/bareos")).toBe(true);
      expect(isKmsAliasArn(KEY)).toBe(false);
    });
  });

  test("other partitions", () => {
    const gov = storageDaemonPolicy("arn:aws-us-gov:s3:::backups");
    expect(gov.Statement.flatMap((s) => s.Resource)).toEqual([
      "arn:aws-us-gov:s3:::backups",
      "arn:aws-us-gov:s3:::backups/*",
      "arn:aws-us-gov:s3:::backups/dr/*",
    ]);
  });

  test("refuses something that is not a bucket ARN", () => {
    expect(() => storageDaemonPolicy("bareos-volumes")).toThrow(/not an S3 bucket ARN/);
    expect(() => storageDaemonPolicy(`${BUCKET}/*`)).toThrow(/not an S3 bucket ARN/);
  });
});

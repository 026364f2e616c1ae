// The IAM policy of the storage daemon's S3 user. Pure, so it is tested action by action without Pulumi.
import { DR_KIT_PREFIX } from "./drKit";

/** Bucket-level actions: listing volumes, plus what s3cmd's connection test (`s3cmd info`) reads on every volume open. */
export const BUCKET_ACTIONS = [
  "s3:ListBucket",
  "s3:GetBucketLocation",
  "s3:GetLifecycleConfiguration",
  "s3:GetBucketCORS",
  "s3:GetBucketAcl",
  "s3:ListBucketMultipartUploads",
] as const;

/** Object-level actions: chunk read/write/delete and the multipart uploads `s3cmd put` from stdin always makes. */
export const OBJECT_ACTIONS = [
  "s3:PutObject",
  "s3:GetObject",
  "s3:DeleteObject",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
] as const;

/** SSE-KMS: writing (and completing multipart uploads) needs a data key, reading needs Decrypt. */
export const KMS_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

/**
 * The recovery kit (configs/drKit.ts) is written with the volumes' own PutObject; what it needs beyond
 * that is a refusal: the storage daemon may replace the kit but never delete it. With versioning on,
 * a replaced kit stays readable as a noncurrent version (no s3:*ObjectVersion action is granted).
 */
export const KIT_DENIED_ACTIONS = ["s3:DeleteObject"] as const;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** A KMS alias ARN cannot be a policy Resource for key operations: the key's own ARN is needed. */
export function isKmsAliasArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:kms:[^:]*:\d{12}:alias\//.test(arn);
}

/**
 * Least privilege for the Bareos storage daemon on one bucket (dplcompat's s3cmd wrapper and droplet):
 * nothing account-wide, no bucket configuration writes, no version-level access.
 */
export function storageDaemonPolicy(bucketArn: string, kmsKeyArn?: string): PolicyDocument {
  if (!/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]+$/.test(bucketArn)) {
    throw new Error(`${JSON.stringify(bucketArn)} is not an S3 bucket ARN`);
  }
  const statements: PolicyStatement[] = [
    { Sid: "BareosBucket", Effect: "Allow", Action: [...BUCKET_ACTIONS], Resource: [bucketArn] },
    { Sid: "BareosVolumes", Effect: "Allow", Action: [...OBJECT_ACTIONS], Resource: [`${bucketArn}/*`] },
    {
      Sid: "BareosRecoveryKitKept",
      Effect: "Deny",
      Action: [...KIT_DENIED_ACTIONS],
      Resource: [`${bucketArn}/${DR_KIT_PREFIX}/*`],
    },
  ];
  if (kmsKeyArn !== undefined) {
    if (isKmsAliasArn(kmsKeyArn)) {
      throw new Error(
        `${JSON.stringify(kmsKeyArn)} is a KMS alias; the policy needs the key ARN (…:key/<id>)`,
      );
    }
    statements.push({
      Sid: "BareosVolumesKey",
      Effect: "Allow",
      Action: [...KMS_ACTIONS],
      Resource: [kmsKeyArn],
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

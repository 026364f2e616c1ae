import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { isKmsAliasArn, storageDaemonPolicy } from "../configs/iamPolicy";
import { S3Settings, derivedBucketPrefix } from "../configs/settings";

/** Bucket name of the local MinIO stack when s3.bucketName is not set. */
export const MINIO_DEFAULT_BUCKET = "bareos-volumes";

/** Regional endpoint: droplet does not follow the global endpoint's redirects for new buckets. */
export function awsS3Endpoint(region: string): string {
  return `https://s3.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

/**
 * BackupBucketArgs describe where Bareos volumes live. Plain values, not Inputs: the provider and
 * options decide which resources exist.
 */
export interface BackupBucketArgs {
  /** Validated S3 settings (`settings.s3`). */
  readonly s3: S3Settings;
  /** Production (`settings.protect`): the bucket is protected and survives `pulumi destroy`. */
  readonly protect: boolean;
  /** Project name: with `stack`, the prefix of a derived bucket name. */
  readonly project: string;
  /** Stack name: with `project`, the prefix of a derived bucket name. */
  readonly stack: string;
  /**
   * The keys of a bring-your-own bucket (provider "existing"), from secret config. Required for that
   * provider, ignored otherwise; wrapped as secrets here.
   */
  readonly existingCredentials?: {
    readonly accessKeyId: pulumi.Input<string>;
    readonly secretAccessKey: pulumi.Input<string>;
  };
  /** Endpoint URL of the MinIO service (provider "minio"), e.g. `http://minio:9000`. */
  readonly minioEndpoint?: pulumi.Input<string>;
  /** Tags for the AWS resources that take them (bucket, IAM user). */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The BackupBucket component is the S3 side of the storage daemon: on AWS a locked-down bucket and
 * an IAM user limited to it; for "existing" and "minio" no AWS resources, only the connection values.
 */
export class BackupBucket extends pulumi.ComponentResource {
  /** Which S3 this is; for "minio" the credentials come from the MinIO component. */
  public readonly provider: S3Settings["provider"];
  /** The bucket volumes are written to. */
  public readonly bucketName: pulumi.Output<string>;
  /** The bucket's ARN (provider "aws" only). */
  public readonly bucketArn?: pulumi.Output<string>;
  /** Endpoint URL (`https://s3.<region>.amazonaws.com` on AWS). */
  public readonly endpoint: pulumi.Output<string>;
  public readonly region: pulumi.Output<string>;
  /** Path-style addressing (MinIO and some S3-compatible stores). */
  public readonly pathStyle: boolean;
  /**
   * The storage daemon's S3 keys, as secrets. On AWS they resolve only once the user's policy is
   * attached. Undefined for provider "minio" (the MinIO component issues them).
   */
  public readonly accessKeyId?: pulumi.Output<string>;
  public readonly secretAccessKey?: pulumi.Output<string>;

  /**
   * Create the bucket (or describe the existing one).
   *
   * @param name The _unique_ name of this component.
   * @param args The S3 settings and naming inputs.
   * @param opts A bag of options that control this component's behavior.
   */
  constructor(name: string, args: BackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:backupBucket:BackupBucket", name, {}, opts);

    const s3 = args.s3;
    this.provider = s3.provider;
    this.region = pulumi.output(s3.region);
    this.pathStyle = s3.pathStyle;

    if (s3.provider === "existing") {
      if (s3.bucketName === undefined || args.existingCredentials === undefined) {
        throw new Error(
          `${name}: provider "existing" needs s3.bucketName and the s3AccessKeyId/s3SecretAccessKey keys`,
        );
      }
      this.bucketName = pulumi.output(s3.bucketName);
      this.endpoint = pulumi.output(s3.endpoint ?? awsS3Endpoint(s3.region));
      this.accessKeyId = pulumi.secret(args.existingCredentials.accessKeyId);
      this.secretAccessKey = pulumi.secret(args.existingCredentials.secretAccessKey);
    } else if (s3.provider === "minio") {
      if (args.minioEndpoint === undefined) throw new Error(`${name}: provider "minio" needs minioEndpoint`);
      this.bucketName = pulumi.output(s3.bucketName ?? MINIO_DEFAULT_BUCKET);
      this.endpoint = pulumi.output(args.minioEndpoint);
    } else {
      const created = this.createAwsBucket(name, args);
      this.bucketName = created.bucketName;
      this.bucketArn = created.bucketArn;
      this.endpoint = pulumi.output(awsS3Endpoint(s3.region));
      this.accessKeyId = created.accessKeyId;
      this.secretAccessKey = created.secretAccessKey;
    }

    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      endpoint: this.endpoint,
      region: this.region,
      pathStyle: this.pathStyle,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
    });
  }

  private createAwsBucket(name: string, args: BackupBucketArgs) {
    const s3 = args.s3;
    const kmsKeyArn = s3.kmsKeyArn;
    if (kmsKeyArn !== undefined && isKmsAliasArn(kmsKeyArn)) {
      throw new Error(
        `${name}: s3.kmsKeyArn must be a key ARN, not an alias: the IAM policy grants on the key`,
      );
    }
    // Every bucket sub-resource pins the bucket's region, so s3.region wins over aws:region.
    const region = s3.region;

    let bucketName: pulumi.Input<string>;
    if (s3.bucketName !== undefined) {
      bucketName = s3.bucketName;
    } else {
      const suffix = new random.RandomString(
        `${name}-suffix`,
        { length: 8, lower: true, upper: false, numeric: true, special: false },
        { parent: this },
      );
      bucketName = pulumi.interpolate`${derivedBucketPrefix(args.project, args.stack)}-${suffix.result}`;
    }

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucket: bucketName, region, forceDestroy: s3.forceDestroy, tags: args.tags },
      // Production volumes outlive the stack: destroy refuses, and a removal leaves the bucket in AWS.
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.id,
        region,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );

    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, region, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );

    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        region,
        rules: [
          kmsKeyArn === undefined
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
            : {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
                // One data key per bucket instead of per chunk: far fewer (billed) KMS calls.
                bucketKeyEnabled: true,
              },
        ],
      },
      { parent: this },
    );

    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      {
        bucket: bucket.id,
        region,
        versioningConfiguration: { status: s3.versioning ? "Enabled" : "Suspended" },
      },
      { parent: this },
    );

    // Whole bucket: `prefix: ""`, since the provider warns on an empty `filter {}` (and on none at all).
    const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
      {
        // s3cmd uploads every chunk as a multipart upload and never aborts a failed one.
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: { prefix: "" },
        abortIncompleteMultipartUpload: { daysAfterInitiation: s3.abortIncompleteMultipartUploadDays },
      },
    ];
    if (s3.versioning) {
      rules.push({
        // Recycled volumes overwrite their chunks: without this every old chunk is kept forever.
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: { prefix: "" },
        noncurrentVersionExpiration: { noncurrentDays: s3.noncurrentVersionExpirationDays },
        expiration: { expiredObjectDeleteMarker: true },
      });
    }
    if (s3.transitions.length > 0) {
      rules.push({
        id: "transition-volumes",
        status: "Enabled",
        filter: { prefix: "" },
        transitions: s3.transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })),
      });
    }
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { bucket: bucket.id, region, rules },
      // Noncurrent-version rules belong to a versioned bucket; S3 also rejects concurrent config writes.
      { parent: this, dependsOn: [versioning] },
    );

    const tlsOnly = aws.iam.getPolicyDocumentOutput(
      {
        statements: [
          {
            sid: "DenyInsecureTransport",
            effect: "Deny",
            principals: [{ type: "*", identifiers: ["*"] }],
            actions: ["s3:*"],
            resources: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
            conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
          },
        ],
      },
      { parent: this },
    );
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      { bucket: bucket.id, region, policy: tlsOnly.json },
      // A policy written while the public access block is still being applied can be refused.
      { parent: this, dependsOn: [publicAccess] },
    );

    const user = new aws.iam.User(`${name}-sd`, { path: "/bareos/", tags: args.tags }, { parent: this });
    const userPolicy = new aws.iam.UserPolicy(
      `${name}-sd-policy`,
      {
        user: user.name,
        policy: bucket.arn.apply((arn) => JSON.stringify(storageDaemonPolicy(arn, kmsKeyArn))),
      },
      { parent: this },
    );
    const key = new aws.iam.AccessKey(`${name}-sd-key`, { user: user.name }, { parent: this });

    // Consumers of the keys (the storage daemon) must not start before the policy grants anything.
    const afterPolicy = <T>(value: pulumi.Output<T>) => pulumi.all([value, userPolicy.id]).apply(([v]) => v);
    return {
      bucketName: bucket.bucket,
      bucketArn: bucket.arn,
      accessKeyId: pulumi.secret(afterPolicy(key.id)),
      secretAccessKey: pulumi.secret(afterPolicy(key.secret)),
    };
  }
}

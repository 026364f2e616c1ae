import * as pulumi from "@pulumi/pulumi";
import { BareosSecrets } from "../configs/secrets";
import { Settings } from "../configs/settings";
import { BackupBucket } from "./backupBucket";
import { Secrets } from "./secrets";

/** Port of the MinIO S3 API inside the Docker network. */
const MINIO_PORT = 9000;

/**
 * BareosBackupArgs describe one Bareos installation.
 */
export interface BareosBackupArgs {
  /**
   * The validated settings of the stack (`parseSettings`). Plain, not Inputs: they decide which
   * resources exist, and every component below receives its part of them.
   */
  readonly settings: Settings;
}

/**
 * The BareosBackup component is the whole backup system of one stack: generated secrets, the S3
 * bucket for volumes, and (in later steps) the catalog, daemons and webui containers on Docker.
 */
export class BareosBackup extends pulumi.ComponentResource {
  public readonly secrets: Secrets;
  public readonly bucket: BackupBucket;
  /** The bucket volumes are written to. */
  public readonly bucketName: pulumi.Output<string>;
  /** The S3 endpoint URL the storage daemon uses. */
  public readonly s3Endpoint: pulumi.Output<string>;
  public readonly region: pulumi.Output<string>;
  /** The storage daemon's S3 access key id (secret); undefined until the MinIO component exists. */
  public readonly s3AccessKeyId?: pulumi.Output<string>;
  /** Every credential the config renderers need, as one secret; undefined while S3 keys are unknown. */
  public readonly bareosSecrets?: pulumi.Output<BareosSecrets>;

  /**
   * Create the backup system.
   *
   * @param name The _unique_ name of this component.
   * @param args The stack's settings.
   * @param opts A bag of options that control this component's behavior.
   */
  constructor(name: string, args: BareosBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:index:BareosBackup", name, {}, opts);

    const settings = args.settings;
    const tags = { project: settings.project, stack: settings.stack, "managed-by": "pulumi" };

    this.secrets = new Secrets(
      `${name}-secrets`,
      {
        clients: settings.clients.map((c) => c.name),
        webuiUsers: settings.webui.users.map((u) => u.name),
        rotation: settings.rotation,
      },
      { parent: this },
    );

    this.bucket = new BackupBucket(
      `${name}-s3`,
      {
        s3: settings.s3,
        protect: settings.protect,
        project: settings.project,
        stack: settings.stack,
        existingCredentials:
          settings.secrets.s3AccessKeyId !== undefined && settings.secrets.s3SecretAccessKey !== undefined
            ? {
                accessKeyId: settings.secrets.s3AccessKeyId,
                secretAccessKey: settings.secrets.s3SecretAccessKey,
              }
            : undefined,
        minioEndpoint: `http://${settings.names.minio}:${MINIO_PORT}`,
        tags,
      },
      { parent: this },
    );
    this.bucketName = this.bucket.bucketName;
    this.s3Endpoint = this.bucket.endpoint;
    this.region = this.bucket.region;

    // Provider "minio": the MinIO component (later) issues the keys; take them from it here.
    const s3Keys =
      this.bucket.accessKeyId !== undefined && this.bucket.secretAccessKey !== undefined
        ? { accessKeyId: this.bucket.accessKeyId, secretAccessKey: this.bucket.secretAccessKey }
        : undefined;
    this.s3AccessKeyId = s3Keys?.accessKeyId;
    this.bareosSecrets =
      s3Keys === undefined
        ? undefined
        : this.secrets.bareosSecrets({
            s3AccessKeyId: s3Keys.accessKeyId,
            s3SecretAccessKey: s3Keys.secretAccessKey,
            // Client PKI keys (clients with encryption) come from their own component later.
          });

    // Later: images, network, catalog, director, storage daemon, file daemons, webui, SMTP relay,
    // each rendering its config from `settings` and `this.bareosSecrets`.

    this.registerOutputs({
      bucketName: this.bucketName,
      s3Endpoint: this.s3Endpoint,
      region: this.region,
      s3AccessKeyId: this.s3AccessKeyId,
    });
  }
}

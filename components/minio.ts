import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { storageDaemonPolicy } from "../configs/iamPolicy";
import { PASSWORD_SPECIALS } from "./secrets";
import { containerDefaults, stackLabels } from "./containerDefaults";

/** The storage daemon's MinIO user; its key id is not secret, its key is. */
export const MINIO_SD_USER = "bareos-sd";
export const MINIO_PORT = 9000;

export interface MinioArgs {
  /** MinIO server image (pinned tag) and the `mc` client image that provisions it. */
  readonly image: pulumi.Input<string>;
  readonly clientImage: pulumi.Input<string>;
  /** Container name on the Docker host. */
  readonly containerName: string;
  /** DNS name on the network: the storage daemon's S3 endpoint host. */
  readonly alias: string;
  readonly networkName: pulumi.Input<string>;
  readonly bucketName: pulumi.Input<string>;
  /** Keep the data volume on `pulumi destroy`. */
  readonly protect: boolean;
  readonly stack: string;
}

/**
 * The local stack's S3 endpoint: a MinIO server on the private network (never published) with a
 * data volume, plus a one-shot `mc` container that creates the bucket and a user whose policy is the
 * same least-privilege document the AWS IAM user gets.
 */
export class Minio extends pulumi.ComponentResource {
  public readonly endpoint: pulumi.Output<string>;
  public readonly accessKeyId: pulumi.Output<string>;
  public readonly secretAccessKey: pulumi.Output<string>;
  public readonly container: docker.Container;

  constructor(name: string, args: MinioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:s3:Minio", name, {}, opts);
    const labels = stackLabels(args.stack, "minio");
    const password = (part: string) =>
      new random.RandomPassword(
        `${name}-${part}`,
        {
          length: 40,
          special: true,
          overrideSpecial: PASSWORD_SPECIALS,
          minUpper: 1,
          minLower: 1,
          minNumeric: 1,
        },
        { parent: this },
      ).result;
    const rootPassword = pulumi.secret(password("root"));
    const sdSecret = pulumi.secret(password("sd"));

    const volume = new docker.Volume(
      `${name}-data`,
      { name: `${args.containerName}-data`, labels },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );

    this.container = new docker.Container(
      `${name}-server`,
      {
        ...containerDefaults(args.stack, "minio"),
        name: args.containerName,
        image: args.image,
        command: ["server", "/data"],
        envs: pulumi
          .secret(pulumi.interpolate`MINIO_ROOT_PASSWORD=${rootPassword}`)
          .apply((p) => ["MINIO_ROOT_USER=bareos-admin", p]),
        volumes: [{ volumeName: volume.name, containerPath: "/data" }],
        networksAdvanced: [{ name: args.networkName, aliases: [args.alias] }],
        healthcheck: {
          tests: ["CMD", "mc", "ready", "local"],
          interval: "10s",
          timeout: "5s",
          retries: 6,
          startPeriod: "10s",
        },
        wait: true,
        waitTimeout: 120,
      },
      { parent: this, deleteBeforeReplace: true },
    );

    const policy = pulumi
      .output(args.bucketName)
      .apply((bucket) => JSON.stringify(storageDaemonPolicy(`arn:aws:s3:::${bucket}`)));
    // Idempotent: re-running it on a provisioned server changes nothing.
    const script = [
      "set -eu",
      'mc alias set local "http://$MINIO_HOST:9000" bareos-admin "$MINIO_ROOT_PASSWORD" >/dev/null',
      'mc mb --ignore-existing "local/$BUCKET"',
      'mc admin user add local "$SD_USER" "$SD_SECRET"',
      'mc admin policy create local "$SD_USER" /tmp/policy.json',
      'mc admin policy attach local "$SD_USER" --user "$SD_USER" || true',
    ].join("\n");
    const provision = new docker.Container(
      `${name}-provision`,
      {
        name: `${args.containerName}-provision`,
        image: args.clientImage,
        entrypoints: ["/bin/sh", "-c", script],
        envs: pulumi
          .all([rootPassword, sdSecret, pulumi.output(args.bucketName)])
          .apply(([root, sd, bucket]) => [
            `MINIO_HOST=${args.alias}`,
            `MINIO_ROOT_PASSWORD=${root}`,
            `SD_USER=${MINIO_SD_USER}`,
            `SD_SECRET=${sd}`,
            `BUCKET=${bucket}`,
          ]),
        uploads: [{ file: "/tmp/policy.json", content: policy }],
        networksAdvanced: [{ name: args.networkName }],
        labels,
        mustRun: false,
        attach: true,
        logs: true,
        restart: "no",
      },
      {
        parent: this,
        dependsOn: [this.container],
        deleteBeforeReplace: true,
        additionalSecretOutputs: ["containerLogs"],
      },
    );
    const provisioned = pulumi.all([provision.exitCode, provision.containerLogs]).apply(([code, logs]) => {
      if (code !== 0) throw new pulumi.RunError(`MinIO provisioning failed (exit ${code}):\n${logs ?? ""}`);
      return true;
    });

    this.endpoint = pulumi.output(`http://${args.alias}:${MINIO_PORT}`);
    // Handing the keys out only after provisioning succeeded keeps the storage daemon from starting early.
    this.accessKeyId = pulumi.secret(provisioned.apply(() => MINIO_SD_USER));
    this.secretAccessKey = pulumi.secret(pulumi.all([provisioned, sdSecret]).apply(([, s]) => s));

    this.registerOutputs({ endpoint: this.endpoint });
  }
}

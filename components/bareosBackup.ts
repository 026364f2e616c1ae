import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { FileTree, RenderedConfigs, renderAll } from "../configs/render";
import { BareosSecrets } from "../configs/secrets";
import { Settings } from "../configs/settings";
import { BackupBucket, MINIO_DEFAULT_BUCKET } from "./backupBucket";
import { Catalog } from "./catalog";
import { ClientKeys } from "./clientKeys";
import { stackLabels } from "./containerDefaults";
import { Director } from "./director";
import { FileDaemon } from "./fileDaemon";
import { BareosImages } from "./images";
import { imageFamily } from "./imageProfiles";
import { MINIO_PORT, Minio } from "./minio";
import { Secrets } from "./secrets";
import { SmtpRelay } from "./smtpRelay";
import { StorageDaemon } from "./storageDaemon";
import { Webui } from "./webui";

/** The build context of every image (images/<name>/Dockerfile + images/common/). */
const IMAGES_DIR = path.resolve(__dirname, "..", "images");

/**
 * Docker-host-wide names of one stack's containers, volumes and network: prefixed with the stack, so
 * `local` and `dev` can share a Docker host. Inside the network each container also answers to its
 * service name (settings.names), the name the rendered configuration uses.
 */
export function hostNames(settings: Settings) {
  const p = (name: string) => `${settings.stack}-${name}`;
  return {
    network: p(settings.docker.networkName),
    container: (service: string) => p(service),
    volume: (what: string) => p(`bareos-${what}`),
    restoreVolume: p(settings.docker.restoreVolume),
  };
}

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
 * bucket (or MinIO on the local stack), the images, and on one private Docker network the catalog,
 * director, storage daemon, file daemons, webui (nginx + php-fpm) and SMTP relay, each daemon's
 * configuration rendered from the settings and tested by a gate container before it goes live.
 */
export class BareosBackup extends pulumi.ComponentResource {
  public readonly secrets: Secrets;
  public readonly bucket: BackupBucket;
  /** The bucket volumes are written to. */
  public readonly bucketName: pulumi.Output<string>;
  /** The S3 endpoint URL the storage daemon uses. */
  public readonly s3Endpoint: pulumi.Output<string>;
  public readonly region: pulumi.Output<string>;
  /** The storage daemon's S3 access key id (secret). */
  public readonly s3AccessKeyId: pulumi.Output<string>;
  /** Every credential the config renderers need, as one secret. */
  public readonly bareosSecrets: pulumi.Output<BareosSecrets>;
  /** Every rendered file per container (secret). */
  public readonly configs: pulumi.Output<RenderedConfigs>;
  public readonly director: Director;
  public readonly storage: StorageDaemon;
  public readonly fileDaemons: readonly FileDaemon[];
  public readonly webui: Webui;
  public readonly webuiUrl: pulumi.Output<string>;
  /** Login name -> password of each webui user (secret). */
  public readonly webuiPasswords: pulumi.Output<Record<string, string>>;
  /** Container names on the Docker host, by service. */
  public readonly containerNames: Record<string, string>;
  public readonly bconsoleCommand: string;
  /**
   * Master private key of client-side encryption followed by its certificate (PEM, secret), when a
   * client encrypts: store it offline (`npm run recover -- --master-key`).
   */
  public readonly encryptionMasterKey?: pulumi.Output<string>;

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
    const names = hostNames(settings);
    const tags = { project: settings.project, stack: settings.stack, "managed-by": "pulumi" };

    // Everything on Docker goes to the configured host; the default provider otherwise.
    const dockerProvider =
      settings.docker.host === undefined
        ? undefined
        : new docker.Provider(`${name}-docker`, { host: settings.docker.host }, { parent: this });
    // Components hand the provider to their children; resources created here name it directly.
    const onDocker: pulumi.ComponentResourceOptions = {
      parent: this,
      ...(dockerProvider ? { providers: { docker: dockerProvider } } : {}),
    };
    const onDockerHere: pulumi.CustomResourceOptions = { parent: this, provider: dockerProvider };

    this.secrets = new Secrets(
      `${name}-secrets`,
      {
        clients: settings.clients.map((c) => c.name),
        webuiUsers: settings.webui.users.map((u) => u.name),
        rotation: settings.rotation,
      },
      { parent: this },
    );

    const network = new docker.Network(
      `${name}-network`,
      { name: names.network, driver: "bridge", labels: stackLabels(settings.stack, "network") },
      onDockerHere,
    );
    const images = new BareosImages(
      `${name}-images`,
      {
        images: settings.images,
        bareosVersion: settings.bareosVersion,
        postgresMajor: settings.catalog.postgresMajor,
        contextRoot: IMAGES_DIR,
      },
      onDocker,
    );

    const minio =
      settings.s3.provider === "minio"
        ? new Minio(
            `${name}-minio`,
            {
              image: settings.images.minio,
              clientImage: settings.images.minioClient,
              containerName: names.container(settings.names.minio),
              alias: settings.names.minio,
              networkName: network.name,
              bucketName: settings.s3.bucketName ?? MINIO_DEFAULT_BUCKET,
              protect: settings.protect,
              stack: settings.stack,
            },
            onDocker,
          )
        : undefined;

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

    const s3AccessKeyId = this.bucket.accessKeyId ?? minio?.accessKeyId;
    const s3SecretAccessKey = this.bucket.secretAccessKey ?? minio?.secretAccessKey;
    if (s3AccessKeyId === undefined || s3SecretAccessKey === undefined) {
      throw new Error(`${name}: no S3 credentials for provider ${settings.s3.provider}`);
    }
    this.s3AccessKeyId = s3AccessKeyId;

    const encrypting = settings.clients.filter((c) => c.encryption).map((c) => c.name);
    const clientKeys =
      encrypting.length > 0
        ? new ClientKeys(
            `${name}-pki`,
            { clients: encrypting, organization: settings.project },
            { parent: this },
          )
        : undefined;
    // Key and certificate together: after a total loss, this alone restores what the lost stack encrypted.
    this.encryptionMasterKey = clientKeys
      ? pulumi.secret(
          pulumi
            .all([clientKeys.masterPrivateKeyPem, clientKeys.masterCertificatePem])
            .apply(([key, cert]) => `${key.trimEnd()}\n${cert.trimEnd()}\n`),
        )
      : undefined;

    this.bareosSecrets = this.secrets.bareosSecrets({
      s3AccessKeyId,
      s3SecretAccessKey,
      clientKeys: clientKeys?.files,
    });
    // One render, the same function `npm run render` calls; each container takes its own tree.
    this.configs = pulumi.secret(
      pulumi
        .all([this.bareosSecrets, this.bucketName])
        .apply(([secrets, bucketName]) => renderAll(settings, secrets, { bucketName })),
    );
    const tree = (pick: (r: RenderedConfigs) => FileTree) => pulumi.secret(this.configs.apply(pick));

    const volume = (what: string, protect = false) =>
      new docker.Volume(
        `${name}-${what}`,
        { name: names.volume(what), labels: stackLabels(settings.stack, what) },
        { ...onDockerHere, protect, retainOnDelete: protect },
      );
    const directorData = volume("director-data");
    const directorLogs = volume("director-logs");
    const storageData = volume("storage-data");
    // Survives only in the bucket when everything is lost; here it is a staging area.
    const drKit = volume("dr-kit");
    const restores = new docker.Volume(
      `${name}-restores`,
      { name: names.restoreVolume, labels: stackLabels(settings.stack, "restores") },
      onDockerHere,
    );

    const catalog = new Catalog(
      `${name}-catalog`,
      {
        image: images.ids.catalog,
        containerName: names.container(settings.names.catalog),
        alias: settings.names.catalog,
        networkName: network.name,
        volumeName: names.volume("catalog"),
        adminUser: settings.catalog.adminUser,
        adminPassword: this.secrets.catalogAdmin,
        protect: settings.protect,
        stack: settings.stack,
      },
      onDocker,
    );

    const smtp = new SmtpRelay(
      `${name}-smtp`,
      {
        image: images.ids.smtp,
        containerName: names.container(settings.names.smtp),
        networkName: network.name,
        settings,
      },
      onDocker,
    );

    const director = (this.director = new Director(
      `${name}-director`,
      {
        image: images.ids.director,
        files: tree((r) => r.director),
        containerName: names.container(settings.names.director),
        networkName: network.name,
        settings,
        workingVolume: directorData.name,
        logVolume: directorLogs.name,
        kitVolume: drKit.name,
        catalog: catalog.container,
        catalogPasswords: { owner: this.secrets.catalog, admin: this.secrets.catalogAdmin },
      },
      { ...onDocker, dependsOn: [smtp] },
    ));

    this.storage = new StorageDaemon(
      `${name}-storage`,
      {
        image: images.ids.storage,
        files: tree((r) => r.storage),
        containerName: names.container(settings.names.storage),
        networkName: network.name,
        settings,
        stateVolume: storageData.name,
        kitVolume: drKit.name,
      },
      onDocker,
    );

    this.fileDaemons = settings.clients
      .filter((c) => c.managed)
      .map((client) => {
        const state = volume(`fd-${client.name}-data`);
        return new FileDaemon(
          `${name}-fd-${client.name}`,
          {
            image: images.ids.fileDaemon,
            files: tree((r) => r.clients[client.name]),
            client,
            containerName: names.container(client.name),
            networkName: network.name,
            stack: settings.stack,
            family: imageFamily(settings),
            stateVolume: state.name,
            restoreVolume: restores.name,
            // The stack's own client runs BackupCatalog (configs/director.ts catalogClient).
            directorVolume: client.stackOwned ? directorData.name : undefined,
          },
          onDocker,
        );
      });

    const webui = (this.webui = new Webui(
      `${name}-webui`,
      {
        phpImage: images.ids.webui,
        nginxImage: images.ids.webuiNginx,
        files: tree((r) => r.webui),
        phpContainerName: names.container(settings.names.webuiPhp),
        nginxContainerName: names.container(settings.names.webui),
        networkName: network.name,
        settings,
        director: director.container,
      },
      onDocker,
    ));
    this.webuiUrl = webui.url;
    this.webuiPasswords = pulumi.secret(pulumi.all(this.secrets.webuiUsers));

    this.containerNames = {
      catalog: names.container(settings.names.catalog),
      director: names.container(settings.names.director),
      storage: names.container(settings.names.storage),
      webui: names.container(settings.names.webui),
      webuiPhp: names.container(settings.names.webuiPhp),
      smtp: names.container(settings.names.smtp),
      ...Object.fromEntries(
        settings.clients.filter((c) => c.managed).map((c) => [c.name, names.container(c.name)]),
      ),
      ...(minio ? { minio: names.container(settings.names.minio) } : {}),
    };
    this.bconsoleCommand = `docker exec -it ${this.containerNames.director} bconsole`;

    this.registerOutputs({
      bucketName: this.bucketName,
      s3Endpoint: this.s3Endpoint,
      region: this.region,
      s3AccessKeyId: this.s3AccessKeyId,
      webuiUrl: this.webuiUrl,
      webuiPasswords: this.webuiPasswords,
      containerNames: this.containerNames,
      bconsoleCommand: this.bconsoleCommand,
      encryptionMasterKey: this.encryptionMasterKey,
    });
  }
}

import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DIRECTOR_WORKDIR_ON_CATALOG_CLIENT, RESTORE_WHERE } from "../configs/director";
import type { FileTree } from "../configs/render";
import type { ClientSettings } from "../configs/settings";
import { gatedDaemon } from "./containerDefaults";
import { ImageFamily, gateCommand, listenerHealthcheck, withControlFile } from "./imageProfiles";

export interface FileDaemonArgs {
  readonly image: pulumi.Input<string>;
  /** The client's rendered tree, with its PKI keys when it encrypts (secret). */
  readonly files: pulumi.Output<FileTree>;
  readonly client: ClientSettings;
  readonly containerName: string;
  readonly networkName: pulumi.Input<string>;
  readonly stack: string;
  readonly family: ImageFamily;
  readonly stateVolume: pulumi.Input<string>;
  /** Where RestoreFiles writes on this client. */
  readonly restoreVolume: pulumi.Input<string>;
  /** The director's working volume, for the client that runs BackupCatalog (read-only). */
  readonly directorVolume?: pulumi.Input<string>;
}

/**
 * A managed file daemon: runs as root (the image's default) so it reads every file it backs up,
 * with the configured host paths mounted read-only and a restore volume as the only writable target.
 */
export class FileDaemon extends pulumi.ComponentResource {
  public readonly container: docker.Container;

  constructor(name: string, args: FileDaemonArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:client:FileDaemon", name, {}, opts);
    const volumes: docker.types.input.ContainerVolume[] = [
      { volumeName: args.stateVolume, containerPath: "/var/lib/bareos" },
      { volumeName: args.restoreVolume, containerPath: RESTORE_WHERE },
      ...args.client.mounts.map((m) => ({
        hostPath: m.hostPath,
        containerPath: m.containerPath,
        readOnly: true,
      })),
    ];
    if (args.directorVolume !== undefined) {
      volumes.push({
        volumeName: args.directorVolume,
        containerPath: DIRECTOR_WORKDIR_ON_CATALOG_CLIENT,
        readOnly: true,
      });
    }
    this.container = gatedDaemon(this, name, {
      stack: args.stack,
      service: `client-${args.client.name}`,
      containerName: args.containerName,
      image: args.image,
      files: args.files.apply((tree) => withControlFile(args.family, tree, "bareos")),
      networkName: args.networkName,
      aliases: [args.client.address],
      volumes,
      healthcheck: listenerHealthcheck(args.family, args.client.port, "bareos-fd"),
      gateCommand: gateCommand(args.family, "fileDaemon"),
      // The barcus client image drops root unless told not to; ours runs the daemon as root.
      envs: args.family === "barcus-22" ? ["FORCE_ROOT=true"] : undefined,
    });
    this.registerOutputs({ containerName: this.container.name });
  }
}

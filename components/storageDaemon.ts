import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DR_KIT_DIR } from "../configs/drKit";
import type { FileTree } from "../configs/render";
import type { Settings } from "../configs/settings";
import { MiB } from "../configs/units";
import { gatedDaemon } from "./containerDefaults";
import { gateCommand, imageFamily, listenerHealthcheck, withControlFile } from "./imageProfiles";

export const STORAGE_PORT = 9103;

/** Container memory in MB (Docker's unit) for a limit in bytes. */
export function memoryMb(bytes: number): number {
  return Math.ceil(bytes / MiB);
}

export interface StorageDaemonArgs {
  readonly image: pulumi.Input<string>;
  /** The rendered SD tree including the S3 credential file (secret). */
  readonly files: pulumi.Output<FileTree>;
  readonly containerName: string;
  readonly networkName: pulumi.Input<string>;
  readonly settings: Pick<Settings, "names" | "storage" | "stack" | "images">;
  readonly stateVolume: pulumi.Input<string>;
  /** The director's disaster-recovery kit, read-only: the uploader copies it into the bucket. */
  readonly kitVolume: pulumi.Input<string>;
  /** Resources that must exist before the SD uses S3 (the IAM policy, MinIO's provisioning). */
  readonly dependsOn?: pulumi.Resource[];
}

/**
 * glibc (2.35 and later) backs the daemon's large buffers with transparent huge pages where the host
 * allows them on request (THP "madvise", the common default). Each S3 chunk is a fresh buffer of
 * chunkSize; in 4 KiB pages its first touch costs a fault per page: 0.33 s per 100 MiB measured here,
 * 0.01-0.05 s with huge pages (README, "S3 device"). Older glibc ignores the tunable.
 */
export const SD_MALLOC_TUNABLES = "GLIBC_TUNABLES=glibc.malloc.hugetlb=1";

/**
 * The storage daemon writing volumes to S3. Its memory limit comes from settings, which already
 * checked it holds the S3 upload buffer (ioThreads x ioSlots x chunkSize) plus headroom.
 */
export class StorageDaemon extends pulumi.ComponentResource {
  public readonly container: docker.Container;

  constructor(name: string, args: StorageDaemonArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:storage:StorageDaemon", name, {}, opts);
    const { settings } = args;
    const family = imageFamily(settings);
    this.container = gatedDaemon(this, name, {
      stack: settings.stack,
      service: "storage",
      containerName: args.containerName,
      image: args.image,
      files: args.files.apply((tree) => withControlFile(family, tree, "bareos")),
      networkName: args.networkName,
      aliases: [settings.names.storage],
      volumes: [
        { volumeName: args.stateVolume, containerPath: "/var/lib/bareos" },
        { volumeName: args.kitVolume, containerPath: DR_KIT_DIR, readOnly: true },
      ],
      envs: [SD_MALLOC_TUNABLES],
      healthcheck: listenerHealthcheck(family, STORAGE_PORT, "bareos-sd"),
      gateCommand: gateCommand(family, "storage"),
      memoryMb: memoryMb(settings.storage.memoryLimit),
      init: true,
      // Published only for file daemons outside the Docker network (unmanaged clients).
      ports: settings.storage.publish
        ? [{ internal: STORAGE_PORT, external: settings.storage.port, ip: settings.storage.bindAddress }]
        : [],
      dependsOn: args.dependsOn,
    });
    this.registerOutputs({ containerName: this.container.name });
  }
}

import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG_ADMIN_PGPASS, CATALOG_PORT, DIRECTOR_WORKING_DIRECTORY, LOG_DIR } from "../configs/director";
import type { FileTree } from "../configs/render";
import type { Settings } from "../configs/settings";
import { gatedDaemon } from "./containerDefaults";

export const DIRECTOR_PORT = 9101;

export interface DirectorArgs {
  readonly image: pulumi.Input<string>;
  /** The rendered /etc/bareos tree of the director (configs/director.ts), secret. */
  readonly files: pulumi.Output<FileTree>;
  readonly containerName: string;
  readonly networkName: pulumi.Input<string>;
  /** Settings the container needs: names, the catalog, the director's publishing. */
  readonly settings: Pick<Settings, "names" | "catalog" | "director" | "stack">;
  /** Named volume of the working directory (bootstraps, the catalog dump read by BackupCatalog's client). */
  readonly workingVolume: pulumi.Input<string>;
  readonly logVolume: pulumi.Input<string>;
  /** The catalog container: the gate's `bareos-dir -t` and the daemon's bootstrap need it healthy. */
  readonly catalog: pulumi.Resource;
}

/**
 * The director: the rendered configuration uploaded into the container, the catalog prepared by the
 * image's entrypoint on first start (and updated after a version change), a bconsole health check,
 * and the port published only when `director.publish` asks for it.
 */
export class Director extends pulumi.ComponentResource {
  public readonly container: docker.Container;

  constructor(name: string, args: DirectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:director:Director", name, {}, opts);
    const { settings } = args;

    this.container = gatedDaemon(this, name, {
      stack: settings.stack,
      service: "director",
      containerName: args.containerName,
      image: args.image,
      files: args.files,
      networkName: args.networkName,
      aliases: [settings.names.director],
      envs: [
        `BAREOS_CATALOG_HOST=${settings.names.catalog}`,
        `BAREOS_CATALOG_PORT=${CATALOG_PORT}`,
        `BAREOS_CATALOG_NAME=${settings.catalog.name}`,
        `BAREOS_CATALOG_ADMIN_USER=${settings.catalog.adminUser}`,
        `BAREOS_CATALOG_PGPASSFILE=${CATALOG_ADMIN_PGPASS}`,
      ],
      volumes: [
        { volumeName: args.workingVolume, containerPath: DIRECTOR_WORKING_DIRECTORY },
        { volumeName: args.logVolume, containerPath: LOG_DIR },
      ],
      ports: settings.director.publish
        ? [{ internal: DIRECTOR_PORT, external: settings.director.port, ip: settings.director.bindAddress }]
        : [],
      healthcheck: {
        tests: ["CMD", "sh", "-c", "echo version | bconsole -c /etc/bareos/bconsole.conf >/dev/null"],
        interval: "30s",
        timeout: "10s",
        retries: 3,
        // The first start creates the catalog.
        startPeriod: "120s",
      },
      gateDependsOn: [args.catalog],
      dependsOn: [args.catalog],
    });

    this.registerOutputs({ containerName: this.container.name });
  }
}

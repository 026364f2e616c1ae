import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG_ADMIN_PGPASS, CATALOG_PORT, DIRECTOR_WORKING_DIRECTORY, LOG_DIR } from "../configs/director";
import { DR_KIT_DIR } from "../configs/drKit";
import type { FileTree } from "../configs/render";
import type { Settings } from "../configs/settings";
import { gatedDaemon } from "./containerDefaults";
import { gateCommand, imageFamily, withControlFile } from "./imageProfiles";

export const DIRECTOR_PORT = 9101;

export interface DirectorArgs {
  readonly image: pulumi.Input<string>;
  /** The rendered /etc/bareos tree of the director (configs/director.ts), secret. */
  readonly files: pulumi.Output<FileTree>;
  readonly containerName: string;
  readonly networkName: pulumi.Input<string>;
  /** Settings the container needs: names, the catalog, the director's publishing. */
  readonly settings: Pick<Settings, "names" | "catalog" | "director" | "stack" | "images">;
  /** Named volume of the working directory (bootstraps, the catalog dump read by BackupCatalog's client). */
  readonly workingVolume: pulumi.Input<string>;
  readonly logVolume: pulumi.Input<string>;
  /** Named volume the kit script writes the disaster-recovery kit to (the storage daemon uploads it). */
  readonly kitVolume: pulumi.Input<string>;
  /** The catalog container: the gate's `bareos-dir -t` and the daemon's bootstrap need it healthy. */
  readonly catalog: pulumi.Resource;
  /** Only the legacy barcus image takes them, as environment (ours reads the uploaded config and pgpass). */
  readonly catalogPasswords: { readonly owner: pulumi.Input<string>; readonly admin: pulumi.Input<string> };
}

/** The environment of the director image: our entrypoint's catalog bootstrap, or barcus' DB_* variables. */
function directorEnvs(args: DirectorArgs): pulumi.Input<pulumi.Input<string>[]> {
  const { names, catalog } = args.settings;
  if (imageFamily(args.settings) === "build") {
    return [
      `BAREOS_CATALOG_HOST=${names.catalog}`,
      `BAREOS_CATALOG_PORT=${CATALOG_PORT}`,
      `BAREOS_CATALOG_NAME=${catalog.name}`,
      `BAREOS_CATALOG_ADMIN_USER=${catalog.adminUser}`,
      `BAREOS_CATALOG_PGPASSFILE=${CATALOG_ADMIN_PGPASS}`,
    ];
  }
  // barcus-22 creates the database itself when DB_INIT=true (its bareos-db.control file marks it done).
  return pulumi
    .secret(pulumi.all([args.catalogPasswords.owner, args.catalogPasswords.admin]))
    .apply(([owner, admin]) => [
      `DB_HOST=${names.catalog}`,
      `DB_PORT=${CATALOG_PORT}`,
      `DB_NAME=${catalog.dbName}`,
      `DB_USER=${catalog.dbUser}`,
      `DB_PASSWORD=${owner}`,
      `DB_ADMIN_USER=${catalog.adminUser}`,
      `DB_ADMIN_PASSWORD=${admin}`,
      "DB_INIT=true",
    ]);
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
    const family = imageFamily(settings);

    this.container = gatedDaemon(this, name, {
      stack: settings.stack,
      service: "director",
      containerName: args.containerName,
      image: args.image,
      files: args.files.apply((tree) => withControlFile(family, tree, "bareos")),
      networkName: args.networkName,
      aliases: [settings.names.director],
      envs: directorEnvs(args),
      gateCommand: gateCommand(family, "director"),
      volumes: [
        { volumeName: args.workingVolume, containerPath: DIRECTOR_WORKING_DIRECTORY },
        { volumeName: args.logVolume, containerPath: LOG_DIR },
        { volumeName: args.kitVolume, containerPath: DR_KIT_DIR },
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

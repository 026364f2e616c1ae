import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG_PORT } from "../configs/director";
import { DESTROY_GRACE_SECONDS, WAIT_TIMEOUT, containerDefaults } from "./containerDefaults";

export interface CatalogArgs {
  /** PostgreSQL image id (pinned tag, pulled by BareosImages). */
  readonly image: pulumi.Input<string>;
  /** Container name on the Docker host. */
  readonly containerName: string;
  /** DNS name on the network: the director's Catalog{DbAddress}. */
  readonly alias: string;
  readonly networkName: pulumi.Input<string>;
  readonly volumeName: string;
  /** PostgreSQL superuser; the director's bootstrap creates the Bareos database and role with it. */
  readonly adminUser: string;
  /** Its password (secret). */
  readonly adminPassword: pulumi.Input<string>;
  /** Production: the data volume survives `pulumi destroy`. */
  readonly protect: boolean;
  readonly stack: string;
}

/**
 * The catalog: PostgreSQL with a named data volume, never published. It creates no Bareos database
 * itself (no POSTGRES_DB): Bareos's scripts create it with the encoding and collation they require.
 */
export class Catalog extends pulumi.ComponentResource {
  public readonly container: docker.Container;
  public readonly volume: docker.Volume;

  constructor(name: string, args: CatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:catalog:Catalog", name, {}, opts);
    // A fast shutdown of PostgreSQL writes a checkpoint: give it time before the kill.
    const defaults = containerDefaults(args.stack, "catalog", 2 * DESTROY_GRACE_SECONDS);

    this.volume = new docker.Volume(
      `${name}-data`,
      { name: args.volumeName, labels: defaults.labels },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );

    this.container = new docker.Container(
      `${name}-postgres`,
      {
        ...defaults,
        name: args.containerName,
        image: args.image,
        // The official image demands its superuser password as environment.
        envs: pulumi
          .secret(pulumi.output(args.adminPassword))
          .apply((password) => [`POSTGRES_USER=${args.adminUser}`, `POSTGRES_PASSWORD=${password}`]),
        volumes: [{ volumeName: this.volume.name, containerPath: "/var/lib/postgresql/data" }],
        networksAdvanced: [{ name: args.networkName, aliases: [args.alias] }],
        healthcheck: {
          tests: [
            "CMD",
            "pg_isready",
            "-q",
            "-h",
            "127.0.0.1",
            "-p",
            String(CATALOG_PORT),
            "-U",
            args.adminUser,
          ],
          interval: "10s",
          timeout: "5s",
          retries: 6,
          startPeriod: "30s",
        },
        wait: true,
        waitTimeout: WAIT_TIMEOUT,
      },
      { parent: this, deleteBeforeReplace: true },
    );

    this.registerOutputs({ containerName: this.container.name });
  }
}

import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { FileTree } from "../configs/render";
import { ConfigGate } from "./configGate";

/** Labels every container and volume of a stack carries (never secrets). */
export function stackLabels(stack: string, service: string): docker.types.input.ContainerLabel[] {
  return [
    { label: "org.opencontainers.image.vendor", value: "bareos-s3-backup" },
    { label: "bareos-s3-backup.stack", value: stack },
    { label: "bareos-s3-backup.service", value: service },
  ];
}

/**
 * Seconds a replaced or destroyed container gets between SIGTERM and SIGKILL. The provider's default is
 * 0: a replacement would kill PostgreSQL mid-checkpoint and a daemon mid-job.
 */
export const DESTROY_GRACE_SECONDS = 30;

/** What every long-running container shares: restart policy, rotated logs, labels, a clean stop. */
export function containerDefaults(
  stack: string,
  service: string,
  destroyGraceSeconds = DESTROY_GRACE_SECONDS,
) {
  return {
    restart: "unless-stopped",
    destroyGraceSeconds,
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "5" },
    labels: stackLabels(stack, service),
  };
}

/**
 * A rendered file tree as container uploads. Contents stay secret (they carry passwords); modes are
 * written as octal text and owners numeric (root), the entrypoints hand them to the daemon's group.
 */
export function uploadsOf(
  files: pulumi.Output<FileTree>,
): pulumi.Output<docker.types.input.ContainerUpload[]> {
  return pulumi.secret(
    files.apply((tree) =>
      Object.keys(tree)
        .sort()
        .map((file) => ({
          file,
          content: tree[file].content,
          permissions: `0${tree[file].mode.toString(8)}`,
          owner: "0",
          group: "0",
        })),
    ),
  );
}

/** Seconds `pulumi up` waits for a container to become healthy before it fails. */
export const WAIT_TIMEOUT = 300;

/** A Bareos daemon container and the gate that tests its configuration first. */
export interface GatedDaemonSpec {
  readonly stack: string;
  readonly service: string;
  readonly containerName: string;
  readonly image: pulumi.Input<string>;
  readonly files: pulumi.Output<FileTree>;
  readonly networkName: pulumi.Input<string>;
  readonly aliases: string[];
  readonly envs?: pulumi.Input<pulumi.Input<string>[]>;
  readonly volumes?: pulumi.Input<pulumi.Input<docker.types.input.ContainerVolume>[]>;
  readonly ports?: pulumi.Input<pulumi.Input<docker.types.input.ContainerPort>[]>;
  readonly healthcheck: docker.types.input.ContainerHealthcheck;
  /** The gate's command when the image's entrypoint has no CONFIG_TEST_ONLY mode. */
  readonly gateCommand?: string[];
  readonly memoryMb?: number;
  /** Docker's init as PID 1, reaping orphans the daemon never waits for (the curl wrapper leaves one per call). */
  readonly init?: boolean;
  /** Must be up before the gate runs (the catalog for `bareos-dir -t`). */
  readonly gateDependsOn?: pulumi.Resource[];
  /** Must be up before the daemon starts. */
  readonly dependsOn?: pulumi.Resource[];
}

/**
 * Creates `<name>-gate` (a ConfigGate) and `<name>-container`: the daemon receives the gate's result as a
 * label, so it is created or replaced only after its configuration passed the daemon's own test.
 */
export function gatedDaemon(parent: pulumi.Resource, name: string, spec: GatedDaemonSpec): docker.Container {
  const uploads = uploadsOf(spec.files);
  const defaults = containerDefaults(spec.stack, spec.service);
  const gate = new ConfigGate(
    `${name}-gate`,
    {
      image: spec.image,
      containerName: `${spec.containerName}-config-check`,
      uploads,
      envs: spec.envs,
      command: spec.gateCommand,
      networkName: spec.networkName,
      labels: stackLabels(spec.stack, `${spec.service}-config-check`),
      dependsOn: spec.gateDependsOn,
    },
    { parent },
  );
  return new docker.Container(
    `${name}-container`,
    {
      ...defaults,
      labels: [...defaults.labels, { label: "bareos-s3-backup.config-check", value: gate.passed }],
      name: spec.containerName,
      image: spec.image,
      uploads,
      envs: spec.envs,
      volumes: spec.volumes,
      ports: spec.ports,
      memory: spec.memoryMb,
      init: spec.init,
      networksAdvanced: [{ name: spec.networkName, aliases: spec.aliases }],
      healthcheck: spec.healthcheck,
      wait: true,
      waitTimeout: WAIT_TIMEOUT,
    },
    { parent, dependsOn: [gate, ...(spec.dependsOn ?? [])], deleteBeforeReplace: true },
  );
}

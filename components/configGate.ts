import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface ConfigGateArgs {
  /** The daemon's own image: the gate must test with the binary that will run the files. */
  readonly image: pulumi.Input<string>;
  /** Name of the one-shot container (one per daemon, so its logs are easy to find). */
  readonly containerName: pulumi.Input<string>;
  /** Exactly the files the daemon container receives. */
  readonly uploads: pulumi.Input<pulumi.Input<docker.types.input.ContainerUpload>[]>;
  /** The test command, for images whose entrypoint has no CONFIG_TEST_ONLY mode (legacy barcus). */
  readonly command?: pulumi.Input<pulumi.Input<string>[]>;
  /** The daemon's environment; the gate adds CONFIG_TEST_ONLY=1. */
  readonly envs?: pulumi.Input<pulumi.Input<string>[]>;
  /** Network to join: `bareos-dir -t` connects to the catalog. */
  readonly networkName: pulumi.Input<string>;
  readonly labels?: pulumi.Input<pulumi.Input<docker.types.input.ContainerLabel>[]>;
  /** Resources the test needs running first (the catalog for the director). */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * A one-shot container of the daemon's image that runs the daemon's configuration test
 * (`bareos-dir -t`, `bareos-sd -t`, `bareos-fd -t`, via the image entrypoint's CONFIG_TEST_ONLY mode)
 * on the new files. `passed` resolves only when it exited 0; otherwise the deployment fails with the
 * daemon's own output, and since the daemon container takes `passed` as an input, the running
 * daemon is never replaced by one with a configuration it would reject.
 */
export class ConfigGate extends pulumi.ComponentResource {
  /** The gate container's id once the test passed; feed it into the daemon container. */
  public readonly passed: pulumi.Output<string>;

  constructor(name: string, args: ConfigGateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:gate:ConfigGate", name, {}, opts);

    const envs = pulumi.output(args.envs ?? []).apply((e) => ["CONFIG_TEST_ONLY=1", ...e]);
    const gate = new docker.Container(
      `${name}-check`,
      {
        name: args.containerName,
        image: args.image,
        envs,
        command: args.command,
        uploads: args.uploads,
        networksAdvanced: [{ name: args.networkName }],
        labels: args.labels,
        // Run to completion and keep the exit code and output in the state.
        mustRun: false,
        attach: true,
        logs: true,
        restart: "no",
      },
      // A daemon's parse error quotes the offending line, which may hold a password.
      {
        parent: this,
        dependsOn: args.dependsOn,
        deleteBeforeReplace: true,
        additionalSecretOutputs: ["containerLogs"],
      },
    );

    this.passed = pulumi
      .all([gate.exitCode, gate.containerLogs, gate.id, pulumi.output(args.containerName)])
      .apply(([code, logs, id, container]) => {
        if (code !== 0) {
          throw new pulumi.RunError(
            `Configuration test failed in ${container} (exit ${code}); the running daemon was left in place:\n${logs ?? ""}`,
          );
        }
        return id;
      });

    // `passed` is not registered as an output: its only consumer is the daemon, whose registration
    // then carries the failure (one error, with the daemon's text, instead of one per consumer).
    this.registerOutputs({});
  }
}

import type * as docker from "@pulumi/docker";
import type { FileTree } from "../configs/render";
import type { Settings } from "../configs/settings";

/**
 * What differs between the images this project builds (images/README.md) and the legacy Bareos 22
 * barcus images of the hand-built setup: how to test a configuration, how to check health, which
 * extra files and environment they need. Everything else about a container is the same.
 */
export type ImageFamily = "build" | "barcus-22";

export function imageFamily(settings: Pick<Settings, "images">): ImageFamily {
  return settings.images.preset;
}

/** The control files that keep the barcus entrypoints from regenerating (and overwriting) the config. */
export const BARCUS_CONTROL_FILES = {
  bareos: "/etc/bareos/bareos-config.control",
  webui: "/etc/bareos-webui/bareos-config.control",
} as const;

/** The files a container gets: the rendered tree plus, on barcus images, the control file. */
export function withControlFile(
  family: ImageFamily,
  tree: FileTree,
  which: keyof typeof BARCUS_CONTROL_FILES,
): FileTree {
  if (family !== "barcus-22") return tree;
  return {
    ...tree,
    [BARCUS_CONTROL_FILES[which]]: { content: "managed by bareos-s3-backup (Pulumi)\n", mode: 0o644 },
  };
}

const DAEMON_BINARIES = { director: "bareos-dir", storage: "bareos-sd", fileDaemon: "bareos-fd" } as const;

/**
 * The gate's command: our images test through their entrypoint (CONFIG_TEST_ONLY=1, which also waits for
 * and prepares the catalog); the barcus entrypoints run their setup and then exec the command given.
 */
export function gateCommand(family: ImageFamily, daemon: keyof typeof DAEMON_BINARIES): string[] | undefined {
  return family === "barcus-22"
    ? [`/usr/sbin/${DAEMON_BINARIES[daemon]}`, "-t", "-c", "/etc/bareos"]
    : undefined;
}

/**
 * A liveness check for a daemon listening on `port`: a TCP connect where the image has bash (ours), the
 * process on the busybox-only Alpine barcus images.
 */
export function webuiHealthcheck(family: ImageFamily, port: number): docker.types.input.ContainerHealthcheck {
  // The login form, not just a 200: a missing directors.ini still answers 200.
  const fetch = family === "barcus-22" ? "wget -q -O - -T 8" : "curl -fsSL --max-time 8";
  return {
    tests: ["CMD", "sh", "-c", `${fetch} http://127.0.0.1:${port}/ | grep -q 'name="consolename"'`],
    interval: "30s",
    timeout: "10s",
    retries: 3,
    startPeriod: "20s",
  };
}

export function listenerHealthcheck(
  family: ImageFamily,
  port: number,
  process: string,
): docker.types.input.ContainerHealthcheck {
  return {
    tests:
      family === "barcus-22"
        ? ["CMD", "pgrep", process]
        : ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`],
    interval: "30s",
    timeout: "5s",
    retries: 3,
    startPeriod: "30s",
  };
}

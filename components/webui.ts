import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { FileTree } from "../configs/render";
import type { Settings } from "../configs/settings";
import { WAIT_TIMEOUT, containerDefaults, tcpHealthcheck, uploadsOf } from "./containerDefaults";

/** php-fpm's FastCGI port and nginx's unprivileged listen port inside the network (images/README.md). */
export const PHP_FPM_PORT = 9000;
export const NGINX_PORT = 9100;

export interface WebuiArgs {
  readonly phpImage: pulumi.Input<string>;
  readonly nginxImage: pulumi.Input<string>;
  /** /etc/bareos-webui/directors.ini and configuration.ini. */
  readonly files: pulumi.Output<FileTree>;
  readonly phpContainerName: string;
  readonly nginxContainerName: string;
  readonly networkName: pulumi.Input<string>;
  readonly settings: Pick<Settings, "names" | "webui" | "stack">;
  /** The director: the webui logs in through it, so it starts after the director is healthy. */
  readonly director: pulumi.Resource;
}

/**
 * The webui as two containers: php-fpm running the Bareos webui code (not published) and nginx serving
 * its static files and passing PHP to it (published on `webui.bindAddress:webui.port`, the stack's only
 * published port by default). Both start after a healthy director, nginx after a healthy php-fpm.
 */
export class Webui extends pulumi.ComponentResource {
  public readonly php: docker.Container;
  public readonly nginx: docker.Container;
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: WebuiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:webui:Webui", name, {}, opts);
    const { settings } = args;

    this.php = new docker.Container(
      `${name}-php`,
      {
        ...containerDefaults(settings.stack, "webui-php"),
        name: args.phpContainerName,
        image: args.phpImage,
        uploads: uploadsOf(args.files),
        networksAdvanced: [{ name: args.networkName, aliases: [settings.names.webuiPhp] }],
        healthcheck: tcpHealthcheck(PHP_FPM_PORT),
        wait: true,
        waitTimeout: WAIT_TIMEOUT,
      },
      { parent: this, dependsOn: [args.director], deleteBeforeReplace: true },
    );

    this.nginx = new docker.Container(
      `${name}-nginx`,
      {
        ...containerDefaults(settings.stack, "webui"),
        name: args.nginxContainerName,
        image: args.nginxImage,
        envs: [
          `PHP_FPM_HOST=${settings.names.webuiPhp}`,
          `PHP_FPM_PORT=${PHP_FPM_PORT}`,
          `NGINX_LISTEN_PORT=${NGINX_PORT}`,
        ],
        ports: [{ internal: NGINX_PORT, external: settings.webui.port, ip: settings.webui.bindAddress }],
        networksAdvanced: [{ name: args.networkName, aliases: [settings.names.webui] }],
        healthcheck: {
          // The login form, not just a 200: a missing directors.ini still answers 200.
          tests: [
            "CMD",
            "sh",
            "-c",
            `curl -fsSL --max-time 8 http://127.0.0.1:${NGINX_PORT}/ | grep -q 'name="consolename"'`,
          ],
          interval: "30s",
          timeout: "10s",
          retries: 3,
          startPeriod: "20s",
        },
        wait: true,
        waitTimeout: WAIT_TIMEOUT,
      },
      { parent: this, dependsOn: [this.php, args.director], deleteBeforeReplace: true },
    );

    const host = settings.webui.bindAddress === "0.0.0.0" ? "localhost" : settings.webui.bindAddress;
    this.url = pulumi.output(`http://${host}:${settings.webui.port}/`);
    this.registerOutputs({ url: this.url });
  }
}

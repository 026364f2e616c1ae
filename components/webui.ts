import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { FileTree } from "../configs/render";
import type { Settings } from "../configs/settings";
import { WAIT_TIMEOUT, containerDefaults, stackLabels, uploadsOf } from "./containerDefaults";
import { imageFamily, listenerHealthcheck, webuiHealthcheck, withControlFile } from "./imageProfiles";

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
  readonly settings: Pick<Settings, "names" | "webui" | "stack" | "images">;
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
    const family = imageFamily(settings);
    const uploads = uploadsOf(args.files.apply((tree) => withControlFile(family, tree, "webui")));
    // Our php image carries the webui code; on the barcus images nginx's copy is shared with php-fpm.
    const code =
      family === "barcus-22"
        ? new docker.Volume(
            `${name}-code`,
            { name: `${args.nginxContainerName}-code`, labels: stackLabels(settings.stack, "webui-code") },
            { parent: this },
          )
        : undefined;
    const codeMount = code ? [{ volumeName: code.name, containerPath: "/usr/share/bareos-webui" }] : [];

    this.php = new docker.Container(
      `${name}-php`,
      {
        ...containerDefaults(settings.stack, "webui-php"),
        name: args.phpContainerName,
        image: args.phpImage,
        uploads,
        volumes: codeMount,
        networksAdvanced: [{ name: args.networkName, aliases: [settings.names.webuiPhp] }],
        healthcheck: listenerHealthcheck(family, PHP_FPM_PORT, "php-fpm"),
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
        // barcus' nginx reads its /etc/bareos-webui; ours needs no files.
        uploads: family === "barcus-22" ? uploads : undefined,
        volumes: codeMount,
        networksAdvanced: [{ name: args.networkName, aliases: [settings.names.webui] }],
        healthcheck: webuiHealthcheck(family, NGINX_PORT),
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

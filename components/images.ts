import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DEBIAN_POSTGRES_MAJOR, Settings } from "../configs/settings";

/** The images of the stack, by role. */
export type ImageRole = "director" | "storage" | "fileDaemon" | "webui" | "webuiNginx";
const BUILD_DIRS: Record<ImageRole, string> = {
  director: "director",
  storage: "storage",
  fileDaemon: "filedaemon",
  webui: "webui",
  webuiNginx: "webui-nginx",
};

/** Bareos 22 images of the hand-built setup: unmaintained, kept as a legacy preset. php-fpm has no
 * version tag; the hand-built setup ran "latest" too. */
export const BARCUS_22: Record<ImageRole, string> = {
  director: "barcus/bareos-director:22-alpine",
  storage: "barcus/bareos-storage:22-alpine",
  fileDaemon: "barcus/bareos-client:22-alpine",
  webui: "barcus/php-fpm-alpine:latest",
  webuiNginx: "barcus/bareos-webui:22-alpine",
};

/** Shared by every image (images/common): a change there rebuilds them all. */
const COMMON_DIR = "common";

/**
 * A digest of the files below `parts` (folders of `dir`, default all of it), so a changed Dockerfile
 * or script rebuilds the image. Only the parts an image copies from count, so that a change to one
 * image's folder does not rebuild the others.
 */
export function contextHash(dir: string, parts: string[] = ["."]): string {
  const hash = crypto.createHash("sha256");
  const walk = (d: string) => {
    for (const entry of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        hash.update(path.relative(dir, full));
        hash.update(fs.readFileSync(full));
      }
    }
  };
  for (const part of parts) walk(path.join(dir, part));
  return hash.digest("hex");
}

/**
 * The build arguments of one image (images/README.md): the Bareos major and repository for all of them,
 * and for the director the pg_dump major of the catalog (Debian's own 15, else from PGDG).
 */
export function buildArgsOf(
  role: ImageRole,
  args: Pick<BareosImagesArgs, "images" | "bareosVersion" | "postgresMajor">,
): Record<string, string> {
  const common = {
    BAREOS_VERSION: args.bareosVersion,
    BAREOS_REPO_URL: args.images.bareosRepository.url,
    BAREOS_KEY_FINGERPRINT: args.images.bareosRepository.keyFingerprint,
  };
  if (role !== "director") return common;
  return {
    ...common,
    POSTGRES_MAJOR: String(args.postgresMajor),
    POSTGRES_CLIENT_SOURCE: args.postgresMajor === DEBIAN_POSTGRES_MAJOR ? "debian" : "pgdg",
  };
}

export interface BareosImagesArgs {
  /** Which images to build or pull, the repository builds install Bareos from. */
  readonly images: Settings["images"];
  readonly bareosVersion: Settings["bareosVersion"];
  /** The catalog's PostgreSQL major: the director image's pg_dump must be at least that. */
  readonly postgresMajor: Settings["catalog"]["postgresMajor"];
  /** The build context of every image (`images/`), holding `<name>/Dockerfile` and `common/`. */
  readonly contextRoot: string;
}

/**
 * The container images: built from `images/` with the Bareos major pinned as a build argument, or
 * pulled when settings name prebuilt ones (or the legacy barcus preset). Outputs are image ids, so a
 * rebuilt image replaces the containers that run it.
 */
export class BareosImages extends pulumi.ComponentResource {
  public readonly ids: Record<ImageRole | "catalog" | "smtp", pulumi.Output<string>>;
  /** Where each image came from, for outputs and docs: a tag, or "built from images/<dir>". */
  public readonly sources: Record<ImageRole, string>;

  constructor(name: string, args: BareosImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:images:BareosImages", name, {}, opts);
    const { images } = args;
    const ids = {} as Record<ImageRole | "catalog" | "smtp", pulumi.Output<string>>;
    const sources = {} as Record<ImageRole, string>;

    for (const role of Object.keys(BUILD_DIRS) as ImageRole[]) {
      const override = images[role] ?? (images.preset === "barcus-22" ? BARCUS_22[role] : undefined);
      if (override !== undefined) {
        sources[role] = override;
        ids[role] = new docker.RemoteImage(
          `${name}-${BUILD_DIRS[role]}`,
          { name: override, keepLocally: true },
          { parent: this },
        ).imageId;
        continue;
      }
      const dir = BUILD_DIRS[role];
      const tag = `bareos-s3-backup/${dir}:${args.bareosVersion}`;
      const buildArgs = buildArgsOf(role, args);
      sources[role] = `built from images/${dir} as ${tag}`;
      ids[role] = new docker.RemoteImage(
        `${name}-${BUILD_DIRS[role]}`,
        {
          name: tag,
          build: {
            context: args.contextRoot,
            dockerfile: `${dir}/Dockerfile`,
            buildArgs,
            tags: [tag],
          },
          // A changed context or build argument builds the image again.
          triggers: { context: contextHash(args.contextRoot, [dir, COMMON_DIR]), ...buildArgs },
          keepLocally: true,
        },
        { parent: this },
      ).imageId;
    }
    ids.catalog = new docker.RemoteImage(
      `${name}-catalog`,
      { name: images.catalog, keepLocally: true },
      { parent: this },
    ).imageId;
    ids.smtp = new docker.RemoteImage(
      `${name}-smtp`,
      { name: images.smtp, keepLocally: true },
      { parent: this },
    ).imageId;

    this.ids = ids;
    this.sources = sources;
    this.registerOutputs({ ids });
  }
}

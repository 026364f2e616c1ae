// Every configuration file the stack writes, per container, from the settings and the credentials.
// Pure: no Pulumi, no filesystem. Components call renderAll inside an apply over the secret outputs.
import type { BareosSecrets, ClientKeys } from "./secrets";
import { Settings, derivedBucketPrefix } from "./settings";
import { renderDirector } from "./director";
import { renderStorage } from "./storage";
import { renderFileDaemon } from "./fileDaemon";
import { renderWebui } from "./webui";

import type { FileTree } from "./fileTree";

export type { ConfigFile, FileTree } from "./fileTree";

export interface RenderedConfigs {
  /** bareos-dir: /etc/bareos/bareos-dir.d/**, /etc/bareos/bconsole.conf, /etc/bareos/catalog-admin.pgpass. */
  readonly director: FileTree;
  /** bareos-sd: /etc/bareos/bareos-sd.d/** and the S3 credential file (s3cfg or droplet profile). */
  readonly storage: FileTree;
  /** Per client name: managed clients' container files, or the files to install on an unmanaged host. */
  readonly clients: Readonly<Record<string, FileTree>>;
  /** /etc/bareos-webui/directors.ini and configuration.ini (php-fpm and nginx). */
  readonly webui: FileTree;
}

export interface RenderOptions {
  /**
   * The bucket the storage daemon writes to. The AWS component may derive it with a random suffix, so it
   * is known only at deploy time; defaults to settings.s3.bucketName.
   */
  readonly bucketName?: string;
}

export function renderAll(
  settings: Settings,
  secrets: BareosSecrets,
  options: RenderOptions = {},
): RenderedConfigs {
  const bucketName = options.bucketName ?? settings.s3.bucketName;
  if (bucketName === undefined) {
    throw new Error("renderAll: no bucket name (pass options.bucketName: settings.s3.bucketName is not set)");
  }
  const clients: Record<string, FileTree> = {};
  for (const client of settings.clients) clients[client.name] = renderFileDaemon(settings, secrets, client);
  return {
    director: renderDirector(settings, secrets),
    storage: renderStorage(settings, secrets, bucketName),
    clients,
    webui: renderWebui(settings),
  };
}

const PLACEHOLDER = "PLACEHOLDER";

function placeholderPem(label: string, what: string): string {
  return `-----BEGIN ${label}-----\n${PLACEHOLDER}-${what}\n-----END ${label}-----\n`;
}

/**
 * Clearly marked stand-ins for every credential, equal wherever two daemons must agree, for rendering
 * without cloud access (`render` command, tests). Never deploy them.
 */
export function placeholderSecrets(settings: Settings): BareosSecrets {
  const clients: Record<string, string> = {};
  const clientKeys: Record<string, ClientKeys> = {};
  for (const c of settings.clients) {
    clients[c.name] = `${PLACEHOLDER}-client-${c.name}-password`;
    if (c.encryption) {
      clientKeys[c.name] = {
        keypairPem:
          placeholderPem("PRIVATE KEY", `${c.name}-private-key`) +
          placeholderPem("CERTIFICATE", `${c.name}-certificate`),
        masterCertificatePem: placeholderPem("CERTIFICATE", "master-certificate"),
      };
    }
  }
  const webuiUsers: Record<string, string> = {};
  for (const u of settings.webui.users) webuiUsers[u.name] = `${PLACEHOLDER}-webui-${u.name}-password`;
  return {
    director: `${PLACEHOLDER}-director-password`,
    storage: `${PLACEHOLDER}-storage-password`,
    clients,
    catalog: `${PLACEHOLDER}-catalog-password`,
    catalogAdmin: `${PLACEHOLDER}-catalog-admin-password`,
    webuiUsers,
    s3AccessKeyId: `${PLACEHOLDER}-s3-access-key-id`,
    s3SecretAccessKey: `${PLACEHOLDER}-s3-secret-access-key`,
    clientKeys,
  };
}

/** The configured bucket, or a marked stand-in shaped like the name the AWS component derives. */
export function placeholderBucketName(settings: Settings): string {
  return settings.s3.bucketName ?? `${derivedBucketPrefix(settings.project, settings.stack)}-xxxxxxxx`;
}

// The disaster-recovery kit: what the stack keeps under `dr/` in the bucket so the catalog (and with it
// every job) can be brought back when nothing but the bucket is left. The director's kit script
// (images/director/dr-kit.sh, run after each BackupCatalog) fills a volume the storage daemon reads; the
// storage daemon's uploader (images/storage/dr-kit-upload.sh) copies it into the bucket.
// Nothing here is secret: no password, no key (the encryption master key stays offline).
import type { Settings } from "./settings";
import type { FileTree } from "./fileTree";
import { CONFIG_DIR, CONFIG_MODE } from "./serialize";
import { formatDuration, formatSize } from "./units";
import { bootstrapFile, catalogDumpOnClient } from "./directorPaths";

/** The key prefix of the kit in the bucket. Volumes are `<LabelFormat><nnnn>/`: never this folder. */
export const DR_KIT_PREFIX = "dr";
/** The volume the director writes the kit to and the storage daemon uploads it from (read-only there). */
export const DR_KIT_DIR = "/var/lib/bareos-dr-kit";
/** Written last by the kit script; the uploader copies the kit when it changes. */
export const DR_KIT_STAMP = "KIT-COMPLETE";
export const DR_KIT_SCRIPT = "/usr/local/bin/bareos-dr-kit";
/** The README's fixed part; the kit script appends the volumes and the catalog job. */
export const DR_KIT_TEMPLATE = `${CONFIG_DIR}/dr-kit/README.md`;
/** The storage daemon's copy target (`<remote>:<bucket>/dr`), read by its uploader and by `npm run recover`. */
export const DR_KIT_TARGET_FILE = `${CONFIG_DIR}/s3/dr-kit.target`;
export const CATALOG_BOOTSTRAP = "BackupCatalog.bsr";
/** The encryption master key's certificate (public): with the offline private key it decrypts old data. */
export const DR_KIT_MASTER_CERT = "master-certificate.pem";

/** The kit needs this project's images (its scripts); the legacy barcus preset has none. */
export function hasRecoveryKit(settings: Pick<Settings, "images">): boolean {
  return settings.images.preset !== "barcus-22";
}

export function drKitTarget(remote: string, bucketName: string): string {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucketName))
    throw new Error(`${JSON.stringify(bucketName)} is not a bucket name the kit can be written to`);
  return `${remote}:${bucketName}/${DR_KIT_PREFIX}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cell = (v: string) => v.replace(/[|\r\n]/g, " ");
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

/** The README's fixed part: what the stack was, and how to get its catalog back. */
export function drKitReadme(settings: Settings): string {
  const encrypting = settings.clients.filter((c) => c.encryption).map((c) => c.name);
  const lines = [
    `# Disaster-recovery kit of stack "${settings.stack}" (${settings.project})`,
    "",
    `Bareos ${settings.bareosVersion}, storage device "${settings.storage.deviceName}" ` +
      `(media type "${settings.storage.mediaType}"), catalog "${settings.catalog.name}" ` +
      `(database "${settings.catalog.dbName}").`,
    "",
    "This folder holds no password and no key. It is rewritten after every BackupCatalog.",
    "",
    "- `bootstrap/BackupCatalog.bsr`: where the newest catalog dump is in the volumes.",
    "- `bootstrap/<job>.bsr`: where each job's backups are (as of that BackupCatalog).",
    `- \`${DR_KIT_STAMP}\`: when the kit was written and by which BackupCatalog job.`,
    "",
    "## Recovery",
    "",
    "1. Deploy the stack again against this bucket (`pulumi up`; the bucket is protected in production).",
    `2. Run \`npm run recover -- --stack ${settings.stack}\` from the project: it fetches this kit, extracts`,
    `   the catalog dump (${catalogDumpOnClient(settings)}) with \`bextract\` and this bootstrap, loads it`,
    "   into the new catalog and restarts the director. Restores then see the old job history.",
    "3. Without this kit: `npm run recover -- --stack <name> --bscan` rebuilds the catalog from the volumes.",
    "",
    "By hand, inside the storage daemon's container:",
    "",
    "```",
    `bextract -c ${CONFIG_DIR} -b bootstrap/${CATALOG_BOOTSTRAP} ${settings.storage.deviceName} /tmp/recover`,
    "```",
    "",
    `then load the dump (\`pg_dump --clean\` output) into database "${settings.catalog.dbName}" as the`,
    "catalog's administrator and restart the director.",
    "",
    ...(encrypting.length > 0
      ? [
          `Clients ${encrypting.join(", ")} encrypt their data: restoring it on a rebuilt stack needs the`,
          "encryption master key kept offline (`pulumi stack output --show-secrets encryptionMasterKey`):",
          `\`npm run recover -- --stack ${settings.stack} --master-key <file>\` pairs it with \`${DR_KIT_MASTER_CERT}\` (here).`,
          "The catalog itself is backed up unencrypted by the stack's own client.",
          "",
        ]
      : []),
    "## Pools",
    "",
    ...table(
      ["Pool", "Level", "Label format", "Volume retention", "Maximum volume bytes"],
      settings.pools.map((p) => [
        p.name,
        p.level,
        p.labelFormat,
        formatDuration(p.volumeRetentionSeconds),
        formatSize(p.maximumVolumeBytes),
      ]),
    ),
    "",
    "## Jobs",
    "",
    ...table(
      ["Job", "Client", "FileSet", "Bootstrap"],
      settings.jobs.map((j) => [j.name, j.client, j.fileSet, `bootstrap/${j.name}.bsr`]),
    ),
    "",
    `Bootstraps on the director: ${bootstrapFile("<job>")}.`,
    "",
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The director's part of the kit: the README template its kit script completes, and the master
 * certificate when clients encrypt (public; the private key never comes near the stack's files).
 */
export function renderDrKit(settings: Settings, masterCertificatePem?: string): FileTree {
  return {
    [DR_KIT_TEMPLATE]: { content: drKitReadme(settings), mode: CONFIG_MODE },
    ...(masterCertificatePem === undefined
      ? {}
      : {
          [`${CONFIG_DIR}/dr-kit/${DR_KIT_MASTER_CERT}`]: {
            content: `${masterCertificatePem.trimEnd()}\n`,
            mode: CONFIG_MODE,
          },
        }),
  };
}

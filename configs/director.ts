// The director's tree: /etc/bareos/bareos-dir.d/<type>/<Name>.conf (one resource per file), bconsole.conf
// and the catalog bootstrap's pgpass. Names other resources refer to are computed once here or in the
// module owning the other side (storage.ts, fileDaemon.ts, console.ts).
import type { BareosSecrets } from "./secrets";
import type { ClientSettings, PoolSettings, Settings } from "./settings";
import { excludeDirectives } from "./excludes";
import type { FileTree } from "./fileTree";
import {
  DirCatalog,
  DirClient,
  DirDirector,
  DirFileSet,
  DirJob,
  DirJobDefs,
  DirMessages,
  DirPool,
  DirSchedule,
  DirStorage,
  FileSetOptions,
} from "./resources";
import { CONFIG_DIR, CREDENTIAL_MODE, fileTree, resourceFile } from "./serialize";
import { STORAGE_PORT, storageEndpoint } from "./storage";
import { DEFAULT_FD_PORT, clientPassword } from "./fileDaemon";
import { renderBconsole, renderWebuiConsoles } from "./console";
import {
  DIRECTOR_WORKDIR_ON_CATALOG_CLIENT,
  DIRECTOR_WORKING_DIRECTORY,
  bootstrapFile,
  catalogDumpOnClient,
} from "./directorPaths";
import { DR_KIT_SCRIPT, hasRecoveryKit, renderDrKit } from "./drKit";
import { verifyJobs, verifySchedules } from "./verify";

export { DIRECTOR_WORKDIR_ON_CATALOG_CLIENT, DIRECTOR_WORKING_DIRECTORY, catalogDumpOnClient };

/** RestoreFiles' default target on the client; managed clients get the restore volume mounted here. */
export const RESTORE_WHERE = "/tmp/bareos-restores";
export const CATALOG_PORT = 5432;
export const CATALOG_ADMIN_PGPASS = `${CONFIG_DIR}/catalog-admin.pgpass`;
export const LOG_DIR = "/var/log/bareos";
export const BSMTP = "/usr/bin/bsmtp";
/** The submission port: boky/postfix (the default relay image) exposes it (and also listens on 25). */
export const SMTP_RELAY_PORT = 587;

export const DAEMON_MESSAGES = "Daemon";
export const JOB_MESSAGES = "Standard";
export const DEFAULT_JOBDEFS = "DefaultJob";
export const SCRATCH_POOL = "Scratch";
export const RESTORE_JOB = "RestoreFiles";
export const CATALOG_JOB = "BackupCatalog";
export const CATALOG_FILESET = "Catalog";
export const CATALOG_SCHEDULE = "WeeklyCycleAfterBackup";
const DEFAULT_PRIORITY = 10;

/** Bareos' helper scripts: the Alpine packages of the barcus images install them under /etc/bareos. */
export function scriptsDirectory(settings: Settings): string {
  return settings.images.preset === "barcus-22" ? `${CONFIG_DIR}/scripts` : "/usr/lib/bareos/scripts";
}

/** The client that runs BackupCatalog: the stack's own, which gets the director's working volume. */
export function catalogClient(settings: Settings): ClientSettings | undefined {
  return settings.clients.find((c) => c.stackOwned);
}

/** The client RestoreFiles names by default: the first managed data client (else the first client). */
export function defaultRestoreClient(settings: Settings): ClientSettings {
  const data = settings.clients.filter((c) => !c.stackOwned);
  return data.find((c) => c.managed) ?? data[0] ?? settings.clients[0];
}

/** The pools DefaultJob (and the stack's own jobs) use: the first of each level, with Bareos' fallbacks. */
export function defaultPools(settings: Settings): {
  full: string;
  differential: string;
  incremental: string;
} {
  const first = (level: PoolSettings["level"]) => settings.pools.find((p) => p.level === level)?.name;
  const full = first("Full") ?? settings.pools[0].name;
  const differential = first("Differential") ?? full;
  return { full, differential, incremental: first("Incremental") ?? first("Differential") ?? full };
}

function levelPool(
  job: { fullPool: string; differentialPool: string; incrementalPool: string },
  level: string,
) {
  return level === "Full"
    ? job.fullPool
    : level === "Differential"
      ? job.differentialPool
      : job.incrementalPool;
}

/** After the last scheduled backup of the day (Bareos' default: 21:10, after WeeklyCycle's 21:00). */
export function catalogBackupTime(settings: Settings): string {
  const starts = settings.schedules.flatMap((s) => s.runs.map((r) => r.when.hour * 60 + r.when.minute));
  const at = ((starts.length > 0 ? Math.max(...starts) : 21 * 60) + 10) % (24 * 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(at / 60))}:${pad(at % 60)}`;
}

/** BackupCatalog's last Run After Job: refresh the disaster-recovery kit, then mail the bootstrap. */
function drKitCommand(settings: Settings): string {
  // No shell: Bareos splits the line, quotes group the sender (its display name has a space).
  return [
    DR_KIT_SCRIPT,
    "%i",
    `${settings.names.smtp}:${SMTP_RELAY_PORT}`,
    `"(Bareos) <${settings.smtp.from}>"`,
    ...settings.smtp.to,
  ].join(" ");
}

function bsmtp(settings: Settings, subject: string, recipients: string): string {
  // Run without a shell (Bareos splits the line itself), so the quotes group the -f and -s arguments.
  return `${BSMTP} -h ${settings.names.smtp}:${SMTP_RELAY_PORT} -f "(Bareos) <${settings.smtp.from}>" -s "${subject}" ${recipients}`;
}

function messages(settings: Settings): DirMessages[] {
  const to = settings.smtp.to;
  const notSkipped = ["all", "!skipped", "!saved", "!audit"];
  return [
    {
      kind: "dir/messages",
      name: DAEMON_MESSAGES,
      description: "Message delivery for daemon messages (no job).",
      mailCommand: bsmtp(settings, "Bareos daemon message", "%r"),
      mail: [{ destinations: to, types: ["all", "!skipped", "!audit"] }],
      console: { types: notSkipped },
      append: [
        { destinations: [`${LOG_DIR}/bareos.log`], types: ["all", "!skipped", "!audit"] },
        { destinations: [`${LOG_DIR}/bareos-audit.log`], types: ["audit"] },
      ],
    },
    {
      kind: "dir/messages",
      name: JOB_MESSAGES,
      description: "Reasonable message delivery -- send most everything to email address and to the console.",
      // %n is the job's name: "Bareos: Backup OK of backup-testdata-s3 on bareos-fd (Full)".
      mailCommand: bsmtp(settings, "Bareos: %t %e of %n on %c (%l)", "%r"),
      operatorCommand: bsmtp(settings, "Bareos: Intervention needed for %j", "%r"),
      mail: [{ destinations: to, types: notSkipped }],
      operator: [{ destinations: to, types: ["mount"] }],
      console: { types: notSkipped },
      append: [{ destinations: [`${LOG_DIR}/bareos.log`], types: notSkipped }],
      catalog: { types: notSkipped },
    },
  ];
}

function fileSet(f: Settings["fileSets"][number]): DirFileSet {
  const { files, wild, wildDir } = excludeDirectives(f.exclude);
  const defaults: FileSetOptions = {
    signature: f.signature as FileSetOptions["signature"],
    compression: f.compression === "none" ? undefined : (f.compression as FileSetOptions["compression"]),
  };
  const patterns = wild.length + wildDir.length > 0;
  return {
    kind: "dir/fileset",
    name: f.name,
    description: f.description,
    include: [
      {
        // The first Options whose pattern matches a file decides; the last one applies to everything
        // else (find.cc AcceptFile), so the exclusion comes first and the defaults last.
        options: [...(patterns ? [{ wild, wildDir, exclude: true }] : []), defaults],
        files: f.include,
        plugins: f.plugins,
      },
    ],
    exclude: files.length > 0 ? [{ files }] : undefined,
  };
}

export function renderDirector(settings: Settings, secrets: BareosSecrets): FileTree {
  const v22 = settings.bareosVersion === "22";
  const storage = storageEndpoint(settings);
  const pools = defaultPools(settings);
  const catalogFd = catalogClient(settings);
  const scripts = scriptsDirectory(settings);
  // Bareos 23+ prunes jobs and files with their volumes; on 22 the client retentions say the same.
  const longestRetention = Math.max(...settings.pools.map((p) => p.volumeRetentionSeconds));

  const director: DirDirector = {
    kind: "dir/director",
    name: settings.director.name,
    password: secrets.director,
    messages: DAEMON_MESSAGES,
    maximumConcurrentJobs: settings.director.maximumConcurrentJobs,
    // Required on 22; Bareos' own default config names it on every version.
    queryFile: `${scripts}/query.sql`,
    workingDirectory: DIRECTOR_WORKING_DIRECTORY,
    auditing: true,
  };
  const catalog: DirCatalog = {
    kind: "dir/catalog",
    name: settings.catalog.name,
    // Bareos 23 removed DbDriver (PostgreSQL is the only driver left).
    dbDriver: v22 ? "postgresql" : undefined,
    dbName: settings.catalog.dbName,
    dbUser: settings.catalog.dbUser,
    dbPassword: secrets.catalog,
    dbAddress: settings.names.catalog,
    dbPort: CATALOG_PORT,
  };
  const clients = settings.clients.map((c): DirClient => ({
    kind: "dir/client",
    name: c.name,
    description: c.description,
    address: c.address,
    port: c.port === DEFAULT_FD_PORT ? undefined : c.port,
    password: clientPassword(secrets, c.name),
    fileRetention: v22 ? longestRetention : undefined,
    jobRetention: v22 ? longestRetention : undefined,
    autoPrune: v22 ? true : undefined,
  }));
  const dirStorage: DirStorage = {
    kind: "dir/storage",
    name: storage.name,
    description: "The S3 device of the storage daemon.",
    address: storage.address,
    // Only a published storage daemon can sit on another port (the container listens on the default).
    port: storage.port === STORAGE_PORT ? undefined : storage.port,
    password: secrets.storage,
    device: storage.device,
    mediaType: storage.mediaType,
    maximumConcurrentJobs: storage.maximumConcurrentJobs,
  };
  const poolResources = [
    ...settings.pools.map((p): DirPool => ({
      kind: "dir/pool",
      name: p.name,
      description: p.description,
      poolType: "Backup",
      storage: [storage.name],
      recycle: true,
      autoPrune: true,
      volumeRetention: p.volumeRetentionSeconds,
      maximumVolumeBytes: p.maximumVolumeBytes,
      maximumVolumes: p.maximumVolumes,
      labelFormat: p.labelFormat,
    })),
    {
      kind: "dir/pool",
      name: SCRATCH_POOL,
      description: "Volumes not yet assigned to a pool.",
      // No Recycle Pool: naming itself, it made the director warn (by mail) on every empty catalog.
      poolType: "Scratch",
    } satisfies DirPool,
  ];
  const jobDefs: DirJobDefs = {
    kind: "dir/jobdefs",
    name: DEFAULT_JOBDEFS,
    type: "Backup",
    level: "Incremental",
    storage: [storage.name],
    messages: JOB_MESSAGES,
    pool: pools.incremental,
    fullBackupPool: pools.full,
    differentialBackupPool: pools.differential,
    incrementalBackupPool: pools.incremental,
    priority: DEFAULT_PRIORITY,
    writeBootstrap: bootstrapFile("%n"),
  };
  const jobs = settings.jobs.map((j): DirJob => ({
    kind: "dir/job",
    name: j.name,
    description: j.description,
    jobDefs: DEFAULT_JOBDEFS,
    level: j.level,
    client: j.client,
    fileSet: j.fileSet,
    schedule: j.schedule,
    pool: levelPool(j, j.level),
    fullBackupPool: j.fullPool,
    differentialBackupPool: j.differentialPool,
    incrementalBackupPool: j.incrementalPool,
    priority: j.priority,
    enabled: j.enabled,
  }));
  const restoreClient = defaultRestoreClient(settings);
  const restore: DirJob = {
    kind: "dir/job",
    name: RESTORE_JOB,
    description:
      "Standard Restore template. Only one such job is needed for all standard Jobs/Clients/Storage ...",
    type: "Restore",
    client: restoreClient.name,
    fileSet: settings.fileSets[0].name,
    storage: [storage.name],
    pool: pools.full,
    messages: JOB_MESSAGES,
    where: RESTORE_WHERE,
  };

  const schedules = settings.schedules.map((s): DirSchedule => ({
    kind: "dir/schedule",
    name: s.name,
    description: s.description,
    runs: s.runs.map((r) => ({ level: r.level, when: r.when.text })),
  }));

  // BackupCatalog needs a file daemon that sees the dump: only a managed client can get the volume.
  const catalogBackup = catalogFd
    ? [
        {
          kind: "dir/job",
          name: CATALOG_JOB,
          description: "Backup the catalog database (after the nightly save)",
          jobDefs: DEFAULT_JOBDEFS,
          level: "Full",
          client: catalogFd.name,
          fileSet: CATALOG_FILESET,
          schedule: CATALOG_SCHEDULE,
          pool: pools.full,
          runBeforeJob: [`${scripts}/make_catalog_backup ${settings.catalog.name}`],
          // The bootstrap (JobDefs' file) is written before these run: the kit script copies and mails it.
          runAfterJob: [
            `${scripts}/delete_catalog_backup ${settings.catalog.name}`,
            ...(hasRecoveryKit(settings) ? [drKitCommand(settings)] : []),
          ],
          priority: Math.min(100, Math.max(DEFAULT_PRIORITY, ...settings.jobs.map((j) => j.priority)) + 1),
        } satisfies DirJob,
        {
          kind: "dir/fileset",
          name: CATALOG_FILESET,
          description: "Backup the catalog dump.",
          include: [
            {
              options: [{ signature: "XXH128", compression: "LZ4" }],
              files: [catalogDumpOnClient(settings)],
            },
          ],
        } satisfies DirFileSet,
        {
          kind: "dir/schedule",
          name: CATALOG_SCHEDULE,
          description:
            "This schedule does the catalog. It starts after the last scheduled backup of the day.",
          runs: [{ level: "Full", when: `daily at ${catalogBackupTime(settings)}` }],
        } satisfies DirSchedule,
      ]
    : [];

  const verify = [
    ...verifyJobs(settings, { storage: storage.name, messages: JOB_MESSAGES }),
    ...verifySchedules(settings),
  ];

  const resources = [
    director,
    catalog,
    ...clients,
    dirStorage,
    ...poolResources,
    jobDefs,
    ...jobs,
    restore,
    ...catalogBackup,
    ...verify,
    ...settings.fileSets.map(fileSet),
    ...schedules,
    ...messages(settings),
  ];
  return fileTree([
    ...resources.map(resourceFile),
    ...(catalogFd && hasRecoveryKit(settings)
      ? Object.entries(renderDrKit(settings, Object.values(secrets.clientKeys)[0]?.masterCertificatePem))
      : []),
    ...Object.entries(renderWebuiConsoles(settings, secrets)),
    ...Object.entries(renderBconsole(settings, secrets)),
    [
      CATALOG_ADMIN_PGPASS,
      {
        content: `${[
          settings.names.catalog,
          String(CATALOG_PORT),
          "*",
          settings.catalog.adminUser,
          secrets.catalogAdmin,
        ]
          .map(pgpassField)
          .join(":")}\n`,
        mode: CREDENTIAL_MODE,
      },
    ],
  ]);
}

/** libpq's pgpass: `:` and `\` are escaped with `\`; a line break would end the entry. */
export function pgpassField(text: string): string {
  if (/[\r\n]/.test(text)) throw new Error("a pgpass field cannot contain a line break");
  return text.replace(/[\\:]/g, (c) => `\\${c}`);
}

// Typed Bareos resources: what each daemon's configuration can hold, with directive names as Bareos
// spells them and values in their Bareos datatype. This is a model of Bareos, not of our settings:
// it knows nothing about stacks, only which directives exist and how each is typed
// (bareos-<daemon> --xs). Optional fields are left out of the text when undefined.
import type { BlockNode, DirectiveNode, Value } from "./serialize";

export type Level = "Full" | "Differential" | "Incremental";
/** The Verify levels the stack renders (Bareos also has Catalog, InitCatalog, DiskToCatalog). */
export type VerifyLevel = "VolumeToCatalog";

/** One MESSAGES line: `Mail = "root@localhost" = all, !skipped`. */
export interface MessageDestination {
  /** Mail addresses, a file or a director name; none for `Console`/`Catalog`. */
  readonly destinations?: readonly string[];
  readonly types: readonly string[];
}

export interface ScheduleRun {
  readonly level: Level | VerifyLevel;
  /** The date/time part: `1st sat at 21:00`. */
  readonly when: string;
}

// ------------------------------------------------------------------ director (bareos-dir.d)

export interface DirDirector {
  readonly kind: "dir/director";
  readonly name: string;
  readonly description?: string;
  readonly password: string;
  readonly messages?: string;
  readonly maximumConcurrentJobs?: number;
  readonly queryFile?: string;
  readonly workingDirectory?: string;
  readonly auditing?: boolean;
}

export interface DirCatalog {
  readonly kind: "dir/catalog";
  readonly name: string;
  readonly description?: string;
  /** Bareos 22 and older only (removed in 23). */
  readonly dbDriver?: "postgresql";
  readonly dbName: string;
  readonly dbUser: string;
  readonly dbPassword: string;
  readonly dbAddress?: string;
  readonly dbPort?: number;
}

export interface DirClient {
  readonly kind: "dir/client";
  readonly name: string;
  readonly description?: string;
  readonly address: string;
  readonly port?: number;
  readonly password: string;
  /** Deprecated since 23 (pruning follows volume retention). */
  readonly fileRetention?: number;
  readonly jobRetention?: number;
  readonly autoPrune?: boolean;
  readonly maximumConcurrentJobs?: number;
}

export interface DirStorage {
  readonly kind: "dir/storage";
  readonly name: string;
  readonly description?: string;
  readonly address: string;
  readonly port?: number;
  readonly password: string;
  /** The SD's Device name. */
  readonly device: string;
  readonly mediaType: string;
  readonly maximumConcurrentJobs?: number;
}

export type PoolType = "Backup" | "Copy" | "Cloned" | "Archive" | "Migration" | "Scratch";

export interface DirPool {
  readonly kind: "dir/pool";
  readonly name: string;
  readonly description?: string;
  readonly poolType: PoolType;
  readonly storage?: readonly string[];
  readonly recycle?: boolean;
  readonly autoPrune?: boolean;
  readonly volumeRetention?: number;
  readonly maximumVolumeBytes?: number;
  readonly maximumVolumes?: number;
  readonly labelFormat?: string;
  readonly recyclePool?: string;
}

/** Directives shared by Job and JobDefs. */
export interface JobFields {
  readonly name: string;
  readonly description?: string;
  readonly jobDefs?: string;
  readonly type?: "Backup" | "Restore" | "Verify" | "Admin" | "Copy" | "Migrate" | "Consolidate";
  readonly level?: Level | VerifyLevel;
  /** Verify jobs: the backup job whose newest run is verified. */
  readonly jobToVerify?: string;
  readonly client?: string;
  readonly fileSet?: string;
  readonly schedule?: string;
  readonly storage?: readonly string[];
  readonly messages?: string;
  readonly pool?: string;
  readonly fullBackupPool?: string;
  readonly differentialBackupPool?: string;
  readonly incrementalBackupPool?: string;
  readonly where?: string;
  readonly writeBootstrap?: string;
  readonly runBeforeJob?: readonly string[];
  readonly runAfterJob?: readonly string[];
  readonly priority?: number;
  readonly enabled?: boolean;
}

export interface DirJobDefs extends JobFields {
  readonly kind: "dir/jobdefs";
}

export interface DirJob extends JobFields {
  readonly kind: "dir/job";
}

/** FileSet `Options { }`: applies to the files its patterns match (or, without patterns, to the rest). */
export interface FileSetOptions {
  readonly signature?: "XXH128" | "SHA256" | "SHA512" | "SHA1" | "MD5";
  readonly compression?: "LZ4" | "LZ4HC" | "GZIP";
  readonly wild?: readonly string[];
  readonly wildFile?: readonly string[];
  readonly wildDir?: readonly string[];
  readonly exclude?: boolean;
}

export interface FileSetInclude {
  /** Matched in order; the first Options whose pattern matches decides, the last one applies to the rest. */
  readonly options: readonly FileSetOptions[];
  readonly files: readonly string[];
  readonly plugins?: readonly string[];
}

export interface FileSetExclude {
  readonly files: readonly string[];
}

export interface DirFileSet {
  readonly kind: "dir/fileset";
  readonly name: string;
  readonly description?: string;
  readonly include: readonly FileSetInclude[];
  readonly exclude?: readonly FileSetExclude[];
}

export interface DirSchedule {
  readonly kind: "dir/schedule";
  readonly name: string;
  readonly description?: string;
  readonly runs: readonly ScheduleRun[];
}

interface MessagesFields {
  readonly name: string;
  readonly description?: string;
  readonly mailCommand?: string;
  readonly operatorCommand?: string;
  readonly mail?: readonly MessageDestination[];
  readonly operator?: readonly MessageDestination[];
  readonly console?: MessageDestination;
  readonly append?: readonly MessageDestination[];
  readonly catalog?: MessageDestination;
  readonly director?: readonly MessageDestination[];
}

export interface DirMessages extends MessagesFields {
  readonly kind: "dir/messages";
}

interface AclFields {
  readonly commandAcl?: readonly string[];
  readonly jobAcl?: readonly string[];
  readonly scheduleAcl?: readonly string[];
  readonly catalogAcl?: readonly string[];
  readonly poolAcl?: readonly string[];
  readonly storageAcl?: readonly string[];
  readonly clientAcl?: readonly string[];
  readonly fileSetAcl?: readonly string[];
  readonly whereAcl?: readonly string[];
  readonly pluginOptionsAcl?: readonly string[];
}

export interface DirProfile extends AclFields {
  readonly kind: "dir/profile";
  readonly name: string;
  readonly description?: string;
}

export interface DirConsole extends AclFields {
  readonly kind: "dir/console";
  readonly name: string;
  readonly description?: string;
  readonly password: string;
  readonly profile?: readonly string[];
  readonly tlsEnable?: boolean;
  readonly tlsRequire?: boolean;
}

// ------------------------------------------------------------------ storage daemon (bareos-sd.d)

export interface SdStorage {
  readonly kind: "sd/storage";
  readonly name: string;
  readonly description?: string;
  /** Deprecated since 24 (the devices limit concurrency). */
  readonly maximumConcurrentJobs?: number;
  readonly messages?: string;
}

export interface SdDirector {
  readonly kind: "sd/director";
  readonly name: string;
  readonly description?: string;
  readonly password: string;
}

export interface SdDevice {
  readonly kind: "sd/device";
  readonly name: string;
  readonly description?: string;
  readonly mediaType: string;
  readonly archiveDevice: string;
  readonly deviceType?: string;
  readonly deviceOptions?: string;
  readonly labelMedia?: boolean;
  readonly randomAccess?: boolean;
  readonly automaticMount?: boolean;
  readonly removableMedia?: boolean;
  readonly alwaysOpen?: boolean;
  readonly maximumConcurrentJobs?: number;
}

export interface SdMessages extends MessagesFields {
  readonly kind: "sd/messages";
}

// ------------------------------------------------------------------ file daemon (bareos-fd.d)

export type PkiCipher =
  | "aes128"
  | "aes192"
  | "aes256"
  | "camellia128"
  | "camellia192"
  | "camellia256"
  | "aes128hmacsha1"
  | "aes256hmacsha1";

export interface FdClient {
  readonly kind: "fd/client";
  readonly name: string;
  readonly description?: string;
  readonly port?: number;
  /** Deprecated since 24. */
  readonly maximumConcurrentJobs?: number;
  readonly maximumBandwidthPerJob?: number;
  readonly pluginDirectory?: string;
  readonly pluginNames?: readonly string[];
  readonly pkiSignatures?: boolean;
  readonly pkiEncryption?: boolean;
  readonly pkiKeyPair?: string;
  readonly pkiMasterKey?: readonly string[];
  readonly pkiCipher?: PkiCipher;
  readonly messages?: string;
}

export interface FdDirector {
  readonly kind: "fd/director";
  readonly name: string;
  readonly description?: string;
  readonly password: string;
}

export interface FdMessages extends MessagesFields {
  readonly kind: "fd/messages";
}

// ------------------------------------------------------------------ bconsole (bconsole.conf)

export interface ConsoleDirector {
  readonly kind: "console/director";
  readonly name: string;
  readonly description?: string;
  readonly address: string;
  readonly port?: number;
  readonly password: string;
}

export type BareosResource =
  | DirDirector
  | DirCatalog
  | DirClient
  | DirStorage
  | DirPool
  | DirJobDefs
  | DirJob
  | DirFileSet
  | DirSchedule
  | DirMessages
  | DirProfile
  | DirConsole
  | SdStorage
  | SdDirector
  | SdDevice
  | SdMessages
  | FdClient
  | FdDirector
  | FdMessages
  | ConsoleDirector;

export type ResourceKind = BareosResource["kind"];
export type Daemon = "bareos-dir" | "bareos-sd" | "bareos-fd" | "bconsole";

const TYPE_NAMES: Record<ResourceKind, string> = {
  "dir/director": "Director",
  "dir/catalog": "Catalog",
  "dir/client": "Client",
  "dir/storage": "Storage",
  "dir/pool": "Pool",
  "dir/jobdefs": "JobDefs",
  "dir/job": "Job",
  "dir/fileset": "FileSet",
  "dir/schedule": "Schedule",
  "dir/messages": "Messages",
  "dir/profile": "Profile",
  "dir/console": "Console",
  "sd/storage": "Storage",
  "sd/director": "Director",
  "sd/device": "Device",
  "sd/messages": "Messages",
  "fd/client": "Client",
  "fd/director": "Director",
  "fd/messages": "Messages",
  "console/director": "Director",
};

/** The resource type as written in the file (`JobDefs`). */
export function resourceType(kind: ResourceKind): string {
  return TYPE_NAMES[kind];
}

export function daemonOf(kind: ResourceKind): Daemon {
  const prefix = kind.slice(0, kind.indexOf("/"));
  return prefix === "dir"
    ? "bareos-dir"
    : prefix === "sd"
      ? "bareos-sd"
      : prefix === "fd"
        ? "bareos-fd"
        : "bconsole";
}

/**
 * Where a daemon started with `-c <configDir>` reads this resource from:
 * `<configDir>/bareos-dir.d/jobdefs/DefaultJob.conf` (type folder in lower case, as Bareos lays it out).
 */
export function resourcePath(configDir: string, resource: BareosResource): string {
  const daemon = daemonOf(resource.kind);
  if (daemon === "bconsole") return `${configDir}/bconsole.conf`;
  return `${configDir}/${daemon}.d/${resourceType(resource.kind).toLowerCase()}/${resource.name}.conf`;
}

// ------------------------------------------------------------------ resource -> block

/** Collects directives in the order they are added, skipping undefined values. */
class Directives {
  readonly items: (DirectiveNode | BlockNode)[] = [];

  private add(keyword: string, value: Value | undefined): this {
    if (value !== undefined) this.items.push({ keyword, value });
    return this;
  }

  name(keyword: string, v: string | undefined): this {
    return this.add(keyword, v === undefined ? undefined : { kind: "name", value: v });
  }
  names(keyword: string, v: readonly string[] | undefined): this {
    return this.add(keyword, v === undefined ? undefined : { kind: "names", values: v });
  }
  string(keyword: string, v: string | undefined): this {
    return this.add(keyword, v === undefined ? undefined : { kind: "string", value: v });
  }
  /** A repeatable string directive: one line per value (`File = ...`). */
  strings(keyword: string, v: readonly string[] | undefined): this {
    for (const s of v ?? []) this.string(keyword, s);
    return this;
  }
  integer(keyword: string, v: number | undefined): this {
    return this.add(keyword, v === undefined ? undefined : { kind: "integer", value: v });
  }
  boolean(keyword: string, v: boolean | undefined): this {
    return this.add(keyword, v === undefined ? undefined : { kind: "boolean", value: v });
  }
  keyword(keyword: string, v: string | undefined): this {
    return this.add(keyword, v === undefined ? undefined : { kind: "keyword", value: v });
  }
  time(keyword: string, seconds: number | undefined): this {
    return this.add(keyword, seconds === undefined ? undefined : { kind: "time", seconds });
  }
  size(keyword: string, bytes: number | undefined): this {
    return this.add(keyword, bytes === undefined ? undefined : { kind: "size", bytes });
  }
  speed(keyword: string, bytesPerSecond: number | undefined): this {
    return this.add(keyword, bytesPerSecond === undefined ? undefined : { kind: "speed", bytesPerSecond });
  }
  acl(keyword: string, entries: readonly string[] | undefined): this {
    return this.add(keyword, entries === undefined ? undefined : { kind: "acl", entries });
  }
  /** One line per destination entry (`Append = "a.log" = ...` twice is two destinations). */
  messages(keyword: string, v: readonly MessageDestination[] | MessageDestination | undefined): this {
    const list: readonly MessageDestination[] =
      v === undefined ? [] : Array.isArray(v) ? v : [v as MessageDestination];
    for (const m of list) {
      this.add(keyword, { kind: "messages", destinations: m.destinations ?? [], types: m.types });
    }
    return this;
  }
  runs(keyword: string, v: readonly ScheduleRun[]): this {
    for (const r of v) this.add(keyword, { kind: "run", level: r.level, when: r.when });
    return this;
  }
  block(block: BlockNode): this {
    this.items.push(block);
    return this;
  }

  toBlock(type: string): BlockNode {
    return { type, items: this.items };
  }
}

function messagesBlock(r: MessagesFields): BlockNode {
  return new Directives()
    .name("Name", r.name)
    .string("Description", r.description)
    .string("Mail Command", r.mailCommand)
    .string("Operator Command", r.operatorCommand)
    .messages("Mail", r.mail)
    .messages("Operator", r.operator)
    .messages("Director", r.director)
    .messages("Console", r.console)
    .messages("Append", r.append)
    .messages("Catalog", r.catalog)
    .toBlock("Messages");
}

function withAcls(d: Directives, r: AclFields): Directives {
  return d
    .acl("Command ACL", r.commandAcl)
    .acl("Job ACL", r.jobAcl)
    .acl("Schedule ACL", r.scheduleAcl)
    .acl("Catalog ACL", r.catalogAcl)
    .acl("Pool ACL", r.poolAcl)
    .acl("Storage ACL", r.storageAcl)
    .acl("Client ACL", r.clientAcl)
    .acl("FileSet ACL", r.fileSetAcl)
    .acl("Where ACL", r.whereAcl)
    .acl("Plugin Options ACL", r.pluginOptionsAcl);
}

function jobBlock(r: JobFields, type: string): BlockNode {
  return new Directives()
    .name("Name", r.name)
    .string("Description", r.description)
    .name("JobDefs", r.jobDefs)
    .keyword("Type", r.type)
    .keyword("Level", r.level)
    .name("Job To Verify", r.jobToVerify)
    .name("Client", r.client)
    .name("FileSet", r.fileSet)
    .name("Schedule", r.schedule)
    .names("Storage", r.storage)
    .name("Messages", r.messages)
    .name("Pool", r.pool)
    .name("Full Backup Pool", r.fullBackupPool)
    .name("Differential Backup Pool", r.differentialBackupPool)
    .name("Incremental Backup Pool", r.incrementalBackupPool)
    .string("Where", r.where)
    .string("Write Bootstrap", r.writeBootstrap)
    .strings("Run Before Job", r.runBeforeJob)
    .strings("Run After Job", r.runAfterJob)
    .integer("Priority", r.priority)
    .boolean("Enabled", r.enabled)
    .toBlock(type);
}

function optionsBlock(o: FileSetOptions): BlockNode {
  return new Directives()
    .keyword("Signature", o.signature)
    .keyword("Compression", o.compression)
    .strings("Wild", o.wild)
    .strings("Wild File", o.wildFile)
    .strings("Wild Dir", o.wildDir)
    .boolean("Exclude", o.exclude)
    .toBlock("Options");
}

function fileSetBlock(r: DirFileSet): BlockNode {
  const d = new Directives().name("Name", r.name).string("Description", r.description);
  for (const inc of r.include) {
    const body = new Directives();
    for (const o of inc.options) body.block(optionsBlock(o));
    body.strings("File", inc.files).strings("Plugin", inc.plugins);
    d.block(body.toBlock("Include"));
  }
  for (const exc of r.exclude ?? []) d.block(new Directives().strings("File", exc.files).toBlock("Exclude"));
  return d.toBlock("FileSet");
}

/** The block a resource is written as; the directive order is fixed here. */
export function toBlock(r: BareosResource): BlockNode {
  switch (r.kind) {
    case "dir/director":
      return new Directives()
        .name("Name", r.name)
        .string("Description", r.description)
        .string("Password", r.password)
        .name("Messages", r.messages)
        .integer("Maximum Concurrent Jobs", r.maximumConcurrentJobs)
        .string("Query File", r.queryFile)
        .string("Working Directory", r.workingDirectory)
        .boolean("Auditing", r.auditing)
        .toBlock("Director");
    case "dir/catalog":
      return new Directives()
        .name("Name", r.name)
        .string("Description", r.description)
        .string("DB Driver", r.dbDriver)
        .string("DB Name", r.dbName)
        .string("DB User", r.dbUser)
        .string("DB Password", r.dbPassword)
        .string("DB Address", r.dbAddress)
        .integer("DB Port", r.dbPort)
        .toBlock("Catalog");
    case "dir/client":
      return new Directives()
        .name("Name", r.name)
        .string("Description", r.description)
        .string("Address", r.address)
        .integer("FD Port", r.port)
        .string("Password", r.password)
        .time("File Retention", r.fileRetention)
        .time("Job Retention", r.jobRetention)
        .boolean("AutoPrune", r.autoPrune)
        .integer("Maximum Concurrent Jobs", r.maximumConcurrentJobs)
        .toBlock("Client");
    case "dir/storage":
      return new Directives()
        .name("Name", r.name)
        .string("Description", r.description)
        .string("Address", r.address)
        .integer("SD Port", r.port)
        .string("Password", r.password)
        .name("Device", r.device)
        .string("Media Type", r.mediaType)
        .integer("Maximum Concurrent Jobs", r.maximumConcurrentJobs)
        .toBlock("Storage");
    case "dir/pool":
      return new Directives()
        .name("Name", r.name)
        .string("Description", r.description)
        .keyword("Pool Type", r.poolType)
        .names("Storage", r.storage)
        .boolean("Recycle", r.recycle)
        .boolean("AutoPrune", r.autoPrune)
        .time("Volume Retention", r.volumeRetention)
        .size("Maximum Volume Bytes", r.maximumVolumeBytes)
        .integer("Maximum Volumes", r.maximumVolumes)
        .string("Label Format", r.labelFormat)
        .name("Recycle Pool", r.recyclePool)
        .toBlock("Pool");
    case "dir/jobdefs":
      return jobBlock(r, "JobDefs");
    case "dir/job":
      return jobBlock(r, "Job");
    case "dir/fileset":
      return fileSetBlock(r);
    case "dir/schedule":
      return new Directives()
        .name("Name", r.name)
        .string("Description", r.description)
        .runs("Run", r.runs)
        .toBlock("Schedule");
    case "dir/messages":
    case "sd/messages":
    case "fd/messages":
      return messagesBlock(r);
    case "dir/profile":
      return withAcls(new Directives().name("Name", r.name).string("Description", r.description), r).toBlock(
        "Profile",
      );
    case "dir/console":
      return withAcls(
        new Directives()
          .name("Name", r.name)
          .string("Description", r.description)
          .string("Password", r.password)
          .names("Profile", r.profile),
        r,
      )
        .boolean("TLS Enable", r.tlsEnable)
        .boolean("TLS Require", r.tlsRequire)
        .toBlock("Console");
    case "sd/storage":
      return new Directives()
        .name("Name", r.name)
        .string("Description", r.description)
        .integer("Maximum Concurrent Jobs", r.maximumConcurrentJobs)
        .name("Messages", r.messages)
        .toBlock("Storage");
    case "sd/director":
    case "fd/director":
      return new Directives()
        .name("Name", r.name)
        .string("Description", r.description)
        .string("Password", r.password)
        .toBlock("Director");
    case "sd/device":
      return new Directives()
        .name("Name", r.name)
        .string("Description", r.description)
        .string("Media Type", r.mediaType)
        .string("Archive Device", r.archiveDevice)
        .string("Device Type", r.deviceType)
        .string("Device Options", r.deviceOptions)
        .boolean("Label Media", r.labelMedia)
        .boolean("Random Access", r.randomAccess)
        .boolean("Automatic Mount", r.automaticMount)
        .boolean("Removable Media", r.removableMedia)
        .boolean("Always Open", r.alwaysOpen)
        .integer("Maximum Concurrent Jobs", r.maximumConcurrentJobs)
        .toBlock("Device");
    case "fd/client":
      return (
        new Directives()
          .name("Name", r.name)
          .string("Description", r.description)
          .integer("FD Port", r.port)
          .integer("Maximum Concurrent Jobs", r.maximumConcurrentJobs)
          .speed("Maximum Bandwidth Per Job", r.maximumBandwidthPerJob)
          .string("Plugin Directory", r.pluginDirectory)
          // PLUGIN_NAMES is one string split at ':' (StorePluginNames).
          .string("Plugin Names", r.pluginNames?.join(":"))
          .boolean("PKI Signatures", r.pkiSignatures)
          .boolean("PKI Encryption", r.pkiEncryption)
          .string("PKI Key Pair", r.pkiKeyPair)
          .strings("PKI Master Key", r.pkiMasterKey)
          .keyword("PKI Cipher", r.pkiCipher)
          .name("Messages", r.messages)
          .toBlock("Client")
      );
    case "console/director":
      return new Directives()
        .name("Name", r.name)
        .string("Description", r.description)
        .string("Address", r.address)
        .integer("DIR Port", r.port)
        .string("Password", r.password)
        .toBlock("Director");
  }
}

import * as os from "os";
import * as path from "path";
import {
  defaultSchemaDir,
  loadSchemas,
  resolveSchemaVersionDir,
  schemasAvailable,
} from "../../../configs/schema/load";
import { parseBareosConfig } from "../../../configs/schema/parse";
import {
  BareosMajor,
  Daemon,
  LoadedSchemas,
  formatProblem,
  parseUnits,
  validateConfig,
  validateFileTree,
} from "../../../configs/schema/validate";

// The Bareos schemas are not part of the repository (see configs/schema/load.ts).
const schemaDir = defaultSchemaDir();
const haveSchemas = schemasAvailable(schemaDir);
if (!haveSchemas) {
  // Under CI a missing input is a failure, never a skip.
  if (process.env.CI) throw new Error("Bareos config schemas are missing (set BAREOS_SCHEMA_DIR)");
  console.warn(
    `Bareos config schemas not found in ${schemaDir} (set BAREOS_SCHEMA_DIR): skipping schema validation tests`,
  );
}
const withSchemas = haveSchemas ? describe : describe.skip;

const VERSIONS: BareosMajor[] = ["22", "24", "25"];

// A realistic configuration that is valid on 22, 24 and 25 alike.
const DIR: Record<string, string> = {
  "bareos-dir.d/director/bareos-dir.conf": `
Director {                            # define myself
  Name = bareos-dir
  QueryFile = "/usr/lib/bareos/scripts/query.sql"
  Maximum Concurrent Jobs = 10
  Password = "dir-secret"             # Console password
  Messages = Daemon
  Auditing = yes
  Working Directory = "/var/lib/bareos"
  Heartbeat Interval = 1 min
}
`,
  "bareos-dir.d/catalog/MyCatalog.conf": `
Catalog {
  Name = MyCatalog
  DB Address = "db.internal"; DB Port = 5432
  dbname = "bareos"
  dbuser = "bareos"
  dbpassword = "db \\"secret\\""
}
`,
  "bareos-dir.d/client/bareos-fd.conf": `
Client {
  Name = bareos-fd
  Description = "Client resource of the Director itself."
  Address = localhost
  Password = "[md5]0123456789abcdef0123456789abcdef"
  Maximum Bandwidth Per Job = 10 mb/s
}
`,
  "bareos-dir.d/storage/S3.conf": `
Storage {
  Name = S3
  Address = "bareos-sd.internal"
  Password = "sd-secret"
  Device = S3Device
  Media Type = S3_Object
  Maximum Concurrent Jobs = 4
}
`,
  "bareos-dir.d/pool/Full.conf": `
Pool {
  Name = Full
  Pool Type = Backup
  Recycle = yes
  AutoPrune = yes
  Volume Retention = 365 days
  Maximum Volume Bytes = 50G
  Maximum Volumes = 100
  Label Format = "Full-"
  Storage = S3
}
`,
  "bareos-dir.d/pool/Incremental.conf": `
Pool {
  Name = Incremental
  Pool Type = Backup
  Volume Retention = 1 month 2 weeks
  Maximum Volume Bytes = 1 gb
  Label Format = "Incremental-"
  Next Pool = Full
}
`,
  "bareos-dir.d/messages/Standard.conf": `
Messages {
  Name = Standard
  Description = "Reasonable message delivery."
  Mail Command = "/usr/bin/bsmtp -h localhost -f \\"(Bareos) <%r>\\" -s \\"Bareos: %t %e of %c %l\\" %r"
  Operator Command = "/usr/bin/bsmtp -h localhost -f \\"(Bareos) <%r>\\" -s \\"Bareos: Intervention needed for %j\\" %r"
  Mail = root@localhost = all, !skipped, !saved, !audit
  Operator = root@localhost = mount
  Console = all, !skipped, !saved, !audit
  Append = "/var/log/bareos/bareos.log" = all, !skipped, !saved, !audit
  Catalog = all, !skipped, !saved, !audit
}
`,
  "bareos-dir.d/messages/Daemon.conf": `
Messages {
  Name = Daemon
  Mail Command = "/usr/bin/bsmtp -h localhost -f \\"(Bareos) <%r>\\" -s \\"Bareos daemon message\\" %r"
  Mail = root@localhost = all, !skipped, !audit
  Console = all, !skipped, !saved, !audit
  Append = "/var/log/bareos/bareos.log" = all, !skipped, !audit
  Append = "/var/log/bareos/bareos-audit.log" = audit
}
`,
  "bareos-dir.d/schedule/WeeklyCycle.conf": `
Schedule {
  Name = "WeeklyCycle"
  Run = Full 1st sat at 21:00
  Run = Level=Differential Pool=Incremental 2nd-5th sat at 21:00
  Run = Incremental mon-fri at 21:00
}
`,
  "bareos-dir.d/fileset/LinuxAll.conf": `
FileSet {
  Name = "LinuxAll"
  Description = "Backup all regular filesystems, determined by filesystem type."
  Include {
    Options {
      Signature = MD5
      Compression = LZ4
      One FS = No
      FS Type = ext4; FS Type = xfs
      WildDir = "/var/cache/*"
    }
    File = /
    File = "/var/lib/bareos"
  }
  Exclude {
    File = /var/lib/bareos/storage
    File = /proc
  }
}
`,
  "bareos-dir.d/jobdefs/DefaultJob.conf": `
JobDefs {
  Name = "DefaultJob"
  Type = Backup
  Level = Incremental
  Client = bareos-fd
  FileSet = "LinuxAll"
  Schedule = "WeeklyCycle"
  Storage = S3
  Messages = Standard
  Pool = Incremental
  Priority = 10
  Write Bootstrap = "/var/lib/bareos/%c.bsr"
  Full Backup Pool = Full
  Incremental Backup Pool = Incremental
}
`,
  "bareos-dir.d/job/backup-bareos-fd.conf": `
Job {
  Name = "backup-bareos-fd"
  JobDefs = "DefaultJob"
  Client = "bareos-fd"
  RunScript {
    RunsWhen = Before
    RunsOnClient = no
    FailJobOnError = yes
    Command = "/usr/lib/bareos/scripts/make_catalog_backup MyCatalog"
  }
}
`,
  "bareos-dir.d/job/RestoreFiles.conf": `
Job {
  Name = "RestoreFiles"
  Type = Restore
  Client = bareos-fd
  FileSet = LinuxAll
  Storage = S3
  Pool = Incremental
  Messages = Standard
  Where = /tmp/bareos-restores
}
`,
  "bareos-dir.d/profile/operator.conf": `
Profile {
  Name = operator
  Description = "Profile allowing normal Bareos operations."
  Command ACL = !.bvfs_clear_cache, !.exit, !.sql
  Command ACL = !configure, !create, !delete, !purge, !prune, !sqlquery, !umount, !unmount
  Command ACL = *all*
  Catalog ACL = *all*
  Client ACL = *all*
  FileSet ACL = *all*
  Job ACL = *all*
  Plugin Options ACL = *all*
  Pool ACL = *all*
  Schedule ACL = *all*
  Storage ACL = *all*
  Where ACL = *all*
}
`,
  "bareos-dir.d/console/admin.conf": `
Console {
  Name = admin
  Password = "admin-secret"
  Profile = operator
}
`,
};

const SD: Record<string, string> = {
  "bareos-sd.d/storage/bareos-sd.conf": `
Storage {
  Name = bareos-sd
  SD Port = 9103
  Working Directory = "/var/lib/bareos"
  Plugin Directory = "/usr/lib/bareos/plugins"
  Backend Directory = "/usr/lib/bareos/backends"
}
`,
  "bareos-sd.d/director/bareos-dir.conf": `
Director {
  Name = bareos-dir
  Password = "sd-secret"
  Description = "Director, who is permitted to contact this storage daemon."
}
`,
  "bareos-sd.d/device/S3Device.conf": `
Device {
  Name = S3Device
  Media Type = S3_Object
  Archive Device = "S3 Object Storage"
  Device Type = droplet
  Device Options = "profile=/etc/bareos/bareos-sd.d/device/droplet/aws.profile,bucket=my-bucket,chunksize=100M"
  Label Media = yes
  Random Access = yes
  Automatic Mount = yes
  Removable Media = no
  Always Open = no
  Maximum Concurrent Jobs = 1
  Maximum File Size = 500M
}
`,
  "bareos-sd.d/messages/Standard.conf": `
Messages {
  Name = Standard
  Director = bareos-dir = all
  Description = "Send all messages to the Director."
}
`,
};

const FD: Record<string, string> = {
  "bareos-fd.d/client/myself.conf": `
Client {
  Name = myself
  FD Port = 9102
  Working Directory = /var/lib/bareos
  Plugin Directory = "/usr/lib/bareos/plugins"
  Plugin Names = "python3"
  Maximum Bandwidth Per Job = 100 mb/s
  Messages = Standard
}
`,
  "bareos-fd.d/director/bareos-dir.conf": `
Director {
  Name = bareos-dir
  Password = "[md5]0123456789abcdef0123456789abcdef"
  Description = "Allow the configured Director to access this file daemon."
}
`,
  "bareos-fd.d/messages/Standard.conf": `
Messages {
  Name = Standard
  Director = bareos-dir = all, !skipped, !restored
  Description = "Send relevant messages to the Director."
}
`,
};

const BCONSOLE: Record<string, string> = {
  "bconsole.conf": `
#
# Bareos User Agent (or Console) Configuration File
#
Director {
  Name = bareos-dir
  DIRport = 9101
  address = bareos-dir.internal
  Password = "admin-secret"
}
`,
};

const TREES: Record<Daemon, Record<string, string>> = {
  "bareos-dir": DIR,
  "bareos-sd": SD,
  "bareos-fd": FD,
  bconsole: BCONSOLE,
};

function schemas(version: BareosMajor): LoadedSchemas {
  return loadSchemas(schemaDir, version);
}

/** Formatted problems for `daemon`'s good tree with some files replaced (undefined removes one). */
function check(
  daemon: Daemon,
  version: BareosMajor,
  overrides: Record<string, string | undefined> = {},
): string[] {
  const files: Record<string, string> = {};
  for (const [p, text] of Object.entries({ ...TREES[daemon], ...overrides })) {
    if (text !== undefined) files[p] = text;
  }
  return validateFileTree(files, daemon, schemas(version), version).map(formatProblem);
}

withSchemas("validateFileTree on realistic configurations", () => {
  for (const version of VERSIONS) {
    for (const daemon of Object.keys(TREES) as Daemon[]) {
      it(`${daemon} ${version} has no problems`, () => {
        expect(check(daemon, version)).toEqual([]);
      });
    }
  }

  it("only looks at the daemon's own *.conf files", () => {
    const mixed = { ...DIR, ...SD, "bareos-dir.d/job/README": "not a config {", "bconsole.conf": "x" };
    expect(validateFileTree(mixed, "bareos-dir", schemas("25"), "25")).toEqual([]);
  });
});

withSchemas("validateConfig checks", () => {
  it("reports unknown directives with file, line and resource", () => {
    const job = `Job {\n  Name = "backup"\n  JobDefs = DefaultJob\n  Poool = Full\n}\n`;
    expect(check("bareos-dir", "25", { "bareos-dir.d/job/backup.conf": job })).toEqual([
      'bareos-dir.d/job/backup.conf:4: Job "backup": unknown directive "Poool"',
    ]);
  });

  it("accepts keywords in any case and spacing", () => {
    const pool = `Pool {\n  name = Scratch\n  POOL TYPE = scratch\n  Maximum  Volume Bytes = 1g\n  labelformat = "S-"\n}\n`;
    expect(check("bareos-dir", "24", { "bareos-dir.d/pool/Scratch.conf": pool })).toEqual([]);
  });

  it("reports unknown resource types", () => {
    const text = `Jobb {\n  Name = x\n}\n`;
    expect(check("bareos-dir", "25", { "bareos-dir.d/jobb/x.conf": text })).toEqual([
      'bareos-dir.d/jobb/x.conf:1: unknown resource type "Jobb"',
    ]);
  });

  it("reports missing required directives, Name included", () => {
    expect(
      check("bareos-dir", "25", {
        "bareos-dir.d/pool/x.conf": `Pool {\n  Pool Type = Backup\n}\n`,
        "bareos-dir.d/job/lonely.conf": `\nJob {\n  Name = lonely\n  Client = bareos-fd\n}\n`,
        "bareos-dir.d/storage/File.conf": `Storage {\n  Name = File\n  Password = x\n  Device = d\n  Media Type = File\n}\n`,
      }),
    ).toEqual([
      'bareos-dir.d/job/lonely.conf:2: Job "lonely": missing required directive "Type"',
      'bareos-dir.d/job/lonely.conf:2: Job "lonely": missing required directive "Messages"',
      'bareos-dir.d/job/lonely.conf:2: Job "lonely": missing required directive "Pool"',
      'bareos-dir.d/pool/x.conf:1: Pool: missing required directive "Name"',
      'bareos-dir.d/storage/File.conf:1: Storage "File": missing required directive "Address"',
    ]);
  });

  it("lets a Job inherit required directives from its JobDefs chain, across files", () => {
    const overrides = {
      "bareos-dir.d/jobdefs/Nightly.conf": `JobDefs {\n  Name = Nightly\n  JobDefs = DefaultJob\n  Level = Full\n}\n`,
      "bareos-dir.d/jobdefs/Partial.conf": `JobDefs {\n  Name = Partial\n  Type = Backup\n}\n`,
      "bareos-dir.d/job/a.conf": `Job {\n  Name = a\n  JobDefs = Nightly\n}\n`,
      "bareos-dir.d/job/b.conf": `Job {\n  Name = b\n  JobDefs = Partial\n  Messages = Standard\n}\n`,
    };
    // JobDefs themselves need nothing but a Name; the Job using "Partial" still lacks a Pool.
    expect(check("bareos-dir", "22", overrides)).toEqual([
      'bareos-dir.d/job/b.conf:1: Job "b": missing required directive "Pool"',
    ]);
  });

  it("checks enum values case-insensitively", () => {
    const job = [
      "Job {",
      "  Name = e",
      "  JobDefs = DefaultJob",
      "  type = backup",
      "  Level = Ful",
      "  Protocol = NDMP_BAREOS",
      "  Selection Type = Oldest",
      "}",
    ].join("\n");
    const pool = `Pool {\n  Name = p\n  Pool Type = Scratchh\n  Action On Purge = truncate\n}\n`;
    const client = `Client {\n  Name = c\n  Address = c\n  Password = x\n  Protocol = NDMPV5\n}\n`;
    expect(
      check("bareos-dir", "25", {
        "bareos-dir.d/job/e.conf": job,
        "bareos-dir.d/pool/p.conf": pool,
        "bareos-dir.d/client/c.conf": client,
      }),
    ).toEqual([
      'bareos-dir.d/client/c.conf:5: Client "c": invalid value "NDMPV5" for "Protocol" (expected one of: Native, NDMPV2, NDMPV3, NDMPV4)',
      'bareos-dir.d/job/e.conf:5: Job "e": invalid value "Ful" for "Level" (expected one of: Full, Base, Incremental, Differential, Since, VirtualFull, Catalog, InitCatalog, VolumeToCatalog, DiskToCatalog, Data)',
      'bareos-dir.d/job/e.conf:7: Job "e": invalid value "Oldest" for "Selection Type" (expected one of: SmallestVolume, OldestVolume, PoolOccupancy, PoolTime, PoolUncopiedJobs, Client, Volume, Job, SqlQuery)',
      'bareos-dir.d/pool/p.conf:3: Pool "p": invalid value "Scratchh" for "Pool Type" (expected one of: Backup, Copy, Cloned, Archive, Migration, Scratch)',
    ]);
  });

  it("checks BOOLEAN and BIT values", () => {
    const pool = `Pool {\n  Name = p\n  Recycle = maybe\n  AutoPrune = TRUE\n  Catalog Files = "no"\n}\n`;
    const device = `Device {\n  Name = S3Device\n  Media Type = S3_Object\n  Archive Device = x\n  Label Media = on\n}\n`;
    expect(check("bareos-dir", "22", { "bareos-dir.d/pool/p.conf": pool })).toEqual([
      'bareos-dir.d/pool/p.conf:3: Pool "p": invalid value "maybe" for "Recycle" (expected one of: yes, no, true, false)',
    ]);
    expect(check("bareos-sd", "22", { "bareos-sd.d/device/S3Device.conf": device })).toEqual([
      'bareos-sd.d/device/S3Device.conf:5: Device "S3Device": invalid value "on" for "Label Media" (expected one of: yes, no, true, false)',
    ]);
  });

  it("checks integers", () => {
    const pool = `Pool {\n  Name = p\n  Maximum Volumes = ten\n  Maximum Volume Jobs = 4294967296\n}\n`;
    const counter = `Counter {\n  Name = n\n  Minimum = "5"\n  Maximum = 10\n}\n`;
    expect(
      check("bareos-dir", "25", { "bareos-dir.d/pool/p.conf": pool, "bareos-dir.d/counter/n.conf": counter }),
    ).toEqual([
      'bareos-dir.d/counter/n.conf:3: Counter "n": "Minimum" must not be quoted (Bareos rejects a quoted value here)',
      'bareos-dir.d/pool/p.conf:3: Pool "p": "Maximum Volumes" expects a non-negative integer, got "ten"',
      'bareos-dir.d/pool/p.conf:4: Pool "p": "Maximum Volume Jobs" value 4294967296 is out of range (max 4294967295)',
    ]);
  });

  it("checks time, size and speed syntax", () => {
    const pool = [
      "Pool {",
      "  Name = p",
      "  Volume Retention = 1 year 2 days",
      "  Volume Use Duration = 30d",
      "  Migration Time = 1 fortnight",
      '  File Retention = "30 days"',
      "  Maximum Volume Bytes = 50 GiB",
      "  Migration High Bytes = 1.5 gb",
      "  Migration Low Bytes = 10 G",
      "  Job Retention = 6 m",
      "}",
    ].join("\n");
    const client = `Client {\n  Name = c\n  Address = c\n  Password = x\n  Maximum Bandwidth Per Job = 10 mb/m\n  Heartbeat Interval = 1 day, 2 hours\n}\n`;
    expect(
      check("bareos-dir", "24", { "bareos-dir.d/pool/p.conf": pool, "bareos-dir.d/client/c.conf": client }),
    ).toEqual([
      'bareos-dir.d/client/c.conf:5: Client "c": invalid speed "10 mb/m" for "Maximum Bandwidth Per Job" (e.g. "10 mb/s")',
      'bareos-dir.d/client/c.conf:6: Client "c": invalid time "1 day, 2 hours" for "Heartbeat Interval" (e.g. "30 days" or "1 year 2 months")',
      'bareos-dir.d/pool/p.conf:5: Pool "p": invalid time "1 fortnight" for "Migration Time" (e.g. "30 days" or "1 year 2 months")',
      'bareos-dir.d/pool/p.conf:6: Pool "p": "File Retention" must not be quoted (Bareos rejects a quoted time)',
      'bareos-dir.d/pool/p.conf:7: Pool "p": invalid size "50 GiB" for "Maximum Volume Bytes" (e.g. "50 GB" or "512k")',
      'bareos-dir.d/pool/p.conf:10: Pool "p": warning: "m" in "6 m" means months in Bareos; write "min" or "months"',
    ]);
  });

  it("follows Bareos' unit rules (prefixes, m = months)", () => {
    const time = ["n", "seconds", "months", "minutes", "mins", "hours", "days", "weeks", "quarters", "years"];
    expect(parseUnits("1 year 2 days", time, true).ok).toBe(true);
    expect(parseUnits("90", time, true).ok).toBe(true);
    expect(parseUnits("3 min", time, true).ok).toBe(true);
    expect(parseUnits("3 hr", time, true).ok).toBe(false);
    expect(parseUnits("3 secs", time, true).ok).toBe(false);
    expect(parseUnits("", time, true).ok).toBe(false);
    const size = ["k", "kb", "m", "mb", "g", "gb", "t", "tb", "p", "pb", "e", "eb"];
    expect(parseUnits("1 GB 5 MB", size, false).ok).toBe(false);
    expect(parseUnits("512K", size, false).ok).toBe(true);
    expect(parseUnits("512 bytes", size, false).ok).toBe(false);
  });

  it("reports an alias given with its target, and a directive given twice", () => {
    const client = [
      "Client {",
      "  Name = c",
      "  Address = a.example",
      "  FD Address = b.example",
      "  Password = x",
      "  Password = y",
      "}",
    ].join("\n");
    expect(check("bareos-dir", "25", { "bareos-dir.d/client/c.conf": client })).toEqual([
      'bareos-dir.d/client/c.conf:4: Client "c": "FD Address" and "Address" (line 3) are the same directive (alias); give only one',
      'bareos-dir.d/client/c.conf:6: Client "c": directive "Password" given more than once (first on line 5)',
    ]);
    // 22 does not describe the Catalog aliases; the Db-prefix rule still pairs User with DbUser.
    const catalog = `Catalog {\n  Name = MyCatalog\n  DbName = bareos\n  DbUser = a\n  User = b\n}\n`;
    expect(check("bareos-dir", "22", { "bareos-dir.d/catalog/MyCatalog.conf": catalog })).toEqual([
      'bareos-dir.d/catalog/MyCatalog.conf:5: Catalog "MyCatalog": "User" and "DbUser" (line 4) are the same directive (alias); give only one',
    ]);
  });

  it("accepts an alias alone, also where the schema marks both alias and target required (25)", () => {
    const client = `Client {\n  Name = c\n  FD Address = c.example\n  FD Password = x\n}\n`;
    expect(check("bareos-dir", "25", { "bareos-dir.d/client/c.conf": client })).toEqual([]);
  });

  it("flags directives deprecated in the target version", () => {
    const pool = `Pool {\n  Name = p\n  Job Retention = 1 year\n}\n`;
    expect(check("bareos-dir", "25", { "bareos-dir.d/pool/p.conf": pool })).toEqual([
      'bareos-dir.d/pool/p.conf:3: Pool "p": warning: directive "Job Retention" is deprecated since Bareos 25.1.0',
    ]);
    expect(check("bareos-dir", "24", { "bareos-dir.d/pool/p.conf": pool })).toEqual([]);
    expect(check("bareos-dir", "22", { "bareos-dir.d/pool/p.conf": pool })).toEqual([]);
  });

  it("accepts DbDriver on 22 only as deprecated and not at all on 24/25", () => {
    const catalog = `Catalog {\n  Name = MyCatalog\n  DbName = bareos\n  DbUser = bareos\n  DbDriver = postgresql\n}\n`;
    const files = { "bareos-dir.d/catalog/MyCatalog.conf": catalog };
    expect(check("bareos-dir", "22", files)).toEqual([
      'bareos-dir.d/catalog/MyCatalog.conf:5: Catalog "MyCatalog": warning: directive "DbDriver" is deprecated',
    ]);
    for (const v of ["24", "25"] as const) {
      expect(check("bareos-dir", v, files)).toEqual([
        'bareos-dir.d/catalog/MyCatalog.conf:5: Catalog "MyCatalog": unknown directive "DbDriver"',
      ]);
    }
  });

  it("reports references to resources that do not exist in the file set", () => {
    const job = [
      "Job {",
      "  Name = r",
      "  JobDefs = DefaultJob",
      "  Pool = Nope",
      "  Storage = S3, Tape",
      "  Full Backup Pool = Full",
      "  RunScript {",
      "    Runs On Client = elsewhere",
      "    Command = true",
      "  }",
      "}",
    ].join("\n");
    const schedule = `Schedule {\n  Name = s\n  Run = Level=Full Pool=Gone sun at 1:00\n}\n`;
    const console = `Console {\n  Name = c\n  Password = x\n  Profile = operator, nobody\n}\n`;
    expect(
      check("bareos-dir", "25", {
        "bareos-dir.d/job/r.conf": job,
        "bareos-dir.d/schedule/s.conf": schedule,
        "bareos-dir.d/console/c.conf": console,
      }),
    ).toEqual([
      'bareos-dir.d/console/c.conf:4: Console "c": "Profile" references unknown Profile "nobody"',
      'bareos-dir.d/job/r.conf:4: Job "r": "Pool" references unknown Pool "Nope"',
      'bareos-dir.d/job/r.conf:5: Job "r": "Storage" references unknown Storage "Tape"',
      'bareos-dir.d/job/r.conf:8: Job "r": "Runs On Client" references unknown Client "elsewhere" (or use yes/no) in RunScript block',
      'bareos-dir.d/schedule/s.conf:3: Schedule "s": Run override "Pool" references unknown Pool "Gone"',
    ]);
  });

  it("resolves references in the sd and fd too", () => {
    const changer = `Autochanger {\n  Name = ch\n  Device = S3Device, Missing\n  Changer Device = /dev/null\n  Changer Command = ""\n}\n`;
    expect(check("bareos-sd", "24", { "bareos-sd.d/autochanger/ch.conf": changer })).toEqual([
      'bareos-sd.d/autochanger/ch.conf:3: Autochanger "ch": "Device" references unknown Device "Missing"',
    ]);
    // The 22/24 fd schemas list FileDaemon and Client, so Messages' code is not its list position there.
    expect(check("bareos-fd", "22", { "bareos-fd.d/messages/Standard.conf": undefined })).toEqual([
      'bareos-fd.d/client/myself.conf:9: Client "myself": "Messages" references unknown Messages "Standard"',
    ]);
  });

  it("reports duplicate resource names of the same type across files", () => {
    const files = [
      parseBareosConfig(`Pool {\n  Name = Full\n}\nMessages {\n  Name = Full\n}\n`, "a.conf"),
      parseBareosConfig(`\nPool {\n  Name = Full\n}\n`, "b.conf"),
    ];
    expect(validateConfig(files, "bareos-dir", schemas("25"), "25").map(formatProblem)).toEqual([
      'b.conf:2: Pool "Full": duplicate Pool name (first defined at a.conf:1)',
    ]);
  });

  it("checks the <daemon>.d/<type>/<Name>.conf layout", () => {
    expect(
      check("bareos-dir", "25", {
        "bareos-dir.d/job/Full.conf": `Pool {\n  Name = Full\n}\n`,
        "bareos-dir.d/pool/Full.conf": undefined,
        "bareos-dir.d/pool/Fulll.conf": `Pool {\n  Name = Full\n}\n`,
        "bareos-dir.d/pool/two.conf": `Pool {\n  Name = two\n}\nPool {\n  Name = three\n}\n`,
        "bareos-dir.d/extra.conf": `Pool {\n  Name = extra\n}\n`,
      }),
    ).toEqual([
      "bareos-dir.d/extra.conf:1: expected the file at bareos-dir.d/<type>/<Name>.conf",
      'bareos-dir.d/job/Full.conf:1: resource type "Pool" does not belong in directory "job"',
      'bareos-dir.d/pool/Fulll.conf:1: resource name "Full" does not match file name "Fulll.conf"',
      'bareos-dir.d/pool/Fulll.conf:1: Pool "Full": duplicate Pool name (first defined at bareos-dir.d/job/Full.conf:1)',
      "bareos-dir.d/pool/two.conf:1: expected exactly one resource in bareos-dir.d/pool/two.conf, found 2",
    ]);
  });

  it("turns parse errors into problems with their line and keeps checking the other files", () => {
    expect(
      check("bareos-dir", "25", {
        "bareos-dir.d/pool/Full.conf": `Pool {\n  Name = Full\n  Label Format = "Full-\n}\n`,
      }),
    ).toEqual([
      'bareos-dir.d/jobdefs/DefaultJob.conf:14: JobDefs "DefaultJob": "Full Backup Pool" references unknown Pool "Full"',
      "bareos-dir.d/pool/Full.conf:3: quoted string is not closed",
      'bareos-dir.d/pool/Incremental.conf:8: Pool "Incremental": "Next Pool" references unknown Pool "Full"',
    ]);
  });

  it("validates resource names", () => {
    const long = "x".repeat(128);
    const files = [
      parseBareosConfig(
        `Pool {\n  Name = "bad name!"\n}\nPool {\n  Name = ""\n}\nPool {\n  Name = ${long}\n}\nPool {\n  Name = "ok name:1.2/x_y-z"\n}\n`,
        "p.conf",
      ),
    ];
    expect(validateConfig(files, "bareos-dir", schemas("25"), "25").map(formatProblem)).toEqual([
      'p.conf:2: Pool "bad name!": invalid name "bad name!" for "Name": character "!" is not allowed (letters, digits, space and ":.-_/" are)',
      'p.conf:5: Pool "": invalid name "" for "Name": must not be empty',
      `p.conf:8: Pool "${long}": invalid name "${long}" for "Name": longer than 127 characters`,
    ]);
  });

  it("warns about unquoted multi-word values", () => {
    const pool = `Pool {\n  Name = p\n  Description = my pool\n}\n`;
    const problems = validateFileTree(
      { "bareos-dir.d/pool/p.conf": pool },
      "bareos-dir",
      schemas("25"),
      "25",
    );
    expect(problems).toEqual([
      {
        file: "bareos-dir.d/pool/p.conf",
        line: 3,
        resource: 'Pool "p"',
        message:
          'value "my pool" of "Description" has several parts; Bareos reads only the first token - quote it',
        severity: "warning",
      },
    ]);
  });

  it("checks FileSet Include/Options and RunScript blocks against the schema's sub-keywords", () => {
    const fileset = [
      "FileSet {",
      "  Name = fs",
      "  Include = {",
      "    Filee = /etc",
      "    Options {",
      "      Compression = zip",
      "      Sparse = true",
      "      Signature = SHA256",
      "      Wild File = *.tmp; Wild File = *.bak",
      "    }",
      "  }",
      "}",
    ].join("\n");
    const job = [
      "Job {",
      "  Name = j",
      "  JobDefs = DefaultJob",
      "  RunScript = /bin/true",
      "  RunScript {",
      "    Runs When = Sometimes",
      "    Commandd = /bin/true",
      "  }",
      "}",
    ].join("\n");
    expect(
      check("bareos-dir", "25", { "bareos-dir.d/fileset/fs.conf": fileset, "bareos-dir.d/job/j.conf": job }),
    ).toEqual([
      'bareos-dir.d/fileset/fs.conf:3: FileSet "fs": write "Include {" without "="',
      'bareos-dir.d/fileset/fs.conf:4: FileSet "fs": unknown directive "Filee" in Include block',
      'bareos-dir.d/fileset/fs.conf:6: FileSet "fs": invalid value "zip" for "Compression" (expected one of: gzip, gzip1, gzip2, gzip3, gzip4, gzip5, gzip6, gzip7, gzip8, gzip9, lzo, lzfast, lz4, lz4hc) in Options block',
      'bareos-dir.d/fileset/fs.conf:7: FileSet "fs": invalid value "true" for "Sparse" (expected one of: yes, no) in Options block',
      'bareos-dir.d/job/j.conf:4: Job "j": "RunScript" must be a block: RunScript { ... }',
      'bareos-dir.d/job/j.conf:6: Job "j": invalid value "Sometimes" for "Runs When" (expected one of: before, after, always, aftervss) in RunScript block',
      'bareos-dir.d/job/j.conf:7: Job "j": unknown directive "Commandd" in RunScript block',
    ]);
  });

  it("checks Messages destinations and types", () => {
    const messages = [
      "Messages {",
      "  Name = m",
      "  Mail = root = all, !skiped",
      "  Mail = all",
      "  Console = all, !saved",
      "}",
    ].join("\n");
    expect(check("bareos-dir", "22", { "bareos-dir.d/messages/m.conf": messages })).toEqual([
      'bareos-dir.d/messages/m.conf:3: Messages "m": unknown message type "!skiped" in "Mail"',
      'bareos-dir.d/messages/m.conf:4: Messages "m": "Mail" expects "destination = message types", got all',
    ]);
  });

  it("knows sd device types per version and rejects quoted addresses", () => {
    const device = (type: string) =>
      `Device {\n  Name = S3Device\n  Media Type = S3_Object\n  Archive Device = x\n  Device Type = ${type}\n}\n`;
    const dpl = { "bareos-sd.d/device/S3Device.conf": device("dplcompat") };
    expect(check("bareos-sd", "22", dpl)).toEqual([
      'bareos-sd.d/device/S3Device.conf:5: Device "S3Device": invalid value "dplcompat" for "Device Type" (expected one of: file, tape, fifo, gfapi, droplet, rados)',
    ]);
    expect(check("bareos-sd", "24", dpl)).toEqual([]);
    expect(check("bareos-sd", "25", { "bareos-sd.d/device/S3Device.conf": device("File") })).toEqual([]);

    const storage = `Storage {\n  Name = bareos-sd\n  SD Address = "0.0.0.0"\n}\n`;
    expect(check("bareos-sd", "22", { "bareos-sd.d/storage/bareos-sd.conf": storage })).toEqual([
      'bareos-sd.d/storage/bareos-sd.conf:3: Storage "bareos-sd": "SD Address" must not be quoted (Bareos rejects a quoted value here)',
    ]);
  });

  it("checks Addresses blocks", () => {
    const good = `Storage {\n  Name = bareos-sd\n  SD Addresses = {\n    ipv4 = { addr = 0.0.0.0; port = 9103 }\n    ipv6 = { addr = ::; port = 9103 }\n  }\n}\n`;
    expect(check("bareos-sd", "24", { "bareos-sd.d/storage/bareos-sd.conf": good })).toEqual([]);
    const bad = `Storage {\n  Name = bareos-sd\n  SD Addresses {\n    ip = { host = x; port = 99999 }\n  }\n}\n`;
    expect(check("bareos-sd", "24", { "bareos-sd.d/storage/bareos-sd.conf": bad })).toEqual([
      'bareos-sd.d/storage/bareos-sd.conf:3: Storage "bareos-sd": write "SD Addresses = {" (with "=")',
      'bareos-sd.d/storage/bareos-sd.conf:4: Storage "bareos-sd": unexpected "host" in ip (expected addr and/or port)',
      'bareos-sd.d/storage/bareos-sd.conf:4: Storage "bareos-sd": invalid port "99999" for "port"',
    ]);
  });

  it("accepts the fd FileDaemon resource up to 24 only", () => {
    const text = FD["bareos-fd.d/client/myself.conf"].replace("Client {", "FileDaemon {");
    const files = { "bareos-fd.d/client/myself.conf": text };
    expect(check("bareos-fd", "22", files)).toEqual([]);
    expect(check("bareos-fd", "24", files)).toEqual([]);
    expect(check("bareos-fd", "25", files)).toEqual([
      'bareos-fd.d/client/myself.conf:2: resource type "FileDaemon" does not belong in directory "client"',
      'bareos-fd.d/client/myself.conf:2: unknown resource type "FileDaemon"',
    ]);
  });

  it("requires the bconsole Director address from 25 on", () => {
    const conf = { "bconsole.conf": `Director {\n  Name = bareos-dir\n  Password = x\n}\n` };
    expect(check("bconsole", "22", conf)).toEqual([]);
    expect(check("bconsole", "25", conf)).toEqual([
      'bconsole.conf:1: Director "bareos-dir": missing required directive "Address"',
    ]);
  });

  it("refuses schemas of another version than the target", () => {
    expect(() => validateConfig([], "bareos-dir", schemas("24"), "25")).toThrow(
      "schemas are for Bareos 24.0.10, not 25",
    );
  });
});

describe("validateConfig with a hand-made schema", () => {
  // Covers rules the real schemas do not exercise today.
  const component = (daemon: Daemon) => ({
    component: daemon,
    resource: {
      [daemon]: {
        Widget: {
          Name: { datatype: "NAME", required: true },
          Future: { datatype: "STRING", versions: "26.0.0-" },
          Gone: { datatype: "STRING", versions: "20.0.0-24.0.0" },
          Old: { datatype: "STRING", versions: "-23.0.0", deprecated: true },
          Size: { datatype: "SIZE64", required: true, default_value: "10" },
          Target: { datatype: "STRING" },
          Alias: { datatype: "STRING", alias: true, description: 'This is an alias for "Target".' },
        },
      },
    },
  });
  const fake: LoadedSchemas = {
    version: "25.1.0",
    components: {
      "bareos-dir": component("bareos-dir"),
      "bareos-sd": component("bareos-sd"),
      "bareos-fd": component("bareos-fd"),
      bconsole: component("bconsole"),
    },
  };

  it("applies versions ranges, keeps required-with-default required and pairs described aliases", () => {
    const text = `Widget {\n  Name = w\n  Future = a\n  Gone = b\n  Old = c\n  Target = d\n  Alias = e\n}\n`;
    expect(
      validateConfig([parseBareosConfig(text, "w.conf")], "bareos-dir", fake, "25").map(formatProblem),
    ).toEqual([
      'w.conf:1: Widget "w": missing required directive "Size"',
      'w.conf:3: Widget "w": directive "Future" is not available before Bareos 26.0.0',
      'w.conf:4: Widget "w": directive "Gone" is no longer available since Bareos 24.0.0',
      'w.conf:5: Widget "w": warning: directive "Old" is deprecated since Bareos 23.0.0',
      'w.conf:7: Widget "w": "Alias" and "Target" (line 6) are the same directive (alias); give only one',
    ]);
  });
});

describe("load", () => {
  it("defaults to shared/bareos-schema next to the repository unless BAREOS_SCHEMA_DIR is set", () => {
    const saved = process.env.BAREOS_SCHEMA_DIR;
    try {
      delete process.env.BAREOS_SCHEMA_DIR;
      const repo = path.resolve(__dirname, "..", "..", "..");
      expect(defaultSchemaDir()).toBe(path.resolve(repo, "..", "shared", "bareos-schema"));
      process.env.BAREOS_SCHEMA_DIR = "/somewhere/else";
      expect(defaultSchemaDir()).toBe("/somewhere/else");
    } finally {
      if (saved === undefined) delete process.env.BAREOS_SCHEMA_DIR;
      else process.env.BAREOS_SCHEMA_DIR = saved;
    }
  });

  it("reports missing schema directories", () => {
    const missing = path.join(os.tmpdir(), "no-such-bareos-schema-dir");
    expect(schemasAvailable(missing)).toBe(false);
    expect(() => loadSchemas(missing, "25")).toThrow(
      `no Bareos 25 schema in ${missing} (versions present: none)`,
    );
  });

  withSchemas("with the shared schemas", () => {
    it("maps major versions to the schema directories", () => {
      expect(path.basename(resolveSchemaVersionDir(schemaDir, "22"))).toBe("22.1.2");
      expect(path.basename(resolveSchemaVersionDir(schemaDir, "24"))).toBe("24.0.10");
      expect(path.basename(resolveSchemaVersionDir(schemaDir, "25.1.0"))).toBe("25.1.0");
      expect(() => resolveSchemaVersionDir(schemaDir, "23")).toThrow(/no Bareos 23 schema/);
      const loaded = loadSchemas(schemaDir, "25");
      expect(loaded.version).toBe("25.1.0");
      expect(Object.keys(loaded.components).sort()).toEqual([
        "bareos-dir",
        "bareos-fd",
        "bareos-sd",
        "bconsole",
      ]);
    });
  });
});

// Bad stack configurations: every problem names its config key, the value given and what is
// allowed, and all problems of an input are reported together.
import { PROJECT, SettingsError, parseSettings } from "../../configs/settings";
import { problemsOf } from "./settings/problems";

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Building blocks: the defaults spelled out, so a case changes exactly one thing.
const FULL = {
  name: "S3-Full",
  level: "Full",
  volumeRetention: "365 days",
  maximumVolumeBytes: "50 G",
  maximumVolumes: 100,
  labelFormat: "S3-Full-",
};
const DIFF = {
  name: "S3-Differential",
  level: "Differential",
  volumeRetention: "90 days",
  maximumVolumeBytes: "20 G",
  maximumVolumes: 500,
  labelFormat: "S3-Diff-",
};
const INC = {
  name: "S3-Incremental",
  level: "Incremental",
  volumeRetention: "30 days",
  maximumVolumeBytes: "10 G",
  maximumVolumes: 1000,
  labelFormat: "S3-Inc-",
};
const JOB = { name: "backup-testdata-s3", client: "bareos-fd", fileSet: "TestData", schedule: "WeeklyCycle" };
const FILESET = { name: "TestData", include: ["/data"] };
const CLIENT = { name: "bareos-fd" };
const schedule = (when: string, level = "Full") => ({
  schedules: [{ name: "WeeklyCycle", runs: [{ level, when }] }],
});

interface Case {
  /** What is wrong, for the test title. */
  rule: string;
  values: Record<string, unknown>;
  /** The config key the problem must name, without the project prefix. */
  key: string;
  /** The rest of the message after "<project>:<key>: ". */
  message: RegExp;
  secrets?: readonly string[];
}

const cases: Case[] = [
  // ---- rules added after review
  {
    rule: "unmanaged client with the storage daemon only on the Docker network",
    values: { clients: [CLIENT, { name: "nas-fd", managed: false, address: "nas" }] },
    key: "storage.address",
    message: /is required with unmanaged client\(s\) "nas-fd"/,
  },
  {
    rule: "unmanaged client with an unpublished storage daemon",
    values: {
      clients: [CLIENT, { name: "nas-fd", managed: false, address: "nas" }],
      storage: { address: "backup.example.com" },
    },
    key: "storage.publish",
    message: /false leaves the storage daemon unreachable for unmanaged client\(s\) "nas-fd"/,
  },
  {
    rule: "unmanaged client with the storage daemon on loopback",
    values: {
      clients: [CLIENT, { name: "nas-fd", managed: false, address: "nas" }],
      storage: { address: "backup.example.com", publish: true },
    },
    key: "storage.bindAddress",
    message: /"127.0.0.1" leaves the storage daemon unreachable/,
  },
  {
    rule: "storage address without publishing",
    values: { storage: { address: "backup.example.com" } },
    key: "storage.address",
    message: /"backup.example.com" is only reachable with storage.publish: true/,
  },
  {
    rule: "storage port on the webui's port",
    values: { storage: { publish: true, port: 8080 } },
    key: "storage.port",
    message: /8080 is also the webui's published port/,
  },
  {
    rule: "a KMS alias instead of a key ARN",
    values: { s3: { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/bareos" } },
    key: "s3.kmsKeyArn",
    message: /"arn:aws:kms:eu-west-1:123456789012:alias\/bareos" is not a KMS key ARN/,
  },
  {
    rule: "rotation of an unknown client",
    values: { rotation: { clients: { "bareos-fdd": 1 } } },
    key: "rotation.clients.bareos-fdd",
    message: /names no client; defined: bareos-fd/,
  },
  {
    rule: "rotation of an unknown webui user",
    values: { rotation: { webuiUsers: { root: 1 } } },
    key: "rotation.webuiUsers.root",
    message: /names no webui user; defined: admin, viewer/,
  },
  {
    rule: "'::' in a client name (Pulumi URN separator)",
    values: { clients: [CLIENT, { name: "host::fd", managed: false, address: "host" }] },
    key: "clients[1].name",
    message: /"host::fd" must not contain "::"/,
  },
  // ---- wrong types
  {
    rule: "string for boolean",
    values: { protect: "yes" },
    key: "protect",
    message: /"yes" is not valid: expected boolean/,
  },
  {
    rule: "string for number",
    values: { director: { port: "9101" } },
    key: "director.port",
    message: /"9101" is not valid: expected number/,
  },
  {
    rule: "number for boolean",
    values: { clients: [{ ...CLIENT, encryption: 1 }] },
    key: "clients[0].encryption",
    message: /1 is not valid: expected boolean/,
  },
  {
    rule: "object for array",
    values: { pools: { "S3-Full": FULL } },
    key: "pools",
    message: /\{"S3-Full":.*\} is not valid: expected array/,
  },
  {
    rule: "array for object",
    values: { s3: [] },
    key: "s3",
    message: /\[\] is not valid: expected object/,
  },
  {
    rule: "string for array",
    values: { smtp: { to: "ops@example.com" } },
    key: "smtp.to",
    message: /"ops@example.com" is not valid: expected array/,
  },
  {
    rule: "fraction for integer",
    values: { pools: [{ ...FULL, maximumVolumes: 1.5 }] },
    key: "pools[0].maximumVolumes",
    message: /1\.5 is not valid: expected an integer/,
  },
  {
    rule: "boolean for a duration",
    values: { pools: [{ ...FULL, volumeRetention: true }] },
    key: "pools[0].volumeRetention",
    message: /true is not valid: expected a string or a number/,
  },
  {
    rule: "number for string",
    values: { s3: { bucketName: 123 } },
    key: "s3.bucketName",
    message: /123 is not valid: expected string/,
  },
  {
    rule: "missing required field",
    values: { jobs: [{ name: "j", fileSet: "TestData" }] },
    key: "jobs[0].client",
    message: /is required \(string\)/,
  },

  // ---- out of range
  {
    rule: "port 0",
    values: { director: { port: 0 } },
    key: "director.port",
    message: /0 is too small: the minimum is 1/,
  },
  {
    rule: "port 70000",
    values: { webui: { port: 70000 } },
    key: "webui.port",
    message: /70000 is too large: the maximum is 65535/,
  },
  {
    rule: "client port 70000",
    values: { clients: [{ ...CLIENT, port: 70000 }] },
    key: "clients[0].port",
    message: /70000 is too large: the maximum is 65535/,
  },
  {
    rule: "maximumVolumes 0",
    values: { pools: [{ ...FULL, maximumVolumes: 0 }] },
    key: "pools[0].maximumVolumes",
    message: /0 is too small: the minimum is 1/,
  },
  {
    rule: "priority 101",
    values: { jobs: [{ ...JOB, priority: 101 }] },
    key: "jobs[0].priority",
    message: /101 is too large: the maximum is 100/,
  },
  {
    rule: "ioThreads 65",
    values: { s3: { ioThreads: 65 } },
    key: "s3.ioThreads",
    message: /65 is too large: the maximum is 64/,
  },
  {
    rule: "ioSlots 0",
    values: { s3: { ioSlots: 0 } },
    key: "s3.ioSlots",
    message: /0 is too small: the minimum is 1/,
  },
  {
    rule: "director maximumConcurrentJobs 0",
    values: { director: { maximumConcurrentJobs: 0 } },
    key: "director.maximumConcurrentJobs",
    message: /0 is too small: the minimum is 1/,
  },
  {
    rule: "noncurrent version expiration 0 days",
    values: { s3: { noncurrentVersionExpirationDays: 0 } },
    key: "s3.noncurrentVersionExpirationDays",
    message: /0 is too small: the minimum is 1/,
  },
  {
    rule: "lifecycle transition before 30 days",
    values: { s3: { transitions: [{ days: 10, storageClass: "STANDARD_IA" }] } },
    key: "s3.transitions[0].days",
    message: /10 is too small: the minimum is 30/,
  },
  {
    rule: "negative rotation counter",
    values: { rotation: { clients: { "bareos-fd": -1 } } },
    key: "rotation.clients.bareos-fd",
    message: /-1 is too small: the minimum is 0/,
  },
  { rule: "no pools", values: { pools: [] }, key: "pools", message: /\[\] is too short: at least 1 item/ },
  {
    rule: "no webui users",
    values: { webui: { users: [] } },
    key: "webui.users",
    message: /\[\] is too short: at least 1 item/,
  },

  // ---- unknown keys, with the known ones listed
  {
    rule: "unknown top-level key",
    values: { protected: true },
    key: "protected",
    message: /is not a known key; known keys here: bareosVersion, protect, s3, director, /,
  },
  {
    rule: "unknown s3 key",
    values: { s3: { bucket: "my-backups" } },
    key: "s3.bucket",
    message: /is not a known key; known keys here: provider, backend, bucketName, region, /,
  },
  {
    rule: "unknown pool key",
    values: { pools: [{ ...FULL, retention: "1 year" }] },
    key: "pools[0].retention",
    message:
      /is not a known key; known keys here: name, level, volumeRetention, maximumVolumeBytes, maximumVolumes, labelFormat, description$/,
  },
  {
    rule: "unknown mount key",
    values: {
      clients: [{ ...CLIENT, mounts: [{ hostPath: "/srv", containerPath: "/data", readOnly: true }] }],
    },
    key: "clients[0].mounts[0].readOnly",
    message: /is not a known key; known keys here: hostPath, containerPath$/,
  },
  {
    rule: "unknown webui user key",
    values: { webui: { users: [{ name: "admin", profile: "webui-admin", password: "x" }] } },
    key: "webui.users[0].password",
    message: /is not a known key; known keys here: name, profile$/,
  },
  {
    rule: "unknown schedule run key",
    values: {
      schedules: [{ name: "WeeklyCycle", runs: [{ level: "Full", when: "sat at 21:00", pool: "x" }] }],
    },
    key: "schedules[0].runs[0].pool",
    message: /is not a known key; known keys here: level, when$/,
  },

  // ---- S3 bucket names
  {
    rule: "bucket name in upper case",
    values: { s3: { bucketName: "MyBackups" } },
    key: "s3.bucketName",
    message: /"MyBackups" is not a valid S3 bucket name: it may contain only lower-case letters/,
  },
  {
    rule: "bucket name too short",
    values: { s3: { bucketName: "ab" } },
    key: "s3.bucketName",
    message: /"ab" is not a valid S3 bucket name: it must be 3 to 63 characters long/,
  },
  {
    rule: "bucket name too long",
    values: { s3: { bucketName: "b".repeat(64) } },
    key: "s3.bucketName",
    message: /"b{64}" is not a valid S3 bucket name: it must be 3 to 63 characters long/,
  },
  {
    rule: "bucket name with dots",
    values: { s3: { bucketName: "backups.example.com" } },
    key: "s3.bucketName",
    message: /"backups\.example\.com" is not a valid S3 bucket name: it must not contain '\.'/,
  },
  {
    rule: "bucket name like an IP address",
    values: { s3: { bucketName: "192.168.1.1" } },
    key: "s3.bucketName",
    message: /"192\.168\.1\.1" is not a valid S3 bucket name: it must not look like an IP address/,
  },
  {
    rule: "bucket name with xn-- prefix",
    values: { s3: { bucketName: "xn--backups" } },
    key: "s3.bucketName",
    message: /"xn--backups" is not a valid S3 bucket name: it must not start with xn--/,
  },
  {
    rule: "bucket name with underscore",
    values: { s3: { bucketName: "my_backups" } },
    key: "s3.bucketName",
    message: /"my_backups" is not a valid S3 bucket name: it may contain only lower-case letters, digits/,
  },
  {
    rule: "bucket name with reserved suffix",
    values: { s3: { bucketName: "backups-s3alias" } },
    key: "s3.bucketName",
    message: /"backups-s3alias" is not a valid S3 bucket name: it must not end with a reserved AWS suffix/,
  },

  // ---- Bareos resource names
  {
    rule: "pool name with a space",
    values: { pools: [{ ...FULL, name: "S3 Full" }] },
    key: "pools[0].name",
    message: /"S3 Full" is not a valid pool name: use letters, digits and - _ \. :/,
  },
  {
    rule: "fileset name with '/'",
    values: { fileSets: [{ ...FILESET, name: "Test/Data" }] },
    key: "fileSets[0].name",
    message: /"Test\/Data" is not a valid fileset name/,
  },
  {
    rule: "job name with '\"'",
    values: { jobs: [{ ...JOB, name: 'backup"s3' }] },
    key: "jobs[0].name",
    message: /"backup\\"s3" is not a valid job name/,
  },
  {
    rule: "schedule name starting with a digit",
    values: { schedules: [{ name: "1stCycle", runs: [{ level: "Full", when: "sat at 21:00" }] }] },
    key: "schedules[0].name",
    message: /"1stCycle" is not a valid schedule name: .*starting with a letter/,
  },
  {
    rule: "director name with a space",
    values: { director: { name: "bareos dir" } },
    key: "director.name",
    message: /"bareos dir" is not a valid director name/,
  },
  {
    rule: "device name over 127 characters",
    values: { storage: { deviceName: "D".repeat(128) } },
    key: "storage.deviceName",
    message: /"D{128}" is not a valid device name: .*at most 127 characters/,
  },
  {
    rule: "plugin name with a space",
    values: {
      clients: [{ ...CLIENT, pluginDirectory: "/usr/lib/bareos/plugins", pluginNames: ["python 3"] }],
    },
    key: "clients[0].pluginNames[0]",
    message: /"python 3" is not a valid plugin name/,
  },
  {
    rule: "managed client name that is no DNS name",
    values: { clients: [{ name: "Bareos_FD" }], jobs: [{ ...JOB, client: "Bareos_FD" }] },
    key: "clients[0].name",
    message: /"Bareos_FD" cannot name a managed client: it is also its container's DNS name/,
  },
  {
    rule: "docker network name in upper case",
    values: { docker: { networkName: "Bareos" } },
    key: "docker.networkName",
    message: /"Bareos" is not a valid network name: it is also a container and DNS name/,
  },
  {
    rule: "job name over 100 characters",
    values: { jobs: [{ ...JOB, name: "j".repeat(101) }] },
    key: "jobs[0].name",
    message: /"j{101}" is too long: job names over 100 characters break the TLS-PSK handshake/,
  },

  // ---- duplicate names
  {
    rule: "duplicate pool",
    values: { pools: [FULL, DIFF, INC, FULL] },
    key: "pools[3].name",
    message: /"S3-Full" is used twice; pool names must be unique/,
  },
  {
    rule: "duplicate job",
    values: { jobs: [JOB, { ...JOB, priority: 11 }] },
    key: "jobs[1].name",
    message: /"backup-testdata-s3" is used twice; job names must be unique/,
  },
  {
    rule: "duplicate client",
    values: { clients: [CLIENT, { name: "bareos-fd", managed: false, address: "host" }] },
    key: "clients[1].name",
    message: /"bareos-fd" is used twice; client names must be unique/,
  },
  {
    rule: "duplicate fileset",
    values: { fileSets: [FILESET, { name: "TestData", include: ["/srv"] }] },
    key: "fileSets[1].name",
    message: /"TestData" is used twice; fileset names must be unique/,
  },
  {
    rule: "duplicate schedule",
    values: {
      schedules: [
        { name: "WeeklyCycle", runs: [{ level: "Full", when: "1st sat at 21:00" }] },
        { name: "WeeklyCycle", runs: [{ level: "Full", when: "sun at 21:00" }] },
      ],
    },
    key: "schedules[1].name",
    message: /"WeeklyCycle" is used twice; schedule names must be unique/,
  },
  {
    rule: "duplicate webui user",
    values: {
      webui: {
        users: [
          { name: "admin", profile: "webui-admin" },
          { name: "admin", profile: "webui-readonly" },
        ],
      },
    },
    key: "webui.users[1].name",
    message: /"admin" is used twice; user names must be unique/,
  },

  // ---- dangling references
  {
    rule: "job client not defined",
    values: { jobs: [{ ...JOB, client: "fileserver-fd" }] },
    key: "jobs[0].client",
    message: /"fileserver-fd" names no client; defined: bareos-fd$/,
  },
  {
    rule: "job fileset not defined",
    values: { jobs: [{ ...JOB, fileSet: "Home" }] },
    key: "jobs[0].fileSet",
    message: /"Home" names no fileset; defined: TestData$/,
  },
  {
    rule: "job fileset not defined, with a duplicate listed once",
    values: {
      fileSets: [
        { name: "Home", include: ["/home"] },
        { name: "Home", include: ["/root"] },
      ],
    },
    key: "jobs[0].fileSet",
    message: /"TestData" names no fileset; defined: Home$/,
  },
  {
    rule: "job schedule not defined",
    values: { jobs: [{ ...JOB, schedule: "Nightly" }] },
    key: "jobs[0].schedule",
    message: /"Nightly" names no schedule; defined: WeeklyCycle$/,
  },
  {
    rule: "job schedule with no schedules at all",
    values: { schedules: [] },
    key: "jobs[0].schedule",
    message: /"WeeklyCycle" names no schedule; defined: none$/,
  },
  {
    rule: "job full pool not defined",
    values: { jobs: [{ ...JOB, fullPool: "Full" }] },
    key: "jobs[0].fullPool",
    message: /"Full" names no pool; defined: S3-Full, S3-Differential, S3-Incremental$/,
  },
  {
    rule: "job incremental pool not defined",
    values: { jobs: [{ ...JOB, incrementalPool: "Inc" }] },
    key: "jobs[0].incrementalPool",
    message: /"Inc" names no pool; defined: S3-Full, S3-Differential, S3-Incremental$/,
  },
  {
    rule: "incremental pool of the wrong level",
    values: { jobs: [{ ...JOB, incrementalPool: "S3-Full" }] },
    key: "jobs[0].incrementalPool",
    message: /"S3-Full" is a Full pool, not an Incremental pool$/,
  },
  {
    rule: "full pool of the wrong level",
    values: { jobs: [{ ...JOB, fullPool: "S3-Differential" }] },
    key: "jobs[0].fullPool",
    message: /"S3-Differential" is a Differential pool, not a Full pool$/,
  },

  // ---- retention against the schedule
  {
    rule: "full retention shorter than WeeklyCycle's monthly full",
    values: { pools: [{ ...FULL, volumeRetention: "10 days" }, DIFF, INC] },
    key: "pools[0].volumeRetention",
    message:
      /"10 days" is shorter than the 35 days between Full backups of job "backup-testdata-s3" \(schedule "WeeklyCycle"\).*use at least "35 days"$/,
  },
  {
    rule: "differential retention shorter than the full interval",
    values: { pools: [FULL, { ...DIFF, volumeRetention: "4 weeks" }, INC] },
    key: "pools[1].volumeRetention",
    message: /"28 days" is shorter than the 35 days between Full backups/,
  },
  {
    rule: "incremental retention shorter than the differential interval",
    values: { pools: [FULL, DIFF, { ...INC, volumeRetention: "3 days" }] },
    key: "pools[2].volumeRetention",
    message: /"3 days" is shorter than the 7 days between Full or Differential backups/,
  },
  {
    rule: "yearly full kept 365 days, one day short in leap years",
    values: { ...schedule("1 jan at 00:00"), pools: [FULL, DIFF, { ...INC, volumeRetention: "400 days" }] },
    key: "pools[0].volumeRetention",
    message: /"365 days" is shorter than the 366 days between Full backups/,
  },

  // ---- storage classes
  {
    rule: "Glacier transition",
    values: { s3: { transitions: [{ days: 90, storageClass: "GLACIER" }] } },
    key: "s3.transitions[0].storageClass",
    message:
      /"GLACIER" is an archive class: Bareos reads volumes back for restores and pruning; use one of STANDARD_IA, /,
  },
  {
    rule: "Deep Archive transition",
    values: {
      s3: {
        transitions: [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: 180, storageClass: "DEEP_ARCHIVE" },
        ],
      },
    },
    key: "s3.transitions[1].storageClass",
    message: /"DEEP_ARCHIVE" is an archive class/,
  },
  {
    rule: "transition to STANDARD",
    values: { s3: { transitions: [{ days: 30, storageClass: "STANDARD" }] } },
    key: "s3.transitions[0].storageClass",
    message:
      /"STANDARD" is not allowed; use one of STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR$/,
  },
  {
    rule: "upload class Glacier",
    values: { s3: { storageClass: "GLACIER" } },
    key: "s3.storageClass",
    message:
      /"GLACIER" is not allowed; use one of STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR \(Bareos must read volumes back/,
  },
  {
    rule: "unknown upload class",
    values: { s3: { storageClass: "REDUCED_REDUNDANCY" } },
    key: "s3.storageClass",
    message: /"REDUCED_REDUNDANCY" is not allowed; use one of STANDARD, /,
  },

  // ---- units
  {
    rule: "'yr' is no Bareos duration unit",
    values: { pools: [FULL, { ...DIFF, volumeRetention: "1 yr" }, INC] },
    key: "pools[1].volumeRetention",
    message: /"1 yr" is not a Bareos duration; use e\.g\. "365 days"$/,
  },
  {
    rule: "negative duration",
    values: { pools: [{ ...FULL, volumeRetention: -86400 }] },
    key: "pools[0].volumeRetention",
    message: /-86400 is not a Bareos duration/,
  },
  {
    rule: "'GiB' is no Bareos size unit",
    values: { pools: [{ ...FULL, maximumVolumeBytes: "50 GiB" }] },
    key: "pools[0].maximumVolumeBytes",
    message: /"50 GiB" is not a Bareos size; use e\.g\. "50 G"$/,
  },
  {
    rule: "fractional byte count",
    values: { storage: { memoryLimit: 1.5 } },
    key: "storage.memoryLimit",
    message: /1\.5 is not a Bareos size/,
  },
  {
    rule: "words for a size",
    values: { s3: { chunkSize: "big" } },
    key: "s3.chunkSize",
    message: /"big" is not a Bareos size/,
  },
  {
    rule: "'mbps' is no Bareos speed unit",
    values: { clients: [{ ...CLIENT, maximumBandwidthPerJob: "10 mbps" }] },
    key: "clients[0].maximumBandwidthPerJob",
    message: /"10 mbps" is not a Bareos speed; use e\.g\. "10 m\/s"$/,
  },

  // ---- schedules
  {
    rule: "'every day' is no Bareos schedule",
    values: schedule("every day"),
    key: "schedules[0].runs[0].when",
    message:
      /"every day" is not a Bareos schedule: "every" is not a weekday.*; use e\.g\. "mon-fri at 21:00"/,
  },
  {
    rule: "schedule without 'at'",
    values: schedule("mon-fri"),
    key: "schedules[0].runs[0].when",
    message: /"mon-fri" is not a Bareos schedule: missing "at HH:MM"/,
  },
  {
    rule: "hour 25",
    values: schedule("sat at 25:00"),
    key: "schedules[0].runs[0].when",
    message: /"sat at 25:00" is not a Bareos schedule: "at" needs a 24-hour time like 21:00, got "25:00"/,
  },
  {
    rule: "range with equal ends",
    values: schedule("sat-sat at 21:00"),
    key: "schedules[0].runs[0].when",
    message: /"sat-sat at 21:00" is not a Bareos schedule: "sat-sat" starts and ends on the same weekday/,
  },
  {
    rule: "a date that does not exist",
    values: schedule("31 feb at 21:00"),
    key: "schedules[0].runs[0].when",
    message: /"31 feb at 21:00" never fires/,
  },
  {
    rule: "job schedule without a Full run",
    values: schedule("mon-fri at 21:00", "Incremental"),
    key: "jobs[0].schedule",
    message: /"WeeklyCycle" has no Full run: job "backup-testdata-s3" would never get a new full backup$/,
  },
  {
    rule: "unknown run level",
    values: schedule("sat at 21:00", "VirtualFull"),
    key: "schedules[0].runs[0].level",
    message: /"VirtualFull" is not allowed; use one of "Full", "Differential", "Incremental"$/,
  },

  // ---- versions, images, backends
  {
    rule: "bareosVersion 23",
    values: { bareosVersion: "23" },
    key: "bareosVersion",
    message: /"23" is not allowed; use one of "22", "24", "25"$/,
  },
  {
    rule: "dplcompat on Bareos 22",
    values: { bareosVersion: "22", s3: { backend: "dplcompat" } },
    key: "s3.backend",
    message: /"dplcompat" needs Bareos 24 or later \(bareosVersion is "22"\); use "droplet"$/,
  },
  {
    rule: "barcus-22 images on Bareos 25",
    values: { images: { preset: "barcus-22" } },
    key: "images.preset",
    message: /"barcus-22" images run Bareos 22 only; set bareosVersion to "22" or use "build"$/,
  },
  {
    rule: "droplet with path-style addressing",
    values: {
      s3: { provider: "existing", bucketName: "my-backups", backend: "droplet", pathStyle: true },
      s3AccessKeyId: "a",
      s3SecretAccessKey: "b",
    },
    secrets: ["s3AccessKeyId", "s3SecretAccessKey"],
    key: "s3.backend",
    message: /"droplet" addresses buckets virtual-host style only; use "dplcompat" for path-style endpoints$/,
  },
  {
    rule: "droplet with MinIO",
    values: { s3: { provider: "minio", backend: "droplet" } },
    key: "s3.backend",
    message: /"droplet" addresses buckets virtual-host style only/,
  },
  {
    rule: "droplet with concurrent jobs",
    values: { bareosVersion: 25, s3: { backend: "droplet" }, storage: { maximumConcurrentJobs: 2 } },
    key: "storage.maximumConcurrentJobs",
    message: /2 is not allowed with the droplet backend: it requires 1 job per device$/,
  },
  {
    rule: "unknown provider",
    values: { s3: { provider: "gcs" } },
    key: "s3.provider",
    message: /"gcs" is not allowed; use one of "aws", "existing", "minio"$/,
  },

  // ---- protection, memory, chunks
  {
    rule: "protect with forceDestroy",
    values: { protect: true, s3: { forceDestroy: true } },
    key: "s3.forceDestroy",
    message: /true is not allowed with protect: true/,
  },
  {
    rule: "memory limit below what the default device needs",
    // 64 MiB + 3 x 100 MiB for the daemon, 3 curl calls x 16 MiB, 128 MiB headroom = 540 MiB.
    values: { storage: { memoryLimit: "512 M" } },
    key: "storage.memoryLimit",
    message:
      /512 MiB is below the 540 MiB the S3 device needs: 364 MiB for the daemon \(64 MiB \+ \(ioThreads 0 x ioSlots 1 \+ 3\) x chunkSize 100 MiB\), 48 MiB for 3 curl-wrapper.sh calls at once/,
  },
  {
    rule: "memory limit below the S3 device with Bareos' s3cmd wrapper",
    values: { storage: { memoryLimit: "1 G" }, s3: { program: "s3cmd-wrapper.sh" } },
    key: "storage.memoryLimit",
    message:
      /1 GiB is below the 1.19 GiB the S3 device needs: 764 MiB for the daemon .*, 328 MiB for 2 running uploads of "s3cmd-wrapper.sh" x \(chunkSize \+ 64 MiB\), 128 MiB headroom/,
  },
  {
    rule: "memory limit below the S3 device plus the rclone wrapper's uploads",
    // 764 MiB daemon + 128 MiB headroom would fit in 1 GiB; the 2 x 164 MiB uploads do not.
    values: { storage: { memoryLimit: "1 G" }, s3: { program: "rclone-wrapper.sh" } },
    key: "storage.memoryLimit",
    message:
      /1 GiB is below the 1.19 GiB the S3 device needs: .* 328 MiB for 2 running uploads of "rclone-wrapper.sh"/,
  },
  {
    rule: "more than 9999 chunks per volume",
    values: { s3: { chunkSize: "1 M" } },
    key: "pools[0].maximumVolumeBytes",
    message: /50 GiB needs 51200 chunks of 1 MiB; an S3 volume holds at most 9999/,
  },
  {
    rule: "volume smaller than a chunk",
    values: { pools: [{ ...FULL, maximumVolumeBytes: "50 M" }] },
    key: "pools[0].maximumVolumeBytes",
    message: /50 MiB is smaller than one chunk \(100 MiB\)$/,
  },
  {
    rule: "chunk size below 1 M",
    values: { s3: { chunkSize: "512 k" } },
    key: "s3.chunkSize",
    message: /524288 bytes is out of range; use 1 M to 5 G/,
  },
  {
    rule: "chunk size above 5 G",
    values: { s3: { chunkSize: "6 G", ioThreads: 0, ioSlots: 1 }, storage: { memoryLimit: "8 G" } },
    key: "s3.chunkSize",
    message: /6 GiB is out of range; use 1 M to 5 G \(S3's single-PUT limit\)$/,
  },

  // ---- secrets and credentials
  {
    rule: "smtpPassword as plain config",
    values: { smtp: { username: "bareos" }, smtpPassword: "hunter2" },
    key: "smtpPassword",
    message: /must be set as a secret: pulumi config set --secret smtpPassword <value>$/,
  },
  {
    rule: "s3AccessKeyId as plain config",
    values: {
      s3: { provider: "existing", bucketName: "my-backups" },
      s3AccessKeyId: "AKIA",
      s3SecretAccessKey: "x",
    },
    secrets: ["s3SecretAccessKey"],
    key: "s3AccessKeyId",
    message: /must be set as a secret: pulumi config set --secret s3AccessKeyId <value>$/,
  },
  {
    rule: "s3SecretAccessKey as plain config",
    values: {
      s3: { provider: "existing", bucketName: "my-backups" },
      s3AccessKeyId: "AKIA",
      s3SecretAccessKey: "x",
    },
    secrets: ["s3AccessKeyId"],
    key: "s3SecretAccessKey",
    message: /must be set as a secret/,
  },
  {
    rule: "existing provider without a bucket name",
    values: { s3: { provider: "existing" }, s3AccessKeyId: "a", s3SecretAccessKey: "b" },
    secrets: ["s3AccessKeyId", "s3SecretAccessKey"],
    key: "s3.bucketName",
    message: /is required with provider "existing"/,
  },
  {
    rule: "existing provider without an access key",
    values: { s3: { provider: "existing", bucketName: "my-backups" }, s3SecretAccessKey: "b" },
    secrets: ["s3SecretAccessKey"],
    key: "s3AccessKeyId",
    message: /is required with s3\.provider "existing": pulumi config set --secret s3AccessKeyId <value>$/,
  },
  {
    rule: "existing provider without a secret key",
    values: { s3: { provider: "existing", bucketName: "my-backups" }, s3AccessKeyId: "a" },
    secrets: ["s3AccessKeyId"],
    key: "s3SecretAccessKey",
    message: /is required with s3\.provider "existing"/,
  },
  {
    rule: "keys given with provider aws",
    values: { s3AccessKeyId: "a", s3SecretAccessKey: "b" },
    secrets: ["s3AccessKeyId", "s3SecretAccessKey"],
    key: "s3AccessKeyId",
    message:
      /is only used with s3\.provider "existing" \(provider is "aws"\): the stack creates its own keys$/,
  },
  {
    rule: "endpoint without provider existing",
    values: { s3: { endpoint: "https://s3.example.com" } },
    key: "s3.endpoint",
    message: /is only used with s3\.provider "existing" \(provider is "aws"\)$/,
  },
  {
    rule: "endpoint that is no http(s) URL",
    values: { s3: { provider: "existing", endpoint: "ftp://s3.example.com" } },
    key: "s3.endpoint",
    message: /"ftp:\/\/s3\.example\.com" is not an http\(s\) URL/,
  },
  {
    rule: "malformed KMS key ARN",
    values: { s3: { kmsKeyArn: "arn:aws:kms:eu-west-1:123:key/abc" } },
    key: "s3.kmsKeyArn",
    message:
      /"arn:aws:kms:eu-west-1:123:key\/abc" is not a KMS key ARN \(arn:aws:kms:<region>:<account>:key\/<id>\)$/,
  },
  {
    rule: "KMS key with MinIO",
    values: { s3: { provider: "minio", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc" } },
    key: "s3.kmsKeyArn",
    message: /is only used with s3\.provider "aws" \(provider is "minio"\)$/,
  },
  {
    rule: "smtp.username without smtpPassword",
    values: { smtp: { smarthost: "smtp.example.com", username: "bareos" } },
    key: "smtpPassword",
    message: /is required when smtp\.username is set: pulumi config set --secret smtpPassword <value>$/,
  },
  {
    rule: "SES without AWS",
    values: { s3: { provider: "minio" }, smtp: { ses: true } },
    key: "smtp.ses",
    message: /true needs AWS \(s3\.provider "aws"\); provider is "minio"$/,
  },
  {
    rule: "SES with a username",
    values: { smtp: { ses: true, username: "bareos" } },
    key: "smtp.ses",
    message: /true creates its own SES credentials: remove smtp\.username and smtpPassword$/,
  },

  // ---- clients
  {
    rule: "unmanaged client without address",
    values: { clients: [CLIENT, { name: "nas-fd", managed: false }] },
    key: "clients[1].address",
    message: /is required for an unmanaged client/,
  },
  {
    rule: "mounts on an unmanaged client",
    values: { clients: [CLIENT, { name: "nas-fd", managed: false, address: "nas", mounts: [] }] },
    key: "clients[1].mounts",
    message: /only applies to managed clients/,
  },
  {
    rule: "pluginNames without pluginDirectory",
    values: { clients: [{ ...CLIENT, pluginNames: ["python3"] }] },
    key: "clients[0].pluginDirectory",
    message: /is required when pluginNames is set \(e\.g\. "\/usr\/lib\/bareos\/plugins"\)$/,
  },
  {
    rule: "relative container path",
    values: { clients: [{ ...CLIENT, mounts: [{ hostPath: "./data", containerPath: "data" }] }] },
    key: "clients[0].mounts[0].containerPath",
    message: /"data" is not an absolute path \(it must start with \/\)$/,
  },

  // ---- reserved names
  {
    rule: "pool named Scratch",
    values: { pools: [FULL, DIFF, INC, { ...FULL, name: "Scratch", labelFormat: "Scratch-" }] },
    key: "pools[3].name",
    message: /"Scratch" is reserved for the scratch pool/,
  },
  {
    rule: "job named RestoreFiles",
    values: { jobs: [{ ...JOB, name: "RestoreFiles" }] },
    key: "jobs[0].name",
    message: /"RestoreFiles" is reserved for the job the stack renders itself$/,
  },
  {
    rule: "job named BackupCatalog",
    values: { jobs: [{ ...JOB, name: "BackupCatalog" }] },
    key: "jobs[0].name",
    message: /"BackupCatalog" is reserved/,
  },
  {
    rule: "managed client named like the director container",
    values: { clients: [{ name: "bareos-dir" }], jobs: [{ ...JOB, client: "bareos-dir" }] },
    key: "clients[0].name",
    message: /"bareos-dir" is the container name of another service; choose another client name$/,
  },
  {
    rule: "managed client named like the webui container",
    values: { clients: [CLIENT, { name: "bareos-webui" }] },
    key: "clients[1].name",
    message: /"bareos-webui" is the container name of another service/,
  },

  // ---- addresses, mail, misc formats
  {
    rule: "bind address that is a host name",
    values: { director: { bindAddress: "localhost" } },
    key: "director.bindAddress",
    message: /"localhost" is not an IPv4 bind address; use e\.g\. "127\.0\.0\.1" or "0\.0\.0\.0"$/,
  },
  {
    rule: "bind address out of range",
    values: { webui: { bindAddress: "256.0.0.1" } },
    key: "webui.bindAddress",
    message: /"256\.0\.0\.1" is not an IPv4 bind address/,
  },
  {
    rule: "webui port on the published director port",
    values: { director: { publish: true, port: 8080 } },
    key: "webui.port",
    message: /8080 is also the published director port$/,
  },
  {
    rule: "bad sender address",
    values: { smtp: { from: "bareos" } },
    key: "smtp.from",
    message: /"bareos" is not a mail address we can hand to bsmtp; use e\.g\. "backup-admins@example\.com"/,
  },
  {
    rule: "bad recipient address",
    values: { smtp: { to: ["ops@example.com", "ops@"] } },
    key: "smtp.to[1]",
    message: /"ops@" is not a mail address/,
  },
  {
    rule: "region that is no AWS region",
    values: { s3: { region: "Frankfurt" } },
    key: "s3.region",
    message: /"Frankfurt" is not a region name; use e\.g\. "eu-west-1"$/,
  },
  {
    rule: "catalog database name with a dash",
    values: { catalog: { dbName: "bareos-catalog" } },
    key: "catalog.dbName",
    message: /"bareos-catalog" is not a PostgreSQL identifier/,
  },
  {
    rule: "label format with a space",
    values: { pools: [{ ...FULL, labelFormat: "S3 Full" }] },
    key: "pools[0].labelFormat",
    message: /"S3 Full" is not a label prefix: use letters, digits and - _ \. :$/,
  },
  {
    rule: "dplcompat program with a space",
    values: { s3: { program: "s3cmd-wrapper.sh --debug" } },
    key: "s3.program",
    message: /"s3cmd-wrapper\.sh --debug" is not a program name or absolute path$/,
  },
  {
    rule: "relative include path",
    values: { fileSets: [{ ...FILESET, include: ["data"] }] },
    key: "fileSets[0].include[0]",
    message: /"data" is not an absolute path/,
  },
  {
    rule: "fileset that backs up nothing",
    values: { fileSets: [{ ...FILESET, include: [] }] },
    key: "fileSets[0].include",
    message: /is empty and the fileset has no plugins: it would back up nothing$/,
  },
  {
    rule: "unknown signature",
    values: { fileSets: [{ ...FILESET, signature: "CRC32" }] },
    key: "fileSets[0].signature",
    message: /"CRC32" is not allowed; use one of "XXH128", "SHA256", "SHA512", "SHA1", "MD5"$/,
  },
  {
    rule: "unknown webui profile",
    values: { webui: { users: [{ name: "admin", profile: "operator" }] } },
    key: "webui.users[0].profile",
    message: /"operator" is not allowed; use one of "webui-admin", "webui-readonly"$/,
  },
  {
    rule: "repository URL with credentials (they would land in image layers)",
    values: {
      images: {
        bareosRepository: {
          url: "https://user:pw@mirror.example.com/bareos",
          keyFingerprint: "82834CF002D89BA55C1ED0AA42DA24A6DFEF9127",
        },
      },
    },
    key: "images.bareosRepository.url",
    message:
      /".*" must be a plain http\(s\) repository URL: no credentials, query, fragment, quotes or spaces$/,
  },
  {
    rule: "repository URL with a query",
    values: {
      images: {
        bareosRepository: {
          url: "https://mirror.example.com/bareos?token=x",
          keyFingerprint: "82834CF002D89BA55C1ED0AA42DA24A6DFEF9127",
        },
      },
    },
    key: "images.bareosRepository.url",
    message: /".*\?token=x" must be a plain http\(s\) repository URL/,
  },
  {
    rule: "repository on ftp",
    values: {
      images: {
        bareosRepository: {
          url: "ftp://mirror.example.com/bareos",
          keyFingerprint: "82834CF002D89BA55C1ED0AA42DA24A6DFEF9127",
        },
      },
    },
    key: "images.bareosRepository.url",
    message: /"ftp:\/\/mirror.example.com\/bareos" is not an http\(s\) URL/,
  },
  {
    rule: "short key id instead of a fingerprint",
    values: {
      images: { bareosRepository: { url: "https://mirror.example.com/bareos", keyFingerprint: "DFEF9127" } },
    },
    key: "images.bareosRepository.keyFingerprint",
    message: /"DFEF9127" is not an OpenPGP key fingerprint: 40 hexadecimal digits/,
  },
  {
    rule: "repository without a fingerprint",
    values: { images: { bareosRepository: { url: "https://mirror.example.com/bareos" } } },
    key: "images.bareosRepository.keyFingerprint",
    message: /is required/,
  },
  {
    rule: "PostgreSQL major the catalog volume layout does not fit",
    values: { catalog: { postgresMajor: 18 } },
    key: "catalog.postgresMajor",
    message: /18 is not supported; use 15, 16 or 17$/,
  },
  {
    rule: "catalog image of another major than the director's pg_dump",
    values: { images: { catalog: "registry.example.com/mirror/postgres:17.6-bookworm" } },
    key: "images.catalog",
    message:
      /".*postgres:17.6-bookworm" is PostgreSQL 17, but catalog.postgresMajor is 16: .*set catalog.postgresMajor to 17/,
  },
];

describe("each bad input is reported under its config key", () => {
  it("covers enough cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)("$key: $rule", ({ values, key, message, secrets }) => {
    const problems = problemsOf(values, secrets);
    expect(problems).toContainEqual(
      expect.stringMatching(new RegExp(`^${escape(`${PROJECT}:${key}`)}: ${message.source}`)),
    );
    for (const p of problems) expect(p).toMatch(new RegExp(`^${escape(PROJECT)}:[A-Za-z]`));
  });
});

describe("reporting", () => {
  it("reports every schema problem of one input together", () => {
    const problems = problemsOf({
      protect: "yes",
      director: { port: 0 },
      protected: true,
      pools: [{ ...FULL, maximumVolumes: 0 }],
      s3: { ioThreads: 65 },
      smtpPassword: "hunter2",
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        `${PROJECT}:smtpPassword: must be set as a secret: pulumi config set --secret smtpPassword <value>`,
        `${PROJECT}:protect: "yes" is not valid: expected boolean`,
        `${PROJECT}:director.port: 0 is too small: the minimum is 1`,
        expect.stringMatching(new RegExp(`^${PROJECT}:protected: is not a known key`)),
        `${PROJECT}:pools[0].maximumVolumes: 0 is too small: the minimum is 1`,
        `${PROJECT}:s3.ioThreads: 65 is too large: the maximum is 64`,
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it("reports every cross-check problem of one input together", () => {
    const problems = problemsOf({
      protect: true,
      s3: { provider: "existing", forceDestroy: true },
      images: { preset: "barcus-22" },
      jobs: [JOB, { ...JOB, name: "backup-nas", client: "nas-fd" }, { ...JOB, name: "backup-nas" }],
      pools: [{ ...FULL, volumeRetention: "10 days" }, DIFF, INC],
    });
    const keys = problems.map((p) => p.slice(PROJECT.length + 1, p.indexOf(": ")));
    expect(keys.sort()).toEqual(
      [
        "images.preset",
        "jobs[1].client",
        "jobs[2].name",
        // One per job: the message names the job.
        "pools[0].volumeRetention",
        "pools[0].volumeRetention",
        "s3.bucketName",
        "s3.forceDestroy",
        "s3AccessKeyId",
        "s3SecretAccessKey",
      ].sort(),
    );
  });

  it("reports a finding shared by several checks once", () => {
    // Without a Differential pool the job's differentials go to S3-Full too: both checks find the
    // same short retention.
    const problems = problemsOf({ pools: [{ ...FULL, volumeRetention: "10 days" }, INC] });
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(`^${escape(PROJECT)}:pools\\[0\\]\\.volumeRetention: "10 days" is shorter`),
      ),
    ]);
  });

  it("throws a SettingsError whose problems list everything and whose message shows them", () => {
    let caught: unknown;
    try {
      parseSettings(
        { values: { bareosVersion: "23", webui: { port: 0 } }, secretKeys: new Set() },
        { stack: "dev", projectDir: "/srv/project" },
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SettingsError);
    expect(caught).toBeInstanceOf(Error);
    const error = caught as SettingsError;
    expect(error.name).toBe("SettingsError");
    expect(error.problems).toEqual([
      `${PROJECT}:bareosVersion: "23" is not allowed; use one of "22", "24", "25"`,
      `${PROJECT}:webui.port: 0 is too small: the minimum is 1`,
    ]);
    expect(error.message).toBe(
      [
        "Invalid stack configuration (2 problem(s)):",
        `  - ${PROJECT}:bareosVersion: "23" is not allowed; use one of "22", "24", "25"`,
        `  - ${PROJECT}:webui.port: 0 is too small: the minimum is 1`,
      ].join("\n"),
    );
  });

  it("does not throw for the defaults", () => {
    expect(problemsOf({})).toEqual([]);
  });
});

import {
  CATALOG_ADMIN_PGPASS,
  DIRECTOR_WORKDIR_ON_CATALOG_CLIENT,
  catalogBackupTime,
  pgpassField,
} from "../../configs/director";
import { Block, blockName } from "../../configs/schema/parse";
import {
  blocks,
  directives,
  file,
  items,
  render,
  resource,
  resourcesOf,
  settingsFrom,
  value,
  values,
} from "./fixtures";

const DIR = "/etc/bareos/bareos-dir.d";

function dirResources(values: Record<string, unknown> = {}) {
  const { settings, out } = render(values);
  return { settings, out, byType: resourcesOf(out.director, "bareos-dir.d") };
}

describe("director tree layout", () => {
  it("holds one resource per file, at bareos-dir.d/<type>/<Name>.conf", () => {
    const { out } = render();
    const confs = Object.keys(out.director).filter((p) => p.startsWith(`${DIR}/`));
    expect(confs.length).toBeGreaterThan(20);
    for (const path of confs) {
      const m = new RegExp(`^${DIR}/([a-z]+)/([^/]+)\\.conf$`).exec(path);
      expect(m).not.toBeNull();
      const block = resource(out.director, path);
      expect(block.type.toLowerCase()).toBe(m?.[1]);
      expect(blockName(block)).toBe(m?.[2]);
    }
  });

  it("renders the resources a Bareos admin expects for the default settings", () => {
    const { out } = render();
    expect(Object.keys(out.director)).toEqual([
      `${DIR}/catalog/MyCatalog.conf`,
      `${DIR}/client/bareos-catalog-fd.conf`,
      `${DIR}/client/bareos-fd.conf`,
      `${DIR}/console/admin.conf`,
      `${DIR}/console/viewer.conf`,
      `${DIR}/director/bareos-dir.conf`,
      `${DIR}/fileset/Catalog.conf`,
      `${DIR}/fileset/TestData.conf`,
      `${DIR}/job/BackupCatalog.conf`,
      `${DIR}/job/RestoreFiles.conf`,
      `${DIR}/job/backup-testdata-s3-verify.conf`,
      `${DIR}/job/backup-testdata-s3.conf`,
      `${DIR}/jobdefs/DefaultJob.conf`,
      `${DIR}/messages/Daemon.conf`,
      `${DIR}/messages/Standard.conf`,
      `${DIR}/pool/S3-Differential.conf`,
      `${DIR}/pool/S3-Full.conf`,
      `${DIR}/pool/S3-Incremental.conf`,
      `${DIR}/pool/Scratch.conf`,
      `${DIR}/profile/webui-admin.conf`,
      `${DIR}/profile/webui-readonly.conf`,
      `${DIR}/schedule/WeeklyCycle-verify.conf`,
      `${DIR}/schedule/WeeklyCycle.conf`,
      `${DIR}/schedule/WeeklyCycleAfterBackup.conf`,
      `${DIR}/storage/S3Storage.conf`,
      "/etc/bareos/bconsole.conf",
      CATALOG_ADMIN_PGPASS,
      "/etc/bareos/dr-kit/README.md",
    ]);
    // A stray bareos-dir.conf would win over the folder.
    expect(Object.keys(out.director)).not.toContain("/etc/bareos/bareos-dir.conf");
  });
});

describe("cross-references inside the director", () => {
  const variants: Record<string, unknown>[] = [
    {},
    {
      pools: [
        {
          name: "Full",
          level: "Full",
          volumeRetention: "400 days",
          maximumVolumeBytes: "20 G",
          maximumVolumes: 10,
          labelFormat: "F-",
        },
        {
          name: "Inc",
          level: "Incremental",
          volumeRetention: "400 days",
          maximumVolumeBytes: "5 G",
          maximumVolumes: 10,
          labelFormat: "I-",
        },
      ],
      clients: [
        { name: "host1", managed: false, address: "host1.example.com" },
        { name: "fd-two", managed: true, mounts: [{ hostPath: "/etc", containerPath: "/host/etc" }] },
      ],
      fileSets: [{ name: "Etc", include: ["/host/etc"] }],
      schedules: [
        {
          name: "Nightly",
          runs: [
            { level: "Full", when: "sun at 02:00" },
            { level: "Incremental", when: "mon-sat at 02:00" },
          ],
        },
      ],
      jobs: [
        { name: "etc-host1", client: "host1", fileSet: "Etc", schedule: "Nightly" },
        { name: "etc-two", client: "fd-two", fileSet: "Etc", level: "Full", priority: 20, enabled: false },
      ],
    },
  ];

  it.each(variants.map((v, i) => [i, v] as const))(
    "every reference names an existing resource (variant %i)",
    (_, v) => {
      const { byType } = dirResources(v);
      const has = (type: string, name: string | undefined) => {
        expect(name).toBeDefined();
        expect([type, byType.get(type)?.has(name ?? "")]).toEqual([type, true]);
      };
      const refs: [string, string][] = [
        ["Client", "client"],
        ["FileSet", "fileset"],
        ["Schedule", "schedule"],
        ["Messages", "messages"],
        ["Pool", "pool"],
        ["Full Backup Pool", "pool"],
        ["Differential Backup Pool", "pool"],
        ["Incremental Backup Pool", "pool"],
        ["JobDefs", "jobdefs"],
        ["Recycle Pool", "pool"],
        ["Profile", "profile"],
      ];
      for (const [, names] of byType) {
        for (const block of names.values()) {
          for (const [keyword, type] of refs) for (const name of values(block, keyword)) has(type, name);
          for (const name of items(block, "Storage")) has("storage", name);
        }
      }
      // Every job can run: the merged Job + JobDefs has what its type needs.
      const defs = byType.get("jobdefs");
      for (const job of byType.get("job")?.values() ?? []) {
        const parent = defs?.get(value(job, "JobDefs") ?? "");
        const get = (k: string) => value(job, k) ?? (parent ? value(parent, k) : undefined);
        for (const k of ["Type", "Client", "FileSet", "Storage", "Pool", "Messages"]) {
          expect({ job: blockName(job), k, v: get(k) }).toEqual({
            job: blockName(job),
            k,
            v: expect.any(String),
          });
        }
      }
      expect(value([...(byType.get("director")?.values() ?? [])][0], "Messages")).toBe("Daemon");
    },
  );

  it("uses the resolved per-level pools of each job and the job's level pool as Pool", () => {
    const { byType } = dirResources(variants[1]);
    const job = byType.get("job")?.get("etc-two") as Block;
    expect(value(job, "Level")).toBe("Full");
    expect(value(job, "Pool")).toBe("Full");
    expect(value(job, "Full Backup Pool")).toBe("Full");
    // No differential pool: Bareos' fallback to the full pool.
    expect(value(job, "Differential Backup Pool")).toBe("Full");
    expect(value(job, "Incremental Backup Pool")).toBe("Inc");
    expect(value(job, "Priority")).toBe("20");
    expect(value(job, "Enabled")).toBe("no");
    expect(value(job, "Schedule")).toBeUndefined();
  });
});

describe("filesets", () => {
  it("puts wildcard excludes into a leading Options { Exclude = yes } and literal paths into Exclude { }", () => {
    const { out } = render({
      fileSets: [
        {
          name: "Data",
          include: ["/data"],
          exclude: ["*.tmp", "/data/cache", "/data/?x", "/data/[ab]", "logs"],
        },
      ],
      jobs: [],
    });
    const fs = resource(out.director, `${DIR}/fileset/Data.conf`);
    const [include] = blocks(fs, "Include");
    const options = blocks(include, "Options");
    expect(options).toHaveLength(2);
    // Wild (files and directories); a relative name anchored anywhere; brackets literal.
    expect(values(options[0], "Wild")).toEqual(["*.tmp", "/data/?x", "*/logs"]);
    expect(value(options[0], "Exclude")).toBe("yes");
    // The last Options block applies to everything not matched before it.
    expect(value(options[1], "Signature")).toBe("XXH128");
    expect(value(options[1], "Compression")).toBe("LZ4");
    expect(values(options[1], "WildFile")).toEqual([]);
    expect(values(include, "File")).toEqual(["/data"]);
    const [exclude] = blocks(fs, "Exclude");
    expect(values(exclude, "File")).toEqual(["/data/cache", "/data/[[]ab]"]);
    expect(file(out.director, `${DIR}/fileset/Data.conf`)).not.toMatch(/^ *File = "\*\.tmp"/m);
  });

  it("fixes the hand-built TestData fileset: *.tmp becomes a wildcard exclude", () => {
    const { out } = render();
    const fs = resource(out.director, `${DIR}/fileset/TestData.conf`);
    const [include] = blocks(fs, "Include");
    expect(values(blocks(include, "Options")[0], "Wild")).toEqual(["*.tmp"]);
    expect(values(blocks(fs, "Exclude")[0], "File")).toEqual(["/data/cache"]);
  });

  it("omits Compression for none, has no Exclude block without literal excludes, writes plugins", () => {
    const { out } = render({
      fileSets: [
        { name: "M365", plugins: ["python3:module_name=m365"], compression: "none", signature: "SHA256" },
      ],
      jobs: [],
    });
    const fs = resource(out.director, `${DIR}/fileset/M365.conf`);
    const [include] = blocks(fs, "Include");
    const options = blocks(include, "Options");
    expect(options).toHaveLength(1);
    expect(value(options[0], "Compression")).toBeUndefined();
    expect(value(options[0], "Signature")).toBe("SHA256");
    expect(values(include, "Plugin")).toEqual(["python3:module_name=m365"]);
    expect(blocks(fs, "Exclude")).toEqual([]);
  });
});

describe("version-dependent directives", () => {
  it("writes DbDriver on Bareos 22 only (23 removed it)", () => {
    for (const v of ["22", "24", "25"]) {
      const { out } = render({ bareosVersion: v, ...(v === "22" ? { s3: { backend: "droplet" } } : {}) });
      const catalog = resource(out.director, `${DIR}/catalog/MyCatalog.conf`);
      expect([v, value(catalog, "DbDriver")]).toEqual([v, v === "22" ? "postgresql" : undefined]);
    }
  });

  it("writes client retentions on 22 only and never the deprecated pool retentions", () => {
    for (const v of ["22", "24", "25"]) {
      const { out, byType } = dirResources({ bareosVersion: v });
      const client = resource(out.director, `${DIR}/client/bareos-fd.conf`);
      const expected = v === "22" ? ["365 days", "365 days", "yes"] : [undefined, undefined, undefined];
      expect([v, ...["File Retention", "Job Retention", "AutoPrune"].map((k) => value(client, k))]).toEqual([
        v,
        ...expected,
      ]);
      for (const pool of byType.get("pool")?.values() ?? []) {
        expect(directives(pool, "File Retention")).toEqual([]);
        expect(directives(pool, "Job Retention")).toEqual([]);
      }
    }
  });
});

describe("catalog and its backup", () => {
  it("connects to the catalog container with the catalog password", () => {
    const { out } = render({ catalog: { name: "OurCatalog", dbName: "bacula", dbUser: "bac" } });
    const catalog = resource(out.director, `${DIR}/catalog/OurCatalog.conf`);
    expect(value(catalog, "DbAddress")).toBe("bareos-db");
    expect(value(catalog, "DbPort")).toBe("5432");
    expect(value(catalog, "DbName")).toBe("bacula");
    expect(value(catalog, "DbUser")).toBe("bac");
    expect(value(catalog, "DbPassword")).toBe("catalog-secret");
  });

  it("dumps the catalog named in the settings and backs the dump up on the stack's own client", () => {
    const { out } = render({
      catalog: { name: "OurCatalog", dbName: "bacula" },
      clients: [
        { name: "remote", managed: false, address: "remote.example.com" },
        { name: "local-fd", managed: true },
      ],
      jobs: [{ name: "j", client: "remote", fileSet: "TestData", schedule: "WeeklyCycle" }],
    });
    const job = resource(out.director, `${DIR}/job/BackupCatalog.conf`);
    expect(value(job, "RunBeforeJob")).toBe("/usr/lib/bareos/scripts/make_catalog_backup OurCatalog");
    expect(values(job, "RunAfterJob")).toEqual([
      "/usr/lib/bareos/scripts/delete_catalog_backup OurCatalog",
      // The kit first, then the bootstrap by mail: a relay that is down cannot fail the job.
      '/usr/local/bin/bareos-dr-kit %i bareos-smtp:587 "(Bareos) <bareos@localhost>" root@localhost',
    ]);
    // Never a data client: those may encrypt, and the dump must come back without any key.
    expect(value(job, "Client")).toBe("bareos-catalog-fd");
    expect(value(job, "FileSet")).toBe("Catalog");
    expect(value(job, "Level")).toBe("Full");
    expect(value(job, "Schedule")).toBe("WeeklyCycleAfterBackup");
    expect(value(job, "Priority")).toBe("11");
    // A file (JobDefs' %n.bsr): a pipe to bsmtp lost the bootstrap whenever the relay was down.
    expect(value(job, "Write Bootstrap")).toBeUndefined();
    const jobDefs = resource(out.director, `${DIR}/jobdefs/DefaultJob.conf`);
    expect(value(jobDefs, "Write Bootstrap")).toBe("/var/lib/bareos/%n.bsr");
    const client = resource(out.director, `${DIR}/client/bareos-catalog-fd.conf`);
    expect(value(client, "Address")).toBe("bareos-catalog-fd");
    const fs = resource(out.director, `${DIR}/fileset/Catalog.conf`);
    expect(values(blocks(fs, "Include")[0], "File")).toEqual([
      `${DIRECTOR_WORKDIR_ON_CATALOG_CLIENT}/bacula.sql`,
    ]);
    const dir = resource(out.director, `${DIR}/director/bareos-dir.conf`);
    expect(value(dir, "WorkingDirectory")).toBe("/var/lib/bareos");
  });

  it("uses the scripts directory of the barcus images on the legacy preset", () => {
    const { out } = render({
      bareosVersion: "22",
      s3: { backend: "droplet" },
      images: { preset: "barcus-22" },
    });
    const job = resource(out.director, `${DIR}/job/BackupCatalog.conf`);
    expect(value(job, "RunBeforeJob")).toBe("/etc/bareos/scripts/make_catalog_backup MyCatalog");
    expect(value(resource(out.director, `${DIR}/director/bareos-dir.conf`), "QueryFile")).toBe(
      "/etc/bareos/scripts/query.sql",
    );
  });

  it("backs the catalog up even when every data client is unmanaged; restores still go to a data client", () => {
    const { out } = render({
      clients: [{ name: "remote", managed: false, address: "remote.example.com" }],
      jobs: [{ name: "j", client: "remote", fileSet: "TestData", schedule: "WeeklyCycle" }],
    });
    const paths = Object.keys(out.director);
    expect(paths).toContain(`${DIR}/job/BackupCatalog.conf`);
    expect(paths).toContain(`${DIR}/schedule/WeeklyCycleAfterBackup.conf`);
    expect(value(resource(out.director, `${DIR}/job/BackupCatalog.conf`), "Client")).toBe(
      "bareos-catalog-fd",
    );
    expect(value(resource(out.director, `${DIR}/job/RestoreFiles.conf`), "Client")).toBe("remote");
  });

  it("schedules the catalog backup ten minutes after the day's last scheduled backup", () => {
    expect(catalogBackupTime(settingsFrom())).toBe("21:10");
    const late = settingsFrom({
      schedules: [
        {
          name: "Late",
          runs: [
            { level: "Full", when: "sun at 23:00" },
            { level: "Incremental", when: "mon-sat at 03:15" },
          ],
        },
      ],
      jobs: [],
    });
    expect(catalogBackupTime(late)).toBe("23:10");
    const midnight = settingsFrom({
      schedules: [{ name: "L", runs: [{ level: "Full", when: "daily at 23:55" }] }],
      jobs: [],
    });
    expect(catalogBackupTime(midnight)).toBe("00:05");
    const { out } = render({
      schedules: [{ name: "L", runs: [{ level: "Full", when: "daily at 23:00" }] }],
      jobs: [],
    });
    expect(values(resource(out.director, `${DIR}/schedule/WeeklyCycleAfterBackup.conf`), "Run")).toEqual([
      "Full daily at 23:10",
    ]);
  });

  it("refuses a user resource that collides with one the stack renders, at settings time", () => {
    expect(() => settingsFrom({ fileSets: [{ name: "Catalog", include: ["/x"] }], jobs: [] })).toThrow(
      /bareos-s3-backup:fileSets\[0\]\.name: "Catalog" is reserved/,
    );
    expect(() =>
      settingsFrom({
        schedules: [{ name: "WeeklyCycleAfterBackup", runs: [{ level: "Full", when: "daily at 1:00" }] }],
        jobs: [],
      }),
    ).toThrow(/bareos-s3-backup:schedules\[0\]\.name: "WeeklyCycleAfterBackup" is reserved/);
  });

  it("writes the catalog bootstrap's pgpass with libpq escaping, readable by its owner only", () => {
    const { out } = render();
    expect(out.director[CATALOG_ADMIN_PGPASS]).toEqual({
      content: "bareos-db:5432:*:postgres:admin\\:pass\\\\word\n",
      mode: 0o600,
    });
    expect(() => pgpassField("a\nb")).toThrow();
  });
});

describe("messages", () => {
  it("mails through the relay container with bsmtp, to every configured recipient", () => {
    const { out } = render({
      smtp: { from: "backup@example.com", to: ["ops@example.com", "boss@example.com"] },
    });
    const std = resource(out.director, `${DIR}/messages/Standard.conf`);
    expect(value(std, "MailCommand")).toMatch(
      /^\/usr\/bin\/bsmtp -h bareos-smtp:\d+ -f "\(Bareos\) <backup@example\.com>" -s "Bareos: %t %e of %n on %c \(%l\)" %r$/,
    );
    expect(value(std, "OperatorCommand")).toContain('-s "Bareos: Intervention needed for %j" %r');
    const mail = directives(std, "Mail")[0];
    expect(
      mail.tokens
        .filter((t) => t.kind === "string" && t.quoted)
        .map((t) => (t.kind === "string" ? t.text : "")),
    ).toEqual(["ops@example.com", "boss@example.com"]);
    expect(mail.value).toContain("= all, !skipped, !saved, !audit");
    expect(directives(std, "Operator")[0].value).toMatch(/= mount$/);
    expect(values(std, "Append")).toEqual(['"/var/log/bareos/bareos.log" = all, !skipped, !saved, !audit']);
    const daemon = resource(out.director, `${DIR}/messages/Daemon.conf`);
    expect(values(daemon, "Append")).toContain('"/var/log/bareos/bareos-audit.log" = audit');
  });
});

describe("webui consoles and profiles", () => {
  it("gives each webui user a console without TLS and its profile", () => {
    const { out } = render({
      webui: {
        users: [
          { name: "alice", profile: "webui-admin" },
          { name: "bob", profile: "webui-readonly" },
        ],
      },
    });
    const alice = resource(out.director, `${DIR}/console/alice.conf`);
    expect(value(alice, "Password")).toBe("webui-alice-secret");
    expect(value(alice, "Profile")).toBe("webui-admin");
    expect(value(alice, "TLS Enable")).toBe("no");
    expect(value(resource(out.director, `${DIR}/console/bob.conf`), "Profile")).toBe("webui-readonly");
  });

  it("lets both profiles use .api and keeps the read-only one from acting", () => {
    const { out } = render();
    const admin = items(resource(out.director, `${DIR}/profile/webui-admin.conf`), "Command ACL");
    expect(admin[admin.length - 1]).toBe("*all*");
    expect(admin).not.toContain("!.api");
    expect(admin).toEqual(expect.arrayContaining(["!configure", "!delete", "!purge", "!prune", "!sqlquery"]));
    const ro = items(resource(out.director, `${DIR}/profile/webui-readonly.conf`), "Command ACL");
    expect(ro).toContain(".api");
    for (const act of ["run", "restore", "cancel", "delete", "*all*", "configure", "label"])
      expect(ro).not.toContain(act);
  });
});

describe("bconsole", () => {
  it("talks to the local director with the director password", () => {
    const { out } = render();
    const bconsole = resource(out.director, "/etc/bareos/bconsole.conf");
    const director = resource(out.director, `${DIR}/director/bareos-dir.conf`);
    expect(bconsole.type).toBe("Director");
    expect(value(bconsole, "Name")).toBe(value(director, "Name"));
    expect(value(bconsole, "Address")).toBe("localhost");
    expect(value(bconsole, "DirPort")).toBe("9101");
    expect(value(bconsole, "Password")).toBe('dir"pass\\word');
    expect(value(director, "Password")).toBe('dir"pass\\word');
  });
});

import {
  FileTree,
  RenderedConfigs,
  placeholderBucketName,
  placeholderSecrets,
  renderAll,
} from "../../configs/render";
import { Settings } from "../../configs/settings";
import { defaultSchemaDir, loadSchemas, schemasAvailable } from "../../configs/schema/load";
import { BareosMajor, Daemon, formatProblem, validateFileTree } from "../../configs/schema/validate";
import {
  BUCKET,
  PUBLISHED_STORAGE,
  fakeSecrets,
  file,
  render,
  resource,
  settingsFrom,
  value,
} from "./fixtures";

const DIR = "/etc/bareos/bareos-dir.d";
const SD = "/etc/bareos/bareos-sd.d";
const FD = "/etc/bareos/bareos-fd.d";

const rich: Record<string, unknown> = {
  director: { name: "main-dir", maximumConcurrentJobs: 5 },
  storage: { name: "main-sd", deviceName: "S3Dev", mediaType: "S3_Media", ...PUBLISHED_STORAGE, port: 19103 },
  catalog: { name: "Cat", dbName: "bareos", dbUser: "bareos" },
  clients: [
    { name: "bareos-fd", encryption: true, maximumBandwidthPerJob: "20 m/s" },
    { name: "db-host", managed: false, address: "db.example.com", port: 9202, encryption: true },
  ],
  fileSets: [
    { name: "TestData", include: ["/data"], exclude: ["*.tmp", "/data/cache"] },
    { name: "Db", include: ["/var/backups"], compression: "none" },
  ],
  schedules: [
    {
      name: "WeeklyCycle",
      runs: [
        { level: "Full", when: "1st sat at 21:00" },
        { level: "Differential", when: "2nd-5th sat at 21:00" },
        { level: "Incremental", when: "mon-fri at 21:00" },
      ],
    },
  ],
  jobs: [
    { name: "data", client: "bareos-fd", fileSet: "TestData", schedule: "WeeklyCycle" },
    { name: "db", client: "db-host", fileSet: "Db", schedule: "WeeklyCycle", priority: 12 },
  ],
  smtp: { from: "bareos@example.com", to: ["ops@example.com", "oncall@example.com"] },
  webui: {
    users: [
      { name: "admin", profile: "webui-admin" },
      { name: "audit", profile: "webui-readonly" },
    ],
  },
};

/** The same value with every object's keys in reverse order (arrays keep theirs: their order means something). */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reverseKeys(x)]),
    );
  }
  return v;
}

function allFiles(out: RenderedConfigs): [string, FileTree][] {
  return [
    ["director", out.director],
    ["storage", out.storage],
    ["webui", out.webui],
    ...Object.entries(out.clients).map(([n, t]): [string, FileTree] => [`client ${n}`, t]),
  ];
}

describe("renderAll", () => {
  it("is deterministic: the same input gives the same bytes", () => {
    const a = render(rich).out;
    const b = render(rich).out;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("does not depend on the key order of the settings or the secrets", () => {
    const a = render(rich).out;
    const settings = settingsFrom(reverseKeys(rich) as Record<string, unknown>);
    const secrets = reverseKeys(fakeSecrets(settings)) as ReturnType<typeof fakeSecrets>;
    const b = renderAll(settings, secrets, { bucketName: BUCKET });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("returns trees with sorted absolute paths, config files 0640 and credentials 0600", () => {
    const { out } = render(rich);
    const credentials: string[] = [];
    for (const [, tree] of allFiles(out)) {
      const paths = Object.keys(tree);
      expect(paths).toEqual([...paths].sort());
      for (const [path, f] of Object.entries(tree)) {
        expect(path.startsWith("/")).toBe(true);
        expect([0o640, 0o600]).toContain(f.mode);
        expect(f.content.endsWith("\n")).toBe(true);
        if (f.mode === 0o600) credentials.push(path);
      }
    }
    expect(credentials.sort()).toEqual(
      [
        "/etc/bareos/catalog-admin.pgpass",
        "/etc/bareos/s3/curl.conf",
        "/etc/bareos/s3/rclone.conf",
        "/etc/bareos/pki/bareos-fd.pem",
        "/etc/bareos/pki/master.cert",
        "/etc/bareos/pki/db-host.pem",
        "/etc/bareos/pki/master.cert",
      ].sort(),
    );
  });

  it("changing a pool's retention changes only the director tree", () => {
    const before = render(rich).out;
    const pools = settingsFrom(rich).pools.map((p) => ({
      name: p.name,
      level: p.level,
      volumeRetention: p.volumeRetentionSeconds + (p.level === "Full" ? 86400 : 0),
      maximumVolumeBytes: p.maximumVolumeBytes,
      maximumVolumes: p.maximumVolumes,
      labelFormat: p.labelFormat,
      description: p.description,
    }));
    const after = render({ ...rich, pools }).out;
    expect(after.director).not.toEqual(before.director);
    expect(after.storage).toEqual(before.storage);
    expect(after.clients).toEqual(before.clients);
    expect(after.webui).toEqual(before.webui);
    const changed = Object.keys(after.director).filter(
      (p) => after.director[p].content !== before.director[p]?.content,
    );
    // The recovery kit's README lists the pools with their retention.
    expect(changed).toEqual([`${DIR}/pool/S3-Full.conf`, "/etc/bareos/dr-kit/README.md"]);
  });

  it("writes to the bucket it is given, or the configured one, and refuses to guess", () => {
    const settings = settingsFrom();
    const secrets = placeholderSecrets(settings);
    expect(() => renderAll(settings, secrets)).toThrow(/bucket/);
    const given = renderAll(settings, secrets, { bucketName: "given-bucket" });
    expect(value(resource(given.storage, `${SD}/device/S3Storage.conf`), "Device Options")).toContain(
      "base_url=https://given-bucket.s3.eu-west-1.amazonaws.com,",
    );
    const configured = settingsFrom({ s3: { bucketName: "configured-bucket" } });
    const out = renderAll(configured, placeholderSecrets(configured));
    expect(value(resource(out.storage, `${SD}/device/S3Storage.conf`), "Device Options")).toContain(
      "base_url=https://configured-bucket.s3.eu-west-1.amazonaws.com,",
    );
  });
});

describe("cross-daemon agreement", () => {
  function agreement(out: RenderedConfigs, settings: Settings) {
    const dir = resource(out.director, `${DIR}/director/${settings.director.name}.conf`);
    const bconsole = resource(out.director, "/etc/bareos/bconsole.conf");
    const dirStorage = resource(out.director, `${DIR}/storage/${settings.storage.deviceName}.conf`);
    const sdDirector = resource(out.storage, `${SD}/director/${settings.director.name}.conf`);
    const device = resource(out.storage, `${SD}/device/${settings.storage.deviceName}.conf`);
    expect(value(bconsole, "Password")).toBe(value(dir, "Password"));
    expect(value(bconsole, "Name")).toBe(value(dir, "Name"));
    expect(value(sdDirector, "Name")).toBe(value(dir, "Name"));
    expect(value(sdDirector, "Password")).toBe(value(dirStorage, "Password"));
    expect(value(dirStorage, "Device")).toBe(value(device, "Name"));
    expect(value(dirStorage, "Media Type")).toBe(value(device, "Media Type"));
    // Unmanaged clients reach the storage daemon at the Docker host's address, on the published port.
    expect(value(dirStorage, "Address")).toBe(settings.storage.address ?? settings.names.storage);
    expect(value(dirStorage, "SD Port") ?? value(dirStorage, "Port") ?? "9103").toBe(
      String(settings.storage.address === undefined ? 9103 : settings.storage.port),
    );
    for (const c of settings.clients) {
      const dirClient = resource(out.director, `${DIR}/client/${c.name}.conf`);
      const fdDirector = resource(out.clients[c.name], `${FD}/director/${settings.director.name}.conf`);
      expect(value(fdDirector, "Password")).toBe(value(dirClient, "Password"));
      expect(value(fdDirector, "Name")).toBe(value(dir, "Name"));
    }
    for (const u of settings.webui.users) {
      expect(value(resource(out.director, `${DIR}/console/${u.name}.conf`), "Profile")).toBe(u.profile);
    }
    expect(file(out.webui, "/etc/bareos-webui/directors.ini")).toContain(`[${settings.director.name}]`);
  }

  it("agrees with the fake secrets", () => {
    const { settings, out } = render(rich);
    agreement(out, settings);
  });

  it("agrees with placeholder secrets, which are clearly marked", () => {
    const settings = settingsFrom(rich);
    const secrets = placeholderSecrets(settings);
    const out = renderAll(settings, secrets, { bucketName: placeholderBucketName(settings) });
    agreement(out, settings);
    expect(value(resource(out.director, `${DIR}/director/main-dir.conf`), "Password")).toBe(
      "PLACEHOLDER-director-password",
    );
    const strings = [
      secrets.director,
      secrets.storage,
      secrets.catalog,
      secrets.catalogAdmin,
      secrets.s3AccessKeyId,
      secrets.s3SecretAccessKey,
      ...Object.values(secrets.clients),
      ...Object.values(secrets.webuiUsers),
    ];
    for (const s of strings) expect(s).toMatch(/^PLACEHOLDER-/);
    expect(new Set(strings).size).toBe(strings.length);
    expect(Object.keys(secrets.clientKeys).sort()).toEqual(["bareos-fd", "db-host"]);
    const keys = secrets.clientKeys["bareos-fd"];
    expect(keys.keypairPem).toMatch(
      /^-----BEGIN PRIVATE KEY-----\nPLACEHOLDER-[^\n]+\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n/,
    );
    expect(keys.masterCertificatePem).toBe(secrets.clientKeys["db-host"].masterCertificatePem);
    expect(placeholderBucketName(settings)).toBe("bareos-s3-backup-dev-xxxxxxxx");
  });
});

// The schemas live outside the repository (../shared/bareos-schema or $BAREOS_SCHEMA_DIR).
const haveSchemas = schemasAvailable();
(haveSchemas ? describe : describe.skip)("Bareos' own configuration schema", () => {
  const variants: [string, Record<string, unknown>][] = [
    ["defaults", {}],
    ["rich", rich],
    ["minio", { s3: { provider: "minio", bucketName: "backups" } }],
  ];
  const cases = (["22", "24", "25"] as BareosMajor[]).flatMap((v) =>
    variants.map(([label, values]) => [v, label, values] as const),
  );

  it.each(cases)("accepts every rendered file of Bareos %s (%s)", (version, label, values) => {
    if (version === "22" && label === "minio") return; // droplet cannot do path-style: settings refuse it
    const extra = version === "22" ? { s3: { ...((values.s3 as object) ?? {}), backend: "droplet" } } : {};
    const { out } = render({ ...values, ...extra, bareosVersion: version });
    const schemas = loadSchemas(defaultSchemaDir(), version);
    const text = (t: FileTree) => Object.fromEntries(Object.entries(t).map(([p, f]) => [p, f.content]));
    const checks: [FileTree, Daemon][] = [
      [out.director, "bareos-dir"],
      [out.director, "bconsole"],
      [out.storage, "bareos-sd"],
      ...Object.values(out.clients).map((t): [FileTree, Daemon] => [t, "bareos-fd"]),
    ];
    const problems = checks.flatMap(([tree, daemon]) =>
      validateFileTree(text(tree), daemon, schemas, version),
    );
    // DbDriver on 22 is deliberate (the 22 catalog scripts read it); nothing else may even warn.
    const unexpected = problems.filter(
      (p) => !(version === "22" && /"DB Driver" is deprecated/.test(p.message)),
    );
    expect(unexpected.map(formatProblem)).toEqual([]);
  });
});

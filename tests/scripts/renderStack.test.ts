import * as crypto from "node:crypto";
import { THROWAWAY_NOTICE } from "../../scripts/pki";
// The render/validate commands: the pure stack file -> files mapping, writing to disk, and the CLIs.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { placeholderSecrets, renderAll } from "../../configs/render";
import { PROJECT, SettingsError, parseSettings, rawFromPulumiConfig } from "../../configs/settings";
import { defaultSchemaDir, loadSchemas, schemasAvailable } from "../../configs/schema/load";
import { MANIFEST, writeRender } from "../../scripts/render";
import {
  StackFileError,
  StackRender,
  UNMANAGED_DIR,
  outputPath,
  renderStack,
  validateStack,
} from "../../scripts/renderStack";
import { keyValues, resource, value } from "../configs/fixtures";

const ROOT = path.resolve(__dirname, "../..");
const PROJECT_YAML = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
const stackYaml = (stack: string) => fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
const renderRepoStack = (stack: string) => renderStack(PROJECT_YAML, stackYaml(stack), stack, ROOT);

/** A stack file with these project values (keys without the prefix) plus `other` fully qualified keys. */
function stackFile(values: Record<string, unknown>, other: Record<string, unknown> = {}): string {
  const config: Record<string, unknown> = { ...other };
  for (const [k, v] of Object.entries(values)) config[`${PROJECT}:${k}`] = v;
  return stringify({ config });
}

/** What the program does with the same stack: the CLI's string view through loadSettings' reader. */
function programProblems(values: Record<string, unknown>, secret: string[] = []): readonly string[] {
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    strings[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  try {
    parseSettings(
      rawFromPulumiConfig(strings, (k) => secret.includes(k.slice(PROJECT.length + 1))),
      { stack: "dev", projectDir: ROOT },
    );
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
  return [];
}

function settingsError(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SettingsError) return e;
    throw e;
  }
  throw new Error("no SettingsError");
}

const topDirs = (r: StackRender) => [...new Set(Object.keys(r.files).map((p) => p.split("/")[0]))].sort();

describe("renderStack: the dev stack", () => {
  const r = renderRepoStack("dev");

  it("places each tree under its container's directory", () => {
    expect(topDirs(r)).toEqual(["bareos-catalog-fd", "bareos-dir", "bareos-fd", "bareos-sd", "bareos-webui"]);
    expect(Object.keys(r.files)).toEqual(
      expect.arrayContaining([
        "bareos-dir/etc/bareos/bareos-dir.d/pool/S3-Full.conf",
        "bareos-dir/etc/bareos/bareos-dir.d/director/bareos-dir.conf",
        "bareos-dir/etc/bareos/bconsole.conf",
        "bareos-dir/etc/bareos/catalog-admin.pgpass",
        "bareos-sd/etc/bareos/bareos-sd.d/device/S3Storage.conf",
        "bareos-sd/etc/bareos/s3/rclone.conf",
        "bareos-fd/etc/bareos/bareos-fd.d/client/bareos-fd.conf",
        "bareos-webui/etc/bareos-webui/directors.ini",
        "bareos-webui/etc/bareos-webui/configuration.ini",
      ]),
    );
  });

  it("holds exactly the rendered trees, file for file", () => {
    const { settings } = r;
    const expected = renderAll(settings, placeholderSecrets(settings), {
      bucketName: "bareos-s3-backup-dev-xxxxxxxx",
    });
    const sources: [string, Record<string, unknown>][] = [
      [settings.names.director, expected.director],
      [settings.names.storage, expected.storage],
      [settings.names.webui, expected.webui],
      ["bareos-fd", expected.clients["bareos-fd"]],
      ["bareos-catalog-fd", expected.clients["bareos-catalog-fd"]],
    ];
    const want: Record<string, unknown> = {};
    for (const [dir, tree] of sources) for (const [p, f] of Object.entries(tree)) want[`${dir}${p}`] = f;
    expect(r.files).toEqual(want);
  });

  it("keeps the rendered modes: credentials 0600, the rest 0640", () => {
    const credentials = Object.entries(r.files)
      .filter(([, f]) => f.mode === 0o600)
      .map(([p]) => p);
    expect(credentials.sort()).toEqual([
      "bareos-dir/etc/bareos/catalog-admin.pgpass",
      "bareos-sd/etc/bareos/s3/curl.conf",
      "bareos-sd/etc/bareos/s3/rclone.conf",
    ]);
    for (const f of Object.values(r.files)) expect([0o600, 0o640]).toContain(f.mode);
  });

  it("uses one marked placeholder per credential, equal on both sides of each pair", () => {
    const dirTree = r.rendered.director;
    const D = "/etc/bareos/bareos-dir.d";
    const dirPassword = value(resource(dirTree, `${D}/director/bareos-dir.conf`), "Password");
    expect(dirPassword).toBe("PLACEHOLDER-director-password");
    expect(value(resource(dirTree, "/etc/bareos/bconsole.conf"), "Password")).toBe(dirPassword);
    expect(
      value(resource(r.rendered.storage, "/etc/bareos/bareos-sd.d/director/bareos-dir.conf"), "Password"),
    ).toBe(value(resource(dirTree, `${D}/storage/S3Storage.conf`), "Password"));
    expect(
      value(
        resource(r.rendered.clients["bareos-fd"], "/etc/bareos/bareos-fd.d/director/bareos-dir.conf"),
        "Password",
      ),
    ).toBe(value(resource(dirTree, `${D}/client/bareos-fd.conf`), "Password"));
    const s3 = keyValues(r.files["bareos-sd/etc/bareos/s3/rclone.conf"].content);
    expect(s3.access_key_id).toMatch(/^PLACEHOLDER-/);
    expect(s3.secret_access_key).toMatch(/^PLACEHOLDER-/);
    expect(r.files["bareos-sd/etc/bareos/s3/curl.conf"].content).toMatch(
      /^user = "PLACEHOLDER-[^:"]+:PLACEHOLDER-[^"]+"$/m,
    );
    // The dev bucket is derived at deploy time: a marked stand-in shaped like the real name.
    expect(r.files["bareos-sd/etc/bareos/bareos-sd.d/device/S3Storage.conf"].content).toContain(
      "base_url=https://bareos-s3-backup-dev-xxxxxxxx.s3.eu-west-1.amazonaws.com,",
    );
  });

  it("reads the stack exactly as the program does", () => {
    expect(r.settings.stack).toBe("dev");
    expect(r.settings.bareosVersion).toBe("25");
    expect(r.settings.s3.forceDestroy).toBe(true);
    expect(r.settings.smtp.to).toEqual(["backup-admins@example.com"]);
    // Relative mount paths resolve against the project directory.
    expect(r.settings.clients[0].mounts).toEqual([
      { hostPath: path.join(ROOT, "data"), containerPath: "/data" },
    ]);
  });
});

describe("renderStack: the prod stack", () => {
  const r = renderRepoStack("prod");

  it("puts the unmanaged client's files under _unmanaged/<client>, never beside the containers", () => {
    expect(topDirs(r)).toEqual([
      UNMANAGED_DIR,
      "bareos-catalog-fd",
      "bareos-dir",
      "bareos-fd",
      "bareos-sd",
      "bareos-webui",
    ]);
    const unmanaged = Object.keys(r.files).filter((p) => p.startsWith(`${UNMANAGED_DIR}/`));
    expect(unmanaged.sort()).toEqual([
      "_unmanaged/fileserver-fd/etc/bareos/bareos-fd.d/client/fileserver-fd.conf",
      "_unmanaged/fileserver-fd/etc/bareos/bareos-fd.d/director/bareos-dir.conf",
      "_unmanaged/fileserver-fd/etc/bareos/bareos-fd.d/messages/Standard.conf",
      "_unmanaged/fileserver-fd/etc/bareos/pki/fileserver-fd.pem",
      "_unmanaged/fileserver-fd/etc/bareos/pki/master.cert",
    ]);
    const group = r.groups.find((g) => g.dir === `${UNMANAGED_DIR}/fileserver-fd`);
    expect(group?.target).toContain("fileserver.internal.example.com");
  });

  it("writes the encryption keys 0600, and the configured bucket", () => {
    const credentials = Object.entries(r.files)
      .filter(([, f]) => f.mode === 0o600)
      .map(([p]) => p);
    expect(credentials.sort()).toEqual([
      "_unmanaged/fileserver-fd/etc/bareos/pki/fileserver-fd.pem",
      "_unmanaged/fileserver-fd/etc/bareos/pki/master.cert",
      "bareos-dir/etc/bareos/catalog-admin.pgpass",
      "bareos-fd/etc/bareos/pki/bareos-fd.pem",
      "bareos-fd/etc/bareos/pki/master.cert",
      "bareos-sd/etc/bareos/s3/curl.conf",
      "bareos-sd/etc/bareos/s3/rclone.conf",
    ]);
    // Real throw-away keys, so `bareos-fd -t` accepts the preview; marked as such, one master for all.
    const keypair = r.files["bareos-fd/etc/bareos/pki/bareos-fd.pem"].content;
    expect(keypair.startsWith(THROWAWAY_NOTICE)).toBe(true);
    const key = crypto.createPrivateKey(keypair.slice(THROWAWAY_NOTICE.length));
    expect(key.asymmetricKeyType).toBe("rsa");
    const cert = new crypto.X509Certificate(keypair.slice(keypair.indexOf("-----BEGIN CERTIFICATE-----")));
    expect(cert.subject).toMatch(/CN=bareos-fd/);
    expect(cert.checkPrivateKey(key)).toBe(true);
    // Bareos refuses certificates without a subjectKeyIdentifier (OID 2.5.29.14).
    const SKI = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0e]);
    expect(cert.raw.includes(SKI)).toBe(true);
    const master = r.files["bareos-fd/etc/bareos/pki/master.cert"].content;
    expect(new crypto.X509Certificate(master.slice(THROWAWAY_NOTICE.length)).subject).toMatch(
      /THROW-AWAY master/,
    );
    expect(r.files["_unmanaged/fileserver-fd/etc/bareos/pki/master.cert"].content).toBe(master);
    expect(r.files["bareos-sd/etc/bareos/bareos-sd.d/device/S3Storage.conf"].content).toContain(
      "base_url=https://example-corp-bareos-prod.s3.eu-central-1.amazonaws.com,",
    );
  });

  it("gives both clients the director's view of their password", () => {
    for (const [dir, name] of [
      ["bareos-fd", "bareos-fd"],
      [`${UNMANAGED_DIR}/fileserver-fd`, "fileserver-fd"],
    ]) {
      const fd = r.files[`${dir}/etc/bareos/bareos-fd.d/director/bareos-dir.conf`].content;
      expect(fd).toContain(`Password = "PLACEHOLDER-client-${name}-password"`);
      expect(r.files[`bareos-dir/etc/bareos/bareos-dir.d/client/${name}.conf`].content).toContain(
        `Password = "PLACEHOLDER-client-${name}-password"`,
      );
    }
  });
});

describe("renderStack: stack files the program refuses", () => {
  const bad = {
    s3: { provider: "aws", transitions: [{ days: 30, storageClass: "GLACIER" }], bucketname: "typo" },
    clients: [{ name: "Bad_Name", managed: true }],
    jobs: [{ name: "j", client: "nobody", fileSet: "TestData" }],
    protect: "maybe",
  };

  it("reports the same problems, in the same words, as the program", () => {
    const e = settingsError(() => renderStack(PROJECT_YAML, stackFile(bad), "dev", ROOT));
    expect(e.problems).toEqual(programProblems(bad));
    expect(e.problems.length).toBeGreaterThan(1);
    expect(e.message).toContain("bareos-s3-backup:s3.bucketname");
  });

  it("reads values the way the runtime hands them over (`pulumi config set protect true` stores a string)", () => {
    const r = renderStack(PROJECT_YAML, stackFile({ protect: "true", bareosVersion: 24 }), "dev", ROOT);
    expect(r.settings.protect).toBe(true);
    expect(r.settings.bareosVersion).toBe("24");
    expect(programProblems({ protect: "true" })).toEqual([]);
  });

  it("refuses a credential written in clear, without echoing it", () => {
    const e = settingsError(() =>
      renderStack(PROJECT_YAML, stackFile({ smtp: { username: "u" }, smtpPassword: "hunter2" }), "dev", ROOT),
    );
    expect(e.problems).toEqual([
      "bareos-s3-backup:smtpPassword: must be set as a secret: pulumi config set --secret smtpPassword <value>",
    ]);
    expect(e.message).not.toContain("hunter2");
    expect(e.problems).toEqual(programProblems({ smtp: { username: "u" }, smtpPassword: "hunter2" }));
  });

  it("accepts `secure:` values as clearly marked placeholders", () => {
    const r = renderStack(
      PROJECT_YAML,
      stackFile({
        s3: { provider: "existing", bucketName: "team-backups" },
        s3AccessKeyId: { secure: "v1:AAAA" },
        s3SecretAccessKey: { secure: "v1:BBBB" },
        smtp: { smarthost: "smtp.example.com", username: "mailer" },
        smtpPassword: { secure: "v1:CCCC" },
      }),
      "dev",
      ROOT,
    );
    expect(r.settings.secrets).toEqual({
      smtpPassword: "PLACEHOLDER-config-smtpPassword",
      s3AccessKeyId: "PLACEHOLDER-config-s3AccessKeyId",
      s3SecretAccessKey: "PLACEHOLDER-config-s3SecretAccessKey",
    });
    for (const f of Object.values(r.files)) expect(f.content).not.toMatch(/v1:(AAAA|BBBB|CCCC)/);
  });
});

describe("renderStack: project and stack files", () => {
  it("applies Pulumi.yaml's project config, overridden by the stack file", () => {
    const project = stringify({
      name: PROJECT,
      runtime: "nodejs",
      config: { bareosVersion: { default: "24" }, protect: true, "aws:region": { value: "eu-west-1" } },
    });
    const r = renderStack(project, stackFile({ protect: false }), "dev", ROOT);
    expect(r.settings.bareosVersion).toBe("24");
    expect(r.settings.protect).toBe(false);
  });

  it("treats an empty stack file as the defaults", () => {
    const r = renderStack(PROJECT_YAML, "", "empty", ROOT);
    expect(r.settings.clients.map((c) => c.name)).toEqual(["bareos-fd", "bareos-catalog-fd"]);
    expect(Object.keys(r.files)).toContain("bareos-dir/etc/bareos/bareos-dir.d/pool/S3-Full.conf");
  });

  it("refuses what Pulumi would refuse or silently ignore", () => {
    expect(() => renderStack(PROJECT_YAML, stringify({ config: { "a:b:c": true } }), "dev", ROOT)).toThrow(
      StackFileError,
    );
    // The CLI passes keys of other namespaces on without a word: the settings name them.
    expect(() =>
      renderStack(PROJECT_YAML, stringify({ config: { "bareos:pools": [] } }), "dev", ROOT),
    ).toThrow(/"bareos:pools": namespace "bareos" is neither this project nor a provider/);
    // Unnamespaced keys are the project's, as the CLI reads them.
    expect(
      renderStack(PROJECT_YAML, stringify({ config: { protect: true } }), "dev", ROOT).settings.protect,
    ).toBe(true);
    expect(() => renderStack(PROJECT_YAML, "config: [1, 2", "dev", ROOT)).toThrow(/Pulumi\.dev\.yaml/);
    expect(() => renderStack("name: other-project\nruntime: nodejs\n", "", "dev", ROOT)).toThrow(
      /other-project/,
    );
    expect(() => renderStack("runtime: nodejs\n", "", "dev", ROOT)).toThrow(/no project name/);
  });

  it("never maps a container path outside its directory", () => {
    expect(outputPath("bareos-dir", "/etc/bareos/bconsole.conf")).toBe("bareos-dir/etc/bareos/bconsole.conf");
    expect(() => outputPath("bareos-dir", "/etc/../../x")).toThrow(/refusing/);
    expect(() => outputPath("bareos-dir", "etc/bareos")).toThrow(/refusing/);
  });
});

describe("writeRender", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "render-test-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const mode = (p: string) => fs.statSync(path.join(tmp, p)).mode & 0o777;

  it("writes every file with its mode, whatever the umask", () => {
    const r = renderRepoStack("prod");
    const old = process.umask(0o077);
    try {
      expect(writeRender(r, tmp, false)).toEqual([]);
    } finally {
      process.umask(old);
    }
    for (const [p, f] of Object.entries(r.files)) {
      expect(fs.readFileSync(path.join(tmp, p), "utf8")).toBe(f.content);
      expect(mode(p)).toBe(f.mode);
    }
    expect(mode("bareos-sd/etc/bareos/s3/rclone.conf")).toBe(0o600);
    expect(mode("bareos-dir/etc/bareos/bconsole.conf")).toBe(0o640);
  });

  it("refuses a non-empty directory; --force replaces only what the previous render wrote", () => {
    writeRender(renderRepoStack("prod"), tmp, false);
    fs.writeFileSync(path.join(tmp, "notes.txt"), "mine");
    expect(() => writeRender(renderRepoStack("dev"), tmp, false)).toThrow(/not empty/);
    const left = writeRender(renderRepoStack("dev"), tmp, true);
    expect(left).toEqual(["notes.txt"]);
    expect(fs.readFileSync(path.join(tmp, "notes.txt"), "utf8")).toBe("mine");
    // prod's unmanaged client and its keys are gone with their directories.
    expect(fs.existsSync(path.join(tmp, UNMANAGED_DIR))).toBe(false);
    expect(fs.existsSync(path.join(tmp, "bareos-fd/etc/bareos/pki"))).toBe(false);
    const manifest = fs.readFileSync(path.join(tmp, MANIFEST), "utf8").trim().split("\n");
    expect(manifest.sort()).toEqual(Object.keys(renderRepoStack("dev").files).sort());
  });

  it("ignores manifest entries that point outside the output directory", () => {
    const outside = path.join(tmp, "outside.txt");
    fs.writeFileSync(outside, "keep");
    const out = path.join(tmp, "out");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, MANIFEST), "../outside.txt\n/etc/passwd\n");
    writeRender(renderRepoStack("dev"), out, true);
    expect(fs.readFileSync(outside, "utf8")).toBe("keep");
  });
});

// The schemas live outside the repository (../shared/bareos-schema or $BAREOS_SCHEMA_DIR).
const haveSchemas = schemasAvailable(defaultSchemaDir(), "25");
if (!haveSchemas) {
  // Under CI a missing input is a failure, never a skip.
  if (process.env.CI) throw new Error("Bareos config schemas are missing (set BAREOS_SCHEMA_DIR)");
  console.warn(`no Bareos 25 schema in ${defaultSchemaDir()}: skipping schema checks of scripts/`);
}

(haveSchemas ? it : it.skip)("validateStack names problems by output path", () => {
  const r = renderRepoStack("prod");
  const client = `/etc/bareos/bareos-fd.d/client/fileserver-fd.conf`;
  const broken: StackRender = {
    ...r,
    groups: r.groups.map((g) =>
      g.dir === `${UNMANAGED_DIR}/fileserver-fd`
        ? {
            ...g,
            tree: {
              ...g.tree,
              [client]: { ...g.tree[client], content: "Client {\n  Name = x\n  Bogus = 1\n}\n" },
            },
          }
        : g,
    ),
  };
  const problems = validateStack(broken, loadSchemas(defaultSchemaDir(), "25"));
  expect(problems.length).toBeGreaterThan(0);
  expect(problems.every((p) => p.file === `${UNMANAGED_DIR}/fileserver-fd${client}`)).toBe(true);
  expect(validateStack(r, loadSchemas(defaultSchemaDir(), "25"))).toEqual([]);
});

describe("the commands", () => {
  const TS_NODE = require.resolve("ts-node/dist/bin.js");
  const run = (script: string, args: string[]) =>
    spawnSync(process.execPath, [TS_NODE, "--transpile-only", path.join(ROOT, "scripts", script), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60000,
    });
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "render-cli-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("npm run render -- --stack dev writes the container trees", () => {
    const out = path.join(tmp, "dev");
    const res = run("render.ts", ["--stack", "dev", "--out", out]);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    for (const f of [
      "bareos-dir/etc/bareos/bareos-dir.d/pool/S3-Full.conf",
      "bareos-dir/etc/bareos/bconsole.conf",
      "bareos-sd/etc/bareos/bareos-sd.d/device/S3Storage.conf",
      "bareos-fd/etc/bareos/bareos-fd.d/client/bareos-fd.conf",
      "bareos-webui/etc/bareos-webui/directors.ini",
    ]) {
      expect(fs.existsSync(path.join(out, f))).toBe(true);
    }
    expect(fs.statSync(path.join(out, "bareos-sd/etc/bareos/s3/rclone.conf")).mode & 0o777).toBe(0o600);
    expect(res.stdout).toMatch(/bareos-dir\/\s+\d+ files\s+container bareos-dir/);
    // A second run into the same directory needs --force.
    const again = run("render.ts", ["--stack", "dev", "--out", out]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("--force");
  });

  it("render reports an unknown stack and missing arguments with exit 1", () => {
    const unknown = run("render.ts", ["--stack", "no-such-stack", "--out", path.join(tmp, "x")]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("Pulumi.no-such-stack.yaml does not exist");
    expect(run("render.ts", ["--stack", "dev"]).status).toBe(1);
  });

  (haveSchemas ? it : it.skip)("npm run validate -- --stack dev exits 0", () => {
    const res = run("validate.ts", ["--stack", "dev"]);
    expect(res.stdout).toContain("stack dev: Bareos 25");
    expect(res.status).toBe(0);
  });

  it("validate exits 2 when the schema directory is missing", () => {
    const res = run("validate.ts", ["--stack", "dev", "--schema-dir", path.join(tmp, "none")]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("does not exist");
  });
});

import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  findDockerfiles,
  findShellScripts,
  formatFinding,
  hasShellcheck,
  lintDockerfile,
  lintShellScripts,
  parseImageRef,
  REPO_ROOT,
  RuleId,
  substitute,
} from "../../scripts/lint-images";
import { contextHash } from "../../components/images";
import { BAREOS_REPOSITORY, POSTGRES_IMAGES } from "../../configs/settings";

const IMAGES = ["director", "storage", "filedaemon", "webui", "webui-nginx"];
const imagesDir = path.join(REPO_ROOT, "images");
const read = (...parts: string[]) => fs.readFileSync(path.join(imagesDir, ...parts), "utf8");

describe("image Dockerfiles", () => {
  it("exist for every image", () => {
    expect(
      findDockerfiles()
        .map((f) => path.basename(path.dirname(f)))
        .sort(),
    ).toEqual([...IMAGES].sort());
  });

  it.each(IMAGES)("%s passes the Dockerfile lint", (image) => {
    const file = path.join(imagesDir, image, "Dockerfile");
    const findings = lintDockerfile(fs.readFileSync(file, "utf8"), file, imagesDir).map((f) =>
      formatFinding(f),
    );
    expect(findings).toEqual([]);
  });

  it.each(IMAGES)("%s pins Bareos to the BAREOS_VERSION major", (image) => {
    const text = read(image, "Dockerfile");
    expect(text).toMatch(/^ARG BAREOS_VERSION=\d+$/m);
    expect(text).toMatch(/=\$\{BAREOS_VERSION\}\.\*/);
  });

  it.each(["director", "storage", "filedaemon", "webui"])("%s runs its entrypoint", (image) => {
    expect(read(image, "Dockerfile")).toContain('ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]');
    expect(fs.existsSync(path.join(imagesDir, image, "entrypoint.sh"))).toBe(true);
  });

  it.each(["director", "storage", "filedaemon"])("%s deletes the packaged configuration", (image) => {
    expect(read(image, "Dockerfile")).toContain("find /etc/bareos -mindepth 1 -delete");
  });

  // `docker build` by hand uses the ARG defaults, the stack its settings: they must name the same thing.
  it.each(IMAGES)("%s defaults to the repository and key the settings default to", (image) => {
    const dockerfile = read(image, "Dockerfile");
    expect(dockerfile).toContain(`ARG BAREOS_REPO_URL=${BAREOS_REPOSITORY.url}\n`);
    expect(dockerfile).toContain(`ARG BAREOS_KEY_FINGERPRINT=${BAREOS_REPOSITORY.keyFingerprint}\n`);
  });

  it("director defaults to the pg_dump major of the default catalog image", () => {
    expect(read("director", "Dockerfile")).toContain("ARG POSTGRES_MAJOR=16\n");
    expect(POSTGRES_IMAGES[16]).toMatch(/^postgres:16\./);
  });

  it.each(IMAGES)("%s is documented in images/README.md", (image) => {
    expect(read("README.md")).toContain(`images/${image}`);
  });
});

describe("build context hash", () => {
  it("changes for an image when its folder or images/common changes, not for another image's", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "context-"));
    for (const dir of ["a", "b", "common"]) {
      fs.mkdirSync(path.join(root, dir));
      fs.writeFileSync(path.join(root, dir, "file"), dir);
    }
    const hashes = () => ["a", "b"].map((dir) => contextHash(root, [dir, "common"]));
    const [a, b] = hashes();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    fs.writeFileSync(path.join(root, "a", "file"), "changed");
    const [a2, b2] = hashes();
    expect(a2).not.toBe(a);
    expect(b2).toBe(b);
    fs.writeFileSync(path.join(root, "common", "new"), "");
    const [a3, b3] = hashes();
    expect(a3).not.toBe(a2);
    expect(b3).not.toBe(b2);
  });
});

/** Lints an inline Dockerfile and returns the rules it broke, with their lines. */
function broken(lines: string[]): Array<[RuleId, number]> {
  return lintDockerfile(lines.join("\n") + "\n", "inline/Dockerfile").map((f) => [f.rule, f.line]);
}

const LABELS = [
  'LABEL org.opencontainers.image.title="t" org.opencontainers.image.description="d" \\',
  '      org.opencontainers.image.version="1" org.opencontainers.image.licenses="MIT"',
];

describe("Dockerfile rules", () => {
  it("accept a good Dockerfile", () => {
    expect(
      broken([
        "ARG BAREOS_VERSION=25",
        "FROM debian:12.12-slim AS build",
        "ARG BAREOS_VERSION",
        'RUN apt-get update && apt-get install -y --no-install-recommends "bareos-tools=${BAREOS_VERSION}.*" \\',
        "    && rm -rf /var/lib/apt/lists/*",
        "FROM build",
        ...LABELS,
        'ENTRYPOINT ["/entrypoint.sh"]',
      ]),
    ).toEqual([]);
  });

  it("report parse errors", () => {
    expect(broken(["FROM debian:12.12-slim", ...LABELS, "COPY onlyone", "FOO bar"])).toEqual([
      ["parse", 4],
      ["parse", 5],
    ]);
  });

  it.each([
    ["no tag", "FROM debian"],
    ["latest", "FROM debian:latest"],
    ["a moving tag", "FROM debian:bookworm-slim"],
    ["a major-only tag", "FROM nginx:1-bookworm"],
  ])("reject a base image with %s", (_what, from) => {
    expect(broken([from, ...LABELS])).toEqual([["base-pinned", 1]]);
  });

  it("resolve base image build args and accept digests", () => {
    expect(broken(["ARG TAG=12.12-slim", "FROM debian:${TAG}", ...LABELS])).toEqual([]);
    expect(broken(["ARG TAG=latest", "FROM debian:${TAG}", ...LABELS])).toEqual([["base-pinned", 2]]);
    expect(broken(["ARG TAG", "FROM debian:${TAG}", ...LABELS])).toEqual([["base-pinned", 2]]);
    expect(broken([`FROM debian@sha256:${"a".repeat(64)}`, ...LABELS])).toEqual([]);
  });

  it("require --no-install-recommends", () => {
    expect(
      broken([
        "FROM debian:12.12-slim",
        ...LABELS,
        "RUN apt-get update; apt-get install -y curl; rm -rf /var/lib/apt/lists/*",
      ]),
    ).toEqual([["apt-no-recommends", 4]]);
  });

  it("require the apt lists to be removed", () => {
    expect(
      broken([
        "FROM debian:12.12-slim",
        ...LABELS,
        "RUN apt-get update && apt-get install -y --no-install-recommends curl",
      ]),
    ).toEqual([["apt-lists-clean", 4]]);
  });

  it("require ARG BAREOS_VERSION in a stage that installs Bareos packages", () => {
    const run = [
      'RUN apt-get update && apt-get install -y --no-install-recommends "bareos-filedaemon=${BAREOS_VERSION}.*" \\',
      "    && rm -rf /var/lib/apt/lists/*",
    ];
    expect(broken(["FROM debian:12.12-slim", ...LABELS, ...run])).toEqual([["bareos-version-arg", 1]]);
    // A global ARG is not visible in a stage that does not re-declare it.
    expect(broken(["ARG BAREOS_VERSION=25", "FROM debian:12.12-slim", ...LABELS, ...run])).toEqual([
      ["bareos-version-arg", 2],
    ]);
    // Declared but without any default.
    expect(broken(["FROM debian:12.12-slim", "ARG BAREOS_VERSION", ...LABELS, ...run])).toEqual([
      ["bareos-version-arg", 1],
    ]);
  });

  it("require Bareos packages to be pinned to BAREOS_VERSION", () => {
    expect(
      broken([
        "FROM debian:12.12-slim",
        "ARG BAREOS_VERSION=25",
        ...LABELS,
        "RUN apt-get update && apt-get install -y --no-install-recommends bareos-storage s3cmd \\",
        "    && rm -rf /var/lib/apt/lists/*",
      ]),
    ).toEqual([["bareos-version-pin", 5]]);
  });

  it("require the OCI labels on the final image", () => {
    expect(broken(["FROM debian:12.12-slim", 'LABEL org.opencontainers.image.title="t"'])).toEqual([
      ["oci-labels", 1],
    ]);
  });

  it("require ENTRYPOINT and CMD in exec form", () => {
    expect(
      broken(["FROM debian:12.12-slim", ...LABELS, "ENTRYPOINT /entrypoint.sh", "CMD bareos-dir -f"]),
    ).toEqual([
      ["exec-form", 4],
      ["exec-form", 5],
    ]);
  });

  it("require COPY sources to be in the build context (images/)", () => {
    const lines = [
      "FROM debian:12.12-slim AS build",
      "FROM debian:12.12-slim",
      ...LABELS,
      "COPY common/entrypoint-lib.sh director/entrypoint.sh /usr/local/bin/",
      "COPY entrypoint.sh /usr/local/bin/entrypoint.sh",
      "COPY --from=build /out/ /",
    ];
    const findings = lintDockerfile(lines.join("\n") + "\n", "inline/Dockerfile", imagesDir);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([["copy-source", 6]]);
    // Without a context (inline Dockerfiles) there is nothing to check against.
    expect(broken(lines)).toEqual([]);
  });

  it("substitute and split image references", () => {
    const vars = new Map<string, string | null>([["A", "1.2"]]);
    expect(substitute("x:${A}-$A-${B:-z}", vars)).toBe("x:1.2-1.2-z");
    expect(substitute("x:${B}", vars)).toBeNull();
    expect(parseImageRef("registry:5000/ns/img:1.2@sha256:ab")).toEqual({
      name: "registry:5000/ns/img",
      tag: "1.2",
      digest: "sha256:ab",
    });
    expect(parseImageRef("registry:5000/img")).toEqual({ name: "registry:5000/img", digest: undefined });
  });
});

describe("shell scripts", () => {
  const available = hasShellcheck();
  // CI installs shellcheck (.ci/run); a developer without it only skips this check.
  const run = available || process.env.CI ? it : it.skip;

  run("pass shellcheck", () => {
    expect(available).toBe(true);
    expect(lintShellScripts(findShellScripts()).map((f) => formatFinding(f))).toEqual([]);
  });

  run("shellcheck findings are reported with file and line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shellcheck-"));
    const file = path.join(dir, "bad.sh");
    fs.writeFileSync(file, "#!/bin/bash\necho $1\n");
    expect(lintShellScripts([file])).toEqual([
      expect.objectContaining({ file, line: 2, rule: "shellcheck" }),
    ]);
  });
});

/** A throw-away root with fake commands on PATH for running an entrypoint outside a container. */
class Sandbox {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "entrypoint-"));
  readonly bin = path.join(this.root, "bin");
  readonly state = path.join(this.root, "state");
  readonly user = os.userInfo().username;
  readonly group = execFileSync("id", ["-gn"], { encoding: "utf8" }).trim();

  constructor() {
    fs.mkdirSync(this.bin);
    fs.mkdirSync(this.state);
  }

  dir(name: string): string {
    const dir = path.join(this.root, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Writes an executable that logs its name and arguments, then runs `body`. */
  fake(name: string, body: string, dir = this.bin): void {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${this.state}/calls"\n${body}\n`);
    fs.chmodSync(file, 0o755);
  }

  calls(): string[] {
    const file = path.join(this.state, "calls");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n") : [];
  }

  run(entrypoint: string, env: Record<string, string>, args: string[] = []) {
    const result = spawnSync("bash", [path.join(imagesDir, entrypoint, "entrypoint.sh"), ...args], {
      encoding: "utf8",
      env: {
        PATH: `${this.bin}:${process.env.PATH}`,
        HOME: this.root,
        // In the image the lib sits in /usr/local/lib/bareos; here it is read from the repository.
        BAREOS_ENTRYPOINT_LIB: path.join(imagesDir, "common", "entrypoint-lib.sh"),
        ...env,
      },
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }
}

describe("director entrypoint", () => {
  const SCHEMA = "2250";
  let sb: Sandbox;
  let env: Record<string, string>;

  beforeEach(() => {
    sb = new Sandbox();
    const conf = sb.dir("etc/bareos");
    fs.mkdirSync(path.join(conf, "bareos-dir.d/catalog"), { recursive: true });
    fs.writeFileSync(
      path.join(conf, "bareos-dir.d/catalog/MyCatalog.conf"),
      "Catalog { Name = MyCatalog }\n",
    );
    fs.writeFileSync(path.join(conf, "catalog-admin.pgpass"), "db:5432:*:postgres:secret\n", { mode: 0o644 });
    const scripts = sb.dir("scripts");
    const s = sb.state;
    fs.writeFileSync(
      path.join(scripts, "bareos-config-lib.sh"),
      `get_database_name() { echo bareos; }\nget_database_version() { echo ${SCHEMA}; }\n`,
    );
    sb.fake("create_bareos_database", `touch ${s}/db`, scripts);
    sb.fake("make_bareos_tables", `touch ${s}/tables; echo ${SCHEMA} > ${s}/version`, scripts);
    sb.fake("update_bareos_tables", `echo ${SCHEMA} > ${s}/version`, scripts);
    sb.fake("grant_bareos_privileges", `echo "$PGUSER $PGPASSFILE $CATALOG" > ${s}/grant-env`, scripts);
    sb.fake("pg_isready", "exit 0");
    sb.fake("dpkg-query", `cat ${s}/package-version`);
    sb.fake(
      "psql",
      [
        'sql="$(cat)"',
        'case "$sql" in',
        `  *pg_database*) if [ -f ${s}/db ]; then echo 1; else echo 0; fi ;;`,
        `  *to_regclass*) if [ -f ${s}/tables ]; then echo t; else echo f; fi ;;`,
        `  *versionid*) cat ${s}/version ;;`,
        "esac",
      ].join("\n"),
    );
    sb.fake(
      "bareos-dir",
      [
        'case " $* " in',
        `  *" -t "*) if [ -f ${s}/config-bad ]; then echo "Config error: unknown directive"; exit 1; fi ;;`,
        `  *" --xc "*) if [ -f ${s}/config-bad ]; then echo "Config error: unknown directive"; exit 1; fi; echo "Catalog {" ;;`,
        "esac",
      ].join("\n"),
    );
    fs.writeFileSync(path.join(sb.state, "package-version"), "25.0.1-1\n");
    env = {
      BAREOS_CONFIG_DIR: conf,
      BAREOS_WORKING_DIR: path.join(sb.root, "var/lib/bareos"),
      BAREOS_LOG_DIR: path.join(sb.root, "var/log/bareos"),
      BAREOS_SCRIPTS_DIR: scripts,
      BAREOS_DAEMON_USER: sb.user,
      BAREOS_DAEMON_GROUP: sb.group,
      BAREOS_CONFIG_OWNER: sb.user,
      BAREOS_CATALOG_HOST: "bareos-db",
    };
  });

  const marker = () => path.join(env.BAREOS_WORKING_DIR, ".catalog-prepared-for");
  const scriptCalls = () => sb.calls().filter((c) => /_bareos_/.test(c));

  it("creates the catalog on the first start, then execs the daemon", () => {
    const { status, output } = sb.run("director", env, ["-d", "100"]);
    expect(status).toBe(0);
    expect(scriptCalls()).toEqual([
      "create_bareos_database postgresql",
      "make_bareos_tables postgresql",
      "grant_bareos_privileges postgresql",
    ]);
    expect(fs.readFileSync(path.join(sb.state, "grant-env"), "utf8").trim()).toBe(
      `postgres ${env.BAREOS_CONFIG_DIR}/catalog-admin.pgpass MyCatalog`,
    );
    expect(fs.readFileSync(marker(), "utf8").trim()).toBe("25.0.1-1");
    const calls = sb.calls();
    expect(calls).toContain(`bareos-dir -t -u ${sb.user} -g ${sb.group} -c ${env.BAREOS_CONFIG_DIR}`);
    expect(calls[calls.length - 1]).toBe(
      `bareos-dir -f -u ${sb.user} -g ${sb.group} -c ${env.BAREOS_CONFIG_DIR} -d 100`,
    );
    expect(fs.statSync(path.join(env.BAREOS_CONFIG_DIR, "catalog-admin.pgpass")).mode & 0o777).toBe(0o600);
    expect(output).toContain("configuration test passed");
  });

  it("leaves a prepared catalog alone on a restart", () => {
    expect(sb.run("director", env).status).toBe(0);
    fs.rmSync(path.join(sb.state, "calls"));
    expect(sb.run("director", env).status).toBe(0);
    expect(scriptCalls()).toEqual([]);
    expect(sb.calls().some((c) => c.startsWith("psql"))).toBe(false);
  });

  it("updates the schema when the package version changes", () => {
    expect(sb.run("director", env).status).toBe(0);
    fs.writeFileSync(path.join(sb.state, "version"), "2240\n");
    fs.writeFileSync(path.join(sb.state, "package-version"), "26.0.0-1\n");
    fs.rmSync(path.join(sb.state, "calls"));
    expect(sb.run("director", env).status).toBe(0);
    expect(scriptCalls()).toEqual([
      "update_bareos_tables -f postgresql",
      "grant_bareos_privileges postgresql",
    ]);
    expect(fs.readFileSync(marker(), "utf8").trim()).toBe("26.0.0-1");
  });

  it("only adds the tables when the database exists but is empty", () => {
    fs.writeFileSync(path.join(sb.state, "db"), "");
    expect(sb.run("director", env).status).toBe(0);
    expect(scriptCalls()).toEqual(["make_bareos_tables postgresql", "grant_bareos_privileges postgresql"]);
  });

  it("does not start when the configuration test fails", () => {
    expect(sb.run("director", env).status).toBe(0);
    fs.writeFileSync(path.join(sb.state, "config-bad"), "");
    fs.rmSync(path.join(sb.state, "calls"));
    const { status, output } = sb.run("director", env);
    expect(status).not.toBe(0);
    expect(output).toContain("Config error: unknown directive");
    expect(sb.calls().some((c) => c.startsWith("bareos-dir -f"))).toBe(false);
  });

  it("fails clearly without the admin password file", () => {
    fs.rmSync(path.join(env.BAREOS_CONFIG_DIR, "catalog-admin.pgpass"));
    const { status, output } = sb.run("director", env);
    expect(status).not.toBe(0);
    expect(output).toContain("catalog-admin.pgpass is missing");
  });

  it("fails clearly without BAREOS_CATALOG_HOST", () => {
    const { status, output } = sb.run("director", { ...env, BAREOS_CATALOG_HOST: "" });
    expect(status).not.toBe(0);
    expect(output).toContain("BAREOS_CATALOG_HOST is not set");
  });

  describe("with CONFIG_TEST_ONLY=1", () => {
    it("only parses while the catalog does not exist yet, and changes nothing", () => {
      const { status, output } = sb.run("director", { ...env, CONFIG_TEST_ONLY: "1" });
      expect(status).toBe(0);
      expect(output).toContain("catalog is missing-database");
      expect(scriptCalls()).toEqual([]);
      expect(sb.calls()).toContain(
        `bareos-dir -u ${sb.user} -g ${sb.group} -c ${env.BAREOS_CONFIG_DIR} --xc`,
      );
      expect(sb.calls().some((c) => c.startsWith("bareos-dir -f"))).toBe(false);
      expect(fs.existsSync(marker())).toBe(false);
    });

    it("runs the full test against a current catalog", () => {
      expect(sb.run("director", env).status).toBe(0);
      fs.rmSync(path.join(sb.state, "calls"));
      expect(sb.run("director", { ...env, CONFIG_TEST_ONLY: "1" }).status).toBe(0);
      expect(sb.calls()).toContain(`bareos-dir -t -u ${sb.user} -g ${sb.group} -c ${env.BAREOS_CONFIG_DIR}`);
      expect(sb.calls().some((c) => c.startsWith("bareos-dir -f"))).toBe(false);
    });

    it("exits non-zero on a bad configuration", () => {
      expect(sb.run("director", env).status).toBe(0);
      fs.writeFileSync(path.join(sb.state, "config-bad"), "");
      const { status, output } = sb.run("director", { ...env, CONFIG_TEST_ONLY: "1" });
      expect(status).not.toBe(0);
      expect(output).toContain("Config error: unknown directive");
    });
  });
});

describe.each([
  { image: "storage", daemon: "bareos-sd", dropsPrivileges: true },
  { image: "filedaemon", daemon: "bareos-fd", dropsPrivileges: false },
])("$image entrypoint", ({ image, daemon, dropsPrivileges }) => {
  let sb: Sandbox;
  let env: Record<string, string>;

  beforeEach(() => {
    sb = new Sandbox();
    sb.fake(
      daemon,
      `case " $* " in *" -t "*) if [ -f ${sb.state}/config-bad ]; then echo "Config error"; exit 1; fi; if [ -f ${sb.state}/config-hangs ]; then while :; do sleep 1; done; fi ;; esac`,
    );
    env = {
      BAREOS_CONFIG_DIR: sb.dir("etc/bareos"),
      BAREOS_WORKING_DIR: path.join(sb.root, "var/lib/bareos"),
      BAREOS_LOG_DIR: path.join(sb.root, "var/log/bareos"),
      BAREOS_DAEMON_USER: sb.user,
      BAREOS_DAEMON_GROUP: sb.group,
      BAREOS_CONFIG_OWNER: sb.user,
    };
  });

  const userFlags = () => (dropsPrivileges ? ` -u ${sb.user} -g ${sb.group}` : "");

  it("tests the configuration, then execs the daemon in the foreground", () => {
    expect(sb.run(image, env, ["-d", "50"]).status).toBe(0);
    expect(sb.calls()).toEqual([
      `${daemon} -t${userFlags()} -c ${env.BAREOS_CONFIG_DIR}`,
      `${daemon} -f${userFlags()} -c ${env.BAREOS_CONFIG_DIR} -d 50`,
    ]);
  });

  it("fails a configuration test that hangs instead of waiting for it", () => {
    // bareos-fd 25 -t spins forever after refusing a PKI certificate.
    fs.writeFileSync(path.join(sb.state, "config-hangs"), "");
    const started = Date.now();
    const { status, output } = sb.run(image, {
      ...env,
      CONFIG_TEST_ONLY: "1",
      BAREOS_CONFIG_TEST_TIMEOUT: "1",
    });
    expect(status).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(output).toContain(`configuration test failed: ${daemon} -t did not finish within 1s`);
  });

  it("stops on a failing configuration test", () => {
    fs.writeFileSync(path.join(sb.state, "config-bad"), "");
    const { status, output } = sb.run(image, env);
    expect(status).not.toBe(0);
    expect(output).toContain("Config error");
    expect(sb.calls()).toHaveLength(1);
  });

  it("with CONFIG_TEST_ONLY=1 only tests", () => {
    expect(sb.run(image, { ...env, CONFIG_TEST_ONLY: "1" }).status).toBe(0);
    expect(sb.calls()).toEqual([`${daemon} -t${userFlags()} -c ${env.BAREOS_CONFIG_DIR}`]);
    fs.writeFileSync(path.join(sb.state, "config-bad"), "");
    expect(sb.run(image, { ...env, CONFIG_TEST_ONLY: "1" }).status).not.toBe(0);
  });
});

describe("webui entrypoint", () => {
  let sb: Sandbox;
  let env: Record<string, string>;

  beforeEach(() => {
    sb = new Sandbox();
    sb.fake("php-fpm8.2", "");
    const conf = sb.dir("etc/bareos-webui");
    fs.writeFileSync(path.join(conf, "directors.ini"), "[bareos-dir]\nenabled = yes\n");
    env = {
      BAREOS_WEBUI_CONFDIR: conf,
      BAREOS_WEBUI_SESSION_DIR: path.join(sb.root, "sessions"),
      PHP_FPM_RUN_DIR: path.join(sb.root, "run/php"),
      PHP_FPM_POOL_USER: sb.user,
      PHP_FPM_POOL_GROUP: sb.group,
      BAREOS_CONFIG_OWNER: sb.user,
    };
  });

  it("tests php-fpm, prepares the session dir and execs php-fpm in the foreground", () => {
    expect(sb.run("webui", env).status).toBe(0);
    expect(sb.calls()).toEqual(["php-fpm8.2 -t", "php-fpm8.2 -F -O"]);
    expect(fs.statSync(env.BAREOS_WEBUI_SESSION_DIR).mode & 0o777).toBe(0o700);
  });

  it("refuses to start without directors.ini", () => {
    fs.rmSync(path.join(env.BAREOS_WEBUI_CONFDIR, "directors.ini"));
    const { status, output } = sb.run("webui", env);
    expect(status).not.toBe(0);
    expect(output).toContain("directors.ini is missing");
    expect(sb.calls()).toEqual([]);
  });
});

describe("webui configuration files", () => {
  it("php-fpm listens on TCP 9000 and passes BAREOS_WEBUI_CONFDIR despite clear_env", () => {
    const pool = read("webui", "php-fpm-pool.conf");
    expect(pool).toMatch(/^listen = 9000$/m);
    expect(pool).toMatch(/^clear_env = yes$/m);
    expect(pool).toMatch(/^env\[BAREOS_WEBUI_CONFDIR\] = \/etc\/bareos-webui$/m);
    expect(pool).toMatch(/^php_value\[session\.save_path\] = \/var\/lib\/bareos-webui\/sessions$/m);
    // The WebUI ini_set()s session options itself; a locked admin value made every page answer 500.
    expect(pool).not.toMatch(/^php_admin_(value|flag)\[session\./m);
    expect(pool).toMatch(/^php_admin_value\[error_reporting\] = .*~E_DEPRECATED/m);
  });

  it("nginx passes PHP to the configurable php-fpm with the WebUI's script path", () => {
    const conf = read("webui-nginx", "default.conf.template");
    expect(conf).toContain(
      "fastcgi_param SCRIPT_FILENAME /usr/share/bareos-webui/public$fastcgi_script_name;",
    );
    expect(conf).toMatch(/^\s*include mime\.types;$/m);
    expect(conf).toContain("set $php_fpm ${PHP_FPM_HOST}:${PHP_FPM_PORT};");
    expect(conf).toContain("listen ${NGINX_LISTEN_PORT};");
    const dockerfile = read("webui-nginx", "Dockerfile");
    expect(dockerfile).toContain("PHP_FPM_HOST=bareos-webui-php");
    expect(dockerfile).toContain("PHP_FPM_PORT=9000");
  });
});

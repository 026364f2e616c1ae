// The recovery scripts of the images, run outside a container with fake commands on PATH:
// images/director/dr-kit.sh (BackupCatalog's Run After Job), images/director/catalog-load.sh
// (`npm run recover`) and images/storage/dr-kit-upload.sh (the storage daemon's kit uploader).
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const IMAGES = path.resolve(__dirname, "../../images");

class Sandbox {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "recovery-"));
  readonly bin = this.dir("bin");
  readonly calls = path.join(this.root, "calls");

  dir(name: string): string {
    const d = path.join(this.root, name);
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  /** An executable on PATH that logs its arguments (and stdin's first line), then runs `body`. */
  fake(name: string, body = ""): void {
    const file = path.join(this.bin, name);
    fs.writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${this.calls}"\n${body}\n`);
    fs.chmodSync(file, 0o755);
  }

  called(): string[] {
    return fs.existsSync(this.calls) ? fs.readFileSync(this.calls, "utf8").trim().split("\n") : [];
  }

  env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return { PATH: `${this.bin}:${process.env.PATH}`, HOME: this.root, ...extra };
  }
}

describe("dr-kit.sh", () => {
  let sb: Sandbox;
  let env: NodeJS.ProcessEnv;
  let kit: string;
  let work: string;
  beforeEach(() => {
    sb = new Sandbox();
    kit = sb.dir("kit");
    work = sb.dir("work");
    const template = path.join(sb.dir("etc/dr-kit"), "README.md");
    fs.writeFileSync(template, "# Disaster-recovery kit\n");
    fs.writeFileSync(path.join(work, "BackupCatalog.bsr"), 'Volume="S3-Full-0001"\n');
    fs.writeFileSync(path.join(work, "nightly.bsr"), 'Volume="S3-Inc-0003"\n');
    sb.fake("bconsole", 'cat >/dev/null; echo "Connecting..."; echo "+----+"; echo "| S3-Full-0001 |"');
    sb.fake("bsmtp", "cat >/dev/null");
    env = sb.env({
      BAREOS_DR_KIT_DIR: kit,
      BAREOS_WORKING_DIR: work,
      BAREOS_DR_KIT_TEMPLATE: template,
      BAREOS_BSMTP: path.join(sb.bin, "bsmtp"),
    });
  });
  const run = (args: string[]) =>
    spawnSync("bash", [path.join(IMAGES, "director/dr-kit.sh"), ...args], { encoding: "utf8", env });
  const ARGS = ["42", "bareos-smtp:587", "(Bareos) <b@example.com>", "ops@example.com", "cto@example.com"];

  it("writes every bootstrap, the README with the volumes, then the stamp, and mails the catalog's bootstrap", () => {
    const r = run(ARGS);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(fs.readdirSync(path.join(kit, "bootstrap")).sort()).toEqual(["BackupCatalog.bsr", "nightly.bsr"]);
    const readme = fs.readFileSync(path.join(kit, "README.md"), "utf8");
    expect(readme).toMatch(/^# Disaster-recovery kit\n/);
    expect(readme).toMatch(
      /## Volumes at .* \(BackupCatalog job 42\)\n\n```\n\+----\+\n\| S3-Full-0001 \|\n```\n$/,
    );
    expect(fs.readFileSync(path.join(kit, "KIT-COMPLETE"), "utf8")).toMatch(/^written=\S+Z\njobid=42\n$/);
    expect(fs.readdirSync(kit).filter((f) => f.startsWith("."))).toEqual([]);
    expect(sb.called()).toContainEqual(
      "bsmtp -h bareos-smtp:587 -f (Bareos) <b@example.com> -s Bareos: bootstrap of BackupCatalog (job 42) ops@example.com cto@example.com",
    );
    expect(r.stdout).toContain("bootstrap mailed to ops@example.com cto@example.com");
  });

  it("keeps the job OK when the relay is down: the kit is written, the lost mail is a warning", () => {
    sb.fake("bsmtp", "exit 1");
    const r = run(ARGS);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "Warning: could not mail the bootstrap through bareos-smtp:587; it is in the kit",
    );
    expect(fs.existsSync(path.join(kit, "KIT-COMPLETE"))).toBe(true);
  });

  it("replaces the previous kit: a bootstrap gone from the director is gone from the kit", () => {
    expect(run(ARGS).status).toBe(0);
    fs.unlinkSync(path.join(work, "nightly.bsr"));
    expect(run(["43", ...ARGS.slice(1)]).status).toBe(0);
    expect(fs.readdirSync(path.join(kit, "bootstrap"))).toEqual(["BackupCatalog.bsr"]);
    expect(fs.readFileSync(path.join(kit, "KIT-COMPLETE"), "utf8")).toContain("jobid=43");
  });

  it("fails without the catalog's bootstrap, and on a job id that is not a number, leaving no stamp", () => {
    fs.unlinkSync(path.join(work, "BackupCatalog.bsr"));
    const missing = run(ARGS);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("BackupCatalog.bsr is missing: nothing to recover from");
    expect(run(["4;2", ...ARGS.slice(1)]).stderr).toContain("is not a number");
    expect(fs.existsSync(path.join(kit, "KIT-COMPLETE"))).toBe(false);
  });
});

describe("catalog-load.sh", () => {
  let sb: Sandbox;
  let env: NodeJS.ProcessEnv;
  let work: string;
  beforeEach(() => {
    sb = new Sandbox();
    work = sb.dir("work");
    const scripts = sb.dir("scripts");
    fs.writeFileSync(path.join(scripts, "bareos-config-lib.sh"), "get_database_name() { echo bareos; }\n");
    const conf = sb.dir("etc");
    fs.writeFileSync(path.join(conf, "catalog-admin.pgpass"), "bareos-db:5432:*:postgres:pw\n");
    fs.writeFileSync(path.join(work, ".catalog-prepared-for"), "25.1.0-1\n");
    sb.fake("psql", 'echo "env $PGHOST $PGUSER $PGPASSFILE" >> "$0.env"');
    env = sb.env({
      BAREOS_CONFIG_DIR: conf,
      BAREOS_WORKING_DIR: work,
      BAREOS_SCRIPTS_DIR: scripts,
      BAREOS_CATALOG_HOST: "bareos-db",
      BAREOS_CATALOG_ADMIN_USER: "postgres",
    });
  });
  const load = (input: string) =>
    spawnSync("bash", [path.join(IMAGES, "director/catalog-load.sh")], { encoding: "utf8", env, input });

  it("loads a catalog dump in one transaction as the administrator, then has the entrypoint prepare it again", () => {
    const r = load("--\n-- PostgreSQL database dump\n--\nCREATE TABLE public.job (\n);\n");
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(sb.called()).toEqual([
      expect.stringMatching(/^psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d bareos -f \S+$/),
    ]);
    expect(fs.readFileSync(path.join(sb.bin, "psql.env"), "utf8")).toContain(
      `env bareos-db postgres ${env.BAREOS_CONFIG_DIR}/catalog-admin.pgpass`,
    );
    expect(fs.existsSync(path.join(work, ".catalog-prepared-for"))).toBe(false);
  });

  it("refuses what is not a Bareos catalog dump, and touches nothing", () => {
    expect(load("DROP DATABASE bareos;\n").stderr).toContain("stdin is not a PostgreSQL dump");
    expect(load("-- PostgreSQL database dump\nCREATE TABLE public.other ();\n").stderr).toContain(
      "no Bareos catalog",
    );
    expect(sb.called()).toEqual([]);
    expect(fs.existsSync(path.join(work, ".catalog-prepared-for"))).toBe(true);
  });
});

describe("dr-kit-upload.sh", () => {
  it("copies a new kit once, the stamp last, and waits for the next one", async () => {
    const sb = new Sandbox();
    const kit = sb.dir("kit");
    const target = path.join(sb.root, "target");
    fs.writeFileSync(target, "bareos:bucket/dr\n");
    sb.fake("rclone");
    const child = spawn("bash", [path.join(IMAGES, "storage/dr-kit-upload.sh")], {
      env: sb.env({
        BAREOS_DR_KIT_DIR: kit,
        BAREOS_DR_KIT_TARGET_FILE: target,
        BAREOS_DR_KIT_RCLONE_CONFIG: "/rclone.conf",
        BAREOS_DR_KIT_INTERVAL: "1",
      }),
      stdio: "ignore",
    });
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      await wait(1500);
      expect(sb.called()).toEqual([]);
      fs.writeFileSync(path.join(kit, "KIT-COMPLETE"), "written=x\njobid=1\n");
      await wait(3500);
      expect(sb.called()).toEqual([
        "rclone --config /rclone.conf copy " +
          `${kit} bareos:bucket/dr --exclude /KIT-COMPLETE --exclude /.staging.*/** --exclude /bootstrap.old/** --quiet`,
        `rclone --config /rclone.conf copyto ${kit}/KIT-COMPLETE bareos:bucket/dr/KIT-COMPLETE --quiet`,
      ]);
      fs.writeFileSync(path.join(kit, "KIT-COMPLETE"), "written=y\njobid=2\n");
      await wait(3500);
      expect(sb.called()).toHaveLength(4);
    } finally {
      child.kill();
    }
  }, 20_000);
});

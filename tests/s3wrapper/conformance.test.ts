// Bareos' dplcompat wrapper protocol (bareos/bareos docs/manuals/source/DeveloperGuide/
// dplcompat-wrappers.rst) checked against a real S3 implementation (s3rver) on 127.0.0.1, with the Device
// Options and credential file the stack renders. Runs images/storage/rclone-wrapper.sh always (rclone
// installed), and Bareos' s3cmd-wrapper.sh too when BAREOS_S3CMD_WRAPPER names a copy and s3cmd is installed.
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CURL_WRAPPER, RCLONE_WRAPPER } from "../../configs/s3backend";
import { S3RVER_KEY, S3Server, startS3Server } from "./s3server";
import {
  CURL_WRAPPER_PATH,
  RCLONE_WRAPPER_PATH,
  S3CMD_WRAPPER_ENV,
  WrapperRun,
  deviceEnvironment,
  hasCommand,
  headObject,
  statAnswer,
  listKeys,
  runWrapper,
  startWrapper,
} from "./wrapper";

jest.setTimeout(120_000);

const HAVE_RCLONE = hasCommand("rclone");
if (!HAVE_RCLONE) {
  // CI installs rclone (.ci/run): a skip there would hide the suite.
  if (process.env.CI) throw new Error("rclone is not installed; .ci/run must install it for this suite");
  process.stderr.write(
    "tests/s3wrapper: rclone is not installed (apt-get install rclone): the wrapper conformance suite is SKIPPED\n",
  );
}
const s3cmdWrapper = process.env[S3CMD_WRAPPER_ENV];
const HAVE_S3CMD_WRAPPER = !!s3cmdWrapper && fs.existsSync(s3cmdWrapper) && hasCommand("s3cmd");

const BUCKET = "bareos-volumes";
// Small chunks keep the suite quick; 8 MiB is the least the default pools allow (50 GiB, 9999 chunks).
const CHUNK = 8 * 1024 * 1024;
/** Volume names with every character the protocol allows besides letters and digits. */
const ODD_VOLUMES = ["Full-0001", "with space", "a:b.c-d_e", "nested/dir/Vol-7", "S3 Full: 2025.01-x_y/z 9"];

interface Subject {
  readonly title: string;
  readonly program: string;
  /** The s3.program setting that renders this wrapper's Device Options. */
  readonly setting: string;
  readonly isProjectWrapper: boolean;
  /** An option `options` must declare: the one naming the bucket. */
  readonly bucketOption: string;
  /** Settings beneath each test's own: the protocol as the daemon speaks it, call by call. */
  readonly s3?: Record<string, unknown>;
}

const subjects: Subject[] = [
  {
    title: "rclone-wrapper.sh",
    program: RCLONE_WRAPPER_PATH,
    setting: RCLONE_WRAPPER,
    isProjectWrapper: true,
    bucketOption: "bucket",
  },
];
if (hasCommand("curl") && hasCommand("openssl")) {
  subjects.push({
    title: "curl-wrapper.sh",
    program: CURL_WRAPPER_PATH,
    setting: CURL_WRAPPER,
    isProjectWrapper: true,
    bucketOption: "base_url",
    // Write-behind (the default) answers uploads before they land: writeBehind.test.ts checks it.
    s3: { writeBehind: 0 },
  });
} else if (process.env.CI) {
  throw new Error("curl and openssl are needed for the curl-wrapper.sh conformance suite");
}
if (HAVE_S3CMD_WRAPPER) {
  subjects.push({
    title: "Bareos s3cmd-wrapper.sh",
    program: s3cmdWrapper as string,
    setting: "s3cmd-wrapper.sh",
    isProjectWrapper: false,
    bucketOption: "bucket",
  });
}

let tmp: string;
let server: S3Server;

beforeAll(async () => {
  if (!HAVE_RCLONE) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "s3wrapper-"));
  server = await startS3Server(path.join(tmp, "s3"), [BUCKET]);
});

afterAll(async () => {
  if (!HAVE_RCLONE) return;
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The storage daemon's own environment, with settings that would mislead rclone or the AWS SDK. */
function hostileEnvironment(): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    HOME: tmp,
    AWS_ACCESS_KEY_ID: "AKIAFROMENVIRONMENT",
    AWS_SECRET_ACCESS_KEY: "from-environment",
    AWS_PROFILE: "no-such-profile",
    AWS_CA_BUNDLE: "/nonexistent/ca.pem",
    RCLONE_CONFIG: "/nonexistent/rclone.conf",
    RCLONE_CONFIG_BAREOS_ENDPOINT: "http://127.0.0.1:9",
    RCLONE_S3_ENDPOINT: "http://127.0.0.1:9",
    RCLONE_VERBOSE: "2",
  };
}

/** The device as the stack renders it for `subject`, in the SD's own (hostile) environment. */
async function subjectEnvironment(
  subject: Subject,
  s3: Record<string, unknown> = {},
  accessKey = S3RVER_KEY,
): Promise<{ env: Record<string, string>; unknown: string[]; deviceOptions: string }> {
  const device = await deviceEnvironment({
    program: subject.program,
    setting: subject.setting,
    endpoint: server.endpoint,
    bucket: BUCKET,
    chunkSize: CHUNK,
    dir: tmp,
    s3: { ...subject.s3, ...s3 },
    accessKey,
  });
  return { ...device, env: { ...hostileEnvironment(), ...device.env } };
}

function text(run: WrapperRun): string {
  return run.output.toString();
}

function listed(run: WrapperRun): string[] {
  return text(run).split("\n").filter(Boolean).sort();
}

(HAVE_RCLONE ? describe : describe.skip).each(subjects)("$title against s3rver", (subject) => {
  let env: Record<string, string>;
  const wrap = (args: string[], input?: Buffer, e: Record<string, string> = env) =>
    runWrapper(subject.program, args, e, input);

  beforeAll(async () => {
    env = (await subjectEnvironment(subject)).env;
  });

  it("answers `options` without any environment, exit 0", async () => {
    const run = await runWrapper(subject.program, ["options"], {});
    expect(run.code).toBe(0);
    expect(text(run)).toMatch(/^([a-z_][a-z0-9_]*\n)+$/);
    expect(text(run)).toContain(`${subject.bucketOption}\n`);
  });

  it("passes testconnection", async () => {
    const run = await wrap(["testconnection"]);
    expect([run.code, text(run)]).toEqual([0, subject.isProjectWrapper ? "" : text(run)]);
  });

  it("fails testconnection on a missing bucket and on unknown credentials, non-zero with the reason", async () => {
    const missing = (await subjectEnvironment(subject, { bucketName: "no-such-bucket" })).env;
    const run = await wrap(["testconnection"], undefined, missing);
    expect(run.code).not.toBe(0);
    const wrongKey = (await subjectEnvironment(subject, {}, "AKIAUNKNOWNKEY")).env;
    const denied = await wrap(["testconnection"], undefined, wrongKey);
    expect(denied.code).not.toBe(0);
    expect(text(denied)).toMatch(/InvalidAccessKeyId/);
    if (subject.isProjectWrapper) {
      expect(text(run)).toMatch(/cannot list bucket 'no-such-bucket'/);
      expect(text(denied)).toMatch(/cannot list bucket 'bareos-volumes'/);
    }
  });

  it.each(ODD_VOLUMES)("uploads, lists, stats, downloads and removes parts of volume %j", async (volume) => {
    const volumeName = `${subject.title.length}-${volume}`;
    const part0 = randomBytes(CHUNK - 17);
    const part1 = randomBytes(1234);
    expect((await wrap(["upload", volumeName, "0000"], part0)).code).toBe(0);
    expect((await wrap(["upload", volumeName, "0001"], part1)).code).toBe(0);
    // The layout of droplet and s3cmd-wrapper.sh: <volume>/<part>.
    expect(await listKeys(server.endpoint, BUCKET, `${volumeName}/`)).toEqual([
      `${volumeName}/0000`,
      `${volumeName}/0001`,
    ]);

    const list = await wrap(["list", volumeName]);
    expect(list.code).toBe(0);
    expect(listed(list)).toEqual([`0000 ${part0.length}`, `0001 ${part1.length}`]);
    const stat = await wrap(["stat", volumeName, "0001"]);
    expect([stat.code, statAnswer(stat.output)]).toEqual([0, part1.length]);
    const download = await wrap(["download", volumeName, "0000"]);
    expect(download.code).toBe(0);
    // stdout and stderr together: byte-identical means no log line slipped in.
    expect(download.output.equals(part0)).toBe(true);

    expect((await wrap(["remove", volumeName, "0001"])).code).toBe(0);
    expect(listed(await wrap(["list", volumeName]))).toEqual([`0000 ${part0.length}`]);
    expect((await wrap(["stat", volumeName, "0001"])).code).not.toBe(0);
    expect((await wrap(["download", volumeName, "0001"])).code).not.toBe(0);
    // Bareos' s3cmd-wrapper.sh answers 0 here (S3 deletes are idempotent), against the protocol.
    if (subject.isProjectWrapper) expect((await wrap(["remove", volumeName, "0001"])).code).not.toBe(0);
  });

  it("lists a missing volume as nothing, exit 0", async () => {
    const run = await wrap(["list", "never written"]);
    expect([run.code, text(run)]).toEqual([0, ""]);
  });

  it("lists only the volume's own parts, not those of volumes sharing its prefix", async () => {
    const data = randomBytes(10);
    // Bareos' s3cmd-wrapper.sh turns the nested volume's "DIR" line of `s3cmd ls` into a line " ",
    // which the SD cannot parse: only the project's wrapper is held to nested names here.
    const volumes = ["pre/A", "pre/AB", "pre/A B", ...(subject.isProjectWrapper ? ["pre/A/B"] : [])];
    for (const v of volumes) {
      expect((await wrap(["upload", v, "0003"], data)).code).toBe(0);
    }
    expect(listed(await wrap(["list", "pre/A"]))).toEqual(["0003 10"]);
  });

  it("overwrites an existing part", async () => {
    const first = randomBytes(3000);
    const second = randomBytes(2000);
    await wrap(["upload", "overwrite", "0000"], first);
    expect((await wrap(["upload", "overwrite", "0000"], second)).code).toBe(0);
    expect(statAnswer((await wrap(["stat", "overwrite", "0000"])).output)).toBe(2000);
    expect((await wrap(["download", "overwrite", "0000"])).output.equals(second)).toBe(true);
  });

  it("fails every part operation on a missing bucket (a missing bucket is no empty volume)", async () => {
    const missing = (await subjectEnvironment(subject, { bucketName: "no-such-bucket" })).env;
    for (const args of [
      ["list", "Full-0001"],
      ["stat", "Full-0001", "0000"],
      ["download", "Full-0001", "0000"],
    ]) {
      const run = await wrap(args, undefined, missing);
      expect([args[0], run.code === 0]).toEqual([args[0], false]);
    }
    expect((await wrap(["upload", "Full-0001", "0000"], randomBytes(100), missing)).code).not.toBe(0);
  });

  it("leaves no object behind when the upload is killed mid-stream", async () => {
    const previous = randomBytes(1000);
    expect((await wrap(["upload", "interrupted", "0000"], previous)).code).toBe(0);
    for (const signal of ["SIGKILL", "SIGTERM"] as const) {
      const putsBefore = server.requests.filter((r) => r.startsWith("PUT ")).length;
      const running = startWrapper(subject.program, ["upload", "interrupted", "0000"], env, true);
      running.child.stdin?.write(randomBytes(CHUNK / 2));
      await new Promise((r) => setTimeout(r, 500));
      running.child.kill(signal);
      // What the SD does when its pipe breaks: it closes its end.
      running.child.stdin?.end();
      const run = await running.done;
      expect([signal, run.code === 0]).toEqual([signal, false]);
      await new Promise((r) => setTimeout(r, 300));
      expect(listed(await wrap(["list", "interrupted"]))).toEqual(["0000 1000"]);
      expect((await wrap(["download", "interrupted", "0000"])).output.equals(previous)).toBe(true);
      if (subject.isProjectWrapper) {
        expect(server.requests.filter((r) => r.startsWith("PUT ")).length).toBe(putsBefore);
      }
    }
  });
});

(HAVE_RCLONE ? describe : describe.skip)("rclone-wrapper.sh specifics", () => {
  const subject = subjects[0];
  let env: Record<string, string>;
  const wrap = (args: string[], input?: Buffer, e: Record<string, string> = env) =>
    runWrapper(subject.program, args, e, input);

  beforeAll(async () => {
    env = (await subjectEnvironment(subject)).env;
  });

  it("accepts every Device Option the stack renders that dplcompat does not consume", async () => {
    const { unknown, deviceOptions } = await subjectEnvironment(subject, { storageClass: "STANDARD_IA" });
    expect(unknown).toEqual([]);
    expect(deviceOptions).toContain(`max_part_size=${CHUNK}`);
  });

  it("tests the connection with one ListObjects request and nothing else (s3:ListBucket only)", async () => {
    const before = server.requests.length;
    expect((await wrap(["testconnection"])).code).toBe(0);
    const requests = server.requests.slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(new RegExp(`^GET /${BUCKET}(/|\\?)`));
  });

  it("sends a full chunk as one PUT, without multipart, and reads it back byte-identical", async () => {
    const data = randomBytes(CHUNK);
    const before = server.requests.length;
    expect((await wrap(["upload", "single put", "0000"], data)).code).toBe(0);
    expect(server.requests.slice(before)).toEqual([`PUT /${BUCKET}/single%20put/0000`]);
    expect((await wrap(["download", "single put", "0000"])).output.equals(data)).toBe(true);
  });

  it("uploads with the storage class and under the key prefix it is given", async () => {
    const e = {
      ...(await subjectEnvironment(subject, { storageClass: "STANDARD_IA" })).env,
      prefix: "bareos/sd1",
    };
    expect((await wrap(["upload", "classy", "0000"], randomBytes(10), e)).code).toBe(0);
    const head = await headObject(server.endpoint, BUCKET, "bareos/sd1/classy/0000");
    expect(head?.get("x-amz-storage-class")).toBe("STANDARD_IA");
    expect(listed(await wrap(["list", "classy"], undefined, e))).toEqual(["0000 10"]);
    expect(listed(await wrap(["list", "classy"]))).toEqual([]);
  });

  it("skips objects in a volume's folder that cannot be parts", async () => {
    await wrap(["upload", "foreign", "0000"], randomBytes(5));
    // Another tool's object beside the parts (the SD's parser would choke on the space).
    const res = await fetch(`${server.endpoint}/${BUCKET}/foreign/notes%20v1.txt`, {
      method: "PUT",
      body: "x",
    });
    expect(res.ok).toBe(true);
    expect(listed(await wrap(["list", "foreign"]))).toEqual(["0000 5"]);
  });

  it("keeps rclone's stderr out of list, stat and download answers", async () => {
    // An rclone that logs on every run: the SD reads stderr and stdout as one stream.
    const bin = path.join(tmp, "noisy-bin");
    fs.mkdirSync(bin, { recursive: true });
    const real = execFileSync("sh", ["-c", "command -v rclone"]).toString().trim();
    fs.writeFileSync(
      path.join(bin, "rclone"),
      `#!/bin/sh\necho "NOTICE: rclone log line" >&2\nexec '${real}' "$@"\n`,
      { mode: 0o755 },
    );
    const noisy = { ...env, PATH: `${bin}:${env.PATH}` };
    const data = randomBytes(5000);
    expect((await wrap(["upload", "noisy", "0000"], data, noisy)).code).toBe(0);
    expect(text(await wrap(["list", "noisy"], undefined, noisy))).toBe("0000 5000\n");
    expect(statAnswer((await wrap(["stat", "noisy", "0000"], undefined, noisy)).output)).toBe(5000);
    expect((await wrap(["download", "noisy", "0000"], undefined, noisy)).output.equals(data)).toBe(true);
    // On failure the log is worth showing.
    expect(text(await wrap(["download", "noisy", "0009"], undefined, noisy))).toMatch(
      /NOTICE: rclone log line/,
    );
  });

  it("refuses bad usage and names rclone would rewrite, before touching S3", async () => {
    const before = server.requests.length;
    expect((await wrap([])).code).toBe(2);
    expect((await wrap(["list"])).code).toBe(2);
    expect((await wrap(["stat", "vol"])).code).toBe(2);
    expect((await wrap(["copy", "vol", "0000"])).code).toBe(2);
    for (const [volume, part] of [
      ["../etc", "0000"],
      ["a//b", "0000"],
      ["a/./b", "0000"],
      ["/abs", "0000"],
      ["vol", "00/1"],
      ["vol", "0 1"],
    ]) {
      const run = await wrap(["stat", volume, part]);
      expect([volume, part, run.code]).toEqual([volume, part, 1]);
      expect(text(run)).toMatch(/is not a (volume|part) name/);
    }
    expect(server.requests.length).toBe(before);
  });

  it("says which option is missing or unreadable", async () => {
    const without = (key: string) => Object.fromEntries(Object.entries(env).filter(([k]) => k !== key));
    const noConfig = without("rclone_config");
    expect(text(await wrap(["list", "vol"], undefined, noConfig))).toMatch(
      /option rclone_config .* is not set/,
    );
    const unreadable = { ...env, rclone_config: path.join(tmp, "absent.conf") };
    expect(text(await wrap(["list", "vol"], undefined, unreadable))).toMatch(/is not readable/);
    expect(text(await wrap(["list", "vol"], undefined, without("bucket")))).toMatch(
      /option bucket '' is not/,
    );
    const huge = { ...env, max_part_size: String(5 * 1024 ** 3) };
    expect(text(await wrap(["list", "vol"], undefined, huge))).toMatch(/max_part_size/);
  });
});

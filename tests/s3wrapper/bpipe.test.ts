// The wrappers under the storage daemon's own pipe handling (bpipe-harness.c: Bareos 25.1.0's
// OpenBpipe, getOutput and CloseBpipe, with its SIGCHLD handler lacking SA_RESTART), against s3rver.
// The daemon's getOutput drops whatever a read returned together with an error, so a wrapper whose exit
// interrupts that read loses its answer: `stat` then reads as a missing part. This is what made a
// restore in bench:backup stop at the end of part 0000.
import { execFile, execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { CURL_WRAPPER, RCLONE_WRAPPER } from "../../configs/s3backend";
import { S3Server, startS3Server } from "./s3server";
import {
  CURL_WRAPPER_PATH,
  RCLONE_WRAPPER_PATH,
  deviceEnvironment,
  statAnswer,
  suiteHasCommands,
} from "./wrapper";

jest.setTimeout(120_000);

const run = promisify(execFile);
const HAVE = suiteHasCommands("bpipe", ["cc", "curl", "rclone", "openssl"]);

const BUCKET = "bareos-volumes";
const CHUNK = 8 * 1024 * 1024;
let tmp: string;
let harness: string;
let server: S3Server;

interface Call {
  readonly output: string;
  readonly exitedAtEof: boolean;
  readonly status: number;
}

/** One call as the daemon makes it; `input` is a file sent to the wrapper's stdin (upload). */
async function call(
  program: string,
  args: readonly string[],
  env: Record<string, string>,
  input?: string,
): Promise<Call> {
  const child = await run(harness, [...(input ? ["-i", input] : []), program, ...args], {
    env,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const result = /exited_at_eof=([01]) status=(\d+)/.exec(child.stderr);
  if (!result) throw new Error(`bpipe-harness said: ${child.stderr}`);
  return { output: child.stdout, exitedAtEof: result[1] === "1", status: Number(result[2]) };
}

beforeAll(async () => {
  if (!HAVE) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bpipe-"));
  harness = path.join(tmp, "bpipe-harness");
  execFileSync("cc", ["-O2", "-Wall", "-Werror", "-o", harness, path.join(__dirname, "bpipe-harness.c")]);
  server = await startS3Server(path.join(tmp, "s3"), [BUCKET]);
});

afterAll(async () => {
  if (!HAVE) return;
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const subjects = [
  { title: "curl-wrapper.sh", program: CURL_WRAPPER_PATH, setting: CURL_WRAPPER },
  { title: "rclone-wrapper.sh", program: RCLONE_WRAPPER_PATH, setting: RCLONE_WRAPPER },
];

(HAVE ? describe : describe.skip).each(subjects)("$title under the daemon's pipe handling", (subject) => {
  let env: Record<string, string>;
  const volume = `bpipe-${subject.setting}`;
  const part = randomBytes(CHUNK - 99);

  beforeAll(async () => {
    const device = await deviceEnvironment({
      program: subject.program,
      setting: subject.setting,
      endpoint: server.endpoint,
      bucket: BUCKET,
      chunkSize: CHUNK,
      dir: tmp,
    });
    env = { PATH: String(process.env.PATH), HOME: tmp, ...device.env, spool_dir: tmp };
    const input = path.join(tmp, `${subject.setting}.part`);
    fs.writeFileSync(input, part);
    const upload = await call(subject.program, ["upload", volume, "0000"], env, input);
    expect(upload.status).toBe(0);
  });

  it("answers stat with the part's size, every time", async () => {
    const answers = new Set<number | undefined>();
    const missed: boolean[] = [];
    for (let i = 0; i < 20; i++) {
      const stat = await call(subject.program, ["stat", volume, "0000"], env);
      expect(stat.status).toBe(0);
      answers.add(statAnswer(stat.output));
      missed.push(!stat.exitedAtEof);
    }
    expect([...answers]).toEqual([part.length]);
    // curl-wrapper.sh holds its output until it has exited, so no stat costs the SD a second.
    if (subject.setting === CURL_WRAPPER) expect(missed.filter(Boolean)).toEqual([]);
  });

  it("answers list with the volume's part, every time", async () => {
    for (let i = 0; i < 5; i++) {
      const list = await call(subject.program, ["list", volume], env);
      expect([list.status, list.output]).toEqual([0, `0000 ${part.length}\n`]);
    }
  });

  if (subject.setting === CURL_WRAPPER) {
    it("has exited when an upload's output ends, so CloseBpipe does not sleep", async () => {
      const input = path.join(tmp, "again.part");
      fs.writeFileSync(input, part);
      for (let i = 0; i < 5; i++) {
        const upload = await call(subject.program, ["upload", volume, "0001"], env, input);
        expect([upload.status, upload.exitedAtEof]).toEqual([0, true]);
      }
    });
  }
});

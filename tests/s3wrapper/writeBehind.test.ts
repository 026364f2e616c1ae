// curl-wrapper.sh's write-behind (write_behind=N): an upload returns once its part is spooled, and what
// the storage daemon is told stays true: `list`, `stat` and `download` wait for running uploads, uploads
// of one part land in the order they were made, at most N run at once, and a failing one stops further
// uploads to its volume with its reason. Against s3rver on 127.0.0.1, with the Device Options the stack
// renders for curl-wrapper.sh plus write_behind.
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CURL_WRAPPER } from "../../configs/s3backend";
import { S3Server, startS3Server } from "./s3server";
import {
  CURL_WRAPPER_PATH,
  deviceEnvironment,
  suiteHasCommands,
  listKeys,
  runWrapper,
  startWrapper,
  statAnswer,
} from "./wrapper";

jest.setTimeout(120_000);

const HAVE = suiteHasCommands("write-behind", ["curl", "openssl", "flock"]);

const BUCKET = "bareos-volumes";
const CHUNK = 8 * 1024 * 1024;
let tmp: string;
let server: S3Server;
let trace: string;

async function environment(bucket = BUCKET, writeBehind = 2): Promise<Record<string, string>> {
  const { env } = await deviceEnvironment({
    program: CURL_WRAPPER_PATH,
    setting: CURL_WRAPPER,
    endpoint: server.endpoint,
    bucket,
    chunkSize: CHUNK,
    dir: tmp,
  });
  const spool = path.join(tmp, `spool-${bucket}-${writeBehind}`);
  fs.mkdirSync(spool, { recursive: true });
  return {
    PATH: String(process.env.PATH),
    HOME: tmp,
    ...env,
    spool_dir: spool,
    write_behind: String(writeBehind),
    trace_log: trace,
  };
}

const pendingDir = (env: Record<string, string>) => path.join(env.spool_dir, "curl-wrapper.sh.pending");
const pendingParts = (env: Record<string, string>) =>
  fs.existsSync(pendingDir(env)) ? fs.readdirSync(pendingDir(env)).filter((f) => f.includes("@")) : [];

beforeAll(async () => {
  if (!HAVE) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "write-behind-"));
  trace = path.join(tmp, "trace.log");
  server = await startS3Server(path.join(tmp, "s3"), [BUCKET]);
});

afterAll(async () => {
  if (!HAVE) return;
  // Abandons the retries of the failing upload (its file is gone), then stops the server.
  fs.rmSync(path.join(tmp, "spool-no-such-bucket-2"), { recursive: true, force: true });
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

(HAVE ? describe : describe.skip)("curl-wrapper.sh with write_behind", () => {
  let env: Record<string, string>;
  const wrap = (args: string[], input?: Buffer, e = env) => runWrapper(CURL_WRAPPER_PATH, args, e, input);

  beforeAll(async () => {
    env = await environment();
  });

  it("refuses a write_behind that is not 0 to 8, naming the option", async () => {
    const run = await wrap(["list", "vol"], undefined, { ...env, write_behind: "9" });
    expect([run.code, run.output.toString()]).toEqual([1, expect.stringMatching(/option write_behind '9'/)]);
  });

  it.each(["Full-0001", "with space", "a:b.c-d_e", "nested/dir/Vol-7"])(
    "answers list, stat and download of volume %j with what was uploaded, once it is in S3",
    async (volume) => {
      const part0 = randomBytes(CHUNK - 17);
      const part1 = randomBytes(1234);
      expect((await wrap(["upload", volume, "0000"], part0)).code).toBe(0);
      expect((await wrap(["upload", volume, "0001"], part1)).code).toBe(0);
      const list = await wrap(["list", volume]);
      expect(list.output.toString().split("\n").filter(Boolean).sort()).toEqual([
        `0000 ${part0.length}`,
        `0001 ${part1.length}`,
      ]);
      // list waited: S3 itself holds both parts now, and nothing is pending.
      expect(await listKeys(server.endpoint, BUCKET, `${volume}/`)).toEqual([
        `${volume}/0000`,
        `${volume}/0001`,
      ]);
      expect(pendingParts(env)).toEqual([]);
      expect((await wrap(["download", volume, "0000"])).output.equals(part0)).toBe(true);
    },
  );

  it("lands uploads of one part in the order they were made (the label chunk, then data)", async () => {
    // Big enough that its PUT still runs when the second upload is made.
    const big = randomBytes(6 * CHUNK);
    const small = randomBytes(10);
    for (const round of [1, 2, 3]) {
      expect((await wrap(["upload", `order-${round}`, "0000"], big)).code).toBe(0);
      expect((await wrap(["upload", `order-${round}`, "0000"], small)).code).toBe(0);
      // stat waits for both: the small one was made last, so it is the part.
      expect(statAnswer((await wrap(["stat", `order-${round}`, "0000"])).output)).toBe(10);
      expect((await wrap(["download", `order-${round}`, "0000"])).output.equals(small)).toBe(true);
    }
  });

  it("returns before the part is sent, and sends at most write_behind parts at once", async () => {
    fs.writeFileSync(trace, "");
    const data = randomBytes(CHUNK);
    for (let i = 0; i < 6; i++) expect((await wrap(["upload", "slots", `000${i}`], data)).code).toBe(0);
    expect((await wrap(["list", "slots"])).output.toString().split("\n").filter(Boolean)).toHaveLength(6);
    const lines = fs
      .readFileSync(trace, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" "));
    const puts = lines.filter((l) => l[2] === "put" && l[6] === "slots").map((l) => [+l[0], +l[1]]);
    expect(puts).toHaveLength(6);
    const overlapping = (t: number) => puts.filter(([s, e]) => s <= t && t < e).length;
    expect(Math.max(...puts.map(([s]) => overlapping(s)))).toBeLessThanOrEqual(2);
    // Some upload call ended before its own PUT did: the SD went on while the part was sent.
    const uploads = lines.filter((l) => l[2] === "upload" && l[6] === "slots");
    const returnedEarly = uploads.filter((u) => {
      const put = lines.find((l) => l[2] === "put" && l[5] === u[5] && l[6] === "slots");
      return put !== undefined && +u[1] < +put[1];
    });
    expect(returnedEarly.length).toBeGreaterThan(0);
  });

  it("sends nothing and leaves nothing pending when the upload is killed while spooling", async () => {
    const putsBefore = server.requests.filter((r) => r.startsWith("PUT ")).length;
    const running = startWrapper(CURL_WRAPPER_PATH, ["upload", "killed", "0000"], env, true);
    running.child.stdin?.write(randomBytes(CHUNK / 2));
    await new Promise((r) => setTimeout(r, 500));
    running.child.kill("SIGTERM");
    running.child.stdin?.end();
    expect((await running.done).code).not.toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests.filter((r) => r.startsWith("PUT ")).length).toBe(putsBefore);
    expect(pendingParts(env)).toEqual([]);
    expect((await wrap(["list", "killed"])).output.toString()).toBe("");
  });

  it("drops a failing upload whose sender is gone (a killed container) instead of refusing the volume", async () => {
    fs.mkdirSync(pendingDir(env), { recursive: true });
    const record = path.join(pendingDir(env), "stale@0000.1700000000000000-1");
    fs.writeFileSync(record, randomBytes(100));
    fs.writeFileSync(`${record}.failing`, "cannot upload 'stale/0000' (HTTP 503): gone\n");
    const part = randomBytes(1000);
    const run = await wrap(["upload", "stale", "0001"], part);
    expect([run.code, run.output.toString()]).toEqual([0, ""]);
    expect(fs.existsSync(record) || fs.existsSync(`${record}.failing`)).toBe(false);
    expect((await wrap(["list", "stale"])).output.toString()).toBe(`0001 ${part.length}\n`);
  });

  it("while an upload fails, refuses further uploads to its volume with its reason", async () => {
    const missing = await environment("no-such-bucket");
    // Accepted: the part is spooled; its PUT fails behind the SD's back.
    expect((await wrap(["upload", "Full-0001", "0000"], randomBytes(100), missing)).code).toBe(0);
    const deadline = Date.now() + 30_000;
    while (!pendingParts(missing).some((f) => f.endsWith(".failing")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const next = await wrap(["upload", "Full-0001", "0001"], randomBytes(100), missing);
    expect(next.code).toBe(1);
    expect(next.output.toString()).toMatch(/earlier upload to volume 'Full-0001' is failing.*HTTP 404/);
    // list does not wait for a failing upload: it answers what S3 says (here: no bucket).
    expect((await wrap(["list", "Full-0001"], undefined, missing)).code).not.toBe(0);
    // Another volume is not refused.
    expect((await wrap(["upload", "Full-0002", "0000"], randomBytes(10))).code).toBe(0);
  });
});

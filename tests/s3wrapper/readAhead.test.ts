// curl-wrapper.sh's read-ahead (read_ahead=1): a download of part N fetches part N+1 in the background,
// and the download of N+1 sends that copy only when S3 answers 304 to its ETag; otherwise what S3 holds
// now. Against s3rver on 127.0.0.1, with the Device Options the stack renders for curl-wrapper.sh.
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CURL_WRAPPER } from "../../configs/s3backend";
import { S3Server, startS3Server } from "./s3server";
import { CURL_WRAPPER_PATH, deviceEnvironment, runWrapper, suiteHasCommands } from "./wrapper";

jest.setTimeout(120_000);

const HAVE = suiteHasCommands("read-ahead", ["curl", "openssl", "flock"]);

const BUCKET = "bareos-volumes";
const CHUNK = 8 * 1024 * 1024;
let tmp: string;
let server: S3Server;
let env: Record<string, string>;
let aheadDir: string;

const wrap = (args: string[], input?: Buffer, e = env) => runWrapper(CURL_WRAPPER_PATH, args, e, input);

/** The read-ahead copies present once no fetch is running (each fetch holds its copy's lock). */
async function settledCopies(): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const names = fs.existsSync(aheadDir) ? fs.readdirSync(aheadDir).sort() : [];
    const complete = names.filter((n) => !n.endsWith(".etag")).every((n) => names.includes(`${n}.etag`));
    if (complete || Date.now() > deadline) return names;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The answers to GETs of one part since `from`. */
const gets = (from: number, volume: string, part: string) =>
  server.answers.slice(from).filter((a) => a.startsWith(`GET /${BUCKET}/${volume}/${part} `));

async function volumeOf(volume: string, sizes: number[]): Promise<Buffer[]> {
  const parts = sizes.map((n) => randomBytes(n));
  for (const [i, data] of parts.entries()) {
    expect((await wrap(["upload", volume, String(i).padStart(4, "0")], data)).code).toBe(0);
  }
  return parts;
}

beforeAll(async () => {
  if (!HAVE) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "read-ahead-"));
  server = await startS3Server(path.join(tmp, "s3"), [BUCKET]);
  const device = await deviceEnvironment({
    program: CURL_WRAPPER_PATH,
    setting: CURL_WRAPPER,
    endpoint: server.endpoint,
    bucket: BUCKET,
    chunkSize: CHUNK,
    dir: tmp,
  });
  const spool = path.join(tmp, "spool");
  fs.mkdirSync(spool);
  aheadDir = path.join(spool, "curl-wrapper.sh.readahead");
  env = { PATH: String(process.env.PATH), HOME: tmp, ...device.env, spool_dir: spool, read_ahead: "1" };
});

afterAll(async () => {
  if (!HAVE) return;
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

(HAVE ? describe : describe.skip)("curl-wrapper.sh with read_ahead", () => {
  afterEach(() => fs.rmSync(aheadDir, { recursive: true, force: true }));

  it("refuses a read_ahead that is not 0 or 1, naming the option", async () => {
    const run = await wrap(["download", "vol", "0000"], undefined, { ...env, read_ahead: "2" });
    expect([run.code, run.output.toString()]).toEqual([1, expect.stringMatching(/option read_ahead '2'/)]);
  });

  it("reads a volume part after part from the fetched copies, each confirmed by a 304", async () => {
    const parts = await volumeOf("Full-0001", [CHUNK, CHUNK, CHUNK - 99]);
    const from = server.answers.length;
    for (const [i, data] of parts.entries()) {
      const part = String(i).padStart(4, "0");
      const run = await wrap(["download", "Full-0001", part]);
      expect(run.code).toBe(0);
      expect(run.output.equals(data)).toBe(true);
      await settledCopies();
    }
    // Part 0000 the ordinary way; 0001 and 0002 fetched ahead, then sent after a 304; 0003 is none.
    expect(gets(from, "Full-0001", "0000")).toEqual(["GET /bareos-volumes/Full-0001/0000 200"]);
    for (const part of ["0001", "0002"]) {
      expect(gets(from, "Full-0001", part)).toEqual([
        `GET /bareos-volumes/Full-0001/${part} 200`,
        `GET /bareos-volumes/Full-0001/${part} If-None-Match 304`,
      ]);
    }
    expect(gets(from, "Full-0001", "0003")).toEqual(["GET /bareos-volumes/Full-0001/0003 404"]);
    // Nothing left: the copies sent are removed, and a missing next part leaves no copy.
    expect(await settledCopies()).toEqual([]);
  });

  it("sends the part as S3 holds it when it was rewritten after it was fetched ahead", async () => {
    const [first] = await volumeOf("Inc-0002", [CHUNK, 1000]);
    expect((await wrap(["download", "Inc-0002", "0000"])).output.equals(first)).toBe(true);
    expect(await settledCopies()).toEqual(["Inc-0002@0001", "Inc-0002@0001.etag"]);
    // An appending job rewrites the volume's last part.
    const rewritten = randomBytes(3000);
    expect((await wrap(["upload", "Inc-0002", "0001"], rewritten)).code).toBe(0);
    const run = await wrap(["download", "Inc-0002", "0001"]);
    expect([run.code, run.output.equals(rewritten)]).toEqual([0, true]);
  });

  it("fails as without read-ahead when the fetched part was removed since", async () => {
    await volumeOf("Gone-0003", [CHUNK, 1000]);
    expect((await wrap(["download", "Gone-0003", "0000"])).code).toBe(0);
    await settledCopies();
    expect((await wrap(["remove", "Gone-0003", "0001"])).code).toBe(0);
    const run = await wrap(["download", "Gone-0003", "0001"]);
    expect([run.code, run.output.toString()]).toEqual([1, expect.stringMatching(/no part '0001' in volume/)]);
    expect(await settledCopies()).toEqual([]);
  });

  it("a fetch waits for its part's upload, and a download that comes while it runs waits for the whole copy", async () => {
    expect(env.write_behind).toBe("2");
    const parts = await volumeOf("Big-0004", [CHUNK, 12 * CHUNK]);
    const from = server.answers.length;
    expect((await wrap(["download", "Big-0004", "0000"])).code).toBe(0);
    // No settling: the 96 MiB upload (write-behind, as the stack renders the device) and then the fetch
    // are still running when this download starts.
    const run = await wrap(["download", "Big-0004", "0001"]);
    expect([run.code, run.output.length, run.output.equals(parts[1])]).toEqual([0, parts[1].length, true]);
    // It waited for that fetch and sent its copy, rather than fetching the part a second time.
    expect(gets(from, "Big-0004", "0001")).toEqual([
      "GET /bareos-volumes/Big-0004/0001 200",
      "GET /bareos-volumes/Big-0004/0001 If-None-Match 304",
    ]);
  });

  it("drops the copy of a part the daemon skipped, and fetches nothing after a part that is no number", async () => {
    await volumeOf("Skip-0005", [1000, 1000, 1000, 1000]);
    expect((await wrap(["download", "Skip-0005", "0000"])).code).toBe(0);
    expect(await settledCopies()).toEqual(["Skip-0005@0001", "Skip-0005@0001.etag"]);
    // A bootstrap that starts further in: the SD reads 0002 next, so the copy of 0001 is of no use.
    expect((await wrap(["download", "Skip-0005", "0002"])).code).toBe(0);
    expect(await settledCopies()).toEqual(["Skip-0005@0003", "Skip-0005@0003.etag"]);
    fs.rmSync(aheadDir, { recursive: true, force: true });
    expect((await wrap(["upload", "Skip-0005", "label"], randomBytes(10))).code).toBe(0);
    expect((await wrap(["download", "Skip-0005", "label"])).code).toBe(0);
    expect(await settledCopies()).toEqual([]);
  });

  it("without read_ahead, a download fetches nothing more", async () => {
    await volumeOf("Off-0006", [1000, 1000]);
    const from = server.answers.length;
    expect((await wrap(["download", "Off-0006", "0000"], undefined, { ...env, read_ahead: "0" })).code).toBe(
      0,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect([...gets(from, "Off-0006", "0000"), ...gets(from, "Off-0006", "0001")]).toEqual([
      "GET /bareos-volumes/Off-0006/0000 200",
    ]);
    expect(fs.existsSync(aheadDir)).toBe(false);
  });
});

// curl-wrapper.sh signs each upload's payload: the PUT's x-amz-content-sha256 is the SHA-256 of the part,
// which S3 checks against the body it receives (the test server below does too), so a part that is not
// byte for byte what the storage daemon wrote is refused. With and without write-behind.
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CURL_WRAPPER } from "../../configs/s3backend";
import { S3Server, startS3Server } from "./s3server";
import { CURL_WRAPPER_PATH, deviceEnvironment, headObject, runWrapper, suiteHasCommands } from "./wrapper";

jest.setTimeout(120_000);

const HAVE = suiteHasCommands("payload", ["curl", "openssl", "flock"]);

const BUCKET = "bareos-volumes";
const CHUNK = 8 * 1024 * 1024;
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
let tmp: string;
let server: S3Server;

beforeAll(async () => {
  if (!HAVE) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "payload-"));
  server = await startS3Server(path.join(tmp, "s3"), [BUCKET]);
});

afterAll(async () => {
  if (!HAVE) return;
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

(HAVE ? describe : describe.skip)("signed upload payloads", () => {
  it("the test server refuses a PUT whose body is not what its x-amz-content-sha256 says", async () => {
    const url = `${server.endpoint}/${BUCKET}/check/0000`;
    const wrong = await fetch(url, {
      method: "PUT",
      headers: { "x-amz-content-sha256": sha256("other bytes") },
      body: "these bytes",
    });
    expect([wrong.status, await wrong.text()]).toEqual([
      400,
      expect.stringContaining("XAmzContentSHA256Mismatch"),
    ]);
    expect(await headObject(server.endpoint, BUCKET, "check/0000")).toBeUndefined();
    const right = await fetch(url, {
      method: "PUT",
      headers: { "x-amz-content-sha256": sha256("these bytes") },
      body: "these bytes",
    });
    expect(right.status).toBe(200);
  });

  it.each([0, 2])("with write_behind %d, every PUT carries its part's SHA-256", async (writeBehind) => {
    const { env } = await deviceEnvironment({
      program: CURL_WRAPPER_PATH,
      setting: CURL_WRAPPER,
      endpoint: server.endpoint,
      bucket: BUCKET,
      chunkSize: CHUNK,
      dir: tmp,
    });
    const spool = fs.mkdtempSync(path.join(tmp, "spool-"));
    const e = {
      PATH: String(process.env.PATH),
      HOME: tmp,
      ...env,
      spool_dir: spool,
      write_behind: `${writeBehind}`,
    };
    const volume = `Full-wb${writeBehind}`;
    const parts = new Map([
      ["0000", randomBytes(1)],
      ["0001", randomBytes(CHUNK - 3)],
      ["0002", randomBytes(5000)],
    ]);
    for (const [part, data] of parts)
      expect((await runWrapper(CURL_WRAPPER_PATH, ["upload", volume, part], e, data)).code).toBe(0);
    // list waits for uploads still running behind.
    expect((await runWrapper(CURL_WRAPPER_PATH, ["list", volume], e)).code).toBe(0);
    const sent = server.payloads.filter((p) => p.startsWith(`/${BUCKET}/${volume}/`));
    expect(sent.sort()).toEqual(
      [...parts].map(([part, data]) => `/${BUCKET}/${volume}/${part} ${sha256(data)}`),
    );
  });
});

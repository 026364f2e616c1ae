// The e2e S3 fixture's server.js, run with the host's node on 127.0.0.1: its signature gate and its
// virtual-host buckets (S3_VHOST_DOMAIN, which the bench's droplet device needs), with curl's SigV4.
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { hasCommand } from "../../../s3wrapper/wrapper";

const run = promisify(execFile);
const SERVER = path.join(__dirname, "server.js");
const KEY = "AKIAE2EFIXTURE000001";
const SECRET = "fixture-secret-0000000000000000000000000";
const BUCKET = "bareos-e2e";
const DOMAIN = "s3-standin";

const HAVE = hasCommand("curl");
if (!HAVE) {
  if (process.env.CI) throw new Error("curl is needed for the S3 fixture's tests");
  process.stderr.write("tests/e2e/standins/s3: curl missing: the fixture suite is SKIPPED\n");
}

let tmp: string;
let server: ChildProcess;
let port: number;

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port: p } = probe.address() as net.AddressInfo;
  await new Promise((r) => probe.close(r));
  return p;
}

/** curl against the fixture; `host` is resolved to 127.0.0.1, so the signed Host header is the real one. */
async function curl(
  host: string,
  urlPath: string,
  args: readonly string[] = [],
  secret = SECRET,
): Promise<{ status: number; body: string }> {
  const { stdout } = await run("curl", [
    "-sS",
    "--resolve",
    `${host}:${port}:127.0.0.1`,
    ...(secret ? ["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", `${KEY}:${secret}`] : []),
    "-H",
    "x-amz-content-sha256: UNSIGNED-PAYLOAD",
    "-w",
    "\n%{http_code}",
    ...args,
    `http://${host}:${port}${urlPath}`,
  ]);
  const cut = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

(HAVE ? describe : describe.skip)("the e2e S3 fixture (server.js)", () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "s3-fixture-"));
    fs.writeFileSync(path.join(tmp, "part"), "chunk 0000 of a volume\n");
    port = await freePort();
    server = spawn(process.execPath, [SERVER], {
      env: {
        PATH: process.env.PATH,
        S3_HOST: "127.0.0.1",
        S3_PORT: String(port),
        S3_DATA_DIR: tmp,
        S3_BUCKETS: BUCKET,
        S3_ACCESS_KEY_ID: KEY,
        S3_SECRET_ACCESS_KEY: SECRET,
        S3_VHOST_DOMAIN: DOMAIN,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      server.once("exit", (code) => reject(new Error(`server.js exited ${code}`)));
      server.stdout?.on("data", (d: Buffer) => {
        if (d.toString().includes("listening")) resolve();
      });
    });
  });

  afterAll(() => {
    server?.kill("SIGTERM");
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("a virtual-host PUT lands in the bucket and reads back path-style", async () => {
    const vhost = `${BUCKET}.${DOMAIN}`;
    expect((await curl(vhost, "/vol-1/0000", ["-T", path.join(tmp, "part")])).status).toBe(200);
    const pathStyle = await curl(DOMAIN, `/${BUCKET}/vol-1/0000`);
    expect(pathStyle).toEqual({ status: 200, body: "chunk 0000 of a volume\n" });
    const listed = await curl(vhost, "/?list-type=2&prefix=vol-1%2F");
    expect(listed.status).toBe(200);
    expect(listed.body).toContain("<Key>vol-1/0000</Key>");
  });

  test("a virtual-host request still needs the one key pair's signature", async () => {
    const vhost = `${BUCKET}.${DOMAIN}`;
    expect((await curl(vhost, "/vol-1/0000", [], "")).status).toBe(403);
    const wrong = await curl(vhost, "/vol-1/0000", [], "not-the-secret-00000000000000000000000000");
    expect(wrong.status).toBe(403);
    expect(wrong.body).toContain("SignatureDoesNotMatch");
  });

  test("a host outside the domain is not taken for a bucket", async () => {
    const other = await curl(`${BUCKET}.elsewhere`, "/vol-1/0000");
    expect(other.status).toBe(404);
    expect(other.body).toContain("NoSuchBucket");
  });
});

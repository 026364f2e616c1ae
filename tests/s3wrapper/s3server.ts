// A real S3 implementation (s3rver) on 127.0.0.1, for the wrapper conformance tests and `npm run bench:s3`.
//
//   node -r ts-node/register/transpile-only tests/s3wrapper/s3server.ts DIR BUCKET...
//
// runs one in the foreground and prints {"port": N} once it listens (the benchmark keeps it out of its own
// event loop that way).
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import type { IncomingMessage, ServerResponse } from "http";
import * as path from "path";
import { Readable, Transform } from "stream";
import { pipeline } from "stream/promises";
import S3rver from "s3rver";
import S3Error from "s3rver/lib/models/error";

/** s3rver's built-in account: access key id and secret are both this. */
export const S3RVER_KEY = "S3RVER";

export interface S3Server {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  /** "METHOD /path?query" of every request received, oldest first. */
  readonly requests: string[];
  /** "METHOD /path?query [If-None-Match] STATUS" of every answer sent, oldest first. */
  readonly answers: string[];
  /** "/path?query <x-amz-content-sha256 or ->" of every PUT received, oldest first. */
  readonly payloads: string[];
  close(): Promise<void>;
}

// S3 shows an object only once its PUT is complete. s3rver 3.7 writes into the object's file while the
// body streams in (and may answer before it is flushed): write beside it and rename, so that a broken PUT
// leaves nothing visible, as on S3. The temporary name does not end in s3rver's object suffix, so
// listings skip it. A PUT whose x-amz-content-sha256 is a hash must carry that body, as on S3 (which
// refuses it otherwise with XAmzContentSHA256Mismatch); s3rver checks neither that nor a Content-MD5.
function makePutsAtomic(server: S3rver): void {
  const store = server.store;
  store.putObject = async (object) => {
    const target = store.getResourcePath(object.bucket, object.key, "object");
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.upload-${randomBytes(6).toString("hex")}`;
    const md5 = createHash("md5");
    const declared = signedPayloadHash(object.content);
    const sha256 = createHash("sha256");
    let size = 0;
    try {
      if (Buffer.isBuffer(object.content)) {
        md5.update(object.content);
        sha256.update(object.content);
        size = object.content.length;
        await fs.promises.writeFile(temp, object.content);
      } else {
        const count = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            md5.update(chunk);
            if (declared) sha256.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        await pipeline(object.content, count, fs.createWriteStream(temp, { highWaterMark: 8 * 1024 * 1024 }));
      }
      if (declared && sha256.digest("hex") !== declared) {
        const error = new S3Error(
          "XAmzContentSHA256Mismatch",
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        );
        error.status = 400;
        throw error;
      }
      const digest = md5.digest("hex");
      await store.putMetadata(object.bucket, object.key, object.metadata, digest);
      await fs.promises.rename(temp, target);
      return { size, md5: digest };
    } catch (err) {
      await fs.promises.rm(temp, { force: true });
      throw err;
    }
  };
}

/** The payload hash a PUT declares, when it is one (not UNSIGNED-PAYLOAD or a streaming mode). */
function signedPayloadHash(content: Readable | Buffer): string | undefined {
  const value = Buffer.isBuffer(content)
    ? undefined
    : (content as IncomingMessage).headers?.["x-amz-content-sha256"];
  return typeof value === "string" && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}

/** Starts s3rver on a free port of 127.0.0.1, storing into `directory`, with these buckets. */
export async function startS3Server(directory: string, buckets: readonly string[]): Promise<S3Server> {
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  makePutsAtomic(server);
  const { port } = await server.run();
  const requests: string[] = [];
  const answers: string[] = [];
  const payloads: string[] = [];
  server.httpServer.on("request", (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.method === "PUT")
      payloads.push(`${req.url} ${String(req.headers["x-amz-content-sha256"] ?? "-")}`);
    const condition = req.headers["if-none-match"] ? " If-None-Match" : "";
    res.on("finish", () => answers.push(`${req.method} ${req.url}${condition} ${res.statusCode}`));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    answers,
    payloads,
    close: () => server.close(),
  };
}

if (require.main === module) {
  const [directory, ...buckets] = process.argv.slice(2);
  if (!directory) {
    process.stderr.write("usage: s3server.ts DIR BUCKET...\n");
    process.exit(2);
  }
  startS3Server(directory, buckets).then(
    (s) => {
      process.stdout.write(`${JSON.stringify({ port: s.port })}\n`);
      process.on("SIGTERM", () => void s.close().finally(() => process.exit(0)));
    },
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}

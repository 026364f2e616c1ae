"use strict";
// S3 fixture of the e2e tests (tests/e2e/standins/s3): s3rver 3.7.1, path-style (virtual hosts with S3_VHOST_DOMAIN), plain HTTP, for a
// stack with `s3.provider: existing`. It exists because no S3 image can be pulled on the test machines.
//
//   S3_PORT (4568)          port
//   S3_HOST (0.0.0.0)       address to listen on
//   S3_DATA_DIR (/data)     where objects live (a volume)
//   S3_BUCKETS              comma separated; created at start when missing
//   S3_ACCESS_KEY_ID        the only access key accepted (required)
//   S3_SECRET_ACCESS_KEY    its secret (required)
//   S3_VHOST_DOMAIN         also serve virtual-host buckets: Host <bucket>.<this domain> (droplet
//                           addresses buckets only so); unset: path-style only
//
// s3rver does not verify SigV4 signatures (it accepts any secret of a known key id), its SigV2 check
// rejects valid signatures that carry a Date header, and it serves unsigned requests. So every request
// is checked here first: only SigV4 (Authorization header or presigned query) with the one key pair is
// let through to s3rver (whose registry holds only that key pair: its built-in S3RVER/S3RVER key is
// revoked); SigV2 gets 400 InvalidRequest, unsigned requests 403 AccessDenied. Not verified, as with
// s3rver: the payload against x-amz-content-sha256. aws-chunked payloads (which s3rver would store
// framing and all) get 501 NotImplemented.
// Uploads are written beside the object and renamed when complete (s3rver writes in place and may
// answer before the data is flushed). One log line per request; s3rver's own logging is off, its
// 5xx errors are logged. GET /-/health answers 200 without authentication (for the health check).

const crypto = require("crypto");
const fs = require("fs");
const http = require("http");
const path = require("path");
const { Transform } = require("stream");
const { pipeline } = require("stream/promises");
const S3rver = require("s3rver");
const AWSAccount = require("s3rver/lib/models/account");

const port = Number(process.env.S3_PORT || 4568);
const host = process.env.S3_HOST || "0.0.0.0";
const directory = process.env.S3_DATA_DIR || "/data";
const buckets = (process.env.S3_BUCKETS || "")
  .split(",")
  .map((name) => name.trim())
  .filter(Boolean);
const vhostDomain = (process.env.S3_VHOST_DOMAIN || "").toLowerCase();
const accessKeyId = process.env.S3_ACCESS_KEY_ID || "";
const secretAccessKey = process.env.S3_SECRET_ACCESS_KEY || "";
if (!accessKeyId || !secretAccessKey) {
  console.error("s3: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required");
  process.exit(1);
}

// Only our key pair, on s3rver's account (its controllers name that account as the owner).
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey("S3RVER");
AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);

class AuthError extends Error {
  constructor(code, message, status = 403) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** RFC 3986 encoding, as SigV4 canonicalisation wants it (everything but A-Z a-z 0-9 - . _ ~). */
function uriEncode(text) {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

function uriDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const sha256 = (data) => crypto.createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key, data) => crypto.createHmac("sha256", key).update(data, "utf8").digest();

/** The header values a signature covers: lower-case names, values trimmed, repeated ones joined by ",". */
function headerValues(req) {
  const values = new Map();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1].trim().replace(/\s+/g, " ");
    values.set(name, values.has(name) ? `${values.get(name)},${value}` : value);
  }
  return values;
}

/** Throws AuthError unless the request carries a valid SigV4 signature of our key pair. */
function verifySigV4(req, rawPath, rawQuery) {
  const headers = headerValues(req);
  const params = rawQuery
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf("=");
      return eq < 0 ? [uriDecode(pair), ""] : [uriDecode(pair.slice(0, eq)), uriDecode(pair.slice(eq + 1))];
    });
  const query = new Map(params);
  const presigned = query.has("X-Amz-Algorithm");

  let credential, signedHeaders, signature, amzDate, payloadHash;
  if (presigned) {
    if (query.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") {
      throw new AuthError(
        "AuthorizationQueryParametersError",
        "X-Amz-Algorithm only supports AWS4-HMAC-SHA256",
      );
    }
    credential = query.get("X-Amz-Credential");
    signedHeaders = query.get("X-Amz-SignedHeaders");
    signature = query.get("X-Amz-Signature");
    amzDate = query.get("X-Amz-Date");
    payloadHash =
      query.get("X-Amz-Content-Sha256") || headers.get("x-amz-content-sha256") || "UNSIGNED-PAYLOAD";
  } else {
    const authorization = headers.get("authorization");
    const fields = new Map(
      authorization
        .slice("AWS4-HMAC-SHA256".length)
        .split(",")
        .map((part) => part.trim().split("="))
        .map(([key, ...rest]) => [key, rest.join("=")]),
    );
    credential = fields.get("Credential");
    signedHeaders = fields.get("SignedHeaders");
    signature = fields.get("Signature");
    amzDate = headers.get("x-amz-date") || headers.get("date");
    payloadHash = headers.get("x-amz-content-sha256");
  }
  if (!credential || !signedHeaders || !signature || !amzDate || !payloadHash) {
    throw new AuthError("AuthorizationHeaderMalformed", "The SigV4 authorization is incomplete.");
  }
  const [keyId, date, region, service, terminator] = credential.split("/");
  if (keyId !== accessKeyId) {
    throw new AuthError(
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
    );
  }
  if (terminator !== "aws4_request" || !amzDate.startsWith(date)) {
    throw new AuthError(
      "AuthorizationHeaderMalformed",
      "The credential scope does not match the request date.",
    );
  }

  const names = signedHeaders.split(";");
  if (!names.includes("host")) {
    throw new AuthError("AccessDenied", "The host header must be signed.");
  }
  const canonicalHeaders = names.map((name) => {
    if (!headers.has(name)) throw new AuthError("AccessDenied", `Signed header ${name} is missing.`);
    return `${name}:${headers.get(name)}\n`;
  });
  const canonicalQuery = params
    .filter(([key]) => !(presigned && key === "X-Amz-Signature"))
    .map(([key, value]) => [uriEncode(key), uriEncode(value)])
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const canonicalUri = rawPath.split("/").map(uriDecode).map(uriEncode).join("/") || "/";
  const canonicalRequest = [
    req.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders.join(""),
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
  const expected = Buffer.from(crypto.createHmac("sha256", key).update(stringToSign, "utf8").digest("hex"));
  const given = Buffer.from(String(signature));
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new AuthError(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
  }
  // s3rver would store the chunk framing as the object's content.
  if (payloadHash.startsWith("STREAMING-") || /aws-chunked/i.test(headers.get("content-encoding") || "")) {
    throw new AuthError("NotImplemented", "aws-chunked payloads are not supported by this S3 fixture.", 501);
  }
}

/** Throws AuthError unless the request may go on to s3rver. */
function authorize(req) {
  const [rawPath, rawQuery = ""] = req.url.split(/\?(.*)/s);
  const authorization = req.headers.authorization || "";
  if (authorization.startsWith("AWS4-HMAC-SHA256 ") || /(^|&)X-Amz-Algorithm=/.test(rawQuery)) {
    verifySigV4(req, rawPath, rawQuery);
  } else if (authorization.startsWith("AWS ") || /(^|&)Signature=/.test(rawQuery)) {
    // As in AWS regions opened since 2014. (s3rver's own SigV2 check also rejects valid
    // signatures that use the Date header, as rclone's do.)
    throw new AuthError(
      "InvalidRequest",
      "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
      400,
    );
  } else {
    throw new AuthError("AccessDenied", "Anonymous access is not allowed.");
  }
}

/** s3rver's putObject, writing beside the object and renaming it once complete. */
function makePutsAtomic(store) {
  store.putObject = async (object) => {
    const target = store.getResourcePath(object.bucket, object.key, "object");
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.upload-${crypto.randomBytes(6).toString("hex")}`;
    const md5 = crypto.createHash("md5");
    let size = 0;
    try {
      if (Buffer.isBuffer(object.content)) {
        md5.update(object.content);
        size = object.content.length;
        await fs.promises.writeFile(temporary, object.content);
      } else {
        const count = new Transform({
          transform(chunk, _encoding, callback) {
            md5.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        await pipeline(object.content, count, fs.createWriteStream(temporary, { highWaterMark: 8 << 20 }));
      }
      const digest = md5.digest("hex");
      await store.putMetadata(object.bucket, object.key, object.metadata, digest);
      await fs.promises.rename(temporary, target);
      return { size, md5: digest };
    } catch (err) {
      await fs.promises.rm(temporary, { force: true });
      throw err;
    }
  };
}

/**
 * Rewrites a virtual-host request (Host <bucket>.<S3_VHOST_DOMAIN>) to path style for s3rver, after
 * its signature was checked against the URL as sent. s3rver's own vhost matching wants an
 * `s3.<endpoint>` host name, which a container alias cannot be made to look like for droplet.
 */
function toPathStyle(req) {
  if (!vhostDomain) return;
  const hostname = String(req.headers.host || "")
    .replace(/:\d+$/, "")
    .toLowerCase();
  if (!hostname.endsWith(`.${vhostDomain}`)) return;
  const bucket = hostname.slice(0, -vhostDomain.length - 1);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return;
  req.url = `/${bucket}${req.url.startsWith("/") ? "" : "/"}${req.url}`;
}

function xmlEscape(text) {
  return String(text).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function main() {
  const s3rver = new S3rver({
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  makePutsAtomic(s3rver.store);
  s3rver.on("error", (err, ctx) => {
    const status = err.status || 500;
    if (status >= 500)
      console.error(`s3: error on ${ctx ? `${ctx.method} ${ctx.url}` : "?"}: ${err.stack || err}`);
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();

  const server = http.createServer((req, res) => {
    // For the health check: no bucket name starts with "-"; not logged.
    if (req.url === "/-/health" && req.method === "GET") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok\n");
      return;
    }
    const started = Date.now();
    res.on("finish", () =>
      console.log(`s3: ${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`),
    );
    try {
      authorize(req);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      const body =
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<Error><Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message></Error>`;
      res.writeHead(err.status, { "Content-Type": "application/xml", Connection: "close" });
      res.end(req.method === "HEAD" ? undefined : body);
      req.resume();
      return;
    }
    toPathStyle(req);
    handle(req, res);
  });
  // Node 18 aborts requests that take over 5 minutes to arrive; volume uploads may.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65000;
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  console.log(
    `s3: s3rver listening on ${host}:${port}, data in ${directory}, buckets: ${buckets.join(", ") || "(none)"}` +
      (vhostDomain ? `, virtual hosts *.${vhostDomain}` : ""),
  );
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  console.error(`s3: ${err.stack || err}`);
  process.exit(1);
});

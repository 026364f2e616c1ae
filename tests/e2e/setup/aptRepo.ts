// The Bareos packages of ../shared/bareos-debs as a signed flat apt repository, the way a company mirror
// serves them: apt-ftparchive indexes, InRelease/Release.gpg signed with a key made for this run, and the
// key as Release.key (what images/common/bareos-apt-sources.sh fetches and checks by fingerprint).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";

export interface AptRepo {
  readonly url: string;
  readonly keyFingerprint: string;
  close(): Promise<void>;
}

function gpg(home: string, args: string[], input?: string): string {
  return execFileSync("gpg", ["--homedir", home, "--batch", "--yes", ...args], {
    encoding: "utf8",
    input,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Builds the repository in `dir` from the .deb files of `debs`; returns the key's fingerprint. */
export function buildRepo(debs: string, dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const home = path.join(dir, ".gnupg");
  fs.mkdirSync(home, { mode: 0o700 });
  const files = fs.readdirSync(debs).filter((f) => f.endsWith(".deb"));
  if (files.length === 0) throw new Error(`no .deb files in ${debs}`);
  for (const f of files) fs.copyFileSync(path.join(debs, f), path.join(dir, f));
  try {
    // One day is enough: the key signs this run's repository and nothing else.
    gpg(home, [
      "--passphrase",
      "",
      "--quick-gen-key",
      "bareos-s3-backup e2e throw-away <e2e@localhost>",
      "rsa3072",
      "sign",
      "1d",
    ]);
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(gpg(home, ["--with-colons", "--list-keys"]))?.[1];
    if (!fpr) throw new Error("gpg made no key");
    fs.writeFileSync(
      path.join(dir, "Packages"),
      execFileSync("apt-ftparchive", ["packages", "."], { cwd: dir }),
    );
    fs.writeFileSync(
      path.join(dir, "Release"),
      execFileSync("apt-ftparchive", ["release", "."], { cwd: dir }),
    );
    gpg(home, ["--armor", "--detach-sign", "-o", path.join(dir, "Release.gpg"), path.join(dir, "Release")]);
    gpg(home, ["--clearsign", "-o", path.join(dir, "InRelease"), path.join(dir, "Release")]);
    fs.writeFileSync(path.join(dir, "Release.key"), gpg(home, ["--armor", "--export", fpr]));
    return fpr;
  } finally {
    try {
      execFileSync("gpgconf", ["--homedir", home, "--kill", "all"], { stdio: "ignore" });
    } catch {
      // no agent was started
    }
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Serves `dir` read-only over HTTP on `address` (a free port). Only its top-level files exist. */
export async function serveRepo(dir: string, address: string, fingerprint: string): Promise<AptRepo> {
  const files = new Set(fs.readdirSync(dir));
  const server = http.createServer((req, res) => {
    // apt asks for the Packages index's "Filename: ./<deb>" as "/./<deb>".
    const name = path.posix.normalize(decodeURIComponent((req.url ?? "/").split("?")[0])).replace(/^\/+/, "");
    if ((req.method !== "GET" && req.method !== "HEAD") || !files.has(name)) {
      res.writeHead(404).end();
      return;
    }
    const file = path.join(dir, name);
    res.writeHead(200, { "content-length": fs.statSync(file).size });
    if (req.method === "HEAD") res.end();
    else fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, address, resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${address}:${port}`,
    keyFingerprint: fingerprint,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

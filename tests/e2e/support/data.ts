// The data the e2e backs up: one large incompressible file, a few hundred small ones, odd names, a
// symlink, odd modes, and files the FileSet excludes; and the comparison of a tree with its restore,
// computed inside the file daemon's container (where both are).
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type Docker from "dockerode";
import { execOk } from "../../../scripts/ops/exec";

/** What the default TestData FileSet must leave out: `*.tmp` anywhere and the cache directory. */
export const EXCLUDED = [
  "scratch.tmp",
  "small/dir-3/partial.tmp",
  "cache",
  "cache/index.db",
  "cache/blob.bin",
];

/** Writes the data under `dir` (host side); `bigBytes` of random data in one file. */
export function generateData(dir: string, bigBytes: number): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const big = fs.openSync(path.join(dir, "big.bin"), "w");
  const chunk = 16 * 1024 * 1024;
  for (let left = bigBytes; left > 0; left -= chunk)
    fs.writeSync(big, crypto.randomBytes(Math.min(chunk, left)));
  fs.closeSync(big);
  for (let i = 0; i < 300; i++) {
    const sub = path.join(dir, "small", `dir-${i % 7}`);
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(
      path.join(sub, `file-${String(i).padStart(3, "0")}.txt`),
      crypto.randomBytes(crypto.randomInt(0, 65536)),
    );
  }
  fs.writeFileSync(path.join(dir, "name with spaces.txt"), "spaces\n");
  fs.writeFileSync(path.join(dir, "ünïcödé-ファイル.txt"), "utf-8\n");
  fs.writeFileSync(path.join(dir, "private.key"), "secret\n", { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "run.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
  fs.chmodSync(path.join(dir, "private.key"), 0o600);
  fs.chmodSync(path.join(dir, "run.sh"), 0o755);
  fs.symlinkSync("small/dir-1/file-001.txt", path.join(dir, "link-to-file"));
  fs.writeFileSync(path.join(dir, "scratch.tmp"), "excluded\n");
  fs.writeFileSync(path.join(dir, "small/dir-3/partial.tmp"), "excluded\n");
  fs.mkdirSync(path.join(dir, "cache"));
  fs.writeFileSync(path.join(dir, "cache/index.db"), "excluded\n");
  fs.writeFileSync(path.join(dir, "cache/blob.bin"), crypto.randomBytes(4096));
}

export interface Entry {
  /** f, d or l. */
  readonly kind: string;
  readonly mode: string;
  /** sha256 of a file, target of a symlink, "" for a directory. */
  readonly content: string;
}

/** Every entry below `root` inside `container`: kind, mode, and content hash or link target. */
export async function manifest(docker: Docker, container: string, root: string): Promise<Map<string, Entry>> {
  // NUL-separated, so names with spaces or newlines survive.
  const script = `cd "$1" && find . -mindepth 1 -printf '%y %m %p\\0%l\\0' && printf '\\1' && find . -type f -print0 | xargs -0 -r sha256sum -z`;
  const out = await execOk(docker, container, ["sh", "-c", script, "sh", root]);
  const [listing, sums] = out.split("\u0001");
  const hashes = new Map<string, string>();
  for (const line of sums.split("\0").filter(Boolean)) {
    const m = /^([0-9a-f]{64}) {2}(.*)$/s.exec(line);
    if (m) hashes.set(m[2].replace(/^\.\//, ""), m[1]);
  }
  const entries = new Map<string, Entry>();
  const fields = listing.split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const m = /^(\S) (\d+) (.*)$/s.exec(fields[i]);
    if (!m) continue;
    const rel = m[3].replace(/^\.\//, "");
    entries.set(rel, {
      kind: m[1],
      mode: m[2],
      content: m[1] === "f" ? (hashes.get(rel) ?? "?") : m[1] === "l" ? fields[i + 1] : "",
    });
  }
  return entries;
}

/** Differences between a source tree and its restore, one line each (empty: identical). */
export function compare(
  source: Map<string, Entry>,
  restored: Map<string, Entry>,
  excluded: readonly string[],
): string[] {
  const diffs: string[] = [];
  for (const [p, e] of source) {
    if (excluded.includes(p)) continue;
    const r = restored.get(p);
    if (!r) diffs.push(`missing: ${p}`);
    else if (r.kind !== e.kind || r.mode !== e.mode || r.content !== e.content)
      diffs.push(
        `differs: ${p} (${e.kind} ${e.mode} ${e.content.slice(0, 16)} != ${r.kind} ${r.mode} ${r.content.slice(0, 16)})`,
      );
  }
  for (const p of restored.keys()) if (!source.has(p) || excluded.includes(p)) diffs.push(`unexpected: ${p}`);
  return diffs;
}

// The base every image FROMs, made without a registry: debootstrap of Debian 12 from the machine's own
// Debian mirror, imported under exactly the tag the Dockerfiles name, so they build unchanged.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type Docker from "dockerode";
import { isNotFound } from "../realizer/handler";

export const BASE_IMAGE = "debian:12.12-slim";

/** The Debian (and security) mirror this machine's apt uses, so debootstrap reaches what apt reaches. */
export function debianMirrors(sources = "/etc/apt"): { debian: string; security: string } {
  const texts: string[] = [];
  const read = (f: string) => fs.existsSync(f) && texts.push(fs.readFileSync(f, "utf8"));
  read(path.join(sources, "sources.list"));
  const dir = path.join(sources, "sources.list.d");
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).sort()) read(path.join(dir, f));
  const uris = texts.flatMap((t) => [
    ...[...t.matchAll(/^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/gm)].map((m) => ({
      uri: m[1],
      suites: m[2],
    })),
    ...[...t.matchAll(/^URIs:\s*(\S+)[\s\S]*?^Suites:\s*([^\n]+)/gm)].map((m) => ({
      uri: m[1],
      suites: m[2],
    })),
  ]);
  const find = (suite: string) =>
    uris.find((u) => u.suites.split(/\s+/).includes(suite))?.uri.replace(/\/+$/, "");
  return {
    debian: find("bookworm") ?? "http://deb.debian.org/debian",
    security: find("bookworm-security") ?? "http://deb.debian.org/debian-security",
  };
}

/** deb822 sources like the official image's: bookworm, its updates, and security. */
function debianSources(m: { debian: string; security: string }): string {
  const entry = (uri: string, suites: string) =>
    `Types: deb\nURIs: ${uri}\nSuites: ${suites}\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`;
  return `${entry(m.debian, "bookworm bookworm-updates")}\n${entry(m.security, "bookworm-security")}`;
}

/** Imports `BASE_IMAGE` unless the engine has it already. Returns true when it made the image. */
export async function ensureBaseImage(docker: Docker, dir: string): Promise<boolean> {
  try {
    await docker.getImage(BASE_IMAGE).inspect();
    return false;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const rootfs = path.join(dir, "rootfs");
  fs.rmSync(rootfs, { recursive: true, force: true });
  const mirrors = debianMirrors();
  execFileSync("debootstrap", ["--variant=minbase", "bookworm", rootfs, mirrors.debian], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  fs.rmSync(path.join(rootfs, "etc/apt/sources.list"), { force: true });
  fs.writeFileSync(path.join(rootfs, "etc/apt/sources.list.d/debian.sources"), debianSources(mirrors));
  // This machine's network drops connections now and then (a build failed on one connect timeout to
  // the local Bareos repository): apt retries more than its default 3, with its growing delay.
  fs.writeFileSync(path.join(rootfs, "etc/apt/apt.conf.d/80e2e-retries"), 'Acquire::Retries "10";\n');
  // Downloaded packages stay out of the image; the official images clean them the same way.
  fs.rmSync(path.join(rootfs, "var/cache/apt/archives"), { recursive: true, force: true });
  fs.mkdirSync(path.join(rootfs, "var/cache/apt/archives/partial"), { recursive: true });
  const tar = spawn("tar", ["-C", rootfs, "--numeric-owner", "-c", "."], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [repo, tag] = BASE_IMAGE.split(":");
  const stream = await docker.importImage(tar.stdout, {
    repo,
    tag,
    changes: 'CMD ["bash"]',
  } as unknown as object);
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
  );
  fs.rmSync(rootfs, { recursive: true, force: true });
  await docker.getImage(BASE_IMAGE).inspect();
  return true;
}

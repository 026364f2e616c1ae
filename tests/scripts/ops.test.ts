// The pure parts of `npm run drill` and `npm run recover`: how they read Bareos's and psql's output, judge
// a restored file, and put the master keypair together. The commands themselves run in tests/e2e.
import * as crypto from "node:crypto";
import * as fc from "fast-check";
import { nulRows } from "../../scripts/ops/catalog";
import {
  HASH_TOOLS,
  formatReport,
  judge,
  nameable,
  restoreCommands,
  sample,
  signatureHex,
} from "../../scripts/ops/drill";
import {
  masterKeypair,
  parseStamp,
  pgpassPassword,
  volumeGroups,
  volumesOf,
} from "../../scripts/ops/recover";
import { dockerOptions } from "../../scripts/ops/stack";
import { pgpassField } from "../../configs/director";

describe("drill", () => {
  it("reads the catalog's signature: base64 without padding, as Bareos stores the digest", () => {
    // What Bareos's BinToBase64(.., true) writes for these digests (standard alphabet, no "=").
    const data = Buffer.from("hello\n");
    for (const algorithm of ["md5", "sha1", "sha256", "sha512"]) {
      const digest = crypto.createHash(algorithm).update(data).digest();
      const stored = digest.toString("base64").replace(/=+$/, "");
      expect(signatureHex(stored)).toBe(digest.toString("hex"));
    }
    expect(signatureHex("0")).toBeUndefined();
    expect(signatureHex("")).toBeUndefined();
    expect(signatureHex("not base64!")).toBeUndefined();
  });

  it("has a tool for every signature a FileSet can take", () => {
    expect(Object.keys(HASH_TOOLS).sort()).toEqual(["MD5", "SHA1", "SHA256", "SHA512", "XXH128"]);
  });

  it("judges a file by the live source first, the catalog second, and flags everything else", () => {
    expect(judge("/a", "11", "11", "22", 5).verdict).toBe("source");
    expect(judge("/a", "22", "11", "22", 5).verdict).toBe("catalog");
    expect(judge("/a", "22", undefined, "22", 5).verdict).toBe("catalog");
    expect(judge("/a", "33", "11", "22", 5)).toEqual({
      path: "/a",
      verdict: "mismatch",
      reason: "differs from the live file and the catalog",
      bytes: 5,
    });
    expect(judge("/a", "33", undefined, undefined, 0).reason).toBe("differs from the catalog");
    expect(judge("/a", undefined, "11", "11", 0).reason).toBe("not restored");
  });

  it("samples evenly and deterministically, never more than there is", () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    expect(sample(items, 4)).toEqual([0, 25, 50, 75]);
    expect(sample(items, 4)).toEqual(sample(items, 4));
    expect(sample(items, 500)).toEqual(items);
    expect(sample(items, undefined)).toEqual(items);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), (length, n) => {
        const s = sample(
          Array.from({ length }, (_, i) => i),
          n,
        );
        expect(s).toHaveLength(Math.min(length, n));
        expect(new Set(s).size).toBe(s.length);
      }),
    );
  });

  it("reports counts, rates and every mismatch", () => {
    const text = formatReport({
      job: "j",
      backupJobIds: [1, 4],
      restoreJobId: "9",
      restoreClient: "bareos-fd",
      where: "/tmp/bareos-restores/drill-x",
      checked: [
        { path: "/d/a", verdict: "source", bytes: 2_000_000 },
        { path: "/d/b", verdict: "catalog", bytes: 1_000_000 },
        { path: "/d/c", verdict: "mismatch", reason: "not restored", bytes: 0 },
      ],
      restoreSeconds: 2,
      checkSeconds: 1,
      unsigned: 1,
    });
    expect(text).toContain(
      "3 checked (1 equal to the live source, 1 to the catalog's signature only), 1 without a signature",
    );
    expect(text).toContain("bytes:       3000000 (3.0 MB)");
    expect(text).toContain("restore 2.0 s (1.5 MB/s)");
    expect(text).toContain("mismatches:  1\n    /d/c: not restored");
  });
});

describe("catalog queries", () => {
  it("splits psql's NUL-separated output into rows, whatever the text holds", () => {
    expect(nulRows("/a b\0sig\0/c\nd\0sig2\0", 2)).toEqual([
      ["/a b", "sig"],
      ["/c\nd", "sig2"],
    ]);
    expect(nulRows("", 2)).toEqual([]);
    expect(() => nulRows("a\0b\0c\0", 2)).toThrow(/not rows of 2/);
  });
});

describe("recover", () => {
  it("reads the kit's stamp", () => {
    expect(parseStamp("written=2026-12-02T18:00:00Z\njobid=42\n")).toEqual({
      written: "2026-12-02T18:00:00Z",
      jobid: "42",
    });
  });

  it("lists the volumes in the bucket, not the kit's folder", () => {
    expect(volumesOf("S3-Full-0001/\ndr/\nS3-Inc-0002/\n\n")).toEqual(["S3-Full-0001", "S3-Inc-0002"]);
    // Nothing that could smuggle an option or a shell word into bscan's -V.
    expect(volumesOf("-x/\na b/\n$(id)/\n")).toEqual([]);
  });

  it("reads the administrator's password back from the pgpass the stack writes", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !/[\r\n]/.test(s)),
        (password) => {
          const line = `${["bareos-db", "5432", "*", "postgres", password].map(pgpassField).join(":")}\n`;
          expect(pgpassPassword(line)).toEqual({ user: "postgres", password });
        },
      ),
    );
    expect(() => pgpassPassword("a:b\n")).toThrow(/five fields/);
  });

  it("groups volumes for bscan -V so no group passes a Bareos name's length", () => {
    const volumes = Array.from({ length: 30 }, (_, i) => `S3-Full-${String(i).padStart(4, "0")}`);
    const groups = volumeGroups(volumes);
    expect(groups.flat()).toEqual(volumes);
    for (const g of groups) expect(g.join("|").length).toBeLessThanOrEqual(127);
    expect(volumeGroups(["one"])).toEqual([["one"]]);
  });

  it("puts the master keypair together: key first, then the certificate from the key file or the kit", () => {
    const key = "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----";
    const cert = "-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----";
    expect(masterKeypair(`${key}\n${cert}\n`, undefined)).toBe(`${key}\n${cert}\n`);
    expect(masterKeypair(`${key}\n`, `${cert}\n`)).toBe(`${key}\n${cert}\n`);
    expect(() => masterKeypair(cert, cert)).toThrow(/no PEM private key/);
    expect(() => masterKeypair(key, undefined)).toThrow(/no master certificate/);
  });
});

describe("the stack's Docker host", () => {
  it("reaches the engine the provider would", () => {
    expect(dockerOptions(undefined)).toEqual({});
    expect(dockerOptions("unix:///var/run/docker.sock")).toEqual({ socketPath: "/var/run/docker.sock" });
    expect(dockerOptions("tcp://10.0.0.5:2376")).toMatchObject({ host: "10.0.0.5", port: 2376 });
    expect(dockerOptions("ssh://ops@backup.example.com")).toMatchObject({
      host: "backup.example.com",
      port: 22,
      protocol: "ssh",
      username: "ops",
    });
    expect(() => dockerOptions("npipe:////./pipe/docker_engine")).toThrow(/only unix/);
  });
});

describe("the drill's restore", () => {
  it("restores the whole chain with all, or marks each sampled path in the chain's tree", () => {
    expect(restoreCommands([1, 3], "fd", "fd", "/tmp/bareos-restores/drill-x", undefined)).toBe(
      "restore jobid=1,3 client=fd restoreclient=fd where=/tmp/bareos-restores/drill-x all done yes",
    );
    expect(
      restoreCommands([1, 3], "nas", "fd", "/tmp/r", ["/data/a b.txt", "/data/ü.txt"]).split("\n"),
    ).toEqual([
      "restore jobid=1,3 client=nas restoreclient=fd where=/tmp/r yes",
      'mark "/data/a b.txt"',
      'mark "/data/ü.txt"',
      "done",
    ]);
  });

  it("never marks a path it cannot name exactly (a pattern, a quote, a line break, a relative path)", () => {
    for (const p of ['/data/"q"', "/data/a\nb", "/data/*", "/data/[x]", "/data/a\\b", "data/x", "/data/?"]) {
      expect(nameable(p)).toBe(false);
      expect(() => restoreCommands([1], "fd", "fd", "/tmp/r", [p])).toThrow(/cannot be marked/);
    }
    expect(nameable("/data/name with spaces.txt")).toBe(true);
  });
});

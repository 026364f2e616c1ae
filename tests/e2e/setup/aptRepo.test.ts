// The repository server: what apt asks for is served, nothing outside the repository's own files.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { serveRepo } from "./aptRepo";

test("serves the repository's files as apt names them, and nothing else", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "repo-"));
  fs.writeFileSync(path.join(dir, "Release"), "release\n");
  fs.writeFileSync(path.join(dir, "pkg_1.0_amd64.deb"), "deb");
  fs.writeFileSync(path.join(os.tmpdir(), "outside-the-repo"), "secret");
  const repo = await serveRepo(dir, "127.0.0.1", "F".repeat(40));
  try {
    const get = async (p: string) => {
      const r = await fetch(`${repo.url}${p}`);
      return [r.status, r.status === 200 ? await r.text() : ""];
    };
    expect(await get("/Release")).toEqual([200, "release\n"]);
    // "Filename: ./pkg_1.0_amd64.deb" in Packages becomes this request.
    expect(await get("/./pkg_1.0_amd64.deb")).toEqual([200, "deb"]);
    expect((await get("/../outside-the-repo"))[0]).toBe(404);
    expect((await get("/%2e%2e/outside-the-repo"))[0]).toBe(404);
    expect((await get("/"))[0]).toBe(404);
    expect(repo.keyFingerprint).toBe("F".repeat(40));
  } finally {
    await repo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

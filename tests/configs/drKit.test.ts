// The recovery kit's fixed part (the director's README template and master certificate) and its target.
import { DR_KIT_PREFIX, DR_KIT_TEMPLATE, drKitReadme, drKitTarget } from "../../configs/drKit";
import { fakeSecrets, render, resource, settingsFrom, values } from "./fixtures";

describe("recovery kit", () => {
  it("tells the person recovering what the stack was and how to get its catalog back", () => {
    const settings = settingsFrom({}, "prod-eu");
    const readme = drKitReadme(settings);
    expect(readme).toContain('stack "prod-eu"');
    expect(readme).toContain("Bareos 25");
    expect(readme).toContain("npm run recover -- --stack prod-eu");
    expect(readme).toContain("bextract -c /etc/bareos -b bootstrap/BackupCatalog.bsr S3Storage /tmp/recover");
    expect(readme).toContain("| S3-Full | Full | S3-Full- | 365 days |");
    expect(readme).toContain(
      "| backup-testdata-s3 | bareos-fd | TestData | bootstrap/backup-testdata-s3.bsr |",
    );
    // No encrypting client: no word about the master key.
    expect(readme).not.toContain("master");
  });

  it("holds no secret, and the master certificate (public) only when a client encrypts", () => {
    const plain = render();
    expect(Object.keys(plain.out.director).filter((p) => p.includes("/dr-kit/"))).toEqual([DR_KIT_TEMPLATE]);
    const { settings, out } = render({ clients: [{ name: "bareos-fd", encryption: true }] });
    const kit = Object.entries(out.director).filter(([p]) => p.includes("/dr-kit/"));
    expect(kit.map(([p]) => p).sort()).toEqual([
      DR_KIT_TEMPLATE,
      "/etc/bareos/dr-kit/master-certificate.pem",
    ]);
    const text = kit.map(([, f]) => f.content).join("\n");
    const secrets = fakeSecrets(settings);
    for (const s of [
      secrets.director,
      secrets.storage,
      secrets.catalog,
      secrets.catalogAdmin,
      secrets.s3SecretAccessKey,
    ])
      expect(text).not.toContain(s);
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).toContain("-----BEGIN CERTIFICATE-----\nmaster\n-----END CERTIFICATE-----");
    expect(text).toContain("--master-key");
  });

  it("is left out on the legacy barcus preset, whose images have no kit script", () => {
    const { out } = render({
      bareosVersion: "22",
      s3: { backend: "droplet" },
      images: { preset: "barcus-22" },
    });
    expect(Object.keys(out.director).filter((p) => p.includes("/dr-kit/"))).toEqual([]);
    const job = resource(out.director, "/etc/bareos/bareos-dir.d/job/BackupCatalog.conf");
    expect(values(job, "RunAfterJob")).toEqual(["/etc/bareos/scripts/delete_catalog_backup MyCatalog"]);
  });

  it("keeps a table cell from breaking the README", () => {
    const readme = drKitReadme(
      settingsFrom({
        jobs: [{ name: "j", client: "bareos-fd", fileSet: "TestData", description: "a | b" }],
      }),
    );
    expect(readme).toContain("| j | bareos-fd | TestData | bootstrap/j.bsr |");
  });

  it("writes to <remote>:<bucket>/dr, and refuses what is not a bucket name", () => {
    expect(drKitTarget("bareos", "my-bucket.example")).toBe(`bareos:my-bucket.example/${DR_KIT_PREFIX}`);
    for (const bad of ["", "a", "Bucket", "b/../x", "b:c", "-b", `b${"x".repeat(63)}`])
      expect(() => drKitTarget("bareos", bad)).toThrow(/not a bucket name/);
  });
});

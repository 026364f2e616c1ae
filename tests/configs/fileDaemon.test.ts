import { PKI_MASTER_CERT, pkiKeyPairPath, renderFileDaemon } from "../../configs/fileDaemon";
import { directives, fakeSecrets, file, render, resource, settingsFrom, value } from "./fixtures";

const FD = "/etc/bareos/bareos-fd.d";
const clients = [
  {
    name: "bareos-fd",
    encryption: true,
    maximumBandwidthPerJob: "10 m/s",
    pluginDirectory: "/usr/lib/bareos/plugins",
    pluginNames: ["python3", "bpipe"],
  },
  { name: "laptop", managed: false, address: "laptop.example.com", port: 9202 },
];

describe("file daemon tree", () => {
  it("renders one tree per client, unmanaged ones included, at bareos-fd.d/<type>/<Name>.conf", () => {
    const { out } = render({ clients });
    expect(Object.keys(out.clients)).toEqual(["bareos-fd", "laptop", "bareos-catalog-fd"]);
    expect(Object.keys(out.clients.laptop)).toEqual([
      `${FD}/client/laptop.conf`,
      `${FD}/director/bareos-dir.conf`,
      `${FD}/messages/Standard.conf`,
    ]);
    for (const [path, f] of Object.entries(out.clients.laptop)) {
      expect(f.mode).toBe(0o640);
      const r = resource(out.clients.laptop, path);
      expect(`${FD}/${r.type.toLowerCase()}/${value(r, "Name")}.conf`).toBe(path);
    }
  });

  it("shares its password and port with the director's Client resource", () => {
    const { out } = render({ clients });
    for (const name of ["bareos-fd", "laptop"]) {
      const dirClient = resource(out.director, `/etc/bareos/bareos-dir.d/client/${name}.conf`);
      const fdDirector = resource(out.clients[name], `${FD}/director/bareos-dir.conf`);
      expect(value(fdDirector, "Password")).toBe(value(dirClient, "Password"));
      expect(value(fdDirector, "Password")).toBe(`fd-${name}-secret`);
      expect(value(fdDirector, "Name")).toBe("bareos-dir");
      const fdClient = resource(out.clients[name], `${FD}/client/${name}.conf`);
      expect(value(fdClient, "FD Port")).toBe(value(dirClient, "FD Port"));
    }
    expect(value(resource(out.director, "/etc/bareos/bareos-dir.d/client/laptop.conf"), "Address")).toBe(
      "laptop.example.com",
    );
    expect(value(resource(out.clients.laptop, `${FD}/client/laptop.conf`), "FD Port")).toBe("9202");
    expect(
      value(resource(out.clients["bareos-fd"], `${FD}/client/bareos-fd.conf`), "FD Port"),
    ).toBeUndefined();
  });

  it("writes bandwidth limits in Bareos speed units and plugin names as one ':' list", () => {
    const { out } = render({ clients });
    const fd = resource(out.clients["bareos-fd"], `${FD}/client/bareos-fd.conf`);
    expect(value(fd, "Maximum Bandwidth Per Job")).toBe("10 m/s");
    expect(value(fd, "Plugin Directory")).toBe("/usr/lib/bareos/plugins");
    expect(value(fd, "Plugin Names")).toBe("python3:bpipe");
    const laptop = resource(out.clients.laptop, `${FD}/client/laptop.conf`);
    expect(directives(laptop, "Maximum Bandwidth Per Job")).toEqual([]);
    expect(directives(laptop, "Plugin Names")).toEqual([]);
  });

  it("sends its messages to the director", () => {
    const { out } = render();
    const messages = resource(out.clients["bareos-fd"], `${FD}/messages/Standard.conf`);
    expect(value(messages, "Director")).toBe('"bareos-dir" = all, !skipped, !restored');
    expect(value(resource(out.clients["bareos-fd"], `${FD}/client/bareos-fd.conf`), "Messages")).toBe(
      "Standard",
    );
  });

  it("writes Maximum Concurrent Jobs on 22 only (deprecated since 24)", () => {
    for (const v of ["22", "24", "25"]) {
      const { out } = render({ bareosVersion: v, ...(v === "22" ? { s3: { backend: "droplet" } } : {}) });
      const fd = resource(out.clients["bareos-fd"], `${FD}/client/bareos-fd.conf`);
      expect([v, value(fd, "Maximum Concurrent Jobs")]).toEqual([v, v === "22" ? "20" : undefined]);
    }
  });
});

describe("client-side encryption", () => {
  it("signs and encrypts with the client's key pair and the master certificate when on", () => {
    const { out } = render({ clients });
    const tree = out.clients["bareos-fd"];
    const fd = resource(tree, `${FD}/client/bareos-fd.conf`);
    expect(value(fd, "PKI Signatures")).toBe("yes");
    expect(value(fd, "PKI Encryption")).toBe("yes");
    expect(value(fd, "PKI Key Pair")).toBe(pkiKeyPairPath("bareos-fd"));
    expect(value(fd, "PKI Master Key")).toBe(PKI_MASTER_CERT);
    expect(value(fd, "PKI Cipher")).toBe("aes256");
    // The files the directives name exist, hold the secrets and are readable by their owner only.
    expect(tree[pkiKeyPairPath("bareos-fd")].mode).toBe(0o600);
    expect(tree[PKI_MASTER_CERT].mode).toBe(0o600);
    expect(file(tree, pkiKeyPairPath("bareos-fd"))).toContain("key-of-bareos-fd");
    expect(file(tree, pkiKeyPairPath("bareos-fd"))).toContain("cert-of-bareos-fd");
    expect(file(tree, PKI_MASTER_CERT)).toContain("master");
    expect(file(tree, PKI_MASTER_CERT)).not.toContain("PRIVATE");
  });

  it("has no PKI directives and no key files when off", () => {
    const { out } = render({ clients });
    const tree = out.clients.laptop;
    expect(file(tree, `${FD}/client/laptop.conf`)).not.toMatch(/PKI/);
    expect(Object.keys(tree).filter((p) => p.includes("/pki/"))).toEqual([]);
  });

  it("refuses an encrypting client without keys", () => {
    const settings = settingsFrom({ clients });
    const secrets = { ...fakeSecrets(settings), clientKeys: {} };
    expect(() => renderFileDaemon(settings, secrets, settings.clients[0])).toThrow(/no keys/);
  });
});

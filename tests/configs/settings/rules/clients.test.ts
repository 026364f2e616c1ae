import { expectAccepted, expectRefused } from "../problems";

const mount = (hostPath: string, containerPath: string, extra: object[] = []) => ({
  clients: [{ name: "bareos-fd", mounts: [{ hostPath, containerPath }, ...extra] }],
});

describe("mounts of managed clients", () => {
  it.each(["/etc/bareos", "/etc", "/var/lib/bareos", "/var/lib", "/var", "/tmp", "/usr/local/data"])(
    "refuses a mount at %s",
    (p) => {
      expectRefused(mount("/srv/x", p), "clients[0].mounts[0].containerPath", /would (cover|hide)/);
    },
  );

  it("refuses /", () => {
    expectRefused(mount("/srv/x", "/"), "clients[0].mounts[0].containerPath", /"\/" would hide/);
  });

  it("refuses ~ and : in host paths", () => {
    expectRefused(mount("~/data", "/data"), "clients[0].mounts[0].hostPath", /starts with ~/);
    expectRefused(mount("/srv/data:ro", "/data"), "clients[0].mounts[0].hostPath", /contains ':'/);
  });

  it("refuses two mounts on one path", () => {
    expectRefused(
      mount("/srv/a", "/data", [{ hostPath: "/srv/b", containerPath: "/data/" }]),
      "clients[0].mounts[1].containerPath",
      /"\/data" is mounted twice/,
    );
  });

  it("refuses an include outside every mount of the job's managed client", () => {
    expectRefused(
      { ...mount("/srv/data", "/data"), fileSets: [{ name: "TestData", include: ["/data", "/home"] }] },
      "fileSets[0].include[1]",
      /"\/home" is outside every mount of managed client "bareos-fd"/,
    );
    expectAccepted({
      ...mount("/srv/data", "/data"),
      fileSets: [{ name: "TestData", include: ["/data/app"] }],
    });
  });
});

describe("addresses", () => {
  it.each(["-h evil", "a..b", "host name", "10.0.0.256", ""])("refuses client address %j", (address) => {
    expectRefused(
      { clients: [{ name: "bareos-fd" }, { name: "nas", managed: false, address }] },
      "clients[1].address",
      /is not a host name or IP address/,
    );
  });
});

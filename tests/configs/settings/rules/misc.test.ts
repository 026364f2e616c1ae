// Catalog, storage, pools, smtp, images and docker rules.
import { expectAccepted, expectRefused, problemsOf } from "../problems";

it("refuses one role as catalog user and admin", () => {
  expectRefused({ catalog: { dbUser: "postgres" } }, "catalog.dbUser", /is also catalog.adminUser/);
});

it("refuses a loopback storage address for unmanaged clients", () => {
  expectRefused(
    {
      clients: [{ name: "bareos-fd" }, { name: "nas", managed: false, address: "nas.example.com" }],
      storage: { address: "localhost", publish: true, bindAddress: "192.0.2.1" },
    },
    "storage.address",
    /is the loopback address/,
  );
});

it("refuses a retention under a day, even on a pool no schedule uses", () => {
  expectRefused(
    {
      pools: [
        {
          name: "Full",
          level: "Full",
          volumeRetention: "365 days",
          maximumVolumeBytes: "50 G",
          maximumVolumes: 10,
          labelFormat: "F-",
        },
        {
          name: "Spare",
          level: "Incremental",
          volumeRetention: "0 days",
          maximumVolumeBytes: "1 G",
          maximumVolumes: 10,
          labelFormat: "S-",
        },
      ],
      jobs: [],
    },
    "pools[1].volumeRetention",
    /recycle \(overwrite\) a volume within a day/,
  );
});

it.each(["-oQueue@example.com", "a%c@example.com", ".a@example.com", 'a"b@example.com'])(
  "refuses recipient %j that bsmtp or Bareos would misread",
  (to) => {
    expectRefused({ smtp: { to: [to] } }, "smtp.to[0]", /is not a mail address we can hand to bsmtp/);
  },
);

it.each(["", "Upper/Case:1", "postgres:16 ; rm"])("refuses image reference %j", (ref) => {
  expectRefused({ images: { smtp: ref } }, "images.smtp", /is not an image reference/);
});

it.each(["/var/run/docker.sock", "docker.example.com:2376", "ssh://host name"])(
  "refuses docker.host %j",
  (host) => {
    expectRefused({ docker: { host } }, "docker.host", /the scheme is required/);
  },
);

it("accepts the docker hosts the provider takes", () => {
  for (const host of ["unix:///var/run/docker.sock", "ssh://ops@docker.example.com", "tcp://10.0.0.5:2376"])
    expectAccepted({ docker: { host } });
});

describe("free text", () => {
  it.each([
    ["a\rb", /contains a line break \(\\r\) at position 1/],
    ["backup\n", /ends with a line break \(a YAML "\|" block keeps its last newline/],
    ["zero\u200bwidth", /\\u200b/],
    ["bidi\u202e", /\\u202e/],
    ["bell\u0007", /\\u0007/],
  ])("refuses description %j, showing the character escaped", (description, message) => {
    expectRefused(
      {
        pools: undefined,
        schedules: [{ name: "WeeklyCycle", description, runs: [{ level: "Full", when: "sun at 02:00" }] }],
      },
      "schedules[0].description",
      message,
    );
  });

  it("shows look-alike letters escaped in messages", () => {
    const problems = problemsOf({ clients: [{ name: "b\u0430reos-fd" }] });
    expect(problems.join("\n")).toContain("b\\u0430reos-fd");
  });

  it("never shows a secret value in a message", () => {
    const problems = problemsOf({ smtp: { username: "u" }, smtpPassword: "hunter2\n" }, ["smtpPassword"]);
    expect(problems.join("\n")).toMatch(/smtpPassword: contains a line break/);
    expect(problems.join("\n")).not.toContain("hunter2");
  });
});

it("refuses a secret given for a key whose outputs are not kept secret", () => {
  const problems = problemsOf({ s3: { endpoint: "x" } }, ["s3"]);
  expect(problems).toContainEqual(expect.stringMatching(/^bareos-s3-backup:s3: is set as a secret/));
});

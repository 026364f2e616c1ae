import { expectAccepted, expectRefused } from "../problems";

const existing = (endpoint: string) => ({
  s3: { provider: "existing", bucketName: "backups", endpoint },
});

describe("endpoint", () => {
  it("refuses credentials, paths and queries in the endpoint", () => {
    expectRefused(existing("https://AKIA:secret@s3.example.com"), "s3.endpoint", /holds credentials/);
    expectRefused(existing("https://s3.example.com/backups"), "s3.endpoint", /has a path, query or fragment/);
    expectRefused(existing("https://s3.example.com?x=1"), "s3.endpoint", /has a path, query or fragment/);
  });

  it("refuses plain http to AWS", () => {
    expectRefused(existing("http://s3.eu-west-1.amazonaws.com"), "s3.endpoint", /AWS over plain http/);
  });
});

describe("writeBehind", () => {
  it("belongs to curl-wrapper.sh on dplcompat, from 0 to 8", () => {
    expectAccepted({ s3: { program: "curl-wrapper.sh", writeBehind: 2 } });
    expectAccepted({ s3: { program: "/opt/bin/curl-wrapper.sh", writeBehind: 8 } });
    expectAccepted({ s3: { writeBehind: 2 } }); // curl-wrapper.sh is the default program
    expectAccepted({ s3: { program: "rclone-wrapper.sh", writeBehind: 0 } });
    expectRefused(
      { s3: { program: "rclone-wrapper.sh", writeBehind: 2 } },
      "s3.writeBehind",
      /2 needs s3.program "curl-wrapper.sh" on the dplcompat backend \(the program is "rclone-wrapper.sh"\)/,
    );
    expectRefused(
      { bareosVersion: "22", s3: { backend: "droplet", writeBehind: 1 } },
      "s3.writeBehind",
      /needs s3.program "curl-wrapper.sh" on the dplcompat backend/,
    );
    expectRefused({ s3: { program: "curl-wrapper.sh", writeBehind: 9 } }, "s3.writeBehind", /8/);
  });
});

describe("readAhead", () => {
  it("belongs to curl-wrapper.sh on dplcompat", () => {
    expectAccepted({ s3: { readAhead: true } }); // curl-wrapper.sh is the default program
    expectAccepted({ s3: { program: "/opt/bin/curl-wrapper.sh", readAhead: true } });
    expectAccepted({ s3: { program: "rclone-wrapper.sh", readAhead: false } });
    expectRefused(
      { s3: { program: "rclone-wrapper.sh", readAhead: true } },
      "s3.readAhead",
      /true needs s3.program "curl-wrapper.sh" on the dplcompat backend \(the program is "rclone-wrapper.sh"\)/,
    );
    expectRefused(
      { bareosVersion: "22", s3: { backend: "droplet", readAhead: true } },
      "s3.readAhead",
      /needs s3.program "curl-wrapper.sh" on the dplcompat backend/,
    );
    expectRefused({ s3: { readAhead: 1 } }, "s3.readAhead", /boolean/);
  });
});

describe("region", () => {
  it("knows AWS's regions, not other stores'", () => {
    expectRefused(
      { s3: { region: "eu-west-9" } },
      "s3.region",
      /"eu-west-9" is not an AWS region; use one of eu-/,
    );
    expectAccepted({ s3: { region: "ap-southeast-2" } });
  });
});

describe("lifecycle transitions in S3's order", () => {
  const t = (...transitions: [number, string][]) => ({
    s3: { transitions: transitions.map(([days, storageClass]) => ({ days, storageClass })) },
  });
  it("refuses going back up the waterfall", () => {
    expectRefused(
      t([30, "GLACIER_IR"], [90, "STANDARD_IA"]),
      "s3.transitions[1].storageClass",
      /goes back up/,
    );
  });
  it("refuses a transition too soon after an IA class", () => {
    expectRefused(
      t([30, "STANDARD_IA"], [45, "GLACIER_IR"]),
      "s3.transitions[1].days",
      /less than 30 days after/,
    );
  });
  it("refuses the upload class as a transition", () => {
    expectRefused(
      { s3: { storageClass: "STANDARD_IA", transitions: [{ days: 30, storageClass: "STANDARD_IA" }] } },
      "s3.transitions[0].storageClass",
      /already the objects' class/,
    );
  });
  it("accepts the waterfall", () => {
    expectAccepted(t([30, "STANDARD_IA"], [60, "GLACIER_IR"]));
  });
});

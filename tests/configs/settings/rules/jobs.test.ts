// Job rules about the verify job each backup job gets, and the stack's own catalog client.
import { expectAccepted, expectRefused, problemsOf } from "../problems";

const job = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  client: "bareos-fd",
  fileSet: "TestData",
  schedule: "WeeklyCycle",
  ...extra,
});

it("refuses a job whose verify job's name is taken by another job", () => {
  expectRefused(
    { jobs: [job("nightly"), job("nightly-verify", { verify: false })] },
    "jobs[0].name",
    /its verify job would be named "nightly-verify", which is already a job/,
  );
  // Without the verify job the names are free.
  expectAccepted({ jobs: [job("nightly", { verify: false }), job("nightly-verify", { verify: false })] });
});

it("refuses a verify job name over 100 characters, and accepts the longest that fits", () => {
  expectRefused({ jobs: [job("j".repeat(94))] }, "jobs[0].name", /would be over 100 characters/);
  expectAccepted({ jobs: [job("j".repeat(93))] });
  expectAccepted({ jobs: [job("j".repeat(100), { verify: false })] });
});

it("refuses a schedule named like the verify schedule rendered for a verified job's schedule", () => {
  expectRefused(
    {
      schedules: [
        { name: "WeeklyCycle", runs: [{ level: "Full", when: "sun at 21:00" }] },
        { name: "WeeklyCycle-verify", runs: [{ level: "Full", when: "sat at 21:00" }] },
      ],
    },
    "schedules[1].name",
    /is the name of the verify schedule rendered for "WeeklyCycle"/,
  );
});

it("reserves the catalog client's name, managed or not", () => {
  expectRefused(
    { clients: [{ name: "bareos-catalog-fd" }], jobs: [] },
    "clients[0].name",
    /reserved for the stack's own catalog client/,
  );
  expect(
    problemsOf({
      clients: [
        { name: "bareos-fd" },
        { name: "bareos-catalog-fd", managed: false, address: "x.example.com" },
      ],
      storage: { address: "backup.example.com", publish: true, bindAddress: "192.0.2.1" },
    }).join("\n"),
  ).toMatch(/clients\[1\]\.name: .*reserved for the stack's own catalog client/);
});

it("refuses a job naming the stack's own client: it is not a data client", () => {
  expectRefused(
    { jobs: [job("j", { client: "bareos-catalog-fd" })] },
    "jobs[0].client",
    /"bareos-catalog-fd" names no client/,
  );
});

it("refuses priority 100 on a scheduled job with a verify job, which could not start after it", () => {
  expectRefused(
    { jobs: [job("j", { priority: 100 })] },
    "jobs[0].priority",
    /no lower priority for its verify job/,
  );
  expectAccepted({ jobs: [job("j", { priority: 99 })] });
  expectAccepted({ jobs: [job("j", { priority: 100, verify: false })] });
  // Unscheduled, it is run by hand: nothing to order.
  expectAccepted({ jobs: [job("j", { priority: 100, schedule: undefined })] });
});

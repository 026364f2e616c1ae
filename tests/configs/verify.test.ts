// The verify job of each backup job: VolumeToCatalog, after the Full and Differential runs, one priority
// lower, disabled with its job, left out with verify: false.
import { render, resource, value, values } from "./fixtures";

const DIR = "/etc/bareos/bareos-dir.d";

describe("verify jobs", () => {
  it("verifies the newest backup of each job from S3 against the catalog", () => {
    const { out } = render();
    const job = resource(out.director, `${DIR}/job/backup-testdata-s3-verify.conf`);
    expect(value(job, "Type")).toBe("Verify");
    expect(value(job, "Level")).toBe("VolumeToCatalog");
    expect(value(job, "Job To Verify")).toBe("backup-testdata-s3");
    expect(value(job, "Client")).toBe("bareos-fd");
    expect(value(job, "FileSet")).toBe("TestData");
    expect(value(job, "Storage")).toBe("S3Storage");
    expect(value(job, "Pool")).toBe("S3-Full");
    // A failed verify mails the operator like a failed backup.
    expect(value(job, "Messages")).toBe("Standard");
    expect(value(job, "Priority")).toBe("11");
    expect(value(job, "Schedule")).toBe("WeeklyCycle-verify");
    // No JobDefs: a verify job writes no bootstrap and takes no backup pools.
    expect(value(job, "JobDefs")).toBeUndefined();
  });

  it("runs after the schedule's Full and Differential runs (weekly with WeeklyCycle), never after an Incremental", () => {
    const { out } = render();
    const schedule = resource(out.director, `${DIR}/schedule/WeeklyCycle-verify.conf`);
    expect(values(schedule, "Run")).toEqual([
      "VolumeToCatalog 1st sat at 21:00",
      "VolumeToCatalog 2nd-5th sat at 21:00",
    ]);
  });

  it("follows its job: disabled with it, unscheduled without a schedule, absent with verify: false", () => {
    const { out } = render({
      jobs: [
        { name: "off", client: "bareos-fd", fileSet: "TestData", schedule: "WeeklyCycle", enabled: false },
        { name: "manual", client: "bareos-fd", fileSet: "TestData", priority: 100 },
        { name: "none", client: "bareos-fd", fileSet: "TestData", verify: false },
      ],
    });
    expect(value(resource(out.director, `${DIR}/job/off-verify.conf`), "Enabled")).toBe("no");
    const manual = resource(out.director, `${DIR}/job/manual-verify.conf`);
    expect(value(manual, "Schedule")).toBeUndefined();
    expect(value(manual, "Priority")).toBe("100");
    expect(Object.keys(out.director)).not.toContain(`${DIR}/job/none-verify.conf`);
  });

  it("renders one verify schedule per schedule a verified job uses, with only its Full and Differential runs", () => {
    const { out } = render({
      schedules: [
        { name: "Weekly", runs: [{ level: "Full", when: "sun at 02:00" }] },
        {
          name: "Odd",
          runs: [
            { level: "Full", when: "sun at 03:00" },
            { level: "Incremental", when: "mon-sat at 03:00" },
          ],
        },
      ],
      jobs: [
        { name: "a", client: "bareos-fd", fileSet: "TestData", schedule: "Weekly" },
        { name: "b", client: "bareos-fd", fileSet: "TestData", schedule: "Weekly" },
        { name: "c", client: "bareos-fd", fileSet: "TestData", schedule: "Odd" },
      ],
    });
    const schedules = Object.keys(out.director).filter(
      (p) => p.includes("/schedule/") && p.includes("-verify"),
    );
    expect(schedules.sort()).toEqual([
      `${DIR}/schedule/Odd-verify.conf`,
      `${DIR}/schedule/Weekly-verify.conf`,
    ]);
    expect(values(resource(out.director, `${DIR}/schedule/Odd-verify.conf`), "Run")).toEqual([
      "VolumeToCatalog sun at 03:00",
    ]);
  });
});

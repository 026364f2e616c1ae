// The storage daemon's memory check against what `npm run bench:backup` measured in the real daemon
// (2026-12-03: 1 GiB Fulls, peak resident memory of the daemon and its wrapper processes, medians of 3).
import { MiB } from "../../../../configs/units";
import { s3DeviceMemory } from "../../../../configs/settings/rules/storage";
import { rawSchema } from "../../../../configs/settings/schema";
import { expectAccepted, expectRefused } from "../problems";

const HEADROOM = 128 * MiB;
const MEASURED = [
  {
    setting: "droplet, 10 MiB, iothreads 0",
    s3: { backend: "droplet", chunkSize: 10 * MiB, ioThreads: 0, ioSlots: 1 },
    peakMiB: 262,
  },
  { setting: "rclone-wrapper.sh, 100 MiB, 2 x 2", s3: { program: "rclone-wrapper.sh" }, peakMiB: 950 },
  { setting: "curl-wrapper.sh, 100 MiB, iothreads 0", s3: { writeBehind: 0 }, peakMiB: 371 },
  { setting: "curl-wrapper.sh, 100 MiB, iothreads 0, writeBehind 2 (the default)", s3: {}, peakMiB: 336 },
  // The daemon alone (an earlier run, one Full).
  {
    setting: "curl-wrapper.sh, 100 MiB, 1 x 2",
    s3: { ioThreads: 1, ioSlots: 2, writeBehind: 0 },
    peakMiB: 556,
  },
];

describe("the S3 device's memory", () => {
  it.each(MEASURED)(
    "counts, before its headroom, at least the measured peak with $setting",
    ({ s3, peakMiB }) => {
      const { total } = s3DeviceMemory(rawSchema.parse({ s3 }));
      expect((total - HEADROOM) / MiB).toBeGreaterThanOrEqual(peakMiB);
    },
  );

  it("fits the default device in 540 MiB and says so when the limit is lower", () => {
    expect(s3DeviceMemory(rawSchema.parse({})).total).toBe(540 * MiB);
    expectAccepted({ storage: { memoryLimit: "540 M" } });
    expectRefused(
      { storage: { memoryLimit: "539 M" } },
      "storage.memoryLimit",
      /is below the 540 MiB the S3 device needs/,
    );
  });

  it("grows with every queued chunk and every upload written behind", () => {
    const total = (s3: Record<string, unknown>) => s3DeviceMemory(rawSchema.parse({ s3 })).total;
    expect(total({ ioThreads: 2, ioSlots: 2 }) - total({ ioThreads: 1, ioSlots: 2 })).toBe(
      2 * 100 * MiB + 16 * MiB,
    );
    expect(total({ writeBehind: 4 }) - total({ writeBehind: 2 })).toBe(2 * 16 * MiB);
  });

  it("counts a restore's two curl-wrapper.sh calls with read-ahead, when uploads run fewer", () => {
    const total = (s3: Record<string, unknown>) => s3DeviceMemory(rawSchema.parse({ s3 })).total;
    expect(total({ writeBehind: 0, readAhead: true }) - total({ writeBehind: 0, readAhead: false })).toBe(
      16 * MiB,
    );
    // The default's three upload calls already cover it.
    expect(total({ readAhead: true })).toBe(total({}));
  });
});

import { isFetchFailure } from "./image";

describe("isFetchFailure", () => {
  it("takes apt's network failures for a reason to build once more", () => {
    // As the storage build printed them (2026-12-03).
    expect(
      isFetchFailure(
        "returned a non-zero code: 100\n--- last output:\nErr:4 http://172.30.231.1:44911  bareos-storage-droplet 25.1.0-1\n  Could not connect to 172.30.231.1:44911 (172.30.231.1), connection timed out\nE: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?",
      ),
    ).toBe(true);
    expect(isFetchFailure("E: Failed to fetch http://deb.debian.org/debian/pool/main/c/curl.deb  404")).toBe(
      true,
    );
  });

  it("leaves a broken Dockerfile a failure", () => {
    expect(
      isFetchFailure("The command '/bin/sh -c test -x /usr/sbin/bscan' returned a non-zero code: 1"),
    ).toBe(false);
    expect(isFetchFailure("E: Version '25.*' for 'bareos-storage' was not found")).toBe(false);
  });
});

// Invalid config stops the program before any resource exists, with the key in the message.
import { inlineConfig, tryRunProgram } from "./harness";

test("a refused value: the key is named and nothing is registered", async () => {
  const { run, error } = await tryRunProgram(
    "dev",
    inlineConfig({ s3: { provider: "aws", transitions: [{ days: 30, storageClass: "GLACIER" }] } }),
  );
  expect(run.pulumi.RunError.isInstance(error)).toBe(true);
  expect((error as Error).message).toContain("bareos-s3-backup:s3.transitions[0].storageClass");
  expect((error as Error).message).toContain("GLACIER");
  expect(run.resources).toEqual([]);
  expect(run.invokes).toEqual([]);
});

test("an unknown key and a credential set in clear are both reported, nothing registered", async () => {
  const { run, error } = await tryRunProgram(
    "dev",
    inlineConfig({
      s3: { provider: "existing", bucketName: "b", bucketname: "typo" },
      s3AccessKeyId: "AKIAINCLEAR",
    }),
  );
  expect(run.pulumi.RunError.isInstance(error)).toBe(true);
  const message = (error as Error).message;
  expect(message).toContain("bareos-s3-backup:s3.bucketname");
  expect(message).toContain("bareos-s3-backup:s3AccessKeyId: must be set as a secret");
  expect(message).not.toContain("AKIAINCLEAR");
  expect(run.resources).toEqual([]);
});

test("a valid secret key is accepted only as a secret", async () => {
  const secretRun = await tryRunProgram(
    "byo",
    inlineConfig(
      { s3: { provider: "existing", bucketName: "team-backups" } },
      { s3AccessKeyId: "AKIAEXAMPLEEXAMPLE12", s3SecretAccessKey: "secret-key-of-the-test-0001" },
    ),
  );
  expect(secretRun.error).toBeUndefined();
  expect(secretRun.run.resources.length).toBeGreaterThan(0);
});

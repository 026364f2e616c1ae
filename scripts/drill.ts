/**
 * A restore drill against a deployed stack, through the stack's Docker host (the one Pulumi deploys to):
 *
 *   npm run drill -- --stack <name> [--job <job>] [--files N] [--timeout SECONDS] [--keep]
 *
 * Restores the newest backup of the job (default: the stack's first job), or an evenly spread sample of
 * N of its files, into the restore volume of the job's client (of the first managed client when the
 * job's is unmanaged). Each restored file is compared with the live file on the client where the client
 * still has it, else with the signature the catalog took at backup time. Prints a report and exits 1 on
 * any mismatch. Writes nothing but the restore volume (and the restore job's record in the catalog); the
 * restored files are removed after a clean drill unless --keep.
 */
import { parseArgs } from "node:util";
import { positive, runOps } from "./ops/cli";
import { drill, formatReport } from "./ops/drill";
import { OpsError, openStack, stackSettings } from "./ops/stack";

runOps(async () => {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      job: { type: "string" },
      files: { type: "string" },
      timeout: { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  if (values.stack === undefined) throw new OpsError("--stack <name> is required");
  const stack = openStack(stackSettings(values.stack));
  const report = await drill(stack, {
    job: values.job,
    files: positive("--files", values.files),
    timeoutSeconds: positive("--timeout", values.timeout) ?? 3600,
    keep: values.keep,
  });
  process.stdout.write(formatReport(report));
  return report.checked.some((c) => c.verdict === "mismatch") ? 1 : 0;
});

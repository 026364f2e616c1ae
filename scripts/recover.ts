/**
 * Brings back the catalog of a stack whose server was lost, from the bucket alone (README, "Disaster
 * recovery"). Deploy the stack again against the surviving bucket first (`pulumi up`), then:
 *
 *   npm run recover -- --stack <name> [--bscan] [--force] [--master-key <file>]
 *
 * Default: fetches the recovery kit from the bucket's dr/ prefix, extracts the newest catalog dump with
 * bextract and the catalog job's bootstrap (inside the storage daemon's container, with its device and
 * keys), loads it into the new catalog and restarts the director. --bscan: without a kit, reads every
 * volume in the bucket into the catalog with bscan. Refuses a catalog that already holds backups unless
 * --force. --master-key: the old stack's encryption master private key (kept offline); each encrypting
 * client gets it, with the kit's master certificate, as its PKI Key Pair, so it can restore what the lost
 * stack encrypted (until the next `pulumi up` gives it its own keys back). Prints the time of each step.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { runOps } from "./ops/cli";
import { formatRecoverReport, recover } from "./ops/recover";
import { OpsError, openStack, stackSettings } from "./ops/stack";

runOps(async () => {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      bscan: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      "master-key": { type: "string" },
    },
  });
  const keyFile = values["master-key"];
  if (keyFile !== undefined && !fs.existsSync(keyFile))
    throw new OpsError(`--master-key ${keyFile}: no such file`);
  if (values.stack === undefined) throw new OpsError("--stack <name> is required");
  const report = await recover(openStack(stackSettings(values.stack)), {
    bscan: values.bscan,
    force: values.force,
    masterKeyPem: keyFile === undefined ? undefined : fs.readFileSync(keyFile, "utf8"),
  });
  process.stdout.write(formatRecoverReport(report));
  return 0;
});

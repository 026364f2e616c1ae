// What `npm run drill` and `npm run recover` share: argument errors and expected failures as one line and
// an exit code, never a stack trace.
import { SettingsError, StackFileError } from "../../configs/settings";
import { OpsError } from "./stack";

/** Runs `main`; expected failures print `error: ...` and exit 1 (a mismatch or a refused input). */
export function runOps(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof OpsError || e instanceof SettingsError || e instanceof StackFileError) {
        console.error(`\nerror: ${e.message}`);
        process.exitCode = 1;
      } else if (e instanceof TypeError && /parseArgs|Unknown option|argument/i.test(e.message)) {
        console.error(`error: ${e.message}`);
        process.exitCode = 2;
      } else {
        console.error(e);
        process.exitCode = 1;
      }
    },
  );
}

/** A whole number > 0 from an option, or an OpsError naming it. */
export function positive(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value))
    throw new OpsError(`${option} ${JSON.stringify(value)} is not a whole number above 0`);
  return Number(value);
}

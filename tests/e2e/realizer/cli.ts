// One realization in a process of its own, as `pulumi up` runs a program: the runtime's late failures (a
// gate's exit code failing the daemon's registration) arrive as this process's unhandled rejections,
// which a Jest test never sees. The state is a file between runs, like Pulumi's.
//   node -r ts-node/register/transpile-only cli.ts REQUEST.json RESULT.json
import * as fs from "node:fs";
import type { StackConfig } from "../../program/harness";
import { Realizer, UploadEdit } from "./realizer";
import type { RealizerEvent } from "./handler";

export interface RealizeRequest {
  readonly stack: string;
  readonly config: StackConfig;
  readonly stateFile: string;
  readonly logDir: string;
  readonly edit?: UploadEdit;
}

export interface RealizeReport {
  /** The program's error, as `pulumi up` prints it; absent when the run succeeded. */
  readonly error?: string;
  readonly events: readonly RealizerEvent[];
  readonly created: readonly string[];
  readonly replaced: readonly string[];
  readonly kept: readonly string[];
  readonly deleted: readonly string[];
  /** The stack outputs, resolved (secrets in clear: `pulumi stack output --show-secrets`). */
  readonly outputs: Readonly<Record<string, unknown>>;
}

async function main(requestFile: string, resultFile: string): Promise<void> {
  const req = JSON.parse(fs.readFileSync(requestFile, "utf8")) as RealizeRequest;
  const realizer = Realizer.load(req.stateFile, req.logDir);
  const result = await realizer.realize(req.stack, req.config, req.edit);
  realizer.save(req.stateFile);
  const outputs: Record<string, unknown> = {};
  if (result.error === undefined) {
    for (const [k, v] of Object.entries(result.run.exports)) {
      outputs[k] = result.run.pulumi.Output.isInstance(v) ? (await result.run.resolve(v)).value : v;
    }
  }
  const e = result.error as { message?: string; stack?: string } | undefined;
  const report: RealizeReport = {
    ...(e !== undefined ? { error: e.message ?? String(e) } : {}),
    events: result.events,
    created: result.created,
    replaced: result.replaced,
    kept: result.kept,
    deleted: result.deleted,
    outputs,
  };
  fs.writeFileSync(resultFile, JSON.stringify(report), { mode: 0o600 });
}

main(process.argv[2], process.argv[3]).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(2);
  },
);

// The suite's side of a realization: the program runs in a child process (realizer/cli.ts), the state
// stays in a file under the scratch folder, and this reads both.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StackConfig } from "../../program/harness";
import type { RealizeReport, RealizeRequest } from "../realizer/cli";
import { Realizer, UploadEdit } from "../realizer/realizer";
import { SCRATCH } from "./handoff";

const STATE = path.join(SCRATCH, "state.json");
const LOGS = path.join(SCRATCH, "logs");
const CLI = path.join(__dirname, "../realizer/cli.ts");

export async function realize(stack: string, config: StackConfig, edit?: UploadEdit): Promise<RealizeReport> {
  const request: RealizeRequest = { stack, config, stateFile: STATE, logDir: LOGS, edit };
  const dir = fs.mkdtempSync(path.join(SCRATCH, "realize-"));
  const reqFile = path.join(dir, "request.json");
  const resFile = path.join(dir, "result.json");
  fs.writeFileSync(reqFile, JSON.stringify(request), { mode: 0o600 });
  try {
    const stderr: Buffer[] = [];
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", CLI, reqFile, resFile],
        {
          stdio: ["ignore", "inherit", "pipe"],
          env: process.env,
        },
      );
      child.stderr.on("data", (c: Buffer) => stderr.push(c));
      child.on("error", reject);
      child.on("exit", (c) => resolve(c ?? 1));
    });
    if (code !== 0 || !fs.existsSync(resFile)) {
      throw new Error(`the realizer exited ${code}:\n${Buffer.concat(stderr).toString("utf8").slice(-8000)}`);
    }
    return JSON.parse(fs.readFileSync(resFile, "utf8")) as RealizeReport;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What the last realization left, for queries and `destroy`. */
export function realized(): Realizer {
  return Realizer.load(STATE, LOGS);
}

/** `pulumi destroy` of everything the realizer holds, with the (now empty) state saved. */
export async function destroyAll(): Promise<void> {
  const r = realized();
  await r.destroy();
  r.save(STATE);
}

// The director, driven as an operator does: bconsole inside its container (the e2e test and `npm run
// drill` / `npm run recover`). Job records are read through
// bconsole's JSON mode (`.api 2`), not by parsing its tables.
import type Docker from "dockerode";
import { execOk } from "./exec";

export interface JobRecord {
  readonly jobid: string;
  readonly job: string;
  readonly name: string;
  readonly level: string;
  readonly jobstatus: string;
  readonly jobfiles: string;
  readonly jobbytes: string;
  readonly jobErrors?: string;
  readonly starttime?: string;
  readonly endtime?: string;
  readonly [key: string]: unknown;
}

export class Bconsole {
  constructor(
    private readonly docker: Docker,
    readonly container: string,
    private readonly pollMs = 2000,
  ) {}

  /** Runs console commands (one per line); returns everything bconsole printed. */
  async run(commands: string): Promise<string> {
    return execOk(this.docker, this.container, ["bconsole"], `${commands}\nquit\n`);
  }

  /** One command in JSON mode: its `result`. */
  async api<T = Record<string, unknown>>(command: string): Promise<T> {
    const out = await this.run(`.api 2\n${command}`);
    // Each answer is one (pretty-printed) JSON object: `.api 2`'s, our command's, then quit's.
    const last = jsonObjects(out)[1] as { result?: T } | undefined;
    if (!last || last.result === undefined) throw new Error(`no JSON result for ${command}:\n${out}`);
    return last.result;
  }

  /** Starts a job; returns its id. */
  async start(job: string, args = ""): Promise<string> {
    const out = await this.run(`run job=${job} ${args} yes`);
    const id = /JobId=(\d+)/.exec(out)?.[1];
    if (!id) throw new Error(`no JobId from run job=${job}:\n${out}`);
    return id;
  }

  async job(jobid: string): Promise<JobRecord> {
    const result = await this.api<{ jobs?: JobRecord[] }>(`llist jobid=${jobid}`);
    const job = result.jobs?.[0];
    if (!job) throw new Error(`no job ${jobid} in the catalog`);
    return job;
  }

  /**
   * Waits until the job has ended, then returns its catalog record. The catalog says T before the
   * director runs the job's Run After Job scripts and delivers its last messages, so the job has
   * ended only once the director no longer holds it either (what bconsole's `wait jobid=` waits for,
   * but with a deadline).
   */
  async finish(
    jobid: string,
    timeoutSeconds: number,
    onStatus?: (status: string) => void,
  ): Promise<JobRecord> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const job = await this.job(jobid);
      onStatus?.(job.jobstatus);
      // C: created, R: running, F/S/m/M/s/j/c/d/t/p/a/i: waiting for something.
      const ended = !/^[CRFSmMsjcdtpai]$/.test(job.jobstatus);
      if (ended && !heldByDirector(await this.run(".status dir current"), jobid)) return job;
      if (Date.now() > deadline)
        throw new Error(
          ended
            ? `job ${jobid} ended ${job.jobstatus}, but the director still held it (its Run After Job scripts) after ${timeoutSeconds}s`
            : `job ${jobid} still ${job.jobstatus} after ${timeoutSeconds}s`,
        );
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  /** The job's log as the director recorded it (for failure messages). */
  async log(jobid: string): Promise<string> {
    return this.run(`list joblog jobid=${jobid}`);
  }

  /** Paths the catalog holds for a job. */
  async files(jobid: string): Promise<string[]> {
    const result = await this.api<{ filenames?: { filename: string }[] }>(`list files jobid=${jobid}`);
    return (result.filenames ?? []).map((f) => f.filename);
  }
}

/** Whether `.status dir current` lists the job: the director still holds it (its scripts, its messages). */
export function heldByDirector(statusCurrent: string, jobid: string): boolean {
  if (!/^\d+$/.test(jobid)) throw new Error(`'${jobid}' is not a job id`);
  if (!/^1000 OK \.status$/m.test(statusCurrent))
    throw new Error(`no answer to .status dir current:\n${statusCurrent}`);
  return new RegExp(`^JobId=${jobid} JobStatus=`, "m").test(statusCurrent);
}

/** The top-level JSON objects in text that mixes them with console lines (strings may hold braces). */
export function jsonObjects(text: string): unknown[] {
  const found: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"' && depth > 0) inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && depth > 0 && --depth === 0) {
      found.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return found;
}

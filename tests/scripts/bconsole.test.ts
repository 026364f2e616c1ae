import type Docker from "dockerode";
import { Bconsole, heldByDirector, jsonObjects } from "../../scripts/ops/bconsole";

test("JSON answers are found among bconsole's other lines, pretty-printed, with braces in strings", () => {
  const out = `Connecting to Director localhost:9101\n.api 2\n{\n  "result": {\n    "api": 2\n  }\n}llist jobid=1\n{\n  "result": {\n    "jobs": [{ "job": "a{b}\\"c", "jobid": "1" }]\n  }\n}\nquit\n`;
  expect(jsonObjects(out)).toEqual([
    { result: { api: 2 } },
    { result: { jobs: [{ job: 'a{b}"c', jobid: "1" }] } },
  ]);
});

// What the 25.1.0 director answers to `.status dir current` (DotStatusJob), as bconsole prints it.
const current = (...jobs: string[]) =>
  `Connecting to Director localhost:9101\n1000 OK: bareos-dir Version: 25.1.0\n.status dir current\n1000 OK .status\n${jobs
    .map((j) => `JobId=${j} JobStatus=R JobErrors=0\n`)
    .join("")}quit\n`;

describe("heldByDirector", () => {
  test("finds the job among the director's running jobs, and no other id that starts alike", () => {
    expect(heldByDirector(current("7", "12"), "12")).toBe(true);
    expect(heldByDirector(current("7", "12"), "1")).toBe(false);
    expect(heldByDirector(current("123"), "12")).toBe(false);
    expect(heldByDirector(current(), "12")).toBe(false);
  });

  test("an answer without the director's OK is an error, not 'not held'", () => {
    expect(() => heldByDirector("Connecting to Director localhost:9101\nfailed\n", "3")).toThrow(
      /no answer to \.status dir current/,
    );
  });

  test("refuses what is not a job id", () => {
    expect(() => heldByDirector(current(), "1|.*")).toThrow(/not a job id/);
  });
});

/** A director whose catalog and running list follow a script: one step per catalog lookup. */
class ScriptedDirector extends Bconsole {
  readonly calls: string[] = [];
  private next = 0;
  private step = { status: "C", held: false };
  constructor(private readonly steps: readonly { status: string; held: boolean }[]) {
    super({} as Docker, "bareos-dir", 1);
  }
  override run(commands: string): Promise<string> {
    this.calls.push(commands);
    if (commands.endsWith("llist jobid=5")) {
      this.step = this.steps[Math.min(this.next++, this.steps.length - 1)];
      return Promise.resolve(
        `{"result":{"api":2}}{"result":{"jobs":[{"jobid":"5","jobstatus":"${this.step.status}"}]}}`,
      );
    }
    if (commands === ".status dir current")
      return Promise.resolve(this.step.held ? current("5") : current("6"));
    return Promise.reject(new Error(`unexpected command ${commands}`));
  }
}

describe("Bconsole.finish", () => {
  test("waits past the catalog's T until the director has run the job's Run After Job scripts", async () => {
    const dir = new ScriptedDirector([
      { status: "R", held: false },
      { status: "T", held: true },
      { status: "T", held: true },
      { status: "T", held: false },
    ]);
    expect((await dir.finish("5", 10)).jobstatus).toBe("T");
    expect(dir.calls.filter((c) => c === ".status dir current")).toHaveLength(3);
  });

  test("a job the director holds past the deadline is an error that says so", async () => {
    const dir = new ScriptedDirector([{ status: "T", held: true }]);
    await expect(dir.finish("5", 0)).rejects.toThrow(/ended T, but the director still held it/);
  });

  test("a running job is not asked about its scripts", async () => {
    const dir = new ScriptedDirector([{ status: "R", held: false }]);
    await expect(dir.finish("5", 0)).rejects.toThrow(/job 5 still R after 0s/);
    expect(dir.calls).not.toContain(".status dir current");
  });
});

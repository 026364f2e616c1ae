// The restore drill (`npm run drill`): restore the newest backup of a job (or a sample of its files) into
// the restore volume, then prove every restored file right, against the live source on the client where
// it still has the file, else against the signature the catalog took at backup time.
import { RESTORE_WHERE, defaultRestoreClient } from "../../configs/director";
import type { ClientSettings, JobSettings, Settings } from "../../configs/settings";
import { Bconsole } from "./bconsole";
import { CatalogFile, filesOfJobs } from "./catalog";
import { execOk } from "./exec";
import { OpsError, Stack, progress, progressDone, requireRunning } from "./stack";

/** The command computing a FileSet Signature on the client, printing the digest in hex first. */
export const HASH_TOOLS: Readonly<Record<string, readonly string[]>> = {
  MD5: ["md5sum"],
  SHA1: ["sha1sum"],
  SHA256: ["sha256sum"],
  SHA512: ["sha512sum"],
  XXH128: ["xxhsum", "-H2"],
};

/** The catalog's signature in hex: Bareos stores the digest as base64 without padding ("0": none). */
export function signatureHex(stored: string): string | undefined {
  if (stored === "0" || stored === "" || !/^[A-Za-z0-9+/]+$/.test(stored)) return undefined;
  return Buffer.from(stored, "base64").toString("hex");
}

/** Evenly spread sample of `n` of `items` (all when n >= length), stable for the same catalog. */
export function sample<T>(items: readonly T[], n: number | undefined): T[] {
  if (n === undefined || n >= items.length) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]);
}

export type Verdict = "source" | "catalog" | "mismatch";

export interface Checked {
  readonly path: string;
  readonly verdict: Verdict;
  readonly reason?: string;
  readonly bytes: number;
}

/** One file's verdict from its three digests (hex; undefined: no such file / no signature). */
export function judge(
  path: string,
  restored: string | undefined,
  live: string | undefined,
  catalog: string | undefined,
  bytes: number,
): Checked {
  if (restored === undefined) return { path, verdict: "mismatch", reason: "not restored", bytes };
  if (live !== undefined && live === restored) return { path, verdict: "source", bytes };
  if (catalog !== undefined && catalog === restored) return { path, verdict: "catalog", bytes };
  const against = live !== undefined ? "the live file and the catalog" : "the catalog";
  return { path, verdict: "mismatch", reason: `differs from ${against}`, bytes };
}

// NUL-separated paths in, `path NUL digest NUL size NUL` out; MISSING for what is not a regular file.
const HASH_SCRIPT = `
while IFS= read -r -d '' f; do
  if [ -f "$f" ] && [ ! -L "$f" ]; then
    h="$("$@" "$f" | cut -d' ' -f1)" || h=ERROR
    s="$(stat -c %s "$f")"
  else
    h=MISSING s=0
  fi
  printf '%s\\0%s\\0%s\\0' "$f" "\${h#\\\\}" "$s"
done`;

interface Digest {
  readonly hex?: string;
  readonly bytes: number;
}

async function digests(
  stack: Stack,
  container: string,
  tool: readonly string[],
  paths: readonly string[],
  onBatch: (done: number) => void,
): Promise<Map<string, Digest>> {
  const out = new Map<string, Digest>();
  const BATCH = 200;
  for (let i = 0; i < paths.length; i += BATCH) {
    const batch = paths.slice(i, i + BATCH);
    const text = await execOk(
      stack.docker,
      container,
      ["bash", "-c", HASH_SCRIPT, "hash", ...tool],
      batch.map((p) => `${p}\0`).join(""),
    );
    const fields = text.split("\0");
    for (let j = 0; j + 2 < fields.length; j += 3) {
      const [path, hex, size] = [fields[j], fields[j + 1], fields[j + 2]];
      out.set(path, { hex: /^[0-9a-f]+$/.test(hex) ? hex : undefined, bytes: Number(size) || 0 });
    }
    onBatch(Math.min(paths.length, i + BATCH));
  }
  return out;
}

export interface DrillOptions {
  readonly job?: string;
  readonly files?: number;
  readonly timeoutSeconds: number;
  /** Keep the restored files (they are removed after a clean drill). */
  readonly keep: boolean;
}

export interface DrillReport {
  readonly job: string;
  readonly backupJobIds: readonly number[];
  readonly restoreJobId: string;
  readonly restoreClient: string;
  readonly where: string;
  readonly checked: readonly Checked[];
  readonly restoreSeconds: number;
  readonly checkSeconds: number;
  /** Files with a signature the catalog did not take (none to compare): counted, not judged. */
  readonly unsigned: number;
}

function pick(
  settings: Settings,
  jobName?: string,
): { job: JobSettings; client: ClientSettings; restoreTo: ClientSettings } {
  const job = jobName === undefined ? settings.jobs[0] : settings.jobs.find((j) => j.name === jobName);
  if (!job)
    throw new OpsError(
      jobName === undefined
        ? "the stack has no jobs"
        : `--job ${JSON.stringify(jobName)} is not a job of this stack; jobs: ${settings.jobs.map((j) => j.name).join(", ")}`,
    );
  const client = settings.clients.find((c) => c.name === job.client);
  if (!client) throw new OpsError(`job ${job.name} names no client of this stack`);
  // An unmanaged client has no restore volume the drill may write to: restore to a managed one.
  const restoreTo = client.managed ? client : defaultRestoreClient(settings);
  if (!restoreTo.managed)
    throw new OpsError("no managed client to restore to (the drill writes only the restore volume)");
  return { job, client, restoreTo };
}

/**
 * A path the restore tree's `mark` can name exactly: in quotes (spaces are fine), without a quote, a
 * backslash or a line break (no escaping there) and without fnmatch's pattern characters.
 */
export function nameable(path: string): boolean {
  return path.startsWith("/") && !/["\r\n\\*?[\]]/.test(path);
}

/**
 * The console input of the restore: the chain's tree, everything or the sample marked in it. Marking
 * in the tree restores the newest version of each path in the chain and counts it once (`file=`
 * arguments together with `jobid=` count each file once per job and end the job "with warnings").
 */
export function restoreCommands(
  chain: readonly number[],
  client: string,
  restoreClient: string,
  where: string,
  paths: readonly string[] | undefined,
): string {
  const restore = `restore jobid=${chain.join(",")} client=${client} restoreclient=${restoreClient} where=${where}`;
  if (paths === undefined) return `${restore} all done yes`;
  const bad = paths.find((p) => !nameable(p));
  if (bad !== undefined) throw new Error(`${JSON.stringify(bad)} cannot be marked in the restore tree`);
  return [`${restore} yes`, ...paths.map((p) => `mark "${p}"`), "done"].join("\n");
}

export async function drill(stack: Stack, options: DrillOptions): Promise<DrillReport> {
  const { settings } = stack;
  const { job, client, restoreTo } = pick(settings, options.job);
  const fileSet = settings.fileSets.find((f) => f.name === job.fileSet);
  const tool = HASH_TOOLS[fileSet?.signature ?? ""];
  if (!tool)
    throw new OpsError(
      `FileSet ${job.fileSet} has signature ${fileSet?.signature}: the drill cannot check it`,
    );
  const restoreContainer = stack.containers.client(restoreTo.name);
  await requireRunning(stack, [stack.containers.director, restoreContainer]);
  const bconsole = new Bconsole(stack.docker, stack.containers.director);

  const jobs =
    (
      await bconsole.api<{ jobs?: { jobid: string; type: string; jobstatus: string }[] }>(
        `llist jobs job=${job.name}`,
      )
    ).jobs ?? [];
  const newest = Math.max(
    0,
    ...jobs.filter((j) => j.type === "B" && /^[TW]$/.test(j.jobstatus)).map((j) => Number(j.jobid)),
  );
  if (newest === 0) throw new OpsError(`job ${job.name} has no successful backup in the catalog`);
  const chainText = await bconsole.run(`.bvfs_get_jobids jobid=${newest}`);
  const chain = (/^([\d,]+)\s*$/m.exec(chainText)?.[1] ?? String(newest)).split(",").map(Number);

  const catalog = await filesOfJobs(stack, chain);
  const signed = catalog.filter((f) => signatureHex(f.signature) !== undefined);
  const chosen: CatalogFile[] = sample(
    options.files === undefined ? signed : signed.filter((f) => nameable(f.path)),
    options.files,
  );
  if (chosen.length === 0)
    throw new OpsError(`the newest backup of ${job.name} holds no file with a signature to check`);

  const where = `${RESTORE_WHERE}/drill-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  const commands = restoreCommands(
    chain,
    client.name,
    restoreTo.name,
    where,
    options.files === undefined ? undefined : chosen.map((f) => f.path),
  );

  const started = performance.now();
  const out = await bconsole.run(commands);
  const restoreJobId = /JobId=(\d+)/.exec(out)?.[1];
  if (!restoreJobId) throw new OpsError(`the director started no restore:\n${out}`);
  const record = await bconsole.finish(restoreJobId, options.timeoutSeconds, (status) =>
    progress(
      `[drill] restore job ${restoreJobId} of ${job.name} (jobs ${chain.join(",")}): ${status}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
    ),
  );
  progressDone();
  if (record.jobstatus !== "T")
    throw new OpsError(
      `restore job ${restoreJobId} ended ${record.jobstatus}:\n${await bconsole.log(restoreJobId)}`,
    );
  const restoreSeconds = (performance.now() - started) / 1000;

  const checkStart = performance.now();
  const paths = chosen.map((f) => f.path);
  const show = (what: string) => (n: number) => progress(`[drill] ${what}: ${n}/${paths.length} files`);
  const restored = await digests(
    stack,
    restoreContainer,
    tool,
    paths.map((p) => `${where}${p}`),
    show("checked restored"),
  );
  const live =
    restoreTo.name === client.name
      ? await digests(stack, restoreContainer, tool, paths, show("checked source"))
      : new Map<string, Digest>();
  progressDone();
  const checked = chosen.map((f) => {
    const r = restored.get(`${where}${f.path}`);
    return judge(f.path, r?.hex, live.get(f.path)?.hex, signatureHex(f.signature), r?.bytes ?? 0);
  });
  const clean = checked.every((c) => c.verdict !== "mismatch");
  if (clean && !options.keep)
    await execOk(stack.docker, restoreContainer, ["rm", "-rf", "--one-file-system", where]);
  return {
    job: job.name,
    backupJobIds: chain,
    restoreJobId,
    restoreClient: restoreTo.name,
    where,
    checked,
    restoreSeconds,
    checkSeconds: (performance.now() - checkStart) / 1000,
    unsigned: catalog.length - signed.length,
  };
}

export function formatReport(r: DrillReport): string {
  const count = (v: Verdict) => r.checked.filter((c) => c.verdict === v).length;
  const bytes = r.checked.reduce((s, c) => s + c.bytes, 0);
  const mismatches = r.checked.filter((c) => c.verdict === "mismatch");
  const lines = [
    `Restore drill of ${r.job} (backup jobs ${r.backupJobIds.join(", ")}), restore job ${r.restoreJobId} to ${r.restoreClient}:${r.where}`,
    `  files:       ${r.checked.length} checked (${count("source")} equal to the live source, ${count("catalog")} to the catalog's signature only), ${r.unsigned} without a signature`,
    `  bytes:       ${bytes} (${(bytes / 1e6).toFixed(1)} MB)`,
    `  time:        restore ${r.restoreSeconds.toFixed(1)} s (${(bytes / 1e6 / Math.max(r.restoreSeconds, 0.001)).toFixed(1)} MB/s), check ${r.checkSeconds.toFixed(1)} s`,
    `  mismatches:  ${mismatches.length}`,
    ...mismatches.slice(0, 50).map((m) => `    ${m.path}: ${m.reason}`),
    ...(mismatches.length > 50 ? [`    ... and ${mismatches.length - 50} more`] : []),
  ];
  return `${lines.join("\n")}\n`;
}

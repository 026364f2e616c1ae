// Rebuilding the catalog of a stack from its bucket (`npm run recover`): the stack is deployed again
// (empty catalog) against the bucket that survived. With the recovery kit: fetch it, extract the
// catalog dump with bextract and the catalog job's bootstrap, load it, restart the director. Without
// it (--bscan): read every volume in the bucket back into the catalog with bscan.
import { CATALOG_BOOTSTRAP, DR_KIT_MASTER_CERT, DR_KIT_STAMP, DR_KIT_TARGET_FILE } from "../../configs/drKit";
import { pkiKeyPairPath } from "../../configs/fileDaemon";
import { CATALOG_ADMIN_PGPASS, CATALOG_PORT, catalogDumpOnClient } from "../../configs/director";
import { RCLONE_CONFIG_PATH } from "../../configs/s3backend";
import { CONFIG_DIR, CREDENTIAL_MODE } from "../../configs/serialize";
import { Bconsole } from "./bconsole";
import { exec, execOk, pipe, singleFileTar } from "./exec";
import { OpsError, Stack, progress, progressDone, requireRunning, waitHealthy } from "./stack";

/** Scratch space in the storage daemon's container (its writable layer, gone with the container). */
export const RECOVER_DIR = "/tmp/bareos-recover";

export interface RecoverOptions {
  /** Rebuild from the volumes with bscan instead of the kit. */
  readonly bscan: boolean;
  /** Go on although the catalog already holds backups (they would be replaced). */
  readonly force: boolean;
  /**
   * The old stack's encryption master private key (PEM, optionally followed by its certificate): the
   * encrypting clients get it as their PKI Key Pair, so they can restore what the lost stack encrypted.
   */
  readonly masterKeyPem?: string;
}

export interface RecoverReport {
  readonly method: "kit" | "bscan";
  /** The kit's stamp (when it was written, by which BackupCatalog job). */
  readonly kit?: Record<string, string>;
  readonly volumes?: readonly string[];
  readonly dumpBytes?: number;
  readonly backupJobs: number;
  /** Clients that now decrypt with the master keypair (until the next `pulumi up` replaces them). */
  readonly masterKeyClients?: readonly string[];
  readonly steps: readonly { readonly step: string; readonly seconds: number }[];
}

/** `key=value` lines (the kit's stamp). */
export function parseStamp(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .map((l) => /^([a-z]+)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
}

/** Volume folders in the bucket (`rclone lsf --dirs-only`), without the kit's. */
export function volumesOf(listing: string, kitPrefix = "dr"): string[] {
  return listing
    .split("\n")
    .map((l) => l.trim().replace(/\/$/, ""))
    .filter((l) => l !== kitPrefix && /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(l))
    .sort();
}

/** libpq's pgpass line `host:port:db:user:password`, with `\:` and `\\` escapes. */
export function pgpassPassword(line: string): { user: string; password: string } {
  const fields: string[] = [];
  let cur = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\" && i + 1 < line.length) cur += line[++i];
    else if (c === ":") {
      fields.push(cur);
      cur = "";
    } else cur += c;
  }
  fields.push(cur.replace(/\r?\n$/, ""));
  if (fields.length !== 5) throw new Error("the catalog's pgpass line does not have five fields");
  return { user: fields[3], password: fields[4] };
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * Bareos's PKI Key Pair file from the master private key and its certificate (from the key file when it
 * has one, else the kit's): key first, then certificate.
 */
export function masterKeypair(keyFile: string, kitCertificate: string | undefined): string {
  const blocks = [...keyFile.matchAll(PEM_BLOCK)];
  const key = blocks.find((b) => /PRIVATE KEY/.test(b[1]))?.[0];
  if (!key) throw new OpsError("--master-key holds no PEM private key");
  const cert =
    blocks.find((b) => b[1] === "CERTIFICATE")?.[0] ??
    [...(kitCertificate ?? "").matchAll(PEM_BLOCK)].find((b) => b[1] === "CERTIFICATE")?.[0];
  if (!cert)
    throw new OpsError(
      "no master certificate: the kit has none and --master-key holds only the key; append the certificate to the key file",
    );
  return `${key}\n${cert}\n`;
}

/** bscan -V takes `a|b|c` only while it fits a Bareos name; longer lists are scanned in groups. */
export function volumeGroups(volumes: readonly string[], max = 127): string[][] {
  const groups: string[][] = [];
  let cur: string[] = [];
  for (const v of volumes) {
    if (cur.length > 0 && [...cur, v].join("|").length > max) {
      groups.push(cur);
      cur = [];
    }
    cur.push(v);
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
}

async function timedStep<T>(
  steps: { step: string; seconds: number }[],
  step: string,
  fn: () => Promise<T>,
): Promise<T> {
  progress(`[recover] ${step} ...`);
  const start = performance.now();
  const r = await fn();
  steps.push({ step, seconds: (performance.now() - start) / 1000 });
  progress(`[recover] ${step}: ${steps[steps.length - 1].seconds.toFixed(1)} s`);
  progressDone();
  return r;
}

async function backupJobCount(bconsole: Bconsole): Promise<number> {
  const jobs = (await bconsole.api<{ jobs?: { type: string }[] }>("llist jobs")).jobs ?? [];
  return jobs.filter((j) => j.type === "B").length;
}

const rclone = (...args: string[]) => ["rclone", "--config", RCLONE_CONFIG_PATH, ...args];

async function fromKit(stack: Stack, steps: { step: string; seconds: number }[]) {
  const { docker, containers, settings } = stack;
  const kit = `${RECOVER_DIR}/kit`;
  // A missing kit is not a failure here: the check below says what to do instead.
  const fetched = await timedStep(steps, "fetch the recovery kit from the bucket", () =>
    exec(docker, containers.storage, [
      "sh",
      "-c",
      `rm -rf "$1" && mkdir -p "$1/kit" && ${rclone("copy", '"$(cat "$2")"', '"$1/kit"').join(" ")}`,
      "sh",
      RECOVER_DIR,
      DR_KIT_TARGET_FILE,
    ]),
  );
  const stamp = await exec(docker, containers.storage, ["cat", `${kit}/${DR_KIT_STAMP}`]);
  const certificate = await exec(docker, containers.storage, ["cat", `${kit}/${DR_KIT_MASTER_CERT}`]);
  const bootstrap = `${kit}/bootstrap/${CATALOG_BOOTSTRAP}`;
  const hasBootstrap = (await exec(docker, containers.storage, ["test", "-s", bootstrap])).exitCode === 0;
  if (stamp.exitCode !== 0 || !hasBootstrap)
    throw new OpsError(
      `no complete recovery kit in the bucket (${DR_KIT_STAMP} or bootstrap/${CATALOG_BOOTSTRAP} missing): rebuild from the volumes with --bscan` +
        (fetched.exitCode === 0 ? "" : `\n(rclone: ${(fetched.stderr || fetched.stdout).trim()})`),
    );
  const restoreDir = `${RECOVER_DIR}/restore`;
  await timedStep(steps, "extract the catalog dump (bextract with the catalog's bootstrap)", () =>
    execOk(docker, containers.storage, [
      "sh",
      "-c",
      // bextract wants its target to exist.
      'mkdir -p "$1" && shift && exec "$@"',
      "sh",
      restoreDir,
      "bextract",
      "-c",
      CONFIG_DIR,
      "-b",
      bootstrap,
      settings.storage.deviceName,
      restoreDir,
    ]),
  );
  const dump = `${restoreDir}${catalogDumpOnClient(settings)}`;
  const loaded = await timedStep(steps, "load the dump into the new catalog", () =>
    pipe(
      docker,
      { container: containers.storage, cmd: ["cat", dump] },
      { container: containers.director, cmd: ["bareos-catalog-load"] },
    ),
  );
  return {
    kit: parseStamp(stamp.stdout),
    dumpBytes: loaded.bytes,
    masterCertificate: certificate.exitCode === 0 ? certificate.stdout : undefined,
  };
}

async function fromVolumes(stack: Stack, steps: { step: string; seconds: number }[]) {
  const { docker, containers, settings } = stack;
  const target = (await execOk(docker, containers.storage, ["cat", DR_KIT_TARGET_FILE])).trim();
  const bucket = target.replace(/\/[^/]*$/, "");
  const volumes = volumesOf(await execOk(docker, containers.storage, rclone("lsf", "--dirs-only", bucket)));
  if (volumes.length === 0) throw new OpsError(`no volumes in ${bucket}`);
  // The administrator's credentials, read where the stack keeps them; bscan takes no password file.
  const { user, password } = pgpassPassword(
    await execOk(docker, containers.director, ["cat", CATALOG_ADMIN_PGPASS]),
  );
  for (const group of volumeGroups(volumes)) {
    await timedStep(steps, `bscan ${group.join(", ")}`, () =>
      execOk(docker, containers.storage, [
        "bscan",
        "-c",
        CONFIG_DIR,
        "-n",
        settings.catalog.dbName,
        "-o",
        settings.names.catalog,
        "-t",
        String(CATALOG_PORT),
        "-u",
        user,
        "-P",
        password,
        "-s",
        "-m",
        "-V",
        group.join("|"),
        settings.storage.deviceName,
      ]),
    );
  }
  return { volumes, masterCertificate: undefined };
}

async function installMasterKeypair(stack: Stack, keypair: string): Promise<string[]> {
  const clients = stack.settings.clients.filter((c) => c.managed && c.encryption);
  for (const c of clients) {
    const container = stack.docker.getContainer(stack.containers.client(c.name));
    await container.putArchive(await singleFileTar(pkiKeyPairPath(c.name), keypair, CREDENTIAL_MODE), {
      path: "/",
    });
    await container.restart({ t: 30 });
    await waitHealthy(stack, stack.containers.client(c.name), 120);
  }
  return clients.map((c) => c.name);
}

export async function recover(stack: Stack, options: RecoverOptions): Promise<RecoverReport> {
  const { docker, containers } = stack;
  await requireRunning(stack, [containers.director, containers.storage, containers.catalog]);
  const bconsole = new Bconsole(docker, containers.director);
  const before = await backupJobCount(bconsole);
  if (before > 0 && !options.force)
    throw new OpsError(
      `the catalog already holds ${before} backup jobs: recovering would replace it (--force to do it anyway)`,
    );
  const steps: { step: string; seconds: number }[] = [];
  try {
    const { masterCertificate, ...found } = options.bscan
      ? await fromVolumes(stack, steps)
      : await fromKit(stack, steps);
    const keypair =
      options.masterKeyPem === undefined ? undefined : masterKeypair(options.masterKeyPem, masterCertificate);
    await timedStep(steps, "restart the director", async () => {
      await docker.getContainer(containers.director).restart({ t: 30 });
      await waitHealthy(stack, containers.director, 300);
    });
    const masterKeyClients =
      keypair === undefined
        ? undefined
        : await timedStep(steps, "give the encrypting clients the master keypair", () =>
            installMasterKeypair(stack, keypair),
          );
    return {
      method: options.bscan ? "bscan" : "kit",
      ...found,
      masterKeyClients,
      backupJobs: await backupJobCount(bconsole),
      steps,
    };
  } finally {
    await exec(docker, containers.storage, ["rm", "-rf", RECOVER_DIR]).catch(() => undefined);
  }
}

export function formatRecoverReport(r: RecoverReport): string {
  const total = r.steps.reduce((s, x) => s + x.seconds, 0);
  return [
    `Catalog recovered from ${r.method === "kit" ? "the recovery kit" : `${r.volumes?.length ?? 0} volumes (bscan)`}`,
    ...(r.kit
      ? [`  kit:          written ${r.kit.written ?? "?"} by BackupCatalog job ${r.kit.jobid ?? "?"}`]
      : []),
    ...(r.dumpBytes !== undefined ? [`  dump:         ${r.dumpBytes} bytes`] : []),
    `  backup jobs:  ${r.backupJobs} in the catalog now`,
    ...(r.masterKeyClients
      ? [
          `  master key:   ${r.masterKeyClients.join(", ") || "no encrypting client"} restore with it until the next \`pulumi up\``,
        ]
      : []),
    ...r.steps.map((s) => `  ${s.seconds.toFixed(1).padStart(7)} s  ${s.step}`),
    `  ${total.toFixed(1).padStart(7)} s  in all`,
    "",
  ].join("\n");
}

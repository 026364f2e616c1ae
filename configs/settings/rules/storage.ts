// The storage daemon: memory for its S3 buffers, jobs per device, and how clients reach it.
import { isIPv4, isIPv6 } from "node:net";
import { describeBytes, MiB } from "../../units";
import { backendOf, deviceOf } from "../derive";
import { show } from "../text";
import type { Rule } from "./rule";

const HEADROOM = 256 * MiB;

/** Whether an address names the machine it is used on (useless to hand to another host). */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  return (
    a === "localhost" ||
    a.endsWith(".localhost") ||
    (isIPv4(a) && a.startsWith("127.")) ||
    (isIPv6(a) && /^(::1|0*:(0*:)*0*1|::ffff:127\.)/.test(a)) ||
    a === "0.0.0.0" ||
    a === "::"
  );
}

export const memoryCoversBuffers: Rule = ({ raw }, report) => {
  const backend = backendOf(raw);
  const { chunkSize, ioThreads, ioSlots } = deviceOf(raw);
  const buffer = Math.max(ioThreads, 1) * ioSlots * chunkSize;
  // The rclone wrapper holds each part in memory before its single PUT (plus ~64 MiB of its own),
  // once per running upload, on top of the queue the storage daemon keeps.
  const usesRclone = backend === "dplcompat" && /(^|\/)rclone-wrapper\.sh$/.test(raw.s3.program);
  const uploads = usesRclone ? Math.max(ioThreads, 1) * (chunkSize + 64 * MiB) : 0;
  if (buffer + uploads + HEADROOM > raw.storage.memoryLimit) {
    const wrapper = usesRclone
      ? ` plus ${describeBytes(uploads)} for the rclone wrapper's running uploads (ioThreads x (chunkSize + 64 MiB))`
      : "";
    report(
      ["storage", "memoryLimit"],
      `${describeBytes(raw.storage.memoryLimit)} is below the S3 buffer of ${describeBytes(buffer)} (ioThreads ${ioThreads} x ioSlots ${ioSlots} x chunkSize ${describeBytes(chunkSize)})${wrapper} plus 256 MiB headroom; raise it or lower s3.chunkSize/ioThreads/ioSlots`,
    );
  }
};

export const dropletOneJobPerDevice: Rule = ({ raw }, report) => {
  if (backendOf(raw) === "droplet" && raw.storage.maximumConcurrentJobs !== 1)
    report(
      ["storage", "maximumConcurrentJobs"],
      `${raw.storage.maximumConcurrentJobs} is not allowed with the droplet backend: it requires 1 job per device`,
    );
};

/** Unmanaged clients connect to the storage daemon themselves (data never passes the director). */
export const unmanagedClientsReachStorage: Rule = ({ raw }, report) => {
  const unmanaged = raw.clients.filter((c) => !c.managed).map((c) => c.name);
  if (unmanaged.length === 0) return;
  const who = `unmanaged client(s) ${unmanaged.map((n) => show(n)).join(", ")}`;
  const { address, publish, bindAddress } = raw.storage;
  if (address === undefined)
    report(
      ["storage", "address"],
      `is required with ${who}: the Docker host's name they reach the storage daemon at`,
    );
  else if (isLoopback(address))
    report(
      ["storage", "address"],
      `${show(address)} is the loopback address: ${who} would connect to themselves; use the Docker host's name or address`,
    );
  if (!publish)
    report(["storage", "publish"], `false leaves the storage daemon unreachable for ${who}; set it to true`);
  else if (bindAddress === "127.0.0.1")
    report(
      ["storage", "bindAddress"],
      `"127.0.0.1" leaves the storage daemon unreachable for ${who}; bind a host address`,
    );
};

export const addressNeedsPublish: Rule = ({ raw }, report) => {
  if (raw.storage.address !== undefined && !raw.storage.publish)
    report(
      ["storage", "address"],
      `${show(raw.storage.address)} is only reachable with storage.publish: true`,
    );
};

export const publishedPortsDistinct: Rule = ({ raw }, report) => {
  const s = raw.storage;
  if (!s.publish) return;
  const taken = [
    { what: "the webui's published port", ip: raw.webui.bindAddress, port: raw.webui.port },
    ...(raw.director.publish
      ? [{ what: "the published director port", ip: raw.director.bindAddress, port: raw.director.port }]
      : []),
  ];
  for (const t of taken) {
    const sameIp = t.ip === s.bindAddress || t.ip === "0.0.0.0" || s.bindAddress === "0.0.0.0";
    if (sameIp && t.port === s.port) report(["storage", "port"], `${s.port} is also ${t.what}`);
  }
};

export const storageRules: readonly Rule[] = [
  memoryCoversBuffers,
  dropletOneJobPerDevice,
  unmanagedClientsReachStorage,
  addressNeedsPublish,
  publishedPortsDistinct,
];

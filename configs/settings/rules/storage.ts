// The storage daemon: memory for its S3 buffers, jobs per device, and how clients reach it.
import { isIPv4, isIPv6 } from "node:net";
import { describeBytes, MiB } from "../../units";
import { backendOf, deviceOf, usesCurlWrapper } from "../derive";
import { show } from "../text";
import type { Raw } from "../schema";
import type { Rule } from "./rule";

// What the storage daemon and its wrappers hold, fitted over `npm run bench:backup` (README, "S3 device
// memory"): the daemon's own ~66 MiB (File device), droplet's ~190 MiB more, and besides its upload
// queue (ioThreads x ioSlots chunks) up to three chunks: 348 MiB peak at queue 0, 556 at 2, 648 at 4,
// with 100 MiB chunks. rclone-wrapper.sh holds its part (plus ~50 MiB); a curl-wrapper.sh call ~10 MiB.
const DAEMON = 64 * MiB;
const DROPLET = 256 * MiB;
const CHUNKS_BEYOND_QUEUE = 3;
const CURL_CALL = 16 * MiB;
const PART_WRAPPER_OVERHEAD = 64 * MiB;
const HEADROOM = 128 * MiB;

/** The memory the storage daemon's container needs for its S3 device, with the terms that make it up. */
export function s3DeviceMemory(raw: Raw): { total: number; terms: string[] } {
  const backend = backendOf(raw);
  const { chunkSize, ioThreads, ioSlots, writeBehind, readAhead } = deviceOf(raw);
  const queue = ioThreads * ioSlots;
  const daemon = (backend === "droplet" ? DROPLET : DAEMON) + (queue + CHUNKS_BEYOND_QUEUE) * chunkSize;
  const terms = [
    `${describeBytes(daemon)} for the daemon (${describeBytes(backend === "droplet" ? DROPLET : DAEMON)} + (ioThreads ${ioThreads} x ioSlots ${ioSlots} + ${CHUNKS_BEYOND_QUEUE}) x chunkSize ${describeBytes(chunkSize)})`,
  ];
  let wrappers = 0;
  if (backend === "dplcompat") {
    const calls = Math.max(ioThreads, 1) + writeBehind;
    if (usesCurlWrapper(raw)) {
      // A restore with read-ahead runs two: the part being sent and the next one being fetched.
      const curlCalls = Math.max(calls, readAhead ? 2 : 1);
      wrappers = curlCalls * CURL_CALL;
      terms.push(
        `${describeBytes(wrappers)} for ${curlCalls} curl-wrapper.sh calls at once (the larger of ioThreads or 1, + writeBehind ${writeBehind}, and 2 with readAhead) x 16 MiB`,
      );
    } else {
      // rclone-wrapper.sh holds each part before its one PUT; another program is assumed to do as much.
      wrappers = calls * (chunkSize + PART_WRAPPER_OVERHEAD);
      terms.push(
        `${describeBytes(wrappers)} for ${calls} running uploads of ${show(raw.s3.program)} x (chunkSize + 64 MiB)`,
      );
    }
  }
  terms.push(`${describeBytes(HEADROOM)} headroom`);
  return { total: daemon + wrappers + HEADROOM, terms };
}

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
  const { total, terms } = s3DeviceMemory(raw);
  if (total > raw.storage.memoryLimit)
    report(
      ["storage", "memoryLimit"],
      `${describeBytes(raw.storage.memoryLimit)} is below the ${describeBytes(total)} the S3 device needs: ${terms.join(", ")}; raise it or lower s3.chunkSize/ioThreads/ioSlots/writeBehind`,
    );
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

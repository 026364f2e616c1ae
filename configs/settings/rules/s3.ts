// The bucket, its endpoint, region, storage classes and lifecycle, and the credentials that fit the provider.
import { describeBytes, GiB, MiB } from "../../units";
import { ARCHIVE_STORAGE_CLASSES, AWS_REGIONS, PROJECT, READABLE_STORAGE_CLASSES } from "../constants";
import { backendOf, deviceOf, usesCurlWrapper } from "../derive";
import { show } from "../text";
import type { Rule } from "./rule";

/** S3's lifecycle waterfall: an object only moves to a class further down (S3 User Guide, "Transitioning objects"). */
const WATERFALL: readonly string[] = [
  "STANDARD",
  "STANDARD_IA",
  "INTELLIGENT_TIERING",
  "ONEZONE_IA",
  "GLACIER_IR",
];
/** Classes an object must stay in for 30 days before the next transition. */
const THIRTY_DAY_CLASSES = ["STANDARD_IA", "ONEZONE_IA"];

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** AWS S3 bucket naming rules; returns what is wrong, or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!S3_BUCKET.test(name))
    return "may contain only lower-case letters, digits, '.' and '-', and start and end with a letter or digit";
  if (name.includes("..")) return "must not contain two adjacent periods";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not look like an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return "must not start with xn--, sthree- or amzn-s3-demo-";
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name)) return "must not end with a reserved AWS suffix";
  // s3cmd/droplet address buckets virtual-host style over TLS: a dot breaks the wildcard certificate.
  if (name.includes("."))
    return "must not contain '.' (virtual-host style TLS access breaks on dotted names)";
  return undefined;
}

/** Prefix of a derived bucket name; the component appends "-" and 8 random characters. */
export function derivedBucketPrefix(project: string, stack: string): string {
  return `${project}-${stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 54)
    .replace(/-+$/, "");
}

/** Whether an endpoint is AWS's own S3 (or no endpoint: AWS). */
export function isAwsEndpoint(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return true;
  const host = new URL(endpoint).hostname;
  return /(^|\.)amazonaws\.com(\.cn)?$/.test(host);
}

export const dplcompatNeedsBareos24: Rule = ({ raw }, report) => {
  if (backendOf(raw) === "dplcompat" && raw.bareosVersion === "22")
    report(["s3", "backend"], `"dplcompat" needs Bareos 24 or later (bareosVersion is "22"); use "droplet"`);
};

/** write_behind is an option of the project's curl-wrapper.sh alone; any other wrapper refuses it. */
export const writeBehindNeedsCurlWrapper: Rule = ({ raw }, report) => {
  if (!raw.s3.writeBehind) return;
  if (!usesCurlWrapper(raw))
    report(
      ["s3", "writeBehind"],
      `${raw.s3.writeBehind} needs s3.program "curl-wrapper.sh" on the dplcompat backend (the program is ${show(raw.s3.program)}); use 0 or that wrapper`,
    );
};

/** read_ahead likewise. */
export const readAheadNeedsCurlWrapper: Rule = ({ raw }, report) => {
  if (!raw.s3.readAhead) return;
  if (!usesCurlWrapper(raw))
    report(
      ["s3", "readAhead"],
      `true needs s3.program "curl-wrapper.sh" on the dplcompat backend (the program is ${show(raw.s3.program)}); use false or that wrapper`,
    );
};

export const chunkSizeInRange: Rule = ({ raw }, report) => {
  const { chunkSize } = deviceOf(raw);
  if (chunkSize < MiB || chunkSize > 5 * GiB)
    report(
      ["s3", "chunkSize"],
      `${describeBytes(chunkSize)} is out of range; use 1 M to 5 G (S3's single-PUT limit)`,
    );
};

export const storageClassReadable: Rule = ({ raw }, report) => {
  const c = raw.s3.storageClass;
  if (!(READABLE_STORAGE_CLASSES as readonly string[]).includes(c)) {
    report(
      ["s3", "storageClass"],
      `${show(c)} is not allowed; use one of ${READABLE_STORAGE_CLASSES.join(", ")} (Bareos must read volumes back without a restore request)`,
    );
  } else if (backendOf(raw) === "droplet" && !["STANDARD", "STANDARD_IA"].includes(c)) {
    report(
      ["s3", "storageClass"],
      `${show(c)} is not supported by the droplet backend (libdroplet knows STANDARD and STANDARD_IA); use one of those or "dplcompat"`,
    );
  }
};

export const transitionsReadable: Rule = ({ raw }, report) => {
  const allowed = READABLE_STORAGE_CLASSES.filter((c) => c !== "STANDARD").join(", ");
  raw.s3.transitions.forEach((t, i) => {
    const at = ["s3", "transitions", i, "storageClass"];
    if ((ARCHIVE_STORAGE_CLASSES as readonly string[]).includes(t.storageClass))
      report(
        at,
        `${show(t.storageClass)} is an archive class: Bareos reads volumes back for restores and pruning; use one of ${allowed}`,
      );
    else if (
      !(READABLE_STORAGE_CLASSES as readonly string[]).includes(t.storageClass) ||
      t.storageClass === "STANDARD"
    )
      report(at, `${show(t.storageClass)} is not allowed; use one of ${allowed}`);
  });
};

/** S3 refuses a lifecycle whose transitions go up the waterfall, repeat a class or come too soon. */
export const transitionsFollowS3Order: Rule = ({ raw }, report) => {
  let previous = { rank: WATERFALL.indexOf(raw.s3.storageClass), days: 0, storageClass: raw.s3.storageClass };
  const sorted = raw.s3.transitions
    .map((t, i) => ({ ...t, i, rank: WATERFALL.indexOf(t.storageClass) }))
    .filter((t) => t.rank > 0)
    .sort((a, b) => a.days - b.days);
  for (const t of sorted) {
    const at = ["s3", "transitions", t.i];
    if (t.days === previous.days && previous.days > 0) {
      report(
        [...at, "days"],
        `${t.days} is also the day of the transition to ${previous.storageClass}: S3 refuses two transitions on one day`,
      );
    } else if (t.storageClass === previous.storageClass) {
      report(
        [...at, "storageClass"],
        `${show(t.storageClass)} is already the objects' class ${previous.days > 0 ? `from day ${previous.days}` : "(s3.storageClass)"}: S3 refuses a transition to the class an object is in`,
      );
    } else if (previous.rank >= 0 && t.rank <= previous.rank) {
      report(
        [...at, "storageClass"],
        `${show(t.storageClass)} after ${previous.storageClass} goes back up S3's lifecycle order (${WATERFALL.join(" -> ")}): S3 refuses it`,
      );
    } else if (
      THIRTY_DAY_CLASSES.includes(previous.storageClass) &&
      previous.days > 0 &&
      t.days < previous.days + 30
    ) {
      report(
        [...at, "days"],
        `${t.days} is less than 30 days after the transition to ${previous.storageClass} (day ${previous.days}): S3 requires 30 days in that class first; use at least ${previous.days + 30}`,
      );
    }
    previous = { rank: t.rank, days: t.days, storageClass: t.storageClass };
  }
};

export const bucketNameValid: Rule = ({ raw, ctx }, report) => {
  const given = raw.s3.bucketName;
  if (given !== undefined) {
    const why = bucketNameProblem(given);
    if (why) report(["s3", "bucketName"], `${show(given)} is not a valid S3 bucket name: it ${why}`);
  } else if (raw.s3.provider === "existing") {
    report(["s3", "bucketName"], `is required with provider "existing" (the bucket to write volumes to)`);
  } else {
    const why = bucketNameProblem(`${derivedBucketPrefix(PROJECT, ctx.stack)}-abcdefgh`);
    if (why)
      report(
        ["s3", "bucketName"],
        `is not set and the name derived from stack ${show(ctx.stack)} ${why}; set s3.bucketName`,
      );
  }
};

export const credentialsFitProvider: Rule = ({ raw }, report) => {
  const provider = raw.s3.provider;
  for (const key of ["s3AccessKeyId", "s3SecretAccessKey"] as const) {
    if (provider === "existing" && raw[key] === undefined)
      report([key], `is required with s3.provider "existing": pulumi config set --secret ${key} <value>`);
    if (provider !== "existing" && raw[key] !== undefined)
      report(
        [key],
        `is only used with s3.provider "existing" (provider is ${show(provider)}): the stack creates its own keys`,
      );
  }
};

export const endpointOnlyForExisting: Rule = ({ raw }, report) => {
  if (raw.s3.provider !== "existing" && raw.s3.endpoint !== undefined)
    report(
      ["s3", "endpoint"],
      `is only used with s3.provider "existing" (provider is ${show(raw.s3.provider)})`,
    );
};

/** The wrappers take scheme, host and port only: a path or query would be dropped, credentials leak. */
export const endpointIsPlain: Rule = ({ raw }, report) => {
  const e = raw.s3.endpoint;
  if (e === undefined) return;
  const u = new URL(e);
  if (u.username !== "" || u.password !== "")
    report(
      ["s3", "endpoint"],
      `${show(`${u.protocol}//***@${u.host}`)} holds credentials: they would sit in plain config; set s3AccessKeyId and s3SecretAccessKey as secrets instead`,
    );
  else if (u.pathname !== "/" || u.search !== "" || u.hash !== "" || e.includes("?") || e.includes("#"))
    report(
      ["s3", "endpoint"],
      `${show(e)} has a path, query or fragment, which Bareos's S3 wrappers drop; give only scheme, host and port (e.g. "https://s3.example.com:9000") and the bucket in s3.bucketName`,
    );
};

export const noPlainHttpToAws: Rule = ({ raw }, report) => {
  const e = raw.s3.endpoint;
  if (e !== undefined && e.startsWith("http:") && isAwsEndpoint(e))
    report(
      ["s3", "endpoint"],
      `${show(e)} is AWS over plain http: use https (credentials and data would cross the internet unencrypted)`,
    );
};

export const regionExists: Rule = ({ raw }, report) => {
  // S3-compatible stores name their regions as they like; AWS's are a known list.
  const aws = raw.s3.provider === "aws" || (raw.s3.provider === "existing" && isAwsEndpoint(raw.s3.endpoint));
  if (aws && !(AWS_REGIONS as readonly string[]).includes(raw.s3.region))
    report(
      ["s3", "region"],
      `${show(raw.s3.region)} is not an AWS region; use one of ${AWS_REGIONS.filter((r) => r.startsWith(raw.s3.region.slice(0, 2))).join(", ") || AWS_REGIONS.join(", ")}`,
    );
};

export const kmsOnlyForAws: Rule = ({ raw }, report) => {
  if (raw.s3.provider !== "aws" && raw.s3.kmsKeyArn !== undefined)
    report(["s3", "kmsKeyArn"], `is only used with s3.provider "aws" (provider is ${show(raw.s3.provider)})`);
};

export const dropletVirtualHostOnly: Rule = ({ raw }, report) => {
  if (backendOf(raw) === "droplet" && (raw.s3.pathStyle || raw.s3.provider === "minio"))
    report(
      ["s3", "backend"],
      `"droplet" addresses buckets virtual-host style only; use "dplcompat" for path-style endpoints`,
    );
};

export const protectForbidsForceDestroy: Rule = ({ raw }, report) => {
  if (raw.protect && raw.s3.forceDestroy)
    report(
      ["s3", "forceDestroy"],
      `true is not allowed with protect: true (it would let pulumi destroy delete the backups)`,
    );
};

export const s3Rules: readonly Rule[] = [
  dplcompatNeedsBareos24,
  chunkSizeInRange,
  writeBehindNeedsCurlWrapper,
  readAheadNeedsCurlWrapper,
  storageClassReadable,
  transitionsReadable,
  transitionsFollowS3Order,
  bucketNameValid,
  credentialsFitProvider,
  endpointOnlyForExisting,
  endpointIsPlain,
  noPlainHttpToAws,
  regionExists,
  kmsOnlyForAws,
  dropletVirtualHostOnly,
  protectForbidsForceDestroy,
];

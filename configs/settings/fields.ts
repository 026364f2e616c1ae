// zod field types shared by the settings shapes: names, units, text, paths, addresses.
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import { parseDuration, parseSize, parseSpeed } from "../units";
import { show, unsafeCharacter } from "./text";

/** Bareos's own limit (core/src/lib/edit.cc IsNameValid): we are stricter and refuse spaces and '/'. */
export const BAREOS_NAME = /^[A-Za-z][A-Za-z0-9_.:-]*$/;
export const MAX_NAME = 127;
/** Container names double as DNS names on the Docker network. */
export const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** 127.0.0.1, 0.0.0.0 or an IPv4 address; ports are published on it. */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const HOST_NAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);
/**
 * user@host. No leading '-' (bsmtp would read the address as an option), no '%' (Bareos expands %-codes
 * in mail commands) and no quotes (the command line is split by Bareos itself).
 */
const EMAIL = new RegExp(
  `^[A-Za-z0-9_+](?:[A-Za-z0-9._+-]{0,62}[A-Za-z0-9_+-])?@${HOST_LABEL}(?:\\.${HOST_LABEL})*$`,
);
/** PostgreSQL identifiers the catalog scripts use unquoted. */
const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/**
 * A Docker image reference as the engine parses it (distribution/reference): [registry[:port]/]path
 * [:tag][@sha256:digest], path components lower case.
 */
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE_REFERENCE = new RegExp(
  `^(?:(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*(?::\\d{1,5})?)/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

export const bareosName = (what: string) =>
  z.string().refine((v) => BAREOS_NAME.test(v) && v.length <= MAX_NAME, {
    error: (iss) =>
      `${show(iss.input)} is not a valid ${what}: use letters, digits and - _ . : (starting with a letter, at most ${MAX_NAME} characters)`,
  });

export const dnsName = (what: string) =>
  z.string().refine((v) => DNS_LABEL.test(v), {
    error: (iss) =>
      `${show(iss.input)} is not a valid ${what}: it is also a container and DNS name, so use lower-case letters, digits and '-' (start with a letter, at most 63 characters)`,
  });

function unit(kind: string, parse: (t: string) => number | undefined, example: string) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    const n = typeof v === "number" ? v : parse(v);
    // Seconds and bytes are whole numbers: Bareos reads "1.5" as 1.
    if (n === undefined || !Number.isSafeInteger(n) || n < 0) {
      ctx.addIssue({ code: "custom", message: `${show(v)} is not a Bareos ${kind}; use e.g. "${example}"` });
      return z.NEVER;
    }
    return n;
  });
}
export const duration = unit("duration", parseDuration, "365 days");
export const size = unit("size", parseSize, "50 G");
export const speed = unit("speed", parseSpeed, "10 m/s");

export const port = z.number().int().min(1).max(65535);

export const email = z.string().refine((v) => EMAIL.test(v) && v.length <= 254, {
  error: (iss) =>
    `${show(iss.input)} is not a mail address we can hand to bsmtp; use e.g. "backup-admins@example.com" (letters, digits and . _ + - before the @, not starting with - or .; no % or quotes)`,
});

export const pgIdentifier = (fallback: string) =>
  z
    .string()
    .regex(PG_IDENTIFIER, {
      error: (iss) =>
        `${show(iss.input)} is not a PostgreSQL identifier: use lower-case letters, digits and _ (start with a letter or _, at most 63 characters)`,
    })
    .default(fallback);

/** Free text written into a quoted Bareos string (or an environment variable): one line, visible characters. */
export const freeText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((v, ctx) => {
      const why = unsafeCharacter(v);
      if (why) ctx.addIssue({ code: "custom", message: `${show(v)} ${why}` });
    });

export const ipv4 = z.string().refine((v) => IPV4.test(v), {
  error: (iss) => `${show(iss.input)} is not an IPv4 bind address; use e.g. "127.0.0.1" or "0.0.0.0"`,
});

/** A DNS name or an IP address another daemon connects to. */
export const hostAddress = z.string().refine(
  // All digits and dots is an IPv4 address or nothing: "10.0.0.256" is not a host name.
  (v) => isIPv4(v) || isIPv6(v) || (v.length <= 253 && HOST_NAME.test(v) && !/^[\d.]+$/.test(v)),
  {
    error: (iss) =>
      `${show(iss.input)} is not a host name or IP address (labels of letters, digits and '-', separated by dots)`,
  },
);

/**
 * An absolute path, written as Bareos and Docker read it: no empty, "." or ".." segments (neither
 * normalises them), no ':' (Docker's bind syntax), no quotes or backslashes (escapes to Bareos and
 * fnmatch). A trailing '/' is dropped: Bareos compares paths without it.
 */
export const absolutePath = z
  .string()
  .superRefine((v, ctx) => {
    const why =
      unsafeCharacter(v) ??
      (!v.startsWith("/")
        ? "is not an absolute path (it must start with /)"
        : /["\\:]/.test(v)
          ? "contains a quote, backslash or ':', which Bareos or Docker would read as syntax"
          : v
                .slice(1)
                .replace(/\/$/, "")
                .split("/")
                .some((s, _i, all) => (s === "" && all.length > 1) || s === "." || s === "..")
            ? `has an empty, "." or ".." segment: write the path as it really is`
            : v.length > 4096
              ? "is longer than 4096 characters"
              : undefined);
    if (why) ctx.addIssue({ code: "custom", message: `${show(v)} ${why}` });
  })
  .transform((v) => (v.length > 1 ? v.replace(/\/$/, "") : v));

/** An apt repository base URL for the image builds: http(s), no credentials, query or fragment. */
export const repositoryUrl = z
  .url({ protocol: /^https?$/ })
  .refine(
    (v) => {
      const u = new URL(v);
      return (
        u.username === "" && u.password === "" && u.search === "" && u.hash === "" && !/[\s"'\\]/.test(v)
      );
    },
    {
      // Credentials would land in image layers and build logs.
      error: (iss) =>
        `${show(iss.input)} must be a plain http(s) repository URL: no credentials, query, fragment, quotes or spaces`,
    },
  )
  .transform((v) => v.replace(/\/+$/, ""));

export const imageReference = z.string().refine((v) => IMAGE_REFERENCE.test(v) && v.length <= 512, {
  error: (iss) =>
    `${show(iss.input)} is not an image reference; use e.g. "registry.example.com/bareos/director:25.1.0" (lower-case repository path, optional :tag and @sha256:digest)`,
});

/** What the Docker provider accepts as a host: a socket or a remote engine, always with its scheme. */
export const dockerHost = z
  .string()
  .refine(
    (v) =>
      unsafeCharacter(v) === undefined &&
      !/\s/.test(v) &&
      (/^(unix|npipe):\/\/\/?[^\s]+$/.test(v) ||
        /^(tcp|ssh):\/\/(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(?::\d{1,5})?\/?$/.test(v) ||
        /^(tcp|ssh):\/\/(?:[A-Za-z0-9._-]+@)?\[[0-9A-Fa-f:]+\](?::\d{1,5})?\/?$/.test(v)),
    {
      error: (iss) =>
        `${show(iss.input)} is not a Docker host; use "unix:///var/run/docker.sock", "ssh://user@host" or "tcp://host:2376" (the scheme is required)`,
    },
  );

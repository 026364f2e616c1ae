// Clients and the host paths mounted into managed ones: names, addresses, and what the mounts cover.
import { isWithin } from "../../excludes";
import { SERVICE_NAMES } from "../constants";
import { mountsOf } from "../derive";
import { DNS_LABEL } from "../fields";
import { show } from "../text";
import { Rule, duplicates } from "./rule";

/**
 * Where a managed file daemon's container keeps what it runs on: its configuration, state, the restore
 * target, the catalog dump, and the system. A mount on, above or below one of these breaks the daemon
 * or hides its files.
 */
const CONTAINER_OWN = ["/etc/bareos", "/var/lib/bareos", "/var/lib/bareos-director", "/tmp/bareos-restores"];
const SYSTEM = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/run", "/sbin", "/sys", "/usr"];

export const managedNamesAreDnsLabels: Rule = ({ raw }, report) => {
  raw.clients.forEach((c, i) => {
    if (c.managed && !DNS_LABEL.test(c.name))
      report(
        ["clients", i, "name"],
        `${show(c.name)} cannot name a managed client: it is also its container's DNS name, so use lower-case letters, digits and '-'`,
      );
  });
};

/** Client and user names become parts of Pulumi resource names, where "::" separates URN fields. */
export const noUrnSeparator: Rule = ({ raw }, report) => {
  raw.clients.forEach((c, i) => {
    if (c.name.includes("::")) report(["clients", i, "name"], `${show(c.name)} must not contain "::"`);
  });
};

export const uniqueClientNames: Rule = ({ raw }, report) =>
  duplicates(
    raw.clients.map((c) => c.name),
    (i, n) => report(["clients", i, "name"], `${show(n)} is used twice; client names must be unique`),
  );

export const notAServiceName: Rule = ({ raw }, report) => {
  const reserved = new Set<string>(Object.values(SERVICE_NAMES));
  raw.clients.forEach((c, i) => {
    if (c.name === SERVICE_NAMES.catalogFd)
      report(
        ["clients", i, "name"],
        `${show(c.name)} is reserved for the stack's own catalog client; choose another client name`,
      );
    else if (c.managed && reserved.has(c.name))
      report(
        ["clients", i, "name"],
        `${show(c.name)} is the container name of another service; choose another client name`,
      );
  });
};

export const unmanagedNeedAddress: Rule = ({ raw }, report) => {
  raw.clients.forEach((c, i) => {
    if (!c.managed && c.address === undefined)
      report(
        ["clients", i, "address"],
        `is required for an unmanaged client (the host name or IP the director connects to)`,
      );
  });
};

export const mountsOnlyManaged: Rule = ({ raw }, report) => {
  raw.clients.forEach((c, i) => {
    if (!c.managed && c.mounts !== undefined)
      report(
        ["clients", i, "mounts"],
        `only applies to managed clients (the stack does not run this file daemon)`,
      );
  });
};

export const pluginDirectoryForNames: Rule = ({ raw }, report) => {
  raw.clients.forEach((c, i) => {
    if (c.pluginNames.length > 0 && c.pluginDirectory === undefined)
      report(
        ["clients", i, "pluginDirectory"],
        `is required when pluginNames is set (e.g. "/usr/lib/bareos/plugins")`,
      );
  });
};

export const rotatedClientsExist: Rule = ({ raw }, report) => {
  const names = raw.clients.map((c) => c.name);
  for (const name of Object.keys(raw.rotation.clients)) {
    if (!names.includes(name))
      report(
        ["rotation", "clients", name],
        `names no client; defined: ${names.join(", ")} (a typo would rotate nothing)`,
      );
  }
};

/** Docker takes a bind's host path literally: no home directory, and ':' is its own separator. */
export const hostPathsAreDockerPaths: Rule = ({ raw }, report) => {
  raw.clients.forEach((c, i) =>
    (c.mounts ?? []).forEach((m, j) => {
      const at = ["clients", i, "mounts", j, "hostPath"];
      if (m.hostPath.startsWith("~"))
        report(at, `${show(m.hostPath)} starts with ~: Docker does not expand it; write the absolute path`);
      else if (m.hostPath.includes(":"))
        report(
          at,
          `${show(m.hostPath)} contains ':': Docker reads it as a bind option separator (mounts are always read-only; write the path alone)`,
        );
      else if (/["\\]/.test(m.hostPath)) report(at, `${show(m.hostPath)} contains a quote or backslash`);
    }),
  );
};

export const mountsKeepTheDaemonWhole: Rule = ({ raw }, report) => {
  raw.clients.forEach((c, i) =>
    (c.mounts ?? []).forEach((m, j) => {
      const at = ["clients", i, "mounts", j, "containerPath"];
      const p = m.containerPath;
      const own = CONTAINER_OWN.find((d) => isWithin(p, d) || isWithin(d, p));
      if (p === "/")
        report(
          at,
          `"/" would hide the file daemon's whole system; mount below a directory of its own, e.g. "/data"`,
        );
      else if (own)
        report(
          at,
          `${show(p)} would ${isWithin(p, own) ? "cover files in" : "hide"} ${show(own)}, which the file daemon's container uses itself; mount elsewhere, e.g. "/data"`,
        );
      else if (SYSTEM.some((d) => isWithin(p, d) || isWithin(d, p)))
        report(
          at,
          `${show(p)} would cover a system directory of the file daemon's container; mount elsewhere, e.g. "/data" or "/srv/..."`,
        );
    }),
  );
};

export const mountPathsDistinct: Rule = ({ raw }, report) => {
  raw.clients.forEach((c, i) =>
    duplicates(
      (c.mounts ?? []).map((m) => m.containerPath),
      (j, p) =>
        report(
          ["clients", i, "mounts", j, "containerPath"],
          `${show(p)} is mounted twice in client ${show(c.name)}`,
        ),
    ),
  );
};

/** A managed client sees only its mounts: an include outside all of them backs up nothing. */
export const includesInsideMounts: Rule = ({ raw }, report) => {
  raw.jobs.forEach((job) => {
    const ci = raw.clients.findIndex((c) => c.name === job.client);
    const client = raw.clients[ci];
    const fi = raw.fileSets.findIndex((f) => f.name === job.fileSet);
    const fileSet = raw.fileSets[fi];
    if (!client?.managed || !fileSet) return;
    const mounts = mountsOf(raw, ci).map((m) => m.containerPath);
    fileSet.include.forEach((inc, k) => {
      if (!mounts.some((m) => isWithin(inc, m)))
        report(
          ["fileSets", fi, "include", k],
          `${show(inc)} is outside every mount of managed client ${show(client.name)} (job ${show(job.name)}; mounts: ${mounts.map((m) => show(m)).join(", ") || "none"}): it would back up nothing`,
        );
    });
  });
};

export const clientRules: readonly Rule[] = [
  managedNamesAreDnsLabels,
  noUrnSeparator,
  uniqueClientNames,
  notAServiceName,
  unmanagedNeedAddress,
  mountsOnlyManaged,
  pluginDirectoryForNames,
  rotatedClientsExist,
  hostPathsAreDockerPaths,
  mountsKeepTheDaemonWhole,
  mountPathsDistinct,
  includesInsideMounts,
];

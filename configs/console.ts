// Consoles of the director: bconsole inside the director container (health check, admin shell) and one
// named Console per webui user with the profile that limits it. All files live in the director tree.
import type { BareosSecrets } from "./secrets";
import type { Settings } from "./settings";
import type { FileTree } from "./fileTree";
import { ConsoleDirector, DirConsole, DirProfile } from "./resources";
import { fileTree, resourceFile } from "./serialize";

export const DIRECTOR_PORT = 9101;
export const WEBUI_PROFILES = ["webui-admin", "webui-readonly"] as const;

// Bareos' shipped webui profiles (core/src/defaultconfigs/bareos-dir.d/profile/): admin may do all but
// change the configuration or throw catalog data away; read-only may look and browse, never act.
const webuiAdmin: DirProfile = {
  kind: "dir/profile",
  name: "webui-admin",
  description: "bareos-webui: everything except configuration changes, purge/prune/delete and raw SQL.",
  commandAcl: [
    "!.bvfs_clear_cache",
    "!.exit",
    "!.sql",
    "!configure",
    "!create",
    "!delete",
    "!purge",
    "!prune",
    "!sqlquery",
    "!umount",
    "!unmount",
    "*all*",
  ],
  jobAcl: ["*all*"],
  scheduleAcl: ["*all*"],
  catalogAcl: ["*all*"],
  poolAcl: ["*all*"],
  storageAcl: ["*all*"],
  clientAcl: ["*all*"],
  fileSetAcl: ["*all*"],
  whereAcl: ["*all*"],
  pluginOptionsAcl: ["*all*"],
};

const webuiReadonly: DirProfile = {
  kind: "dir/profile",
  name: "webui-readonly",
  description: "bareos-webui: read-only access (status, lists, browsing backups).",
  commandAcl: [
    ".api",
    ".help",
    "use",
    "version",
    "status",
    "list",
    "llist",
    ".clients",
    ".jobs",
    ".filesets",
    ".pools",
    ".storages",
    ".defaults",
    ".schedule",
    ".bvfs_lsdirs",
    ".bvfs_lsfiles",
    ".bvfs_update",
    ".bvfs_get_jobids",
    ".bvfs_versions",
    ".bvfs_restore",
  ],
  jobAcl: ["*all*"],
  scheduleAcl: ["*all*"],
  catalogAcl: ["*all*"],
  poolAcl: ["*all*"],
  storageAcl: ["*all*"],
  clientAcl: ["*all*"],
  fileSetAcl: ["*all*"],
  whereAcl: ["*all*"],
};

export const PROFILES: Readonly<Record<(typeof WEBUI_PROFILES)[number], DirProfile>> = {
  "webui-admin": webuiAdmin,
  "webui-readonly": webuiReadonly,
};

/** `/etc/bareos/bconsole.conf` for bconsole run inside the director container. */
export function renderBconsole(settings: Settings, secrets: BareosSecrets): FileTree {
  const director: ConsoleDirector = {
    kind: "console/director",
    name: settings.director.name,
    address: "localhost",
    port: DIRECTOR_PORT,
    password: secrets.director,
  };
  return fileTree([resourceFile(director)]);
}

/** Director-side Profile and Console resources of the webui users. */
export function renderWebuiConsoles(settings: Settings, secrets: BareosSecrets): FileTree {
  const consoles = settings.webui.users.map((user): DirConsole => {
    const password = secrets.webuiUsers[user.name];
    if (password === undefined) throw new Error(`no password for webui user ${JSON.stringify(user.name)}`);
    return {
      kind: "dir/console",
      name: user.name,
      description: `bareos-webui login (${user.profile}).`,
      password,
      profile: [PROFILES[user.profile].name],
      // PHP cannot do TLS-PSK; keep the webui on the internal network instead.
      tlsEnable: false,
      tlsRequire: false,
    };
  });
  return fileTree([...WEBUI_PROFILES.map((p) => PROFILES[p]), ...consoles].map(resourceFile));
}

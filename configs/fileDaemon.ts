// One file daemon's configuration (bareos-fd.d) and, with encryption, its PKI key files. Managed
// clients get it in their container; unmanaged clients get the same tree for the admin to install.
import type { BareosSecrets } from "./secrets";
import type { ClientSettings, Settings } from "./settings";
import type { FileTree } from "./fileTree";
import { FdClient, FdDirector, FdMessages } from "./resources";
import { CONFIG_DIR, CREDENTIAL_MODE, fileTree, resourceFile } from "./serialize";
import { SD_FD_MESSAGES } from "./storage";

export const DEFAULT_FD_PORT = 9102;
export const PKI_DIR = `${CONFIG_DIR}/pki`;
/** Public key only: lets the holder of the master private key restore any client's data. */
export const PKI_MASTER_CERT = `${PKI_DIR}/master.cert`;
// Bareos' default for the FD's Client resource; only Bareos 22 knows the directive without a warning.
const FD_MAXIMUM_CONCURRENT_JOBS = 20;

/** The client's private key followed by its certificate (`PKI Key Pair`). */
export function pkiKeyPairPath(clientName: string): string {
  return `${PKI_DIR}/${clientName}.pem`;
}

export function clientPassword(secrets: BareosSecrets, client: string): string {
  const password = secrets.clients[client];
  if (password === undefined)
    throw new Error(`no password for client ${JSON.stringify(client)} in the secrets`);
  return password;
}

export function renderFileDaemon(
  settings: Settings,
  secrets: BareosSecrets,
  client: ClientSettings,
): FileTree {
  const keys = client.encryption ? secrets.clientKeys[client.name] : undefined;
  if (client.encryption && keys === undefined) {
    throw new Error(`client ${JSON.stringify(client.name)} has encryption on but no keys in the secrets`);
  }
  const fd: FdClient = {
    kind: "fd/client",
    name: client.name,
    description: client.description,
    port: client.port === DEFAULT_FD_PORT ? undefined : client.port,
    maximumConcurrentJobs: settings.bareosVersion === "22" ? FD_MAXIMUM_CONCURRENT_JOBS : undefined,
    maximumBandwidthPerJob: client.maximumBandwidthPerJob,
    pluginDirectory: client.pluginDirectory,
    pluginNames: client.pluginNames.length > 0 ? client.pluginNames : undefined,
    ...(keys
      ? {
          pkiSignatures: true,
          pkiEncryption: true,
          pkiKeyPair: pkiKeyPairPath(client.name),
          pkiMasterKey: [PKI_MASTER_CERT],
          pkiCipher: "aes256" as const,
        }
      : {}),
    messages: SD_FD_MESSAGES,
  };
  const director: FdDirector = {
    kind: "fd/director",
    name: settings.director.name,
    description: "The director allowed to use this file daemon.",
    password: clientPassword(secrets, client.name),
  };
  const messages: FdMessages = {
    kind: "fd/messages",
    name: SD_FD_MESSAGES,
    description: "Send relevant messages to the director.",
    director: [{ destinations: [settings.director.name], types: ["all", "!skipped", "!restored"] }],
  };
  return fileTree([
    ...[fd, director, messages].map(resourceFile),
    ...(keys
      ? ([
          [pkiKeyPairPath(client.name), { content: pem(keys.keypairPem), mode: CREDENTIAL_MODE }],
          [PKI_MASTER_CERT, { content: pem(keys.masterCertificatePem), mode: CREDENTIAL_MODE }],
        ] as const)
      : []),
  ]);
}

function pem(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

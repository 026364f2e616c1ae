// The storage daemon (bareos-sd.d) and the one S3 device it offers. The director's Storage resource is
// derived from the same StorageEndpoint, so Device/Media Type/Password agree by construction.
import type { BareosSecrets } from "./secrets";
import type { Settings } from "./settings";
import type { FileTree } from "./fileTree";
import { RCLONE_REMOTE, rcloneConfigFile, renderS3Backend } from "./s3backend";
import { DR_KIT_TARGET_FILE, drKitTarget } from "./drKit";
import { SdDevice, SdDirector, SdMessages, SdStorage } from "./resources";
import { CONFIG_MODE, fileTree, resourceFile } from "./serialize";

export const STORAGE_PORT = 9103;
/** The `Messages` resource each daemon sends its messages to the director through. */
export const SD_FD_MESSAGES = "Standard";
// Bareos' default for the SD's Storage resource; only Bareos 22 knows the directive without a warning.
const SD_MAXIMUM_CONCURRENT_JOBS = 20;

/** The S3 device as the director sees it. */
export interface StorageEndpoint {
  /** DIR Storage name = SD Device name (as in the hand-built setup). */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly device: string;
  readonly mediaType: string;
  readonly maximumConcurrentJobs: number;
}

export function storageEndpoint(settings: Settings): StorageEndpoint {
  return {
    name: settings.storage.deviceName,
    // Handed to every file daemon too: it must resolve on the Docker network (and from unmanaged hosts).
    // With an external address the clients (and the director) go through the published port.
    address: settings.storage.address ?? settings.names.storage,
    port: settings.storage.address === undefined ? STORAGE_PORT : settings.storage.port,
    device: settings.storage.deviceName,
    mediaType: settings.storage.mediaType,
    maximumConcurrentJobs: settings.storage.maximumConcurrentJobs,
  };
}

export function renderStorage(settings: Settings, secrets: BareosSecrets, bucketName: string): FileTree {
  const endpoint = storageEndpoint(settings);
  const backend = renderS3Backend(settings, secrets, bucketName);

  const storage: SdStorage = {
    kind: "sd/storage",
    name: settings.storage.name,
    maximumConcurrentJobs: settings.bareosVersion === "22" ? SD_MAXIMUM_CONCURRENT_JOBS : undefined,
    messages: SD_FD_MESSAGES,
  };
  const director: SdDirector = {
    kind: "sd/director",
    name: settings.director.name,
    description: "The director allowed to use this storage daemon.",
    password: secrets.storage,
  };
  const device: SdDevice = {
    kind: "sd/device",
    name: endpoint.device,
    description: `S3 bucket ${bucketName} (${backend.deviceType}). A connecting director must use the same Device and Media Type.`,
    mediaType: endpoint.mediaType,
    // Required but unused by the S3 backends; quoted, or Bareos keeps only "S3".
    archiveDevice: "S3 Object Storage",
    deviceType: backend.deviceType,
    deviceOptions: backend.deviceOptions,
    labelMedia: true,
    randomAccess: true,
    automaticMount: true,
    removableMedia: false,
    alwaysOpen: false,
    // droplet corrupts interleaved blocks above 1 (settings refuse it).
    maximumConcurrentJobs: endpoint.maximumConcurrentJobs,
  };
  const messages: SdMessages = {
    kind: "sd/messages",
    name: SD_FD_MESSAGES,
    description: "Send all messages to the director.",
    director: [{ destinations: [settings.director.name], types: ["all"] }],
  };

  return fileTree([
    ...[storage, director, device, messages].map(resourceFile),
    ...Object.entries({ ...rcloneConfigFile(settings, secrets), ...backend.files }),
    [DR_KIT_TARGET_FILE, { content: `${drKitTarget(RCLONE_REMOTE, bucketName)}\n`, mode: CONFIG_MODE }],
  ]);
}

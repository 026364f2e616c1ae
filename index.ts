import { BareosBackup } from "./components/bareosBackup";
import { loadSettings } from "./components/stackConfig";

const settings = loadSettings(__dirname);
const backup = new BareosBackup("bareos", { settings });

export const webuiUrl = backup.webuiUrl;
/** Secret: `pulumi stack output --show-secrets webuiPasswords` for the first login. */
export const webuiPasswords = backup.webuiPasswords;
export const bucketName = backup.bucketName;
export const s3Endpoint = backup.s3Endpoint;
export const region = backup.region;
/** Secret; identifies the key in CloudTrail. The secret key itself is never a stack output. */
export const s3AccessKeyId = backup.s3AccessKeyId;
export const containerNames = backup.containerNames;
export const bconsoleCommand = backup.bconsoleCommand;
/** Secret (key + certificate): `pulumi stack output --show-secrets encryptionMasterKey`, then store it offline. */
export const encryptionMasterKey = backup.encryptionMasterKey;

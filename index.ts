import { BareosBackup } from "./components/bareosBackup";
import { loadSettings } from "./components/stackConfig";

const settings = loadSettings(__dirname);
const backup = new BareosBackup("bareos", { settings });

export const bucketName = backup.bucketName;
export const s3Endpoint = backup.s3Endpoint;
export const region = backup.region;
/** Secret; identifies the key in CloudTrail. The secret key itself is never a stack output. */
export const s3AccessKeyId = backup.s3AccessKeyId;

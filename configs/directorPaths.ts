// Where the director keeps what outlives a job: its working directory, the bootstraps in it, and the
// catalog dump as BackupCatalog's client sees it. Shared by the director's tree and the recovery kit.
import type { Settings } from "./settings";

/** Set explicitly: the catalog dump lands here and this volume is shared with the catalog's client. */
export const DIRECTOR_WORKING_DIRECTORY = "/var/lib/bareos";
/**
 * Where the client running BackupCatalog sees the director's working directory (read-only). Not
 * /var/lib/bareos: that is the file daemon's own working directory and must stay writable.
 */
export const DIRECTOR_WORKDIR_ON_CATALOG_CLIENT = "/var/lib/bareos-director";

/** A job's bootstrap file (`%n`, the job's name, in the Write Bootstrap directive). */
export function bootstrapFile(job: string): string {
  return `${DIRECTOR_WORKING_DIRECTORY}/${job}.bsr`;
}

/** The catalog dump as the catalog client sees it (make_catalog_backup writes `<workdir>/<DbName>.sql`). */
export function catalogDumpOnClient(settings: Pick<Settings, "catalog">): string {
  return `${DIRECTOR_WORKDIR_ON_CATALOG_CLIENT}/${settings.catalog.dbName}.sql`;
}

// Read-only questions to the catalog that bconsole cannot answer in a form a program can trust (file
// signatures), asked with psql inside the director's container as the catalog's administrator.
import { execOk } from "./exec";
import type { Stack } from "./stack";

/** Rows of `columns` fields: psql writes every field and record NUL-terminated (-z -0), so no text can break a row. */
export function nulRows(output: string, columns: number): string[][] {
  const fields = output.split("\0");
  if (fields[fields.length - 1] === "") fields.pop();
  if (fields.length % columns !== 0)
    throw new Error(`psql returned ${fields.length} fields, not rows of ${columns}`);
  const rows: string[][] = [];
  for (let i = 0; i < fields.length; i += columns) rows.push(fields.slice(i, i + columns));
  return rows;
}

export async function catalogQuery(stack: Stack, sql: string, columns: number): Promise<string[][]> {
  const out = await execOk(stack.docker, stack.containers.director, [
    "sh",
    "-c",
    'PGHOST="$BAREOS_CATALOG_HOST" PGPORT="$BAREOS_CATALOG_PORT" PGUSER="$BAREOS_CATALOG_ADMIN_USER" ' +
      'PGPASSFILE="$BAREOS_CATALOG_PGPASSFILE" exec psql -X -q -At -z -0 -v ON_ERROR_STOP=1 -d "$1" -c "$2"',
    "sh",
    stack.settings.catalog.dbName,
    sql,
  ]);
  return nulRows(out, columns);
}

export interface CatalogFile {
  readonly path: string;
  /** The signature as the catalog stores it (base64 without padding); "0" when none was taken. */
  readonly signature: string;
}

/**
 * The regular files a restore of these jobs brings back, each with the signature of its newest
 * version (what the restore writes). Directories (empty name) and entries deleted in a later
 * Incremental (FileIndex 0) are left out.
 */
export async function filesOfJobs(stack: Stack, jobids: readonly number[]): Promise<CatalogFile[]> {
  if (jobids.length === 0 || !jobids.every((j) => Number.isSafeInteger(j) && j > 0))
    throw new Error(`not job ids: ${jobids.join(",")}`);
  const rows = await catalogQuery(
    stack,
    `SELECT path, md5 FROM (
       SELECT DISTINCT ON (p.Path, f.Name) p.Path || f.Name AS path, f.MD5 AS md5, f.FileIndex AS fi
       FROM File f JOIN Path p ON p.PathId = f.PathId
       WHERE f.JobId IN (${jobids.join(",")}) AND f.Name <> ''
       ORDER BY p.Path, f.Name, f.JobId DESC
     ) newest WHERE fi > 0 ORDER BY path`,
    2,
  );
  return rows.map(([path, signature]) => ({ path, signature }));
}

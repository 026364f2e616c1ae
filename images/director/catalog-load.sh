#!/usr/bin/env bash
# Loads a catalog dump (make_catalog_backup's `pg_dump --clean` output, on stdin) into this director's
# catalog, for `npm run recover`. Run as root inside the director's container (docker exec): it uses the
# administrator's pgpass the entrypoint prepares the catalog with. One transaction: a dump that fails
# to load leaves the catalog as it was. Afterwards the director must be restarted (its entrypoint then
# updates the schema if the dump is older and re-applies the grants).
#
#   bareos-catalog-load <bareos.sql
set -Eeuo pipefail

CONF_DIR="${BAREOS_CONFIG_DIR:-/etc/bareos}"
WORK_DIR="${BAREOS_WORKING_DIR:-/var/lib/bareos}"
SCRIPTS_DIR="${BAREOS_SCRIPTS_DIR:-/usr/lib/bareos/scripts}"
CATALOG_HOST="${BAREOS_CATALOG_HOST:?BAREOS_CATALOG_HOST is not set}"
CATALOG_PORT="${BAREOS_CATALOG_PORT:-5432}"
CATALOG_NAME="${BAREOS_CATALOG_NAME:-MyCatalog}"
CATALOG_ADMIN_USER="${BAREOS_CATALOG_ADMIN_USER:-postgres}"
CATALOG_PGPASSFILE="${BAREOS_CATALOG_PGPASSFILE:-${CONF_DIR}/catalog-admin.pgpass}"

me="${0##*/}"
fail() {
  printf '%s: %s\n' "${me}" "$1" >&2
  exit 1
}

[[ -r "${CATALOG_PGPASSFILE}" ]] || fail "${CATALOG_PGPASSFILE} is missing"
db="$(CATALOG="${CATALOG_NAME}" BAREOS_CONFIG_DIR="${CONF_DIR}" \
  sh -c '. "$1"; get_database_name bareos' sh "${SCRIPTS_DIR}/bareos-config-lib.sh")" ||
  fail "cannot read the catalog's database name"

dump="$(mktemp)"
trap 'rm -f "${dump}"' EXIT
cat >"${dump}"
grep -q '^-- PostgreSQL database dump' "${dump}" || fail "stdin is not a PostgreSQL dump"
grep -q 'CREATE TABLE public.job ' "${dump}" || fail "the dump holds no Bareos catalog (no table job)"

env -u PGPASSWORD PGHOST="${CATALOG_HOST}" PGPORT="${CATALOG_PORT}" PGUSER="${CATALOG_ADMIN_USER}" \
  PGPASSFILE="${CATALOG_PGPASSFILE}" PGCONNECT_TIMEOUT=10 \
  psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d "${db}" -f "${dump}" >/dev/null
# The entrypoint prepares the catalog again at the next start: schema update if needed, grants.
rm -f "${WORK_DIR}/.catalog-prepared-for"
echo "${me}: loaded $(wc -c <"${dump}") bytes into ${db}; restart the director"

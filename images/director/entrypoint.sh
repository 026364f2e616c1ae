#!/usr/bin/env bash
# Bareos director entrypoint. Pulumi uploads the configuration before the first
# start; this script never writes it. It fixes ownership, waits for PostgreSQL,
# prepares the catalog (create on first start, update after a package change),
# tests the configuration and then execs bareos-dir in the foreground.
# CONFIG_TEST_ONLY=1 only tests (for a one-shot gate container) and exits.
set -Eeuo pipefail
ENTRYPOINT_NAME=bareos-dir
# shellcheck source=SCRIPTDIR/../common/entrypoint-lib.sh
. "${BAREOS_ENTRYPOINT_LIB:-/usr/local/lib/bareos/entrypoint-lib.sh}"

# Paths and owners are overridable so the tests can run this script outside a container.
CONF_DIR="${BAREOS_CONFIG_DIR:-/etc/bareos}"
WORK_DIR="${BAREOS_WORKING_DIR:-/var/lib/bareos}"
LOG_DIR="${BAREOS_LOG_DIR:-/var/log/bareos}"
# The disaster-recovery kit's volume (bareos-dr-kit writes it as the daemon's user).
KIT_DIR="${BAREOS_DR_KIT_DIR:-/var/lib/bareos-dr-kit}"
SCRIPTS_DIR="${BAREOS_SCRIPTS_DIR:-/usr/lib/bareos/scripts}"
DAEMON_USER="${BAREOS_DAEMON_USER:-bareos}"
DAEMON_GROUP="${BAREOS_DAEMON_GROUP:-bareos}"
CONFIG_OWNER="${BAREOS_CONFIG_OWNER:-root}"

CATALOG_HOST="${BAREOS_CATALOG_HOST:-}"
CATALOG_PORT="${BAREOS_CATALOG_PORT:-5432}"
CATALOG_NAME="${BAREOS_CATALOG_NAME:-MyCatalog}"
CATALOG_ADMIN_USER="${BAREOS_CATALOG_ADMIN_USER:-postgres}"
CATALOG_PGPASSFILE="${BAREOS_CATALOG_PGPASSFILE:-${CONF_DIR}/catalog-admin.pgpass}"
WAIT_TIMEOUT="${BAREOS_CATALOG_WAIT_TIMEOUT:-300}"

# Holds the bareos-director package version the catalog was last prepared for.
MARKER="${WORK_DIR}/.catalog-prepared-for"

CATALOG_STATE=""
CATALOG_DB=""
SCHEMA_HAVE=""
SCHEMA_WANT=""

fix_permissions() {
  own_config_dir "${CONF_DIR}" "${CONFIG_OWNER}:${DAEMON_GROUP}" u=rwX,g=rX,o=
  if [[ -e "${CATALOG_PGPASSFILE}" ]]; then
    # Only the bootstrap (root) needs the admin password; libpq ignores a pgpass others can read.
    chown "${CONFIG_OWNER}" "${CATALOG_PGPASSFILE}"
    chmod 0600 "${CATALOG_PGPASSFILE}"
  fi
  own_data_dirs 0750 "${DAEMON_USER}" "${DAEMON_GROUP}" "${WORK_DIR}" "${LOG_DIR}" "${KIT_DIR}"
}

wait_for_catalog() {
  [[ -n "${CATALOG_HOST}" ]] || die "BAREOS_CATALOG_HOST is not set (host name of the catalog's PostgreSQL)"
  local deadline=$((SECONDS + WAIT_TIMEOUT))
  until pg_isready -q -h "${CATALOG_HOST}" -p "${CATALOG_PORT}" -t 5; do
    ((SECONDS < deadline)) || die "PostgreSQL at ${CATALOG_HOST}:${CATALOG_PORT} not ready after ${WAIT_TIMEOUT}s"
    log "waiting for PostgreSQL at ${CATALOG_HOST}:${CATALOG_PORT}"
    sleep 2
  done
}

# Runs a command as the PostgreSQL administrator, the way Bareos documents it for a remote
# catalog; kept out of the daemon's environment so make_catalog_backup uses the catalog user.
as_catalog_admin() {
  env -u PGPASSWORD -u PGDATABASE \
    PGHOST="${CATALOG_HOST}" PGPORT="${CATALOG_PORT}" PGUSER="${CATALOG_ADMIN_USER}" \
    PGPASSFILE="${CATALOG_PGPASSFILE}" PGCONNECT_TIMEOUT=10 \
    CATALOG="${CATALOG_NAME}" BAREOS_CONFIG_DIR="${CONF_DIR}" "$@"
}

psql_admin() { as_catalog_admin psql -X -q -v ON_ERROR_STOP=1 -t -A "$@"; }

# Calls a function of Bareos's own bareos-config-lib.sh, so the database name and schema
# version are read exactly as the catalog scripts read them.
bareos_lib() {
  CATALOG="${CATALOG_NAME}" BAREOS_CONFIG_DIR="${CONF_DIR}" \
    sh -c '. "$1"; shift; "$@"' sh "${SCRIPTS_DIR}/bareos-config-lib.sh" "$@"
}

check_catalog_resource() {
  local out
  if ! out="$(bareos-dir -c "${CONF_DIR}" --xc Catalog "${CATALOG_NAME}" 2>&1)"; then
    printf '%s\n' "${out}" >&2
    die "cannot read Catalog \"${CATALOG_NAME}\" from ${CONF_DIR} (set BAREOS_CATALOG_NAME)"
  fi
}

# Sets CATALOG_STATE to missing-database, missing-tables, outdated or current.
read_catalog_state() {
  local count has_version
  CATALOG_DB="$(bareos_lib get_database_name bareos)" || die "cannot read the catalog database name"
  SCHEMA_WANT="$(bareos_lib get_database_version)" || die "cannot read the expected schema version"
  SCHEMA_HAVE=""
  count="$(psql_admin -d postgres -v db="${CATALOG_DB}" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db';")" ||
    die "cannot query PostgreSQL as ${CATALOG_ADMIN_USER} (check ${CATALOG_PGPASSFILE})"
  if [[ "${count}" != 1 ]]; then
    CATALOG_STATE=missing-database
    return 0
  fi
  has_version="$(psql_admin -d "${CATALOG_DB}" <<<"SELECT to_regclass('public.version') IS NOT NULL;")" ||
    die "cannot query database ${CATALOG_DB}"
  if [[ "${has_version}" != t ]]; then
    CATALOG_STATE=missing-tables
    return 0
  fi
  SCHEMA_HAVE="$(psql_admin -d "${CATALOG_DB}" <<<"SELECT MAX(versionid) FROM version;")" ||
    die "cannot read the schema version of ${CATALOG_DB}"
  if [[ "${SCHEMA_HAVE}" == "${SCHEMA_WANT}" ]]; then
    CATALOG_STATE=current
  else
    CATALOG_STATE=outdated
  fi
}

run_catalog_script() {
  local script="$1"
  shift
  log "running ${script} $*"
  as_catalog_admin "${SCRIPTS_DIR}/${script}" "$@"
}

prepare_catalog() {
  local installed
  installed="$(dpkg-query -W -f='${Version}' bareos-director)"
  if [[ -f "${MARKER}" && "$(<"${MARKER}")" == "${installed}" ]]; then
    log "catalog already prepared for bareos-director ${installed}"
    return 0
  fi
  [[ -r "${CATALOG_PGPASSFILE}" ]] ||
    die "${CATALOG_PGPASSFILE} is missing: upload it (mode 0600, line host:port:*:${CATALOG_ADMIN_USER}:password) so the catalog can be prepared"
  check_catalog_resource
  read_catalog_state
  log "catalog ${CATALOG_DB} is ${CATALOG_STATE} (schema ${SCHEMA_HAVE:-none}, this version needs ${SCHEMA_WANT})"
  case "${CATALOG_STATE}" in
    missing-database)
      run_catalog_script create_bareos_database postgresql || die "create_bareos_database failed"
      run_catalog_script make_bareos_tables postgresql || die "make_bareos_tables failed"
      run_catalog_script grant_bareos_privileges postgresql || die "grant_bareos_privileges failed"
      ;;
    missing-tables)
      run_catalog_script make_bareos_tables postgresql || die "make_bareos_tables failed"
      run_catalog_script grant_bareos_privileges postgresql || die "grant_bareos_privileges failed"
      ;;
    outdated)
      # -f: no interactive confirmation (there is no terminal).
      run_catalog_script update_bareos_tables -f postgresql || die "update_bareos_tables failed"
      # The role already exists here, so a failing CREATE USER in the grants is expected.
      run_catalog_script grant_bareos_privileges postgresql || log "WARNING: grant_bareos_privileges reported errors"
      ;;
    current)
      # Same schema after a package change: re-apply the grants only.
      run_catalog_script grant_bareos_privileges postgresql || log "WARNING: grant_bareos_privileges reported errors"
      ;;
  esac
  read_catalog_state
  [[ "${CATALOG_STATE}" == current ]] ||
    die "catalog ${CATALOG_DB} is still ${CATALOG_STATE} (schema ${SCHEMA_HAVE:-none}, expected ${SCHEMA_WANT})"
  printf '%s\n' "${installed}" >"${MARKER}.tmp"
  mv -f "${MARKER}.tmp" "${MARKER}"
  log "catalog prepared for bareos-director ${installed}"
}

# Full test: parses the configuration, checks resources and connects to the catalog.
config_test() { bareos_config_test bareos-dir -t -u "${DAEMON_USER}" -g "${DAEMON_GROUP}" -c "${CONF_DIR}"; }

# Parse-only test for a catalog the director has yet to create or update.
config_parse_test() {
  local out rc=0
  out="$(bareos-dir -u "${DAEMON_USER}" -g "${DAEMON_GROUP}" -c "${CONF_DIR}" --xc 2>&1)" || rc=$?
  if ((rc != 0)); then
    printf '%s\n' "${out}" >&2
    log "configuration parse failed (bareos-dir --xc exit ${rc})"
    return 1
  fi
  log "configuration parses (catalog connection not tested)"
}

config_test_only() {
  wait_for_catalog
  if [[ -r "${CATALOG_PGPASSFILE}" ]]; then
    check_catalog_resource
    read_catalog_state
    if [[ "${CATALOG_STATE}" != current ]]; then
      log "catalog is ${CATALOG_STATE}: the director prepares it when it starts"
      config_parse_test
      exit $?
    fi
  fi
  config_test
  exit $?
}

main() {
  fix_permissions
  if is_true "${CONFIG_TEST_ONLY}"; then
    config_test_only
  fi
  wait_for_catalog
  prepare_catalog
  test_and_exec "${WORK_DIR}" bareos-dir -f -u "${DAEMON_USER}" -g "${DAEMON_GROUP}" -c "${CONF_DIR}" "$@"
}

main "$@"

#!/usr/bin/env bash
# Entrypoint of the postgres stand-in (tests/e2e/standins/postgres). It exists because the image is
# built from Debian's postgresql-15 rather than pulled, and must initialise a data directory the way
# the official image's docker-entrypoint.sh does, for the parts this project relies on: as root, fix
# the ownership of PGDATA and re-run itself as postgres; on an empty PGDATA run initdb with
# POSTGRES_USER and POSTGRES_PASSWORD, allow password_encryption's method from every host and
# create POSTGRES_DB (default: POSTGRES_USER); on an existing one change nothing. Then exec postgres.
set -Eeuo pipefail

log() { printf '%s: %s\n' "${0##*/}" "$*"; }

# A first argument that is an option means "postgres with these options", as upstream.
if [[ "${1:-}" == -* ]]; then
  set -- postgres "$@"
fi
if [[ "${1:-}" != postgres ]]; then
  exec "$@"
fi
for arg in "$@"; do
  case "${arg}" in
    '-?' | --help | --describe-config | -V | --version) exec "$@" ;;
  esac
done

export POSTGRES_USER="${POSTGRES_USER:-postgres}"
export POSTGRES_DB="${POSTGRES_DB:-${POSTGRES_USER}}"
POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-}"
POSTGRES_HOST_AUTH_METHOD="${POSTGRES_HOST_AUTH_METHOD:-}"

mkdir -p "${PGDATA}" /var/run/postgresql
chmod 0700 "${PGDATA}" || :
chmod 3775 /var/run/postgresql || :
if [[ "$(id -u)" == 0 ]]; then
  find "${PGDATA}" /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
  exec gosu postgres "$0" "$@"
fi

if [[ -s "${PGDATA}/PG_VERSION" ]]; then
  log "PostgreSQL Database directory appears to contain a database; Skipping initialization"
  exec "$@"
fi

if [[ -z "${POSTGRES_PASSWORD}" && "${POSTGRES_HOST_AUTH_METHOD}" != trust ]]; then
  cat >&2 <<'EOE'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
EOE
  exit 1
fi
# Not reproduced: fail rather than silently skip scripts someone mounted for the official image.
if [[ -d /docker-entrypoint-initdb.d && -n "$(ls -A /docker-entrypoint-initdb.d)" ]]; then
  log "error: /docker-entrypoint-initdb.d is not supported by this stand-in" >&2
  exit 1
fi

# POSTGRES_INITDB_ARGS is split on whitespace (upstream evals it).
read -r -a initdb_args <<<"${POSTGRES_INITDB_ARGS:-}"
# initdb refuses an empty password file, hence the newline (as upstream).
initdb --username="${POSTGRES_USER}" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD}") "${initdb_args[@]}"

# initdb leaves local and loopback connections on "trust"; every other host must use the password,
# hashed as password_encryption says (scram-sha-256 in PostgreSQL 15).
auth="${POSTGRES_HOST_AUTH_METHOD:-$(postgres -C password_encryption "${@:2}")}"
printf '\nhost all all all %s\n' "${auth}" >>"${PGDATA}/pg_hba.conf"

# The default database; "postgres" already exists, so no temporary server is needed for it.
if [[ "${POSTGRES_DB}" != postgres ]]; then
  pg_ctl -D "${PGDATA}" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
  psql_local=(psql -X -v ON_ERROR_STOP=1 --username "${POSTGRES_USER}" --no-password --dbname postgres -h /var/run/postgresql)
  exists="$("${psql_local[@]}" --tuples-only --set db="${POSTGRES_DB}" <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")"
  if [[ -z "${exists// /}" ]]; then
    "${psql_local[@]}" --set db="${POSTGRES_DB}" <<<'CREATE DATABASE :"db";'
  fi
  pg_ctl -D "${PGDATA}" -m fast -w stop
fi

log "PostgreSQL init process complete; ready for start up."
exec "$@"

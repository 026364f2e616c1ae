# shellcheck shell=bash
# Helpers shared by the entrypoints (images/*/entrypoint.sh), sourced after `set -Eeuo pipefail`
# and after the entrypoint has set ENTRYPOINT_NAME (the log prefix, e.g. bareos-dir).
# Installed as /usr/local/lib/bareos/entrypoint-lib.sh; the tests point BAREOS_ENTRYPOINT_LIB here.

CONFIG_TEST_ONLY="${CONFIG_TEST_ONLY:-0}"

log() { printf '[%s entrypoint] %s\n' "${ENTRYPOINT_NAME:?}" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
trap 'log "ERROR: command failed at line ${LINENO}"' ERR

is_true() { [[ "${1,,}" =~ ^(1|true|yes)$ ]]; }

# own_config_dir DIR OWNER:GROUP MODE: the uploads arrive as root; the daemon reads them through
# the group and never writes them.
own_config_dir() {
  chown -R "$2" "$1"
  chmod -R "$3" "$1"
}

# own_data_dirs MODE USER GROUP DIR...: creates the daemon's writable dirs and takes over files
# a volume got from another image with other ids.
own_data_dirs() {
  local mode="$1" user="$2" group="$3"
  shift 3
  install -d -m "${mode}" -o "${user}" -g "${group}" "$@"
  find "$@" -xdev \! -user "${user}" -exec chown "${user}:${group}" {} +
}

# Seconds a daemon's -t may take. bareos-fd 25 -t spins forever after some fatal errors (a refused PKI
# certificate), which would leave a gate container, and `pulumi up`, waiting for good.
CONFIG_TEST_TIMEOUT="${BAREOS_CONFIG_TEST_TIMEOUT:-120}"

# bareos_config_test DAEMON -t ARGS...: Bareos daemons can exit 0 after "ERROR TERMINATION", and
# their output is the only hint at a bad configuration, so it always goes to the log.
bareos_config_test() {
  local out rc=0
  out="$(timeout --kill-after=5 "${CONFIG_TEST_TIMEOUT}" "$@" 2>&1)" || rc=$?
  if ((rc == 0)) && grep -q 'ERROR TERMINATION' <<<"${out}"; then rc=1; fi
  [[ -z "${out}" ]] || printf '%s\n' "${out}" >&2
  if ((rc == 124 || rc == 137)); then
    log "configuration test failed: $1 $2 did not finish within ${CONFIG_TEST_TIMEOUT}s (BAREOS_CONFIG_TEST_TIMEOUT)"
    return 1
  fi
  if ((rc != 0)); then
    log "configuration test failed ($1 $2 exit ${rc})"
    return 1
  fi
  log "configuration test passed"
}

# test_and_exec WORK_DIR COMMAND...: runs the entrypoint's config_test; the gate container
# (CONFIG_TEST_ONLY) exits with its code, a real start execs COMMAND only after it passed.
test_and_exec() {
  if is_true "${CONFIG_TEST_ONLY}"; then
    config_test
    exit $?
  fi
  config_test || exit 1
  # shellcheck disable=SC2164 # the entrypoint's set -e stops on a failed cd
  cd "$1"
  shift
  exec "$@"
}

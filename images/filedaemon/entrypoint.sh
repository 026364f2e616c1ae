#!/usr/bin/env bash
# Bareos file daemon entrypoint. Pulumi uploads the configuration before the first
# start; this script never writes it. The daemon stays root so it can read (and
# restore) every file it is given. It fixes ownership, tests the configuration and
# execs bareos-fd in the foreground. CONFIG_TEST_ONLY=1 only tests and exits.
set -Eeuo pipefail

# Paths and owners are overridable so the tests can run this script outside a container.
CONF_DIR="${BAREOS_CONFIG_DIR:-/etc/bareos}"
WORK_DIR="${BAREOS_WORKING_DIR:-/var/lib/bareos}"
CONFIG_OWNER="${BAREOS_CONFIG_OWNER:-root}"
CONFIG_TEST_ONLY="${CONFIG_TEST_ONLY:-0}"

log() { printf '[bareos-fd entrypoint] %s\n' "$*" >&2; }
trap 'log "ERROR: command failed at line ${LINENO}"' ERR

is_true() { [[ "${1,,}" =~ ^(1|true|yes)$ ]]; }

fix_permissions() {
  # Holds the director passwords; nobody but the (root) daemon needs to read it.
  chown -R "${CONFIG_OWNER}:" "${CONF_DIR}"
  chmod -R u=rwX,go= "${CONF_DIR}"
  install -d -m 0750 "${WORK_DIR}"
}

config_test() {
  local out rc=0
  out="$(bareos-fd -t -c "${CONF_DIR}" 2>&1)" || rc=$?
  if ((rc == 0)) && grep -q 'ERROR TERMINATION' <<<"${out}"; then rc=1; fi
  [[ -z "${out}" ]] || printf '%s\n' "${out}" >&2
  if ((rc != 0)); then
    log "configuration test failed (bareos-fd -t exit ${rc})"
    return 1
  fi
  log "configuration test passed"
}

main() {
  fix_permissions
  if is_true "${CONFIG_TEST_ONLY}"; then
    config_test
    exit $?
  fi
  config_test || exit 1
  cd "${WORK_DIR}"
  exec bareos-fd -f -c "${CONF_DIR}" "$@"
}

main "$@"

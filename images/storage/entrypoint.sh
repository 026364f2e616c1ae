#!/usr/bin/env bash
# Bareos storage daemon entrypoint. Pulumi uploads the configuration (and the s3cmd
# config / droplet profile it references) before the first start; this script never
# writes it. It fixes ownership, tests the configuration and execs bareos-sd in the
# foreground. CONFIG_TEST_ONLY=1 only tests (for a one-shot gate container) and exits.
set -Eeuo pipefail

# Paths and owners are overridable so the tests can run this script outside a container.
CONF_DIR="${BAREOS_CONFIG_DIR:-/etc/bareos}"
WORK_DIR="${BAREOS_WORKING_DIR:-/var/lib/bareos}"
LOG_DIR="${BAREOS_LOG_DIR:-/var/log/bareos}"
DAEMON_USER="${BAREOS_DAEMON_USER:-bareos}"
DAEMON_GROUP="${BAREOS_DAEMON_GROUP:-bareos}"
CONFIG_OWNER="${BAREOS_CONFIG_OWNER:-root}"
# Extra directories the daemon writes (File devices, spool), space separated.
DATA_DIRS="${BAREOS_SD_DATA_DIRS:-${WORK_DIR}/storage}"
CONFIG_TEST_ONLY="${CONFIG_TEST_ONLY:-0}"

log() { printf '[bareos-sd entrypoint] %s\n' "$*" >&2; }
trap 'log "ERROR: command failed at line ${LINENO}"' ERR

is_true() { [[ "${1,,}" =~ ^(1|true|yes)$ ]]; }

fix_permissions() {
  # The daemon (and the dplcompat wrapper it runs) reads the configuration and the S3
  # credentials through the group and never writes them.
  chown -R "${CONFIG_OWNER}:${DAEMON_GROUP}" "${CONF_DIR}"
  chmod -R u=rwX,g=rX,o= "${CONF_DIR}"
  local dirs=("${WORK_DIR}" "${LOG_DIR}")
  local extra
  read -r -a extra <<<"${DATA_DIRS}"
  dirs+=("${extra[@]}")
  install -d -m 0750 -o "${DAEMON_USER}" -g "${DAEMON_GROUP}" "${dirs[@]}"
  # Volumes may have been written by another image with other ids.
  find "${dirs[@]}" -xdev \! -user "${DAEMON_USER}" -exec chown "${DAEMON_USER}:${DAEMON_GROUP}" {} +
}

# Parses the configuration and checks resources; S3 device options are only checked when
# the daemon opens a device, so this cannot catch a wrong dplcompat/droplet option.
config_test() {
  local out rc=0
  out="$(bareos-sd -t -u "${DAEMON_USER}" -g "${DAEMON_GROUP}" -c "${CONF_DIR}" 2>&1)" || rc=$?
  if ((rc == 0)) && grep -q 'ERROR TERMINATION' <<<"${out}"; then rc=1; fi
  [[ -z "${out}" ]] || printf '%s\n' "${out}" >&2
  if ((rc != 0)); then
    log "configuration test failed (bareos-sd -t exit ${rc})"
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
  exec bareos-sd -f -u "${DAEMON_USER}" -g "${DAEMON_GROUP}" -c "${CONF_DIR}" "$@"
}

main "$@"

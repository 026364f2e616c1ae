#!/usr/bin/env bash
# Bareos storage daemon entrypoint. Pulumi uploads the configuration (and the s3cmd
# config / droplet profile it references) before the first start; this script never
# writes it. It fixes ownership, tests the configuration and execs bareos-sd in the
# foreground. CONFIG_TEST_ONLY=1 only tests (for a one-shot gate container) and exits.
set -Eeuo pipefail
ENTRYPOINT_NAME=bareos-sd
# shellcheck source=SCRIPTDIR/../common/entrypoint-lib.sh
. "${BAREOS_ENTRYPOINT_LIB:-/usr/local/lib/bareos/entrypoint-lib.sh}"

# Paths and owners are overridable so the tests can run this script outside a container.
CONF_DIR="${BAREOS_CONFIG_DIR:-/etc/bareos}"
WORK_DIR="${BAREOS_WORKING_DIR:-/var/lib/bareos}"
LOG_DIR="${BAREOS_LOG_DIR:-/var/log/bareos}"
DAEMON_USER="${BAREOS_DAEMON_USER:-bareos}"
DAEMON_GROUP="${BAREOS_DAEMON_GROUP:-bareos}"
CONFIG_OWNER="${BAREOS_CONFIG_OWNER:-root}"
# Extra directories the daemon writes (File devices, spool), space separated.
DATA_DIRS="${BAREOS_SD_DATA_DIRS:-${WORK_DIR}/storage}"

fix_permissions() {
  # The dplcompat wrapper the daemon runs reads the S3 credentials through the group too.
  own_config_dir "${CONF_DIR}" "${CONFIG_OWNER}:${DAEMON_GROUP}" u=rwX,g=rX,o=
  local dirs=("${WORK_DIR}" "${LOG_DIR}")
  local extra
  read -r -a extra <<<"${DATA_DIRS}"
  dirs+=("${extra[@]}")
  own_data_dirs 0750 "${DAEMON_USER}" "${DAEMON_GROUP}" "${dirs[@]}"
}

# Parses the configuration and checks resources; S3 device options are only checked when
# the daemon opens a device, so this cannot catch a wrong dplcompat/droplet option.
config_test() { bareos_config_test bareos-sd -t -u "${DAEMON_USER}" -g "${DAEMON_GROUP}" -c "${CONF_DIR}"; }

# The disaster-recovery kit's uploader (dr-kit-upload.sh), where the stack mounts the kit volume.
start_kit_uploader() {
  local kit="${BAREOS_DR_KIT_DIR:-/var/lib/bareos-dr-kit}"
  is_true "${CONFIG_TEST_ONLY}" && return 0
  [[ -d "${kit}" ]] || return 0
  setpriv --reuid="${DAEMON_USER}" --regid="${DAEMON_GROUP}" --init-groups \
    "${BAREOS_DR_KIT_UPLOADER:-/usr/local/bin/bareos-dr-kit-upload}" &
}

main() {
  fix_permissions
  start_kit_uploader
  test_and_exec "${WORK_DIR}" bareos-sd -f -u "${DAEMON_USER}" -g "${DAEMON_GROUP}" -c "${CONF_DIR}" "$@"
}

main "$@"

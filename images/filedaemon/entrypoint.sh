#!/usr/bin/env bash
# Bareos file daemon entrypoint. Pulumi uploads the configuration before the first
# start; this script never writes it. The daemon stays root so it can read (and
# restore) every file it is given. It fixes ownership, tests the configuration and
# execs bareos-fd in the foreground. CONFIG_TEST_ONLY=1 only tests and exits.
set -Eeuo pipefail
ENTRYPOINT_NAME=bareos-fd
# shellcheck source=SCRIPTDIR/../common/entrypoint-lib.sh
. "${BAREOS_ENTRYPOINT_LIB:-/usr/local/lib/bareos/entrypoint-lib.sh}"

# Paths and owners are overridable so the tests can run this script outside a container.
CONF_DIR="${BAREOS_CONFIG_DIR:-/etc/bareos}"
WORK_DIR="${BAREOS_WORKING_DIR:-/var/lib/bareos}"
CONFIG_OWNER="${BAREOS_CONFIG_OWNER:-root}"

fix_permissions() {
  # Holds the director passwords; nobody but the (root) daemon needs to read it.
  own_config_dir "${CONF_DIR}" "${CONFIG_OWNER}:" u=rwX,go=
  install -d -m 0750 "${WORK_DIR}"
}

config_test() { bareos_config_test bareos-fd -t -c "${CONF_DIR}"; }

main() {
  fix_permissions
  test_and_exec "${WORK_DIR}" bareos-fd -f -c "${CONF_DIR}" "$@"
}

main "$@"

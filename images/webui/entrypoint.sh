#!/usr/bin/env bash
# Bareos WebUI (php-fpm) entrypoint. Pulumi uploads /etc/bareos-webui/directors.ini
# (and optionally configuration.ini) before the first start; this script never writes
# them. It fixes ownership, prepares the session directory, tests the php-fpm
# configuration and execs php-fpm in the foreground. CONFIG_TEST_ONLY=1 only tests.
set -Eeuo pipefail
ENTRYPOINT_NAME=bareos-webui
# shellcheck source=SCRIPTDIR/../common/entrypoint-lib.sh
. "${BAREOS_ENTRYPOINT_LIB:-/usr/local/lib/bareos/entrypoint-lib.sh}"

PHP_VERSION="${PHP_VERSION:-8.2}"
# Paths and owners are overridable so the tests can run this script outside a container.
CONF_DIR="${BAREOS_WEBUI_CONFDIR:-/etc/bareos-webui}"
SESSION_DIR="${BAREOS_WEBUI_SESSION_DIR:-/var/lib/bareos-webui/sessions}"
RUN_DIR="${PHP_FPM_RUN_DIR:-/run/php}"
POOL_USER="${PHP_FPM_POOL_USER:-www-data}"
POOL_GROUP="${PHP_FPM_POOL_GROUP:-www-data}"
CONFIG_OWNER="${BAREOS_CONFIG_OWNER:-root}"
FPM="php-fpm${PHP_VERSION}"

fix_permissions() {
  own_config_dir "${CONF_DIR}" "${CONFIG_OWNER}:${POOL_GROUP}" u=rwX,g=rX,o=
  # Without a writable session directory the login fails with
  # "Please provide a director, username and password".
  own_data_dirs 0700 "${POOL_USER}" "${POOL_GROUP}" "${SESSION_DIR}"
  install -d -m 0755 "${RUN_DIR}"
}

config_test() {
  # The WebUI still answers HTTP 200 without it ("Error: Missing configuration file").
  if [[ ! -r "${CONF_DIR}/directors.ini" ]]; then
    log "configuration test failed: ${CONF_DIR}/directors.ini is missing"
    return 1
  fi
  local out rc=0
  out="$("${FPM}" -t 2>&1)" || rc=$?
  if ((rc != 0)); then
    printf '%s\n' "${out}" >&2
    log "configuration test failed (${FPM} -t exit ${rc})"
    return 1
  fi
  log "configuration test passed"
}

main() {
  fix_permissions
  # -F: foreground; -O: worker output to stderr even without a terminal. php-fpm needs no
  # working directory, hence ".".
  test_and_exec . "${FPM}" -F -O "$@"
}

main "$@"

#!/usr/bin/env bash
# Copies the director's disaster-recovery kit (configs/drKit.ts) into the bucket whenever the director
# has written a new one: started in the background by the storage daemon's entrypoint, as the daemon's
# user, with the storage daemon's own keys (the rclone config). The bucket policy lets these keys
# replace the kit but not delete it. The stamp goes up last, so a kit in the bucket with a stamp is whole.
set -uo pipefail

KIT_DIR="${BAREOS_DR_KIT_DIR:-/var/lib/bareos-dr-kit}"
TARGET_FILE="${BAREOS_DR_KIT_TARGET_FILE:-/etc/bareos/s3/dr-kit.target}"
RCLONE_CONFIG="${BAREOS_DR_KIT_RCLONE_CONFIG:-/etc/bareos/s3/rclone.conf}"
INTERVAL="${BAREOS_DR_KIT_INTERVAL:-20}"
STAMP=KIT-COMPLETE

log() { printf '[bareos-sd dr-kit] %s\n' "$*" >&2; }

[[ "${INTERVAL}" =~ ^[1-9][0-9]*$ ]] || {
  log "BAREOS_DR_KIT_INTERVAL '${INTERVAL}' is not a number of seconds"
  exit 1
}

upload() {
  local target
  target="$(<"${TARGET_FILE}")" || return 1
  rclone --config "${RCLONE_CONFIG}" copy "${KIT_DIR}" "${target}" \
    --exclude "/${STAMP}" --exclude "/.staging.*/**" --exclude "/bootstrap.old/**" --quiet &&
    rclone --config "${RCLONE_CONFIG}" copyto "${KIT_DIR}/${STAMP}" "${target}/${STAMP}" --quiet
}

last=""
while :; do
  if stamp="$(cat "${KIT_DIR}/${STAMP}" 2>/dev/null)" && [[ "${stamp}" != "${last}" ]]; then
    if upload; then
      last="${stamp}"
      log "recovery kit uploaded ($(tr '\n' ' ' <<<"${stamp}"))"
    else
      log "WARNING: could not upload the recovery kit; retrying in ${INTERVAL}s"
    fi
  fi
  sleep "${INTERVAL}"
done

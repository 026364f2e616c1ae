#!/usr/bin/env bash
# The disaster-recovery kit (configs/drKit.ts): run by the director as BackupCatalog's last Run After
# Job, as the daemon's user. It writes the kit (every job's bootstrap, a README with the volumes) to
# the kit volume, which the storage daemon copies into the bucket, then mails the catalog's bootstrap.
#
#   bareos-dr-kit JOBID SMTP_HOST:PORT FROM TO...
#
# The kit is the point: a mail that cannot go out (relay down) is a warning in the job log, not a
# failed job, and the kit is written first.
set -Eeuo pipefail

KIT_DIR="${BAREOS_DR_KIT_DIR:-/var/lib/bareos-dr-kit}"
WORK_DIR="${BAREOS_WORKING_DIR:-/var/lib/bareos}"
TEMPLATE="${BAREOS_DR_KIT_TEMPLATE:-/etc/bareos/dr-kit/README.md}"
MASTER_CERT="$(dirname "${TEMPLATE}")/master-certificate.pem"
BCONSOLE="${BAREOS_BCONSOLE:-bconsole}"
BSMTP="${BAREOS_BSMTP:-/usr/bin/bsmtp}"
CATALOG_BOOTSTRAP=BackupCatalog.bsr
STAMP=KIT-COMPLETE

me="${0##*/}"
fail() {
  printf '%s: %s\n' "${me}" "$1" >&2
  exit 1
}

(($# >= 4)) || fail "usage: ${me} JOBID SMTP_HOST:PORT FROM TO..."
jobid="$1" relay="$2" from="$3"
shift 3
[[ "${jobid}" =~ ^[0-9]+$ ]] || fail "job id '${jobid}' is not a number"
[[ -r "${TEMPLATE}" ]] || fail "${TEMPLATE} (the kit's README) is missing"
[[ -d "${KIT_DIR}" && -w "${KIT_DIR}" ]] || fail "the kit volume ${KIT_DIR} is not writable"
[[ -s "${WORK_DIR}/${CATALOG_BOOTSTRAP}" ]] || fail "${WORK_DIR}/${CATALOG_BOOTSTRAP} is missing: nothing to recover from"

staging="$(mktemp -d "${KIT_DIR}/.staging.XXXXXX")"
trap 'rm -rf "${staging}"' EXIT
mkdir "${staging}/bootstrap"
cp -p "${WORK_DIR}"/*.bsr "${staging}/bootstrap/"
if [[ -r "${MASTER_CERT}" ]]; then cp "${MASTER_CERT}" "${staging}/"; fi

{
  cat "${TEMPLATE}"
  printf '\n## Volumes at %s (BackupCatalog job %s)\n\n```\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${jobid}"
  # A listing that fails leaves a note, not a half kit: the bootstraps name the volumes too.
  printf 'list volumes\n' | "${BCONSOLE}" 2>&1 | sed -n '/^+/,$p' || echo "(bconsole could not list the volumes)"
  printf '```\n'
} >"${staging}/README.md"

# Replace the previous kit: bootstraps and README first, the stamp (what the uploader watches) last.
rm -rf "${KIT_DIR}/bootstrap.old"
if [[ -d "${KIT_DIR}/bootstrap" ]]; then mv "${KIT_DIR}/bootstrap" "${KIT_DIR}/bootstrap.old"; fi
mv "${staging}/bootstrap" "${KIT_DIR}/bootstrap"
mv "${staging}/README.md" "${KIT_DIR}/README.md"
if [[ -e "${staging}/master-certificate.pem" ]]; then mv "${staging}/master-certificate.pem" "${KIT_DIR}/"; fi
rm -rf "${KIT_DIR}/bootstrap.old"
printf 'written=%s\njobid=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${jobid}" >"${staging}/${STAMP}"
mv "${staging}/${STAMP}" "${KIT_DIR}/${STAMP}"
echo "${me}: recovery kit written to ${KIT_DIR} ($(find "${KIT_DIR}/bootstrap" -name '*.bsr' | wc -l) bootstraps)"

if "${BSMTP}" -h "${relay}" -f "${from}" -s "Bareos: bootstrap of BackupCatalog (job ${jobid})" "$@" \
  <"${WORK_DIR}/${CATALOG_BOOTSTRAP}"; then
  echo "${me}: bootstrap mailed to $*"
else
  echo "${me}: Warning: could not mail the bootstrap through ${relay}; it is in the kit"
fi

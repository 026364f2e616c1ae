#!/usr/bin/env bash
# Bareos dplcompat wrapper over rclone: the storage daemon runs it once per chunk operation, as
# described in bareos/bareos docs/manuals/source/DeveloperGuide/dplcompat-wrappers.rst.
#
#   rclone-wrapper.sh options
#   rclone-wrapper.sh testconnection
#   rclone-wrapper.sh list VOLUME                 # "<part> <size>" lines; nothing for a missing volume
#   rclone-wrapper.sh stat VOLUME PART            # size in bytes; fails when the part is missing
#   rclone-wrapper.sh upload VOLUME PART <data    # one PUT per part, replacing an existing one
#   rclone-wrapper.sh download VOLUME PART >data  # fails when the part is missing
#   rclone-wrapper.sh remove VOLUME PART          # fails when the part is missing
#
# Device Options that dplcompat does not consume itself arrive as environment variables:
#   rclone_config  rclone config file with an S3 remote named [bareos] (keys, region, endpoint)
#   bucket         the bucket
#   prefix         optional key prefix; a part is the object <prefix><volume>/<part>, the layout
#                  of droplet and s3cmd-wrapper.sh, so volumes stay readable by either
#   storage_class  optional storage class of uploaded parts
#   max_part_size  largest part in bytes (the device's chunksize, default dplcompat's 10485760):
#                  rclone holds a part in memory up to this size and sends it as one PUT
#
# The storage daemon reads stderr together with stdout, so rclone's messages are kept off both
# and shown only when an operation failed.
set -uo pipefail

readonly REMOTE=bareos
# S3's single-PUT limit; rclone refuses a larger upload cutoff.
readonly MAX_SINGLE_PUT=5368709120

if [[ "${1-}" == options ]]; then
  printf '%s\n' rclone_config bucket prefix storage_class max_part_size
  exit 0
fi

me="${0##*/}"

fail() {
  printf '%s: %s\n' "${me}" "$1" >&2
  exit "${2:-1}"
}

usage() {
  fail "usage: ${me} options | testconnection | list VOLUME | {stat|upload|download|remove} VOLUME PART" 2
}

# The S3 side is configured by the rclone config file alone: AWS_* (AWS_CA_BUNDLE breaks rclone's
# S3 client) and RCLONE_* variables of the storage daemon's environment would override it.
for name in $(compgen -e); do
  case "${name}" in
    AWS_* | RCLONE_*) unset "${name}" ;;
  esac
done

verb="${1-}"
case "${verb}" in
  testconnection) (($# == 1)) || usage ;;
  list) (($# == 2)) || usage ;;
  stat | upload | download | remove) (($# == 3)) || usage ;;
  *) usage ;;
esac

: "${rclone_config:=}" "${bucket:=}" "${prefix:=}" "${storage_class:=}" "${max_part_size:=10485760}"
[[ -n "${rclone_config}" ]] || fail "option rclone_config (the rclone config file) is not set"
[[ -r "${rclone_config}" ]] || fail "rclone config file '${rclone_config}' is not readable"
[[ "${bucket}" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || fail "option bucket '${bucket}' is not a bucket name"
if ! [[ "${max_part_size}" =~ ^[1-9][0-9]{0,10}$ ]] || ((max_part_size >= MAX_SINGLE_PUT)); then
  fail "option max_part_size '${max_part_size}' is not a byte count below ${MAX_SINGLE_PUT}"
fi
command -v rclone >/dev/null || fail "rclone is not installed"

# rclone cleans paths ("a//b", "./", "..") and would write other keys than the other wrappers.
valid_path() {
  [[ "$1" =~ ^[A-Za-z0-9\ :._/-]+$ && "/$1/" != *//* && "/$1/" != */./* && "/$1/" != */../* ]]
}
prefix="${prefix#/}"
if [[ -n "${prefix}" ]]; then
  [[ "${prefix}" == */ ]] || prefix+=/
  valid_path "${prefix%/}" || fail "option prefix '${prefix}' is not a key prefix"
fi
if (($# >= 2)); then
  valid_path "$2" || fail "'$2' is not a volume name"
  volume_path="${REMOTE}:${bucket}/${prefix}$2"
fi
if (($# == 3)); then
  [[ "$3" =~ ^[A-Za-z0-9]+$ ]] || fail "'$3' is not a part name"
  part_path="${volume_path}/$3"
fi

# No retry of a whole command (it would repeat output); --ask-password=false never waits for a tty;
# --buffer-size 0: no read-ahead copy of the data (less memory, faster here).
common=(--config "${rclone_config}" --log-level ERROR --retries 1 --ask-password=false --buffer-size 0
  --s3-no-check-bucket)

# Runs rclone with stdout untouched and stderr held back: printed only if rclone fails.
run_rclone() {
  local errors rc=0
  { errors="$(rclone "${common[@]}" "$@" 2>&1 1>&3 3>&-)"; } 3>&1 || rc=$?
  if ((rc != 0)) && [[ -n "${errors}" ]]; then printf '%s\n' "${errors}" >&2; fi
  return "${rc}"
}

# Only objects that can be parts: anything else in the volume's folder would break the SD's parser.
print_parts() {
  local name size
  while read -r name size; do
    if [[ "${name}" =~ ^[A-Za-z0-9]+$ && "${size}" =~ ^[0-9]+$ ]]; then
      printf '%s %s\n' "${name}" "${size}"
    fi
  done
}

case "${verb}" in
  testconnection)
    # One ListObjects on a key that never exists: needs nothing but s3:ListBucket.
    run_rclone lsf --max-depth 1 "${REMOTE}:${bucket}/${prefix}.rclone-wrapper-testconnection/" >/dev/null ||
      fail "cannot list bucket '${bucket}' with the remote [${REMOTE}] of ${rclone_config}"
    ;;
  list)
    # lsf does not recurse into nested volumes; the trailing slash saves probing for an object first.
    run_rclone lsf --files-only --format ps --separator ' ' "${volume_path}/" | print_parts ||
      fail "cannot list volume '$2'"
    ;;
  stat)
    info="$(run_rclone lsjson --stat --no-mimetype --no-modtime "${part_path}")" || fail "cannot stat '$2/$3'"
    # A missing object reads as a directory of size -1.
    if [[ "${info}" =~ \"Size\":[[:space:]]*([0-9]+) ]]; then
      printf '%s\n' "${BASH_REMATCH[1]}"
    else
      fail "no part '$3' in volume '$2'"
    fi
    ;;
  upload)
    # rclone reads the whole part before it sends anything, then makes one PUT of known size
    # (Content-MD5, no multipart): a killed upload leaves no object behind. exec, so that a signal
    # from the SD's timeout reaches rclone itself instead of leaving it to upload a cut-off part.
    # --ignore-checksum only skips comparing the ETag, which is no MD5 under SSE-KMS.
    args=(rcat --streaming-upload-cutoff "$((max_part_size + 1))B" --s3-upload-cutoff 5G
      --s3-no-head --ignore-checksum)
    [[ -z "${storage_class}" ]] || args+=(--s3-storage-class "${storage_class}")
    exec rclone "${common[@]}" "${args[@]}" "${part_path}"
    ;;
  download)
    # cat of a missing object would print nothing and succeed: exit 9 says "nothing transferred".
    rc=0
    run_rclone cat --error-on-no-transfer "${part_path}" || rc=$?
    ((rc != 9)) || fail "no part '$3' in volume '$2'"
    ((rc == 0)) || fail "cannot download '$2/$3' (rclone exit ${rc})"
    ;;
  remove)
    run_rclone deletefile "${part_path}" || fail "cannot remove '$2/$3'"
    ;;
esac

#!/usr/bin/env bash
# Bareos dplcompat wrapper over curl: the storage daemon runs it once per chunk operation, as described
# in bareos/bareos docs/manuals/source/DeveloperGuide/dplcompat-wrappers.rst. One S3 request per call
# (two for remove), signed by curl's own SigV4 (--aws-sigv4), so a call costs a bash and a curl start.
#
#   curl-wrapper.sh options
#   curl-wrapper.sh testconnection                # one ListObjectsV2 (s3:ListBucket only)
#   curl-wrapper.sh list VOLUME                   # "<part> <size>" lines; nothing for a missing volume
#   curl-wrapper.sh stat VOLUME PART              # size in bytes (HEAD); fails when the part is missing
#   curl-wrapper.sh upload VOLUME PART <data      # one PUT of known length with Content-MD5
#   curl-wrapper.sh download VOLUME PART >data    # streamed GET; fails when the part is missing
#   curl-wrapper.sh remove VOLUME PART            # HEAD, then DELETE; fails when the part is missing
#
# Device Options that dplcompat does not consume itself arrive as environment variables:
#   curl_config    curl config file with the credentials and the signing scope, readable by the SD only:
#                    user = "<access key id>:<secret access key>"
#                    aws-sigv4 = "aws:amz:<region>:s3"
#   base_url       the bucket's URL: https://<bucket>.s3.<region>.amazonaws.com, or
#                  <endpoint>/<bucket> for path-style stores (MinIO)
#   prefix         optional key prefix; a part is the object <prefix><volume>/<part>, the layout of
#                  droplet and the other wrappers, so volumes stay readable by either
#   storage_class  optional storage class of uploaded parts
#   spool_dir      where an upload is held until its length and MD5 are known (default /var/tmp)
#   trace_log      optional file that gets one line per call: start end verb rc bytes part volume
#
# Payloads are sent as UNSIGNED-PAYLOAD: the signed Content-MD5 header makes S3 refuse a part that is
# not byte for byte what was read, without hashing every byte a second time for the signature.
set -uo pipefail
export LC_ALL=C

if [[ "${1-}" == options ]]; then
  printf '%s\n' curl_config base_url prefix storage_class spool_dir trace_log
  exit 0
fi

me="${0##*/}"
started="${EPOCHREALTIME}"
verb="${1-}"
volume=""
part=""
bytes=0

# The storage daemon reads our output until its end, then asks once, without waiting, whether we have
# exited, and sleeps a whole second when we have not quite (CloseBpipe, lib/bpipe_unix.cc): every call
# could cost a second. So a helper holds our output open until this process is gone; the container's
# init reaps it (the stack runs the storage daemon with one). Not for list: our exit signals the SD
# (SIGCHLD, handled without SA_RESTART), and a read it interrupts fails the SD's parser of list answers
# (crud_storage.cc reads them up to the end with fscanf); stat's and the other readers shrug it off.
if [[ -n "${verb}" && "${verb}" != list ]]; then
  # shellcheck disable=SC2034 # held, never written: its end at our exit is the helper's signal
  exec {holder}> >(
    read -r
    sleep 0.01
  )
fi

# Every exit goes through here: the trace line, then the exit that lets the helper go.
finish() {
  local rc="$1"
  if [[ -n "${trace_log-}" ]]; then
    printf '%s %s %s %s %s %s %s\n' "${started}" "${EPOCHREALTIME}" "${verb:-none}" "${rc}" "${bytes}" \
      "${part:--}" "${volume:--}" >>"${trace_log}" 2>/dev/null
  fi
  exit "${rc}"
}

fail() {
  printf '%s: %s\n' "${me}" "$1" >&2
  finish "${2:-1}"
}

usage() {
  fail "usage: ${me} options | testconnection | list VOLUME | {stat|upload|download|remove} VOLUME PART" 2
}

case "${verb}" in
  testconnection) (($# == 1)) || usage ;;
  list) (($# == 2)) || usage ;;
  stat | upload | download | remove) (($# == 3)) || usage ;;
  *) usage ;;
esac

: "${curl_config:=}" "${base_url:=}" "${prefix:=}" "${storage_class:=}" "${spool_dir:=/var/tmp}"
[[ -n "${curl_config}" ]] || fail "option curl_config (the curl config file) is not set"
[[ -r "${curl_config}" ]] || fail "curl config file '${curl_config}' is not readable"
[[ "${base_url}" =~ ^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._-]+)?$ ]] ||
  fail "option base_url '${base_url}' is not a bucket URL (http[s]://host[:port][/bucket])"
[[ -z "${storage_class}" || "${storage_class}" =~ ^[A-Z_]+$ ]] ||
  fail "option storage_class '${storage_class}' is not a storage class"
command -v curl >/dev/null || fail "curl is not installed"

valid_path() {
  [[ "$1" =~ ^[A-Za-z0-9\ :._/-]+$ && "/$1/" != *//* && "/$1/" != */./* && "/$1/" != */../* ]]
}
prefix="${prefix#/}"
if [[ -n "${prefix}" ]]; then
  [[ "${prefix}" == */ ]] || prefix+=/
  valid_path "${prefix%/}" || fail "option prefix '${prefix}' is not a key prefix"
fi
if (($# >= 2)); then
  volume="$2"
  valid_path "${volume}" || fail "'${volume}' is not a volume name"
fi
if (($# == 3)); then
  part="$3"
  [[ "${part}" =~ ^[A-Za-z0-9]+$ ]] || fail "'${part}' is not a part name"
fi

# RFC 3986 percent-encoding as SigV4 wants it; "/" stays when $2 is "path".
encode() {
  local s="$1" keep_slash="${2-}" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "${c}" in
      [A-Za-z0-9._~-]) out+="${c}" ;;
      /) if [[ -n "${keep_slash}" ]]; then out+=/; else out+=%2F; fi ;;
      *) printf -v c '%%%02X' "'${c}" && out+="${c}" ;;
    esac
  done
  printf '%s' "${out}"
}

# A path-style base_url already ends in the bucket; a virtual-host one addresses it by its host name.
if [[ "${base_url}" =~ ^https?://[^/]+/ ]]; then
  bucket_url="${base_url}" bucket="${base_url##*/}"
else
  bucket_url="${base_url}/" bucket="${base_url#*://}" bucket="${bucket%%.*}"
fi
volume_key="${prefix}${volume}/"
[[ -z "${part}" ]] || object_url="${base_url}/$(encode "${volume_key}${part}" path)"

STATUS_MARK=$'\n@@curl-wrapper-status '
# Runs one request with curl's messages and the response body captured in $response (stdout left alone
# when $1 is "-"); sets $http_code and $bytes.
request() {
  local body="$1" rc=0 tail
  shift
  # -q first: no ~/.curlrc of the daemon's user.
  local args=(-q -K "${curl_config}" -sS --connect-timeout 20 -H "x-amz-content-sha256: UNSIGNED-PAYLOAD"
    -w "%{stderr}${STATUS_MARK}%{http_code} %{size_upload} %{size_download} %header{content-length}\n")
  if [[ "${body}" == - ]]; then
    # Downloads: the body to stdout, the rest captured.
    { response="$(curl "${args[@]}" --fail -o - "$@" 2>&1 1>&3 3>&-)"; } 3>&1 || rc=$?
  else
    response="$(curl "${args[@]}" -o - "$@" 2>&1)" || rc=$?
  fi
  tail="${response##*"${STATUS_MARK}"}"
  [[ "${tail}" != "${response}" ]] || tail="000 0 0 "
  response="${response%"${STATUS_MARK}"*}"
  read -r http_code up down length <<<"${tail}"
  bytes=$((up + down))
  content_length="${length-}"
  return "${rc}"
}

# What the server or curl said, for a failure message (one line, bounded).
said() {
  local text="${response//$'\n'/ }"
  printf '%s' "${text:0:300}"
}

list_parts() {
  local token="" query xml entry key size truncated
  for (( ; ; )); do
    query="delimiter=%2F&list-type=2&prefix=$(encode "${volume_key}")"
    [[ -z "${token}" ]] || query="continuation-token=$(encode "${token}")&${query}"
    if ! request "" "${bucket_url}?${query}" || [[ "${http_code}" != 200 ]]; then
      fail "cannot list volume '${volume}' (HTTP ${http_code}): $(said)"
    fi
    xml="${response}"
    # Only objects that can be parts: anything else in the volume's folder would break the SD's parser.
    while [[ "${xml}" == *"<Contents>"* ]]; do
      xml="${xml#*<Contents>}"
      entry="${xml%%</Contents>*}"
      [[ "${entry}" =~ \<Key\>([^<]*)\</Key\> ]] || continue
      key="${BASH_REMATCH[1]}"
      [[ "${entry}" =~ \<Size\>([0-9]+)\</Size\> ]] || continue
      size="${BASH_REMATCH[1]}"
      key="${key#"${volume_key}"}"
      [[ "${key}" =~ ^[A-Za-z0-9]+$ ]] && printf '%s %s\n' "${key}" "${size}"
    done
    truncated=false
    [[ "${response}" =~ \<IsTruncated\>true\</IsTruncated\> ]] && truncated=true
    [[ "${truncated}" == true && "${response}" =~ \<NextContinuationToken\>([^<]+)\< ]] || break
    token="${BASH_REMATCH[1]}"
  done
}

# HEAD of the part: 0 with $content_length set, 1 when it does not exist; other answers fail.
head_part() {
  request "" -I "${object_url}" || [[ "${http_code}" =~ ^[1-9] ]] ||
    fail "cannot stat '${volume}/${part}': $(said)"
  case "${http_code}" in
    200) [[ "${content_length}" =~ ^[0-9]+$ ]] || fail "no size for '${volume}/${part}' in the answer" ;;
    404) return 1 ;;
    *) fail "cannot stat '${volume}/${part}' (HTTP ${http_code}): $(said)" ;;
  esac
}

upload() {
  local spool md5 rc=0 ppid_before ppid_now headers=()
  # Spools left by a killed upload.
  find "${spool_dir}" -maxdepth 1 -name "${me}.*" -mmin +120 -delete 2>/dev/null
  spool="$(mktemp "${spool_dir}/${me}.XXXXXXXX")" || fail "cannot create a spool file in '${spool_dir}'"
  # shellcheck disable=SC2064 # the name is fixed now
  trap "rm -f '${spool}'" EXIT
  read -r _ _ _ ppid_before _ </proc/$$/stat
  cat >"${spool}" || fail "cannot spool '${volume}/${part}' in '${spool_dir}'"
  # An end of input because the storage daemon died is no end of the part: never send a truncated part
  # over a whole one. Its death makes us an orphan, just after our input ends.
  sleep 0.01
  read -r _ _ _ ppid_now _ </proc/$$/stat
  [[ "${ppid_now}" == "${ppid_before}" ]] || fail "the storage daemon went away during '${volume}/${part}': not uploaded"
  md5="$(openssl dgst -md5 -binary "${spool}" | base64)" || fail "cannot hash '${volume}/${part}'"
  headers=(-H "Content-MD5: ${md5}")
  [[ -z "${storage_class}" ]] || headers+=(-H "x-amz-storage-class: ${storage_class}")
  # Killed by the SD's timeout, curl leaves a cut-off PUT, which S3 drops: no object.
  request "" "${headers[@]}" -T "${spool}" "${object_url}" || rc=$?
  ((rc == 0)) || fail "cannot upload '${volume}/${part}' (curl exit ${rc}): $(said)"
  [[ "${http_code}" == 200 ]] || fail "cannot upload '${volume}/${part}' (HTTP ${http_code}): $(said)"
}

case "${verb}" in
  testconnection)
    probe="${bucket_url}?list-type=2&max-keys=1&prefix=$(encode "${prefix}.curl-wrapper-testconnection/")"
    if ! request "" "${probe}" || [[ "${http_code}" != 200 ]]; then
      fail "cannot list bucket '${bucket}' at ${base_url} (HTTP ${http_code}): $(said)"
    fi
    ;;
  list)
    list_parts
    ;;
  stat)
    head_part || fail "no part '${part}' in volume '${volume}'"
    printf '%s\n' "${content_length}"
    ;;
  upload)
    upload
    ;;
  download)
    request - "${object_url}" || {
      [[ "${http_code}" != 404 ]] || fail "no part '${part}' in volume '${volume}'"
      fail "cannot download '${volume}/${part}' (HTTP ${http_code}): $(said)"
    }
    ;;
  remove)
    head_part || fail "no part '${part}' in volume '${volume}'"
    if ! request "" -X DELETE "${object_url}" || [[ "${http_code}" != 204 && "${http_code}" != 200 ]]; then
      fail "cannot remove '${volume}/${part}' (HTTP ${http_code}): $(said)"
    fi
    ;;
esac
finish 0

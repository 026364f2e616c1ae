#!/usr/bin/env bash
# Bareos dplcompat wrapper over curl: the storage daemon runs it once per chunk operation, as described
# in bareos/bareos docs/manuals/source/DeveloperGuide/dplcompat-wrappers.rst. One S3 request per call
# (two for remove), signed by curl's own SigV4 (--aws-sigv4), so a call costs a bash and a curl start.
#
#   curl-wrapper.sh options
#   curl-wrapper.sh testconnection                # one ListObjectsV2 (s3:ListBucket only)
#   curl-wrapper.sh list VOLUME                   # "<part> <size>" lines; nothing for a missing volume
#   curl-wrapper.sh stat VOLUME PART              # size in bytes (HEAD), space-padded to 4096 bytes;
#                                                 # fails when the part is missing
#   curl-wrapper.sh upload VOLUME PART <data      # one PUT of known length, its SHA-256 signed
#   curl-wrapper.sh download VOLUME PART >data    # streamed GET (conditional, with read_ahead); fails
#                                                 # when the part is missing
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
#   spool_dir      where an upload is held until its length and SHA-256 are known (default /var/tmp)
#   write_behind   uploads that may still be running after their call returned (0, the default: none;
#                  at most 8); see "Write-behind" below
#   read_ahead     1: after a download, fetch the volume's next part while the SD reads this one (0, the
#                  default: no); see "Read-ahead" below
#   trace_log      optional file that gets one line per call: start end verb rc bytes part volume
#                  (and, with write_behind, one "put" line per PUT made after its call returned)
#
# An upload's payload is signed: its SHA-256 is the x-amz-content-sha256 header that the SigV4
# signature covers, so S3 refuses a part that is not byte for byte what was read
# (XAmzContentSHA256Mismatch). One openssl pass makes it, a third of the CPU of the Content-MD5 this
# replaces (MD5, then base64) where the CPU has SHA instructions. Requests without a body are sent as
# UNSIGNED-PAYLOAD.
#
# Write-behind: with iothreads=0 the storage daemon waits for each upload before it reads the next chunk,
# and with iothreads>0 it polls for the last ones every 10 s (WaitUntilChunksWritten). With
# write_behind=N an upload call returns once the whole part is spooled; a background process sends it,
# at most N at once, so the next chunk is received while this one is sent. What the SD is told stays true:
#   - the SD counts a job as written only when `list` sums its volume's parts in S3 to what it wrote
#     (ChunkedDevice::is_written, at every volume label and job end); `list` first waits for the
#     volume's running uploads, so it answers what S3 holds once they are done;
#   - `stat`, `download` and `remove` of a part wait for its running uploads; uploads of one part are
#     sent in the order they were made (the label chunk is rewritten with data);
#   - a PUT that fails is retried (every 30 s at most) until it lands, as the SD's own io-threads do;
#     while it fails, further uploads to its volume fail at once with its error, so the job stops and
#     says why, and `list` answers without it (the SD keeps asking; the job ends when the part lands);
#   - a part is spooled whole before the call returns, and not sent when the SD died during it.
# Pending parts live in <spool_dir>/curl-wrapper.sh.pending (at most N parts); removing a part's file
# there abandons its retries.
#
# Read-ahead: the SD reads a volume one part at a time (stat, download, then the part's blocks), so
# without it the network idles while the SD works and the SD idles while a part arrives. With
# read_ahead=1 a download of part N starts, once N is sent, a detached GET of part N+1 into
# <spool_dir>/curl-wrapper.sh.readahead, recording its ETag. The download of N+1 waits for it, then
# sends a GET with If-None-Match: that ETag. S3 answers 304 when the part is unchanged, and the fetched
# copy is sent; any other answer is the part as S3 holds it now (rewritten since, or gone), sent as
# without read-ahead. So what the SD reads is always S3's current part; the cost is one part fetched in
# vain when a restore stops before the volume's end, and one part of disk in spool_dir per volume read.
set -uo pipefail
export LC_ALL=C
# sleep and rm as loadable builtins (Debian's bash-builtins, in the storage image) save a fork and an
# exec each, about 7 ms of CPU on a small VM, several times per call; without the package, the programs.
# Absolute paths: bash's default search path ends in ".".
for builtin in sleep rm; do
  enable -f "/usr/lib/bash/${builtin}" "${builtin}" 2>/dev/null
done

if [[ "${1-}" == options ]]; then
  printf '%s\n' curl_config base_url prefix storage_class spool_dir write_behind read_ahead trace_log
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
# init reaps it (the stack runs the storage daemon with one). But our exit signals the SD (SIGCHLD,
# handled without SA_RESTART) while it still waits on our output, and interrupts that read:
#   - getOutput (crud_storage.cc) drops whatever a read returned together with the error. So stat
#     answers in one write of PIPE_BUF bytes, the size first and padding after: the SD's first 1 KiB
#     read gets the size whole, and the read we interrupt can only hold padding. (Unpadded, the size
#     was lost, the part seemed missing, and a restore read "Short block" at the end of a whole part.)
#   - list's fscanf parser fails, and a download comes out short: those end the ordinary way.
# upload, remove and testconnection answer nothing the SD parses.
if [[ "${verb}" != list && "${verb}" != download ]]; then
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
: "${write_behind:=0}" "${read_ahead:=0}"
[[ -n "${curl_config}" ]] || fail "option curl_config (the curl config file) is not set"
[[ -r "${curl_config}" ]] || fail "curl config file '${curl_config}' is not readable"
[[ "${base_url}" =~ ^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._-]+)?$ ]] ||
  fail "option base_url '${base_url}' is not a bucket URL (http[s]://host[:port][/bucket])"
[[ -z "${storage_class}" || "${storage_class}" =~ ^[A-Z_]+$ ]] ||
  fail "option storage_class '${storage_class}' is not a storage class"
[[ "${write_behind}" =~ ^[0-8]$ ]] || fail "option write_behind '${write_behind}' is not a number from 0 to 8"
[[ "${read_ahead}" =~ ^[01]$ ]] || fail "option read_ahead '${read_ahead}' is not 0 or 1"
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

# RFC 3986 percent-encoding as SigV4 wants it, into $encoded (no subshell: a fork per use); "/" stays
# when $2 is "path".
encode() {
  local s="$1" keep_slash="${2-}" c i
  encoded=""
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "${c}" in
      [A-Za-z0-9._~-]) encoded+="${c}" ;;
      /) if [[ -n "${keep_slash}" ]]; then encoded+=/; else encoded+=%2F; fi ;;
      *) printf -v c '%%%02X' "'${c}" && encoded+="${c}" ;;
    esac
  done
}

# A path-style base_url already ends in the bucket; a virtual-host one addresses it by its host name.
if [[ "${base_url}" =~ ^https?://[^/]+/ ]]; then
  bucket_url="${base_url}" bucket="${base_url##*/}"
else
  bucket_url="${base_url}/" bucket="${base_url#*://}" bucket="${bucket%%.*}"
fi
volume_key="${prefix}${volume}/"
if [[ -n "${part}" ]]; then
  encode "${volume_key}${part}" path
  object_url="${base_url}/${encoded}"
fi

STATUS_MARK=$'\n@@curl-wrapper-status '
# The x-amz-content-sha256 of a request; put_spool sets its own (bash scoping: for its request only).
payload_sha256=UNSIGNED-PAYLOAD
# Runs one request with curl's messages and the response body captured in $response (stdout left alone
# when $1 is "-"); sets $http_code and $bytes.
request() {
  local body="$1" rc=0 tail length
  shift
  # -q first: no ~/.curlrc of the daemon's user.
  local args=(-q -K "${curl_config}" -sS --connect-timeout 20 -H "x-amz-content-sha256: ${payload_sha256}"
    -w "%{stderr}${STATUS_MARK}%{http_code} %{size_upload} %{size_download} length=%header{content-length} etag=%header{etag}\n")
  if [[ "${body}" == - ]]; then
    # Downloads: the body to stdout, the rest captured.
    { response="$(curl "${args[@]}" --fail -o - "$@" 2>&1 1>&3 3>&-)"; } 3>&1 || rc=$?
  else
    response="$(curl "${args[@]}" -o - "$@" 2>&1)" || rc=$?
  fi
  tail="${response##*"${STATUS_MARK}"}"
  [[ "${tail}" != "${response}" ]] || tail="000 0 0 length= etag="
  response="${response%"${STATUS_MARK}"*}"
  read -r http_code up down length etag <<<"${tail}"
  bytes=$((up + down))
  length="${length-}" etag="${etag-}"
  content_length="${length#length=}" etag="${etag#etag=}"
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
    encode "${volume_key}"
    query="delimiter=%2F&list-type=2&prefix=${encoded}"
    if [[ -n "${token}" ]]; then
      encode "${token}"
      query="continuation-token=${encoded}&${query}"
    fi
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

# The trace line of a PUT made after its call returned.
trace_put() {
  [[ -z "${trace_log-}" ]] ||
    printf '%s %s put %s %s %s %s\n' "$1" "${EPOCHREALTIME}" "$2" "${bytes}" "${part}" "${volume}" \
      >>"${trace_log}" 2>/dev/null
}

# One PUT of a spooled part, its SHA-256 signed; 1 with the reason in $error.
put_spool() {
  local spool="$1" payload_sha256 rc=0 headers=()
  payload_sha256="$(openssl dgst -sha256 -r "${spool}")"
  payload_sha256="${payload_sha256%% *}"
  if [[ ! "${payload_sha256}" =~ ^[0-9a-f]{64}$ ]]; then
    error="cannot hash '${volume}/${part}'"
    return 1
  fi
  [[ -z "${storage_class}" ]] || headers+=(-H "x-amz-storage-class: ${storage_class}")
  # Killed by the SD's timeout, curl leaves a cut-off PUT, which S3 drops: no object. --retry sends
  # the whole file again after a timeout or a 5xx or 429 answer.
  request "" "${headers[@]}" --retry 3 -T "${spool}" "${object_url}" || rc=$?
  if ((rc != 0)); then
    error="cannot upload '${volume}/${part}' (curl exit ${rc}): $(said)"
    return 1
  fi
  if [[ "${http_code}" != 200 ]]; then
    error="cannot upload '${volume}/${part}' (HTTP ${http_code}): $(said)"
    return 1
  fi
}

# An end of input because the storage daemon died is no end of the part: never send a truncated part
# over a whole one. Its death makes us an orphan, just after our input ends.
spool_input() {
  local file="$1" ppid_before ppid_now
  read -r _ _ _ ppid_before _ </proc/$$/stat
  cat >"${file}" || fail "cannot spool '${volume}/${part}' in '${spool_dir}'"
  sleep 0.01
  read -r _ _ _ ppid_now _ </proc/$$/stat
  [[ "${ppid_now}" == "${ppid_before}" ]] ||
    fail "the storage daemon went away during '${volume}/${part}': not uploaded"
}

upload() {
  local spool error=""
  # Spools left by a killed upload.
  find "${spool_dir}" -maxdepth 1 -name "${me}.*" -type f -mmin +120 -delete 2>/dev/null
  spool="$(mktemp "${spool_dir}/${me}.XXXXXXXX")" || fail "cannot create a spool file in '${spool_dir}'"
  # shellcheck disable=SC2064 # the name is fixed now
  trap "rm -f '${spool}'" EXIT
  spool_input "${spool}"
  put_spool "${spool}" || fail "${error}"
}

# Write-behind (see the top). A pending upload is the file <volume>@<part>.<sequence> in $pending_dir,
# locked by the process that sends it until it is gone; <that name>.failing holds its last error.
pending_dir="${spool_dir}/${me}.pending"
encode "${volume}"
volume_id="${encoded}@"
object_id="${volume_id}${part}."

# Waits until no upload whose name starts with $1 is running; failing ones are not waited for.
wait_pending() {
  local r fd
  for r in "${pending_dir}/$1"*; do
    [[ -e "${r}" && "${r}" != *.failing ]] || continue
    { exec {fd}<"${r}"; } 2>/dev/null || continue
    until flock -s -w 1 "${fd}"; do
      [[ ! -e "${r}.failing" ]] || break
    done
    exec {fd}<&-
  done
  return 0
}

# A pending upload whose sender is gone (its container was killed) is pending no more.
remove_stale() {
  local r fd
  for r in "${pending_dir}"/*@*; do
    [[ -e "${r}" && "${r}" != *.failing ]] || continue
    { exec {fd}<"${r}"; } 2>/dev/null || continue
    if flock -n -x "${fd}"; then rm -f "${r}" "${r}.failing"; fi
    exec {fd}<&-
  done
}

# Sends a handed-off part, after the earlier uploads of the same part, until it lands or its file is
# removed. Runs detached from the storage daemon; the slot and the record stay locked until it ends.
send_behind() {
  local record="$1" r fd tries=0 started error=""
  for r in "${pending_dir}/${object_id}"*; do
    [[ "${r}" != *.failing && "${r}" < "${record}" ]] || continue
    { exec {fd}<"${r}"; } 2>/dev/null || continue
    flock -s "${fd}"
    exec {fd}<&-
  done
  for (( ; ; )); do
    started="${EPOCHREALTIME}"
    if put_spool "${record}"; then
      trace_put "${started}" 0
      rm -f "${record}" "${record}.failing"
      return 0
    fi
    trace_put "${started}" 1
    printf '%s\n' "${error}" >"${record}.failing.tmp" && mv -f "${record}.failing.tmp" "${record}.failing"
    sleep $((tries < 5 ? 1 << tries : 30))
    tries=$((tries + 1))
    [[ -e "${record}" ]] || return 0
  done
}

# Sleeps until the oldest running upload ends (at most a second: a slot may free first when parts
# differ in size). Polling the slots instead cost more CPU than the uploads' own bash.
wait_oldest() {
  local r oldest="" fd
  for r in "${pending_dir}"/*@*; do
    [[ -e "${r}" && "${r}" != *.failing ]] || continue
    [[ -n "${oldest}" && "${r##*.}" > "${oldest##*.}" ]] || oldest="${r}"
  done
  if [[ -n "${oldest}" ]] && { exec {fd}<"${oldest}"; } 2>/dev/null; then
    flock -s -w 1 "${fd}"
    exec {fd}<&-
  else
    sleep 0.02
  fi
}

upload_behind() {
  local seq tmp record recfd slotfd i f stale_removed=""
  [[ -d "${pending_dir}" ]] || mkdir -m 700 "${pending_dir}" 2>/dev/null || [[ -d "${pending_dir}" ]] ||
    fail "cannot create '${pending_dir}'"
  for f in "${pending_dir}/${volume_id}"*.failing; do
    [[ -e "${f}" ]] || continue
    # Its sender may be gone with a killed container.
    [[ -n "${stale_removed-}" ]] || remove_stale
    stale_removed=1
    [[ -e "${f}" ]] || continue
    fail "an earlier upload to volume '${volume}' is failing, so part '${part}' is refused: $(head -c 300 "${f}")"
  done
  # One of write_behind slots: while all are sending, the SD waits here, asleep on the oldest upload.
  # A stale upload holds no slot but would be taken for the oldest, so those go first (only then: it
  # costs a flock per upload).
  for (( ; ; )); do
    for ((i = 0; i < write_behind; i++)); do
      exec {slotfd}>>"${pending_dir}/slot.${i}" || fail "cannot open '${pending_dir}/slot.${i}'"
      flock -n -x "${slotfd}" && break 2
      exec {slotfd}>&-
    done
    [[ -n "${stale_removed-}" ]] || remove_stale
    stale_removed=1
    wait_oldest
  done
  seq="${EPOCHREALTIME/./}-$$"
  tmp="${pending_dir}/.${object_id}${seq}"
  record="${pending_dir}/${object_id}${seq}"
  # Locked before it can be seen: no waiter takes a part still being spooled for a finished one.
  exec {recfd}>"${tmp}" || fail "cannot create a spool file in '${pending_dir}'"
  flock -x "${recfd}"
  mv -f "${tmp}" "${record}" || fail "cannot create a spool file in '${pending_dir}'"
  # shellcheck disable=SC2064 # the name is fixed now
  trap "rm -f '${record}'" EXIT
  spool_input "${record}"
  trap - EXIT
  (
    exec {holder}>&-
    send_behind "${record}"
  ) </dev/null >/dev/null 2>&1 &
  disown
}

# Read-ahead (see the top). The fetched part is <volume_id><part> in $ahead_dir, locked by its fetcher
# until it is complete or gone; <that name>.etag, written last, says it is complete.
ahead_dir="${spool_dir}/${me}.readahead"

# Sends part $part: the fetched copy when S3 says it is still the part, else S3's answer itself.
download() {
  local copy="${ahead_dir}/${object_id%.}" fd tag="" rc=0
  if [[ -e "${copy}" ]] && { exec {fd}<"${copy}"; } 2>/dev/null; then
    # Its fetcher holds the lock until the copy is complete (its ETag written) or removed.
    flock -s -w 600 "${fd}"
    exec {fd}<&-
    [[ ! -s "${copy}.etag" ]] || tag="$(<"${copy}.etag")"
  fi
  if [[ -z "${tag}" ]]; then
    rm -f "${copy}" "${copy}.etag"
    request - "${object_url}" || fail_download
    return 0
  fi
  request - -H "If-None-Match: ${tag}" "${object_url}" || rc=$?
  if ((rc == 0)) && [[ "${http_code}" == 304 ]]; then
    cat "${copy}" || rc=$?
    bytes=$(stat -c %s "${copy}")
  fi
  rm -f "${copy}" "${copy}.etag"
  ((rc == 0)) || fail_download
}

fail_download() {
  [[ "${http_code}" != 404 ]] || fail "no part '${part}' in volume '${volume}'"
  fail "cannot download '${volume}/${part}' (HTTP ${http_code}): $(said)"
}

# After part $part was sent: a detached GET of the volume's next part, unless one is there already.
# Copies of this volume's other parts are dropped (the SD has moved on); so are any a day old.
read_ahead() {
  local next name copy tmp fd f
  [[ "${part}" =~ ^[0-9]+$ ]] || return 0
  printf -v next '%0*d' "${#part}" $((10#${part} + 1))
  name="${volume_id}${next}"
  copy="${ahead_dir}/${name}"
  [[ -d "${ahead_dir}" ]] || mkdir -m 700 "${ahead_dir}" 2>/dev/null || [[ -d "${ahead_dir}" ]] || return 0
  find "${ahead_dir}" -maxdepth 1 -type f -mmin +1440 -delete 2>/dev/null
  for f in "${ahead_dir}/${volume_id}"*; do
    [[ -e "${f}" && "${f}" != "${copy}" && "${f}" != "${copy}.etag" && "${f}" != *.etag ]] || continue
    { exec {fd}<"${f}"; } 2>/dev/null || continue
    if flock -n -x "${fd}"; then rm -f "${f}" "${f}.etag"; fi
    exec {fd}<&-
  done
  [[ ! -e "${copy}" ]] || return 0
  tmp="${ahead_dir}/.${name}.$$"
  # Locked before it can be seen, as a pending upload is.
  exec {fd}>"${tmp}" || return 0
  flock -x "${fd}"
  mv -f "${tmp}" "${copy}" || return 0
  fetch_ahead "${next}" "${copy}" </dev/null >/dev/null 2>&1 &
  disown
}

# The detached GET of part $1 into $2, locked by read_ahead; the ETag is written once the copy is whole.
fetch_ahead() {
  local part="$1" copy="$2" object_url started="${EPOCHREALTIME}"
  encode "${volume_key}${part}" path
  object_url="${base_url}/${encoded}"
  wait_pending "${volume_id}${part}."
  if request - "${object_url}" >"${copy}" && [[ -n "${etag}" ]]; then
    printf '%s' "${etag}" >"${copy}.etag.tmp" && mv -f "${copy}.etag.tmp" "${copy}.etag"
    trace_ahead "${started}" 0
  else
    rm -f "${copy}" "${copy}.etag"
    trace_ahead "${started}" 1
  fi
}

# The trace line of a read-ahead GET.
trace_ahead() {
  [[ -z "${trace_log-}" ]] ||
    printf '%s %s ahead %s %s %s %s\n' "$1" "${EPOCHREALTIME}" "$2" "${bytes}" "${part}" "${volume}" \
      >>"${trace_log}" 2>/dev/null
}

case "${verb}" in
  testconnection)
    encode "${prefix}.curl-wrapper-testconnection/"
    probe="${bucket_url}?list-type=2&max-keys=1&prefix=${encoded}"
    if ! request "" "${probe}" || [[ "${http_code}" != 200 ]]; then
      fail "cannot list bucket '${bucket}' at ${base_url} (HTTP ${http_code}): $(said)"
    fi
    ;;
  list)
    wait_pending "${volume_id}"
    list_parts
    ;;
  stat)
    wait_pending "${object_id}"
    head_part || fail "no part '${part}' in volume '${volume}'"
    printf -v padding '%*s' $((4095 - ${#content_length})) ""
    printf '%s' "${content_length}"$'\n'"${padding}"
    ;;
  upload)
    if ((write_behind > 0)); then upload_behind; else upload; fi
    ;;
  download)
    wait_pending "${object_id}"
    download
    # Our output ends here, so the SD reads this part while the next one arrives.
    exec 1>&-
    ((read_ahead == 0)) || read_ahead
    ;;
  remove)
    wait_pending "${object_id}"
    head_part || fail "no part '${part}' in volume '${volume}'"
    if ! request "" -X DELETE "${object_url}" || [[ "${http_code}" != 204 && "${http_code}" != 200 ]]; then
      fail "cannot remove '${volume}/${part}' (HTTP ${http_code}): $(said)"
    fi
    ;;
esac
finish 0

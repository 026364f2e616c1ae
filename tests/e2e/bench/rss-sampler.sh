#!/usr/bin/env bash
# Run inside the storage daemon's container during a benchmarked job (backup.bench.ts): every 0.2 s sums
# VmRSS over every process but itself, until /tmp/bench-sampler.stop exists; then prints the largest sum
# and the largest sum without the storage daemon ($1, its pid), i.e. of its wrapper processes, in KiB.
set -u
stop=/tmp/bench-sampler.stop
rm -f "${stop}"
sd="$1" max=0 maxw=0
while [[ ! -e "${stop}" ]]; do
  total=0 wrappers=0
  for d in /proc/[0-9]*; do
    p="${d#/proc/}"
    [[ "${p}" == "$$" || "${p}" == "${BASHPID}" ]] && continue
    rss=0
    # A process may end between the glob and the read.
    while read -r key value _; do [[ "${key}" == VmRSS: ]] && rss="${value}"; done <"${d}/status" 2>/dev/null
    total=$((total + rss))
    [[ "${p}" == "${sd}" ]] || wrappers=$((wrappers + rss))
  done
  ((total > max)) && max="${total}"
  ((wrappers > maxw)) && maxw="${wrappers}"
  sleep 0.2
done
echo "${max} ${maxw}"

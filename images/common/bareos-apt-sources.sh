#!/bin/sh
# The Bareos apt repository for an image build (runs in a throw-away stage, so the final image needs
# neither curl nor gpg): fetches and verifies its Release.key, then writes under ROOT
#   etc/apt/keyrings/bareos.gpg, etc/apt/sources.list.d/bareos.sources and the pin
#   etc/apt/preferences.d/bareos.pref that holds every bareos* package to BAREOS_VERSION's major.
# With POSTGRES_CLIENT_SOURCE (director only): pgdg also adds apt.postgresql.org, debian adds nothing.
#
#   bareos-apt-sources.sh ROOT [POSTGRES_CLIENT_SOURCE]
#
# Reads the stage's build args BAREOS_VERSION, BAREOS_REPO_URL, BAREOS_KEY_FINGERPRINT (empty skips
# the check) and, for pgdg, PGDG_KEY_FINGERPRINT. Contract: images/README.md.
set -eux

# "/" writes straight into the stage's own /etc/apt.
root="${1%/}"

case "${BAREOS_VERSION}" in '' | *[!0-9]*)
  echo "BAREOS_VERSION must be a major version number" >&2
  exit 1
  ;;
esac
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl gpg
rm -rf /var/lib/apt/lists/*

# fetch_key URL FINGERPRINT KEYRING: an empty FINGERPRINT accepts any key.
fetch_key() {
  curl -fsSL --retry 3 "$1" -o /tmp/key.asc
  fpr="$(gpg --batch --show-keys --with-colons /tmp/key.asc | awk -F: '$1 == "fpr" { print $10; exit }')"
  if [ -n "$2" ] && [ "${fpr}" != "$2" ]; then
    echo "$1 has key ${fpr}, expected $2" >&2
    exit 1
  fi
  gpg --batch --dearmor </tmp/key.asc >"$3"
  rm -f /tmp/key.asc
}

mkdir -p "${root}/etc/apt/keyrings" "${root}/etc/apt/sources.list.d" "${root}/etc/apt/preferences.d"
fetch_key "${BAREOS_REPO_URL}/Release.key" "${BAREOS_KEY_FINGERPRINT}" "${root}/etc/apt/keyrings/bareos.gpg"
printf 'Types: deb\nURIs: %s\nSuites: /\nSigned-By: /etc/apt/keyrings/bareos.gpg\n' "${BAREOS_REPO_URL}" \
  >"${root}/etc/apt/sources.list.d/bareos.sources"
printf 'Package: bareos* python3-bareos\nPin: version %s.*\nPin-Priority: 1001\n' "${BAREOS_VERSION}" \
  >"${root}/etc/apt/preferences.d/bareos.pref"

# Debian 12 only has PostgreSQL 15; pg_dump must be at least the catalog server's major.
if [ "$#" -ge 2 ]; then
  # shellcheck source=/dev/null
  . /etc/os-release
  case "$2" in
    pgdg)
      fetch_key https://www.postgresql.org/media/keys/ACCC4CF8.asc "${PGDG_KEY_FINGERPRINT}" \
        "${root}/etc/apt/keyrings/pgdg.gpg"
      # shellcheck disable=SC2154 # VERSION_CODENAME comes from /etc/os-release
      printf 'Types: deb\nURIs: https://apt.postgresql.org/pub/repos/apt\nSuites: %s-pgdg\nComponents: main\nSigned-By: /etc/apt/keyrings/pgdg.gpg\n' \
        "${VERSION_CODENAME}" >"${root}/etc/apt/sources.list.d/pgdg.sources"
      ;;
    debian) ;;
    *)
      echo "POSTGRES_CLIENT_SOURCE must be pgdg or debian" >&2
      exit 1
      ;;
  esac
fi

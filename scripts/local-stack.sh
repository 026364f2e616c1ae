#!/usr/bin/env bash
# Runs a Pulumi command (up, preview, destroy, stack output, ...) on the `local` stack, with the state
# kept in ./.pulumi-state (no Pulumi Cloud login) and an empty secrets passphrase unless one is set.
#   scripts/local-stack.sh up        # what `npm run deploy:local` does
#   scripts/local-stack.sh destroy
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pulumi >/dev/null || { echo "The Pulumi CLI is required: https://www.pulumi.com/docs/install/" >&2; exit 1; }
command -v docker >/dev/null || { echo "Docker is required." >&2; exit 1; }
[ "$#" -gt 0 ] || set -- up
mkdir -p .pulumi-state
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://${PWD}/.pulumi-state}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
pulumi stack select --create local
case "$1" in
  up | destroy) pulumi "$@" --yes ;;
  *) pulumi "$@" ;;
esac

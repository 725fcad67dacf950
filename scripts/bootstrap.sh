#!/usr/bin/env bash
# Shared by run.sh and test.sh: makes sure the Debian packages the AppHost starts as local
# executables are installed. Idempotent; installs only what is missing.
set -euo pipefail

bazaar_missing_packages() {
  local missing=()
  [ -x /usr/lib/postgresql/15/bin/postgres ] && [ -x /usr/lib/postgresql/15/bin/pg_basebackup ] || missing+=(postgresql-15)
  [ -x /usr/bin/redis-server ] || missing+=(redis-server)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  # npx runs the pinned Redocly CLI that lints the OpenAPI document in the integration tests.
  command -v npx >/dev/null 2>&1 || missing+=(npm)
  [ -x /usr/bin/chromium ] || missing+=(chromium) # the dashboard's browser tests (Playwright drives it)
  # The benchmark's smoke run (bench/run.sh --smoke, in test.sh): wrk loads the API, jq and curl glue.
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  echo "${missing[@]:-}"
}

bazaar_bootstrap() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET SDK is not on PATH. Install the .NET 10 SDK (https://dot.net) and run this again." >&2
    exit 1
  fi

  local missing
  missing=$(bazaar_missing_packages)
  if [ -z "$missing" ]; then
    return 0
  fi

  echo "==> Installing missing Debian packages: $missing"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo"
    else
      echo "These Debian packages are missing: $missing" >&2
      echo "Install them, then run this again:" >&2
      echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y $missing" >&2
      exit 1
    fi
  fi
  # Debian's post-install may start its own daemons on the default ports; ours use their own
  # ports and data directories, so those are left alone.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing </dev/null

  missing=$(bazaar_missing_packages)
  if [ -n "$missing" ]; then
    echo "apt-get finished but these are still missing: $missing. Check the apt output above." >&2
    exit 1
  fi
}

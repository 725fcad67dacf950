#!/usr/bin/env bash
# Installs what is missing, builds, and starts the whole system (AppHost) with demo data.
# Usage: ./run.sh [--reset] [-- AppHost arguments]
#   --reset wipes the local data (.bazaar/) first; anything after -- goes to the AppHost,
#   e.g. ./run.sh -- --Parameters:admin-password='a-long-new-passphrase'
# Stop with Ctrl+C: the AppHost ends every server process it started.
set -euo pipefail
cd "$(dirname "$0")"

reset=false
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reset) reset=true ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "Unknown option '$1'. Usage: ./run.sh [--reset] [-- AppHost arguments]" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=scripts/bootstrap.sh
source scripts/bootstrap.sh
bazaar_bootstrap

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "==> Building BazaarCstd.sln"
dotnet build BazaarCstd.sln -nologo -v quiet -clp:ErrorsOnly

apphost_args=(--Bazaar:SeedDemoData=true ${extra[@]+"${extra[@]}"})
if $reset; then
  apphost_args+=(--Bazaar:ResetData=true)
  echo "==> Local data will be wiped before start"
fi

cat <<'URLS'
==> Starting BazaarCSTD
    Aspire dashboard  http://localhost:15888
    API               http://localhost:5080   (OpenAPI UI: http://localhost:5080/scalar)
    Web dashboard     http://localhost:5090
URLS

# Tell the user when the API is actually answering; the AppHost's own log is long.
(
  started=$SECONDS
  for _ in $(seq 1 300); do
    if curl -fs -m 2 http://localhost:5080/health >/dev/null 2>&1; then
      echo "==> BazaarCSTD is ready after $((SECONDS - started)) s: API http://localhost:5080, Web http://localhost:5090, dashboard http://localhost:15888"
      exit 0
    fi
    sleep 1
  done
  echo "==> The API did not become healthy within 300 s; look at the Aspire dashboard (http://localhost:15888) for the failing resource." >&2
) &
waiter=$!
trap 'kill "$waiter" 2>/dev/null || true' EXIT

dotnet run --project BazaarCstd.AppHost --no-build -- "${apphost_args[@]}"

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

# Release, like the benchmark (bench/run.sh): the services run without the Debug build's overhead.
echo "==> Building BazaarCstd.sln (Release)"
dotnet build BazaarCstd.sln -c Release -nologo -v quiet -clp:ErrorsOnly

apphost_args=(--Bazaar:SeedDemoData=true ${extra[@]+"${extra[@]}"})
if $reset; then
  apphost_args+=(--Bazaar:ResetData=true)
  echo "==> Local data will be wiped before start"
fi

cat <<'URLS'
==> Starting BazaarCSTD
    Aspire dashboard  http://localhost:15888   (sign in with the link printed when ready)
    API               http://localhost:5080   (OpenAPI UI: http://localhost:5080/scalar)
    Web dashboard     http://localhost:5090
URLS

# The dashboard signs in with a browser token that changes every start; the AppHost logs the link
# ("Login to the dashboard at ..."). A copy of its output is kept to read that line from.
apphost_log=$(mktemp -t bazaar-apphost.XXXXXX)
dashboard_link() {
  grep -o 'http://localhost:15888/login?t=[[:alnum:]]*' "$apphost_log" | tail -n 1 || true
}

# Tell the user when the API is actually answering; the AppHost's own log is long.
(
  started=$SECONDS
  for _ in $(seq 1 300); do
    if curl -fs -m 2 http://localhost:5080/health >/dev/null 2>&1; then
      echo "==> BazaarCSTD is ready after $((SECONDS - started)) s: API http://localhost:5080, Web http://localhost:5090"
      link=$(dashboard_link)
      echo "==> Aspire dashboard: ${link:-http://localhost:15888 (its sign-in link is in the AppHost log above)}"
      exit 0
    fi
    sleep 1
  done
  link=$(dashboard_link)
  echo "==> The API did not become healthy within 300 s; look at the Aspire dashboard (${link:-http://localhost:15888}) for the failing resource." >&2
) &
waiter=$!
trap 'kill "$waiter" 2>/dev/null || true; rm -f "$apphost_log"' EXIT

# tee -i: Ctrl+C stops the AppHost (which stops everything it started), not the copy of its output.
dotnet run --project BazaarCstd.AppHost -c Release --no-build -- "${apphost_args[@]}" > >(tee -i "$apphost_log")

#!/usr/bin/env bash
# The kill -9 chaos run (issue #15): starts its own app in Release (fresh data root, random ports,
# 2 API + 2 Worker replicas), has 64 tills record sales, transfers and counts through the API with
# idempotency keys and retries while an API replica, a Worker replica, RabbitMQ, Redis and the
# PostgreSQL replica are killed with SIGKILL at random moments and restarted with their Aspire start
# commands; then checks the ledger, the events, the alerts and the dead letters. Prints every
# invariant with its figures and one verdict; writes bench/results/<UTC>-chaos.md; exits 1 when an
# invariant broke. Loopback only; every loop is bounded in time.
#
# Usage: bench/chaos.sh [--smoke] [--ops N] [--no-build] [-- more runner options]
#   (default)   100,000 operations by 64 tills on 20 stores × 200 products, a kill every 6 s ± 50 %
#   --smoke     800 operations by 32 tills on 4 stores × 25 products, a kill every second until
#               each component but RabbitMQ was killed once (what the integration test runs)
#   --ops N     operations (with or without --smoke)
#   --no-build  use the Release build as it is (after: dotnet build bench/BazaarCstd.Chaos.Runner -c Release)
#   after --: --clients N --stores N --products N --kill-every S --max-down S --cap S --budget S
#   The whole run keeps within --budget (default 570 s, app start included): past it the tills take
#   no new operation, and the verdict says how many were done.
# Needs: dotnet and the Debian packages ./run.sh installs (postgresql-15, redis-server, rabbitmq-server).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
project="$repo/bench/BazaarCstd.Chaos.Runner"
dll="$project/bin/Release/net10.0/BazaarCstd.Chaos.Runner.dll"

mode=full build=true runner_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mode=smoke ;;
    --ops) [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "chaos: --ops takes a whole number." >&2; exit 2; }; runner_args+=(--ops "$2"); shift ;;
    --no-build) build=false ;;
    --) shift; runner_args+=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "Unknown option '$1'. Run bench/chaos.sh --help for the options." >&2; exit 2 ;;
  esac
  shift
done
[ "$mode" = smoke ] && runner_args=(--smoke "${runner_args[@]}")

command -v dotnet >/dev/null || { echo "chaos: dotnet is missing; ./run.sh installs it." >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if $build; then
  echo "==> Building the chaos runner and the app (Release)"
  dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null \
    || { echo "chaos: the build failed; run: dotnet build bench/BazaarCstd.Chaos.Runner -c Release" >&2; exit 1; }
fi
[ -f "$dll" ] || { echo "chaos: no Release build; run: dotnet build bench/BazaarCstd.Chaos.Runner -c Release" >&2; exit 1; }

stamp=$(date -u +%Y-%m-%dT%H%MZ)
mkdir -p "$repo/bench/results"
suffix=chaos; [ "$mode" = smoke ] && suffix=chaos-smoke
report="$repo/bench/results/$stamp-$suffix.md"
ops_log="$(mktemp -t bazaar-chaos-ops.XXXXXX.jsonl)"
echo "==> Chaos run ($mode); load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; operations log: $ops_log"
clock=$SECONDS
# The runner stops itself (its tills, kills and waits are bounded); the timeout is the last resort.
status=0
timeout --kill-after=60 1500 dotnet "$dll" --report "$report" --ops-log "$ops_log" "${runner_args[@]}" || status=$?
echo "==> $((SECONDS - clock)) s in all; report: ${report#"$repo"/}"
exit "$status"

#!/usr/bin/env bash
# Installs what is missing, builds the solution once, runs every test project, and ends with one
# plain line "N passed, N failed[, N skipped]" summed over all of them (read from the TRX files).
# Exits non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")"

# shellcheck source=scripts/bootstrap.sh
source scripts/bootstrap.sh
bazaar_bootstrap

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export CI="${CI:-true}"

echo "==> Building BazaarCstd.sln"
dotnet build BazaarCstd.sln -nologo -v quiet -clp:ErrorsOnly

results_dir="TestResults"
rm -rf "$results_dir"

echo "==> Running tests"
# Two lanes at once. The integration tests but the demo chain's (the chaos, shared and rate-limit
# apps, one after another; ResourceGraphTests holds the shared app's start to 60 s) beside the
# browser tests, then the demo chain's tests with their app. The second lane runs at a lower CPU
# priority (nice, inherited by its apps and Chromium), so it takes the idle time instead of
# stretching the first lane's starts on two cores. The unit tests go first in the second lane.
demo_filter="FullyQualifiedName~BazaarCstd.IntegrationTests.DemoData"
run_tests() { # project, TRX name, dotnet test arguments...
  local project=$1 trx=$2; shift 2
  dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$trx.trx" --logger "console;verbosity=normal" \
    --results-directory "$results_dir" "$@" </dev/null
}
set +e
run_tests tests/BazaarCstd.IntegrationTests BazaarCstd.IntegrationTests --filter "FullyQualifiedName!~BazaarCstd.IntegrationTests.DemoData" & integration=$!
nice -n 10 bash -c "$(declare -f run_tests); results_dir='$results_dir'; status=0
  run_tests tests/BazaarCstd.Tests BazaarCstd.Tests || status=1
  run_tests tests/BazaarCstd.Web.Tests BazaarCstd.Web.Tests || status=1
  run_tests tests/BazaarCstd.IntegrationTests BazaarCstd.IntegrationTests.DemoData --filter '$demo_filter' || status=1
  exit \$status" & second=$!
wait "$integration"; integration_status=$?
wait "$second"; second_status=$?
test_status=$((integration_status | second_status))
set -e

passed=0; failed=0; skipped=0; files=0
for trx in "$results_dir"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  total=$(value total); executed=$(value executed)
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + total - executed))
done

if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited $test_status without a recorded test failure (read $files result file(s)): a test host crashed or a project did not run; see the output above."
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi

if [ "$test_status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$files" -eq 0 ]; then
  exit 1
fi

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
# Dynamic PGO off for the suite's processes (test hosts, and through DCP every service of its six
# apps): they are short-lived, and PGO's instrumented tier costs CPU at every start, paying back only
# under minutes of steady load. run.sh and the benchmark keep the runtime's default. One shared-app
# test with its app's start and stop: 54 and 50 CPU-s with it, 43 and 39 without (docs/decisions.md,
# "Runtime settings").
export DOTNET_TieredPGO=0

echo "==> Building BazaarCstd.sln"
dotnet build BazaarCstd.sln -nologo -v quiet -clp:ErrorsOnly

results_dir="TestResults"
rm -rf "$results_dir"

echo "==> Running tests"
# Three lanes at once; the integration tests are the long pole and time their own app's start
# (ResourceGraphTests: the shared app within 60 s), so apps start one at a time where it counts:
# 1. the integration tests but those marked Lane=second: the chaos, demo and shared apps, in turn;
# 2. the browser tests (their own app, at the start), then, once the shared app of lane 1 is up
#    (it creates $ready; or lane 1 has ended), the Lane=second collections: the rate-limit app's
#    tests and the benchmark's smoke run (its own app), beside the shared app's tests, when the
#    machine has room again (SuiteLanes in the integration tests);
# 3. the unit tests.
# The browser tests' test host runs at nice 10, which only ranks it below the other test hosts: its
# app's processes and Chromium run in sessions of their own (DCP and Playwright start them so, each
# PostgreSQL backend makes one), and with the kernel's autogroup scheduling (on here) every session
# gets an equal share of the CPU whatever its nice value; Chromium also sets its own (seen with ps
# during a run: nice 10 for the app, -8 to 5 for Chromium).
ready="$PWD/$results_dir/shared-app.ready"
run_tests() { # PROJECT RESULT-NAME [dotnet test options]
  local project=$1 name=$2
  shift 2
  ${NICE:-} dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results_dir" "$@" </dev/null
}
set +e
BAZAAR_TESTS_SHARED_APP_READY="$ready" run_tests tests/BazaarCstd.IntegrationTests BazaarCstd.IntegrationTests --filter "Lane!=second" &
integration=$!
(
  NICE="nice -n 10" run_tests tests/BazaarCstd.Web.Tests BazaarCstd.Web.Tests; browser=$?
  while [ ! -e "$ready" ] && kill -0 "$integration" 2>/dev/null; do sleep 1; done
  run_tests tests/BazaarCstd.IntegrationTests BazaarCstd.IntegrationTests.second --filter "Lane=second"; second=$?
  exit $((browser | second))
) & second_lane=$!
run_tests tests/BazaarCstd.Tests BazaarCstd.Tests; unit_status=$?
wait "$integration"; integration_status=$?
wait "$second_lane"; second_lane_status=$?
test_status=$((unit_status | integration_status | second_lane_status))
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

# CI shows only the end of this output, so the failed tests are named here, just above the count,
# with the first lines of their messages (read from the same TRX files).
if [ "$failed" -gt 0 ]; then
  echo "==> Failed tests"
  command -v python3 >/dev/null && python3 - "$results_dir" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    for result in ET.parse(trx).getroot().iterfind(".//t:UnitTestResult", ns):
        if result.get("outcome") in ("Passed", "NotExecuted"):
            continue
        message = result.findtext(".//t:ErrorInfo/t:Message", default="", namespaces=ns).strip()
        print(f"FAILED {result.get('testName')} ({result.get('duration')})")
        for line in message.splitlines()[:6]:
            print("    " + line[:300])
PY
fi

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

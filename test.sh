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
# The three projects run at once. The integration tests are the long pole and time their own app's
# start (ResourceGraphTests: the shared app within 60 s); their collections run one after another,
# the shared app's after the browser tests are done (AppStartOrder), and the benchmark's smoke run
# (BenchSmokeTests, its own app) last. The browser tests' test host runs at nice 10, which only ranks
# it below the other test hosts: its app's processes and Chromium run in sessions of their own (DCP
# and Playwright start them so, each PostgreSQL backend makes one), and with the kernel's autogroup
# scheduling (on here) every session gets an equal share of the CPU whatever its nice value; Chromium
# also sets its own (seen with ps during a run: nice 10 for the app, -8 to 5 for Chromium).
run_tests() { # PROJECT
  ${NICE:-} dotnet test "$1" --no-build -nologo --logger "trx;LogFileName=$(basename "$1").trx" --logger "console;verbosity=normal" \
    --results-directory "$results_dir" </dev/null
}
set +e
run_tests tests/BazaarCstd.IntegrationTests & integration=$!
NICE="nice -n 10" run_tests tests/BazaarCstd.Web.Tests & browser=$!
run_tests tests/BazaarCstd.Tests; unit_status=$?
wait "$integration"; integration_status=$?
wait "$browser"; browser_status=$?
test_status=$((unit_status | integration_status | browser_status))
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

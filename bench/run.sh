#!/usr/bin/env bash
# The benchmark (issue #15): starts its own app in Release on a fresh data root and random ports,
# seeds a dataset, measures pgbench baselines and the same work through the API in one sitting, and
# writes bench/results/<UTC date>.md and .json. Loopback only; every load run is bounded in time.
#
# Usage: bench/run.sh [--quick | --smoke] [--duration S] [--keep] [--no-build] [--configuration C] [--out DIR] [--only A,B]
#   (default)   1,000 stores × 1,000 products, 30 s per scenario, each API path warmed in 5 s chunks
#               until its API CPU per request stops falling (at most 8 chunks)
#   --quick     50 stores × 200 products, 6 s per scenario, 2 s warm-up chunks (at most 5)
#   --smoke     5 stores × 40 products, 1 s per scenario, one 1 s warm-up chunk of the sale path only, no
#               settle time, 1 s idle, pgbench 1 s longer (its clock includes connecting 16 clients, which
#               took over a second on a busy machine) (checks the harness works; ./test.sh runs it, BenchSmokeTests)
#   --duration  measured seconds per scenario (overrides the mode's)
#   --keep      leave the data root (the app is always stopped)
#   --no-build  use the build as it is (after: dotnet build BazaarCstd.AppHost -c Release)
#   --configuration  the build to run, Release unless given (figures are only comparable in Release)
#   --out       where the results go (default bench/results)
#   --only      comma-separated scenario names: run just those (for an A/B of one figure)
# Needs: dotnet, wrk, pgbench + psql (postgresql-15), python3, curl, jq — all from Debian / the
# bootstrap. Nothing of a developer's ./run.sh is touched: own data root, every port random
# (DcpPublisher:RandomizePorts), so it may run beside it (and beside the test suite, noisily).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bench="$repo/bench"

mode=full stores=1000 products=1000 duration=30 warmup=5 warm_chunks=8 drain_max=120 settle_s=3 idle_s=5 keep=false build=true
pg_extra_s=0 # seconds pgbench runs beyond the scenario's duration (its -T clock includes connecting its clients)
warm_paths="sale:1 batch10:10 point:0 page:0 alive:0 sale:1" # API paths the warm-up runs (mode:lines per request)
configuration=Release out_dir="$bench/results" only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick stores=50 products=200 duration=6 warmup=2 warm_chunks=5 drain_max=30 ;;
    --smoke) mode=smoke stores=5 products=40 duration=1 warmup=1 warm_chunks=1 drain_max=15 settle_s=0 idle_s=1 warm_paths="sale:1" pg_extra_s=1 ;;
    --duration) duration="${2:?--duration needs seconds}"; shift ;;
    --keep) keep=true ;;
    --no-build) build=false ;;
    --configuration) configuration="${2:?--configuration needs Release or Debug}"; shift ;;
    --out) out_dir="${2:?--out needs a directory}"; shift ;;
    --only) only=",${2:?--only needs scenario names},"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "Unknown option '$1'. Run bench/run.sh --help for the options." >&2; exit 2 ;;
  esac
  shift
done
[[ "$duration" =~ ^[0-9]+$ ]] && [ "$duration" -ge 1 ] || { echo "bench: --duration takes whole seconds ≥ 1." >&2; exit 2; }

fail() { echo "bench: $*" >&2; exit 1; }
for tool in dotnet wrk curl jq python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing (Debian: apt-get install -y wrk curl jq python3; dotnet: ./run.sh installs it)."
done
# The interpreter itself, resolved once: a version manager's shim (pyenv's here) is a shell script
# that costs ~0.35 s per start, and the harness starts Python ~100 times (smoke run: 107 s → 74 s).
py=$(python3 -c 'import sys; print(sys.executable)') || fail "python3 does not run."
pg_bin=/usr/lib/postgresql/15/bin
[ -x "$pg_bin/pgbench" ] && [ -x "$pg_bin/psql" ] || fail "pgbench/psql missing: apt-get install -y postgresql-15."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
clock=$SECONDS
echo "==> bench $mode: $stores stores × $products products, ${duration} s per scenario; load average $load_before on $(nproc) cores"

phase=$SECONDS
if $build; then
  echo "==> Building the app ($configuration)"
  dotnet build "$repo/BazaarCstd.AppHost" -c "$configuration" -nologo -v quiet -clp:ErrorsOnly >/dev/null \
    || fail "the build failed; run: dotnet build BazaarCstd.AppHost -c $configuration"
else
  [ -f "$repo/BazaarCstd.AppHost/bin/$configuration/net10.0/BazaarCstd.AppHost.dll" ] \
    || fail "--no-build, but there is no $configuration build; run: dotnet build BazaarCstd.AppHost -c $configuration"
fi

build_s=$((SECONDS - phase))
work=$(mktemp -d -t bazaar-bench-work.XXXXXX)
data_root=$(mktemp -d /tmp/bazaar-bench-XXXXXX)
chmod 755 "$data_root" # the postgres user must reach its data under it (see AppHostRunner)
apphost_pid=""
dcp_pids=""

stop_app() {
  [ -n "$apphost_pid" ] || return 0
  echo "==> Stopping the app (process group $apphost_pid and its orchestrator $dcp_pids)"
  kill -TERM -- "-$apphost_pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    alive=false
    for pid in $apphost_pid $dcp_pids; do kill -0 "$pid" 2>/dev/null && alive=true; done
    $alive || break
    sleep 1
  done
  if $alive; then
    echo "    still running after 60 s: SIGKILL" >&2
    kill -KILL -- "-$apphost_pid" 2>/dev/null || true
    for pid in $dcp_pids; do kill -KILL "$pid" 2>/dev/null || true; done
  fi
  apphost_pid=""
}
cleanup() {
  stop_app
  if $keep; then echo "    data root kept: $data_root"; else rm -rf "$data_root"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Start: the AppHost as built, in its own process group; every port random ---
settings=(
  "--Bazaar:DataRoot=$data_root"
  "--DcpPublisher:RandomizePorts=true"
  "--Bazaar:RateLimits:Writes:PermitLimit=1000000000"
  "--Bazaar:RateLimits:Reads:PermitLimit=1000000000"
  "--Bazaar:RateLimits:Auth:PermitLimit=1000000000"
)
echo "==> Starting the AppHost: ${settings[*]}"
(
  cd "$repo/BazaarCstd.AppHost"
  # What its launch profile would set, but with ports of our own (RandomizePorts moves them anyway).
  export ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
    ASPNETCORE_URLS=http://localhost:0 ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:0 ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:0
  exec setsid dotnet "bin/$configuration/net10.0/BazaarCstd.AppHost.dll" "${settings[@]}"
) > "$work/apphost.log" 2>&1 &
apphost_pid=$!
phase=$SECONDS

api="" healthy=false
for _ in $(seq 1 300); do
  kill -0 "$apphost_pid" 2>/dev/null || { tail -n 30 "$work/apphost.log" >&2; apphost_pid=""; fail "the AppHost exited; its log is above."; }
  dcp_pids=$("$py" "$bench/bench.py" dcp "$apphost_pid")
  [ -n "$api" ] || api=$("$py" "$bench/bench.py" api-url "$apphost_pid")
  if [ -n "$api" ] && curl -fs -m 5 "$api/health" >/dev/null 2>&1; then healthy=true; break; fi
  sleep 1
done
$healthy || { tail -n 30 "$work/apphost.log" >&2; fail "the API was not healthy within 300 s."; }
[[ "$api" =~ ^http://(localhost|127\.0\.0\.1): ]] || fail "the API is not on loopback: $api"
dashboard=$(grep -o 'Dashboard: *http://localhost:[0-9]*' "$work/apphost.log" | head -n 1 | grep -o 'http.*' || true)
start_s=$((SECONDS - phase))
echo "    API $api (through DCP's proxy), dashboard ${dashboard:-?}; ready after $start_s s"

export PGHOST=localhost PGUSER=postgres PGDATABASE=bazaardb
PGPORT=$(sed -n 4p "$data_root/postgres/postmaster.pid"); PGPASSWORD=$(cat "$data_root/secrets/postgres-password")
export PGPORT PGPASSWORD
sql() { "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }

# --- Seed ---
seed_start=$SECONDS
echo "==> Seeding $stores stores × $products products (bench/seed.sql)"
"$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -v stores="$stores" -v products="$products" -f "$bench/seed.sql" >/dev/null
seed_s=$((SECONDS - seed_start))
actor=$(sql "SELECT id FROM bazaar.users WHERE lower(email) = 'admin@bazaar.local'")
[ -n "$actor" ] || fail "no admin account in the database."
units=$(sql "SELECT sum(on_hand)::bigint FROM bazaar.stock_levels") # every sale line takes one unit of these

token() {
  curl -fsS -m 10 -H 'Content-Type: application/json' \
    -d '{"email":"admin@bazaar.local","password":"Bazaar!Admin-2026"}' "$api/api/auth/login" | jq -r .accessToken
}

results="$work/results.jsonl"
: > "$results"
counted_lines=0 # sale lines the tools counted as done (warm-ups included)
warm_slack=0    # what the warm-up's wrk runs may have left in flight (connections × lines)
warm_figures="" # the API's CPU ms per request of each warm-up chunk, by path
TIMEFORMAT='%3U %3S'

max_event() { sql "SELECT coalesce(max(id), 0) FROM bazaar.inventory_events"; }

# Waits (bounded) until the relay has published every event, then the relay's figures for events
# after $1 as JSON: how many, the backlog when the load stopped, seconds to drain it, and the delay
# from the writing transaction (occurred_at = its now()) to publication.
drain() {
  local from=$1 backlog waited=0 start=$SECONDS
  backlog=$(sql "SELECT count(*) FROM bazaar.inventory_events WHERE published_at IS NULL")
  while [ "$(sql "SELECT count(*) FROM bazaar.inventory_events WHERE published_at IS NULL")" != "0" ] && [ $((SECONDS - start)) -lt "$drain_max" ]; do
    sleep 0.5
  done
  waited=$((SECONDS - start))
  sql "SELECT json_build_object('events', count(*), 'unpublished_at_load_end', $backlog, 'drain_s', $waited,
         'unpublished_after_drain', count(*) FILTER (WHERE published_at IS NULL),
         'commit_to_publish_ms_p50', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - occurred_at)) * 1000)::numeric, 1),
         'commit_to_publish_ms_p99', round((percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - occurred_at)) * 1000)::numeric, 1))
       FROM bazaar.inventory_events WHERE id > $from"
}

# pgbench NAME FILE LINES-PER-TX WHAT [hot] [clients]
wanted() { [ -z "$only" ] || [[ "$only" == *",$1,"* ]]; }

run_pgbench() {
  wanted "$1" || return 0
  local name=$1 file=$2 lines=$3 what=$4 hot=${5:-0} clients=${6:-16} from pg_t=$((duration + pg_extra_s))
  echo "--> $name: pgbench -c $clients -j 2 -T $pg_t -f bench/pgbench/$file.sql"
  from=$(max_event)
  rm -f "$work"/pgb.*
  "$py" "$bench/bench.py" snap "$apphost_pid" > "$work/before.json"
  { time (cd "$work" && timeout $((pg_t + 60)) "$pg_bin/pgbench" -n -M extended -c "$clients" -j 2 -T "$pg_t" \
      -D stores="$stores" -D products="$products" -D actor="$actor" -D hot="$hot" \
      -f "$bench/pgbench/$file.sql" -l --log-prefix=pgb > "$work/load.out" 2> "$work/load.err"); } 2> "$work/load.time" \
    || { cat "$work/load.err" >&2; fail "pgbench failed in $name."; }
  local stopped=$SECONDS events=""
  [ "$lines" = 0 ] || [ "$file" = minimal-sale ] || events=$(drain "$from")
  [ "$lines" = 0 ] || settle "$stopped"
  "$py" "$bench/bench.py" snap "$apphost_pid" > "$work/after.json"
  cat "$work"/pgb.* | awk '{ print $3 / 1000 }' > "$work/load.out.latencies"
  local done_tx
  done_tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/load.out")
  [ "$file" = minimal-sale ] || counted_lines=$((counted_lines + done_tx * lines))
  "$py" "$bench/bench.py" record "$results" name="$name" tool=pgbench what="$what" clients="$clients" lines="$lines" \
    duration="$pg_t" before="$work/before.json" after="$work/after.json" load="$work/load.out" \
    load_cpu="$(cat "$work/load.time")" ${events:+events="$events"}
}

# Waits until $settle s have passed since the load stopped (the services export telemetry in batches
# about every second; the relay drains): that trailing work is the scenario's, not the next one's.
settle() {
  local stopped=$1
  while [ $((SECONDS - stopped)) -lt "$settle_s" ]; do sleep 0.2; done
}

# wrk NAME MODE LINES-PER-REQUEST WHAT BASELINE [clients]
# The CPU window: the measured run, the relay draining, the settle time. The app was warmed up once
# before the first scenario (warm_up), so no scenario carries the JIT's first compilations.
run_wrk() {
  wanted "$1" || return 0
  local name=$1 wmode=$2 lines=$3 what=$4 baseline=$5 clients=${6:-16} from tok stopped
  echo "--> $name: wrk -t2 -c$clients -d${duration}s, $what"
  tok=$(token) || fail "cannot sign in as the admin."
  export BENCH_MODE=$wmode BENCH_TOKEN=$tok BENCH_STORES=$stores BENCH_PRODUCTS=$products BENCH_THREADS=2
  from=$(max_event)
  "$py" "$bench/bench.py" snap "$apphost_pid" > "$work/before.json"
  { time BENCH_OUT="$work/load.json" timeout $((duration + 30)) wrk -t2 -c"$clients" -d"${duration}s" --timeout 10s \
      -s "$bench/wrk/bazaar.lua" "$api" > "$work/load.out" 2> "$work/load.err"; } 2> "$work/load.time" \
    || { cat "$work/load.err" >&2; fail "wrk failed in $name."; }
  stopped=$SECONDS
  local events=""
  [ "$lines" = 0 ] || events=$(drain "$from")
  settle "$stopped"
  "$py" "$bench/bench.py" snap "$apphost_pid" > "$work/after.json"
  counted_lines=$((counted_lines + $(jq '.requests - .errors_status' "$work/load.json") * lines))
  "$py" "$bench/bench.py" record "$results" name="$name" tool=wrk what="$what" clients="$clients" lines="$lines" \
    baseline="$baseline" before="$work/before.json" after="$work/after.json" load="$work/load.json" \
    load_cpu="$(cat "$work/load.time")" ${events:+events="$events"}
  unset BENCH_MODE BENCH_TOKEN
}

# Once, before the first scenario and outside every CPU window: each API path in chunks of $warmup s
# until the API's CPU per request stops falling (a chunk not 10 % cheaper than the one before, at
# most $warm_chunks chunks): the runtime keeps compiling hot methods again (tiered JIT) for many
# seconds under load, and a first scenario after a fixed 2 s warm-up cost 2-3 ms of API CPU per
# sale more than the same scenario run again (2026-12-03). Then the settle time. Its sale lines
# count towards the final check; the API figures of each chunk go into the results.
warm_up() {
  local tok wmode lines chunk per prev figures
  echo "==> Warm-up: the API paths ${warm_paths} (mode:lines), each in ${warmup}-s chunks until its API CPU per request stops falling (not measured)"
  tok=$(token) || fail "cannot sign in as the admin."
  # The sale path again last: the other paths' compilations went on while its own chunks ran.
  for wmode in $warm_paths; do
    lines=${wmode#*:} prev="" figures=""
    for chunk in $(seq 1 "$warm_chunks"); do
      "$py" "$bench/bench.py" snap "$apphost_pid" > "$work/before.json"
      BENCH_MODE=${wmode%%:*} BENCH_TOKEN=$tok BENCH_STORES=$stores BENCH_PRODUCTS=$products BENCH_THREADS=2 BENCH_OUT="$work/warmup.json" \
        timeout $((warmup + 30)) wrk -t2 -c16 -d"${warmup}s" --timeout 10s -s "$bench/wrk/bazaar.lua" "$api" > /dev/null \
        || fail "wrk failed in the warm-up (${wmode%%:*})."
      "$py" "$bench/bench.py" snap "$apphost_pid" > "$work/after.json"
      counted_lines=$((counted_lines + $(jq '.requests - .errors_status' "$work/warmup.json") * lines))
      warm_slack=$((warm_slack + 16 * lines))
      per=$(jq -n --slurpfile a "$work/before.json" --slurpfile b "$work/after.json" --slurpfile w "$work/warmup.json" \
        '(($b[0].parts_ms.api // 0) - ($a[0].parts_ms.api // 0)) / ([$w[0].requests, 1] | max) * 100 | round / 100')
      figures="$figures${figures:+, }$per"
      if [ -n "$prev" ] && jq -en --argjson per "$per" --argjson prev "$prev" '$per > 0.9 * $prev' >/dev/null; then break; fi
      prev=$per
    done
    echo "    ${wmode%%:*}: API CPU ms per request by chunk: $figures"
    warm_figures="$warm_figures${warm_figures:+; }${wmode%%:*} $figures"
  done
  sleep "$settle_s"
}

# The app's own background (health probes, the relay's polling, the dashboard, the runtime): CPU per
# second with no load, measured after the scenarios, the floor under every scenario's figures.
run_idle() {
  local seconds=$1
  echo "--> idle: ${seconds} s without load"
  "$py" "$bench/bench.py" snap "$apphost_pid" > "$work/before.json"
  sleep "$seconds"
  "$py" "$bench/bench.py" snap "$apphost_pid" > "$work/after.json"
  "$py" "$bench/bench.py" record "$results" name=idle tool=idle what="no load" clients=0 lines=0 duration="$seconds" \
    before="$work/before.json" after="$work/after.json" load=none load_cpu="0 0"
}

# The 64-client sale at 70 % of api-sale-64's rate, for the latency a till sees below saturation.
# Each client pauses before each request, a random time of mean Z (exponential, wrk's delay()), so
# the 64 send independently, as tills do. The rate is 64 / (Z + the time a request takes), so an
# uncounted chunk at Z = 64 / target first measures that time and Z is shortened by it: with a
# fixed Z = 64 / target the run reached only 51-56 % of the peak (2026-12-04). wrk has no open-loop
# mode; a slow answer delays only its own client's next request, not the others'.
paced_sale() {
  wanted api-sale-paced || return 0
  local target z0 z tok per_s took
  target=$(jq -rs 'map(select(.name == "api-sale-64"))[0].per_s // 0 | . * 0.7' "$results")
  if jq -en --argjson t "$target" '$t <= 0' >/dev/null; then target=64; fi # api-sale-64 not run (--only)
  z0=$(jq -n --argjson t "$target" '64000 / $t | round')
  tok=$(token) || fail "cannot sign in as the admin."
  BENCH_MODE=sale BENCH_TOKEN=$tok BENCH_STORES=$stores BENCH_PRODUCTS=$products BENCH_THREADS=2 BENCH_OUT="$work/pace.json" BENCH_DELAY_MS=$z0 \
    timeout $((warmup + 30)) wrk -t2 -c64 -d"$((warmup + 1))s" --timeout 10s -s "$bench/wrk/bazaar.lua" "$api" > /dev/null \
    || fail "wrk failed in the paced run's calibration."
  counted_lines=$((counted_lines + $(jq '.requests - .errors_status' "$work/pace.json")))
  warm_slack=$((warm_slack + 64))
  per_s=$(jq '.requests / .duration_us * 1e6' "$work/pace.json")
  took=$(jq -n --argjson x "$per_s" --argjson z "$z0" 'if $x > 0 then 64000 / $x - $z else 0 end | if . < 0 then 0 else . end')
  z=$(jq -n --argjson z "$z0" --argjson took "$took" '$z - $took | if . < 1 then 1 else round end')
  echo "    calibration: mean pause $z0 ms gave $(printf '%.0f' "$per_s")/s (target $(printf '%.0f' "$target")/s), $(printf '%.1f' "$took") ms a request; pause now $z ms"
  BENCH_DELAY_MS=$z run_wrk api-sale-paced sale 1 "POST /api/stock/sale, disjoint rows, each client pausing a random $z ms on average (exponential) before each request, for ~70 % of api-sale-64's rate" api-sale-64 64
}

warm_up
echo "==> Scenarios"
phase=$SECONDS
run_pgbench pg-minimal-sale minimal-sale 1 "guarded UPDATE + movement INSERT (no audit, no outbox)"
run_pgbench pg-ledger-sale ledger-sale 1 "the API's sale batch (BEGIN, audit context, record_movements_scoped, COMMIT, commit position)"
run_wrk api-sale-16 sale 1 "POST /api/stock/sale, disjoint rows" pg-ledger-sale 16
run_wrk api-sale-64 sale 1 "POST /api/stock/sale, disjoint rows" pg-ledger-sale 64
paced_sale
run_pgbench pg-ledger-hot ledger-sale 1 "the API's sale batch, one row (store 1, product 1)" 1
run_wrk api-sale-hot hot 1 "POST /api/stock/sale, one row (store 1, product 1)" pg-ledger-hot 16
run_pgbench pg-ledger-batch10 ledger-batch10 10 "record_movements_scoped on a 10-line sale document"
run_wrk api-batch10 batch10 10 "POST /api/stock/batch, 10 sale lines, disjoint rows" pg-ledger-batch10 16
run_pgbench pg-point-read point-read 0 "the API's current-stock query, one store and product"
run_wrk api-point-read point 0 "GET /api/stock/current?storeId&productId" pg-point-read 16
run_pgbench pg-store-page store-page 0 "the API's current-stock query, a store's first 100 rows"
run_wrk api-store-page page 0 "GET /api/stock/current?storeId (100 rows)" pg-store-page 16
run_wrk api-alive alive 0 "GET /alive (health endpoint, no auth, no database, not traced): the HTTP ceiling" "" 16
settle $SECONDS
run_idle "$idle_s"

scenarios_s=$((SECONDS - phase))

# --- Checks: the ledger and the projection agree; every counted sale line is in the database ---
echo "==> Checks"
mismatches=$(sql "SELECT count(*) FROM bazaar.verify_stock_levels()")
sold=$(sql "SELECT ($units - sum(on_hand))::bigint FROM bazaar.stock_levels")
negative=$(sql "SELECT count(*) FROM bazaar.stock_levels WHERE on_hand < 0")
# wrk stops with requests in flight: the server may complete them after wrk stopped counting, so the
# database may hold up to (connections × lines) more per wrk run than counted — never fewer.
slack=$(( 16 + 64 + 64 + 16 + 16 * 10 + warm_slack )) # the five write runs and the write warm-up chunks
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
status=0
check_sold="sale lines in the database $sold, counted by the tools $counted_lines (may exceed by ≤ $slack: wrk's requests in flight at its stop)"
[ "$mismatches" = 0 ] || { echo "bench: verify_stock_levels() returned $mismatches rows." >&2; status=1; }
[ "$negative" = 0 ] || { echo "bench: $negative negative levels." >&2; status=1; }
{ [ "$sold" -ge "$counted_lines" ] && [ "$sold" -le $((counted_lines + slack)) ]; } || { echo "bench: $check_sold" >&2; status=1; }
errors=$(jq -s 'map(.errors) | add' "$results")
[ "$errors" = 0 ] || { echo "bench: $errors errors across the scenarios (see the table)." >&2; status=1; }

# --- Results ---
stamp=$(date -u +%Y-%m-%dT%H%MZ)
mkdir -p "$out_dir"
suffix=""; [ "$mode" = full ] || suffix="-$mode"
out="$out_dir/$stamp$suffix"
jq -n --arg started "$started_at" --arg mode "$mode" --arg cmd "bench/run.sh $( [ "$mode" = full ] || echo "--$mode")" \
  --arg machine "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)" \
  --arg lb "$load_before" --arg la "$load_after" --arg api "$api" --arg dataset "$stores stores × $products products ($((stores * products)) stock rows), seeded in ${seed_s} s" \
  --arg dur "$duration s measured per scenario, one after the other; the app warmed up once before (each API path in $warmup-s chunks until the API's CPU per request stopped falling; API ms per request by chunk: $warm_figures); a write scenario's CPU window also covers the relay draining the outbox (≤ $drain_max s) and $settle_s s after its load stopped (batched telemetry export), an API read's the $settle_s s" \
  --arg app "AppHost $configuration build ($(git -C "$repo" rev-parse --short HEAD)), 2 API replicas behind DCP's proxy, Worker, Web, Aspire dashboard receiving all telemetry; ${settings[*]}" \
  --arg phases "build ${build_s} s$($build || echo " (--no-build)"), app start ${start_s} s, seed ${seed_s} s, scenarios (warm-up excluded) ${scenarios_s} s, up to the results $((SECONDS - clock)) s" \
  --arg pg "pgbench -n -M extended -j 2 (unprepared, as Npgsql), as user postgres straight to the primary's port; -c 16 unless the table says otherwise" \
  --arg wrk "wrk -t2 --timeout 10s, keep-alive HTTP/1.1, bench/wrk/bazaar.lua; admin token (all stores)" \
  --arg mism "$mismatches" --arg neg "$negative" --arg soldc "$check_sold" --argjson status "$status" \
  '{started: $started, mode: $mode, command: $cmd, machine: $machine, load_before: $lb, load_after: $la, api: $api,
    dataset: $dataset, timing: $dur, "time taken": $phases, app: $app, pgbench: $pg, wrk: $wrk,
    checks: {"verify_stock_levels() rows (must be 0)": $mism, "negative levels (must be 0)": $neg, sold: $soldc, "exit status": $status}}' \
  > "$work/settings.json"
"$py" "$bench/bench.py" render "$results" "$work/settings.json" "$out.md" "$out.json"
cat "$out.md"
echo "==> Results: ${out#"$repo/"}.md and .json ($((SECONDS - clock)) s so far; stopping the app)"
exit $status

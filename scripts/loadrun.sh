#!/usr/bin/env bash
# Load run (issue #4): sales per second through the API from N parallel clients on disjoint
# products, against the same SQL run directly with pgbench -c N, measured in one sitting.
#
# Needs the app already running on this machine (./run.sh, or
#   dotnet run --project BazaarCstd.AppHost -- --Bazaar:DataRoot=<dir>).
# Usage: scripts/loadrun.sh [--api URL] [--data-root DIR] [--clients N] [--duration S] [--warmup S]
#   --api        API base URL, loopback only              (default http://localhost:5080)
#   --data-root  the AppHost's data root; the PostgreSQL port and password are read from it
#                (default .bazaar/, or /var/tmp/bazaar-<hash> when the AppHost had to fall back)
#   --clients    parallel clients in each phase            (default 16)
#   --duration   measured seconds per phase                (default 20)
#   --warmup     unmeasured seconds before phase A         (default 3)
#   --amqp       RabbitMQ URI (loopback): also measure, beside phase A, the delay from each sale's
#                commit to a subscriber of bazaar.inventory (default: not measured)
# PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE override what is read from the data root.
# BAZAAR_EMAIL / BAZAAR_PASSWORD: the account the API clients sign in as (default: the local admin).
# The API limits writes per user (600/min by default): start the app for a load run with
#   ./run.sh -- --Bazaar:RateLimits:Writes:PermitLimit=100000000
# or phase A measures the rate limiter (its 429s are counted as errors).
# Creates one store and 2×N products named LOAD-<timestamp>…; deletes nothing.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

api="http://localhost:5080"
data_root=""
clients=16
duration=20
warmup=3
amqp=""
while [ $# -gt 0 ]; do
  case "$1" in
    --api) api="${2:?--api needs a URL}"; shift 2 ;;
    --data-root) data_root="${2:?--data-root needs a folder}"; shift 2 ;;
    --clients) clients="${2:?--clients needs a number}"; shift 2 ;;
    --duration) duration="${2:?--duration needs seconds}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs seconds}"; shift 2 ;;
    --amqp) amqp="${2:?--amqp needs a URI}"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "Unknown option '$1'. Run scripts/loadrun.sh --help for the options." >&2; exit 2 ;;
  esac
done
api="${api%/}"

fail() { echo "loadrun: $*" >&2; exit 1; }

for n in "$clients" "$duration" "$warmup"; do
  [[ "$n" =~ ^[0-9]+$ ]] || fail "--clients, --duration and --warmup take whole numbers; '$n' is not one."
done
[ "$clients" -ge 1 ] && [ "$duration" -ge 1 ] || fail "--clients and --duration must be at least 1."

is_loopback() { [[ "$1" =~ ^(localhost|127\.[0-9.]+|::1|\[::1\])$ ]]; }
api_host=$(sed -E 's#^[a-z]+://(\[[^]]+\]|[^:/]+).*#\1#' <<<"$api")
is_loopback "$api_host" || fail "the API must be on this machine (localhost, 127.x, ::1); '$api' is not."

# --- PostgreSQL: the primary the AppHost started, straight to its own port (not the DCP proxy) ---
looked_in=""
if [ -z "$data_root" ]; then
  data_root="$repo/.bazaar"
  if [ ! -e "$data_root/postgres/postmaster.pid" ]; then
    looked_in=" (looked in $data_root too)"
    # The AppHost's fallback when the postgres user cannot traverse the repository's parents.
    data_root="/var/tmp/bazaar-$(printf '%s' "$data_root" | sha256sum | cut -c1-12)"
  fi
fi
pid_file="$data_root/postgres/postmaster.pid"
if [ -z "${PGPORT:-}" ]; then
  [ -r "$pid_file" ] || fail "cannot read $pid_file$looked_in. Is the AppHost running with this data root? Pass --data-root <dir> (its --Bazaar:DataRoot) or set PGPORT."
  PGPORT=$(sed -n 4p "$pid_file")
  kill -0 "$(sed -n 1p "$pid_file")" 2>/dev/null || fail "$pid_file names a PostgreSQL that is not running. Start the AppHost first."
fi
if [ -z "${PGPASSWORD:-}" ]; then
  [ -r "$data_root/secrets/postgres-password" ] || fail "cannot read $data_root/secrets/postgres-password; set PGPASSWORD or pass --data-root."
  PGPASSWORD=$(cat "$data_root/secrets/postgres-password")
fi
export PGHOST="${PGHOST:-localhost}" PGPORT PGUSER="${PGUSER:-postgres}" PGPASSWORD PGDATABASE="${PGDATABASE:-bazaardb}"
is_loopback "$PGHOST" || fail "PostgreSQL must be on this machine; PGHOST '$PGHOST' is not loopback."

pg_bin=/usr/lib/postgresql/15/bin
[ -x "$pg_bin/pgbench" ] || pg_bin="$(dirname "$(command -v pgbench || echo /missing/pgbench)")"
[ -x "$pg_bin/pgbench" ] && [ -x "$pg_bin/psql" ] || fail "pgbench and psql are missing; install postgresql-15 (apt-get install -y postgresql-15)."
sql() { "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }

curl -fsS -m 5 "$api/health" >/dev/null 2>&1 || fail "the API at $api does not answer /health. Start the app (./run.sh) and wait until it is ready."
sql "SELECT 1" >/dev/null || fail "cannot connect to PostgreSQL at $PGHOST:$PGPORT as $PGUSER (database $PGDATABASE)."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "==> Building the load client (Release)"
dotnet build "$repo/tools/BazaarCstd.LoadRun" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null \
  || fail "the load client does not build; run: dotnet build tools/BazaarCstd.LoadRun -c Release"
loadrun=(dotnet "$repo/tools/BazaarCstd.LoadRun/bin/Release/net10.0/BazaarCstd.LoadRun.dll")

value() { sed -n "s/^$1=//p" "$2"; }

# --- Setup: one store, N products per phase, through the API ---
echo "==> Setup through $api: one store, $clients + $clients products"
quantity=1000000000
"${loadrun[@]}" setup --email "${BAZAAR_EMAIL:-admin@bazaar.local}" --password "${BAZAAR_PASSWORD:-Bazaar!Admin-2026}" --api "$api" --products "$clients" --quantity "$quantity" > "$work/setup"
store=$(value store "$work/setup")
api_products=$(value api_products "$work/setup")
pgbench_products=$(value pgbench_products "$work/setup")
# pgbench records its sales as the same user, so its audit rows are written like the API's.
actor=$(sql "SELECT id FROM bazaar.users WHERE lower(email) = lower('${BAZAAR_EMAIL:-admin@bazaar.local}')")
[ -n "$actor" ] || fail "no user ${BAZAAR_EMAIL:-admin@bazaar.local} in the database."

# --- Phase A: the API ---
echo "==> Phase A: $clients HTTP clients, POST /api/stock/sale, ${warmup} s warm-up + ${duration} s"
api_status=0
events_pid=""
if [ -n "$amqp" ]; then
  "${loadrun[@]}" events --amqp "$amqp" --store "$store" --duration $((warmup + duration + 5)) > "$work/events" &
  events_pid=$!
fi
timeout $((warmup + duration + 120)) "${loadrun[@]}" sales --email "${BAZAAR_EMAIL:-admin@bazaar.local}" --password "${BAZAAR_PASSWORD:-Bazaar!Admin-2026}" --api "$api" --store "$store" --products "$api_products" \
  --warmup "$warmup" --duration "$duration" > "$work/api" || api_status=$?
[ -s "$work/api" ] || fail "phase A produced no result (exit code $api_status)."
[ -z "$events_pid" ] || wait "$events_pid" || fail "the event watcher failed."

# --- Phase B: pgbench, the batch the API sends for an unkeyed sale (WriteSession + StockLedger.Sql,
# WriteCommand.ReadRowsAsync): BEGIN, the audit context, the ledger call on LedgerLine JSON from the
# load tool (one document per client, picked by :client_id), no key, no store list as for an admin,
# COMMIT and the commit's WAL position; pipelined into one round trip as Npgsql's batch does.
# Extended protocol, unprepared.
echo "==> Phase B: pgbench -c $clients -j 2 -T $duration, audit context + bazaar.record_movements_scoped(...) per transaction"
pgbench_documents=$(value pgbench_documents "$work/setup")
cat > "$work/sale.sql" <<SQL
\\startpipeline
BEGIN;
CALL bazaar.use_audit_context('$actor'::uuid, 'pgbench-' || :client_id, NULL);
SELECT line_no, movement_id, store_id, product_id, sku, kind, quantity, delta, reason, reference, note,
       occurred_at, recorded_at, device_id, on_hand, version
FROM bazaar.record_movements_scoped((:documents)::jsonb -> (:client_id)::int, gen_random_uuid(), NULL, NULL);
COMMIT;
SELECT pg_current_wal_lsn();
\\endpipeline
SQL
(cd "$work" && timeout $((duration + 120)) "$pg_bin/pgbench" -n -M extended -c "$clients" -j 2 -T "$duration" \
  -D documents="$pgbench_documents" -f sale.sql -l --log-prefix=pgb > pgbench.out 2> pgbench.err) \
  || { cat "$work/pgbench.err" >&2; fail "pgbench failed (its output is above)."; }
pgb_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.out")
pgb_processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.out")
pgb_failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
# Per-transaction log: column 3 is the latency in microseconds.
cat "$work"/pgb.* | awk '{ print $3 / 1000 }' | sort -n > "$work/pgb.latencies"
percentile() { awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print 0; exit } i = int(p / 100 * NR + 0.999999); if (i < 1) i = 1; printf "%.2f", v[i] }' "$2"; }

# --- Checks: the ledger and the projection agree; every counted sale is in the database ---
mismatches=$(sql "SELECT count(*) FROM bazaar.verify_stock_levels()")
sold() { sql "SELECT coalesce(sum($quantity - on_hand), 0)::bigint FROM bazaar.stock_levels WHERE store_id = '$store' AND product_id = ANY ('{$1}'::uuid[])"; }
api_sold=$(sold "$api_products")
pgb_sold=$(sold "$pgbench_products")

api_rate=$(value api_sales_per_s "$work/api")
ratio=$(awk -v a="$api_rate" -v b="$pgb_tps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')

cat <<SUMMARY

==== Load run $(date -u +%Y-%m-%dT%H:%M:%SZ) — nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg) ====
store $store; $clients clients per phase, each on its own product; ${duration} s measured per phase
API      $api  POST /api/stock/sale, keep-alive HTTP/1.1, ${warmup} s warm-up
  sales/s          $api_rate
  latency ms       p50 $(value api_latency_p50_ms "$work/api")  p95 $(value api_latency_p95_ms "$work/api")  p99 $(value api_latency_p99_ms "$work/api")  mean $(value api_latency_mean_ms "$work/api")  max $(value api_latency_max_ms "$work/api")
  non-201 answers  $(value api_errors "$work/api")
$(if [ -n "$amqp" ]; then echo "  events         $(value events_received "$work/events") at the subscriber; commit → subscriber ms p50 $(value event_delay_p50_ms "$work/events")  p95 $(value event_delay_p95_ms "$work/events")  p99 $(value event_delay_p99_ms "$work/events")  max $(value event_delay_max_ms "$work/events")"; fi)
pgbench  $PGHOST:$PGPORT/$PGDATABASE  -c $clients -j 2 -M extended, same batch (audit context + bazaar.record_movements_scoped(...))
  tps              $pgb_tps
  latency ms       p50 $(percentile 50 "$work/pgb.latencies")  p95 $(percentile 95 "$work/pgb.latencies")  p99 $(percentile 99 "$work/pgb.latencies")  mean $(sed -n 's/^latency average = \([0-9.]*\).*/\1/p' "$work/pgbench.out")
  failed           ${pgb_failed:-0}
API / pgbench      $ratio
checks
  verify_stock_levels() rows   $mismatches (must be 0)
  API sales in the database    $api_sold (client counted $(value api_total_sales "$work/api") incl. warm-up)
  pgbench sales in database    $pgb_sold (pgbench counted $pgb_processed)
SUMMARY

status=0
[ "$mismatches" = "0" ] || { echo "loadrun: the stock projection disagrees with the ledger (verify_stock_levels returned $mismatches rows)." >&2; status=1; }
[ "$api_status" = "0" ] || { echo "loadrun: phase A saw non-201 answers or failed (exit code $api_status); the first errors are printed above." >&2; status=1; }
[ "$api_sold" = "$(value api_total_sales "$work/api")" ] || { echo "loadrun: the database holds $api_sold API sales, the client counted $(value api_total_sales "$work/api")." >&2; status=1; }
[ "${pgb_failed:-0}" = "0" ] || { echo "loadrun: pgbench reported failed transactions; see above." >&2; status=1; }
[ "$pgb_sold" = "$pgb_processed" ] || { echo "loadrun: the database holds $pgb_sold pgbench sales, pgbench counted $pgb_processed: its statement did not sell what it should." >&2; status=1; }
exit $status

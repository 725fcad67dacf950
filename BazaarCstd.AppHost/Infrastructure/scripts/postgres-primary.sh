#!/usr/bin/env bash
# Starts the PostgreSQL 15 primary for the AppHost.
# First start: initdb (scram-sha-256, password from BAZAAR_PG_PASSWORD) and CREATE DATABASE in
# single-user mode. Every start: exec postgres on the port DCP assigned.
# Usage: postgres-primary.sh <data dir> <port> <database>
set -euo pipefail
data_dir="$1"; port="$2"; database="$3"
source "$(dirname "$0")/postgres-common.sh"

if [ ! -s "$data_dir/PG_VERSION" ]; then
  echo "[postgres] initialising $data_dir"
  rm -rf "$data_dir"
  prepare_data_dir "$data_dir"
  pwfile=$(mktemp) # 0600
  printf '%s\n' "$BAZAAR_PG_PASSWORD" > "$pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$data_dir" -U postgres --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "CREATE DATABASE \"$database\";" | "${AS_PG[@]}" "$PG_BIN/postgres" --single -D "$data_dir" postgres >/dev/null 2> >(route_pg_log)
  echo "[postgres] created database $database"
fi

# The server needs no password of its own: not in its environment either.
unset BAZAAR_PG_PASSWORD
exec "${AS_PG[@]}" "$PG_BIN/postgres" -D "$data_dir" -p "$port" "${PG_COMMON_ARGS[@]}" 2> >(route_pg_log)

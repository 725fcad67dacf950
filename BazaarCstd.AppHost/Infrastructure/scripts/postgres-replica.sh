#!/usr/bin/env bash
# Starts a PostgreSQL 15 streaming replica (hot standby) of the primary.
# First start: pg_basebackup from the primary. Every start: primary_conninfo is given on the
# command line, because the primary's port changes from run to run.
# The superuser's password (BAZAAR_PG_PASSWORD, from the environment) goes into a password file
# beside the data directory (0600, the postgres user's), which pg_basebackup and the WAL receiver
# read (PGPASSFILE, passfile=): never onto a command line, where any local user could read it with ps.
# Usage: postgres-replica.sh <data dir> <port> <primary port>
set -euo pipefail
data_dir="$1"; port="$2"; primary_port="$3"
source "$(dirname "$0")/postgres-common.sh"

passfile="$data_dir.pgpass"
write_passfile "$passfile" "$BAZAAR_PG_PASSWORD"
unset BAZAAR_PG_PASSWORD
export PGPASSFILE="$passfile"

if [ ! -s "$data_dir/PG_VERSION" ]; then
  echo "[postgres-replica] base backup from localhost:$primary_port into $data_dir"
  rm -rf "$data_dir"
  prepare_data_dir "$data_dir"
  for attempt in $(seq 1 30); do
    if "${AS_PG[@]}" "$PG_BIN/pg_basebackup" -h localhost -p "$primary_port" -U postgres -D "$data_dir" -R -X stream -c fast; then
      break
    fi
    if [ "$attempt" -eq 30 ]; then
      echo "[postgres-replica] pg_basebackup kept failing; is the primary up on port $primary_port?" >&2
      exit 1
    fi
    rm -rf "${data_dir:?}"/*
    sleep 1
  done
fi

exec "${AS_PG[@]}" "$PG_BIN/postgres" -D "$data_dir" -p "$port" "${PG_COMMON_ARGS[@]}" \
  -c "primary_conninfo=host=localhost port=$primary_port user=postgres passfile=$passfile application_name=bazaar_replica" \
  2> >(route_pg_log)

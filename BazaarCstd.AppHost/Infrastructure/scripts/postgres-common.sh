# Sourced by postgres-primary.sh and postgres-replica.sh.
# PostgreSQL refuses to run as root: when the AppHost runs as root, every PostgreSQL binary runs as
# the postgres user and the data directory belongs to that user.
PG_BIN="${BAZAAR_PG_BIN:-/usr/lib/postgresql/15/bin}"

if [ "$(id -u)" -eq 0 ]; then
  AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --)
else
  AS_PG=()
fi

prepare_data_dir() {
  local dir="$1"
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
  fi
}

# A libpq password file (0600, the postgres user's) holding the superuser's password for any host,
# port and database: PostgreSQL tools read it through PGPASSFILE or passfile=, so the password is
# on no command line. Rewritten on every start (the password may have changed).
write_passfile() {
  local file="$1" password="$2"
  password="${password//\\/\\\\}"; password="${password//:/\\:}" # .pgpass escapes \ and :
  rm -f "$file"
  (umask 077; printf '*:*:*:postgres:%s\n' "$password" > "$file")
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$file"
  fi
}

# Settings both servers share; passed on the command line so they win over any file.
PG_COMMON_ARGS=(
  -c listen_addresses=localhost
  -c unix_socket_directories=
  -c max_connections=300
  -c shared_buffers=256MB
  -c wal_level=replica
  -c max_wal_senders=10
  -c wal_keep_size=256MB
  -c hot_standby=on
  -c hot_standby_feedback=on
  -c logging_collector=off
  -c log_min_messages=warning
  -c "log_line_prefix=%m [%p] " # route_pg_log reads the severity after it
)

# PostgreSQL writes every message to stderr, its routine LOG lines included, and the AppHost shows
# all of stderr as errors. This keeps PostgreSQL's own severity instead: ERROR, FATAL and PANIC (with
# the DETAIL, HINT and STATEMENT lines that follow them) stay on stderr; LOG, WARNING and the rest go
# to stdout. One FATAL is an expected state, not a failure: a connection refused while the server is
# still starting ("the database system is starting up" / "is not yet accepting connections"), which
# the AppHost's health checks cause on every start because they probe from the first second.
# Use as: 2> >(route_pg_log)
route_pg_log() {
  awk '
    /^[0-9]+-[0-9]+-[0-9]+ [0-9:.]+ [A-Z+0-9]+ \[[0-9]+\] (DEBUG[1-5]|INFO|NOTICE|LOG|WARNING|ERROR|FATAL|PANIC):/ {
      to_stderr = $0 ~ /\] (ERROR|FATAL|PANIC):/ && $0 !~ /the database system is (starting up|not yet accepting connections)/
    }
    to_stderr { print > "/dev/stderr"; fflush("/dev/stderr"); next }
    { print; fflush() }'
}

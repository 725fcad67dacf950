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
  -c "log_line_prefix=%m [%p] %e " # route_pg_log reads the SQLSTATE and the severity after it
)

# PostgreSQL writes every message to stderr, its routine LOG lines included, and the AppHost shows
# all of stderr as errors. This keeps PostgreSQL's own severity instead: ERROR, FATAL and PANIC (with
# the DETAIL, HINT, CONTEXT and STATEMENT lines that follow them) stay on stderr; LOG, WARNING and the
# rest go to stdout. Two kinds of error are expected states, not failures, and go to stdout too:
# - a refusal of the ledger (SQLSTATE class BZ, e.g. BZ001 insufficient stock), which the API answers
#   as a 409/404 problem: an ordinary business answer at every till, not something for an operator;
# - a connection refused while the server is still starting ("the database system is starting up" /
#   "is not yet accepting connections"), which the AppHost's health checks cause on every start
#   because they probe from the first second.
# mawk (Debian's awk) reads a pipe in large blocks and would hold these lines back until a block
# fills, minutes on a quiet server: -W interactive makes it read and write line by line.
# Use as: 2> >(route_pg_log)
route_pg_log() {
  local line_by_line=()
  if awk -W version 2>/dev/null | grep -q mawk; then line_by_line=(-W interactive); fi
  awk "${line_by_line[@]}" '
    /^[0-9]+-[0-9]+-[0-9]+ [0-9:.]+ [A-Z+0-9]+ \[[0-9]+\] [0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z] (DEBUG[1-5]|INFO|NOTICE|LOG|WARNING|ERROR|FATAL|PANIC):/ {
      to_stderr = $0 ~ /\] [0-9A-Z]+ (ERROR|FATAL|PANIC):/ && $0 !~ /\] BZ[0-9A-Z][0-9A-Z][0-9A-Z] ERROR:/ \
        && $0 !~ /the database system is (starting up|not yet accepting connections)/
    }
    to_stderr { print > "/dev/stderr"; fflush("/dev/stderr"); next }
    { print; fflush() }'
}

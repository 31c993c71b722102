#!/usr/bin/env bash
# Starts a throw-away Postgres for the API tests on 127.0.0.1:15432 (user postgres, no
# password), unless one already answers there. The port lies below Linux's ephemeral range
# (32768–60999): no outgoing connection of another program can hold it. Idempotent; installs Debian's postgresql
# package when no server binaries are found. With --drop-test-databases, also drops the
# databases earlier API tests left (scripts/test.sh does, before the API tests).
# The tests' instance does not flush to the disk (fsync off: speed); CONUM_PG_FSYNC=on starts
# one that does, for the benchmarks (on another port: scripts/bench.sh writes uses 15433).
set -euo pipefail

PORT="${CONUM_PG_PORT:-15432}"
FSYNC="${CONUM_PG_FSYNC:-off}"
DIR="${CONUM_PG_DIR:-/tmp/conum-postgres-$PORT}"

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$found"
}

ready() { "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; }

if [ -z "$(pg_bin)" ]; then
  echo "==> installing postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi
BIN="$(pg_bin)"

# --drop-test-databases: drops the databases the API tests left (conum_test_*).
drop_test_databases() {
  local admin=(-h 127.0.0.1 -p "$PORT" -U postgres -d postgres -q)
  local names
  names=$("$BIN/psql" "${admin[@]}" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'conum\_test\_%'")
  [ -z "$names" ] && return 0
  echo "==> dropping $(wc -l <<<"$names") databases left by earlier API tests"
  while read -r name; do
    "$BIN/psql" "${admin[@]}" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
  done <<<"$names"
}

if ready; then
  echo "==> Postgres already running on port $PORT"
  if [ "${1:-}" = --drop-test-databases ]; then drop_test_databases; fi
  exit 0
fi

# Postgres refuses to run as root: use the postgres account when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DIR" postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ ! -f "$DIR/PG_VERSION" ]; then
  echo "==> creating a Postgres cluster in $DIR"
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  as_pg "$BIN/initdb" -D "$DIR" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "Port $PORT is taken by a program that is not Postgres: set CONUM_PG_PORT to a free port" \
    "(and TEST_POSTGRES_URL to match)." >&2
  exit 1
fi
echo "==> starting Postgres on 127.0.0.1:$PORT"
as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c fsync=$FSYNC -c max_connections=300" start >/dev/null ||
  { tail -n 5 "$DIR/server.log" >&2; exit 1; }
ready || { echo "Postgres started but does not answer on port $PORT" >&2; exit 1; }
echo "==> Postgres ready: postgres://postgres@127.0.0.1:$PORT/postgres"
if [ "${1:-}" = --drop-test-databases ]; then drop_test_databases; fi

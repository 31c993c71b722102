#!/usr/bin/env bash
# Benchmarks (not tests) against the release bundle. Prints Markdown tables; BENCHMARKS.md
# keeps the last figures, each next to its budget.
#   scripts/bench.sh            the API, the bundle, the commune search
#   scripts/bench.sh pages      first visit of / (bytes until interactive, repeat visit),
#                               tap → confirmation (CPU 4× slower), Lighthouse mobile
#   scripts/bench.sh writes     record creation under load: wrk, 32 connections, 10 s
#                               (BENCH_SECONDS), SQLite (BENCH_DB=postgres: Postgres), next
#                               to the disk's own durable commit rate (benches/disk_probe.py);
#                               BENCH_SERVER: another build's server, BENCH_LOG: its log
#   scripts/bench.sh structure  a structure's figures for its coordinator (30 conseillers
#                               with a year of records each, both engines)
#   scripts/bench.sh national   the national statistics over ~2 million records (the first
#                               run fills a database per engine with `conum demo`: allow
#                               15 minutes on 2 cores; later runs reuse them)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# BENCH_BUILD=0: the bundle in dist/ is already this checkout's.
[ "${BENCH_BUILD:-1}" = 0 ] || scripts/build.sh >/dev/null
scripts/postgres.sh >/dev/null
psql -h 127.0.0.1 -p "${CONUM_PG_PORT:-15432}" -U postgres -qc 'DROP DATABASE IF EXISTS conum_bench' -c 'CREATE DATABASE conum_bench' postgres
case "${1:-}" in
  national) node benches/national.mjs ;;
  structure) node benches/structure.mjs ;;
  pages) node benches/pages.mjs ;;
  writes)
    command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
    dir=$(mktemp -d)
    trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
    database="sqlite://$dir/conum.db?mode=rwc"
    if [ "${BENCH_DB:-sqlite}" = postgres ]; then
      # A Postgres that flushes its commits to the disk (the tests' does not).
      durable=(-h 127.0.0.1 -p 15433 -U postgres)
      CONUM_PG_PORT=15433 CONUM_PG_FSYNC=on scripts/postgres.sh >/dev/null
      psql "${durable[@]}" -qc 'DROP DATABASE IF EXISTS conum_bench' -c 'CREATE DATABASE conum_bench' postgres
      echo "postgres: fsync $(psql "${durable[@]}" -tAc 'SHOW fsync' postgres), synchronous_commit $(psql "${durable[@]}" -tAc 'SHOW synchronous_commit' postgres)"
      database="postgres://postgres@127.0.0.1:15433/conum_bench"
    fi
    # The disk's pace, measured in the same run and folder: one durable commit per row.
    probe=$(python3 benches/disk_probe.py "$dir" 5)
    echo "disk probe (SQLite, WAL, synchronous=FULL, one row per commit): $probe commits/s"
    DATABASE_URL="$database" PORT=18181 RUST_LOG=warn SIGNUP_MODE=ouverte MAIL_DIR="$dir/mails" RECORDS_PER_DAY=10000000 ${BENCH_SERVER:-dist/server} >"${BENCH_LOG:-/dev/null}" 2>&1 &
    server=$!
    sleep 2
    echo "server RSS at rest: $(($(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024)) MB"
    # 16 conseillers, each a session: the saves of several accounts meet in the writer.
    cookies=""
    for n in $(seq 1 16); do
      curl -s -o /dev/null -H 'content-type: application/json' http://127.0.0.1:18181/api/compte \
        -d '{"email":"bench'$n'@exemple.fr","password":"une phrase de passe solide","prenom":"B","nom":"B","structure":"S","commune":{"insee":"69123","nom":"Lyon","code_postal":"69001"},"departement":"69"}'
      sleep 0.3
      # The link of the mail (quoted-printable: lines cut by a final "=", "=" written "=3D").
      mail=$(grep -l "bench$n@exemple.fr" "$dir"/mails/*.eml | head -n 1)
      token=$(tr -d '\r' < "$mail" | sed 's/=$//' | tr -d '\n' | grep -o 'jeton=3D[0-9a-f]*' | head -n 1 | cut -c9-)
      cookies="$cookies $(curl -s -i -H 'content-type: application/json' http://127.0.0.1:18181/api/adresse/confirmation \
        -d "{\"jeton\":\"$token\"}" | grep -io 'conum_session=[0-9a-f]*')"
    done
    creates=$(COOKIES=$cookies wrk -t2 -c32 -d"${BENCH_SECONDS:-10}s" -s benches/writes.lua http://127.0.0.1:18181 | grep creates)
    echo "${BENCH_DB:-sqlite}, 32 connections, ${BENCH_SECONDS:-10} s: $creates"
    rate=$(echo "$creates" | grep -o '[0-9]*/s' | tr -d /s)
    # Each answered save is one stored record, none twice (a few more: those in flight when
    # wrk stops counting).
    if [ "${BENCH_DB:-sqlite}" = postgres ]; then
      stored=$(psql "${durable[@]}" -tAc 'SELECT COUNT(*) FROM accompagnements' conum_bench)
    else
      stored=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM accompagnements').fetchone()[0])" "$dir/conum.db")
    fi
    echo "records stored: $stored"
    echo "ratio to the disk probe: $(awk -v a="$rate" -v b="$probe" 'BEGIN { printf "%.2f", a / b }')"
    echo "server RSS after the load: $(($(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024)) MB"
    # What one logged-in request costs, with nothing written: the ceiling of the saves here.
    echo "authenticated read (GET /api/moi), 32 connections, 5 s: $(READ=1 COOKIES=$cookies wrk -t2 -c32 -d5s -s benches/writes.lua http://127.0.0.1:18181 | grep '^reads')"
    wrk -t1 -c1 -d3s http://127.0.0.1:18181/manifest.webmanifest | grep 'Requests/sec' | sed 's/^/static file, one kept-alive connection: /'
    ;;
  *)
    node benches/api.mjs
    node benches/communes.mjs
    ;;
esac

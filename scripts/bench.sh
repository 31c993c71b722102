#!/usr/bin/env bash
# Benchmarks (bundle size, save and list latency on SQLite and Postgres) against the release
# bundle. Prints Markdown tables; the README keeps the last figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh >/dev/null
scripts/postgres.sh >/dev/null
psql -h 127.0.0.1 -p "${CONUM_PG_PORT:-55432}" -U postgres -qc 'DROP DATABASE IF EXISTS conum_bench' -c 'CREATE DATABASE conum_bench' postgres
node benches/api.mjs
node benches/communes.mjs

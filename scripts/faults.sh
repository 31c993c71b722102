#!/usr/bin/env bash
# The fault script (scripts/faults.mjs): 8 concurrent writers, kill -9 then SIGTERM mid-load,
# on SQLite and on Postgres; every acknowledged record must survive, none twice.
# Builds the release bundle and starts the throw-away Postgres when needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -x dist/server ] || scripts/build.sh
scripts/postgres.sh >/dev/null
node scripts/faults.mjs "$@"

#!/usr/bin/env bash
# Try Conum with data: builds the release bundle, fills data/demo.db once with `conum demo`
# (a demonstration account with a year of records, and 60 other conseillers so that the
# national statistics show figures; about a minute), then serves it on http://localhost:8080.
# Options are passed to `conum demo` on the first run (e.g. --conseillers 4000 --par-conseiller 500).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
mkdir -p data
export DATABASE_URL="sqlite://$PWD/data/demo.db?mode=rwc"
if [ ! -f data/demo-login.txt ]; then
  rm -f data/demo.db data/demo.db-wal data/demo.db-shm
  echo "==> filling data/demo.db (conum demo $*)"
  dist/server demo "$@" | tee data/demo-login.txt.part
  mv data/demo-login.txt.part data/demo-login.txt
fi
export PORT="${PORT:-8080}"
echo "==> starting Conum on http://localhost:$PORT"
cat data/demo-login.txt
exec dist/server

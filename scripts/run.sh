#!/usr/bin/env bash
# The one command to try Conum: installs what is missing, builds the release bundle and
# serves it on http://localhost:8080 with SQLite in data/conum.db.
# Environment: HOST, PORT, DATABASE_URL (sqlite://… or postgres://…), PUBLIC_URL, RUST_LOG.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
export PORT="${PORT:-8080}"
export DATABASE_URL="${DATABASE_URL:-sqlite://$PWD/data/conum.db?mode=rwc}"
echo "==> starting Conum on http://localhost:$PORT"
exec dist/server

#!/usr/bin/env bash
# The development loop: `dx serve` builds the debug client and server, serves them on
# http://localhost:8080 (SQLite in data/dev.db) and, on every save, hot-reloads the markup and
# rebuilds what changed. The service worker is off in debug builds (nothing is cached).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export NO_DOWNLOADS=1
export DATABASE_URL="${DATABASE_URL:-sqlite://$PWD/data/dev.db?mode=rwc}"
exec dx serve --platform web --port "${PORT:-8080}" "$@"

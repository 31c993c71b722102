#!/usr/bin/env bash
# The one command that runs every test: unit tests, API tests on SQLite and Postgres,
# browser tests in headless Chromium against the release bundle.
# Needs: Postgres (started here by scripts/postgres.sh) and /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

missing=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
scripts/postgres.sh

echo "==> formatting and lints (server, and web on wasm32)"
cargo fmt --check
cargo clippy --features server --all-targets -- -D warnings
cargo clippy --features web,split --target wasm32-unknown-unknown -- -D warnings

echo "==> unit tests (domain, server internals), tidy tests (architecture, migrations), outbox rules"
cargo test --features server --lib
cargo test --features server --test tidy
# The outbox's pure rules (public/outbox-rules.js), in Node: under a second; their JSDoc
# types checked (tsconfig.json).
node --test tests/js/
tsc -p .

echo "==> API tests, each on SQLite and on Postgres"
# Each test makes a database of its own (conum_test_<uuid>), left for a post-mortem: those of
# the previous run are dropped first, or the disk fills run after run (8 MB each).
scripts/postgres.sh --drop-test-databases
cargo test --features server --test api

echo "==> browser tests (release bundle, headless Chromium)"
# A bundle of the tests' own: dist/ may be serving (scripts/run.sh) and must keep its files.
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
export CONUM_BUNDLE="${CONUM_BUNDLE:-$target/conum-test-bundle}"
scripts/build.sh "$CONUM_BUNDLE"
node --test --test-concurrency=1 tests/browser/

echo "==> fault script: kill -9 and SIGTERM under load, SQLite and Postgres"
node scripts/faults.mjs --seconds 2

echo "==> attack script: the open internet's cases, SQLite, Postgres, two servers"
node scripts/attacks.mjs > /dev/null

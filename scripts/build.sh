#!/usr/bin/env bash
# Builds the release bundle (server binary + public/ with the wasm client) into dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# dx must not fetch tools itself: this machine has no GitHub access.
export NO_DOWNLOADS=1
echo "==> building the release bundle (dx bundle)"
rm -rf dist
dx bundle --platform web --release --out-dir dist

#!/usr/bin/env bash
# Builds the release bundle (server binary + public/ with the wasm client) into dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# dx must not fetch tools itself: this machine has no GitHub access.
export NO_DOWNLOADS=1
echo "==> building the release bundle (dx bundle)"
# dx copies every file of its public/ staging folder: clear the previous builds' hashed assets.
rm -rf dist "${CARGO_TARGET_DIR:-target}/dx/conum/release/web/public"
dx bundle --platform web --release --out-dir dist
# Brotli 11 and gzip 9 copies of every text and wasm file, served as they are (server::assets).
node scripts/precompress.mjs dist/public

#!/usr/bin/env bash
# Builds the release bundle (server binary + public/ with the wasm client) into dist/, or into
# the folder given as first argument (scripts/test.sh builds its own: a server running from
# dist/ keeps its files).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# dx must not fetch tools itself: this machine has no GitHub access.
export NO_DOWNLOADS=1
echo "==> building the release bundle (dx bundle)"
# dx copies every file of its public/ staging folder: clear the previous builds' hashed assets.
OUT="${1:-dist}"
rm -rf "$OUT" "${CARGO_TARGET_DIR:-target}/dx/conum/release/web/public"
# The client is cut into wasm modules at the pages' split points (ui::split, feature `split`).
# Its standard library is rebuilt to trap on panic without formatting (scripts/client-toolchain.sh)
# and for size (smaller sorts and number formatting, no symbolised backtraces: 6.5 KB of a first
# visit). dx builds the server in the same run: its std is rebuilt with the same features (the
# write benchmark is measured on it; `panic-unwind` kept), but the panic flags are the wasm
# target's only, so the server keeps unwinding. Not `-Zlocation-detail=none`: Dioxus names each
# global signal by the place in the code that makes it, and without places they were all one.
. scripts/client-toolchain.sh
RUSTUP_TOOLCHAIN="$CLIENT_TOOLCHAIN" CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
CARGO_UNSTABLE_BUILD_STD_FEATURES=panic-unwind,optimize_for_size,backtrace-trace-only \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C link-arg=-O0 -Zunstable-options -Cpanic=immediate-abort" \
  dx bundle --platform web --release --wasm-split --features split --inject-loading-scripts false --out-dir "$OUT"
# dx keeps the functions' names for the split to pair the modules up; the phones need none.
for wasm in "$OUT"/public/assets/*.wasm; do
  wasm-opt --strip-debug --strip-producers --mvp-features --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue "$wasm" -o "$wasm"
done
# The app's own modules that the page loads go out minified: their comments are for us, not for
# the phones (2 KB of a first visit).
for module in store outbox outbox-rules pwa; do
  esbuild "$OUT/public/$module.js" --minify --format=esm --log-level=warning --allow-overwrite \
    --outfile="$OUT/public/$module.js"
done
# The page's scripts (wasm-bindgen's glue, one small function per browser call the client
# makes, and the modules above) compiled whole when they load, not function by function on
# first use: the first save used to compile some thirty of them between the tap and its
# confirmation (Chrome 136+ reads this comment; others ignore it). Minifying drops it from
# public/*.js, whose sources carry it at their top too.
for script in "$OUT"/public/assets/conum-*.js "$OUT"/public/{store,outbox,outbox-rules,pwa}.js; do
  { echo '//# allFunctionsCalledOnLoad'; cat "$script"; } > "$script.tmp" && mv "$script.tmp" "$script"
done
# Brotli 11 and gzip 9 copies of every text and wasm file, served as they are (server::http::assets).
node scripts/precompress.mjs "$OUT/public"

#!/usr/bin/env bash
# Installs what building Conum needs, skipping every step already done:
# the wasm32 target, the release bundle's pinned nightly (scripts/client-toolchain.sh), the
# JavaScript tools (esbuild, wasm-opt, Playwright), dx 0.7.10 and the wasm-bindgen CLI
# matching Cargo.lock. Nothing is downloaded from GitHub.
# Source it (". scripts/setup.sh") or run it; either way PATH is printed for reuse.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { echo "==> $*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

. scripts/client-toolchain.sh
if ! rustup target list --installed --toolchain "$CLIENT_TOOLCHAIN" 2>/dev/null | grep -qx wasm32-unknown-unknown \
   || [ ! -d "$(rustc +"$CLIENT_TOOLCHAIN" --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library" ]; then
  step "installing $CLIENT_TOOLCHAIN with the standard library's sources (the release bundle's wasm)"
  rustup toolchain install "$CLIENT_TOOLCHAIN" --profile minimal --component rust-src --target wasm32-unknown-unknown
fi

if [ ! -x node_modules/.bin/esbuild ] || [ ! -x node_modules/.bin/wasm-opt ] \
   || [ ! -d node_modules/playwright-core ] || [ ! -x node_modules/.bin/tsc ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing the JavaScript tools (npm ci)"
  npm ci --no-audit --no-fund
fi

if [ "$(dx --version 2>/dev/null | awk '{print $2}')" != "0.7.10" ]; then
  step "installing dx 0.7.10 (about 15 minutes on 2 cores, once)"
  cargo install dioxus-cli --version 0.7.10 --locked
fi

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  step "installing wasm-bindgen-cli $bindgen_version"
  # Not --locked: one of its locked dependencies is no longer on the registry.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

step "toolchain ready"

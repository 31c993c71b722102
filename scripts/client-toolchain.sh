# Sourced by scripts/setup.sh and scripts/build.sh: the toolchain of the release bundle.
#
# The browser's wasm is built with a pinned nightly so that the standard library itself is
# rebuilt for it with `panic = immediate-abort`: a panic traps at once instead of formatting a
# message, which takes Rust's formatting and panic machinery out of the first download
# (main module 360 → 324 KB brotli'd, 2026-12-05; BENCHMARKS.md). Only `scripts/build.sh`'s
# `dx bundle` uses it (the server it builds too, unwinding as before); tests, lints and
# `dx serve` stay on stable. Moving the pin: any nightly
# with `-Cpanic=immediate-abort` (since 2025-10), then the browser tests.
CLIENT_TOOLCHAIN=nightly-2026-05-20

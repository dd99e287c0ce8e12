#!/usr/bin/env bash
# Builds the release web target into pkg/ and prints what users download.
# Usage: scripts/build.sh            (after scripts/install-tools.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# npm's binaryen 132 first on PATH: Debian's wasm-opt 108 breaks the module (TOOLCHAIN.md).
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# --release runs wasm-opt with the flags in Cargo.toml's [package.metadata.wasm-pack].
wasm-pack build --release --target web --out-dir pkg --out-name genauth_phone 2>&1 | grep -vE '^\s*$' | grep -vi 'warn.*wasm-pack' >&2 || true
test -f pkg/genauth_phone_bg.wasm

# What a bundler ships: the wasm plus the glue minified, both gzipped.
scripts/size.sh

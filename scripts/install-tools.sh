#!/usr/bin/env bash
# Installs everything the build and the tests need, skipping what is already there,
# so a second run costs seconds. Versions and traps: docs/TOOLCHAIN.md.
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1; }
export PATH="$HOME/.cargo/bin:$PATH"

# The wasm32 standard library (not on a new machine).
rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown

# The pinned nightly for the release build, with its std's source and the wasm32 target.
. scripts/release-toolchain.sh
rustc +"$RELEASE_TOOLCHAIN" -V >/dev/null 2>&1 || rustup toolchain install "$RELEASE_TOOLCHAIN" --profile minimal
rustup component list --installed --toolchain "$RELEASE_TOOLCHAIN" | grep -q '^rust-src' \
  || rustup component add rust-src --toolchain "$RELEASE_TOOLCHAIN"
rustup target list --installed --toolchain "$RELEASE_TOOLCHAIN" | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown --toolchain "$RELEASE_TOOLCHAIN"

# wasm-pack from crates.io (its npm package downloads from GitHub and fails here).
wasm-pack --version 2>/dev/null | grep -q '0.15.1' \
  || cargo install --locked wasm-pack --version 0.15.1

# The CLI must match the pinned wasm-bindgen crate; --locked fails (webpki-roots pin).
wasm-bindgen --version 2>/dev/null | grep -q '0.2.130' \
  || cargo install wasm-bindgen-cli --version 0.2.130

# Browsers and their drivers from Debian; Firefox's driver from crates.io.
if ! have chromium || ! have chromedriver || ! have firefox-esr; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver firefox-esr >/dev/null
fi
# WebKit for the test matrix: WebKitGTK's WebDriver (and its MiniBrowser), a virtual display.
if ! have WebKitWebDriver || ! have Xvfb; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq webkit2gtk-driver xvfb >/dev/null
fi
geckodriver --version 2>/dev/null | grep -q '0.37.1' \
  || cargo install --locked geckodriver --version 0.37.1

# npm tools (wasm-opt from binaryen 132, esbuild, typescript, playwright-core), pinned in package.json.
if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error
fi

# The other Node releases the package is tested on (scripts/node-versions.sh), from npm's
# `node` package into tools/node<major>/ (about 145 MB each; npm reaches no other download).
. scripts/node-versions.sh
for v in "${EXTRA_NODE_VERSIONS[@]}"; do
  [ "$("$(node_bin "${v%%.*}")/node" --version 2>/dev/null)" = "v$v" ] \
    || npm install --prefix "tools/node${v%%.*}" --save-exact --no-audit --no-fund --loglevel=error "node@$v"
done

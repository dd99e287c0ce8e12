#!/usr/bin/env bash
# Builds a release wasm-pack target: `web` (default) into pkg/, then prints what users
# download; `nodejs` into pkg-node/ (for the npm package's Node entry), with the cargo
# feature "node": its `fetch` is js/node-transport.cjs (node:http, keep-alive), which
# wasm-bindgen copies to pkg-node/snippets/. Skips the build when the output is newer than
# every input, so demo.sh and package.sh start fast.
# Usage: scripts/build.sh [web|nodejs]   (after scripts/install-tools.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# npm's binaryen 132 first on PATH: Debian's wasm-opt 108 breaks the module (docs/TOOLCHAIN.md).
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

target=${1:-web}
case $target in
  web) out=pkg cargo_args=() ;;
  nodejs) out=pkg-node cargo_args=(--features node) ;;
  *) echo "usage: scripts/build.sh [web|nodejs]" >&2; exit 2 ;;
esac
wasm=$out/genauth_phone_bg.wasm

. scripts/release-toolchain.sh
if [ -f "$wasm" ] && [ -z "$(find src js Cargo.toml Cargo.lock scripts/build.sh scripts/release-toolchain.sh scripts/shorten-names.mjs -newer "$wasm" -print -quit)" ]; then
  echo "build: $out/ is newer than the sources, kept" >&2
else
  # --release runs wasm-opt with the flags in Cargo.toml's [package.metadata.wasm-pack].
  # The pinned nightly rebuilds std for size (-Zbuild-std, panic=immediate-abort: a panic
  # aborts without formatting a message; no source paths for panic locations, no Debug
  # output: nothing reachable from JS formats one); stable builds and tests the rest. Its own
  # target dir, so switching toolchains does not rebuild the test builds each time.
  # Noise filtered; a failed build still fails here (pipefail), never leaving an old
  # module in place as if it were new.
  # -inline-threshold=8: LLVM inlines a little more than opt-level z's default (LLVM's -Oz value, 5), which
  # leaves fewer small functions whose call and frame code gzip cannot share (-206 B shipped;
  # 6 to 10 give the same module, 2 the default's, 12-15 +44 B, 20 +448 B: docs/SIZE.md).
  # std's `optimize_for_size` feature: its smaller variants of the same algorithms (-14 B).
  # A stale snippets/ (another hash) must not linger beside the new glue.
  rm -rf "$out/snippets"
  RUSTUP_TOOLCHAIN=$RELEASE_TOOLCHAIN CARGO_TARGET_DIR=target/release-std \
  RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none -Cllvm-args=-inline-threshold=8" \
  wasm-pack build . --release --target "$target" --out-dir "$out" --out-name genauth_phone -- -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "${cargo_args[@]}" 2>&1 \
    | { grep -vE '^\s*$' | grep -vi 'warn.*wasm-pack' >&2 || true; }
  # wasm-bindgen's long import and export names (random hashes, stored in the .wasm and in the
  # glue) become one- or two-letter names in both (docs/SIZE.md). Only here, on the output
  # wasm-pack has just written, so everything built and tested from $out is renamed. When it
  # refuses, the .wasm goes too: the next run rebuilds instead of keeping a module as if done.
  node scripts/shorten-names.mjs "$out" || { rm -f "$wasm"; echo "build: shorten-names failed; $wasm removed" >&2; exit 1; }
fi

# Nothing may need `new Function`: the package must run under a CSP without 'unsafe-eval'.
if grep -q 'new Function' "$out/genauth_phone.js"; then
  echo "build: $out/genauth_phone.js holds 'new Function' (a js-sys unsafe-eval binding is used)" >&2
  exit 1
fi

# `throwOnError: true` narrows what the methods resolve with (the `Reply` type): the class takes
# the option's type as a parameter, inferred from the constructor's argument. wasm-bindgen
# cannot declare a generic class, so the declaration is edited here (idempotent; the build
# fails if the generated line changed shape).
dts=$out/genauth_phone.d.ts
sed -i 's/^export class AuthenticationClient {$/export class AuthenticationClient<Strict extends boolean = false> {/' "$dts"
grep -q '^export class AuthenticationClient<Strict extends boolean = false> {$' "$dts" \
  || { echo "build: could not declare AuthenticationClient<Strict> in $dts" >&2; exit 1; }

# The drop-in elements beside the web build, so the demo page (served from pkg/ at /pkg/) loads
# them as the package's `genauth-phone/elements` (plain JS, copied as it is; no build).
if [ "$out" = pkg ]; then cp pkg-template/elements.js pkg/elements.js; fi

# What a bundler ships: the wasm plus the glue minified, both gzipped.
if [ "$out" = pkg ]; then scripts/size.sh; fi

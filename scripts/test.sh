#!/usr/bin/env bash
# The one test command (README; .ci/run calls it): installs what is missing, builds the
# release web package, and runs every suite. Stops at the first failing suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

step "install tools (skips what is present)"
scripts/install-tools.sh

step "style and lints: rustfmt (rustfmt.toml), clippy with warnings denied (native and wasm)"
cargo fmt --all --check
cargo clippy -q --workspace --all-targets -- -D warnings
cargo clippy -q -p genauth-phone --all-targets --target wasm32-unknown-unknown -- -D warnings
cargo clippy -q -p genauth-phone --all-targets --target wasm32-unknown-unknown --features node -- -D warnings
echo "fmt and clippy: clean"

step "build the release web package"
scripts/build.sh

step "native tests: validation, host normalisation, ledger, error mapping; the emulator"
cargo test --workspace

step "parsePhoneNumber: its numbering table is current, and its cases agree with libphonenumber-js"
# Both install the pinned libphonenumber-js into a temporary folder from npm (about 13 MB).
node scripts/phone-table.mjs --check
node tests/phone/check-with-libphonenumber.mjs

step "start the emulator on a free loopback port"
# WebDriver browsers leave ~13 MB of profile per run in TMPDIR: give them one we delete.
work=$(mktemp -d)
export TMPDIR="$work"
cargo build -q -p genauth-emulator
target/debug/genauth-emulator --port 0 >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q listening "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
GENAUTH_EMULATOR_URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/emulator.out")
export GENAUTH_EMULATOR_URL
echo "emulator at $GENAUTH_EMULATOR_URL"

# The runner's limit is for the whole browser run (default 20 s), not per test: the
# suite takes about 25 s, so allow a slow CI machine ample room before calling it hung.
export WASM_BINDGEN_TEST_TIMEOUT=300
# The test page served as apps serve theirs, not cross-origin isolated: under the runner's
# default COEP require-corp a no-cors request is refused, and the client could not tell a CORS
# refusal from an unreachable server (README, "Messages"; tests/suite/messages.rs).
export WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION=1

step "the Node transport (js/node-transport.cjs) against the emulator and local servers"
# The files, not the folder: Node 21+ reads `--test` arguments as glob patterns, and a folder
# matches no test file there.
node --test tests/transport/*.test.mjs
node --test tests/build/*.test.mjs # scripts/shorten-names.mjs on a hand-made module: renames exactly, or fails

step "wasm suite in Node, through the Node build's transport (feature \"node\")"
cargo test --target wasm32-unknown-unknown --test node --features node

. scripts/node-versions.sh
step "the Node transport and the Node wasm suite again on Node ${EXTRA_NODE_VERSIONS[*]} (above: the machine's $(node --version))"
# scripts/node-versions.sh: npm's `node` package in tools/. That Node's folder goes first on PATH
# for one command: wasm-bindgen-test-runner starts whichever `node` PATH finds, and cargo test
# reruns the test wasm built above (PATH is no build input, nothing is rebuilt).
for version in "${EXTRA_NODE_VERSIONS[@]}"; do
  bin=$(node_bin "${version%%.*}") t0=$SECONDS
  [ "$("$bin/node" --version)" = "v$version" ] || { echo "Node $version is not in $bin" >&2; exit 1; }
  # Node 18's V8 crashes on how wasm-bindgen-test hands its tests to the wasm: a shim wraps them
  # (tests/node18-test-shim.cjs says how, and why the package itself is not affected).
  node_args=
  [ "${version%%.*}" != 18 ] || node_args=--require=$PWD/tests/node18-test-shim.cjs
  PATH="$bin:$PATH" node --test tests/transport/*.test.mjs
  PATH="$bin:$PATH" NODE_ARGS=$node_args cargo test --target wasm32-unknown-unknown --test node --features node
  echo "Node $version: transport and wasm suite passed in $((SECONDS - t0)) s"
done

step "wasm suite in headless Chromium (cross-origin: real CORS)"
CHROMEDRIVER=$(command -v chromedriver) cargo test --target wasm32-unknown-unknown --test browser

step "wasm suite in headless Firefox"
GECKODRIVER=$(command -v geckodriver) cargo test --target wasm32-unknown-unknown --test browser

step "wasm suite in WebKit (WebKitGTK's MiniBrowser under WebDriver and Xvfb)"
node tests/webkit/wasm-suite.mjs

step "secrets: the emulator's log never holds what the client sent as a secret"
# tests/suite/resilience.rs plants SECRETMARK in tokens and codes the client sends.
if grep -q SECRETMARK "$work/emulator.log"; then echo "secrets: FAILED, the emulator log holds a planted secret" >&2; exit 1; fi
echo "secrets: emulator log ($(wc -l <"$work/emulator.log") lines) holds no planted token or code"

step "TypeScript consumer under tsc --strict"
tsc -p tests/ts/tsconfig.json
echo "tsc --strict: consumer.ts compiles"
node tests/ts/quick-start.mjs

step "end-to-end: the demo page in headless Chromium (Playwright)"
node tests/e2e/demo.mjs

step "end-to-end: the drop-in elements (genauth-phone/elements) in headless Chromium and Firefox"
node tests/elements/elements.mjs
node tests/elements/elements.mjs --firefox

step "end-to-end: the demo page in headless Firefox (geckodriver)"
node tests/e2e/demo.mjs --firefox

step "end-to-end: the same flows in WebKit (WebDriver)"
node tests/e2e/demo.mjs --webkit
node tests/elements/elements.mjs --webkit

step "the npm package: packed, then used from Vite, webpack, Node ESM/CJS, a page, a worker, tsc"
tests/consumers/run.sh

step "done"
scripts/size.sh --check

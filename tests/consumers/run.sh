#!/usr/bin/env bash
# Consumer tests (issue 4): the packed tarball, installed the way users install it, in every way
# it is used, against a local emulator. Each app is a fresh temp dir with `npm install <tarball>`
# and its other dependencies from the registry (pinned), nothing linked to this source tree.
# Each runs the change-number flow of flow.mjs for real and asserts on the results and on the
# emulator's user afterwards. Prints the gzip size each way ships (also in dist/consumer-sizes.txt)
# and `consumers: N passed, M failed` last; exits non-zero on any failure. The React app
# (react/) runs the flow objects through its UI instead: react/run.mjs.
# Usage: tests/consumers/run.sh      (after scripts/install-tools.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
here=$PWD/tests/consumers
. scripts/node-versions.sh
began=$(date +%s)

# The apps' own dependencies, pinned exactly. Vite 8 at 8.3.8: 8.4.0's lock wants a
# Windows-only native package that npm may refuse. TypeScript 7 is the native port (bin: tsc).
vite=(vite@7.3.8)
vite8=(vite@8.3.8)
webpack=(webpack@5.112.2 webpack-cli@7.3.1)
typescript=(typescript@5.9.3 @types/node@20.19.43 @arethetypeswrong/cli@0.18.5)
typescript7=(typescript@7.0.2 @types/node@20.19.43)
react=(vite@8.3.8 @vitejs/plugin-react@6.3.1 react@19.3.1 react-dom@19.3.1 @types/react@19.3.3
  @types/react-dom@19.3.0 typescript@5.9.3)

# 1. One scratch dir for everything, deleted on exit with the emulator; browsers put their
#    profiles in TMPDIR, so they go with it. A setup failure still ends with the verdict line.
work=$(mktemp -d)
export TMPDIR="$work"
emulator_pid= verdict=
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
  [ -n "$verdict" ] || echo "consumers: 0 passed, 1 failed (the setup failed before any consumer ran)"
}
trap cleanup EXIT

# 2. The package as it would be published (rebuilds pkg/ and pkg-node/ only when stale).
scripts/package.sh
tarball=$(ls "$PWD"/dist/genauth-phone-*.tgz)

# 3. The fresh apps, installed in the background while the emulator starts: the fixture from
#    tests/consumers/APP/, flow.mjs next to its entry, the tarball and the app's dependencies.
declare -A install_pid install_status
app() { # APP FLOW_DIR DEPENDENCY...   (FIXTURE=dir when it is not tests/consumers/APP)
  local name=$1 dir=$work/$1 flow_dir=$2 fixture=${FIXTURE:-$1}
  shift 2
  mkdir -p "$dir"
  cp -R "$here/$fixture/." "$dir/"
  cp "$here/flow.mjs" "$dir/$flow_dir/"
  printf '{ "name": "consumer-%s", "private": true, "type": "module" }\n' "$name" > "$dir/package.json"
  (cd "$dir" && npm install --save-exact --no-audit --no-fund --loglevel=error "$tarball" "$@" >npm.log 2>&1) &
  install_pid[$name]=$!
}
app vite . "${vite[@]}"
FIXTURE=vite app vite8 . "${vite8[@]}"
app webpack src "${webpack[@]}"
app node .
app static .
app worker .
app ts . "${typescript[@]}"
FIXTURE=ts app ts7 . "${typescript7[@]}"
FIXTURE=react/app app react . "${react[@]}"

# 4. The emulator on a free loopback port.
cargo build -q -p genauth-emulator
target/debug/genauth-emulator --port 0 >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do grep -q listening "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
emulator=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/emulator.out") || { cat "$work/emulator.log"; exit 1; }
echo "consumers: emulator at $emulator, package $tarball"

# Waits for APP's install (once); fails, showing npm's log, when it failed.
installed() {
  local name=$1
  if [ -z "${install_status[$name]:-}" ]; then
    if wait "${install_pid[$name]}"; then install_status[$name]=0; else install_status[$name]=1; fi
    [ "${install_status[$name]}" = 0 ] || { echo "npm install failed:"; cat "$work/$name/npm.log"; }
  fi
  return "${install_status[$name]}"
}

# Runs one consumer: COMMAND... in APP's dir (in a subshell with errexit on), counted.
passed=0 failed=0 failures=()
consumer() { # NAME APP COMMAND...
  local name=$1 app=$2 ok=1 t0=$SECONDS
  shift 2
  printf '\n-- %s\n' "$name"
  if installed "$app"; then
    (set -e; cd "$work/$app"; "$@") &
    wait $! || ok=0
  else
    ok=0
  fi
  if [ $ok = 1 ]; then passed=$((passed + 1)); echo "ok: $name ($((SECONDS - t0)) s)"
  else failed=$((failed + 1)); failures+=("$name"); echo "FAILED: $name ($((SECONDS - t0)) s)"; fi
}

# Gzip -9 size of FILEs, split into JS and wasm, appended to $work/sizes.
gz() { cat "$@" | gzip -9c | wc -c; }
measure() { # LABEL FILE...
  local label=$1 js=0 wasm=0 f
  shift
  for f in "$@"; do
    case $f in *.wasm) wasm=$((wasm + $(gz "$f"))) ;; *) js=$((js + $(gz "$f"))) ;; esac
  done
  printf '%-34s %6d B gzip = JS %5d B + wasm %5d B\n' "$label" $((js + wasm)) "$js" "$wasm" | tee -a "$work/sizes"
}
in_browser() { # browser.mjs's options but --emulator: the app run in headless Chromium
  node "$here/browser.mjs" --emulator "$emulator" "$@"
}

# 5. The consumers.
size_app() { # BUNDLER LABEL: the smallest app (size.js) built beside the test app, to measure the package alone
  mkdir -p size
  cp "$here/size.js" size/main.js
  case $1 in
    vite) printf '<script type="module" src="./main.js"></script>\n' > size/index.html
          ./node_modules/.bin/vite build size --outDir ../dist-size --emptyOutDir --logLevel warn
          (cd dist-size && measure "$2" assets/*.js assets/*.wasm)
          # The same app with the drop-in elements (genauth-phone/elements) imported too.
          { cat "$here/size.js"; echo 'import "genauth-phone/elements";'; } > size/main.js
          ./node_modules/.bin/vite build size --outDir ../dist-size --emptyOutDir --logLevel warn
          (cd dist-size && measure "$2 + elements" assets/*.js assets/*.wasm) ;;
    webpack) ./node_modules/.bin/webpack --mode production --entry ./size/main.js --output-path dist-size --no-stats
             (cd dist-size && measure "webpack 5 build" *.js *.wasm) ;;
  esac
}

vite_build() { # LABEL OLD NEW
  ./node_modules/.bin/vite build --logLevel warn
  size_app vite "$1"
  in_browser --root dist --page /index.html --old "$2" --new "$3" --scope Window
}
consumer "Vite 7 app: vite build (no config), run in Chromium" vite vite_build "Vite 7 build" 13900000001 18800000001
consumer "Vite 8 app: vite build (no config), run in Chromium" vite8 vite_build "Vite 8 build" 13900000011 18800000011

vite_dev() { # OLD NEW [CONFIG | none]
  # NO_COLOR: with CI set, Vite colours its log and the port number would hide behind ANSI codes.
  local config=(--config "${3:-vite.dev.config.js}")
  [ "${3:-}" != none ] || config=()
  NO_COLOR=1 ./node_modules/.bin/vite "${config[@]}" --host 127.0.0.1 >dev.log 2>&1 &
  local pid=$! url=
  trap "kill $pid" EXIT
  for _ in $(seq 100); do
    url=$(sed 's/\x1b\[[0-9;]*m//g' dev.log | grep -oE 'http://127\.0\.0\.1:[0-9]+' | head -1) && [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat dev.log; exit 1; }
  echo "vite dev server at $url"
  in_browser --origin "$url" --page /index.html --old "$1" --new "$2" --scope Window
  if [ "${3:-}" = none ]; then # it ran pre-bundled, not excluded
    test -f node_modules/.vite/deps/genauth-phone.js || { echo "genauth-phone was not pre-bundled"; exit 1; }
    echo "pre-bundled: node_modules/.vite/deps/genauth-phone.js"
  fi
}
consumer "Vite 7 app: vite dev server (optimizeDeps.exclude), run in Chromium" vite vite_dev 13900000002 18800000002
consumer "Vite 8 app: vite dev server (optimizeDeps.exclude), run in Chromium" vite8 vite_dev 13900000012 18800000012
# Vite 8's pre-bundler rewrites the package's new URL("...wasm", import.meta.url): no config needed.
consumer "Vite 8 app: vite dev server, no config (pre-bundled), run in Chromium" vite8 vite_dev 13900000013 18800000013 none

webpack_build() {
  ./node_modules/.bin/webpack --mode production --no-stats
  cp index.html dist/
  size_app webpack "webpack 5 build"
  in_browser --root dist --page /index.html --old 13900000003 --new 18800000003 --scope Window
}
consumer "webpack 5 app: default config, run in Chromium" webpack webpack_build

consumer "Node $(node --version) ESM: import" node node esm.mjs "$emulator" 13900000004 18800000004
consumer "Node $(node --version) CommonJS: require" node node cjs.cjs "$emulator" 13900000005 18800000005
# The same two on each other Node the package is tested on (scripts/node-versions.sh): the same
# installed app, only the `node` that runs it differs (the installs above used the machine's npm).
on_node() { # VERSION SCRIPT ARG...: node SCRIPT ARG... with the tools/ Node of VERSION
  local version=$1 bin
  bin=$(node_bin "${1%%.*}")
  shift
  [ "$("$bin/node" --version)" = "v$version" ] || { echo "Node $version is not in $bin (scripts/install-tools.sh)"; return 1; }
  PATH="$bin:$PATH" node "$@"
}
for version in "${EXTRA_NODE_VERSIONS[@]}"; do
  major=${version%%.*}
  consumer "Node v$version ESM: import" node on_node "$version" esm.mjs "$emulator" "1390000${major}04" "1880000${major}04"
  consumer "Node v$version CommonJS: require" node on_node "$version" cjs.cjs "$emulator" "1390000${major}05" "1880000${major}05"
done

static_page() {
  (cd node_modules/genauth-phone && measure "genauth-phone/web, no bundler" web.js web/genauth_phone.js web/genauth_phone_bg.wasm)
  in_browser --root . --page /index.html --old 13900000006 --new 18800000006 --scope Window
}
consumer "static page: <script type=module> imports genauth-phone/web" static static_page
consumer "static page: genauth-phone/init with the wasm URL given" static \
  in_browser --root . --page /init.html --old 13900000007 --new 18800000007 --scope Window

consumer "module Web Worker: genauth-phone/web" worker \
  in_browser --root . --page /index.html --old 13900000008 --new 18800000008 --scope DedicatedWorkerGlobalScope

typecheck() { # tsc --strict under bundler and node16 resolution, with the app's TypeScript
  local config
  for config in tsconfig.bundler.json tsconfig.node16.json tsconfig.node16-no-dom.json; do
    ./node_modules/.bin/tsc -p "$config"
    echo "tsc $(./node_modules/.bin/tsc --version) --strict --noEmit -p $config: $(node -p "require('./$config').files.join(', ')") compile"
  done
}
typescript() {
  typecheck
  # Every entry under node10, node16 (from CJS and ESM) and bundler resolution. The browser
  # entries (web, init) are ES modules with top-level await: from CJS, import() only, as it should be.
  ./node_modules/.bin/attw "$tarball" --ignore-rules cjs-resolves-to-esm --format table-flipped --no-color
}
consumer "TypeScript: tsc --strict (bundler, node16), attw on the tarball" ts typescript
consumer "TypeScript 7: tsc --strict (bundler, node16)" ts7 typecheck

# React 19 + Vite 8 + TypeScript under <StrictMode>: the npm README's component
# (the npm README's "React" section), typed, then driven through the change flow in Chromium: with the
# dev server (React's development build, StrictMode's double mount) and a production build.
consumer "React 19 app: tsc --noEmit (strict)" react ./node_modules/.bin/tsc --noEmit -p .
react_app() { # MODE OLD NEW OTHER
  node "$here/react/run.mjs" --mode "$1" --emulator "$emulator" --old "$2" --new "$3" --other "$4"
}
consumer "React 19 app (Vite 8, StrictMode): vite dev server, run in Chromium" react \
  react_app dev 13900000021 18800000021 18600000021
consumer "React 19 app (Vite 8, StrictMode): vite build + vite preview, run in Chromium" react \
  react_app prod 13900000022 18800000022 18600000022

# 6. Sizes, and the verdict.
printf '\n'
{ echo "# gzip -9 of what each way ships ($(date -u +%F), tests/consumers/run.sh)"; cat "$work/sizes"; } \
  > dist/consumer-sizes.txt
cat "$work/sizes"
echo "consumers: sizes in dist/consumer-sizes.txt; took $(($(date +%s) - began)) s"
[ ${#failures[@]} = 0 ] || printf 'consumers: FAILED: %s\n' "${failures[@]}"
verdict="consumers: $passed passed, $failed failed"
echo "$verdict"
[ "$failed" = 0 ]

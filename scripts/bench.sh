#!/usr/bin/env bash
# The benchmark command (issue 5; not part of scripts/test.sh): builds what it needs, starts the
# emulator, installs the peers from the registry into a temp dir, measures size, cold start,
# per-call cost, Node throughput and memory, and prints ONE markdown table of that run, also
# written with the machine's description to bench/results.md. bench/README.md explains it.
# Usage: scripts/bench.sh [--quick] [--profile]
#   --quick:   fewer loads, batches, calls and rounds: a smoke run of the harness (its table is
#              printed, bench/results.md is left alone);
#   --profile: also prints where genauth-phone's per-call time goes (bench/profile.mjs).
# Takes about 4 minutes on a busy 2-core machine (plus the first-time installs of install-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
repo=$PWD
began=$(date +%s)
started=$(date -u +%FT%TZ)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# The peers and tools, pinned exactly.
peers=(authing-js-sdk@4.23.55 @supabase/auth-js@2.119.1 authing-node-sdk@4.0.1)
vite=(vite@7.3.8)

# How much to measure (the issue's figures; --quick for a smoke run of the harness).
loads=20 batches=20 size=500 calls=100000 rounds=3 seconds=6
quick= profile=
for arg in "$@"; do
  case $arg in
    --quick) quick=1 loads=3 batches=4 size=200 calls=10000 rounds=1 seconds=2 ;;
    --profile) profile=1 ;;
    *) echo "usage: scripts/bench.sh [--quick] [--profile]" >&2; exit 2 ;;
  esac
done

step() { printf '\n== bench: %s (%d s)\n' "$*" $(($(date +%s) - began)) >&2; }

# 1. Tools (skips what is there), the package as published, and the emulator (release build).
step "tools, the npm package, the emulator"
scripts/install-tools.sh
scripts/package.sh >&2
tarball=$(ls "$PWD"/dist/genauth-phone-*.tgz)
cargo build --release -q -p genauth-emulator

# 2. One scratch dir, deleted on exit with the emulator; browsers keep their profiles in it.
work=$(mktemp -d)
export TMPDIR="$work"
emulator_pid=
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# 3. The peers and a Vite app, from the registry, installed in the background.
step "install the peers and Vite into $work"
mkdir -p "$work/peers" "$work/vite" "$work/site/bench" "$work/results"
printf '{ "name": "bench-peers", "private": true }\n' > "$work/peers/package.json"
printf '{ "name": "bench-vite", "private": true, "type": "module" }\n' > "$work/vite/package.json"
(cd "$work/peers" && npm install --save-exact --no-audit --no-fund --loglevel=error "$tarball" "${peers[@]}" >npm.log 2>&1) &
peers_pid=$!
(cd "$work/vite" && npm install --save-exact --no-audit --no-fund --loglevel=error "$tarball" "${vite[@]}" >npm.log 2>&1) &
vite_pid=$!

# 4. The emulator on a free loopback port, its per-request log discarded.
target/release/genauth-emulator --port 0 >"$work/emulator.out" 2>/dev/null &
emulator_pid=$!
for _ in $(seq 100); do grep -q listening "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
emulator=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/emulator.out") || { echo "bench: the emulator did not start" >&2; exit 1; }
echo "bench: emulator at $emulator" >&2

wait "$peers_pid" || { cat "$work/peers/npm.log" >&2; exit 1; }
wait "$vite_pid" || { cat "$work/vite/npm.log" >&2; exit 1; }

# 5. The Vite builds: the smallest app (tests/consumers/size.js, as tests/consumers/run.sh
#    measures it) for size, and bench/vite-cold for the cold start.
step "Vite builds"
(
  cd "$work/vite"
  mkdir -p size
  cp "$repo/tests/consumers/size.js" size/main.js
  printf '<script type="module" src="./main.js"></script>\n' > size/index.html
  ./node_modules/.bin/vite build size --outDir ../dist-size --emptyOutDir --logLevel warn
  cp -R "$repo/bench/vite-cold" cold
  ./node_modules/.bin/vite build cold --base ./ --outDir "$work/site/vite-cold" --emptyOutDir --logLevel warn
)

# 6. The pages' site: the installed package at /pkg/, bench/page/ at /bench/, the bundles at /peers/.
cp -R "$work/peers/node_modules/genauth-phone/." "$work/site/pkg/"
cp bench/page/* "$work/site/bench/"

# 7. The measurements, each bounded in time.
step "size"
timeout 300 node bench/size.mjs --peers "$work/peers" --vite "$work/vite/dist-size" --site "$work/site" --out "$work/results/size.json" >&2

step "Node throughput against the emulator"
timeout 300 node bench/throughput.mjs --peers "$work/peers" --emulator "$emulator" --out "$work/results/throughput.json" \
  --rounds "$rounds" --seconds "$seconds"

step "Chromium: cold start, per-call cost, memory"
timeout 600 node bench/browser.mjs --site "$work/site" --out "$work/results/browser.json" \
  --loads "$loads" --batches "$batches" --size "$size" --calls "$calls"

if [ -n "$profile" ]; then
  step "profile: where genauth-phone's per-call time goes"
  timeout 300 node bench/profile.mjs --site "$work/site" --peers "$work/peers" >&2
fi

# 8. The table, printed and written to bench/results.md (a --quick run only prints it).
step "report"
out=bench/results.md
[ -n "$quick" ] && out="$work/results.md"
node bench/report.mjs --dir "$work/results" --out "$out" --started "$started" --load-before "$load_before" \
  --seconds $(($(date +%s) - began))
echo "bench: written to $out (took $(($(date +%s) - began)) s)" >&2

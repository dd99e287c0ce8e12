#!/usr/bin/env bash
# Prints the gzip -9 size of the release web build: wasm, glue, glue minified, and the
# total a bundler ships (wasm + minified glue). With --check, fails above the budget in
# size-budget.txt (the one place the budget is written). Usage: scripts/size.sh [DIR] [--check]
# (DIR: pkg by default).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
gz() { gzip -9c "$1" | wc -c; }
dir=pkg
if [ -n "${1:-}" ] && [ "$1" != --check ]; then dir=$1; shift; fi
wasm=$dir/genauth_phone_bg.wasm
glue=$dir/genauth_phone.js
min=$(mktemp --suffix=.js)
esbuild "$glue" --minify --format=esm --log-level=error > "$min"
w=$(gz "$wasm"); g=$(gz "$glue"); m=$(gz "$min"); rm -f "$min"
total=$((w + m))
echo "size: wasm ${w} B gzip, glue ${g} B gzip (${m} B minified), shipped wasm + minified glue ${total} B gzip"
if [ "${1:-}" = "--check" ]; then
  budget=$(grep -oE '^[0-9]+' size-budget.txt | head -1)
  if [ "$total" -gt "$budget" ]; then
    echo "size: FAILED, ${total} B is over the budget of ${budget} B (size-budget.txt)" >&2
    exit 1
  fi
  echo "size: within the budget of ${budget} B"
fi

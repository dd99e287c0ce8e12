#!/usr/bin/env bash
# The README's first command: builds the package, starts the local GenAuth emulator and
# serves the demo page (www-demo/ and pkg/) from another origin on 127.0.0.1.
# Ports: GENAUTH_API_PORT (default 8787) and GENAUTH_DEMO_PORT (default 8080).
# GENAUTH_APP_HOST: the origin(s) of real GenAuth apps the page may call, space-separated
# (the page's Content-Security-Policy lists only these and the emulator).
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
api_port="${GENAUTH_API_PORT:-8787}"
demo_port="${GENAUTH_DEMO_PORT:-8080}"

# Install the toolchain (skips whatever is already there).
scripts/install-tools.sh

# Build the release web package into pkg/.
scripts/build.sh

# Build the emulator, which also serves the demo page.
cargo build -q -p genauth-emulator

# Ctrl-C (or any exit) stops the emulator started below and removes the temporary file.
out=$(mktemp)
emulator_pid=""
stop() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -f "$out"
}
trap stop EXIT
trap 'exit 130' INT TERM

# Start it: the API on one port, the page on another (so CORS and the CSP are real).
app_hosts=()
for host in ${GENAUTH_APP_HOST:-}; do app_hosts+=(--app-host "$host"); done
target/debug/genauth-emulator --port "$api_port" --demo-port "$demo_port" \
  --demo-dir www-demo --pkg-dir pkg "${app_hosts[@]}" >"$out" &
emulator_pid=$!

# Wait for its two "listening" lines (it exits at once if a port is taken).
for _ in $(seq 100); do
  grep -q '^genauth-emulator demo on ' "$out" && break
  kill -0 "$emulator_pid" 2>/dev/null || { echo "demo: the emulator did not start (is a port taken? set GENAUTH_API_PORT / GENAUTH_DEMO_PORT)" >&2; exit 1; }
  sleep 0.1
done
demo_url=$(grep -oE 'demo on http://[^ ]+' "$out" | cut -d' ' -f3)
api_url=$(grep -oE 'listening on http://[^ ]+' "$out" | cut -d' ' -f3)
[ -n "$demo_url" ] || { echo "demo: the emulator did not start in time" >&2; exit 1; }

# Tell the person where to go; then keep serving (the API log follows) until Ctrl-C.
printf '\nGenAuth emulator (API): %s\nOpen the demo:           %s\n\nPress Ctrl-C to stop.\n\n' "$api_url" "$demo_url"
wait "$emulator_pid"

#!/usr/bin/env bash
# Fuzzing (issue 6, suite 5): `scripts/fuzz.sh [seconds per target, default 60] [target...]`.
# Its own command, bounded in time, not part of scripts/test.sh nor CI.
#
# cargo-fuzz (libFuzzer, AddressSanitizer) targets in fuzz/fuzz_targets/:
#   validate          the client's input checks vs an oracle of the README's "Input rules"
#   app_host          appHost normalisation: scheme, no trailing '/', ASCII, loopback-only
#                     plain http, idempotent
#   emulator_request  the emulator's request decoding (body -> envelope), with an oracle
#                     for send-sms
#   emulator_json     the emulator's strict JSON parser vs serde_json
# (The client's own envelope decoding is JSON.parse plus own-property reads in JS, which
# cannot run natively; the emulator's body decoding is the Rust decoding there is.)
#
# The corpus is kept in fuzz/corpus/<target>/ (committed) and minimised with
# `cargo fuzz cmin` after each run; fuzz/seeds/<target>/ holds the hand-written seeds. Crash inputs land in fuzz/artifacts/<target>/ (not
# committed); replay one with `cargo +nightly fuzz run <target> <file>`.
# Needs a nightly toolchain (installed here if missing: it comes from static.rust-lang.org,
# which a machine limited to package registries may not reach) and cargo-fuzz (installed
# from crates.io if missing). Exits 1 if any target found a crash, 3 if it cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(validate app_host emulator_request emulator_json)
case $secs in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [seconds per target] [target...]" >&2; exit 2 ;; esac

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz: no nightly toolchain; installing one (rustup toolchain install nightly --profile minimal)"
  if ! RUSTUP_AUTO_INSTALL=1 rustup toolchain install nightly --profile minimal; then
    echo "fuzz: cannot install a nightly toolchain (static.rust-lang.org unreachable?)." >&2
    echo "fuzz: cargo-fuzz needs nightly (-Zsanitizer, sancov); fuzzing cannot run on this machine." >&2
    exit 3
  fi
fi
echo "fuzz: $(rustup run nightly rustc --version)"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz from crates.io"
  cargo install --locked cargo-fuzz
fi
echo "fuzz: $(cargo fuzz --version)"

echo "fuzz: building ${targets[*]} (release, debug assertions, AddressSanitizer)"
cargo +nightly fuzz build

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
summary=()
crashed=0
for t in "${targets[@]}"; do
  corpus=fuzz/corpus/$t
  artifacts=fuzz/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  # The hand-written seeds (valid requests, inputs at appHost's 2048 limit) join every
  # run: minimising may drop them from the corpus when they add no coverage of their own.
  for seed in fuzz/seeds/"$t"/*; do
    [ -e "$seed" ] && [ ! -e "$corpus/${seed##*/}" ] && cp "$seed" "$corpus/"
  done
  found() { find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) "$@"; }
  before=$(found | wc -l)
  touch "$log/$t.start"
  extra=()
  [ -f "fuzz/dicts/$t.dict" ] && extra+=("-dict=fuzz/dicts/$t.dict")
  # appHost's limit is 2048 characters: start at full length instead of libFuzzer's
  # slow ramp (which truncates long inputs while it grows), and profile compared values
  # so lengths approaching the limit count as progress; the target is cheap.
  [ "$t" = app_host ] && extra+=("-len_control=0" "-use_value_profile=1")
  echo "fuzz: $t for ${secs}s (corpus $(find "$corpus" -type f | wc -l) inputs)"
  rc=0
  # -max_len: room for appHost's 2048-character limit and beyond; the 64 KiB body limit
  # is exercised by the native robustness suite, not here.
  cargo +nightly fuzz run "$t" "$corpus" -- \
    -max_total_time="$secs" -max_len=4200 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${extra[@]}" \
    >"$log/$t.out" 2>"$log/$t.err" || rc=$?
  stat() { grep -m1 "^stat::$1:" "$log/$t.err" | awk '{print $2}'; }
  runs=$(stat number_of_executed_units); runs=${runs:-0}
  rate=$(stat average_exec_per_sec); rate=${rate:-0}
  new_crashes=$(( $(found | wc -l) - before ))
  if [ "$rc" -ne 0 ] || [ "$new_crashes" -gt 0 ]; then
    crashed=1
    echo "fuzz: $t FAILED (exit $rc); the end of its log:"
    grep -v '^#[0-9]' "$log/$t.err" | tail -40
    found -newer "$log/$t.start" -printf '  artifact: %p\n' || true
  fi
  cargo +nightly fuzz cmin "$t" "$corpus" >"$log/$t.cmin" 2>&1 || echo "fuzz: cmin for $t failed (corpus kept as it is)"
  size=$(find "$corpus" -type f | wc -l)
  bytes=$(du -sb "$corpus" | awk '{print $1}')
  summary+=("$(printf '%-18s %12s runs %9s exec/s   corpus %5s inputs %9s B   crashes %s' \
    "$t" "$runs" "$rate" "$size" "$bytes" "$new_crashes")")
done

echo
echo "fuzz: ${secs}s per target"
printf '  %s\n' "${summary[@]}"
exit "$crashed"

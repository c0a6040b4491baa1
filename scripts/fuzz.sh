#!/usr/bin/env bash
# Fuzzes the packet decoder and the session state machine with cargo-fuzz
# (libFuzzer + AddressSanitizer) for a bounded time per target.
#
#   scripts/fuzz.sh [seconds-per-target]     (default 60)
#
# Needs: rustup's stable toolchain (no nightly: RUSTC_BOOTSTRAP=1 lets stable
# take cargo-fuzz's -Z flags, and the ASan runtime ships with rustc), a C++
# compiler for libFuzzer's sources (g++ or clang++; installed with apt-get if
# missing), and crates.io for cargo-fuzz and the fuzz crate's dependencies.
#
# The targets run at the same time, one per core. Each starts from the
# committed seeds (fuzz/corpus/<target>, read only) plus what earlier runs on
# this machine found (fuzz/work/corpus/<target>, not committed). Exits 1 if a
# target crashed, hung (-timeout) or ran out of memory, after printing the
# input that did it (fuzz/artifacts/<target>/...) and how to replay it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
case "$seconds" in
  '' | *[!0-9]*) echo "usage: $0 [seconds-per-target]" >&2; exit 2 ;;
esac

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$cargo_bin:$PATH"
# cargo-fuzz passes nightly-only flags (-Zsanitizer=address and friends).
export RUSTC_BOOTSTRAP=1

started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started ))s"; }

if ! command -v c++ >/dev/null 2>&1; then
  echo "== installing g++ (libFuzzer is C++)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends g++
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked --version '^0.13'
fi
echo "== $(cargo fuzz --version) ($(elapsed))"

# Release with debug assertions and overflow checks: the session keeps
# unsigned counters whose underflow is a bug to catch, not to wrap.
build_flags=(--fuzz-dir fuzz --debug-assertions)
cargo fuzz build "${build_flags[@]}"
echo "== built ($(elapsed))"

mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
mkdir -p fuzz/work/logs
pids=()
for target in "${targets[@]}"; do
  mkdir -p "fuzz/work/corpus/$target" "fuzz/artifacts/$target"
  # Marks which artifacts are new.
  touch "fuzz/work/logs/$target.start"
  # -timeout: an input running over 10 s is a hang, reported like a crash.
  # -max_len: the seeds are under 300 bytes; longer inputs only slow it down.
  # The outer timeout is a last guard should libFuzzer itself get stuck.
  timeout --kill-after=30 $((seconds + 120)) \
    cargo fuzz run "${build_flags[@]}" "$target" \
      "fuzz/work/corpus/$target" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -max_len=4096 -print_final_stats=1 \
      >"fuzz/work/logs/$target.log" 2>&1 &
  pids+=($!)
done

failed=0
for i in "${!targets[@]}"; do
  target="${targets[$i]}"
  log="fuzz/work/logs/$target.log"
  status=0
  wait "${pids[$i]}" || status=$?
  runs=$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1 || true)
  coverage=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9A-Za-z]*' "$log" | tail -1 || true)
  if [ "$status" -eq 0 ]; then
    echo "== $target: ok, ${runs:-no run count}, ${coverage:-no coverage line}"
    continue
  fi
  failed=1
  echo "== $target: FAILED (exit $status); from $log:"
  # The panic message or sanitizer report, not cargo-fuzz's own backtrace.
  if ! grep -E -A6 "panicked at|==ERROR|ERROR: libFuzzer|^SUMMARY" "$log" | head -60; then
    grep -v '^"' "$log" | tail -40
  fi
  found=$(find "fuzz/artifacts/$target" -type f -newer "fuzz/work/logs/$target.start")
  if [ -n "$found" ]; then
    for artifact in $found; do
      echo "== $target: failing input: $artifact"
      echo "   replay: RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz --debug-assertions $target $artifact"
      echo "   trace:  (cd fuzz && cargo run --example replay -- $target ${artifact#fuzz/})"
    done
  else
    echo "== $target: no failing input was written (see the log above)"
  fi
done

echo "== fuzzing took $(elapsed) in all"
exit "$failed"

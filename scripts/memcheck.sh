#!/usr/bin/env bash
# Runs the workspace's Rust unit tests (`cargo test --workspace --lib`) under
# AddressSanitizer, with LeakSanitizer on: out-of-bounds and use-after-free
# in the crate and its dependencies' Rust code, and memory still allocated
# and unreachable when the tests end.
#
#   scripts/memcheck.sh [test-name-filter] [-- libtest options]
#
# Needs only rustup's stable toolchain: RUSTC_BOOTSTRAP=1 lets stable take
# -Zsanitizer, and rustc ships the ASan runtime itself (no clang). The
# standard library is not rebuilt with instrumentation (that needs nightly's
# rust-src), so reads and writes inside std itself are not checked; every
# allocation is, through ASan's malloc.
#
# The instrumented build goes to target/memcheck, apart from the normal
# build. C code in dependencies (ring) is not instrumented.
set -euo pipefail
cd "$(dirname "$0")/.."

export RUSTC_BOOTSTRAP=1
host=$(rustc -vV | sed -n 's/^host: //p')
# With --target, these flags reach the crate and its dependencies but not
# build scripts and proc macros, which run in the compiler and need no
# checking. Frame pointers give ASan's reports whole stacks cheaply.
export RUSTFLAGS="-Zsanitizer=address -Cforce-frame-pointers=yes"
# detect_leaks: LeakSanitizer at exit (the default on x86_64 Linux, said
# anyway). detect_stack_use_after_return would slow every call: left off.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=86:${ASAN_OPTIONS:-}"

started=$(date +%s)
cargo test --workspace --lib --target "$host" --target-dir target/memcheck "$@"
echo "memcheck: the lib's tests ran clean under AddressSanitizer and LeakSanitizer in $(( $(date +%s) - started ))s"

#!/usr/bin/env bash
# What a fuzz target's corpus reaches: line coverage of each source file of
# the engine, the model, the allocators and the storage adapters (not the
# harness, not the dependencies), from `cargo fuzz coverage` and llvm-cov.
# Use it before a long run: code no input reaches is code the run cannot
# test (2026-12-01: the firmware's extensions, 17 % of their lines, had
# never run under the stateful target).
#
#   fuzz/coverage.sh                          # charge_point: committed + scratch corpus
#   fuzz/coverage.sh codec                    # another target
#   fuzz/coverage.sh charge_point DIR...      # these corpus directories
#
# The coverage build and the profile stay under fuzz/target and
# fuzz/coverage (ignored by git); the table goes to stdout.
set -euo pipefail
cd "$(dirname "$0")"

target="${1:-charge_point}"
[ $# -gt 0 ] && shift
corpora=("$@")
if [ ${#corpora[@]} -eq 0 ]; then
  corpora=("corpus/$target")
  if [ -d "target/corpus-run/$target" ]; then corpora+=("target/corpus-run/$target"); fi
fi

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
rustup component add llvm-tools-preview --toolchain nightly >/dev/null 2>&1
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

cargo +nightly fuzz coverage "$target" "${corpora[@]}" >"target/coverage-$target.log" 2>&1 ||
  { tail -n 20 "target/coverage-$target.log"; exit 1; }

sysroot="$(rustc +nightly --print sysroot)"
llvm_cov="$(ls "$sysroot"/lib/rustlib/*/bin/llvm-cov | head -n 1)"
binary="$(ls target/*/coverage/*/release/"$target" | head -n 1)"
printf '%-44s %8s %8s\n' file lines covered
"$llvm_cov" report "$binary" -instr-profile="coverage/$target/coverage.profdata" 2>/dev/null |
  awk 'match($1, /(ocpp-alloc|ocpp-model|ocpp-engine|ocpp-storage)\/src\/.*/) {
         printf "%-44s %8s %8s\n", substr($1, RSTART), $8, $10
       }'

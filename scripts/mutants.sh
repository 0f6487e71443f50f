#!/usr/bin/env bash
# Mutation testing (cargo-mutants) of the engine and the model: can the
# suites fail? Each mutant (an operator flipped, a body replaced by a
# default) is built and the tests are run; a mutant the tests do not notice
# is "missed" and needs a test, or a written reason why it is equivalent
# (fuzz/MUTANTS.md keeps the scores per file and those reasons).
#
#   scripts/mutants.sh ocpp-engine/src/answers.rs ...   # these files (a local run)
#   scripts/mutants.sh --diff                            # what this branch changed since
#                                                        # its merge base with main (CI)
#
# Which tests: a mutant of ocpp-engine runs the engine's tests (unit,
# scenario, persistence, OCTT); a mutant of ocpp-model runs the model's and
# the engine's. MUTANTS_ALLOC_TESTS=1 adds the allocation-failure suites
# (alloc-tests, debug: about 20 s more per surviving mutant).
#
# Knobs: MUTANTS_BASE (default main) for --diff; MUTANTS_MAX (default 8):
# with --diff, at most about that many mutants are run, a fixed shard of
# the diff's mutants when it has more, so that the step stays within a few
# minutes (a mutant costs ~12 s unloaded: an incremental build and the tests);
# MUTANTS_TIMEOUT (default 30 s per mutant's tests: they take ~1 s, a
# mutant that loops is a timeout); MUTANTS_OUT (default target/mutants).
#
# --diff runs in place (the tree is restored after each mutant; the build
# reuses target/), so do not edit files while it runs. A list of files runs
# in a copy of the tree (a full debug build first, ~2 min, then ~12 s per
# mutant) and the tree stays yours.
#
# Exit status: 0 when every mutant was caught, unviable or timed out; 2
# when one was missed (cargo-mutants' own codes otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
  cargo install cargo-mutants --locked --version 27.1.0
fi

timeout="${MUTANTS_TIMEOUT:-30}"
out="${MUTANTS_OUT:-target/mutants}"
mkdir -p "$out"

tests=(--test-package ocpp-engine)
if [ "${MUTANTS_ALLOC_TESTS:-0}" = 1 ]; then tests+=(--test-package alloc-tests); fi
common=(--test-tool nextest --timeout "$timeout" --build-timeout 600 -o "$out")

run() {
  # A timeout (a mutant that makes the tests loop) is detected: not a
  # failure. But cargo-mutants' exit 3 (timeouts) wins over 2 (missed) when
  # both happen, so its list of missed mutants decides.
  local status=0
  cargo mutants "$@" || status=$?
  if [ "$status" = 2 ] || [ "$status" = 3 ]; then
    if [ -s "$out/mutants.out/missed.txt" ]; then
      echo "mutants: missed:" >&2
      cat "$out/mutants.out/missed.txt" >&2
      return 2
    fi
    return 0
  fi
  return "$status"
}

if [ "${1:-}" = --diff ]; then
  base_ref="${MUTANTS_BASE:-main}"
  base="$(git merge-base HEAD "$base_ref" 2>/dev/null || true)"
  # On the base branch itself: what its last commit changed.
  if [ -z "$base" ] || [ "$base" = "$(git rev-parse HEAD)" ]; then
    base="$(git rev-parse HEAD~1)"
  fi
  diff="$out/in.diff"
  git diff "$base" -- ocpp-engine/src ocpp-model/src >"$diff"
  if [ ! -s "$diff" ]; then
    echo "mutants: no change to ocpp-engine/src or ocpp-model/src since ${base:0:10}"
    exit 0
  fi
  packages=(-p ocpp-engine)
  if grep -q '^+++ b/ocpp-model/' "$diff"; then
    packages+=(-p ocpp-model)
    tests+=(--test-package ocpp-model)
  fi
  count="$(cargo mutants --list "${packages[@]}" --in-diff "$diff" 2>/dev/null | wc -l)"
  if [ "$count" -eq 0 ]; then
    echo "mutants: the change since ${base:0:10} has no mutable code (tests, comments)"
    exit 0
  fi
  max="${MUTANTS_MAX:-8}"
  shard=()
  if [ "$count" -gt "$max" ]; then
    shard=(--shard "0/$(((count + max - 1) / max))")
  fi
  echo "mutants: $count in the diff since ${base:0:10}; running ${shard[*]:-all}"
  # The tests already passed in the steps before: no baseline run.
  run "${packages[@]}" "${tests[@]}" "${common[@]}" --in-diff "$diff" --in-place \
    --baseline skip "${shard[@]}"
  exit
fi

if [ "$#" -eq 0 ]; then
  sed -n '2,31p' "$0"
  exit 1
fi

files=()
engine=0
model=0
for f in "$@"; do
  files+=(-f "$f")
  case "$f" in
    ocpp-model/*) model=1 ;;
    *) engine=1 ;;
  esac
done
packages=()
if [ "$engine" = 1 ]; then packages+=(-p ocpp-engine); fi
if [ "$model" = 1 ]; then
  packages+=(-p ocpp-model)
  tests+=(--test-package ocpp-model)
fi
run "${packages[@]}" "${tests[@]}" "${common[@]}" -j1 "${files[@]}"

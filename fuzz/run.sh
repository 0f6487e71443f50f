#!/usr/bin/env bash
# Runs every fuzz target for a bounded time from the committed corpus.
#
#   fuzz/run.sh            # about 60 s per target (what CI runs)
#   fuzz/run.sh 600        # 10 minutes per target
#   FUZZ_SECONDS=3600 fuzz/run.sh          # an hour per target
#   FUZZ_TARGETS=charge_point FUZZ_JOBS=2 FUZZ_SECONDS=36000 fuzz/run.sh
#   FUZZ_TARGETS=round_trip FUZZ_SECONDS=14400 fuzz/run.sh   # one target, 4 hours
#   FUZZ_SANITIZER=none FUZZ_TARGETS=charge_point FUZZ_SECONDS=36000 fuzz/run.sh
#   FUZZ_SANITIZER=none FUZZ_DEBUG_ASSERTIONS=0 FUZZ_TRACE_COMPARES=0 FUZZ_TIMEOUT=300 \
#     FUZZ_JOBS=2 FUZZ_TARGETS=charge_point FUZZ_SECONDS=36000 nice -n 19 fuzz/run.sh  # #9's long runs
#
# FUZZ_DEBUG_ASSERTIONS (default 1, what CI runs): build with debug
# assertions and overflow checks (cargo fuzz -a), so an arithmetic overflow
# or a broken internal invariant of the engine (a record that changed
# without the access that marks it for writing, among others) panics where
# a release build would go on silently. It halves the stateful target's
# speed; the long runs of #9 set it to 0 (see the README's fuzzing section).
#
# FUZZ_TIMEOUT (default 10): seconds one input may take before it counts
# as a hang. libFuzzer measures wall time, so a run at `nice -n 19` beside
# builds can be starved past it by an input that takes 0.2 s (2026-12-01);
# long low-priority runs set 300 (60 was not enough: one job of the eighth
# run stopped on a 68 s "timeout" whose input replays in 1 s, while the
# machine ran Miri, a coverage build and a corpus replay). A real hang
# exceeds any of them.
#
# FUZZ_TRACE_COMPARES (default 1, what CI runs): cargo-fuzz's
# comparison tracing (libFuzzer then mutates towards the operands of the
# target's comparisons). Every comparison becomes a call: 45 % of the
# stateful target's time in a perf profile of 400 inputs of the long-run
# corpus (2026-12-02), which replay in 0.84 s without it against 1.66 s
# with it. The long runs of #9 set it to 0 from the twelfth; the bounded
# runs keep it.
#
# FUZZ_SANITIZER (default address, what CI runs): cargo-fuzz's sanitizer.
# AddressSanitizer checks every memory access; in these targets only
# ocpp-alloc has unsafe code (the pools, also under Miri in CI), and it
# costs the stateful target about 5 times its speed (1,100 against 5,850
# executions per second here). For the long runs of #9 (10^8 executions),
# `none` finds the same panics, broken invariants and timeouts, sooner.
#
# Installs what it needs: the nightly toolchain (rustup) and cargo-fuzz
# (cargo install --locked). New inputs that add coverage go to a scratch
# corpus under fuzz/target/ (the committed corpus stays as reviewed); a
# crash stops the run, is saved under fuzz/artifacts/<target>/, and fails
# the script. Each target prints libFuzzer's last status line (executions,
# executions per second) and a summary line.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-${FUZZ_SECONDS:-60}}"
targets="${FUZZ_TARGETS:-codec charge_point round_trip}"
jobs="${FUZZ_JOBS:-1}"
sanitizer="${FUZZ_SANITIZER:-address}"
checks=()
if [ "${FUZZ_DEBUG_ASSERTIONS:-1}" != 0 ]; then checks=(--debug-assertions); fi
if [ "${FUZZ_TRACE_COMPARES:-1}" = 0 ]; then checks+=(--no-trace-compares); fi

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

for target in $targets; do
  cargo +nightly fuzz build -O "${checks[@]}" --sanitizer "$sanitizer" "$target"
done

for target in $targets; do
  scratch="target/corpus-run/$target"
  mkdir -p "$scratch" "artifacts/$target"
  log="target/fuzz-$target.log"
  printf '\n==> fuzz %s for %ss (%s job(s), sanitizer %s, debug assertions %s, trace compares %s)\n' "$target" "$seconds" "$jobs" "$sanitizer" "${FUZZ_DEBUG_ASSERTIONS:-1}" "${FUZZ_TRACE_COMPARES:-1}"
  status=0
  parallel=()
  if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
  # -max_total_time bounds the run; the committed corpus is read, not written.
  cargo +nightly fuzz run -O "${checks[@]}" --sanitizer "$sanitizer" "$target" "$scratch" "corpus/$target" -- \
    -dict=ocpp.dict -max_total_time="$seconds" -max_len=4096 -timeout="${FUZZ_TIMEOUT:-10}" \
    -rss_limit_mb=2048 -print_final_stats=1 "${parallel[@]}" \
    >"$log" 2>&1 || status=$?
  grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -n 1 || true
  # awk, not grep | awk: under pipefail a grep that matches nothing would
  # end the script here without a word (CI, 2026-12-01, a full disk).
  execs=$(awk '/^stat::number_of_executed_units/ {s+=$2} END {print s+0}' "$log")
  rate=$(awk '/^stat::average_exec_per_sec/ {s+=$2} END {print s+0}' "$log")
  stats=$(awk '/^stat::number_of_executed_units/ {n++} END {print n+0}' "$log")
  printf '%s: %s executions, %s per second, scratch corpus %s files, exit %s\n' \
    "$target" "$execs" "$rate" "$(ls "$scratch" | wc -l)" "$status"
  if [ "$status" -eq 0 ] && [ "$stats" -lt "$jobs" ]; then
    # libFuzzer prints its final statistics last; a log without them was
    # cut short, and so were the scratch corpus and any crash report.
    echo "fuzz $target: fuzz/$log ends before libFuzzer's final statistics ($stats of $jobs job(s)): the log could not be written in full."
    echo "free space where it is written: $(df -h target | awk 'NR == 2 {print $4}') (a full disk does this; scripts/test.sh needs about 10 GiB)"
    exit 1
  fi
  if [ "$status" -ne 0 ]; then
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -n 20 || true
    echo "fuzz $target failed: see fuzz/$log; reproduce with: cd fuzz && cargo +nightly fuzz run $target <artifact>"
    exit "$status"
  fi
done

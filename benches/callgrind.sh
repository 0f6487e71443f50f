#!/usr/bin/env bash
# Instructions per message of the scripted standard session, under valgrind's
# callgrind (stable across runs, where wall time is not).
#
#   benches/callgrind.sh [SESSIONS=100] [talc|linked-list] [off|memory|file]
#
# Builds the `session` binary in release, runs it under callgrind for 0
# sessions (boot only) and for SESSIONS sessions, and prints
#   (Ir(SESSIONS) - Ir(0)) / messages of the SESSIONS sessions,
# with the message count taken from the program's own output (38 per session:
# the program's scenario fails unless every session sends exactly the 19 CALLs
# of BENCHMARK.md). Both runs include process start-up and the boot, which the
# difference cancels.
set -euo pipefail
cd "$(dirname "$0")/.."

sessions="${1:-100}"
backend="${2:-talc}"
# Storage: off (the default), memory (ocpp_storage::MemoryStorage: the
# engine's own cost of keeping its records) or file (FileStorage; fsync is
# the kernel's time, which callgrind does not count).
storage="${3:-off}"
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }

target="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release -q -p ocpp-benches --bin session
bin="$target/release/session"
out="$target/callgrind"
mkdir -p "$out"

# Runs the session binary for $1 sessions under callgrind; prints its stdout.
run() {
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$backend.$1" \
        "$bin" "$1" "$backend" "$storage" 2>"$out/valgrind.$backend.$1.log"
}
# Total instructions (Ir) of the run for $1 sessions.
ir() {
    awk '/^(summary|totals):/ { print $2; exit }' "$out/callgrind.$backend.$1"
}
# Inclusive Ir of the scripted central system's receive() in the run for $1
# sessions (empty if callgrind_annotate is missing or the function was inlined).
csms_ir() {
    command -v callgrind_annotate >/dev/null || return 0
    callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind.$backend.$1" 2>/dev/null |
        awk '/csms::CentralSystem(<_>)?::receive \[/ && !seen { gsub(",", "", $1); print $1; seen = 1 }' || true
}
# Value of key $2 in the program's output line $1 (key=value pairs).
field() {
    tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1
}

line0="$(run 0 | grep '^sessions=')"
lineN="$(run "$sessions" | tee "$out/session.$backend.$sessions.txt" | grep '^sessions=')"
ir0="$(ir 0)"
irN="$(ir "$sessions")"
messages="$(field "$lineN" messages)"
calls="$(field "$lineN" calls)"
if [ -z "$ir0" ] || [ -z "$irN" ] || [ -z "$messages" ] || [ "$messages" -eq 0 ]; then
    echo "could not read the counts (see $out)" >&2
    exit 1
fi
if [ "$messages" -ne $((38 * sessions)) ]; then
    echo "$messages messages in $sessions sessions, not 38 each as in BENCHMARK.md" >&2
    exit 1
fi
per_message="$(awk -v a="$irN" -v b="$ir0" -v m="$messages" 'BEGIN { printf "%.0f", (a - b) / m }')"

echo "callgrind, backend $(field "$lineN" backend), storage $storage, release build, $(uname -m)"
printf '  %-46s %s\n' "Ir, boot only (0 sessions):" "$ir0"
printf '  %-46s %s\n' "Ir, boot + $sessions sessions:" "$irN"
printf '  %-46s %s (%s CALLs; from the program: %s)\n' "messages in the $sessions sessions:" \
    "$messages" "$calls" "$lineN"
printf '  %-46s %s\n' "instructions per message:" "$per_message"
printf '  %-46s %s\n' "instructions per session:" \
    "$(awk -v a="$irN" -v b="$ir0" -v n="$sessions" 'BEGIN { printf "%.0f", (a - b) / n }')"
cs0="$(csms_ir 0)"
csN="$(csms_ir "$sessions")"
if [ -n "$cs0" ] && [ -n "$csN" ]; then
    printf '  %-46s %s\n' "  of which the scripted central system:" \
        "$(awk -v a="$csN" -v b="$cs0" -v m="$messages" 'BEGIN { printf "%.0f", (a - b) / m }')"
    printf '  %-46s %s\n' "instructions per message without it:" \
        "$(awk -v a="$irN" -v b="$ir0" -v c="$csN" -v d="$cs0" -v m="$messages" \
            'BEGIN { printf "%.0f", ((a - b) - (c - d)) / m }')"
fi
grep '^#' "$out/session.$backend.$sessions.txt" | sed 's/^# /  /' || true
if [ "$storage" = off ]; then
    reference=20500
    echo "  reference, MicroOcpp 1.2.0 without storage (BENCHMARK.md): 20,500 instructions per message"
else
    reference=40737
    echo "  reference, MicroOcpp 1.2.0 with its file storage (BENCHMARK.md): 40,737 instructions per message"
fi
goal=$((reference / 3))
if [ "$per_message" -le "$goal" ]; then verdict="met"; else verdict="NOT MET"; fi
echo "  goal (BENCHMARK.md): at most 1/3 of the reference, $goal per message: $verdict ($per_message)"
echo "  callgrind files: $out/callgrind.$backend.{0,$sessions}"

#!/usr/bin/env bash
# Our codec against serde_json + rust-ocpp 3 on the same frames (every Core
# message and TriggerMessage, both directions): instructions per frame under
# valgrind's callgrind, paired wall-time ratios, global-heap allocations.
#
#   benches/codec-vs.sh [JSON=target/codec-vs.json]
#
# The comparison crate, benches/codec-vs/, stands outside the workspace (its
# rust-ocpp brings over 160 crates); it builds in release with its own
# Cargo.lock and target directory. Each operation runs once to warm up, then
# once inside `codec_vs_measured`, the only function callgrind counts
# (--toggle-collect), with one dump per call (--dump-after); the program then
# reads the dumps and prints the table (see src/main.rs).
set -euo pipefail
cd "$(dirname "$0")/codec-vs"
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }
json="${1:-$PWD/../../target/codec-vs.json}"
mkdir -p "$(dirname "$json")"

cargo build --release -q
bin="$PWD/target/release/codec-vs"
out="$PWD/target/callgrind"
rm -rf "$out" && mkdir -p "$out"
valgrind --tool=callgrind --collect-atstart=no --toggle-collect=codec_vs_measured \
    --dump-after=codec_vs_measured --callgrind-out-file="$out/dump" \
    "$bin" callgrind >"$out/labels" 2>"$out/valgrind.log"
echo "codec-vs: ocpp-model against serde_json + rust-ocpp $(sed -n '/^name = "rust-ocpp"/{n;s/version = "\(.*\)"/\1/p}' Cargo.lock), release build, $(uname -m), $(valgrind --version)"
"$bin" report "$out/dump" "$out/labels" "$json"

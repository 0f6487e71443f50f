#!/usr/bin/env bash
# Runs the RP2040 firmware on the emulated RP2040 (rp2040js, pinned in
# package-lock.json and installed here with `npm ci`) and checks its OCPP
# session frame by frame: once with the firmware's 16 KiB pool, once built
# with a pool too small for the session (`--features small-pool`). Prints
# the cycles per message. Exits non-zero on any deviation, fault or timeout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fw="$(dirname "$here")"
out="$fw/target/emu"
mkdir -p "$out"

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# The emulator has no boot ROM: `emulator` takes memcpy, division and float
# helpers from compiler-builtins instead (see ../README.md).
build() {
    (cd "$fw" && cargo build --release --locked --quiet --features "$1")
    cp "$fw/target/thumbv6m-none-eabi/release/ocpp-rp2040" "$out/$2"
}
build emulator ocpp-rp2040-emulator
build emulator,small-pool ocpp-rp2040-small-pool
# Leave the plain release build where `cargo build --release` puts it.
(cd "$fw" && cargo build --release --locked --quiet)

timeout 120 node "$here/run.mjs" --session full "$out/ocpp-rp2040-emulator"
timeout 120 node "$here/run.mjs" --session small-pool "$out/ocpp-rp2040-small-pool"
echo "rp2040-emu: passed"

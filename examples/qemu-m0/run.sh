#!/usr/bin/env bash
# Builds the Cortex-M0 firmware (release) and runs its scripted OCPP session
# on QEMU's micro:bit (nRF51, 16 KiB RAM). Exits 0 only when the firmware
# reported success through semihosting and printed its closing verdict.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

cargo build --release
elf="$here/target/thumbv6m-none-eabi/release/ocpp-qemu-m0"
size_tool="$(command -v arm-none-eabi-size || command -v size || true)"
if [ -n "$size_tool" ]; then "$size_tool" "$elf"; fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
timeout 60 qemu-system-arm -machine microbit -cpu cortex-m0 -nographic \
    -monitor none -serial none \
    -semihosting-config enable=on,target=native \
    -kernel "$elf" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

if [ "$rc" -eq 124 ]; then
    echo "qemu-m0: TIMEOUT (the firmware hung)" >&2
    exit 1
fi
if [ "$rc" -ne 0 ]; then
    echo "qemu-m0: FAILED (exit status $rc)" >&2
    exit 1
fi
if ! grep -q '^RESULT: PASS' "$log"; then
    echo "qemu-m0: FAILED (no PASS verdict in the output)" >&2
    exit 1
fi
echo "qemu-m0: passed"

#!/usr/bin/env bash
# Finds the smallest pool arena with which the whole QEMU run still passes
# (RESULT: PASS): bisects over rebuilds with QEMU_M0_POOL=<bytes>, 8-byte
# steps. Slow (one release build and one QEMU run per try); not part of CI.
#
#   ./smallest-pool.sh [LOW [HIGH]]     # defaults: 1024 4096
#   CARGO_FEATURES=linked-list ./smallest-pool.sh    # the other backend
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
lo=${1:-1024}   # assumed to fail
hi=${2:-4096}   # assumed to pass
elf=target/thumbv6m-none-eabi/release/ocpp-qemu-m0

passes() {
    QEMU_M0_POOL=$1 cargo build --release --quiet --features "${CARGO_FEATURES:-}"
    timeout 120 qemu-system-arm -machine microbit -cpu cortex-m0 -nographic \
        -monitor none -serial none -semihosting-config enable=on,target=native \
        -kernel "$elf" 2>&1 | grep -q '^RESULT: PASS'
}

while [ $((hi - lo)) -gt 8 ]; do
    mid=$(( (lo + hi) / 2 / 8 * 8 ))
    if passes "$mid"; then
        echo "pool $mid B: PASS"
        hi=$mid
    else
        echo "pool $mid B: FAIL"
        lo=$mid
    fi
done
echo "smallest passing arena: $hi B ($lo B fails)"
# Leave the default build in place.
cargo build --release --quiet

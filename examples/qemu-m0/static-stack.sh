#!/usr/bin/env bash
# Static worst-case stack bound of the engine calls of this firmware
# (ChargePoint::new, handle_frame, poll_transmit, poll_event, the hardware
# inputs, handle_timeout), beside the painted high-water mark of the same
# binary and the budgets of STACK_BUDGETS in src/main.rs.
#
# Builds the firmware with nightly rustc (`-Z emit-stack-sizes`: LLVM
# writes each function's frame size into a `.stack_sizes` section, which
# the link keeps; `-Z merge-functions=disabled`: each engine call's
# out-of-line wrapper keeps a symbol of its own) into target/static-stack,
# runs it once in QEMU for the painted figures, and hands the ELF and
# `llvm-objdump` (rustup's llvm-tools) to static_stack.py, which builds the
# call graph from the disassembly and prints per call the bound, its
# deepest path and the painted figure. See the README's "Static stack
# bound" for what it resolves and what it cannot see.
#
#   ./static-stack.sh                     # report; fails if a bound is unbounded or below the painted figure
#   ./static-stack.sh --fail-over-budget  # also fails if a bound is over its call's budget
#                                         # (STATIC_STACK_BUDGETS in src/main.rs; CI runs this)
#
# Installs what it needs: the nightly toolchain's thumbv6m-none-eabi target
# and llvm-tools (rustup), qemu-system-arm (apt) if missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# A pinned nightly: not every nightly ships thumbv6m-none-eabi's rust-std
# (2026-10-29's does not), and the budgets were measured with this one.
nightly="${OCPP_STACK_NIGHTLY:-nightly-2026-05-20}"
rustup toolchain install "$nightly" --profile minimal --target thumbv6m-none-eabi \
    --component llvm-tools >/dev/null
if ! command -v qemu-system-arm >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-arm >/dev/null
fi
sysroot="$(rustc +"$nightly" --print sysroot)"
objdump="$(find "$sysroot/lib/rustlib" -path '*/bin/llvm-objdump' | head -n1)"
[ -x "$objdump" ] || { echo "static-stack: no llvm-objdump in $sysroot (rustup component add llvm-tools)" >&2; exit 1; }

# --config appends to .cargo/config.toml's rustflags (the link script stays).
cargo +"$nightly" build --release --locked --target-dir target/static-stack \
    --config 'target.thumbv6m-none-eabi.rustflags=["-Zemit-stack-sizes", "-Zmerge-functions=disabled"]'
elf="$here/target/static-stack/thumbv6m-none-eabi/release/ocpp-qemu-m0"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
timeout 60 qemu-system-arm -machine microbit -cpu cortex-m0 -nographic \
    -monitor none -serial none \
    -semihosting-config enable=on,target=native \
    -kernel "$elf" >"$log" 2>&1 || { cat "$log"; echo "static-stack: the firmware run failed" >&2; exit 1; }
grep -q '^RESULT: PASS' "$log" || { cat "$log"; echo "static-stack: no PASS verdict" >&2; exit 1; }

python3 "$here/static_stack.py" "$elf" "$objdump" --measured "$log" --budgets "$here/src/main.rs" \
    --budgets-name STATIC_STACK_BUDGETS --check "$@"

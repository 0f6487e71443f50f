#!/usr/bin/env bash
# CI for examples/: builds both firmwares for thumbv6m-none-eabi, runs the
# RP2040 firmware on rp2040js (npm), builds and tests the host bridge, runs
# the QEMU Cortex-M0 session (pass/fail) and its static stack bound per
# engine call (qemu-m0/static-stack.sh), tests the host charge point (a
# SIGKILL mid-transaction and a restart, reconnects, Basic authentication,
# TLS with a client certificate, commands through a pipe, scenario files,
# a configuration file, each against an in-test central system; the swarm of
# 80 chargers against the tokio test central system ocpp-test-csms) and runs it
# against the Python `ocpp` central system (the demo session over TLS with
# Basic authentication, ChangeAvailability included, a wrong and a missing
# password refused; a SIGKILL mid-transaction and a restart, the central
# system away and back, then 100 chargers at once: `ocpp-host --count 100`;
# 48 s in all; its certificates made with openssl).
# Works from a clean clone: installs the Rust target, QEMU, Node and npm if
# missing; the interop step makes its own venv (python3 -m venv + pip) under
# host/target, the emulator step its node_modules (npm ci) under rp2040/emu.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

step() { printf '\n=== examples: %s\n' "$*"; }

step "toolchain"
rustup target add thumbv6m-none-eabi >/dev/null 2>&1 || rustup target add thumbv6m-none-eabi
if ! command -v qemu-system-arm >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-arm >/dev/null
fi
# Node and npm for the emulated RP2040 (rp2040js, installed with npm ci).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
# GNU size reads ARM ELF files too; arm-none-eabi-size is used where installed.
size_tool="$(command -v arm-none-eabi-size || command -v size || true)"

step "fmt and clippy (-D warnings) of each example"
for d in rp2040 bridge qemu-m0 host; do
    (cd "$here/$d" && cargo fmt -- --check && cargo clippy --all-targets -- -D warnings)
done

step "rp2040 firmware (release, thumbv6m-none-eabi)"
(cd "$here/rp2040" && cargo build --release)
elf="$here/rp2040/target/thumbv6m-none-eabi/release/ocpp-rp2040"
if [ -n "$size_tool" ]; then "$size_tool" "$elf"; fi

step "rp2040 firmware on the emulated RP2040 (rp2040js): the session, and under a too-small pool"
"$here/rp2040/emu/run.sh"

step "bridge (build + test)"
(cd "$here/bridge" && cargo test --locked)

step "QEMU Cortex-M0 session"
"$here/qemu-m0/run.sh"

step "QEMU Cortex-M0: static stack bound per engine call (nightly -Z emit-stack-sizes, llvm-objdump)"
# Fails if a bound is unbounded, below the painted figure, or over its
# budget (STATIC_STACK_BUDGETS; qemu-m0/README.md, "Static stack bound").
"$here/qemu-m0/static-stack.sh" --fail-over-budget

step "host charge point (test) and interop against the Python ocpp central system"
# --release: the interop run builds the release binary next, on the same dependencies.
(cd "$here/host" && cargo test --release --locked)
"$here/host/interop/run.sh"

step "end to end: the emulated RP2040, the bridge, the Python ocpp central system"
"$here/rp2040/emu/bridge.sh"

echo
echo "examples: all passed"

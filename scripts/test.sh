#!/usr/bin/env bash
# The project's test command: everything CI checks, runnable on a fresh machine.
# Installs what it needs (rust targets and components, qemu for the firmware run).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain: thumbv6m-none-eabi target, clippy, rustfmt, nightly miri"
rustup target add thumbv6m-none-eabi >/dev/null
rustup component add clippy rustfmt >/dev/null
rustup component add miri rust-src --toolchain nightly >/dev/null

step "disk: a clean clone's run writes about 10 GiB (builds, fuzz corpora)"
free_gib=$(df -Pk . | awk 'NR == 2 {print int($4 / 1048576)}')
echo "$free_gib GiB free here"
if [ "$free_gib" -lt 10 ]; then
  # CI on 2026-12-01 ran out of space in its fuzzing step, 16 minutes in.
  echo "warning: under 10 GiB free; a step may fail on a full disk (cargo says \"No space left on device\", fuzz/run.sh says its log was cut short)"
fi

step "format"
cargo fmt --all -- --check

step "clippy (library crates carry clippy.toml: no global heap, no aborting allocation)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "fuzz crate (its own workspace): format, clippy, the committed corpus through every target on stable"
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
cargo clippy --manifest-path fuzz/Cargo.toml --all-targets --locked -- -D warnings
cargo test --manifest-path fuzz/Cargo.toml --locked

step "library crates, the test kit and the flash adapter build for thumbv6m-none-eabi (Cortex-M0+, no CAS)"
cargo build --locked --target thumbv6m-none-eabi -p ocpp-alloc -p ocpp-model -p ocpp-engine
cargo build --locked --target thumbv6m-none-eabi -p ocpp-testkit --no-default-features
cargo build --locked --target thumbv6m-none-eabi -p ocpp-storage --no-default-features --features flash

step "unit, scenario, codec and schema tests"
cargo nextest run --workspace --locked --exclude alloc-tests --no-fail-fast
cargo test --workspace --locked --doc

step "allocation-failure suites (release: thousands of runs)"
cargo nextest run --locked --release -p alloc-tests --no-fail-fast
cargo run --locked --release -q -p alloc-tests --bin failure-suite -- 500

if [ "${MUTANTS:-1}" != 0 ]; then
  step "mutation testing: the engine's and the model's mutants in what this branch changed since main, at most \${MUTANTS_MAX:-8} (MUTANTS=0 skips)"
  scripts/mutants.sh --diff
fi

step "miri over ocpp-alloc (the crate with all the unsafe)"
MIRIFLAGS="${MIRIFLAGS:-}" cargo +nightly miri test --locked -p ocpp-alloc --features std

step "per-operation memory (the main job)"
cargo run --locked --release -q -p ocpp-benches --bin memory -- --sessions 100

step "fuzzing: each target (codec, charge_point, round_trip) for \${FUZZ_SECONDS:-60}s from the committed corpus (libFuzzer, nightly)"
fuzz/run.sh "${FUZZ_SECONDS:-60}"

if [ -x examples/ci.sh ]; then
  step "firmware: RP2040 build, bridge, QEMU Cortex-M0 session"
  examples/ci.sh
fi

printf '\nall checks passed\n'

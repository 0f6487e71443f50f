#!/usr/bin/env bash
# End to end: the RP2040 firmware on rp2040js, its UART0 on a TCP connection
# to examples/bridge, the bridge on the WebSocket of the interop run's
# central system (examples/host/interop/csms.py, the Python `ocpp` package,
# which checks every message against the official schemas). Passes only when
# the runner, the bridge and the central system all exit 0.
# Run ./run.sh first (it installs rp2040js and builds the emulator firmware).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
examples="$(cd "$here/../.." && pwd)"
interop="$examples/host/interop"
venv="$examples/host/target/venv"
elf="$examples/rp2040/target/emu/ocpp-rp2040-emulator"
[ -f "$elf" ] || { echo "rp2040-e2e: $elf missing: run ./run.sh first" >&2; exit 1; }

# The interop run's venv, made the same way when missing.
if ! cmp -s "$interop/requirements.txt" "$venv/requirements.installed" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$interop/requirements.txt"
    cp "$interop/requirements.txt" "$venv/requirements.installed"
fi
(cd "$examples/bridge" && cargo build --locked --quiet)
bridge_bin="$examples/bridge/target/debug/ocpp-bridge"

logs="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$logs"
}
trap cleanup EXIT

# Prints the port a process announced with `listening on 127.0.0.1:PORT`.
port_of() {
    local port=""
    for _ in $(seq 100); do
        port="$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$1")"
        if [ -n "$port" ] || ! kill -0 "$2" 2>/dev/null; then break; fi
        sleep 0.1
    done
    echo "$port"
}

# The firmware's configuration before the central system changes it: the
# engine's defaults (it reboots on Reset, and keeps no configuration yet).
timeout 100 "$venv/bin/python" -u "$interop/csms.py" 0 --timeout 90 \
    --interval 60 --measurands Energy.Active.Import.Register --reset-reboots \
    >"$logs/csms.log" 2>&1 &
csms_pid=$!
pids+=("$csms_pid")
csms_port="$(port_of "$logs/csms.log" "$csms_pid")"
[ -n "$csms_port" ] || { cat "$logs/csms.log"; echo "rp2040-e2e: FAILED (no central system)" >&2; exit 1; }

timeout 95 "$bridge_bin" --tcp-listen 127.0.0.1:0 --once \
    --csms "ws://127.0.0.1:$csms_port/ocpp" --id RP2040-EMU >"$logs/bridge.out" 2>"$logs/bridge.err" &
bridge_pid=$!
pids+=("$bridge_pid")
bridge_port="$(port_of "$logs/bridge.out" "$bridge_pid")"
[ -n "$bridge_port" ] || { cat "$logs/bridge.err"; echo "rp2040-e2e: FAILED (no bridge)" >&2; exit 1; }

set +e
timeout 90 node "$here/run.mjs" --bridge "127.0.0.1:$bridge_port" ${VERBOSE:+--verbose} "$elf" >"$logs/runner.log" 2>&1
runner_rc=$?
wait "$bridge_pid"; bridge_rc=$?
wait "$csms_pid"; csms_rc=$?
set -e
pids=()

echo "--- runner (the emulated RP2040 and its bench)"; cat "$logs/runner.log"
echo "--- bridge"; cat "$logs/bridge.err"
echo "--- csms.py"; cat "$logs/csms.log"
echo "---"
if [ "$runner_rc" -ne 0 ] || [ "$bridge_rc" -ne 0 ] || [ "$csms_rc" -ne 0 ]; then
    echo "rp2040-e2e: FAILED (runner $runner_rc, bridge $bridge_rc, csms.py $csms_rc)" >&2
    exit 1
fi
grep '^interop: ' "$logs/csms.log"
echo "rp2040-e2e: passed"

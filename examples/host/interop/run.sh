#!/usr/bin/env bash
# Interop test: ocpp-host (our engine on a real WebSocket) against an
# independent OCPP 1.6J central system, the Python `ocpp` package, which
# checks every message it receives against the official schemas.
#
# 1. a venv in examples/host/target/venv with requirements.txt (made or
#    updated when missing or when requirements.txt changed);
# 2. builds ocpp-host (release);
# 3. makes a CA and a certificate for localhost signed by it (openssl),
#    starts csms.py behind TLS with it, requiring HTTP Basic authentication
#    (security profile 2: the user the identity, the password a random
#    AuthorizationKey), on a free port of 127.0.0.1, runs `ocpp-host
#    --script demo` against it over wss:// with --ca and that key, and fails
#    unless both exit 0; meanwhile two chargers with a wrong key and with
#    none must be refused with HTTP 401 and say so, and no output may show
#    the key;
# 4. SIGKILL mid-transaction and a restart (csms.py --connections 2), and
#    the central system away for 3 s mid-transaction and back, the queue
#    delivered in order (csms.py --away 3), 12 s and 14 s;
# 5. then the swarm: csms.py --swarm 100 and `ocpp-host --count 100`, 100
#    charge points at once, each through one session (about 7 s).
# Loopback only; every process runs under `timeout`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
host_dir="$(dirname "$here")"
venv="$host_dir/target/venv"
started=$SECONDS

if ! cmp -s "$here/requirements.txt" "$venv/requirements.installed" 2>/dev/null; then
    echo "interop: setting up $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$venv/requirements.installed"
fi

(cd "$host_dir" && cargo build --release --locked --quiet)
host_bin="$host_dir/target/release/ocpp-host"

log_dir="$(mktemp -d)"
csms_pid=""
cleanup() {
    if [ -n "$csms_pid" ]; then kill "$csms_pid" 2>/dev/null || true; fi
    if [ -n "${host_pid:-}" ]; then kill -9 "$host_pid" 2>/dev/null || true; fi
    for pid in ${refused_pids:-}; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$log_dir"
}
trap cleanup EXIT

# Starts csms.py with the given options; sets csms_pid and port.
start_csms() {
    : >"$log_dir/csms.log"
    timeout 40 "$venv/bin/python" -u "$here/csms.py" 0 --timeout 30 "$@" >"$log_dir/csms.log" 2>&1 &
    csms_pid=$!
    # The CSMS picks a free port and says which once it listens.
    port=""
    for _ in $(seq 100); do
        port="$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log_dir/csms.log")"
        if [ -n "$port" ] || ! kill -0 "$csms_pid" 2>/dev/null; then break; fi
        sleep 0.1
    done
    if [ -z "$port" ]; then
        cat "$log_dir/csms.log"
        echo "interop: FAILED (the central system did not start)" >&2
        exit 1
    fi
}

# Waits for csms.py, prints both logs, fails unless both exited 0.
judge() {
    local what=$1 host_rc=$2 csms_rc
    set +e
    wait "$csms_pid"
    csms_rc=$?
    set -e
    csms_pid=""
    echo "--- ocpp-host ($what)"
    cat "$log_dir/host.log"
    echo "--- csms.py (ocpp $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("ocpp"))'))"
    cat "$log_dir/csms.log"
    echo "---"
    if [ "$host_rc" -ne 0 ] || [ "$csms_rc" -ne 0 ]; then
        echo "interop: $what FAILED (ocpp-host exit status $host_rc, csms.py exit status $csms_rc)" >&2
        exit 1
    fi
}

# Security profile 2: TLS, and HTTP Basic authentication with the
# AuthorizationKey as the password. A CA and a certificate for localhost
# signed by it, made for this run (rustls does not take a self-signed CA
# certificate as the server's own).
session_start=$SECONDS
if ! command -v openssl >/dev/null; then
    echo "interop: FAILED: the TLS step makes its certificates with the openssl command, which is missing (Debian: apt-get install openssl)" >&2
    exit 1
fi
certs="$log_dir/certs"
mkdir "$certs"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -days 1 -subj "/CN=ocpp interop CA" \
    -keyout "$certs/ca.key" -out "$certs/ca.pem" 2>"$certs/openssl.log"
openssl req "${ec[@]}" -subj "/CN=localhost" \
    -keyout "$certs/server.key" -out "$certs/server.csr" 2>>"$certs/openssl.log"
printf '%s\n' "subjectAltName=DNS:localhost" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$certs/server.ext"
openssl x509 -req -in "$certs/server.csr" -CA "$certs/ca.pem" -CAkey "$certs/ca.key" \
    -CAcreateserial -days 1 -extfile "$certs/server.ext" -out "$certs/server.pem" 2>>"$certs/openssl.log"
key="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
wrong="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
start_csms --tls "$certs/server.pem" "$certs/server.key" --password "$key"
url="wss://localhost:$port/ocpp"
# A wrong AuthorizationKey, and none: refused (HTTP 401), and said.
refused_pids=""
for who in wrong none; do
    given=(--config "AuthorizationKey=$wrong")
    if [ "$who" = none ]; then given=(); fi
    timeout 10 "$host_bin" --csms "$url" --id CP-0001 --ca "$certs/ca.pem" "${given[@]}" \
        --data-dir "$log_dir/$who" --reconnect-min 0.5 --reconnect-max 1 --seconds 2 \
        >"$log_dir/$who.log" 2>&1 &
    refused_pids="$refused_pids $!"
done
set +e
timeout 30 "$host_bin" --csms "$url" --id CP-0001 --ca "$certs/ca.pem" \
    --config "AuthorizationKey=$key" --data-dir "$log_dir/data" --script demo --seconds 25 \
    >"$log_dir/host.log" 2>&1
host_rc=$?
set -e
for pid in $refused_pids; do wait "$pid" || host_rc=$?; done
refused_pids=""
judge "demo over TLS with Basic authentication" "$host_rc"
for who in wrong none; do
    echo "--- ocpp-host (AuthorizationKey: $who)"
    cat "$log_dir/$who.log"
done
echo "---"
said=("check the identity and the AuthorizationKey: it is the password once set"
      "it wants a password: in the URL")
for who in wrong none; do
    words="${said[0]}"
    if [ "$who" = none ]; then words="${said[1]}"; fi
    if ! grep -q "refused the WebSocket: HTTP 401 Unauthorized ($words" "$log_dir/$who.log"; then
        echo "interop: FAILED: the charger with the AuthorizationKey $who did not say it was refused with HTTP 401 ($words)" >&2
        exit 1
    fi
done
for why in "a wrong password" "no credentials"; do
    if ! grep -q "refused the handshake of 'CP-0001' with HTTP 401: $why" "$log_dir/csms.log"; then
        echo "interop: FAILED: csms.py did not refuse a handshake with $why" >&2
        exit 1
    fi
done
if grep -q -e "$key" -e "$wrong" "$log_dir"/*.log; then
    echo "interop: FAILED: an AuthorizationKey was printed" >&2
    exit 1
fi
grep '^interop: ' "$log_dir/csms.log" >"$log_dir/results"
echo "interop: session took $((SECONDS - session_start)) s"

# SIGKILL mid-transaction, then a restart from the same data directory:
# the transaction resumes (the cable is still in) and is stopped Local.
kill_start=$SECONDS
start_csms --connections 2
"$host_bin" --csms "ws://127.0.0.1:$port/ocpp" --id CP-KILL --data-dir "$log_dir/kill" \
    --script charge --config MeterValueSampleInterval=1 >"$log_dir/host.log" 2>&1 &
host_pid=$!
sleep 6
kill -9 "$host_pid"
wait "$host_pid" 2>/dev/null || true
echo "--- (SIGKILL)" >>"$log_dir/host.log"
set +e
timeout 30 "$host_bin" --csms "ws://127.0.0.1:$port/ocpp" --id CP-KILL --data-dir "$log_dir/kill" \
    --script finish --config MeterValueSampleInterval=1 --seconds 20 >>"$log_dir/host.log" 2>&1
host_rc=$?
set -e
judge "SIGKILL and restart" "$host_rc"
grep '^interop: ' "$log_dir/csms.log" >>"$log_dir/results"
echo "interop: SIGKILL and restart took $((SECONDS - kill_start)) s"

# The first BootNotification is answered Pending (nothing else may come
# before Accepted, 1 s later); then the central system goes away for 3 s in
# the middle of the demo's local transaction and comes back: what was
# queued arrives, in order.
away_start=$SECONDS
start_csms --away 3 --pending
set +e
timeout 40 "$host_bin" --csms "ws://127.0.0.1:$port/ocpp" --id CP-AWAY --data-dir "$log_dir/away" \
    --script demo --config MeterValueSampleInterval=1 --reconnect-min 0.5 --reconnect-max 1 \
    --seconds 30 >"$log_dir/host.log" 2>&1
host_rc=$?
set -e
judge "central system away and back" "$host_rc"
grep '^interop: ' "$log_dir/csms.log" >>"$log_dir/results"
echo "interop: away and back took $((SECONDS - away_start)) s"

# 100 charge points at once, each its own engine, through one session.
swarm_start=$SECONDS
start_csms --swarm 100
set +e
timeout 30 "$host_bin" --csms "ws://127.0.0.1:$port/ocpp" --id SW-{n} --count 100 \
    --ramp 1 --jitter 1 --charge 2 --config MeterValueSampleInterval=1 --seconds 25 \
    >"$log_dir/host.log" 2>&1
host_rc=$?
set -e
judge swarm "$host_rc"
grep '^interop: ' "$log_dir/csms.log" >>"$log_dir/results"
echo "interop: swarm took $((SECONDS - swarm_start)) s, the whole run $((SECONDS - started)) s"
cat "$log_dir/results"
echo "interop: passed"

#!/usr/bin/env python3
"""An independent OCPP 1.6J central system for the interop test of ocpp-host.

Built on the `ocpp` package (PyPI), which checks every CALL it receives and
every CALLRESULT to its own CALLs against the official OCPP 1.6 JSON schemas.
This script accepts one charge point on 127.0.0.1, answers
BootNotification (Accepted, interval 10), Heartbeat, StatusNotification and
Authorize (Accepted), and after the boot calls, through the library's
`call()`: TriggerMessage(Heartbeat) (expects Accepted), DataTransfer (expects
UnknownVendorId) and Reset (unsupported by the charge point: expects a
CALLERROR NotSupported). When the charge point has disconnected it checks
that everything the demo script sends arrived (BootNotification, the
StatusNotifications of both connectors, Authorize, the triggered Heartbeat
and a periodic one), that the library found it all valid, and that our
CALLs got the expected answers; it exits non-zero otherwise.

    csms.py PORT [--timeout SECONDS]     # PORT 0: any free port

It prints `listening on 127.0.0.1:PORT` once it accepts connections, and a
closing line `interop: N messages received, all valid` (or the problems).
"""

import argparse
import asyncio
import logging
import sys
from datetime import datetime, timezone

import websockets
from ocpp.exceptions import NotSupportedError, OCPPError
from ocpp.messages import MessageType, unpack, validate_payload
from ocpp.routing import after, on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.datatypes import IdTagInfo
from ocpp.v16.enums import (
    Action,
    AuthorizationStatus,
    MessageTrigger,
    RegistrationStatus,
    ResetType,
)
from websockets.asyncio.server import serve

ID_TAG = "ABCD1234"
# What connector 1 goes through in the demo, after its first Available.
DEMO_STATUSES = ["Preparing", "Charging", "Finishing", "Available"]
RESET_ID = "csms-reset-1"


def now_rfc3339():
    """The current time as RFC 3339 UTC with milliseconds: 2026-11-25T10:00:00.000Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def is_rfc3339(text):
    """The library does not check `format: date-time`; we check timestamps ourselves."""
    if not isinstance(text, str) or len(text) < 20 or text[10] != "T":
        return False
    if not (text.endswith("Z") or text[-6] in "+-"):
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


class CentralSystem(ChargePoint):
    """The library's charge-point handle, which also keeps a record of what arrived."""

    def __init__(self, cp_id, connection):
        super().__init__(cp_id, connection, response_timeout=10)
        self.received = 0  # frames from the charge point
        self.problems = []
        self.actions = {}  # CALLs of the charge point by action, validated
        self.statuses = {}  # connector -> statuses in order
        self.id_tags = []
        self.call_ids = set()
        self.call_errors = {}  # our CALL id -> error code of the CALLERROR that answered it
        self.outcomes = {}  # our CALL -> what came back
        self.exercise = None

    def problem(self, text):
        print(f"csms: PROBLEM: {text}", flush=True)
        self.problems.append(text)

    async def route_message(self, raw):
        """Every frame of the charge point: recorded and checked, then routed as usual."""
        self.received += 1
        print(f"csms: < {raw}", flush=True)
        try:
            msg = unpack(raw)
        except OCPPError as e:
            self.problem(f"the library cannot unpack {raw}: {e!r}")
            return
        if msg.message_type_id == MessageType.Call:
            if msg.unique_id in self.call_ids:
                self.problem(f"message id {msg.unique_id!r} used twice: {raw}")
            self.call_ids.add(msg.unique_id)
            try:
                # The library's own check (it runs it again when routing, and
                # answers a CALLERROR if it fails).
                await validate_payload(msg, "1.6")
            except Exception as e:  # noqa: BLE001 - report whatever the library raised
                self.problem(f"the library rejected the CALL {raw}: {e!r}")
        elif msg.message_type_id == MessageType.CallError:
            # The library does not look into CALLERRORs: check their shape here.
            if not (isinstance(msg.error_description, str) and isinstance(msg.error_details, dict)):
                self.problem(f"malformed CALLERROR {raw}")
            self.call_errors[msg.unique_id] = msg.error_code
        await super().route_message(raw)

    def seen(self, action):
        self.actions[action] = self.actions.get(action, 0) + 1

    @on(Action.boot_notification)
    def on_boot_notification(self, charge_point_vendor, charge_point_model, **kwargs):
        self.seen("BootNotification")
        print(f"csms: boot of {charge_point_vendor} {charge_point_model} {kwargs}", flush=True)
        return call_result.BootNotification(
            current_time=now_rfc3339(), interval=10, status=RegistrationStatus.accepted
        )

    @after(Action.boot_notification)
    def after_boot_notification(self, **kwargs):
        if self.exercise is None:
            self.exercise = asyncio.ensure_future(self.call_the_charge_point())

    @on(Action.heartbeat)
    def on_heartbeat(self, **kwargs):
        self.seen("Heartbeat")
        return call_result.Heartbeat(current_time=now_rfc3339())

    @on(Action.status_notification)
    def on_status_notification(self, connector_id, error_code, status, **kwargs):
        self.seen("StatusNotification")
        self.statuses.setdefault(connector_id, []).append(status)
        if "timestamp" in kwargs and not is_rfc3339(kwargs["timestamp"]):
            self.problem(f"StatusNotification timestamp {kwargs['timestamp']!r} is not RFC 3339")
        return call_result.StatusNotification()

    @on(Action.authorize)
    def on_authorize(self, id_tag, **kwargs):
        self.seen("Authorize")
        self.id_tags.append(id_tag)
        return call_result.Authorize(id_tag_info=IdTagInfo(status=AuthorizationStatus.accepted))

    async def call_the_charge_point(self):
        """Our CALLs. `call()` validates each CALLRESULT against its schema."""
        try:
            r = await self.call(
                call.TriggerMessage(requested_message=MessageTrigger.heartbeat), suppress=False
            )
            self.outcomes["TriggerMessage"] = r.status
        except Exception as e:  # noqa: BLE001
            self.outcomes["TriggerMessage"] = repr(e)
        try:
            r = await self.call(
                call.DataTransfer(vendor_id="org.example.interop", message_id="ping", data="hello"),
                suppress=False,
            )
            self.outcomes["DataTransfer"] = r.status
        except Exception as e:  # noqa: BLE001
            self.outcomes["DataTransfer"] = repr(e)
        try:
            # With suppress=False, ocpp 2.x raises the CALLERROR as an
            # exception; older versions returned None. Either way the
            # CALLERROR itself was recorded by route_message.
            r = await self.call(call.Reset(type=ResetType.soft), suppress=False, unique_id=RESET_ID)
            self.outcomes["Reset"] = f"a CALLRESULT {r!r}" if r is not None else "a CALLERROR"
        except NotSupportedError:
            self.outcomes["Reset"] = "a CALLERROR"
        except Exception as e:  # noqa: BLE001
            self.outcomes["Reset"] = repr(e)
        if self.outcomes["Reset"] == "a CALLERROR":
            self.outcomes["Reset"] = f"CALLERROR {self.call_errors.get(RESET_ID)}"
        print(f"csms: our CALLs answered: {self.outcomes}", flush=True)

    def verify(self):
        """Everything the demo sends, and the answers to our CALLs."""
        for action in ["BootNotification", "StatusNotification", "Authorize"]:
            if not self.actions.get(action):
                self.problem(f"no valid {action} received")
        # One triggered by TriggerMessage, one (at least) from the 10 s interval.
        if self.actions.get("Heartbeat", 0) < 2:
            self.problem(f"{self.actions.get('Heartbeat', 0)} Heartbeats, expected the triggered one and a periodic one")
        if self.statuses.get(0, [None])[0] != "Available":
            self.problem(f"connector 0 did not report Available: {self.statuses.get(0)}")
        got = self.statuses.get(1, [])
        if got[:1] != ["Available"] or not is_subsequence(DEMO_STATUSES, got[1:]):
            self.problem(f"connector 1 reported {got}, expected Available then {DEMO_STATUSES}")
        if ID_TAG not in self.id_tags:
            self.problem(f"no Authorize of {ID_TAG}: {self.id_tags}")
        expected = {
            "TriggerMessage": "Accepted",
            "DataTransfer": "UnknownVendorId",
            "Reset": "CALLERROR NotSupported",
        }
        for action, want in expected.items():
            if self.outcomes.get(action) != want:
                self.problem(f"{action}: expected {want}, got {self.outcomes.get(action)}")


def is_subsequence(wanted, seq):
    it = iter(seq)
    return all(any(x == y for y in it) for x in wanted)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--timeout", type=float, default=30, help="give up after this many seconds")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="csms: %(levelname)s %(message)s")

    state = {}
    finished = asyncio.Event()

    async def handler(connection):
        if "cs" in state:
            await connection.close(1008, "one charge point per run")
            return
        path = connection.request.path
        cs = CentralSystem(path.rstrip("/").rsplit("/", 1)[-1], connection)
        state["cs"] = cs
        print(f"csms: charge point {cs.id!r} connected on {path}, "
              f"subprotocol {connection.subprotocol!r}", flush=True)
        if connection.subprotocol != "ocpp1.6":
            cs.problem(f"subprotocol {connection.subprotocol!r}, expected 'ocpp1.6'")
        if not path.startswith("/ocpp/") or not cs.id:
            cs.problem(f"path {path!r}: expected /ocpp/<charge point id>")
        try:
            await cs.start()
        except websockets.ConnectionClosedOK as e:
            print(f"csms: the charge point closed the connection ({e})", flush=True)
        except websockets.ConnectionClosedError as e:
            cs.problem(f"the connection ended abnormally: {e}")
        finally:
            finished.set()

    async with serve(handler, "127.0.0.1", args.port, subprotocols=["ocpp1.6"]) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on 127.0.0.1:{port}", flush=True)
        try:
            await asyncio.wait_for(finished.wait(), args.timeout)
        except asyncio.TimeoutError:
            pass

    cs = state.get("cs")
    if cs is None:
        print(f"interop: FAILED: no charge point connected within {args.timeout:g} s", flush=True)
        return 1
    if not finished.is_set():
        cs.problem(f"the charge point was still connected after {args.timeout:g} s")
    if cs.exercise is not None and not cs.exercise.done():
        cs.exercise.cancel()
    cs.verify()
    counts = ", ".join(f"{n} {a}" for a, n in sorted(cs.actions.items()))
    print(f"csms: CALLs of the charge point: {counts}", flush=True)
    if cs.problems:
        print(f"interop: FAILED: {cs.received} messages received, {len(cs.problems)} problems:")
        for p in cs.problems:
            print(f"  - {p}")
        return 1
    print(f"interop: {cs.received} messages received, all valid")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

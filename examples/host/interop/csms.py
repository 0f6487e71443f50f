#!/usr/bin/env python3
"""An independent OCPP 1.6J central system for the interop test of ocpp-host.

Built on the `ocpp` package (PyPI), which checks every CALL it receives and
every CALLRESULT to its own CALLs against the official OCPP 1.6 JSON schemas.
This script accepts one charge point on 127.0.0.1 and:

- answers BootNotification (Accepted, interval 10) with a `currentTime`
  *without* an offset, as Python's `utcnow().isoformat()` writes it (the
  charge point must read it as UTC and register), Heartbeat,
  StatusNotification, Authorize (Accepted for the script's idTags),
  StartTransaction (transactionIds from 1001 on), MeterValues and
  StopTransaction, checking each: the transactionId it gave in every
  MeterValues and StopTransaction, energy (Wh) and power (W) sampled, a
  register that never runs backwards, the reason of each stop;
- after the boot calls, through the library's `call()`: TriggerMessage
  (Heartbeat), DataTransfer (expects UnknownVendorId), Reset (Accepted),
  GetConfiguration of two keys and an unknown one, of all keys,
  ChangeConfiguration (MeterValueSampleInterval = 2), GetConfiguration again,
  once connector 1 reported Available ChangeAvailability of it Inoperative
  (Accepted, then it must report Unavailable) and Operative (Accepted, then
  Available), UnlockConnector (Unlocked); all before the demo plugs in, a
  second after the boot (the RP2040's bench waits for the UnlockConnector);
- once the demo's local transaction is over and the cable is plugged in
  again: RemoteStartTransaction (REMOTE01), and after the first MeterValues
  of that transaction ChangeAvailability Inoperative (Scheduled: it runs),
  then RemoteStopTransaction of it; connector 1 must stay Charging until
  the StopTransaction and report Unavailable right after it, whereupon we
  make it Operative (Accepted), and it must end Available.

When the charge point has disconnected it checks that everything arrived as
scripted and valid; it exits non-zero otherwise.

    csms.py PORT [--timeout SECONDS]     # PORT 0: any free port
            [--interval S] [--measurands CSL] [--reset-reboots] [--swarm N]
            [--tls CERT KEY] [--password PASSWORD]

`--tls CERT KEY` listens behind TLS (an `ssl.SSLContext` of that PEM
certificate chain and key), `--password PASSWORD` wants HTTP Basic
authentication whose user is the charge point's identity (the path's last
segment) and whose password is PASSWORD (the AuthorizationKey it was
given): security profile 2 together. A handshake without credentials or
with a wrong password is refused with HTTP 401 and said (`refused the
handshake of 'CP-0001' with HTTP 401: a wrong password`), never with the
password; the closing line then says how the session came in and how many
were refused. In every mode a handshake that does not offer `ocpp1.6` is
refused (HTTP 400, by the library), and a connection without it noted.

`--swarm N` accepts N charge points at once (`ocpp-host --count N`), makes
none of the CALLs above, and checks each one's single built-in session:
one BootNotification, Available, Preparing, Charging, Finishing,
Available, one transaction by ABCD1234 with MeterValues, stopped Local,
every message valid; and that N identities connected.

The options describe another charge point than ocpp-host's demo (the RP2040
firmware, end to end through the bridge): the MeterValueSampleInterval and
MeterValuesSampledData it is configured with before our change, and that it
acts on Reset by rebooting (we then wait for its new BootNotification
before our next CALL, and expect two boots).

It prints `listening on 127.0.0.1:PORT` once it accepts connections, and a
closing line `interop: N messages received, all valid` (or the problems).
"""

import argparse
import asyncio
import hmac
import http
import logging
import ssl
import sys
from datetime import datetime, timedelta, timezone

import websockets
from websockets.exceptions import InvalidHeader
from websockets.headers import parse_authorization_basic

import many
from ocpp.exceptions import OCPPError
from ocpp.messages import MessageType, unpack, validate_payload
from ocpp.routing import after, on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.datatypes import IdTagInfo
from ocpp.v16.enums import (
    Action,
    AuthorizationStatus,
    AvailabilityType,
    MessageTrigger,
    RegistrationStatus,
    ResetType,
)
from websockets.asyncio.server import serve

ID_TAG = "ABCD1234"  # the demo's card
REMOTE_TAG = "REMOTE01"  # the idTag of our remote start
FIRST_TRANSACTION_ID = 1001
# What connector 1 goes through in the demo, after its first Available:
# Inoperative and Operative again at rest (our ChangeAvailability), the
# local transaction, then the remote one, during which we make it
# Inoperative (Scheduled: Unavailable once it ends) and then Operative.
DEMO_STATUSES = (["Unavailable", "Available"] + ["Preparing", "Charging", "Finishing", "Available"]
                 + ["Preparing", "Charging", "Unavailable", "Available"])
SAMPLED = {"Energy.Active.Import.Register": "Wh", "Power.Active.Import": "W"}
# What the demo configures, and what we change the interval to.
SAMPLED_DATA = "Energy.Active.Import.Register,Power.Active.Import"
DEMO_INTERVAL, NEW_INTERVAL = "3", "2"
HEARTBEAT_INTERVAL = 10
OPTIONS = None  # the command line, set by main()
EXPECTED_OUTCOMES = {
    "TriggerMessage": "Accepted",
    "DataTransfer": "UnknownVendorId",
    "Reset": "Accepted",
    "GetConfiguration": "as configured",
    "GetConfiguration (all keys)": "complete",
    "ChangeConfiguration": "Accepted",
    "GetConfiguration (after the change)": "changed",
    "ChangeAvailability (Inoperative)": "Accepted",
    "ChangeAvailability (Operative)": "Accepted",
    "UnlockConnector": "Unlocked",
    "RemoteStartTransaction": "Accepted",
    "ChangeAvailability (Inoperative, during a transaction)": "Scheduled",
    "RemoteStopTransaction": "Accepted",
    "ChangeAvailability (Operative, after the transaction)": "Accepted",
}
# Handshakes refused with HTTP 401 (--password): (identity, why), in order.
REFUSED = []


def now_rfc3339():
    """The current time as RFC 3339 UTC with milliseconds: 2026-11-25T10:00:00.000Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_naive():
    """The current UTC time without an offset, as `datetime.utcnow().isoformat()` writes it."""
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat()


def parse_rfc3339(text):
    """The instant of an RFC 3339 date-time (with an offset), or None. The
    library does not check `format: date-time`; we check timestamps ourselves."""
    if not isinstance(text, str) or len(text) < 20 or text[10] != "T":
        return None
    if not (text.endswith("Z") or text[-6] in "+-"):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def is_rfc3339(text):
    return parse_rfc3339(text) is not None


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
        self.frame_sizes = {}  # our CALL id -> length of the frame that answered it
        self.outcomes = {}  # our CALL -> what came back
        self.exercise = None
        self.boots = 0
        self.registered = False  # a CALL other than BootNotification after the naive answer
        self.next_transaction_id = FIRST_TRANSACTION_ID
        self.transactions = {}  # transactionId -> what we know of it
        self.running = {}  # connector -> transactionId
        self.remote = None  # the task of the remote start and stop
        self.options = OPTIONS
        self.rebooted = asyncio.Event()
        self.conn = 1  # which connection of the charge point this is (--connections, --away)
        # Connector statuses and transaction stops in the order they arrived:
        # ("status", connector, status) and ("stop", transactionId).
        self.timeline = []
        self.scheduled_at = None  # len(timeline) when we made connector 1 Inoperative mid-transaction
        self.operative_again = None  # the task that makes it Operative once it is Unavailable

    def say(self, text, **kwargs):
        """A line of the session; quiet for a swarm (only problems are printed)."""
        if not self.options.swarm:
            print(text, flush=True)

    def problem(self, text):
        print(f"csms: PROBLEM: {self.id}: {text}" if self.options.swarm else f"csms: PROBLEM: {text}",
              flush=True)
        self.problems.append(text)

    async def route_message(self, raw):
        """Every frame of the charge point: recorded and checked, then routed as usual."""
        self.received += 1
        self.say(f"csms: < {raw}", flush=True)
        try:
            msg = unpack(raw)
        except OCPPError as e:
            self.problem(f"the library cannot unpack {raw}: {e!r}")
            return
        if msg.message_type_id == MessageType.Call:
            if msg.action == "BootNotification" and self.options.reset_reboots:
                self.call_ids = set()  # a rebooted charge point counts its ids again
            if msg.unique_id in self.call_ids:
                self.problem(f"message id {msg.unique_id!r} used twice: {raw}")
            self.call_ids.add(msg.unique_id)
            if self.boots and msg.action != "BootNotification":
                self.registered = True
                if self.options.pending and self.boots == 1:
                    self.problem(f"{msg.action} while the registration is Pending: {raw}")
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
        else:
            self.frame_sizes[msg.unique_id] = len(raw.encode())
        await super().route_message(raw)

    def seen(self, action):
        self.actions[action] = self.actions.get(action, 0) + 1

    def check_timestamp(self, what, text):
        """RFC 3339, and near our clock: the charge point took its time from our
        naive BootNotification answer, so it must have read it as UTC."""
        at = parse_rfc3339(text)
        if at is None:
            self.problem(f"{what} timestamp {text!r} is not RFC 3339")
        elif abs(at - datetime.now(timezone.utc)) > timedelta(minutes=2):
            self.problem(f"{what} timestamp {text!r} is not the time we gave (UTC)")

    @on(Action.boot_notification)
    def on_boot_notification(self, charge_point_vendor, charge_point_model, **kwargs):
        self.seen("BootNotification")
        self.boots += 1
        if self.boots > 1:
            self.rebooted.set()
        self.say(f"csms: boot of {charge_point_vendor} {charge_point_model} {kwargs}", flush=True)
        # The first answer on purpose without an offset: 2026-11-25T10:00:00.123456.
        current_time = now_naive() if self.boots == 1 else now_rfc3339()
        if self.options.pending and self.boots == 1:
            # --pending: not yet; the charge point must send only BootNotification, again in 1 s.
            self.say("csms: answering the boot Pending, interval 1 s", flush=True)
            return call_result.BootNotification(
                current_time=current_time, interval=1, status=RegistrationStatus.pending
            )
        self.say(f"csms: answering the boot with currentTime {current_time}", flush=True)
        return call_result.BootNotification(
            current_time=current_time,
            interval=HEARTBEAT_INTERVAL,
            status=RegistrationStatus.accepted,
        )

    @after(Action.boot_notification)
    def after_boot_notification(self, **kwargs):
        if self.exercise is None and not many.quiet_mode(self.options):
            self.exercise = asyncio.ensure_future(self.call_the_charge_point())

    @on(Action.heartbeat)
    def on_heartbeat(self, **kwargs):
        self.seen("Heartbeat")
        return call_result.Heartbeat(current_time=now_rfc3339())

    @on(Action.status_notification)
    def on_status_notification(self, connector_id, error_code, status, **kwargs):
        self.seen("StatusNotification")
        self.statuses.setdefault(connector_id, []).append(status)
        self.timeline.append(("status", connector_id, status))
        if "timestamp" in kwargs:
            self.check_timestamp("StatusNotification", kwargs["timestamp"])
        return call_result.StatusNotification()

    @after(Action.status_notification)
    def after_status_notification(self, connector_id, status, **kwargs):
        # The cable is in again after the local transaction: start one from here.
        local_done = any(t["stop"] for t in self.transactions.values())
        if (connector_id == 1 and status == "Preparing" and local_done and self.remote is None
                and not self.options.swarm and not self.options.connections > 1):
            self.remote = asyncio.ensure_future(self.remote_start())
        # Our Inoperative during the remote transaction applied once it ended: Operative again.
        if (connector_id == 1 and status == "Unavailable" and self.scheduled_at is not None
                and self.operative_again is None):
            self.operative_again = asyncio.ensure_future(self.ask(
                "ChangeAvailability (Operative, after the transaction)",
                call.ChangeAvailability(connector_id=1, type=AvailabilityType.operative),
                lambda r: r.status,
            ))

    @on(Action.authorize)
    def on_authorize(self, id_tag, **kwargs):
        self.seen("Authorize")
        self.id_tags.append(id_tag)
        known = id_tag in (ID_TAG, REMOTE_TAG)
        status = AuthorizationStatus.accepted if known else AuthorizationStatus.invalid
        return call_result.Authorize(id_tag_info=IdTagInfo(status=status))

    @on(Action.start_transaction)
    def on_start_transaction(self, connector_id, id_tag, meter_start, timestamp, **kwargs):
        self.seen("StartTransaction")
        self.check_timestamp("StartTransaction", timestamp)
        if connector_id in self.running:
            self.problem(f"StartTransaction on connector {connector_id}, which has one running")
        tx = self.next_transaction_id
        self.next_transaction_id += 1
        self.running[connector_id] = tx
        self.transactions[tx] = {
            "id_tag": id_tag,
            "connector": connector_id,
            "meter_start": meter_start,
            "energy": [],
            "stop": None,
        }
        self.say(f"csms: transaction {tx} started on connector {connector_id} by {id_tag}", flush=True)
        return call_result.StartTransaction(
            transaction_id=tx, id_tag_info=IdTagInfo(status=AuthorizationStatus.accepted)
        )

    @on(Action.meter_values)
    def on_meter_values(self, connector_id, meter_value, transaction_id=None, **kwargs):
        self.seen("MeterValues")
        tx = self.running.get(connector_id)
        if transaction_id != tx:
            self.problem(f"MeterValues of connector {connector_id} with transactionId "
                         f"{transaction_id}, expected {tx}")
        for mv in meter_value:
            self.check_timestamp("MeterValues", mv.get("timestamp"))
            got = {}
            for sv in mv.get("sampled_value", []):
                measurand = sv.get("measurand", "Energy.Active.Import.Register")
                if measurand not in self.options.measurands or sv.get("unit") != SAMPLED.get(measurand):
                    self.problem(f"MeterValues: {measurand} in {sv.get('unit')!r}, not asked for")
                if sv.get("context", "Sample.Periodic") != "Sample.Periodic":
                    self.problem(f"MeterValues: context {sv.get('context')!r}")
                try:
                    got[measurand] = float(sv["value"])
                except (KeyError, ValueError):
                    self.problem(f"MeterValues: value {sv.get('value')!r} is not a number")
            if set(got) != set(self.options.measurands):
                self.problem(f"MeterValues sampled {sorted(got)}, expected {sorted(self.options.measurands)}")
            if tx in self.transactions:
                self.transactions[tx].setdefault("times", []).append((mv.get("timestamp"), self.conn))
                many.on_sample(self, tx)
            energy = got.get("Energy.Active.Import.Register")
            if tx in self.transactions and energy is not None:
                series = self.transactions[tx]["energy"]
                if series and energy < series[-1]:
                    self.problem(f"MeterValues: the register went back from {series[-1]} to {energy}")
                series.append(energy)
        return call_result.MeterValues()

    @after(Action.meter_values)
    def after_meter_values(self, connector_id, transaction_id=None, **kwargs):
        t = self.transactions.get(transaction_id)
        if t and t["id_tag"] == REMOTE_TAG and t.get("stop_requested") is None:
            t["stop_requested"] = True
            asyncio.ensure_future(self.remote_stop(transaction_id))

    @on(Action.stop_transaction)
    def on_stop_transaction(self, meter_stop, timestamp, transaction_id, **kwargs):
        self.seen("StopTransaction")
        self.check_timestamp("StopTransaction", timestamp)
        t = self.transactions.get(transaction_id)
        if t is None or self.running.get(t["connector"]) != transaction_id:
            self.problem(f"StopTransaction of transactionId {transaction_id}, which is not running")
            return call_result.StopTransaction()
        del self.running[t["connector"]]
        self.timeline.append(("stop", transaction_id))
        t["stop"] = {"reason": kwargs.get("reason", "Local"), "id_tag": kwargs.get("id_tag")}
        last = max([t["meter_start"], *t["energy"]])
        if meter_stop < last:
            self.problem(f"StopTransaction: meterStop {meter_stop} below {last}")
        self.say(f"csms: transaction {transaction_id} stopped: {t['stop']}, "
              f"meterStop {meter_stop} Wh, {len(t['energy'])} samples", flush=True)
        if kwargs.get("id_tag"):
            return call_result.StopTransaction(
                id_tag_info=IdTagInfo(status=AuthorizationStatus.accepted)
            )
        return call_result.StopTransaction()

    async def ask(self, name, request, outcome, **kwargs):
        """One CALL of ours; `outcome` turns the CALLRESULT into what we record.
        `call()` validates each CALLRESULT against its schema."""
        try:
            r = await self.call(request, suppress=False, **kwargs)
            self.outcomes[name] = outcome(r)
        except Exception as e:  # noqa: BLE001
            self.outcomes[name] = repr(e)
        return self.outcomes[name]

    def configuration(self, r, wanted):
        """Whether a GetConfiguration answer shows `wanted` (key -> value)."""
        got = {k["key"]: k for k in r.configuration_key or []}
        for key, value in wanted.items():
            entry = got.get(key)
            if entry is None or entry.get("value") != value or entry.get("readonly") is not False:
                self.problem(f"GetConfiguration: {key} is {entry}, expected {value!r} read-write")
                return False
        return True

    async def call_the_charge_point(self):
        """Our CALLs after the boot."""
        await self.ask(
            "TriggerMessage",
            call.TriggerMessage(requested_message=MessageTrigger.heartbeat),
            lambda r: r.status,
        )
        await self.ask(
            "DataTransfer",
            call.DataTransfer(vendor_id="org.example.interop", message_id="ping", data="hello"),
            lambda r: r.status,
        )
        await self.ask("Reset", call.Reset(type=ResetType.soft), lambda r: r.status)
        if self.options.reset_reboots:
            await asyncio.wait_for(self.rebooted.wait(), 10)

        def some_keys(r):
            ok = self.configuration(
                r,
                {
                    "MeterValueSampleInterval": self.options.interval,
                    "MeterValuesSampledData": ",".join(self.options.measurands),
                },
            )
            if r.unknown_key != ["NoSuchKey"]:
                self.problem(f"GetConfiguration: unknownKey {r.unknown_key}, expected ['NoSuchKey']")
                ok = False
            return "as configured" if ok else f"{r}"

        keys = ["MeterValueSampleInterval", "MeterValuesSampledData", "NoSuchKey"]
        await self.ask("GetConfiguration", call.GetConfiguration(key=keys), some_keys)

        def all_keys(r):
            n = len(r.configuration_key or [])
            size = self.frame_sizes.get("csms-all-keys")
            self.say(f"csms: GetConfiguration of all keys: {n} keys, a frame of {size} bytes", flush=True)
            ok = n >= 20 and self.configuration(r, {"HeartbeatInterval": str(HEARTBEAT_INTERVAL)})
            return "complete" if ok else f"{n} keys"

        await self.ask(
            "GetConfiguration (all keys)", call.GetConfiguration(), all_keys, unique_id="csms-all-keys"
        )
        await self.ask(
            "ChangeConfiguration",
            call.ChangeConfiguration(key="MeterValueSampleInterval", value=NEW_INTERVAL),
            lambda r: r.status,
        )
        await self.ask(
            "GetConfiguration (after the change)",
            call.GetConfiguration(key=["MeterValueSampleInterval"]),
            lambda r: "changed" if self.configuration(r, {"MeterValueSampleInterval": NEW_INTERVAL}) else f"{r}",
        )
        await self.availability_at_rest()
        await self.ask("UnlockConnector", call.UnlockConnector(connector_id=1), lambda r: r.status)
        self.say(f"csms: our CALLs answered: {self.outcomes}", flush=True)

    async def reported(self, connector, since, status, seconds=5):
        """Whether `connector` reports `status` after its first `since` statuses, within `seconds`."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while status not in self.statuses.get(connector, [])[since:]:
            if loop.time() > end:
                return False
            await asyncio.sleep(0.01)
        return True

    async def availability_at_rest(self):
        """ChangeAvailability of connector 1 while no transaction runs (before
        the demo plugs in, a second after the boot; the RP2040's bench waits
        for our UnlockConnector): Inoperative is Accepted and reported
        Unavailable, Operative is Accepted and reported Available."""
        if not await self.reported(1, 0, "Available"):
            self.problem(f"connector 1 reported {self.statuses.get(1)}, not Available, within 5 s")
        for name, kind, status in [
            ("ChangeAvailability (Inoperative)", AvailabilityType.inoperative, "Unavailable"),
            ("ChangeAvailability (Operative)", AvailabilityType.operative, "Available"),
        ]:
            since = len(self.statuses.get(1, []))
            answer = await self.ask(name, call.ChangeAvailability(connector_id=1, type=kind), lambda r: r.status)
            if answer == "Accepted" and not await self.reported(1, since, status):
                self.problem(f"{name} Accepted, but connector 1 reported {self.statuses.get(1)[since:]}, "
                             f"not {status}, within 5 s")

    async def remote_start(self):
        await self.ask(
            "RemoteStartTransaction",
            call.RemoteStartTransaction(id_tag=REMOTE_TAG, connector_id=1),
            lambda r: r.status,
        )

    async def remote_stop(self, transaction_id):
        if not many.quiet_mode(self.options):
            # Inoperative while the transaction runs: Scheduled, applied when it ends.
            self.scheduled_at = len(self.timeline)
            await self.ask(
                "ChangeAvailability (Inoperative, during a transaction)",
                call.ChangeAvailability(connector_id=1, type=AvailabilityType.inoperative),
                lambda r: r.status,
            )
        await self.ask(
            "RemoteStopTransaction",
            call.RemoteStopTransaction(transaction_id=transaction_id),
            lambda r: r.status,
        )

    def verify(self):
        """Everything the demo sends, and the answers to our CALLs."""
        for action in ["BootNotification", "StatusNotification", "Authorize", "MeterValues"]:
            if not self.actions.get(action):
                self.problem(f"no valid {action} received")
        if self.boots != (2 if self.options.reset_reboots else 1) or not self.registered:
            self.problem(f"{self.boots} BootNotifications, registered: {self.registered}: "
                         "the naive currentTime was not taken")
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
        stops = [(t["id_tag"], (t["stop"] or {}).get("reason"), len(t["energy"]))
                 for t in self.transactions.values()]
        if [s[:2] for s in stops] != [(ID_TAG, "Local"), (REMOTE_TAG, "Remote")] or any(n == 0 for *_, n in stops):
            self.problem(f"transactions (idTag, stop reason, samples): {stops}, expected "
                         f"({ID_TAG}, Local) and ({REMOTE_TAG}, Remote), each with MeterValues")
        for action, want in EXPECTED_OUTCOMES.items():
            if self.outcomes.get(action) != want:
                self.problem(f"{action}: expected {want}, got {self.outcomes.get(action)}")
        self.verify_scheduled()

    def verify_scheduled(self):
        """Connector 1 made Inoperative during the remote transaction: still
        Charging until the transaction stopped, Unavailable right after it,
        Available at the end (Operative again)."""
        if self.scheduled_at is None:
            self.problem("no ChangeAvailability during the remote transaction (it did not run)")
            return
        after = self.timeline[self.scheduled_at:]
        remote = [tx for tx, t in self.transactions.items() if t["id_tag"] == REMOTE_TAG]
        stop = after.index(("stop", remote[0])) if remote and ("stop", remote[0]) in after else None
        if stop is None:
            self.problem(f"the remote transaction did not stop after our ChangeAvailability: {after}")
            return
        before = [e[2] for e in after[:stop] if e[0] == "status" and e[1] == 1]
        later = [e[2] for e in after[stop:] if e[0] == "status" and e[1] == 1]
        if "Unavailable" in before:
            self.problem(f"connector 1 Unavailable while its transaction ran (Scheduled): {before}")
        if later[:1] != ["Unavailable"] or later[-1:] != ["Available"]:
            self.problem(f"connector 1 reported {later} after the transaction we made it Inoperative in, "
                         "expected Unavailable first (the scheduled change), Available last (Operative again)")

    def verify_swarm(self):
        """A charger of `ocpp-host --count N` after one built-in session."""
        if self.boots != 1 or not self.registered:
            self.problem(f"{self.boots} BootNotifications, registered: {self.registered}")
        for action in ["StatusNotification", "Authorize", "StartTransaction", "MeterValues", "StopTransaction"]:
            if not self.actions.get(action):
                self.problem(f"no valid {action} received")
        got = self.statuses.get(1, [])
        if got[:1] != ["Available"] or not is_subsequence(SWARM_STATUSES, got[1:]):
            self.problem(f"connector 1 reported {got}, expected Available then {SWARM_STATUSES}")
        stops = [(t["id_tag"], (t["stop"] or {}).get("reason"), len(t["energy"]))
                 for t in self.transactions.values()]
        if [s[:2] for s in stops] != [(ID_TAG, "Local")] or stops[0][2] == 0:
            self.problem(f"transactions (idTag, stop reason, samples): {stops}, expected "
                         f"one ({ID_TAG}, Local) with MeterValues")


def basic_authentication(password):
    """A `process_request` of websockets' server for security profiles 1
    and 2: HTTP Basic authentication whose user is the charge point's
    identity (the last segment of the path) and whose password is
    `password` (the AuthorizationKey the charge point was given). Anything
    else is refused with HTTP 401, and said (never with the password)."""

    def check(connection, request):
        identity = request.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        header = request.headers.get("Authorization")
        why = None
        if header is None:
            why = "no credentials"
        else:
            try:
                user, given = parse_authorization_basic(header)
            except InvalidHeader:
                why = "credentials that are not HTTP Basic"
            else:
                if user != identity:
                    why = f"the user {user!r} is not the identity"
                elif not hmac.compare_digest(given.encode(), password.encode()):
                    why = "a wrong password"
        if why is None:
            return None
        REFUSED.append((identity, why))
        print(f"csms: refused the handshake of {identity!r} with HTTP 401: {why}", flush=True)
        response = connection.respond(http.HTTPStatus.UNAUTHORIZED, f"{why}\n")
        response.headers["WWW-Authenticate"] = 'Basic realm="ocpp", charset="UTF-8"'
        return response

    return check


def server_options(args):
    """What every mode's server takes: the subprotocol ocpp1.6 (the library
    refuses a handshake that does not offer it with HTTP 400), and with
    --tls an SSLContext of our certificate, with --password Basic
    authentication."""
    options = {"subprotocols": ["ocpp1.6"]}
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(*args.tls)
        options["ssl"] = context
    if args.password is not None:
        options["process_request"] = basic_authentication(args.password)
    return options


def security(connection, args):
    """How a connection came in, in words: TLS version and Basic user."""
    words = []
    tls = connection.transport.get_extra_info("ssl_object")
    if tls is not None:
        words.append(f"over {tls.version()}")
    elif args.tls:
        words.append("NOT over TLS")
    if args.password is not None:
        words.append("with HTTP Basic authentication as the identity")
    return ", ".join(words)


def refusals():
    """The handshakes refused with HTTP 401, counted by reason."""
    counts = {}
    for _, why in REFUSED:
        counts[why] = counts.get(why, 0) + 1
    return ", ".join(f"{n} with {why}" for why, n in counts.items()) or "none"


def is_subsequence(wanted, seq):
    it = iter(seq)
    return all(any(x == y for y in it) for x in wanted)

# What connector 1 of a swarm charger reports after its first Available.
SWARM_STATUSES = ["Preparing", "Charging", "Finishing", "Available"]


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--timeout", type=float, default=30, help="give up after this many seconds")
    parser.add_argument("--interval", default=DEMO_INTERVAL,
                        help="the charge point's MeterValueSampleInterval before our change")
    parser.add_argument("--measurands", default=SAMPLED_DATA,
                        help="the charge point's MeterValuesSampledData (a CSL of the ones we know)")
    parser.add_argument("--connections", type=int, default=1, metavar="K",
                        help="the charge point connects K times (killed and restarted): its record carries over")
    parser.add_argument("--away", type=float, default=0, metavar="S",
                        help="go away for S seconds at the second MeterValues of the first transaction")
    parser.add_argument("--pending", action="store_true",
                        help="answer the first BootNotification Pending (interval 1 s), then Accepted")
    parser.add_argument("--swarm", type=int, default=0, metavar="N",
                        help="accept N charge points of `ocpp-host --count N`, each playing one built-in session")
    parser.add_argument("--reset-reboots", action="store_true",
                        help="the charge point reboots on Reset: expect a second boot, and wait for it")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"),
                        help="listen behind TLS with this certificate chain and key (PEM files)")
    parser.add_argument("--password", metavar="PASSWORD",
                        help="require HTTP Basic authentication: the user the charge point's identity, "
                             "this password (its AuthorizationKey); else HTTP 401")
    args = parser.parse_args()
    args.measurands = args.measurands.split(",")
    if not set(args.measurands) <= set(SAMPLED):
        parser.error(f"--measurands: only {','.join(SAMPLED)}")
    global OPTIONS
    OPTIONS = args
    logging.basicConfig(level=logging.WARNING, format="csms: %(levelname)s %(message)s")

    state = {}
    finished = asyncio.Event()

    if args.swarm:
        return await many.swarm(args, CentralSystem, server_options(args))
    if args.connections > 1 or args.away:
        return await many.outages(args, CentralSystem, server_options(args))

    async def handler(connection):
        if "cs" in state:
            await connection.close(1008, "one charge point per run")
            return
        path = connection.request.path
        cs = CentralSystem(path.rstrip("/").rsplit("/", 1)[-1], connection)
        state["cs"] = cs
        print(f"csms: charge point {cs.id!r} connected on {path}, "
              f"subprotocol {connection.subprotocol!r} {security(connection, args)}".rstrip(), flush=True)
        if args.tls and connection.transport.get_extra_info("ssl_object") is None:
            cs.problem("the connection is not over TLS")
        cs.security = security(connection, args)
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

    async with serve(handler, "127.0.0.1", args.port, **server_options(args)) as server:
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
    for task in (cs.exercise, cs.remote, cs.operative_again):
        if task is not None and not task.done():
            task.cancel()
    cs.verify()
    counts = ", ".join(f"{n} {a}" for a, n in sorted(cs.actions.items()))
    print(f"csms: CALLs of the charge point: {counts}", flush=True)
    if cs.problems:
        print(f"interop: FAILED: {cs.received} messages received, {len(cs.problems)} problems:")
        for p in cs.problems:
            print(f"  - {p}")
        return 1
    if args.tls or args.password is not None:
        print(f"interop: {cs.security}: {cs.received} messages received, all valid; "
              f"handshakes refused with HTTP 401: {refusals()}")
    else:
        print(f"interop: {cs.received} messages received, all valid")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

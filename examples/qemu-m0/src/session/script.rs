//! The session's script: each step's input and what it must lead to (what
//! the charge point sends, in order, and which events it raises).
//!
//! Three transactions on connector 1: a local one (plug, idTag, meter
//! values every 60 s, the same idTag stops it, unplug), a remote one
//! (RemoteStartTransaction, plug, meter values every 30 s after a
//! ChangeConfiguration, RemoteStopTransaction, unplug) and one charged
//! offline (its meter values wait in the queue, up to its bound, and go out
//! with its StopTransaction after the reconnection). Around them: the
//! firmware's own Authorize requests and their failures, the heartbeat, and
//! the central system's other CALLs.

use ocpp_engine::ocpp_model::{Action, AuthorizationStatus, ErrorCode, RegistrationStatus};
use ocpp_engine::CallFailure;
use ocpp_testkit::{Answer, TRANSACTION_ID as TX1};

use super::{Harness, Seen};
use crate::check::Sent;

const TX2: i32 = TX1 + 1;
const TX3: i32 = TX1 + 2;

const BOOT: Sent = Sent::Call(Action::BootNotification);
const AUTH: Sent = Sent::Call(Action::Authorize);
const HEARTBEAT: Sent = Sent::Call(Action::Heartbeat);
const ID_TAG: &str = "ABCD1234";
/// The contactor's power while charging, in W.
const POWER: i32 = 11_000;

const fn status(connector: u8, s: &'static str) -> Sent {
    Sent::Status(connector, s)
}

const fn result(status: &'static str) -> Sent {
    Sent::CallResult(Some(status))
}

const fn start(id_tag: &'static str, meter_start: i32) -> Sent {
    Sent::Start {
        connector: 1,
        id_tag,
        meter_start,
    }
}

const fn meter(tx: i32, wh: i32) -> Sent {
    Sent::Meter {
        connector: 1,
        tx: Some(tx),
        wh: Some(wh),
        w: Some(POWER),
    }
}

const fn stop(tx: i32, reason: &'static str, meter_stop: i32) -> Sent {
    Sent::Stop {
        tx,
        reason,
        meter_stop,
    }
}

/// `n` in decimal, for frames the script writes (a RemoteStopTransaction's id).
fn digits(n: i32, f: impl FnOnce(&[u8])) {
    let mut buf = [b'-'; 11];
    let mut at = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    f(&buf[at - usize::from(n < 0)..]);
}

pub(super) fn script(h: &mut Harness<'_>) {
    let booted_at = boot_and_authorize(h);
    local_transaction(h);
    h.step(
        "heartbeat interval (300 s) elapses",
        &|h| h.advance_to(booted_at + 300_000),
        const { &[HEARTBEAT] },
        &[],
    );
    central_system_calls(h);
    remote_transaction(h);
    offline_transaction(h);
}

/// Configuration, boot, and the firmware's own Authorize requests.
fn boot_and_authorize(h: &mut Harness<'_>) -> u64 {
    use AuthorizationStatus as Auth;
    h.step(
        "configure: sample energy and power every 60 s; meter at 1000 Wh",
        &|h| {
            let sampled = "Energy.Active.Import.Register,Power.Active.Import";
            h.configure("MeterValuesSampledData", sampled);
            h.configure("MeterValueSampleInterval", "60");
            h.set_meter(1000, 0);
        },
        &[],
        &[],
    );
    h.step(
        "connect: boot, then every connector's status",
        &|h| h.connect(),
        const { &[BOOT, status(0, "Available"), status(1, "Available")] },
        const { &[Seen::Registered(RegistrationStatus::Accepted)] },
    );
    let booted_at = h.now_ms();

    h.step(
        "firmware asks about idTag ABCD1234: Accepted",
        &|h| h.authorize(ID_TAG),
        const { &[AUTH] },
        const { &[Seen::Authorized(Auth::Accepted)] },
    );
    h.answer(
        Action::Authorize,
        Answer::Result(r#"{"idTagInfo":{"status":"Invalid"}}"#),
    );
    h.step(
        "firmware asks about idTag UNKNOWN1: Invalid",
        &|h| h.authorize("UNKNOWN1"),
        const { &[AUTH] },
        const { &[Seen::Authorized(Auth::Invalid)] },
    );
    h.answer(
        Action::Authorize,
        Answer::CallError(ErrorCode::InternalError, "scripted failure"),
    );
    h.step(
        "Authorize answered with a CALLERROR",
        &|h| h.authorize(ID_TAG),
        const { &[AUTH] },
        const {
            &[Seen::AuthorizeFailed(CallFailure::CallError(
                ErrorCode::InternalError,
            ))]
        },
    );
    h.answer(Action::Authorize, Answer::Silent);
    h.step(
        "idTag asked about right after a failed CALL: sent at once, left unanswered",
        &|h| h.authorize(ID_TAG),
        const { &[AUTH] },
        &[],
    );
    h.step(
        "call timeout (+30 s): AuthorizeFailed(Timeout)",
        &|h| h.advance(30_000),
        &[],
        const { &[Seen::AuthorizeFailed(CallFailure::Timeout)] },
    );
    h.answer(Action::Authorize, Answer::Usual);
    booted_at
}

/// Plug, idTag, three samples at 60 s, the same idTag stops, unplug.
fn local_transaction(h: &mut Harness<'_>) {
    h.step(
        "plug in: connector 1 Preparing",
        &|h| h.plug_in(),
        const { &[status(1, "Preparing")] },
        &[],
    );
    h.step(
        "present idTag ABCD1234: Authorize, StartTransaction (id 42), Charging",
        &|h| h.present(ID_TAG),
        const { &[AUTH, start(ID_TAG, 1000), status(1, "Charging")] },
        const { &[Seen::Energy(1, true)] },
    );
    let started = h.now_ms();
    for (k, wh) in [(1, 1183), (2, 1366), (3, 1550)] {
        h.step(
            "60 s of charging at 11 kW: MeterValues of transaction 42",
            &|h| {
                h.set_meter(wh, POWER);
                h.advance_to(started + k * 60_000);
            },
            &[meter(TX1, wh)],
            &[],
        );
    }
    h.step(
        "present idTag ABCD1234 again: StopTransaction (Local), Finishing",
        &|h| {
            h.set_meter(1553, POWER);
            h.present(ID_TAG);
        },
        const { &[stop(TX1, "Local", 1553), status(1, "Finishing")] },
        const { &[Seen::Energy(1, false)] },
    );
    h.step(
        "unplug: connector 1 Available",
        &|h| {
            h.set_meter(1553, 0);
            h.unplug();
        },
        const { &[status(1, "Available")] },
        &[],
    );
}

/// The central system's CALLs, other than transactions.
fn central_system_calls(h: &mut Harness<'_>) {
    h.step(
        "central system calls Reset (Soft): Accepted, the firmware is told",
        &|h| h.csms_sends(&[br#"[2,"cs-1","Reset",{"type":"Soft"}]"#]),
        const { &[result("Accepted")] },
        const { &[Seen::Reset { hard: false }] },
    );
    h.step(
        "central system calls an unknown action: NotImplemented",
        &|h| h.csms_sends(&[br#"[2,"cs-2","FlyToTheMoon",{}]"#]),
        const { &[Sent::CallError(ErrorCode::NotImplemented)] },
        &[],
    );
    h.step(
        "central system sends a CALL with a non-object payload: FormationViolation",
        &|h| h.csms_sends(&[br#"[2,"cs-3","Heartbeat",[]]"#]),
        const { &[Sent::CallError(ErrorCode::FormationViolation)] },
        &[],
    );
    h.step(
        "central system's DataTransfer: UnknownVendorId",
        &|h| {
            h.csms_sends(&[
                br#"[2,"cs-4","DataTransfer",{"vendorId":"com.example","data":"hello"}]"#,
            ])
        },
        const { &[result("UnknownVendorId")] },
        &[],
    );
    h.step(
        "GetConfiguration of two keys and an unknown one",
        &|h| {
            h.pair.observer.check.expect_in_result = &[
                r#"{"key":"MeterValueSampleInterval","readonly":false,"value":"60"}"#,
                r#""value":"Energy.Active.Import.Register,Power.Active.Import""#,
                r#""unknownKey":["NoSuchKey"]"#,
            ];
            h.csms_sends(&[br#"[2,"cs-5","GetConfiguration",{"key":["MeterValueSampleInterval","MeterValuesSampledData","NoSuchKey"]}]"#]);
        },
        const { &[Sent::CallResult(None)] },
        &[],
    );
    h.step(
        "ChangeConfiguration MeterValueSampleInterval = 30: Accepted",
        &|h| h.csms_sends(&[br#"[2,"cs-6","ChangeConfiguration",{"key":"MeterValueSampleInterval","value":"30"}]"#]),
        const { &[result("Accepted")] },
        const { &[Seen::ConfigurationChanged("MeterValueSampleInterval")] },
    );
    h.step(
        "TriggerMessage Heartbeat: Accepted, then the Heartbeat",
        &|h| h.csms_sends(&[br#"[2,"cs-7","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#]),
        const { &[result("Accepted"), HEARTBEAT] },
        &[],
    );
    h.step(
        "TriggerMessage StatusNotification, connector 1: Accepted, then its status",
        &|h| h.csms_sends(&[br#"[2,"cs-8","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]"#]),
        const { &[result("Accepted"), status(1, "Available")] },
        &[],
    );
    h.step(
        "TriggerMessage for connector 7 (there is none): Rejected",
        &|h| h.csms_sends(&[br#"[2,"cs-9","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":7}]"#]),
        const { &[result("Rejected")] },
        &[],
    );
    h.step(
        "TriggerMessage MeterValues: Accepted, then the meter now (no transaction)",
        &|h| h.csms_sends(&[br#"[2,"cs-10","TriggerMessage",{"requestedMessage":"MeterValues"}]"#]),
        const {
            &[
                result("Accepted"),
                Sent::Meter {
                    connector: 1,
                    tx: None,
                    wh: Some(1553),
                    w: Some(0),
                },
            ]
        },
        &[],
    );
    h.step(
        "TriggerMessage BootNotification: Accepted, boot again, statuses again",
        &|h| {
            h.csms_sends(&[
                br#"[2,"cs-11","TriggerMessage",{"requestedMessage":"BootNotification"}]"#,
            ])
        },
        const {
            &[
                result("Accepted"),
                BOOT,
                status(0, "Available"),
                status(1, "Available"),
            ]
        },
        const { &[Seen::Registered(RegistrationStatus::Accepted)] },
    );
    h.step(
        "UnlockConnector 1: the firmware unlocks (no lock motor), Unlocked",
        &|h| h.csms_sends(&[br#"[2,"cs-12","UnlockConnector",{"connectorId":1}]"#]),
        const { &[result("Unlocked")] },
        const { &[Seen::Unlock(1)] },
    );
    h.step(
        "over-long line on the UART: dropped, counted",
        &|h| h.overlong_line(),
        &[],
        &[],
    );
}

/// RemoteStartTransaction, plug, a sample at 30 s, RemoteStopTransaction, unplug.
fn remote_transaction(h: &mut Harness<'_>) {
    h.step(
        "RemoteStartTransaction REMOTE01: Accepted, Authorize, Preparing",
        &|h| {
            h.csms_sends(&[
                br#"[2,"cs-13","RemoteStartTransaction",{"connectorId":1,"idTag":"REMOTE01"}]"#,
            ])
        },
        const { &[result("Accepted"), AUTH, status(1, "Preparing")] },
        &[],
    );
    h.step(
        "plug in: StartTransaction (id 43), Charging",
        &|h| {
            h.set_meter(1553, POWER);
            h.plug_in();
        },
        const { &[start("REMOTE01", 1553), status(1, "Charging")] },
        const { &[Seen::Energy(1, true)] },
    );
    let started = h.now_ms();
    h.step(
        "30 s of charging: MeterValues of transaction 43",
        &|h| {
            h.set_meter(1644, POWER);
            h.advance_to(started + 30_000);
        },
        const { &[meter(TX2, 1644)] },
        &[],
    );
    h.step(
        "RemoteStopTransaction 43: Accepted, StopTransaction (Remote), Finishing",
        &|h| {
            h.set_meter(1650, POWER);
            // The transactionId the central system gave, whatever it was.
            let id = h.pair.cs.last_transaction_id().unwrap_or(0);
            digits(id, |id| {
                h.csms_sends(&[
                    br#"[2,"cs-14","RemoteStopTransaction",{"transactionId":"#,
                    id,
                    b"}]",
                ]);
            });
        },
        const {
            &[
                result("Accepted"),
                stop(TX2, "Remote", 1650),
                status(1, "Finishing"),
            ]
        },
        const { &[Seen::Energy(1, false)] },
    );
    h.step(
        "unplug: connector 1 Available",
        &|h| {
            h.set_meter(1650, 0);
            h.unplug();
        },
        const { &[status(1, "Available")] },
        &[],
    );
}

/// A transaction that runs on while the connection is down: its samples
/// wait in the queue (filling it to its bound), and go out in order after
/// the reconnection, with its StopTransaction.
fn offline_transaction(h: &mut Harness<'_>) {
    h.step(
        "plug in: Preparing",
        &|h| h.plug_in(),
        const { &[status(1, "Preparing")] },
        &[],
    );
    h.step(
        "present idTag ABCD1234: Authorize, StartTransaction (id 44), Charging",
        &|h| h.present(ID_TAG),
        const { &[AUTH, start(ID_TAG, 1650), status(1, "Charging")] },
        const { &[Seen::Energy(1, true)] },
    );
    let started = h.now_ms();
    h.step("connection lost", &|h| h.disconnect(), &[], &[]);
    let samples = [(1, 1741), (2, 1833), (3, 1925)];
    for (k, wh) in samples {
        h.step(
            "30 s of charging offline: the sample waits in the queue",
            &|h| {
                h.set_meter(wh, POWER);
                h.advance_to(started + k * 30_000);
            },
            &[],
            &[],
        );
    }
    h.step(
        "present idTag ABCD1234 offline: the transaction stops (Local), queued",
        &|h| {
            h.set_meter(1930, POWER);
            h.present(ID_TAG);
        },
        &[],
        const { &[Seen::Energy(1, false)] },
    );
    h.step(
        "unplug",
        &|h| {
            h.set_meter(1930, 0);
            h.unplug();
        },
        &[],
        &[],
    );
    h.step(
        "idTag UNKNOWN1 presented offline: unverified (no cache, no offline rule)",
        &|h| h.present("UNKNOWN1"),
        &[],
        const { &[Seen::IdTagUnverified(CallFailure::Offline)] },
    );
    h.step(
        "firmware asks about idTag ABCD1234 offline: held",
        &|h| h.authorize(ID_TAG),
        &[],
        &[],
    );
    h.step(
        "reconnect: boot, the queued transaction messages in order, statuses, the held Authorize",
        &|h| h.connect(),
        const {
            &[
                BOOT,
                meter(TX3, 1741),
                meter(TX3, 1833),
                meter(TX3, 1925),
                stop(TX3, "Local", 1930),
                status(0, "Available"),
                status(1, "Available"),
                AUTH,
            ]
        },
        const {
            &[
                Seen::Registered(RegistrationStatus::Accepted),
                Seen::Authorized(AuthorizationStatus::Accepted),
            ]
        },
    );
}

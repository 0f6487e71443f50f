//! The session's script: each step's input and what it must lead to (what
//! the charge point sends, in order, and which events it raises).

use ocpp_engine::ocpp_model::{
    Action, AuthorizationStatus, ChargePointStatus, ErrorCode, RegistrationStatus,
};
use ocpp_engine::CallFailure;

use super::{Harness, Seen};
use crate::csms::{AuthorizeAnswer, Heard};

const C_BOOT: Heard = Heard::Call(Action::BootNotification);
const C_STATUS: Heard = Heard::Call(Action::StatusNotification);
const C_AUTH: Heard = Heard::Call(Action::Authorize);
const C_HEARTBEAT: Heard = Heard::Call(Action::Heartbeat);

pub(super) fn script(h: &mut Harness<'_>) {
    use AuthorizationStatus as Auth;
    let accepted = Seen::Registered(RegistrationStatus::Accepted);

    h.step(
        "connect: boot, then every connector's status",
        |h| h.cp.connected(h.now()),
        &[C_BOOT, C_STATUS, C_STATUS],
        &[accepted],
    );
    let booted_at = h.now_ms;

    h.step(
        "plug in: connector 1 Preparing",
        |h| h.set_status(1, ChargePointStatus::Preparing),
        &[C_STATUS],
        &[],
    );

    h.step(
        "present idTag ABCD1234: Accepted",
        |h| h.authorize("ABCD1234"),
        &[C_AUTH],
        &[Seen::Authorized(Auth::Accepted)],
    );

    h.csms.authorize = AuthorizeAnswer::Invalid;
    h.step(
        "present idTag UNKNOWN1: Invalid",
        |h| h.authorize("UNKNOWN1"),
        &[C_AUTH],
        &[Seen::Authorized(Auth::Invalid)],
    );

    h.csms.authorize = AuthorizeAnswer::CallError;
    h.step(
        "Authorize answered with a CALLERROR",
        |h| h.authorize("ABCD1234"),
        &[C_AUTH],
        &[Seen::AuthorizeFailed(CallFailure::CallError(
            ErrorCode::InternalError,
        ))],
    );

    h.csms.authorize = AuthorizeAnswer::Silent;
    h.step(
        "idTag presented right after a failed CALL: sent at once, left unanswered",
        |h| h.authorize("ABCD1234"),
        &[C_AUTH],
        &[],
    );
    h.step(
        "call timeout (+30 s): AuthorizeFailed(Timeout)",
        |h| h.advance(30_000),
        &[],
        &[Seen::AuthorizeFailed(CallFailure::Timeout)],
    );
    h.csms.authorize = AuthorizeAnswer::Accepted;

    h.step(
        "heartbeat interval (300 s) elapses",
        |h| h.advance_to(booted_at + 300_000),
        &[C_HEARTBEAT],
        &[],
    );

    h.step(
        "central system calls Reset: NotSupported",
        |h| h.csms_sends(br#"[2,"cs-1","Reset",{"type":"Soft"}]"#),
        &[Heard::CallError(ErrorCode::NotSupported)],
        &[],
    );
    h.step(
        "central system calls an unknown action: NotImplemented",
        |h| h.csms_sends(br#"[2,"cs-2","FlyToTheMoon",{}]"#),
        &[Heard::CallError(ErrorCode::NotImplemented)],
        &[],
    );
    h.step(
        "central system sends a CALL with a non-object payload: FormationViolation",
        |h| h.csms_sends(br#"[2,"cs-3","Heartbeat",[]]"#),
        &[Heard::CallError(ErrorCode::FormationViolation)],
        &[],
    );
    h.step(
        "central system's DataTransfer: UnknownVendorId",
        |h| h.csms_sends(br#"[2,"cs-4","DataTransfer",{"vendorId":"com.example","data":"hello"}]"#),
        &[Heard::CallResult(Some("UnknownVendorId"))],
        &[],
    );
    h.step(
        "TriggerMessage Heartbeat: Accepted, then the Heartbeat",
        |h| h.csms_sends(br#"[2,"cs-5","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#),
        &[Heard::CallResult(Some("Accepted")), C_HEARTBEAT],
        &[],
    );
    h.step(
        "TriggerMessage StatusNotification, connector 1: Accepted, then its status",
        |h| h.csms_sends(br#"[2,"cs-6","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]"#),
        &[Heard::CallResult(Some("Accepted")), C_STATUS],
        &[],
    );
    h.step(
        "TriggerMessage for connector 7 (there is none): Rejected",
        |h| h.csms_sends(br#"[2,"cs-7","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":7}]"#),
        &[Heard::CallResult(Some("Rejected"))],
        &[],
    );
    h.step(
        "TriggerMessage MeterValues: NotImplemented",
        |h| h.csms_sends(br#"[2,"cs-8","TriggerMessage",{"requestedMessage":"MeterValues"}]"#),
        &[Heard::CallResult(Some("NotImplemented"))],
        &[],
    );
    h.step(
        "TriggerMessage BootNotification: Accepted, boot again, statuses again",
        |h| h.csms_sends(br#"[2,"cs-9","TriggerMessage",{"requestedMessage":"BootNotification"}]"#),
        &[
            Heard::CallResult(Some("Accepted")),
            C_BOOT,
            C_STATUS,
            C_STATUS,
        ],
        &[accepted],
    );
    h.step(
        "over-long line on the UART: dropped, counted",
        |h| h.overlong_line(),
        &[],
        &[],
    );

    h.step(
        "unplug: connector 1 Available",
        |h| h.set_status(1, ChargePointStatus::Available),
        &[C_STATUS],
        &[],
    );

    h.step("connection lost", |h| h.cp.disconnected(h.now()), &[], &[]);
    h.step(
        "idTag presented offline: queued",
        |h| h.authorize("ABCD1234"),
        &[],
        &[],
    );
    h.step(
        "reconnect: boot, statuses again, then the queued Authorize",
        |h| h.cp.connected(h.now()),
        &[C_BOOT, C_STATUS, C_STATUS, C_AUTH],
        &[accepted, Seen::Authorized(Auth::Accepted)],
    );
}

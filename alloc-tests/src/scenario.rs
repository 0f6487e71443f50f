//! Scenarios: what happens to the charge point, step by step.

use ocpp_engine::Config;
use ocpp_model::{
    ChargePointErrorCode, ChargePointErrorCode as Ec, ChargePointStatus, ChargePointStatus as St,
};

/// The charge point under test: its configuration and pool size.
#[derive(Clone, Debug)]
pub struct Setup<'c> {
    /// The engine's configuration (connectors, identity, timeouts, limits).
    pub config: Config<'c>,
    /// Bytes of the pool the engine lives in.
    pub pool_bytes: usize,
}

/// One thing that happens to the charge point. After each step the driver
/// drains every frame to send and every event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The WebSocket opened.
    Connect,
    /// The WebSocket closed.
    Disconnect,
    /// The clock moves on this many seconds (timeouts fire on the way).
    Advance(u64),
    /// The central system answers our outstanding CALL with its usual
    /// CALLRESULT (BootNotification Accepted with interval 300, Authorize
    /// Accepted, ...). Does nothing when no CALL is outstanding.
    Answer,
    /// The central system answers our outstanding CALL with this payload.
    AnswerWith(String),
    /// The central system answers our outstanding CALL with a CALLERROR of this code.
    AnswerError(String),
    /// The central system sends this raw frame (a CALL, garbage, ...).
    Receive(String),
    /// Hardware input: a connector's status changed.
    Status(u8, ChargePointStatus, ChargePointErrorCode),
    /// Firmware request: an idTag was presented.
    Authorize(String),
}

/// A list of steps.
pub type Scenario = Vec<Step>;

/// The slice of BENCHMARK.md's standard session that the engine implements
/// today: boot, then `sessions` times plug in, authorize, charge (status
/// only), finish and unplug, with heartbeats due on the way.
pub fn standard_session(sessions: usize) -> Scenario {
    use ChargePointStatus::*;
    let ok = ChargePointErrorCode::NoError;
    let mut s = vec![Step::Connect, Step::Answer, Step::Answer, Step::Answer];
    for _ in 0..sessions {
        s.extend([
            Step::Status(1, Preparing, ok),
            Step::Answer,
            Step::Authorize("ABCD1234".into()),
            Step::Answer,
            Step::Status(1, Charging, ok),
            Step::Answer,
            Step::Advance(600),
            Step::Answer,
            Step::Answer,
            Step::Status(1, Finishing, ok),
            Step::Answer,
            Step::Status(1, Available, ok),
            Step::Answer,
        ]);
    }
    s
}

/// Pending, a CALL answered while not registered, a CALLERROR, then Accepted.
pub fn registration() -> Scenario {
    vec![
        Step::Connect,
        Step::AnswerWith(
            r#"{"status":"Pending","currentTime":"2026-11-25T10:00:00Z","interval":10}"#.into(),
        ),
        Step::Receive(r#"[2,"cs1","Reset",{"type":"Soft"}]"#.into()),
        Step::Advance(10),
        Step::AnswerError("InternalError".into()),
        Step::Advance(30),
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Advance(300),
        Step::Answer,
    ]
}

/// Authorize answered, answered with a parent, timed out, badly answered, cut off.
pub fn authorizations() -> Scenario {
    vec![
        Step::Connect,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Authorize("ABCD1234".into()),
        Step::Authorize("04A1B2C3D4E5F6".into()),
        Step::Authorize("".into()),
        Step::Answer,
        Step::AnswerWith(r#"{"idTagInfo":{"status":"Blocked","parentIdTag":"PARENT","expiryDate":"2027-01-01T00:00:00.5+01:00"}}"#.into()),
        Step::Authorize("TIMEOUT".into()),
        Step::Advance(31),
        Step::Advance(30),
        Step::Authorize("BADANSWER".into()),
        Step::AnswerWith(r#"{"idTagInfo":{"status":"Maybe"}}"#.into()),
        Step::Authorize("OFFLINE".into()),
        Step::Disconnect,
        Step::Connect,
        Step::Answer,
    ]
}

/// The central system's CALLs: unknown, unsupported, malformed, DataTransfer, TriggerMessage, garbage.
pub fn incoming() -> Scenario {
    vec![
        Step::Connect,
        Step::Answer,
        Step::Receive(r#"[2,"a","Nope",{}]"#.into()),
        Step::Receive(r#"[2,"b","Reset",{"type":"Soft"}]"#.into()),
        Step::Receive(r#"[2,"c","Reset",[]]"#.into()),
        Step::Receive(
            r#"[2,"d","DataTransfer",{"vendorId":"com.acme","data":"a\"b\\c\u0041"}]"#.into(),
        ),
        Step::Receive(r#"[2,"e","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#.into()),
        Step::Receive(
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                .into(),
        ),
        Step::Receive("\u{fffd}garbage".into()),
        Step::Answer,
        Step::Answer,
        Step::Answer,
    ]
}

/// Status changes of two connectors before and after registration, valid and not.
pub fn statuses() -> Scenario {
    vec![
        Step::Status(1, St::Preparing, Ec::NoError),
        Step::Connect,
        Step::Answer,
        Step::Status(2, St::Faulted, Ec::GroundFailure),
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Status(0, St::Charging, Ec::NoError),
        Step::Status(9, St::Charging, Ec::NoError),
        Step::Status(1, St::Charging, Ec::NoError),
        Step::Advance(45),
        Step::Answer,
    ]
}

/// Every hand-written scenario: (name, connectors, steps).
pub fn catalogue() -> Vec<(&'static str, u8, Scenario)> {
    vec![
        ("registration", 1, registration()),
        ("authorizations", 1, authorizations()),
        ("incoming", 1, incoming()),
        ("statuses", 2, statuses()),
        ("standard session x2", 1, standard_session(2)),
    ]
}

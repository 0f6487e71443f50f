//! Scenarios: what happens to the charge point, step by step.

use ocpp_engine::Config;
use ocpp_model::{ChargePointErrorCode, ChargePointStatus};

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

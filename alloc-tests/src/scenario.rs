//! Scenarios: what happens to the charge point, step by step.

use ocpp_engine::{Config, Value};
use ocpp_model::{ChargePointErrorCode, Measurand, Reason, UnlockStatus};

/// The charge point under test: its configuration and pool size.
#[derive(Clone, Debug)]
pub struct Setup<'c> {
    /// The engine's configuration (connectors, identity, timeouts, limits).
    pub config: Config<'c>,
    /// Bytes of the pool the engine lives in.
    pub pool_bytes: usize,
}

/// One thing that happens to the charge point. After each step the driver
/// drains every event and, unless the link is stalled, every frame to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The WebSocket opened (a new connection; a stall ends).
    Connect,
    /// The WebSocket closed (a stall ends).
    Disconnect,
    /// The clock moves on this many seconds (timeouts fire on the way).
    Advance(u64),
    /// The central system answers our outstanding CALL with its usual
    /// CALLRESULT, the test kit's (`ocpp_testkit::USUAL`: BootNotification
    /// Accepted with interval 300 and its current time, Authorize Accepted,
    /// ...), at the rig's clock, which starts at `ocpp_testkit::START`;
    /// except that StartTransaction gets transactionId 42, then 43, ...
    /// Does nothing when no CALL is outstanding.
    Answer,
    /// The central system answers our outstanding CALL with this payload.
    AnswerWith(String),
    /// The central system answers our outstanding CALL with a CALLERROR of this code.
    AnswerError(String),
    /// The central system sends this raw frame (a CALL, garbage, ...).
    /// Does nothing while no WebSocket is open.
    Receive(String),
    /// Hardware input: a cable was plugged into the connector.
    PlugIn(u8),
    /// Hardware input: the cable of the connector was unplugged.
    Unplug(u8),
    /// Hardware input: an idTag was presented at the connector.
    PresentIdTag(u8, String),
    /// Firmware request: stop the connector's transaction for this reason.
    StopTransaction(u8, Reason),
    /// Hardware input: a meter reading of the connector.
    SetMeter(u8, Measurand, Value),
    /// Hardware input: the EV stopped (`true`) or resumed taking energy.
    SetEvSuspended(u8, bool),
    /// Hardware input: the connector (0: the charge point) is in fault, or
    /// (`None`) no longer.
    SetFault(u8, Option<ChargePointErrorCode>),
    /// Firmware request: ask the central system about an idTag.
    Authorize(String),
    /// Firmware request: set a configuration key (key, value).
    Configure(String, String),
    /// The firmware's outcome of an UnlockConnector on the connector.
    UnlockResult(u8, UnlockStatus),
    /// The socket cannot send for now (the central system sends faster
    /// than the charge point transmits): from this step on, the driver
    /// polls no frame, so answers wait in the engine's slots and a further
    /// CALL of the central system may meet `HandleError::Busy`. The answer
    /// to a CALL that met a refused allocation while stalled
    /// (`InternalError`, or the action's `Rejected`) is transmitted at
    /// once, so that the step shows it: the driver polls one frame, so
    /// only the first answer waiting may be one that needs memory.
    Stall,
    /// The socket can send again: everything waiting goes out.
    Flush,
    /// From this step on, every frame is first polled into a buffer of
    /// this many bytes (0: no more), then, if it did not fit
    /// (`EncodeError::BufferFull`, which must change nothing), into a
    /// large one.
    SmallBuffer(usize),
}

/// A list of steps.
pub type Scenario = Vec<Step>;

impl Step {
    /// `Receive` of a text frame.
    pub fn receive(frame: &str) -> Step {
        Step::Receive(frame.to_owned())
    }

    /// `PresentIdTag` at `connector`.
    pub fn present(connector: u8, id_tag: &str) -> Step {
        Step::PresentIdTag(connector, id_tag.to_owned())
    }

    /// `Configure` of `key` to `value`.
    pub fn configure(key: &str, value: &str) -> Step {
        Step::Configure(key.to_owned(), value.to_owned())
    }

    /// `AnswerWith` this payload.
    pub fn answer_with(payload: &str) -> Step {
        Step::AnswerWith(payload.to_owned())
    }

    /// `AnswerError` with this code.
    pub fn answer_error(code: &str) -> Step {
        Step::AnswerError(code.to_owned())
    }

    /// `SetMeter` of the energy register, in Wh.
    pub fn energy(connector: u8, wh: i64) -> Step {
        Step::SetMeter(
            connector,
            Measurand::EnergyActiveImportRegister,
            Value::from_units(wh),
        )
    }

    /// `SetMeter` of the active power, in W.
    pub fn power(connector: u8, w: i64) -> Step {
        Step::SetMeter(
            connector,
            Measurand::PowerActiveImport,
            Value::from_units(w),
        )
    }
}

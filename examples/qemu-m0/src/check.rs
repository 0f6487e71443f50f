//! What the central system heard, read by hand: every frame the charge
//! point sends, split and read by [`read`] (a small JSON member reader
//! that shares nothing with our codec, nor with the test kit's central
//! system, which only looks at a frame's head), and checked.
//!
//! The central system itself is the test kit's (`ocpp_testkit`): it answers
//! from its one table of usual answers (`USUAL`), written by its own byte
//! writer, not by our encoder, and counts transactionIds out from 42. This
//! reading is the firmware's own check of what the charge point sends, so
//! that a fault in our encoder or decoder cannot hide itself: every
//! MeterValues and StopTransaction carries the transactionId the central
//! system gave for that connector (read back from its answer), the sampled
//! values are whole numbers in Wh (energy) and W (power), `Sample.Periodic`
//! (or `Trigger`), meterStop is not below meterStart, the reason is one of
//! the specification's, a StatusNotification's errorCode is NoError.

use ocpp_engine::ocpp_model::{Action, ErrorCode};
use ocpp_testkit::Heard;

use crate::log::Log;

mod read;

/// Connectors of the charge point (not counting connector 0).
pub const CONNECTORS: usize = 1;

/// What the charge point sent, as the script compares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// A CALL of this action (those without a variant of their own).
    Call(Action),
    /// StatusNotification: connector and status.
    Status(u8, &'static str),
    /// StartTransaction: connector, idTag (one of [`ID_TAGS`]), meterStart (Wh).
    Start {
        connector: u8,
        id_tag: &'static str,
        meter_start: i32,
    },
    /// MeterValues: connector, transactionId, and the sampled
    /// Energy.Active.Import.Register (Wh) and Power.Active.Import (W).
    Meter {
        connector: u8,
        tx: Option<i32>,
        wh: Option<i32>,
        w: Option<i32>,
    },
    /// StopTransaction: transactionId, reason, meterStop (Wh).
    Stop {
        tx: i32,
        reason: &'static str,
        meter_stop: i32,
    },
    /// An answer to one of the central system's CALLs, with the `status`
    /// of its payload when it has one of [`RESULT_STATUSES`].
    CallResult(Option<&'static str>),
    /// A CALLERROR answering one of the central system's CALLs.
    CallError(ErrorCode),
    /// A CALL of an action the model does not know (never expected).
    UnknownCall,
}

/// The idTags of the script.
pub const ID_TAGS: [&str; 3] = ["ABCD1234", "UNKNOWN1", "REMOTE01"];
const RESULT_STATUSES: [&str; 10] = [
    "Accepted",
    "Rejected",
    "NotImplemented",
    "NotSupported",
    "UnknownVendorId",
    "UnknownMessageId",
    "Unlocked",
    "UnlockFailed",
    "Scheduled",
    "RebootRequired",
];
const STATUSES: [&str; 9] = [
    "Available",
    "Preparing",
    "Charging",
    "SuspendedEVSE",
    "SuspendedEV",
    "Finishing",
    "Reserved",
    "Unavailable",
    "Faulted",
];
const REASONS: [&str; 11] = [
    "EmergencyStop",
    "EVDisconnected",
    "HardReset",
    "Local",
    "Other",
    "PowerLoss",
    "Reboot",
    "Remote",
    "SoftReset",
    "UnlockCommand",
    "DeAuthorized",
];
const ENERGY: &str = "Energy.Active.Import.Register";
const POWER: &str = "Power.Active.Import";

/// The action of the CALL `frame` (`[2,"id","Action",{...}]`), read by hand.
pub fn call_action(frame: &[u8]) -> Option<Action> {
    let mut parts = read::elements(frame);
    if parts.next()? != b"2" {
        return None;
    }
    let name = parts.nth(1)?.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    Action::parse(core::str::from_utf8(name).ok()?).ok()
}

/// A transaction the central system started: its id and meterStart.
#[derive(Clone, Copy, Debug)]
struct Running {
    tx: i32,
    meter_start: i32,
}

/// The central system's reading of what it hears, and what it remembers
/// for its checks.
#[derive(Debug)]
pub struct Checker {
    /// Connector `c` at index `c - 1`.
    running: [Option<Running>; CONNECTORS],
    /// Text the next CALLRESULT of the charge point must contain.
    pub expect_in_result: &'static [&'static str],
    /// What was wrong in what the charge point sent.
    pub problems: Log<&'static str, 4>,
}

impl Checker {
    pub const fn new() -> Self {
        Checker {
            running: [None; CONNECTORS],
            expect_in_result: &[],
            problems: Log::new(),
        }
    }

    /// Reads one `frame` of the charge point, which the test kit's central
    /// system took as `heard` (and answered, if a CALL).
    pub fn read(&mut self, frame: &[u8], heard: &Heard<'_>) -> Sent {
        // `[2,"id","Action",{...}]`, `[3,"id",{...}]` or `[4,...]`.
        let mut parts = read::elements(frame).skip(2);
        match *heard {
            Heard::Error { code, .. } => Sent::CallError(code),
            Heard::Result { .. } => {
                let payload = parts.next().unwrap_or_default();
                self.check_result(payload);
                let status =
                    read::field(payload, "status").and_then(|s| read::one_of(s, &RESULT_STATUSES));
                Sent::CallResult(status)
            }
            Heard::Call { action: None, .. } => Sent::UnknownCall,
            Heard::Call {
                action: Some(action),
                answer,
                ..
            } => {
                let payload = parts.nth(1).unwrap_or_default();
                self.call(action, payload, answer)
            }
        }
    }

    /// A CALL of `action`, and the central system's `answer` to it.
    fn call(&mut self, action: Action, payload: &[u8], answer: Option<&[u8]>) -> Sent {
        match action {
            Action::StatusNotification => self.status(payload),
            Action::StartTransaction => {
                // `[3,"id",{"transactionId":n,...}]`: the id it gave.
                let given = answer
                    .and_then(|a| read::elements(a).nth(2))
                    .and_then(|p| read::field(p, "transactionId"))
                    .and_then(read::int32);
                self.start(payload, given)
            }
            Action::MeterValues => self.meter_values(payload),
            Action::StopTransaction => self.stop(payload),
            other => Sent::Call(other),
        }
    }

    fn problem(&mut self, what: &'static str) {
        self.problems.push(what);
    }

    fn check_result(&mut self, payload: &[u8]) {
        let wanted = core::mem::take(&mut self.expect_in_result);
        for needle in wanted {
            let n = needle.as_bytes();
            if !payload.windows(n.len()).any(|w| w == n) {
                self.problem("a CALLRESULT lacks what the script expects in it");
            }
        }
    }

    fn connector(&mut self, payload: &[u8], lowest: i64) -> u8 {
        match read::field(payload, "connectorId").and_then(read::int) {
            Some(c) if (lowest..=CONNECTORS as i64).contains(&c) => c as u8,
            _ => {
                self.problem("connectorId missing or out of range");
                0
            }
        }
    }

    fn status(&mut self, payload: &[u8]) -> Sent {
        let connector = self.connector(payload, 0);
        let status = read::field(payload, "status").and_then(|s| read::one_of(s, &STATUSES));
        let error = read::field(payload, "errorCode");
        if status != Some("Faulted") && error != Some(b"NoError".as_slice()) {
            self.problem("StatusNotification: errorCode is not NoError");
        }
        match status {
            Some(s) => Sent::Status(connector, s),
            None => {
                self.problem("StatusNotification: no status of the specification");
                Sent::Call(Action::StatusNotification)
            }
        }
    }

    /// A StartTransaction, and the transactionId the central system gave
    /// it (`None`: it did not answer, or not as usual).
    fn start(&mut self, payload: &[u8], given: Option<i32>) -> Sent {
        let connector = self.connector(payload, 1);
        let id_tag = read::field(payload, "idTag").and_then(|t| read::one_of(t, &ID_TAGS));
        let meter_start = read::field(payload, "meterStart").and_then(read::int32);
        if id_tag.is_none() || meter_start.is_none() || read::field(payload, "timestamp").is_none()
        {
            self.problem("StartTransaction: idTag, meterStart or timestamp missing");
        }
        if let Some(slot) = self.running.get_mut(usize::from(connector).wrapping_sub(1)) {
            if slot.is_some() {
                self.problems
                    .push("StartTransaction on a connector with a transaction");
            }
            *slot = given.map(|tx| Running {
                tx,
                meter_start: meter_start.unwrap_or(0),
            });
        }
        Sent::Start {
            connector,
            id_tag: id_tag.unwrap_or(""),
            meter_start: meter_start.unwrap_or(-1),
        }
    }

    /// A MeterValues: during a transaction it carries that transaction's id;
    /// every sampled value is a whole number with the unit of its measurand.
    fn meter_values(&mut self, payload: &[u8]) -> Sent {
        let connector = self.connector(payload, 0);
        let tx = read::field(payload, "transactionId").and_then(read::int32);
        let running = self
            .running
            .get(usize::from(connector).wrapping_sub(1))
            .copied()
            .flatten();
        if running.map(|r| r.tx) != tx {
            self.problem("MeterValues: not the transactionId the central system gave");
        }
        let (mut wh, mut w, mut values) = (None, None, 0);
        let meter_values = read::field(payload, "meterValue").unwrap_or_default();
        for mv in read::elements(meter_values) {
            if read::field(mv, "timestamp").is_none() {
                self.problem("MeterValues: a meterValue without a timestamp");
            }
            let sampled = read::field(mv, "sampledValue").unwrap_or_default();
            for sv in read::elements(sampled) {
                values += 1;
                let measurand = match read::field(sv, "measurand") {
                    None => Some(ENERGY), // the default
                    Some(m) => read::one_of(m, &[ENERGY, POWER]),
                };
                let unit = read::field(sv, "unit");
                let value = read::field(sv, "value").and_then(read::int32);
                let context = read::field(sv, "context");
                let periodic = context == Some(b"Sample.Periodic".as_slice());
                if !periodic && context != Some(b"Trigger".as_slice()) {
                    self.problem(
                        "MeterValues: a sampled value neither Sample.Periodic nor Trigger",
                    );
                }
                match (measurand, unit) {
                    (Some(ENERGY), Some([b'W', b'h'])) => wh = value,
                    (Some(POWER), Some([b'W'])) => w = value,
                    _ => self.problem("MeterValues: a measurand not asked for, or the wrong unit"),
                }
                if value.is_none() {
                    self.problem("MeterValues: a value that is not a whole number");
                }
            }
        }
        if values == 0 {
            self.problem("MeterValues without a sampled value");
        }
        Sent::Meter {
            connector,
            tx,
            wh,
            w,
        }
    }

    /// A StopTransaction: of a transaction this central system started,
    /// with a reason of the specification and a meterStop not below its
    /// meterStart.
    fn stop(&mut self, payload: &[u8]) -> Sent {
        let tx = read::field(payload, "transactionId").and_then(read::int32);
        let reason = match read::field(payload, "reason") {
            None => Some("Local"), // the default
            Some(r) => read::one_of(r, &REASONS),
        };
        let meter_stop = read::field(payload, "meterStop").and_then(read::int32);
        let slot = self
            .running
            .iter_mut()
            .find(|r| r.is_some_and(|r| Some(r.tx) == tx));
        match slot {
            Some(slot) => {
                if meter_stop
                    .zip(slot.map(|r| r.meter_start))
                    .is_none_or(|(s, b)| s < b)
                {
                    self.problems
                        .push("StopTransaction: meterStop missing or below meterStart");
                }
                *slot = None;
            }
            None => self.problem("StopTransaction: not a transactionId the central system gave"),
        }
        if reason.is_none() || read::field(payload, "timestamp").is_none() {
            self.problem("StopTransaction: no reason of the specification, or no timestamp");
        }
        Sent::Stop {
            tx: tx.unwrap_or(-1),
            reason: reason.unwrap_or(""),
            meter_stop: meter_stop.unwrap_or(-1),
        }
    }
}

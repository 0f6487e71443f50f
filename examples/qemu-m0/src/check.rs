//! The scripted central system compiled into the firmware: it splits each
//! frame the charge point sends with `ocpp_model::Frame::parse`, reads the
//! payload by hand ([`read`]), checks it, and answers per action with a
//! CALLRESULT it writes itself.
//!
//! Its answers are written by hand, not by our encoder, and what it checks
//! is read by hand, not by our decoder, so that a fault in the codec cannot
//! hide itself. It hands out transaction ids from 42 on and checks that
//! every MeterValues and StopTransaction carries the one it gave.

use ocpp_engine::ocpp_model::{Action, ErrorCode, Frame, Limits, MessageId};

use crate::log::Log;

mod read;

/// Connectors of the charge point (not counting connector 0).
pub const CONNECTORS: usize = 1;
/// The transactionId of the first StartTransaction.
pub const FIRST_TRANSACTION_ID: i32 = 42;

/// How the central system treats the next Authorize.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizeAnswer {
    Accepted,
    Invalid,
    /// A CALLERROR `InternalError`.
    CallError,
    /// No answer at all: the charge point's call timeout runs out.
    Silent,
}

/// What the charge point sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heard {
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
    /// A CALLERROR answering one of our CALLs.
    CallError(ErrorCode),
    /// A CALL of an action the model does not know (never expected).
    UnknownCall,
    /// Something `Frame::parse` rejected (never expected).
    Garbage,
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

/// A transaction the central system started: its id and meterStart.
#[derive(Clone, Copy, Debug)]
struct Running {
    tx: i32,
    meter_start: i32,
}

pub struct Csms {
    pub authorize: AuthorizeAnswer,
    next_tx: i32,
    /// Connector `c` at index `c - 1`.
    running: [Option<Running>; CONNECTORS],
    /// The id of the transaction started last.
    pub last_tx: Option<i32>,
    /// Text the next CALLRESULT of the charge point must contain.
    pub expect_in_result: &'static [&'static str],
    /// What was wrong in what the charge point sent.
    pub problems: Log<&'static str, 4>,
}

/// Room for the longest answer of the script.
pub const ANSWER_LEN: usize = 160;

impl Csms {
    pub const fn new() -> Self {
        Csms {
            authorize: AuthorizeAnswer::Accepted,
            next_tx: FIRST_TRANSACTION_ID,
            running: [None; CONNECTORS],
            last_tx: None,
            expect_in_result: &[],
            problems: Log::new(),
        }
    }

    /// Reads one frame of the charge point; writes the answer, if any, into
    /// `out` (one line, with its `\n`) and returns its length.
    pub fn hear(&mut self, frame: &[u8], out: &mut [u8; ANSWER_LEN]) -> (Heard, Option<usize>) {
        let (id, action, payload) = match Frame::parse(frame, &Limits::DEFAULT) {
            Ok(Frame::Call {
                id,
                action,
                payload,
            }) => (id, action, payload),
            Ok(Frame::CallResult { payload, .. }) => {
                self.check_result(payload);
                let status =
                    read::field(payload, "status").and_then(|s| read::one_of(s, &RESULT_STATUSES));
                return (Heard::CallResult(status), None);
            }
            Ok(Frame::CallError { code, .. }) => return (Heard::CallError(code), None),
            Err(_) => return (Heard::Garbage, None),
        };
        let Ok(action) = Action::parse(action) else {
            return (Heard::UnknownCall, None);
        };
        let mut heard = Heard::Call(action);
        let answer = match action {
            Action::BootNotification => result(
                out,
                &id,
                br#"{"status":"Accepted","currentTime":"2026-11-25T10:00:00Z","interval":300}"#,
            ),
            // A date-time without an offset, as Python's `utcnow().isoformat()`
            // writes it: the engine reads it as UTC.
            Action::Heartbeat => {
                result(out, &id, br#"{"currentTime":"2026-11-25T10:05:00.123456"}"#)
            }
            Action::StatusNotification => {
                heard = self.status(payload);
                result(out, &id, b"{}")
            }
            Action::Authorize => match self.authorize {
                AuthorizeAnswer::Accepted => {
                    result(out, &id, br#"{"idTagInfo":{"status":"Accepted"}}"#)
                }
                AuthorizeAnswer::Invalid => {
                    result(out, &id, br#"{"idTagInfo":{"status":"Invalid"}}"#)
                }
                AuthorizeAnswer::CallError => write(
                    out,
                    &[
                        b"[4,\"",
                        id.as_str().as_bytes(),
                        b"\",\"InternalError\",\"scripted failure\",{}]\n",
                    ],
                ),
                AuthorizeAnswer::Silent => None,
            },
            Action::StartTransaction => {
                let (h, tx) = self.start(payload);
                heard = h;
                let digits = Digits::new(tx);
                write(
                    out,
                    &[
                        b"[3,\"",
                        id.as_str().as_bytes(),
                        b"\",{\"transactionId\":",
                        digits.as_bytes(),
                        b",\"idTagInfo\":{\"status\":\"Accepted\"}}]\n",
                    ],
                )
            }
            Action::MeterValues => {
                heard = self.meter_values(payload);
                result(out, &id, b"{}")
            }
            Action::StopTransaction => {
                heard = self.stop(payload);
                result(out, &id, br#"{"idTagInfo":{"status":"Accepted"}}"#)
            }
            // Not in this script: answered with an empty result.
            _ => result(out, &id, b"{}"),
        };
        (heard, answer)
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

    fn status(&mut self, payload: &[u8]) -> Heard {
        let connector = self.connector(payload, 0);
        let status = read::field(payload, "status").and_then(|s| read::one_of(s, &STATUSES));
        let error = read::field(payload, "errorCode");
        if status != Some("Faulted") && error != Some(b"NoError".as_slice()) {
            self.problem("StatusNotification: errorCode is not NoError");
        }
        match status {
            Some(s) => Heard::Status(connector, s),
            None => {
                self.problem("StatusNotification: no status of the specification");
                Heard::Call(Action::StatusNotification)
            }
        }
    }

    /// A StartTransaction: hands out the next transaction id.
    fn start(&mut self, payload: &[u8]) -> (Heard, i32) {
        let connector = self.connector(payload, 1);
        let id_tag = read::field(payload, "idTag").and_then(|t| read::one_of(t, &ID_TAGS));
        let meter_start = read::field(payload, "meterStart").and_then(read::int32);
        if id_tag.is_none() || meter_start.is_none() || read::field(payload, "timestamp").is_none()
        {
            self.problem("StartTransaction: idTag, meterStart or timestamp missing");
        }
        let tx = self.next_tx;
        self.next_tx += 1;
        self.last_tx = Some(tx);
        if let Some(slot) = self.running.get_mut(usize::from(connector).wrapping_sub(1)) {
            if slot.is_some() {
                self.problems
                    .push("StartTransaction on a connector with a transaction");
            }
            *slot = Some(Running {
                tx,
                meter_start: meter_start.unwrap_or(0),
            });
        }
        let heard = Heard::Start {
            connector,
            id_tag: id_tag.unwrap_or(""),
            meter_start: meter_start.unwrap_or(-1),
        };
        (heard, tx)
    }

    /// A MeterValues: during a transaction it carries that transaction's id;
    /// every sampled value is a whole number with the unit of its measurand.
    fn meter_values(&mut self, payload: &[u8]) -> Heard {
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
        Heard::Meter {
            connector,
            tx,
            wh,
            w,
        }
    }

    /// A StopTransaction: of a transaction this central system started,
    /// with a reason of the specification and a meterStop not below its
    /// meterStart.
    fn stop(&mut self, payload: &[u8]) -> Heard {
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
        Heard::Stop {
            tx: tx.unwrap_or(-1),
            reason: reason.unwrap_or(""),
            meter_stop: meter_stop.unwrap_or(-1),
        }
    }
}

/// A non-negative integer in decimal, on the stack.
struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    fn new(n: i32) -> Self {
        let mut d = Digits {
            buf: [b'0'; 20],
            start: 19,
        };
        let mut n = n.unsigned_abs();
        let mut i = 20;
        while i > 0 {
            i -= 1;
            d.buf[i] = b'0' + (n % 10) as u8;
            d.start = i;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        d
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

/// `n` in decimal, for frames the script writes (a RemoteStopTransaction's id).
pub fn digits(n: i32, f: impl FnOnce(&[u8])) {
    f(Digits::new(n).as_bytes());
}

fn result(out: &mut [u8; ANSWER_LEN], id: &MessageId, payload: &[u8]) -> Option<usize> {
    write(
        out,
        &[b"[3,\"", id.as_str().as_bytes(), b"\",", payload, b"]\n"],
    )
}

pub fn write(out: &mut [u8], parts: &[&[u8]]) -> Option<usize> {
    let mut len = 0;
    for part in parts {
        out.get_mut(len..len + part.len())?.copy_from_slice(part);
        len += part.len();
    }
    Some(len)
}

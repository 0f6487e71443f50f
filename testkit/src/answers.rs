//! The one table of the central system's usual answers ([`USUAL`]), its
//! clock, and the writers of CALLRESULT and CALLERROR frames.
//!
//! Every harness takes its usual answers from here: the scripted
//! [`CentralSystem`](crate::CentralSystem) of the [`Pair`](crate::Pair)
//! writes them itself, the step-by-step harnesses (the engine tests)
//! ask [`usual`] and write or parse the payload. To teach the tests a new
//! operation's usual answer, add its row to [`USUAL`]: nothing else.

use ocpp_engine::ocpp_model::{Action, DateTime, ErrorCode};
use ocpp_engine::Instant;

/// The charge point's monotonic clock when a [`Pair`](crate::Pair) starts,
/// and the instant the central system's wall clock reads [`WALL_AT_START`].
pub const START: Instant = Instant::from_millis(1_000);

/// The central system's wall clock at [`START`]: 2026-11-25T10:00:00Z. It
/// runs with the virtual clock (see [`wall_clock`]).
pub const WALL_AT_START: &str = "2026-11-25T10:00:00Z";

/// [`WALL_AT_START`] in Unix milliseconds.
pub const WALL_AT_START_MS: i64 = 1_795_600_800_000;

/// `interval` of the usual BootNotification answer, in seconds.
pub const HEARTBEAT_INTERVAL_SECS: u64 = 300;

/// The transactionId of the usual StartTransaction answer.
pub const TRANSACTION_ID: i32 = 42;

/// The payload of a CALLRESULT, as JSON text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    /// Always this text.
    Fixed(&'static str),
    /// The central system's time ([`wall_clock`]) between these two
    /// halves: `Clock(r#"{"currentTime":""#, r#""}"#)`.
    Clock(&'static str, &'static str),
    /// The transactionId the central system gives between these two
    /// halves: [`TRANSACTION_ID`] from [`Payload::write`] and
    /// [`Payload::text`], and from a [`CentralSystem`](crate::CentralSystem)
    /// unless it counts them ([`CentralSystem::count_transactions`](crate::CentralSystem::count_transactions)).
    Transaction(&'static str, &'static str),
}

impl Payload {
    /// `{}`: the answer to every CALL without a row in [`USUAL`].
    pub const EMPTY: Payload = Payload::Fixed("{}");

    /// Writes the payload at `now` into `out`; its length, or `None` when
    /// it does not fit.
    pub fn write(&self, now: Instant, out: &mut [u8]) -> Option<usize> {
        let mut w = Writer::new(out);
        w.payload(self, now, TRANSACTION_ID)?;
        Some(w.len)
    }

    /// The payload at `now`, as a `String`.
    #[cfg(feature = "std")]
    pub fn text(&self, now: Instant) -> std::string::String {
        match *self {
            Payload::Fixed(text) => text.into(),
            Payload::Clock(head, tail) => {
                let mut buf = [0u8; 24];
                let time = wall_clock(now);
                std::format!("{head}{}{tail}", time.write(&mut buf))
            }
            Payload::Transaction(head, tail) => std::format!("{head}{TRANSACTION_ID}{tail}"),
        }
    }
}

/// One row of [`USUAL`]: an action and the central system's usual answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usual {
    /// The CALL's action.
    pub action: Action,
    /// Its name on the wire (`action.as_str()`, kept for a cheap search).
    pub name: &'static str,
    /// The CALLRESULT's payload.
    pub payload: Payload,
}

impl Usual {
    /// The row answering `action` with `payload`.
    pub const fn new(action: Action, payload: Payload) -> Self {
        Usual {
            action,
            name: action.as_str(),
            payload,
        }
    }
}

/// The central system's usual answers, the one table (BENCHMARK.md, "The
/// standard session"): BootNotification Accepted, interval
/// [`HEARTBEAT_INTERVAL_SECS`], its clock; Heartbeat its clock; Authorize
/// and StopTransaction Accepted; StartTransaction transactionId
/// [`TRANSACTION_ID`], Accepted; StatusNotification and MeterValues `{}`.
/// Every other CALL gets [`Payload::EMPTY`].
///
/// A new operation's usual answer is one row here; `tests/table.rs` checks
/// every row against the action's official response schema. The rows are
/// searched in order: the standard session's most frequent CALLs come first.
pub const USUAL: &[Usual] = &[
    Usual::new(Action::MeterValues, Payload::EMPTY),
    Usual::new(Action::StatusNotification, Payload::EMPTY),
    Usual::new(
        Action::Heartbeat,
        Payload::Clock(r#"{"currentTime":""#, r#""}"#),
    ),
    Usual::new(
        Action::Authorize,
        Payload::Fixed(r#"{"idTagInfo":{"status":"Accepted"}}"#),
    ),
    Usual::new(
        Action::StartTransaction,
        Payload::Transaction(
            r#"{"transactionId":"#,
            r#","idTagInfo":{"status":"Accepted"}}"#,
        ),
    ),
    Usual::new(
        Action::StopTransaction,
        Payload::Fixed(r#"{"idTagInfo":{"status":"Accepted"}}"#),
    ),
    Usual::new(
        Action::BootNotification,
        Payload::Clock(
            r#"{"status":"Accepted","currentTime":""#,
            r#"","interval":300}"#,
        ),
    ),
];

/// The row of [`USUAL`] for the action named `name`, if it has one.
pub fn row(name: &str) -> Option<&'static Usual> {
    USUAL.iter().find(|u| u.name == name)
}

/// The usual answer to a CALL of the action named `name` (any name, also
/// one the model does not know): its row's payload, or [`Payload::EMPTY`].
pub fn usual(name: &str) -> Payload {
    row(name).map_or(Payload::EMPTY, |u| u.payload)
}

/// What the central system answers to one action, when a test says
/// otherwise than [`USUAL`] (see [`CentralSystem::answer`](crate::CentralSystem::answer)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Answer {
    /// The row of [`USUAL`] (or `{}`).
    #[default]
    Usual,
    /// A CALLRESULT with this payload, e.g. `{"idTagInfo":{"status":"Invalid"}}`.
    Result(&'static str),
    /// A CALLERROR with this code and description (errorDetails `{}`).
    CallError(ErrorCode, &'static str),
    /// No answer at all: the charge point's call timeout runs out.
    Silent,
}

/// The central system's wall-clock time at the charge point's instant
/// `now`: [`WALL_AT_START`] at [`START`], running with the virtual clock
/// (to the millisecond; before [`START`] it reads earlier).
pub fn wall_clock(now: Instant) -> DateTime {
    let ms = i64::try_from(now.as_millis()).unwrap_or(i64::MAX);
    let start = START.as_millis() as i64;
    DateTime::from_unix_millis(WALL_AT_START_MS.saturating_add(ms - start))
}

/// Writes the CALLRESULT `[3,"id",payload]` into `out`; its length, or
/// `None` when it does not fit.
pub fn write_result(out: &mut [u8], id: &[u8], payload: &Payload, now: Instant) -> Option<usize> {
    write_answer(out, id, payload, now, TRANSACTION_ID)
}

/// [`write_result`] with `transaction_id` in a [`Payload::Transaction`].
pub(crate) fn write_answer(
    out: &mut [u8],
    id: &[u8],
    payload: &Payload,
    now: Instant,
    transaction_id: i32,
) -> Option<usize> {
    let mut w = Writer::new(out);
    w.put(b"[3,\"")?;
    w.put(id)?;
    w.put(b"\",")?;
    w.payload(payload, now, transaction_id)?;
    w.put(b"]")?;
    Some(w.len)
}

/// Writes the CALLERROR `[4,"id","code","description",{}]` into `out`;
/// its length, or `None` when it does not fit. `description` is written as
/// it is: no quotes or backslashes in it.
pub fn write_error(out: &mut [u8], id: &[u8], code: ErrorCode, description: &str) -> Option<usize> {
    let mut w = Writer::new(out);
    for part in [
        b"[4,\"".as_slice(),
        id,
        b"\",\"",
        code.as_str().as_bytes(),
        b"\",\"",
        description.as_bytes(),
        b"\",{}]",
    ] {
        w.put(part)?;
    }
    Some(w.len)
}

/// Appends byte strings to a slice.
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pub(crate) len: usize,
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Writer { buf, len: 0 }
    }

    pub(crate) fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.len + bytes.len();
        self.buf.get_mut(self.len..end)?.copy_from_slice(bytes);
        self.len = end;
        Some(())
    }

    fn payload(&mut self, payload: &Payload, now: Instant, transaction_id: i32) -> Option<()> {
        match *payload {
            Payload::Fixed(text) => self.put(text.as_bytes()),
            Payload::Clock(head, tail) => {
                let mut buf = [0u8; 24];
                self.put(head.as_bytes())?;
                self.put(wall_clock(now).write(&mut buf).as_bytes())?;
                self.put(tail.as_bytes())
            }
            Payload::Transaction(head, tail) => {
                self.put(head.as_bytes())?;
                self.int(transaction_id)?;
                self.put(tail.as_bytes())
            }
        }
    }

    /// `n` in decimal.
    fn int(&mut self, n: i32) -> Option<()> {
        let mut digits = [0u8; 11];
        let mut at = digits.len();
        let mut m = n.unsigned_abs();
        loop {
            at -= 1;
            digits[at] = b'0' + (m % 10) as u8;
            m /= 10;
            if m == 0 {
                break;
            }
        }
        if n < 0 {
            at -= 1;
            digits[at] = b'-';
        }
        self.put(&digits[at..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn text(p: &Payload, now: Instant) -> &'static str {
        let mut buf = [0u8; 128];
        let n = p.write(now, &mut buf).unwrap();
        std::string::String::from_utf8(buf[..n].to_vec())
            .unwrap()
            .leak()
    }

    #[test]
    fn the_clock_starts_at_ten_and_runs_with_the_virtual_one() {
        assert_eq!(
            wall_clock(START),
            DateTime::parse(WALL_AT_START).unwrap(),
            "WALL_AT_START_MS"
        );
        let later = Instant::from_millis(START.as_millis() + 50_400_000 + 61_000);
        assert_eq!(
            text(&usual("Heartbeat"), later),
            r#"{"currentTime":"2026-11-26T00:01:01Z"}"#
        );
        let ms = Instant::from_millis(START.as_millis() + 1_500);
        assert_eq!(wall_clock(ms).to_string(), "2026-11-25T10:00:01.500Z");
        assert_eq!(
            wall_clock(Instant::from_millis(0)).to_string(),
            "2026-11-25T09:59:59Z"
        );
    }

    #[test]
    fn the_table_says_what_its_constants_say() {
        let boot = text(&usual("BootNotification"), START);
        assert_eq!(
            boot,
            r#"{"status":"Accepted","currentTime":"2026-11-25T10:00:00Z","interval":300}"#
        );
        assert!(boot.contains(&std::format!("\"interval\":{HEARTBEAT_INTERVAL_SECS}}}")));
        let start = text(&usual("StartTransaction"), START);
        assert!(start.contains(&std::format!("\"transactionId\":{TRANSACTION_ID},")));
        for u in USUAL {
            assert_eq!(u.name, u.action.as_str());
            assert_eq!(row(u.name), Some(u));
        }
        assert_eq!(usual("DataTransfer"), Payload::EMPTY);
        assert_eq!(usual("MyVendorAction"), Payload::EMPTY);
    }

    #[test]
    fn writes_frames_or_says_they_do_not_fit() {
        let mut buf = [0u8; 64];
        let n = write_result(&mut buf, b"7", &usual("Authorize"), START).unwrap();
        assert_eq!(&buf[..n], br#"[3,"7",{"idTagInfo":{"status":"Accepted"}}]"#);
        let n = write_error(&mut buf, b"8", ErrorCode::InternalError, "scripted").unwrap();
        assert_eq!(&buf[..n], br#"[4,"8","InternalError","scripted",{}]"#);
        let mut small = [0u8; 10];
        assert_eq!(
            write_result(&mut small, b"7", &Payload::EMPTY, START),
            Some(10)
        );
        assert_eq!(
            write_result(&mut small[..9], b"7", &Payload::EMPTY, START),
            None
        );
        assert_eq!(usual("Heartbeat").write(START, &mut small), None);
    }

    #[test]
    fn writes_the_transaction_id_it_is_given() {
        let start = usual("StartTransaction");
        let mut buf = [0u8; 128];
        for (id, text) in [(42, "42"), (0, "0"), (-7, "-7"), (i32::MIN, "-2147483648")] {
            let n = write_answer(&mut buf, b"1", &start, START, id).unwrap();
            let want = std::format!(
                r#"[3,"1",{{"transactionId":{text},"idTagInfo":{{"status":"Accepted"}}}}]"#
            );
            assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), want);
        }
        assert_eq!(
            std::format!("{}", text(&start, START)),
            std::format!(
                r#"{{"transactionId":{TRANSACTION_ID},"idTagInfo":{{"status":"Accepted"}}}}"#
            )
        );
    }
}

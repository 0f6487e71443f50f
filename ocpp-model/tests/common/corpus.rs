//! The malformed-frame corpus machinery: a case with its exact expected
//! outcome, and the three checks every corpus runs (expected outcomes, the
//! oracle's agreement, strictness only where documented).

use ocpp_model::*;

use super::{decode_as, naive_date_times_as_utc, oracle, ours, pool, schema_json, validator};

use ErrorCode::*;

/// What must happen to a frame.
#[derive(Clone, Copy, Debug)]
pub enum Outcome {
    /// `Frame::parse` fails with this kind; the engine answers a CALLERROR
    /// with this code (`Some`) or ignores the frame (`None`).
    Rejected(FrameErrorKind, Option<ErrorCode>),
    /// The frame parses but its action is unknown: the engine answers
    /// `NotImplemented`.
    UnknownAction,
    /// The frame parses; decoding its payload fails with this code and reason.
    Invalid(ErrorCode, &'static str),
    /// Parses and decodes.
    Valid,
}
pub use Outcome::*;

pub struct Case {
    /// The schema the payload is meant for.
    pub msg: &'static str,
    pub input: Vec<u8>,
    pub outcome: Outcome,
    /// The schema alone (serde_json + jsonschema, no size/depth limits, no
    /// CiString charset, no i32 range; date-times without an offset read as
    /// UTC, as we read them) accepts this input although we do not.
    pub stricter_than_schema: bool,
    /// The oracle rejects this input although we accept it (documented).
    pub more_lenient: bool,
}

pub fn case(msg: &'static str, input: impl AsRef<[u8]>, outcome: Outcome) -> Case {
    Case {
        msg,
        input: input.as_ref().to_vec(),
        outcome,
        stricter_than_schema: false,
        more_lenient: false,
    }
}

/// A case the oracle rejects although we accept it, as documented: e.g.
/// serde-json-core reads `-0` as the integer 0; serde_json reads it as the
/// float -0.0, which draft-04 `integer` refuses. (Date-times without an
/// offset are another, but the oracle models that one: see
/// `naive_date_times_as_utc`.)
pub fn lenient(msg: &'static str, input: impl AsRef<[u8]>, outcome: Outcome) -> Case {
    Case {
        more_lenient: true,
        ..case(msg, input, outcome)
    }
}

/// A case the bare schema accepts although we do not, as documented.
pub fn stricter(msg: &'static str, input: impl AsRef<[u8]>, outcome: Outcome) -> Case {
    Case {
        stricter_than_schema: true,
        ..case(msg, input, outcome)
    }
}

pub const OCC: ErrorCode = OccurenceConstraintViolation;
pub const TYPE: ErrorCode = TypeConstraintViolation;
pub const PROP: ErrorCode = PropertyConstraintViolation;

/// Every case has its expected outcome, and leaks nothing.
pub fn check_outcomes(cases: &[Case]) {
    let pool = pool();
    let alloc = &*pool;
    for (i, c) in cases.iter().enumerate() {
        let shown = String::from_utf8_lossy(&c.input[..c.input.len().min(120)]).into_owned();
        let parsed = Frame::parse(&c.input, &Limits::DEFAULT);
        match (c.outcome, parsed) {
            (Rejected(kind, reply), Err(e)) => {
                assert_eq!(e.kind, kind, "case {i}: {shown}");
                assert_eq!(e.reply().map(|(_, code)| code), reply, "case {i}: {shown}");
            }
            (UnknownAction, Ok(Frame::Call { action, .. })) => {
                assert_eq!(
                    Action::parse(action),
                    Err(UnknownVariant),
                    "case {i}: {shown}"
                );
            }
            (Invalid(code, reason), Ok(f)) => {
                let payload = match f {
                    Frame::Call {
                        action, payload, ..
                    } => {
                        assert_eq!(action, c.msg, "case {i}");
                        payload
                    }
                    Frame::CallResult { payload, .. } => payload,
                    Frame::CallError { .. } => panic!("case {i}: a CALLERROR"),
                };
                assert_eq!(
                    decode_as(c.msg, payload, alloc),
                    Err(DecodeError::new(code, reason)),
                    "case {i}: {shown}"
                );
            }
            (Valid, Ok(_)) => {
                assert_eq!(ours(c.msg, &c.input, alloc), Ok(()), "case {i}: {shown}");
            }
            (outcome, parsed) => panic!("case {i}: {shown}: expected {outcome:?}, got {parsed:?}"),
        }
        check_deferred(&c.input, alloc, &shown);
        assert_eq!(pool.stats().in_use, 0, "case {i}: leaked");
    }
}

/// `Frame::parse_deferred` keeps `Frame::parse`'s verdict: the same frame
/// when it checked the payload; when it deferred the check, either the
/// payload decodes and `Frame::parse` gives the same frame, or the payload
/// is refused by its decoder too (a malformed payload as
/// `FormationViolation`).
fn check_deferred<A: Allocator + Clone>(input: &[u8], alloc: A, shown: &str) {
    for max_depth in [MAX_MESSAGE_DEPTH - 1, MAX_MESSAGE_DEPTH, 8] {
        let limits = Limits::new(Limits::DEFAULT.max_frame_len, max_depth);
        let full = Frame::parse(input, &limits);
        match Frame::parse_deferred(input, &limits) {
            Ok((frame, PayloadCheck::Checked)) => assert_eq!(Ok(frame), full, "{shown}"),
            Err(e) => assert_eq!(Err(e), full, "{shown}"),
            Ok((frame, PayloadCheck::Deferred)) => {
                assert!(max_depth >= MAX_MESSAGE_DEPTH, "{shown}");
                let (msg, payload) = match frame {
                    Frame::Call {
                        action, payload, ..
                    } => (action, payload),
                    Frame::CallResult { payload, .. } => ("BootNotificationResponse", payload),
                    Frame::CallError { .. } => panic!("{shown}: a deferred CALLERROR"),
                };
                // Any type: a payload it decodes is one the frame check takes.
                let own = Action::parse(msg).is_ok().then_some(msg);
                let others = ["MeterValues", "RemoteStartTransaction", "DataTransfer"];
                for msg in own.into_iter().chain(others) {
                    let decoded = decode_as(msg, payload, alloc.clone());
                    match (&decoded, &full) {
                        (Ok(()), full) => assert_eq!(full, &Ok(frame), "{shown} as {msg}"),
                        (Err(_), Ok(f)) => assert_eq!(f, &frame, "{shown}"),
                        (Err(e), Err(_)) => {
                            assert_eq!(e.code, FormationViolation, "{shown} as {msg}: {e:?}")
                        }
                    }
                }
            }
        }
    }
}

/// The oracle (serde_json, the official schema with date-times without an
/// offset read as UTC, the documented stricter rules) agrees with every
/// verdict but the `lenient` ones.
pub fn check_oracle(cases: &[Case]) {
    let pool = pool();
    for (i, c) in cases.iter().enumerate() {
        let schema = schema_json(c.msg);
        let v = validator(c.msg);
        let our = ours(c.msg, &c.input, &*pool);
        let theirs = oracle(c.msg, &c.input, &v, &schema);
        let shown = String::from_utf8_lossy(&c.input[..c.input.len().min(120)]).into_owned();
        assert_eq!(
            our.is_ok(),
            theirs.is_ok() != c.more_lenient,
            "case {i}: {shown}\n ours: {our:?}\n oracle: {theirs:?}"
        );
        assert_eq!(our.is_ok(), matches!(c.outcome, Valid), "case {i}");
    }
}

/// Where we are stricter than the bare schema is exactly the flagged cases.
/// The schema judges the payload with date-times without an offset read as
/// UTC (accepted on purpose, so never a strictness of ours).
pub fn check_stricter(cases: &[Case]) {
    for (i, c) in cases.iter().enumerate() {
        let v = validator(c.msg);
        let schema = schema_json(c.msg);
        let schema_alone = serde_json::from_slice::<serde_json::Value>(&c.input)
            .ok()
            .and_then(|frame| {
                let arr = frame.as_array()?.clone();
                let ok_shape = match arr.first()?.as_u64()? {
                    2 => arr.len() == 4 && arr[2].as_str() == Some(c.msg),
                    3 => arr.len() == 3,
                    _ => false,
                };
                // OCPP-J: at most 36 characters (we hold 36 bytes).
                let id_ok = arr
                    .get(1)?
                    .as_str()
                    .is_some_and(|id| !id.is_empty() && id.chars().count() <= 36);
                let mut payload = arr.last()?.clone();
                naive_date_times_as_utc(&schema, &mut payload);
                Some(ok_shape && id_ok && payload.is_object() && v.is_valid(&payload))
            })
            == Some(true);
        let we_accept = matches!(c.outcome, Valid);
        assert_eq!(
            schema_alone && !we_accept,
            c.stricter_than_schema,
            "case {i}: {}",
            String::from_utf8_lossy(&c.input[..c.input.len().min(120)])
        );
    }
}

/// A CALL of `action` with this payload.
pub fn call(action: &str, payload: &str) -> String {
    format!(r#"[2,"c","{action}",{payload}]"#)
}

/// A CALLRESULT with this payload.
pub fn result(payload: &str) -> String {
    format!(r#"[3,"r",{payload}]"#)
}

/// `n` copies of `item`, comma-separated.
pub fn items(item: &str, n: usize) -> String {
    vec![item; n].join(",")
}

/// The default `max_items`.
pub fn max() -> usize {
    usize::from(Limits::DEFAULT.max_items)
}

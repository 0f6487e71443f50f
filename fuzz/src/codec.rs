//! The codec, differential: any bytes into [`Frame::parse`] and, for a CALL
//! or a CALLRESULT, the decoder of the message it may carry, judged against
//! the oracle of `ocpp-model/tests/common` (serde_json, the official
//! draft-04 schemas with formats, and the rules where this crate is
//! documented to be stricter than the schemas).
//!
//! Where the verdicts are compared:
//! - a CALL whose action is a message we decode (by our parse, or by
//!   serde_json's reading of the bytes): ours and the oracle's, for that
//!   action's request;
//! - a CALLRESULT (ours or serde_json's): for every response type, since a
//!   CALLRESULT does not name its action.
//!
//! Where we are deliberately stricter than the bare schemas, the oracle
//! carries the same rule (`extra_rule_violation`, `oracle` in
//! `ocpp-model/tests/common/mod.rs`), so these are compared, not skipped:
//! CiStrings are printable ASCII (the schemas give only `maxLength`, which
//! they check too), integers fit `i32`, decimals fit `i32` tenths, arrays
//! hold at most `Limits::DEFAULT.max_items`, `sampledValue` is never empty,
//! no duplicate keys, the frame size and nesting-depth limits, message ids
//! of 1 to 36 bytes. Where we are more lenient, the oracle models it
//! (date-times without an offset read as UTC) or this target allows it:
//! `-0` is the integer 0 for us and the float -0.0, which draft-04
//! `integer` refuses, for serde_json. Not compared: which CALLERROR code
//! (the oracle has none).
//!
//! Also checked: the route the engine takes, `Frame::parse_deferred` with
//! the payload checked by its decoder alone, gives the verdict of
//! `Frame::parse` then the decoder (`common::ours` compares the two); our
//! parse and decode take nothing from the global heap,
//! whatever the bytes (error paths included), counted by
//! `ocpp_alloc::CountingGlobal`, which the binary must register.

use std::collections::HashMap;
use std::sync::OnceLock;

use ocpp_alloc::{CountingGlobal, HostPool, Talc};
use ocpp_model::{Allocator, DecodeError, Frame, FrameErrorKind, Limits};
use serde_json::Value;

use crate::common::{core_profile::CORE, decode_as, oracle, schema_json, validator, SLICE};

/// Every message we decode, by schema name.
pub fn names() -> impl Iterator<Item = &'static str> {
    SLICE.iter().chain(CORE).copied().chain([
        "DataTransfer",
        "DataTransferResponse",
        "TriggerMessage",
        "TriggerMessageResponse",
    ])
}

type Oracles = HashMap<&'static str, (jsonschema::Validator, Value)>;

fn oracles() -> &'static Oracles {
    static ORACLES: OnceLock<Oracles> = OnceLock::new();
    ORACLES.get_or_init(|| {
        names()
            .map(|n| (n, (validator(n), schema_json(n))))
            .collect()
    })
}

/// Whether the JSON text holds a `-0` (serde_json: the float -0.0).
fn has_negative_zero(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative()),
        Value::Array(a) => a.iter().any(has_negative_zero),
        Value::Object(o) => o.values().any(has_negative_zero),
        _ => false,
    }
}

/// Why our side refused a frame as message `name`.
#[derive(Debug)]
enum Refused {
    Frame(FrameErrorKind),
    OtherKindOrAction,
    Decode(DecodeError),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Frame(kind) => write!(f, "{kind:?}"),
            Refused::OtherKindOrAction => f.write_str("other frame kind or action"),
            Refused::Decode(e) => write!(f, "{e}"),
        }
    }
}

/// Our verdict on `data` as message `name` (as `common::ours`, without its
/// strings), and how many global-heap requests it took.
fn ours<A: Allocator + Clone>(name: &str, data: &[u8], a: A) -> (Result<(), Refused>, usize) {
    CountingGlobal::count(|| {
        let f = Frame::parse(data, &Limits::DEFAULT).map_err(|e| Refused::Frame(e.kind))?;
        let payload = match (f, name.ends_with("Response")) {
            (
                Frame::Call {
                    action, payload, ..
                },
                false,
            ) if action == name => payload,
            (Frame::CallResult { payload, .. }, true) => payload,
            _ => return Err(Refused::OtherKindOrAction),
        };
        decode_as(name, payload, a).map_err(Refused::Decode)
    })
}

/// One input; panics on a disagreement, a global allocation, a leak, or a
/// panic of ours.
pub fn run(data: &[u8]) {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    assert!(
        *INSTALLED.get_or_init(CountingGlobal::is_installed),
        "the binary must register ocpp_alloc::CountingGlobal as its #[global_allocator]"
    );
    let pool = HostPool::<Talc>::new(64 * 1024);
    let parsed = Frame::parse(data, &Limits::DEFAULT);
    let json: Option<Value> = serde_json::from_slice(data).ok();
    let arr = json.as_ref().and_then(Value::as_array);
    let kind = arr.and_then(|a| a.first()?.as_u64());

    let mut compare: Vec<&'static str> = Vec::new();
    let requests = names().filter(|n| !n.ends_with("Response"));
    let json_action = arr.and_then(|a| a.get(2)?.as_str());
    for name in requests {
        let ours_names_it = matches!(&parsed, Ok(Frame::Call { action, .. }) if *action == name);
        let json_names_it = kind == Some(2) && json_action == Some(name);
        if ours_names_it || json_names_it {
            compare.push(name);
        }
    }
    if matches!(parsed, Ok(Frame::CallResult { .. })) || kind == Some(3) {
        compare.extend(names().filter(|n| n.ends_with("Response")));
    }

    let lenient = json.as_ref().is_some_and(has_negative_zero);
    for name in compare {
        let (v, schema) = &oracles()[name];
        let (our, allocations) = ours(name, data, &*pool);
        let our = our.map_err(|refused| refused.to_string());
        assert_eq!(
            allocations,
            0,
            "{name}: our parse and decode took from the global heap: {}",
            String::from_utf8_lossy(data)
        );
        // The engine's route (`Frame::parse_deferred`, the payload checked
        // by its decoder) gives the same verdict: `common::ours` asserts it.
        assert_eq!(
            crate::common::ours(name, data, &*pool).is_ok(),
            our.is_ok(),
            "{name}"
        );
        let theirs = oracle(name, data, v, schema);
        assert!(
            our.is_ok() == theirs.is_ok() || (lenient && our.is_ok()),
            "{name}: {}\n ours: {our:?}\n oracle: {theirs:?}",
            String::from_utf8_lossy(data)
        );
        assert_eq!(pool.stats().in_use, 0, "{name}: a decode leaked");
    }
    assert_eq!(pool.stats().in_use, 0, "the pool is empty after drop");
}

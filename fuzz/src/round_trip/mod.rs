//! Round trip, structured: the fuzzer's bytes become (through
//! `arbitrary::Unstructured`, see [`gen`]) one typed message of any Core
//! action or TriggerMessage, request or response, with knobs for the
//! bounds: a message id, the buffer given to the encoder, the frame size
//! limit and `max_items` given to the decoder. Then:
//!
//! 1. the value encodes (CALL or CALLRESULT) into a large buffer, and into
//!    the knob's buffer: the same bytes where they fit, else
//!    `EncodeError::BufferFull` and nothing else; the payload is, byte for
//!    byte, what serde-json-core writes of the value's `Serialize` (the
//!    encoder generated from the tables against serde's route);
//! 2. the frame is JSON of the OCPP-J shape whose payload validates against
//!    the official schema, with no duplicate key and no `null`, and follows
//!    the rules where this crate is documented to be stricter than the
//!    schemas (`extra_rule_violation`, when no array is over the default
//!    `max_items`);
//! 3. [`Frame::parse`] with the knob's limits gives back the id and the
//!    action, and the payload decodes (in its own pool) to a value equal to
//!    the original; or, the only other outcomes allowed: the frame is over
//!    `max_frame_len` (`FrameErrorKind::TooLarge`), or an array is over
//!    `max_items` (`OccurenceConstraintViolation`, "more items than this
//!    charge point accepts");
//! 4. neither encoding nor parsing, decoding, comparing and dropping takes
//!    anything from the global heap (`ocpp_alloc::CountingGlobal`, which the
//!    binary must register: checked), and both pools, the one the value was
//!    built in and the one it was decoded into, hold 0 bytes at the end.
//!
//! The generator also checks the model's constructors: a CiString, an
//! idTag or a message id drawn over its bound must be refused with the
//! documented error.

pub mod gen;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::OnceLock;

use arbitrary::Unstructured;
use ocpp_alloc::{CountingGlobal, HostPool, Pool, Talc};
use ocpp_model::*;
use serde::Serialize;
use serde_json::Value;

use crate::common::{assert_valid_frame, extra_rule_violation, schema_json, validator};
use gen::Gen;

type A = &'static Pool<Talc>;

/// Every message generated, by schema name: the first choice of an input.
pub const MESSAGES: &[&str] = &[
    "Authorize",
    "AuthorizeResponse",
    "BootNotification",
    "BootNotificationResponse",
    "ChangeAvailability",
    "ChangeAvailabilityResponse",
    "ChangeConfiguration",
    "ChangeConfigurationResponse",
    "ClearCache",
    "ClearCacheResponse",
    "DataTransfer",
    "DataTransferResponse",
    "GetConfiguration",
    "GetConfigurationResponse",
    "Heartbeat",
    "HeartbeatResponse",
    "MeterValues",
    "MeterValuesResponse",
    "RemoteStartTransaction",
    "RemoteStartTransactionResponse",
    "RemoteStopTransaction",
    "RemoteStopTransactionResponse",
    "Reset",
    "ResetResponse",
    "StartTransaction",
    "StartTransactionResponse",
    "StatusNotification",
    "StatusNotificationResponse",
    "StopTransaction",
    "StopTransactionResponse",
    "TriggerMessage",
    "TriggerMessageResponse",
    "UnlockConnector",
    "UnlockConnectorResponse",
];

/// The largest frame the generator can make from a 4 KiB input is far
/// below this.
const BIG: usize = 1 << 20;

/// The pools the values are built in and decoded into (4 MiB each: never
/// the bound that refuses).
fn pools() -> &'static (HostPool<Talc>, HostPool<Talc>) {
    static P: OnceLock<(HostPool<Talc>, HostPool<Talc>)> = OnceLock::new();
    P.get_or_init(|| (HostPool::new(4 << 20), HostPool::new(4 << 20)))
}

type Oracles = HashMap<&'static str, (jsonschema::Validator, Value)>;

fn oracles() -> &'static Oracles {
    static O: OnceLock<Oracles> = OnceLock::new();
    O.get_or_init(|| {
        MESSAGES
            .iter()
            .map(|&n| (n, (validator(n), schema_json(n))))
            .collect()
    })
}

thread_local! {
    static BUF: RefCell<Vec<u8>> = RefCell::new(vec![0; BIG]);
}

/// The bounds of one run.
#[derive(Debug)]
pub struct Knobs {
    pub id: MessageId,
    pub limits: Limits,
    /// The encoder's buffer is the frame's length plus this (clamped at 0).
    pub slack: isize,
}

fn knobs(g: &mut Gen<'_, A>) -> Knobs {
    let id = message_id(g);
    let max_frame_len = match g.byte() {
        0..=191 => Limits::DEFAULT.max_frame_len,
        _ => g.within(0, 2 * Limits::DEFAULT.max_frame_len),
    };
    let max_items = if g.chance(64) {
        g.within(0, 8)
    } else {
        usize::from(Limits::DEFAULT_MAX_ITEMS)
    };
    g.max_items = max_items;
    let slack = match g.byte() {
        0..=191 => 0,
        b @ 192..=223 => isize::from(b - 192),
        _ => -(g.within(1, 80) as isize),
    };
    Knobs {
        id,
        limits: Limits::new(max_frame_len, 8).with_max_items(max_items as u16),
        slack,
    }
}

/// A message id of 1 to 36 bytes (counters, UUIDs, any characters); now and
/// then first one over 36 bytes, which `MessageId::new` must refuse.
fn message_id(g: &mut Gen<'_, A>) -> MessageId {
    if g.chance(16) {
        let long: String = (0..g.within(37, 44)).map(|_| g.printable()).collect();
        assert_eq!(MessageId::new(&long), None, "{long:?} is over 36 bytes");
    }
    let s = match g.byte() % 4 {
        0 => format!("{}", g.within(0, u32::MAX as usize)),
        1 => "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d".to_owned(),
        _ => {
            let s = <&str as arbitrary::Arbitrary>::arbitrary(&mut g.u).unwrap_or("");
            let mut end = s.len().min(MAX_MESSAGE_ID_LEN);
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s[..end].to_owned()
        }
    };
    match MessageId::new(&s) {
        Some(id) => id,
        None => {
            assert!(
                s.is_empty(),
                "{s:?} (1 to 36 bytes) refused as a message id"
            );
            MessageId::from_u32(1)
        }
    }
}

/// `OCPP_FUZZ_TRACE=1`: each frame and its knobs on stderr.
fn trace() -> bool {
    static T: OnceLock<bool> = OnceLock::new();
    *T.get_or_init(|| std::env::var_os("OCPP_FUZZ_TRACE").is_some())
}

/// The schema name of the message an input makes (its first choice).
pub fn message_of(data: &[u8]) -> &'static str {
    let mut u = Unstructured::new(data);
    MESSAGES[u.choose_index(MESSAGES.len()).unwrap_or(0)]
}

/// One input; panics on a failed round trip, a global allocation, a leak.
pub fn run(data: &[u8]) {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    assert!(
        *INSTALLED.get_or_init(CountingGlobal::is_installed),
        "the binary must register ocpp_alloc::CountingGlobal as its #[global_allocator]"
    );
    let (values, decoded) = pools();
    let (values, decoded): (A, A) = (values, decoded);
    let name = message_of(data);
    let mut g = Gen::new(Unstructured::new(data), values, 0);
    let _ = g.below(MESSAGES.len()); // the choice `message_of` read
    let k = knobs(&mut g);
    generate_and_check(name, &mut g, &k, decoded);
    assert_eq!(values.stats().in_use, 0, "{name}: the value leaked");
    assert_eq!(
        decoded.stats().in_use,
        0,
        "{name}: the decoded value leaked"
    );
}

fn generate_and_check(name: &'static str, g: &mut Gen<'_, A>, k: &Knobs, pool: A) {
    macro_rules! req {
        ($action:ident, $value:expr) => {{
            let v = $value;
            check(k, name, Some(Action::$action), &v, g.longest, pool)
        }};
    }
    macro_rules! res {
        ($value:expr) => {{
            let v = $value;
            check(k, name, None, &v, g.longest, pool)
        }};
    }
    match name {
        "Authorize" => req!(
            Authorize,
            AuthorizeRequest {
                id_tag: g.id_token()
            }
        ),
        "AuthorizeResponse" => res!(AuthorizeResponse {
            id_tag_info: g.id_tag_info()
        }),
        "BootNotification" => req!(BootNotification, g.boot_notification()),
        "BootNotificationResponse" => res!(BootNotificationResponse {
            status: g.pick(RegistrationStatus::ALL),
            current_time: g.datetime(),
            interval: g.i32(),
        }),
        "ChangeAvailability" => req!(
            ChangeAvailability,
            ChangeAvailabilityRequest {
                connector_id: g.i32(),
                kind: g.pick(AvailabilityType::ALL),
            }
        ),
        "ChangeAvailabilityResponse" => res!(ChangeAvailabilityResponse {
            status: g.pick(AvailabilityStatus::ALL)
        }),
        "ChangeConfiguration" => req!(
            ChangeConfiguration,
            ChangeConfigurationRequest {
                key: g.ci(),
                value: g.ci(),
            }
        ),
        "ChangeConfigurationResponse" => res!(ChangeConfigurationResponse {
            status: g.pick(ConfigurationStatus::ALL)
        }),
        "ClearCache" => req!(ClearCache, ClearCacheRequest {}),
        "ClearCacheResponse" => res!(ClearCacheResponse {
            status: g.pick(ClearCacheStatus::ALL)
        }),
        "DataTransfer" => req!(
            DataTransfer,
            DataTransferRequest {
                vendor_id: g.ci(),
                message_id: g.opt_ci(),
                data: g.maybe(Gen::text),
            }
        ),
        "DataTransferResponse" => res!(DataTransferResponse {
            status: g.pick(DataTransferStatus::ALL),
            data: g.maybe(Gen::text),
        }),
        "GetConfiguration" => req!(
            GetConfiguration,
            GetConfigurationRequest {
                key: g.maybe(|g| g.items(0, Gen::ci)),
            }
        ),
        "GetConfigurationResponse" => res!(g.get_configuration_conf()),
        "Heartbeat" => req!(Heartbeat, HeartbeatRequest {}),
        "HeartbeatResponse" => res!(HeartbeatResponse {
            current_time: g.datetime()
        }),
        "MeterValues" => req!(MeterValues, g.meter_values()),
        "MeterValuesResponse" => res!(MeterValuesResponse {}),
        "RemoteStartTransaction" => req!(
            RemoteStartTransaction,
            RemoteStartTransactionRequest {
                connector_id: g.maybe(Gen::i32),
                id_tag: g.id_token(),
                charging_profile: g.maybe(Gen::charging_profile),
            }
        ),
        "RemoteStartTransactionResponse" => res!(RemoteStartTransactionResponse {
            status: g.pick(RemoteStartStopStatus::ALL)
        }),
        "RemoteStopTransaction" => req!(
            RemoteStopTransaction,
            RemoteStopTransactionRequest {
                transaction_id: g.i32()
            }
        ),
        "RemoteStopTransactionResponse" => res!(RemoteStopTransactionResponse {
            status: g.pick(RemoteStartStopStatus::ALL)
        }),
        "Reset" => req!(
            Reset,
            ResetRequest {
                kind: g.pick(ResetType::ALL)
            }
        ),
        "ResetResponse" => res!(ResetResponse {
            status: g.pick(ResetStatus::ALL)
        }),
        "StartTransaction" => req!(
            StartTransaction,
            StartTransactionRequest {
                connector_id: g.i32(),
                id_tag: g.id_token(),
                meter_start: g.i32(),
                reservation_id: g.maybe(Gen::i32),
                timestamp: g.datetime(),
            }
        ),
        "StartTransactionResponse" => res!(StartTransactionResponse {
            id_tag_info: g.id_tag_info(),
            transaction_id: g.i32(),
        }),
        "StatusNotification" => req!(StatusNotification, g.status_notification()),
        "StatusNotificationResponse" => res!(StatusNotificationResponse {}),
        "StopTransaction" => req!(StopTransaction, g.stop_transaction()),
        "StopTransactionResponse" => res!(StopTransactionResponse {
            id_tag_info: g.maybe(Gen::id_tag_info)
        }),
        "TriggerMessage" => req!(
            TriggerMessage,
            TriggerMessageRequest {
                requested_message: g.pick(MessageTrigger::ALL),
                connector_id: g.maybe(Gen::i32),
            }
        ),
        "TriggerMessageResponse" => res!(TriggerMessageResponse {
            status: g.pick(TriggerMessageStatus::ALL)
        }),
        "UnlockConnector" => req!(
            UnlockConnector,
            UnlockConnectorRequest {
                connector_id: g.i32()
            }
        ),
        "UnlockConnectorResponse" => res!(UnlockConnectorResponse {
            status: g.pick(UnlockStatus::ALL)
        }),
        _ => unreachable!("{name} is in MESSAGES but not generated"),
    }
}

/// Steps 1 to 4 of the module doc for `value`, whose longest array has
/// `longest` items.
fn check<T>(k: &Knobs, name: &str, action: Option<Action>, value: &T, longest: usize, pool: A)
where
    T: Decode<A> + Serialize + ocpp_model::Encode + PartialEq + Debug,
{
    let encode = |buf: &mut [u8]| match action {
        Some(action) => encode_call(buf, &k.id, action, value),
        None => encode_call_result(buf, &k.id, value),
    };
    // 1. Encode, in a buffer that fits and in the knob's.
    let frame = BUF.with_borrow_mut(|buf| {
        let (r, n) = CountingGlobal::count(|| encode(buf));
        assert_eq!(n, 0, "{name}: encoding took from the global heap");
        let len = r.unwrap_or_else(|e| panic!("{name}: {e:?} in {BIG} bytes"));
        let frame = buf[..len].to_vec();
        let cap = len.saturating_add_signed(k.slack);
        let (r, n) = CountingGlobal::count(|| encode(&mut buf[..cap]));
        assert_eq!(n, 0, "{name}: encoding took from the global heap");
        if cap >= len {
            assert_eq!(r, Ok(len), "{name} in {cap} bytes");
            assert_eq!(buf[..len], frame[..], "{name}: another encoding");
        } else {
            assert_eq!(r, Err(EncodeError::BufferFull), "{name}: {len} in {cap}");
        }
        frame
    });
    // (A buffer the size of the frame: serde-json-core's bytes cannot be
    // longer than our payload if they are the same.)
    let mut oracle = vec![0u8; frame.len()];
    let m = serde_json_core::to_slice(value, &mut oracle).unwrap_or_else(|e| {
        let text = String::from_utf8_lossy(&frame);
        panic!("{name}: serde-json-core writes more than the encoder ({e:?}): {text}")
    });
    let payload = frame
        .len()
        .checked_sub(m + 1)
        .map(|at| &frame[at..frame.len() - 1]);
    assert_eq!(
        payload,
        Some(&oracle[..m]),
        "{name}: the encoder against serde-json-core: {}",
        String::from_utf8_lossy(&frame)
    );
    if trace() {
        let text = String::from_utf8_lossy(&frame);
        eprintln!("{k:?} longest array {longest}\n  {text}");
    }
    // 2. The schema, and our stricter rules.
    let (validator, schema) = &oracles()[name];
    assert_valid_frame(name, &frame, validator);
    if longest <= usize::from(Limits::DEFAULT_MAX_ITEMS) {
        let json: Value = serde_json::from_slice(&frame).expect("checked JSON");
        let payload = json.as_array().and_then(|a| a.last()).expect("checked");
        if let Some(broken) = extra_rule_violation(schema, payload) {
            panic!("{name}: {broken}: {}", String::from_utf8_lossy(&frame));
        }
    }
    // 3. and 4. Parse and decode back, or meet the one bound that refuses.
    let text = || String::from_utf8_lossy(&frame).into_owned();
    let ((), n) = CountingGlobal::count(|| {
        let parsed = Frame::parse(&frame, &k.limits);
        if frame.len() > k.limits.max_frame_len {
            let kind = parsed.map_err(|e| e.kind);
            assert_eq!(kind.err(), Some(FrameErrorKind::TooLarge), "{}", text());
            return;
        }
        let parsed = parsed.unwrap_or_else(|e| panic!("{e:?}: {}", text()));
        assert_eq!(parsed.id(), k.id, "{}", text());
        let payload = match (parsed, action) {
            (
                Frame::Call {
                    action: got,
                    payload,
                    ..
                },
                Some(action),
            ) => {
                assert_eq!(Action::parse(got), Ok(action), "{}", text());
                payload
            }
            (Frame::CallResult { payload, .. }, None) => payload,
            (other, _) => panic!("{other:?}: {}", text()),
        };
        match decode_with::<T, A>(payload, pool, &k.limits) {
            Ok(back) if longest <= usize::from(k.limits.max_items) => {
                assert_eq!(&back, value, "{}", text());
            }
            Ok(_) => panic!(
                "{name}: an array of {longest} items accepted over max_items {}: {}",
                k.limits.max_items,
                text()
            ),
            Err(e) => {
                let over = longest > usize::from(k.limits.max_items);
                assert!(
                    over && e.code == ErrorCode::OccurenceConstraintViolation
                        && e.reason
                            .ends_with(": more items than this charge point accepts"),
                    "{name}: {e:?} (longest array {longest}, max_items {}): {}",
                    k.limits.max_items,
                    text()
                );
            }
        }
    });
    assert_eq!(
        n, 0,
        "{name}: parsing or decoding took from the global heap"
    );
    assert_eq!(pool.stats().in_use, 0, "{name}: the decode leaked");
}

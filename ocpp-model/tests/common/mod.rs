//! Shared helpers of the integration tests: pools, a seeded generator of
//! message values, the schema oracle.
#![allow(dead_code, clippy::disallowed_types, clippy::disallowed_methods)]

use std::collections::HashSet;
use std::fmt;

use ocpp_model::*;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

pub mod core_profile;
pub mod corpus;
pub mod gen_core;
#[allow(unused_imports)]
pub use core_profile::{decode_core_as, CORE};

#[allow(unused_imports)]
pub use ocpp_alloc::{FailureInjector, FailurePlan, HostPool, Measured, Pool, Talc};

/// A fresh 64 KiB pool on the host heap.
pub fn pool() -> HostPool<Talc> {
    HostPool::new(64 * 1024)
}

/// xorshift64*: small, seeded, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    pub fn chance(&mut self, per_cent: u64) -> bool {
        self.below(100) < per_cent
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    /// Printable ASCII of 0..=max characters, biased towards the edges
    /// (empty, exactly max) and towards characters that need escaping.
    pub fn ci_text(&mut self, max: usize) -> String {
        let len = match self.below(4) {
            0 => 0,
            1 => max,
            _ => self.below(max as u64 + 1) as usize,
        };
        (0..len)
            .map(|_| match self.below(8) {
                0 => self.pick(&['"', '\\', '/', ' ', '~']),
                _ => char::from(0x20 + self.below(95) as u8),
            })
            .collect()
    }
    pub fn ci<const N: usize, A: Allocator>(&mut self, alloc: A) -> CiString<N, A> {
        CiString::try_from_str(&self.ci_text(N), alloc).unwrap()
    }
    pub fn opt_ci<const N: usize, A: Allocator>(&mut self, alloc: A) -> Option<CiString<N, A>> {
        self.chance(50).then(|| self.ci(alloc))
    }
    pub fn id_token(&mut self) -> IdToken {
        IdToken::try_from_str(&self.ci_text(IdToken::MAX_LEN)).unwrap()
    }
    pub fn opt_id_token(&mut self) -> Option<IdToken> {
        self.chance(50).then(|| self.id_token())
    }
    pub fn i32(&mut self) -> i32 {
        match self.below(4) {
            0 => self.pick(&[0, 1, -1, i32::MAX, i32::MIN]),
            1 => self.below(10) as i32,
            _ => self.next() as i32,
        }
    }
    pub fn datetime(&mut self) -> DateTime {
        let span = (DateTime::MAX.unix_millis() - DateTime::MIN.unix_millis()) as u64;
        let ms = DateTime::MIN.unix_millis() + self.below(span + 1) as i64;
        let ms = if self.chance(50) {
            ms - ms.rem_euclid(1000)
        } else {
            ms
        };
        DateTime::from_unix_millis(ms)
    }
    pub fn opt_datetime(&mut self) -> Option<DateTime> {
        self.chance(50).then(|| self.datetime())
    }
}

pub fn gen_boot_req<A: Allocator + Clone>(r: &mut Rng, a: A) -> BootNotificationRequest<A> {
    BootNotificationRequest {
        charge_point_vendor: r.ci(a.clone()),
        charge_point_model: r.ci(a.clone()),
        charge_point_serial_number: r.opt_ci(a.clone()),
        charge_box_serial_number: r.opt_ci(a.clone()),
        firmware_version: r.opt_ci(a.clone()),
        iccid: r.opt_ci(a.clone()),
        imsi: r.opt_ci(a.clone()),
        meter_type: r.opt_ci(a.clone()),
        meter_serial_number: r.opt_ci(a),
    }
}

pub fn gen_boot_conf(r: &mut Rng) -> BootNotificationResponse {
    BootNotificationResponse {
        status: r.pick(RegistrationStatus::ALL),
        current_time: r.datetime(),
        interval: r.i32(),
    }
}

pub fn gen_heartbeat_conf(r: &mut Rng) -> HeartbeatResponse {
    HeartbeatResponse {
        current_time: r.datetime(),
    }
}

pub fn gen_status_req<A: Allocator + Clone>(r: &mut Rng, a: A) -> StatusNotificationRequest<A> {
    StatusNotificationRequest {
        connector_id: r.i32(),
        error_code: r.pick(ChargePointErrorCode::ALL),
        info: r.opt_ci(a.clone()),
        status: r.pick(ChargePointStatus::ALL),
        timestamp: r.opt_datetime(),
        vendor_id: r.opt_ci(a.clone()),
        vendor_error_code: r.opt_ci(a),
    }
}

pub fn gen_authorize_req(r: &mut Rng) -> AuthorizeRequest {
    AuthorizeRequest {
        id_tag: r.id_token(),
    }
}

pub fn gen_id_tag_info(r: &mut Rng) -> IdTagInfo {
    IdTagInfo {
        expiry_date: r.opt_datetime(),
        parent_id_tag: r.opt_id_token(),
        status: r.pick(AuthorizationStatus::ALL),
    }
}

pub fn gen_authorize_conf(r: &mut Rng) -> AuthorizeResponse {
    AuthorizeResponse {
        id_tag_info: gen_id_tag_info(r),
    }
}

/// The eight message types of the slice, by schema name.
pub const SLICE: &[&str] = &[
    "BootNotification",
    "BootNotificationResponse",
    "Heartbeat",
    "HeartbeatResponse",
    "StatusNotification",
    "StatusNotificationResponse",
    "Authorize",
    "AuthorizeResponse",
];

/// Decodes `payload` as the message of schema `name` (dropping the value),
/// with the default limits.
pub fn decode_as<A: Allocator + Clone>(
    name: &str,
    payload: &[u8],
    a: A,
) -> Result<(), DecodeError> {
    match name {
        "BootNotification" => decode::<BootNotificationRequest<A>, A>(payload, a).map(drop),
        "BootNotificationResponse" => decode::<BootNotificationResponse, A>(payload, a).map(drop),
        "Heartbeat" => decode::<HeartbeatRequest, A>(payload, a).map(drop),
        "HeartbeatResponse" => decode::<HeartbeatResponse, A>(payload, a).map(drop),
        "StatusNotification" => decode::<StatusNotificationRequest<A>, A>(payload, a).map(drop),
        "StatusNotificationResponse" => {
            decode::<StatusNotificationResponse, A>(payload, a).map(drop)
        }
        "Authorize" => decode::<AuthorizeRequest, A>(payload, a).map(drop),
        "AuthorizeResponse" => decode::<AuthorizeResponse, A>(payload, a).map(drop),
        _ => decode_core_as(name, payload, a, &Limits::DEFAULT)
            .unwrap_or_else(|| panic!("no such message: {name}")),
    }
}

/// A generated value of schema `name`, encoded as its frame (CALL for a
/// request, CALLRESULT for a response).
pub fn gen_frame<A: Allocator + Clone>(name: &str, r: &mut Rng, a: A) -> Vec<u8> {
    let id = MessageId::from_u32(r.next() as u32);
    let mut buf = vec![0u8; 4096];
    let n = match name {
        "BootNotification" => {
            encode_call(&mut buf, &id, Action::BootNotification, &gen_boot_req(r, a))
        }
        "BootNotificationResponse" => encode_call_result(&mut buf, &id, &gen_boot_conf(r)),
        "Heartbeat" => encode_call(&mut buf, &id, Action::Heartbeat, &HeartbeatRequest {}),
        "HeartbeatResponse" => encode_call_result(&mut buf, &id, &gen_heartbeat_conf(r)),
        "StatusNotification" => encode_call(
            &mut buf,
            &id,
            Action::StatusNotification,
            &gen_status_req(r, a),
        ),
        "StatusNotificationResponse" => {
            encode_call_result(&mut buf, &id, &StatusNotificationResponse {})
        }
        "Authorize" => encode_call(&mut buf, &id, Action::Authorize, &gen_authorize_req(r)),
        "AuthorizeResponse" => encode_call_result(&mut buf, &id, &gen_authorize_conf(r)),
        _ => panic!("not in the slice: {name}"),
    }
    .unwrap();
    buf.truncate(n);
    buf
}

/// decode(encode(value)) == value through a whole frame (a CALL of
/// `action`, or a CALLRESULT), with nothing left in the pool; the payload
/// is what serde-json-core writes of the value's `Serialize`, byte for
/// byte; and every shorter buffer is refused.
#[track_caller]
pub fn round_trip<'p, T>(value: &T, action: Option<Action>, pool: &'p Pool<Talc>)
where
    T: Decode<&'p Pool<Talc>> + Encode + serde::Serialize + PartialEq + fmt::Debug,
{
    let id = MessageId::from_u32(7);
    let mut buf = [0u8; 4096];
    let n = match action {
        Some(action) => encode_call(&mut buf, &id, action, value),
        None => encode_call_result(&mut buf, &id, value),
    }
    .unwrap();
    let frame = Frame::parse(&buf[..n], &Limits::DEFAULT).unwrap();
    let payload = match (frame, action) {
        (
            Frame::Call {
                action: got,
                payload,
                ..
            },
            Some(action),
        ) => {
            assert_eq!(Action::parse(got), Ok(action));
            payload
        }
        (Frame::CallResult { payload, .. }, None) => payload,
        (f, _) => panic!("{f:?}"),
    };
    assert_eq!(frame.id(), id);
    let mut oracle = [0u8; 4096];
    let m = serde_json_core::to_slice(value, &mut oracle).unwrap();
    assert_eq!(
        payload,
        &oracle[..m],
        "the generated encoder against serde-json-core"
    );
    let before = pool.stats().in_use;
    let decoded: T = decode(payload, pool).unwrap();
    assert_eq!(&decoded, value, "{}", String::from_utf8_lossy(&buf[..n]));
    drop(decoded);
    assert_eq!(pool.stats().in_use, before);
    // The encoder refuses every buffer that is too short, and never panics.
    let mut short = vec![0u8; n - 1];
    let r = match action {
        Some(action) => encode_call(&mut short, &id, action, value),
        None => encode_call_result(&mut short, &id, value),
    };
    assert_eq!(r, Err(EncodeError::BufferFull));
}

// ---------------------------------------------------------------- schemas

/// The schema file `name`.json of the shared folder beside the checkout.
pub fn schema_json(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/../schemas/ocpp16/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// A draft-04 validator for schema `name`, formats checked.
pub fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema_json(name))
        .unwrap()
}

/// The schema's complaints about `instance` (empty: valid).
pub fn schema_errors(v: &jsonschema::Validator, instance: &serde_json::Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The stricter rules this crate documents on top of the schemas: strings
/// with a `maxLength` are CiStrings (printable ASCII only), integers are
/// written as integers and fit `i32`, decimals (`multipleOf` 0.1) fit `i32`
/// tenths, an array has at most
/// `Limits::DEFAULT.max_items` items, and a `sampledValue` array is never
/// empty (the 1.6 specification's 1..*, which StopTransaction's schema
/// omits; MeterValues' has it). `None` if `instance` follows them.
pub fn extra_rule_violation(
    schema: &serde_json::Value,
    instance: &serde_json::Value,
) -> Option<String> {
    use serde_json::Value;
    match (schema.get("type").and_then(Value::as_str), instance) {
        (Some("string"), Value::String(s)) if schema.get("maxLength").is_some() => {
            (!s.chars().all(|c| (' '..='~').contains(&c)))
                .then(|| format!("not printable ASCII: {s:?}"))
        }
        (Some("number"), Value::Number(n)) if schema.get("multipleOf").is_some() => {
            let tenths = (n.as_f64()? * 10.0).round();
            let ok = (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&tenths);
            (!ok).then(|| format!("not within i32 tenths: {n}"))
        }
        (Some("integer"), Value::Number(n)) => {
            let ok = n.as_i64().is_some_and(|i| i32::try_from(i).is_ok());
            (!ok).then(|| format!("not an i32: {n}"))
        }
        (Some("object"), Value::Object(map)) => {
            let props = schema.get("properties")?;
            map.iter().find_map(|(k, v)| {
                if k == "sampledValue" && v.as_array().is_some_and(Vec::is_empty) {
                    return Some("an empty sampledValue".into());
                }
                extra_rule_violation(props.get(k)?, v)
            })
        }
        (Some("array"), Value::Array(items)) => {
            let max = usize::from(Limits::DEFAULT.max_items);
            if items.len() > max {
                return Some(format!("more than {max} items"));
            }
            let item_schema = schema.get("items")?;
            items
                .iter()
                .find_map(|v| extra_rule_violation(item_schema, v))
        }
        _ => None,
    }
}

/// The documented leniency on date-times: a date-time without an offset
/// (`2026-11-25T10:00:00`, `...00.123456`) is read as UTC. Rewrites such
/// strings, where the schema has `format: date-time`, with a `Z` appended,
/// so that the schema judges the rest.
pub fn naive_date_times_as_utc(schema: &serde_json::Value, instance: &mut serde_json::Value) {
    use serde_json::Value;
    match instance {
        Value::String(s) if schema.get("format").and_then(Value::as_str) == Some("date-time") => {
            let naive = match s.as_bytes().get(19..) {
                Some([]) => true,
                Some([b'.', digits @ ..]) => {
                    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
                }
                _ => false,
            };
            if naive {
                s.push('Z');
            }
        }
        Value::Object(map) => {
            if let Some(props) = schema.get("properties") {
                for (k, v) in map.iter_mut() {
                    if let Some(sub) = props.get(k) {
                        naive_date_times_as_utc(sub, v);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for v in items {
                    naive_date_times_as_utc(item_schema, v);
                }
            }
        }
        _ => {}
    }
}

/// Checks one emitted frame: JSON, `[2,id,"Action",{..}]` or `[3,id,{..}]`,
/// payload valid for schema `name`. (Strictly: no reading of date-times
/// without an offset as UTC here, as we always write the offset.)
#[track_caller]
pub fn assert_valid_frame(name: &str, frame: &[u8], v: &jsonschema::Validator) {
    let text = std::str::from_utf8(frame).unwrap();
    let value: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let arr = value.as_array().unwrap();
    let payload = if name.ends_with("Response") {
        assert_eq!((arr.len(), arr[0].as_u64()), (3, Some(3)), "{text}");
        &arr[2]
    } else {
        assert_eq!((arr.len(), arr[0].as_u64()), (4, Some(2)), "{text}");
        assert_eq!(arr[2].as_str(), Some(name), "{text}");
        &arr[3]
    };
    let id = arr[1].as_str().unwrap();
    assert!(!id.is_empty() && id.len() <= 36, "{text}");
    let errors = schema_errors(v, payload);
    assert!(errors.is_empty(), "{name}: {errors:?}\n{text}");
    assert_eq!(has_duplicate_key(frame), Some(false));
    assert!(!has_null(&value), "never null: {text}");
}

pub fn has_null(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Array(a) => a.iter().any(has_null),
        serde_json::Value::Object(o) => o.values().any(has_null),
        _ => false,
    }
}

/// Whether a JSON text repeats a key in some object (serde_json's `Value`
/// silently keeps the last one). `None` when it is not JSON.
pub fn has_duplicate_key(json: &[u8]) -> Option<bool> {
    struct Walk<'a>(&'a mut bool);
    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<S: SeqAccess<'de>>(self, mut s: S) -> Result<(), S::Error> {
            while s.next_element_seed(Walk(&mut *self.0))?.is_some() {}
            Ok(())
        }
        fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<(), M::Error> {
            let mut keys = HashSet::new();
            while let Some(k) = m.next_key::<String>()? {
                if !keys.insert(k) {
                    *self.0 = true;
                }
                m.next_value_seed(Walk(&mut *self.0))?;
            }
            Ok(())
        }
    }
    let mut dup = false;
    let mut de = serde_json::Deserializer::from_slice(json);
    Walk(&mut dup).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(dup)
}

/// Nesting depth of a JSON value (containers only).
pub fn depth(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The oracle's verdict on a frame expected to carry message `name`: JSON
/// (serde_json) of the OCPP-J shape, within the default limits, with no
/// duplicate key, whose payload validates against the schema (date-times
/// without an offset read as UTC) and follows the extra rules above. `Err`
/// says why not.
pub fn oracle(
    name: &str,
    frame: &[u8],
    v: &jsonschema::Validator,
    schema: &serde_json::Value,
) -> Result<(), String> {
    use serde_json::Value;
    if frame.len() > Limits::DEFAULT.max_frame_len {
        return Err("over the frame size limit".into());
    }
    let value: Value = serde_json::from_slice(frame).map_err(|e| format!("serde_json: {e}"))?;
    if depth(&value) > Limits::DEFAULT.max_depth {
        return Err("too deep".into());
    }
    if has_duplicate_key(frame) != Some(false) {
        return Err("duplicate key".into());
    }
    let arr = value.as_array().ok_or("not an array")?;
    let is_request = !name.ends_with("Response");
    let (ty, len, payload_at) = if is_request { (2, 4, 3) } else { (3, 3, 2) };
    if arr.len() != len || arr[0].as_u64() != Some(ty) {
        return Err("wrong frame shape".into());
    }
    let id = arr[1].as_str().ok_or("id not a string")?;
    if id.is_empty() || id.len() > MAX_MESSAGE_ID_LEN {
        return Err("bad id".into());
    }
    if is_request && arr[2].as_str() != Some(name) {
        return Err("other action".into());
    }
    let mut payload = arr[payload_at].clone();
    if !payload.is_object() {
        return Err("payload not an object".into());
    }
    naive_date_times_as_utc(schema, &mut payload);
    let payload = &payload;
    let errors = schema_errors(v, payload);
    if !errors.is_empty() {
        return Err(format!("schema: {errors:?}"));
    }
    if let Some(e) = extra_rule_violation(schema, payload) {
        return Err(e);
    }
    Ok(())
}

/// Our verdict on the same frame: it parses, has the expected kind and
/// action, and its payload decodes as `name`.
pub fn ours<A: Allocator + Clone>(name: &str, frame: &[u8], a: A) -> Result<(), String> {
    let verdict = two_pass(name, frame, a.clone());
    assert_eq!(
        one_pass(name, frame, a),
        verdict,
        "{}",
        String::from_utf8_lossy(frame)
    );
    verdict
}

/// The verdict of the route the engine takes: `Frame::parse_deferred`, the
/// payload decoded; `Frame::parse` of the whole frame only when the
/// decoder refused it (or the frame is not the expected kind).
fn one_pass<A: Allocator + Clone>(name: &str, frame: &[u8], a: A) -> Result<(), String> {
    let kind = |e: FrameError| format!("{:?}", e.kind);
    let (f, check) = Frame::parse_deferred(frame, &Limits::DEFAULT).map_err(kind)?;
    let payload = match (f, name.ends_with("Response")) {
        (
            Frame::Call {
                action, payload, ..
            },
            false,
        ) if action == name => Some(payload),
        (Frame::CallResult { payload, .. }, true) => Some(payload),
        _ => None,
    };
    let decoded = payload.map(|p| decode_as(name, p, a).map_err(|e| e.to_string()));
    match (decoded, check) {
        (Some(Ok(())), _) => Ok(()),
        (decoded, PayloadCheck::Deferred) => {
            Frame::parse(frame, &Limits::DEFAULT).map_err(kind)?;
            decoded.unwrap_or_else(|| Err("other frame kind or action".into()))
        }
        (decoded, PayloadCheck::Checked) => {
            decoded.unwrap_or_else(|| Err("other frame kind or action".into()))
        }
    }
}

/// The verdict of `Frame::parse` (the whole frame checked), then the
/// payload decoded.
fn two_pass<A: Allocator + Clone>(name: &str, frame: &[u8], a: A) -> Result<(), String> {
    let f = Frame::parse(frame, &Limits::DEFAULT).map_err(|e| format!("{:?}", e.kind))?;
    let payload = match (f, name.ends_with("Response")) {
        (
            Frame::Call {
                action, payload, ..
            },
            false,
        ) if action == name => payload,
        (Frame::CallResult { payload, .. }, true) => payload,
        _ => return Err("other frame kind or action".into()),
    };
    decode_as(name, payload, a).map_err(|e| e.to_string())
}

//! Tests of the decoding machinery on types the slice does not use yet:
//! arrays with `minItems`, booleans, nested objects in arrays, and
//! allocation refusals inside arrays.
#![allow(clippy::disallowed_types)]

use ocpp_alloc::{FailureInjector, FailurePlan, HostPool, Talc};

use super::*;
use crate::macros::ocpp_object;
use crate::test_util::heap;
use crate::{CiString, Limits};

ocpp_object! {
    /// An object with arrays, as GetConfiguration.req and MeterValues have.
    pub struct Keys<A> {
        req key: Vec<CiString<5, A>, A> = "key", min_items = 1;
        opt n: Vec<i32, A> = "n";
        opt flag: bool = "flag";
        opt inner: Vec<Inner<A>, A> = "inner";
    }
}

ocpp_object! {
    /// A nested object.
    pub struct Inner<A> {
        req v: CiString<5, A> = "v";
    }
}

pub(super) fn err(payload: &str) -> DecodeError {
    decode::<Keys<_>, _>(payload.as_bytes(), heap()).unwrap_err()
}

#[test]
fn arrays_decode_and_encode() {
    let payload =
        r#"{"key":["a","b\u0063"],"n":[1,-2,3],"flag":true,"inner":[{"v":"x"},{"v":""}]}"#;
    let k: Keys<_> = decode(payload.as_bytes(), heap()).unwrap();
    assert_eq!(k.key.len(), 2);
    assert_eq!(k.key[1].as_str(), "bc");
    assert_eq!(&k.n.as_ref().unwrap()[..], &[1, -2, 3]);
    assert_eq!(k.flag, Some(true));
    assert_eq!(k.inner.as_ref().unwrap()[0].v.as_str(), "x");
    let mut buf = [0u8; 256];
    let n = serde_json_core::to_slice(&k, &mut buf).unwrap();
    assert_eq!(
        core::str::from_utf8(&buf[..n]).unwrap(),
        r#"{"key":["a","bc"],"n":[1,-2,3],"flag":true,"inner":[{"v":"x"},{"v":""}]}"#
    );
    let again: Keys<_> = decode(&buf[..n], heap()).unwrap();
    assert_eq!(again, k);
    let k: Keys<_> = decode(br#"{"key":["a"],"n":[]}"#, heap()).unwrap();
    assert_eq!(
        (k.n.map(|n| n.len()), k.flag, k.inner.is_none()),
        (Some(0), None, true)
    );
}

#[test]
fn array_violations_name_the_property() {
    use ErrorCode::*;
    let e = |code, reason| DecodeError::new(code, reason);
    assert_eq!(
        err(r#"{"key":[]}"#),
        e(
            OccurenceConstraintViolation,
            "key: fewer items than minItems"
        )
    );
    assert_eq!(
        err(r#"{"key":["abcdef"]}"#),
        e(TypeConstraintViolation, "key: longer than maxLength")
    );
    assert_eq!(
        err(r#"{"key":["\u00e9"]}"#),
        e(TypeConstraintViolation, "key: not printable ASCII")
    );
    assert_eq!(
        err(r#"{"key":"a"}"#),
        e(TypeConstraintViolation, "key: wrong type")
    );
    assert_eq!(
        err(r#"{"key":[1]}"#),
        e(TypeConstraintViolation, "key: wrong type")
    );
    assert_eq!(
        err(r#"{"key":["a"],"n":[1.5]}"#),
        e(TypeConstraintViolation, "n: wrong type")
    );
    assert_eq!(
        err(r#"{"key":["a"],"n":[1,2.0]}"#),
        e(TypeConstraintViolation, "n: wrong type")
    );
    assert_eq!(
        err(r#"{"key":["a"],"n":[2147483648]}"#),
        e(TypeConstraintViolation, "n: number out of range")
    );
    assert_eq!(
        err(r#"{"key":["a"],"n":null}"#),
        e(TypeConstraintViolation, "n: wrong type")
    );
    assert_eq!(
        err(r#"{"key":["a"],"flag":"true"}"#),
        e(TypeConstraintViolation, "flag: wrong type")
    );
    assert_eq!(
        err(r#"{"key":["a"],"flag":1}"#),
        e(TypeConstraintViolation, "flag: wrong type")
    );
    assert_eq!(
        err(r#"{"key":["a"],"inner":[{}]}"#),
        e(ProtocolError, "v: required property missing")
    );
    assert_eq!(
        err(r#"{"key":["a"],"inner":[{"v":"x","w":1}]}"#),
        DecodeError::UNKNOWN_PROPERTY
    );
    assert_eq!(
        err(r#"{"key":["a"],"inner":[{"v":"toolong"}]}"#),
        e(TypeConstraintViolation, "v: longer than maxLength")
    );
    assert_eq!(
        err(r#"{"key":["a"],"inner":["x"]}"#),
        e(TypeConstraintViolation, "inner: wrong type")
    );
    assert_eq!(
        err(r#"{"n":[1]}"#),
        e(ProtocolError, "key: required property missing")
    );
    assert_eq!(
        err(r#"{"key":["a"],"key":["b"]}"#),
        e(FormationViolation, "key: duplicate property")
    );
    assert_eq!(err(r#"[]"#), DecodeError::NOT_AN_OBJECT);
    assert_eq!(err(r#"{"key":["a"]"#), DecodeError::NOT_JSON);
    assert_eq!(err(r#"{"key":["a"]} {}"#), DecodeError::NOT_JSON);
    assert_eq!(
        decode::<Keys<_>, _>(b"{\"key\":[\"\xff\"]}", heap()),
        Err(DecodeError::NOT_JSON)
    );
    let deep = format!(r#"{{"key":{}"a"{}}}"#, "[".repeat(40), "]".repeat(40));
    assert_eq!(err(&deep), DecodeError::TOO_DEEP);
}

#[test]
fn arrays_grow_geometrically_and_release_everything_on_refusal() {
    let pool = HostPool::<Talc>::new(64 * 1024);
    let inject = FailureInjector::new(&*pool);
    let items: std::vec::Vec<String> = (0..20).map(|i| format!("{{\"v\":\"v{i}\"}}")).collect();
    let payload = format!(
        r#"{{"key":["a"],"n":[{}],"inner":[{}]}}"#,
        "7,".repeat(99) + "7",
        items.join(",")
    );
    let limits = Limits::DEFAULT.with_max_items(100);
    let k: Keys<_> = decode_with(payload.as_bytes(), &inject, &limits).unwrap();
    let n = k.n.as_ref().unwrap();
    assert_eq!(n.len(), 100);
    // 4, 8, ..., 64, then capped at max_items.
    assert_eq!(n.capacity(), 100);
    let clean_attempts = inject.attempts();
    // 1 key vec + 1 key string + ~6 grows of n + ~3 grows of inner + 19 strings.
    assert!(clean_attempts > 25, "{clean_attempts}");
    drop(k);
    assert_eq!(pool.stats().in_use, 0);
    for k in 1..=clean_attempts {
        for plan in [FailurePlan::Nth(k), FailurePlan::From(k)] {
            inject.set_plan(plan);
            let r = decode_with::<Keys<_>, _>(payload.as_bytes(), &inject, &limits);
            assert_eq!(r.unwrap_err(), DecodeError::OUT_OF_MEMORY, "{plan:?}");
            assert_eq!(pool.stats().in_use, 0, "{plan:?}: leaked");
        }
    }
    inject.set_plan(FailurePlan::Nth(clean_attempts + 1));
    assert!(decode_with::<Keys<_>, _>(payload.as_bytes(), &inject, &limits).is_ok());
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn arrays_are_bounded_by_max_items() {
    let pool = HostPool::<Talc>::new(64 * 1024);
    let payload = |keys: usize, n: usize| {
        format!(
            r#"{{"key":[{}],"n":[{}]}}"#,
            vec![r#""k""#; keys].join(","),
            vec!["1"; n].join(",")
        )
    };
    let too_many = |reason| DecodeError::new(ErrorCode::OccurenceConstraintViolation, reason);
    let max = usize::from(Limits::DEFAULT.max_items);
    assert_eq!(max, 32);
    let k: Keys<_> = decode(payload(max, max).as_bytes(), &*pool).unwrap();
    assert_eq!(
        (k.key.capacity(), k.n.as_ref().unwrap().capacity()),
        (max, max)
    );
    drop(k);
    assert_eq!(
        decode::<Keys<_>, _>(payload(max + 1, 1).as_bytes(), &*pool),
        Err(too_many("key: more items than this charge point accepts"))
    );
    assert_eq!(
        decode::<Keys<_>, _>(payload(1, 1000).as_bytes(), &*pool),
        Err(too_many("n: more items than this charge point accepts"))
    );
    // Inside an array of objects, the innermost property is named.
    let inner = format!(
        r#"{{"key":["k"],"inner":[{}]}}"#,
        vec![r#"{"v":"x"}"#; 40].join(",")
    );
    assert_eq!(
        decode::<Keys<_>, _>(inner.as_bytes(), &*pool),
        Err(too_many("inner: more items than this charge point accepts"))
    );
    // The integrator's limits, down to none at all; capacity never beyond.
    let three = Limits::DEFAULT.with_max_items(3);
    let k: Keys<_> = decode_with(payload(3, 3).as_bytes(), &*pool, &three).unwrap();
    assert_eq!(k.key.capacity(), 3);
    drop(k);
    assert_eq!(
        decode_with::<Keys<_>, _>(payload(4, 1).as_bytes(), &*pool, &three),
        Err(too_many("key: more items than this charge point accepts"))
    );
    let none = Limits::DEFAULT.with_max_items(0);
    assert_eq!(
        decode_with::<Keys<_>, _>(br#"{"key":["a"]}"#, &*pool, &none),
        Err(too_many("key: more items than this charge point accepts"))
    );
    assert_eq!(pool.stats().in_use, 0);
    assert_eq!(
        Violation::TooManyItems.code(),
        ErrorCode::OccurenceConstraintViolation
    );
}

#[test]
fn f64_decodes_any_finite_number() {
    ocpp_object! {
        /// A float property.
        pub struct Float {
            req x: f64 = "x";
        }
    }
    for (text, value) in [
        ("0", 0.0),
        ("-1.5", -1.5),
        ("1e3", 1000.0),
        ("123456789012", 123_456_789_012.0),
    ] {
        let f: Float = decode(format!(r#"{{"x":{text}}}"#).as_bytes(), heap()).unwrap();
        assert_eq!(f.x, value);
    }
    let e: DecodeError = decode::<Float, _>(br#"{"x":"1"}"#, heap()).unwrap_err();
    assert_eq!(
        e,
        DecodeError::new(ErrorCode::TypeConstraintViolation, "x: wrong type")
    );
}

/// `u32`, for a firmware's own messages (no Core message has one): 0 to
/// 4294967295, a number beyond that out of range, and JSON's number syntax
/// (a sign, a leading zero, a fraction: not a `u32`).
#[test]
fn u32_decodes_0_to_4294967295() {
    ocpp_object! {
        /// An unsigned property.
        pub struct Count {
            req n: u32 = "n";
        }
    }
    let count = |text: &str| {
        decode::<Count, _>(format!(r#"{{"n":{text}}}"#).as_bytes(), heap()).map(|c| c.n)
    };
    for (text, value) in [
        ("0", 0),
        ("7", 7),
        ("10", 10),
        (" 305", 305),
        ("4294967295", u32::MAX),
    ] {
        assert_eq!(count(text), Ok(value), "{text}");
    }
    let refused =
        |reason: &'static str| Err(DecodeError::new(ErrorCode::TypeConstraintViolation, reason));
    for (text, reason) in [
        ("4294967296", "n: number out of range"),
        ("18446744073709551615", "n: number out of range"),
        ("-1", "n: wrong type"),
        ("-0", "n: wrong type"),
        ("1.5", "n: wrong type"),
        ("\"1\"", "n: wrong type"),
        ("null", "n: wrong type"),
    ] {
        assert_eq!(count(text), refused(reason), "{text}");
    }
    // Beyond u64: refused too (the reader's overflow, before any range).
    assert_eq!(
        count("18446744073709551616").map_err(|e| e.code),
        Err(ErrorCode::TypeConstraintViolation)
    );
    assert_eq!(count("01"), Err(DecodeError::NOT_JSON));
}

#[test]
fn violation_codes() {
    assert_eq!(
        Violation::TooLong.code(),
        ErrorCode::TypeConstraintViolation
    );
    assert_eq!(
        Violation::NotPrintable.code(),
        ErrorCode::TypeConstraintViolation
    );
    assert_eq!(
        Violation::UnknownValue.code(),
        ErrorCode::PropertyConstraintViolation
    );
    assert_eq!(
        Violation::BadDateTime.code(),
        ErrorCode::PropertyConstraintViolation
    );
    assert_eq!(Violation::OutOfMemory.code(), ErrorCode::InternalError);
    assert_eq!(Violation::BadDateTime.to_string(), "invalid date-time");
    assert_eq!(Violation::TooLong.to_string(), "longer than maxLength");
}

#[test]
fn non_finite_floats_never_encode_as_null() {
    ocpp_object! {
        /// A float property.
        pub struct Float {
            req x: f64 = "x";
        }
    }
    let mut buf = [0u8; 64];
    for (x, text) in [
        (f64::NAN, "0.0"),
        (f64::INFINITY, "1.7976931348623157e308"),
        (-0.5, "-0.5"),
    ] {
        let want = format!(r#"{{"x":{text}}}"#);
        let n = serde_json_core::to_slice(&Float { x }, &mut buf).unwrap();
        assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), want);
        // The same through the encoder without serde.
        let mut w = crate::encode::Writer::new(&mut buf);
        crate::Encode::encode_json(&Float { x }, &mut w).unwrap();
        let n = w.len();
        assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), want);
    }
}

ocpp_object! {
    /// An object with a float and an integer.
    pub struct Num {
        opt x: f64 = "x";
        opt i: i32 = "i";
    }
}

/// The decoder checks the syntax as it reads, with no scan before it: every
/// payload here is malformed (serde_json says so) at a place where a lenient
/// reader would read on, and must be reported as not JSON, not decoded and
/// not reported as anything else.
#[test]
fn malformed_payloads_are_not_json_wherever_the_decoder_is() {
    let keys = [
        r#"{"key":[,"a"]}"#,
        r#"{"key":["a",]}"#,
        r#"{"key":["a"],}"#,
        r#"{,"key":["a"]}"#,
        r#"{"key":["a" "b"]}"#,
        r#"{"key":["a"] "n":[]}"#,
        r#"{"key" ["a"]}"#,
        r#"{"key":["a\x"]}"#,
        r#"{"key":["a\u00g0"]}"#,
        "{\"key\":[\"a\tb\"]}",
        "{\"key\":[\"a\u{1}\"]}",
        r#"{"key":["a"]} x"#,
        r#"{"key":["a"]}}"#,
        r#"{"key":["a"],"n":[01]}"#,
        r#"{"key":["a"],"n":[-]}"#,
        r#"{"key":["a"],"flag":tru}"#,
        r#"{"key":["a"],"flag":truex}"#,
        r#"{"key":["a"],"unknown":}"#,
        r#"{"key":["a"],"key":["b"],}"#,
        r#"{"key":["abcdef"],]"#,
        r#"{"key":["a"]"#,
    ];
    for p in keys {
        assert!(serde_json::from_str::<serde_json::Value>(p).is_err(), "{p}");
        assert_eq!(err(p), DecodeError::NOT_JSON, "{p}");
    }
    let nums = [
        r#"{"x":1.}"#,
        r#"{"x":.5}"#,
        r#"{"x":+1}"#,
        r#"{"x":01}"#,
        r#"{"x":1e}"#,
        r#"{"x":1.5.5}"#,
        r#"{"x":1-2}"#,
        r#"{"x":nul}"#,
        r#"{"i":1.}"#,
        r#"{"i":-01}"#,
        r#"{"i":1e+}"#,
    ];
    for p in nums {
        assert!(serde_json::from_str::<serde_json::Value>(p).is_err(), "{p}");
        assert_eq!(
            decode::<Num, _>(p.as_bytes(), heap()).unwrap_err(),
            DecodeError::NOT_JSON,
            "{p}"
        );
    }
    // Well-formed, and read as before: a float from every JSON number form,
    // an integer's fraction a wrong type.
    let n: Num = decode(br#" {"x": -1.5e2 , "i" : -0 } "#, heap()).unwrap();
    assert_eq!((n.x, n.i), (Some(-150.0), Some(0)));
    assert_eq!(
        decode::<Num, _>(br#"{"i":1.5}"#, heap()).unwrap_err(),
        DecodeError::new(ErrorCode::TypeConstraintViolation, "i: wrong type")
    );
}

/// The generated matches of every enum: each value is recognised as written
/// and fully escaped, through `parse` and through a decoded property; each
/// near miss that is no other value (a character dropped, added or changed,
/// a letter's case flipped) is refused by both, as an unknown enum value.
/// Each value's `index` is its place in `ALL`.
#[test]
fn every_enum_value_is_recognised_and_its_near_misses_are_not() {
    use crate::v16::*;

    fn near_misses(name: &str) -> std::vec::Vec<String> {
        let chars: std::vec::Vec<char> = name.chars().collect();
        let mut out = vec![format!("{name}x"), format!("x{name}"), String::new()];
        for i in 0..chars.len() {
            let mut c = chars.clone();
            c.remove(i);
            out.push(c.into_iter().collect());
            let mut c = chars.clone();
            c[i] = if c[i].is_ascii_uppercase() {
                c[i].to_ascii_lowercase()
            } else {
                c[i].to_ascii_uppercase()
            };
            out.push(c.into_iter().collect());
            let mut c = chars.clone();
            c[i] = if c[i] == 'x' { 'y' } else { 'x' };
            out.push(c.into_iter().collect());
        }
        out
    }

    macro_rules! check {
        ($($t:ident),* $(,)?) => {$({
            ocpp_object! {
                /// One property of the enum.
                pub struct Holder {
                    req v: $t = "v";
                }
            }
            let names: std::vec::Vec<&str> = $t::ALL.iter().map(|v| v.as_str()).collect();
            for (i, &v) in $t::ALL.iter().enumerate() {
                assert_eq!(v.index(), i, "{v:?}: its place in ALL");
                let name = v.as_str();
                assert_eq!($t::parse(name), Ok(v));
                let escaped: String =
                    name.chars().map(|c| format!("\\u{:04x}", c as u32)).collect();
                for raw in [name.to_string(), escaped] {
                    let p = format!(r#"{{"v":"{raw}"}}"#);
                    let h: Holder = decode(p.as_bytes(), heap()).unwrap();
                    assert_eq!(h.v, v, "{p}");
                }
                for miss in near_misses(name) {
                    if names.contains(&miss.as_str()) {
                        continue;
                    }
                    assert!($t::parse(&miss).is_err(), "{}: {miss:?}", stringify!($t));
                    let p = format!(r#"{{"v":"{miss}"}}"#);
                    assert_eq!(
                        decode::<Holder, _>(p.as_bytes(), heap()).unwrap_err(),
                        DecodeError::new(
                            ErrorCode::PropertyConstraintViolation,
                            "v: unknown enum value"
                        ),
                        "{p}"
                    );
                }
            }
        })*};
    }
    check!(
        Action,
        ConfigurationStatus,
        DataTransferStatus,
        ReadingContext,
        ValueFormat,
        Measurand,
        Phase,
        Location,
        UnitOfMeasure,
        AvailabilityType,
        AvailabilityStatus,
        ChargePointStatus,
        ChargePointErrorCode,
        ChargingProfilePurposeType,
        ChargingProfileKindType,
        RecurrencyKindType,
        ChargingRateUnitType,
        UnlockStatus,
        ClearCacheStatus,
        RegistrationStatus,
        RemoteStartStopStatus,
        ResetType,
        ResetStatus,
        Reason,
        MessageTrigger,
        TriggerMessageStatus,
        AuthorizationStatus,
    );
}

/// Each violation has a bit of its own in `Decode::VIOLATIONS` (a type
/// names its property only for the violations it declares there).
#[test]
fn each_violation_has_its_own_bit() {
    use Violation::*;
    let all = [
        WrongType,
        TooLong,
        NotPrintable,
        OutOfRange,
        UnknownValue,
        BadDateTime,
        NotMultipleOf,
        TooManyItems,
        OutOfMemory,
    ];
    for (i, v) in all.into_iter().enumerate() {
        assert_eq!(v.bit(), 1 << i, "{v:?}");
    }
}

/// An array of arrays (a firmware's own message may have one) declares what
/// its items do and `TooManyItems` once: either array over the limit is
/// described with the property's name.
#[test]
fn too_many_items_in_nested_arrays_names_the_property() {
    ocpp_object! {
        /// A matrix.
        pub struct Matrix<A> {
            req m: Vec<Vec<i32, A>, A> = "m";
        }
    }
    let two = Limits::DEFAULT.with_max_items(2);
    let m: Matrix<_> = decode_with(br#"{"m":[[1,2],[3]]}"#, heap(), &two).unwrap();
    assert_eq!((&m.m[0][..], &m.m[1][..]), (&[1, 2][..], &[3][..]));
    let too_many = Err(DecodeError::new(
        ErrorCode::OccurenceConstraintViolation,
        "m: more items than this charge point accepts",
    ));
    for payload in [r#"{"m":[[1],[2],[3]]}"#, r#"{"m":[[1,2,3]]}"#] {
        assert_eq!(
            decode_with::<Matrix<_>, _>(payload.as_bytes(), heap(), &two),
            too_many,
            "{payload}"
        );
    }
}

#[test]
fn the_context_and_the_reader_show_in_debug() {
    let cx = Cx::with_limits(heap(), &Limits::DEFAULT.with_max_items(3));
    assert_eq!(format!("{cx:?}"), "Cx { max_items: 3, state: Clear, .. }");
    let mut r = Reader::new(b" {}");
    assert!(r.starts_object());
    assert_eq!(format!("{r:?}"), "Reader { len: 3, at: 1 }");
}

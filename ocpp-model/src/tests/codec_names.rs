//! Tests of how the decoder finds property names and enum values: as
//! written, in any order, and through their escapes.
#![allow(clippy::disallowed_types)]

use super::tests::{err, Keys};
use super::*;
use crate::test_util::heap;

/// Property names are found as written, in any order, and through their
/// escapes; a name that only starts like a known one, or is known only
/// once its escapes are undone wrongly, is an unknown property.
#[test]
fn property_names_in_any_order_and_with_escapes() {
    let plain: Keys<_> = decode(br#"{"key":["a"],"n":[1],"flag":true}"#, heap()).unwrap();
    for payload in [
        r#"{"flag":true,"n":[1],"key":["a"]}"#,
        r#"{ "n" : [1] , "key" : ["a"] , "flag" : true }"#,
        r#"{"\u006bey":["a"],"n":[1],"fl\u0061g":true}"#,
        r#"{"key":["a"],"\u006E":[1],"\u0066\u006c\u0061\u0067":true}"#,
    ] {
        let got: Keys<_> = decode(payload.as_bytes(), heap()).unwrap();
        assert_eq!(got, plain, "{payload}");
    }
    for payload in [
        r#"{"key":["a"],"flags":true}"#,
        r#"{"key":["a"],"fla":true}"#,
        r#"{"keys":["a"]}"#,
        r#"{"ke":["a"]}"#,
        r#"{"key":["a"],"fl\u0061gs":true}"#,
        r#"{"key":["a"],"Flag":true}"#,
    ] {
        assert_eq!(err(payload), DecodeError::UNKNOWN_PROPERTY, "{payload}");
    }
    // A duplicate is one, escaped or not.
    assert_eq!(
        err(r#"{"key":["a"],"\u006bey":["b"]}"#),
        DecodeError::new(ErrorCode::FormationViolation, "key: duplicate property")
    );
}

/// Enum values are found as written and through their escapes; a prefix
/// of a value, a value with more after it, or another case is unknown.
#[test]
fn enum_values_as_written_and_with_escapes() {
    use crate::v16::{AvailabilityStatus as S, ChangeAvailabilityResponse};
    let status = |payload: &str| {
        decode::<ChangeAvailabilityResponse, _>(payload.as_bytes(), heap()).map(|r| r.status)
    };
    for (payload, want) in [
        (r#"{"status":"Accepted"}"#, S::Accepted),
        (r#"{"status":"Rejected"}"#, S::Rejected),
        (r#"{"status":"Scheduled"}"#, S::Scheduled),
        (r#"{"status": "Scheduled" }"#, S::Scheduled),
        (r#"{"status":"\u0053cheduled"}"#, S::Scheduled),
        (r#"{"status":"Accepte\u0064"}"#, S::Accepted),
    ] {
        assert_eq!(status(payload), Ok(want), "{payload}");
    }
    let unknown = DecodeError::new(
        ErrorCode::PropertyConstraintViolation,
        "status: unknown enum value",
    );
    for payload in [
        r#"{"status":"Accepte"}"#,
        r#"{"status":"Acceptedx"}"#,
        r#"{"status":"accepted"}"#,
        r#"{"status":""}"#,
        r#"{"status":"Accepted\u0020"}"#,
    ] {
        assert_eq!(status(payload), Err(unknown), "{payload}");
    }
    assert_eq!(
        status(r#"{"status":"Accepted}"#),
        Err(DecodeError::NOT_JSON)
    );
}

//! Decoding at and far beyond the limits: extreme nesting, escapes, exact
//! pool sizes.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::*;
use ocpp_model::*;

#[test]
fn nesting_far_beyond_the_limits_costs_no_stack() {
    let limits = Limits::new(1 << 21, usize::MAX);
    assert_eq!(limits.max_depth, 64);
    let deep = "[".repeat(1_000_000);
    assert_eq!(
        Frame::parse(deep.as_bytes(), &limits).unwrap_err().kind,
        FrameErrorKind::TooDeep
    );
    let payload = format!(r#"{{"idTag":{}"#, "[".repeat(1_000_000));
    let pool = pool();
    assert_eq!(
        decode::<AuthorizeRequest, _>(payload.as_bytes(), &*pool),
        Err(DecodeError::TOO_DEEP)
    );
    let payload = format!(r#"{{"idTag":{}1{}}}"#, "[".repeat(30), "]".repeat(30));
    assert_eq!(
        decode::<AuthorizeRequest, _>(payload.as_bytes(), &*pool),
        Err(DecodeError::new(
            ErrorCode::TypeConstraintViolation,
            "idTag: wrong type"
        ))
    );
}

#[test]
fn escaped_strings_decode_to_their_value() {
    let pool = pool();
    let r: AuthorizeRequest = decode(br#"{"idTag":"AB\u0043D"}"#, &*pool).unwrap();
    assert_eq!(r.id_tag.as_str(), "ABCD");
    let r: AuthorizeRequest = decode(br#"{"id\u0054ag":"\"\\\/\u0020~"}"#, &*pool).unwrap();
    assert_eq!(r.id_tag.as_str(), "\"\\/ ~");
    // An idTag is inline: nothing in the pool.
    assert_eq!(pool.stats().in_use, 0);
    // A CiString takes its exact size in the pool: 4 bytes for "ABCD", none
    // for "" (requested sizes).
    let payload = br#"{"chargePointVendor":"AB\u0043D","chargePointModel":""}"#;
    let r: BootNotificationRequest<_> = decode(payload, &*pool).unwrap();
    assert_eq!(r.charge_point_vendor.as_str(), "ABCD");
    assert_eq!(pool.stats().in_use, 4);
    drop(r);
    assert_eq!(pool.stats().in_use, 0);
}

//! Refusing allocation k of a decode, for every k (one-shot and persistent):
//! the decode fails with `OUT_OF_MEMORY` (`InternalError`) and the pool is
//! back to 0 bytes in use. With no refusal in range it succeeds.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::*;
use ocpp_model::*;

const PAYLOADS: &[(&str, &[u8])] = &[
    ("BootNotification", br#"{"chargePointVendor":"V\u0045ndor","chargePointModel":"M","chargePointSerialNumber":"s","chargeBoxSerialNumber":"cb","firmwareVersion":"1.0","iccid":"1","imsi":"2","meterType":"m","meterSerialNumber":"n"}"#),
    ("StatusNotification", br#"{"connectorId":1,"errorCode":"NoError","info":"i","status":"Charging","timestamp":"2026-11-25T16:21:50Z","vendorId":"x","vendorErrorCode":"y"}"#),
    // Nothing to allocate: never refused.
    ("Authorize", br#"{"idTag":"AB\u0043D"}"#),
    ("AuthorizeResponse", br#"{"idTagInfo":{"expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"P","status":"Accepted"}}"#),
    ("BootNotificationResponse", br#"{"status":"Accepted","currentTime":"2026-11-25T16:21:50Z","interval":300}"#),
    ("Heartbeat", b"{}"),
];

#[test]
fn every_refusal_fails_cleanly() {
    let pool = pool();
    let inject = FailureInjector::new(&*pool);
    let mut refusals_tested = 0;
    for (name, payload) in PAYLOADS {
        inject.set_plan(FailurePlan::Never);
        decode_as(name, payload, &inject).unwrap();
        let attempts = inject.attempts();
        assert_eq!(pool.stats().in_use, 0);
        for k in 1..=attempts {
            for plan in [FailurePlan::Nth(k), FailurePlan::From(k)] {
                inject.set_plan(plan);
                let r = decode_as(name, payload, &inject);
                assert_eq!(r, Err(DecodeError::OUT_OF_MEMORY), "{name} {plan:?}");
                assert!(r.unwrap_err().is_out_of_memory());
                assert_eq!(r.unwrap_err().code, ErrorCode::InternalError);
                assert_eq!(pool.stats().in_use, 0, "{name} {plan:?}: leaked");
                refusals_tested += 1;
            }
        }
        inject.set_plan(FailurePlan::Nth(attempts + 1));
        assert_eq!(decode_as(name, payload, &inject), Ok(()), "{name}");
        assert_eq!(pool.stats().in_use, 0);
    }
    // 9 + 3 strings: every one of them was refused once and for good.
    assert_eq!(refusals_tested, 2 * (9 + 3));
}

#[test]
fn refusals_are_not_confused_with_bad_input() {
    // A payload that is both invalid and needs memory: whichever comes first
    // wins, and nothing leaks either way.
    let pool = pool();
    let inject = FailureInjector::new(&*pool);
    let payload = br#"{"chargePointVendor":"A","chargePointModel":"B","x":1}"#;
    inject.set_plan(FailurePlan::From(1));
    assert_eq!(
        decode_as("BootNotification", payload, &inject),
        Err(DecodeError::OUT_OF_MEMORY)
    );
    inject.set_plan(FailurePlan::Never);
    assert_eq!(
        decode_as("BootNotification", payload, &inject),
        Err(DecodeError::UNKNOWN_PROPERTY)
    );
    assert_eq!(pool.stats().in_use, 0);
}

/// The answers the engine must keep whatever the pool says (an idTagInfo, a
/// transactionId) decode with no allocation at all: measured, and with every
/// allocation refused.
#[test]
fn kept_answers_decode_without_any_allocation() {
    let pool = pool();
    let measured = Measured::new(&*pool);
    let refusing = FailureInjector::new(&*pool);
    refusing.set_plan(FailurePlan::From(1));
    let info = r#"{"expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"PARENT-\u0031","status":"Accepted"}"#;
    let authorize = format!(r#"{{"idTagInfo":{info}}}"#);
    let a: AuthorizeResponse = decode(authorize.as_bytes(), &measured).unwrap();
    assert_eq!(a.id_tag_info.parent_id_tag.unwrap(), "PARENT-1");
    let b: AuthorizeResponse = decode(authorize.as_bytes(), &refusing).unwrap();
    assert_eq!(a, b);
    assert_eq!(measured.stats(), ocpp_alloc::Stats::ZERO);
    assert_eq!(refusing.attempts(), 0);
    assert_eq!(pool.stats().allocations, 0);
}

#[test]
fn a_nearly_full_pool_refuses_without_panicking() {
    let pool: HostPool<Talc> = HostPool::new(4096);
    let mut rng = Rng::new(5);
    let frames: Vec<Vec<u8>> = (0..20)
        .map(|_| gen_frame("BootNotification", &mut rng, &*common::pool()))
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for ballast in (0..4096).step_by(32) {
        let mut b = allocator_api2::vec::Vec::<u8, _>::new_in(&*pool);
        if b.try_reserve_exact(ballast).is_err() {
            break;
        }
        let base = pool.stats().in_use;
        for frame in &frames {
            let Ok(Frame::Call { payload, .. }) = Frame::parse(frame, &Limits::DEFAULT) else {
                panic!()
            };
            match decode_as("BootNotification", payload, &*pool) {
                Ok(()) => ok += 1,
                Err(DecodeError::OUT_OF_MEMORY) => refused += 1,
                Err(e) => panic!("{e}"),
            }
            assert_eq!(pool.stats().in_use, base);
        }
    }
    assert!(ok > 0 && refused > 0, "{ok} / {refused}");
}

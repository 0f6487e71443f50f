//! Refusing allocation k of a decode, for every k (one-shot and persistent):
//! the decode fails with `OUT_OF_MEMORY` (`InternalError`) and the pool is
//! back to 0 bytes in use. With no refusal in range it succeeds.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::*;
use ocpp_model::*;

/// Payloads, with the allocation attempts a clean decode makes.
const PAYLOADS: &[(&str, &[u8], usize)] = &[
    // 9 strings.
    ("BootNotification", br#"{"chargePointVendor":"V\u0045ndor","chargePointModel":"M","chargePointSerialNumber":"s","chargeBoxSerialNumber":"cb","firmwareVersion":"1.0","iccid":"1","imsi":"2","meterType":"m","meterSerialNumber":"n"}"#, 9),
    // 3 strings.
    ("StatusNotification", br#"{"connectorId":1,"errorCode":"NoError","info":"i","status":"Charging","timestamp":"2026-11-25T16:21:50Z","vendorId":"x","vendorErrorCode":"y"}"#, 3),
    // meterValue[0]: 5 values, its array allocated for 4 then grown to 8;
    // meterValue[1]: 1 value and its array; the meterValue array.
    ("MeterValues", br#"{"connectorId":1,"transactionId":7,"meterValue":[{"timestamp":"2026-11-25T16:21:50Z","sampledValue":[{"value":"12.5","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unit":"kWh"},{"value":"230\u002e1","measurand":"Voltage","phase":"L1-N"},{"value":"16","measurand":"Current.Import","phase":"L1"},{"value":"3.7","measurand":"Power.Active.Import","unit":"kW"},{"value":"41","measurand":"SoC","location":"EV","unit":"Percent"}]},{"timestamp":"2026-11-25T16:22:50Z","sampledValue":[{"value":"13"}]}]}"#, 5 + 2 + 1 + 1 + 1),
    // 5 keys and 3 non-empty values, the array allocated then grown; 2
    // unknown keys and their array.
    ("GetConfigurationResponse", br#"{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"300"},{"key":"AuthorizationKey","readonly":false},{"key":"NumberOfConnectors","readonly":true,"value":"2"},{"key":"MeterValue\u0073SampledData","readonly":false,"value":"Energy.Active.Import.Register"},{"key":"E","readonly":true,"value":""}],"unknownKey":["Foo","Bar"]}"#, 5 + 3 + 2 + 2 + 1),
    ("GetConfiguration", br#"{"key":["HeartbeatInterval","Foo"]}"#, 2 + 1),
    ("ChangeConfiguration", br#"{"key":"K","value":"V"}"#, 2),
    // A value, its sampledValue array, the transactionData array.
    ("StopTransaction", br#"{"idTag":"T","meterStop":1,"timestamp":"2026-11-25T16:21:50Z","transactionId":1,"reason":"Local","transactionData":[{"timestamp":"2026-11-25T16:21:50Z","sampledValue":[{"value":"1"}]}]}"#, 3),
    // The periods array.
    ("RemoteStartTransaction", br#"{"idTag":"T","chargingProfile":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16.5},{"startPeriod":60,"limit":8}]}}}"#, 1),
    // Nothing to allocate: never refused.
    ("Authorize", br#"{"idTag":"AB\u0043D"}"#, 0),
    ("AuthorizeResponse", br#"{"idTagInfo":{"expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"P","status":"Accepted"}}"#, 0),
    ("StartTransaction", br#"{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2026-11-25T16:21:50Z"}"#, 0),
    ("StartTransactionResponse", br#"{"idTagInfo":{"parentIdTag":"P","status":"Accepted"},"transactionId":9}"#, 0),
    ("StopTransactionResponse", br#"{"idTagInfo":{"parentIdTag":"P","status":"Accepted"}}"#, 0),
    ("BootNotificationResponse", br#"{"status":"Accepted","currentTime":"2026-11-25T16:21:50Z","interval":300}"#, 0),
    ("Heartbeat", b"{}", 0),
];

#[test]
fn every_refusal_fails_cleanly() {
    let pool = pool();
    let inject = FailureInjector::new(&*pool);
    for &(name, payload, expected_attempts) in PAYLOADS {
        inject.set_plan(FailurePlan::Never);
        decode_as(name, payload, &inject).unwrap();
        let attempts = inject.attempts();
        assert_eq!(attempts, expected_attempts, "{name}");
        assert_eq!(pool.stats().in_use, 0);
        for k in 1..=attempts {
            for plan in [FailurePlan::Nth(k), FailurePlan::From(k)] {
                inject.set_plan(plan);
                let r = decode_as(name, payload, &inject);
                assert_eq!(r, Err(DecodeError::OUT_OF_MEMORY), "{name} {plan:?}");
                assert!(r.unwrap_err().is_out_of_memory());
                assert_eq!(r.unwrap_err().code, ErrorCode::InternalError);
                assert_eq!(pool.stats().in_use, 0, "{name} {plan:?}: leaked");
            }
        }
        inject.set_plan(FailurePlan::Nth(attempts + 1));
        assert_eq!(decode_as(name, payload, &inject), Ok(()), "{name}");
        assert_eq!(pool.stats().in_use, 0);
    }
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
    let start = format!(r#"{{"idTagInfo":{info},"transactionId":2147483647}}"#);
    let a: StartTransactionResponse = decode(start.as_bytes(), &measured).unwrap();
    assert_eq!(a.transaction_id, i32::MAX);
    assert_eq!(a.id_tag_info.parent_id_tag.unwrap(), "PARENT-1");
    let b: StartTransactionResponse = decode(start.as_bytes(), &refusing).unwrap();
    assert_eq!(a, b);
    let stop = format!(r#"{{"idTagInfo":{info}}}"#);
    let a: StopTransactionResponse = decode(stop.as_bytes(), &measured).unwrap();
    let b: StopTransactionResponse = decode(stop.as_bytes(), &refusing).unwrap();
    assert_eq!(
        (a, a.id_tag_info.unwrap().status),
        (b, AuthorizationStatus::Accepted)
    );
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

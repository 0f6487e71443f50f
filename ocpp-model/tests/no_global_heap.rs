//! Decoding and encoding never touch the global heap: a counting
//! `#[global_allocator]` sees no allocation while every message so far, both
//! directions (escaped strings, errors and all), goes through parse, decode
//! and encode.
//! Pool allocations go through the injected allocator and are not counted.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::pool;
use ocpp_alloc::CountingGlobal;
use ocpp_model::*;

#[global_allocator]
static GLOBAL: CountingGlobal = CountingGlobal;

/// Frames of every message, escapes included. A CALLRESULT's id names the
/// action it answers.
const FRAMES: &[&[u8]] = &[
    br#"[2,"1","Heartbeat",{}]"#,
    br#"[3,"Heartbeat",{"currentTime":"2026-11-25T16:21:50.123+01:00"}]"#,
    // Escaped id and action, a date-time without offset and a long fraction
    // (the CALLRESULT's id, unescaped, names the action it answers).
    br#"[2,"a\"\u0001","Heart\u0062eat",{}]"#,
    br#"[3,"Heart\u0062eat",{"currentTime":"2026-11-25T16:21:50.12345678901234567890123456789012345678901234567890"}]"#,
    br#"[2,"2","BootNotification",{"chargePointVendor":"V\u0045ndor","chargePointModel":"M \"1\"","chargePointSerialNumber":"s\/n","chargeBoxSerialNumber":"cb","firmwareVersion":"1.0\\2","iccid":"1","imsi":"2","meterType":"m","meterSerialNumber":"n"}]"#,
    br#"[3,"BootNotification",{"status":"Acc\u0065pted","currentTime":"2026-11-25T16:21:50Z","interval":300}]"#,
    br#"[2,"3","StatusNotification",{"connectorId":1,"errorCode":"NoError","info":"\u0041\u0042","status":"Charging","timestamp":"2026-11-25T16:21:50Z","vendorId":"x","vendorErrorCode":"y"}]"#,
    br#"[3,"StatusNotification",{}]"#,
    br#"[2,"4","Authorize",{"id\u0054ag":"AB\u0043D"}]"#,
    br#"[3,"Authorize",{"idTagInfo":{"expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"P\u0041","status":"Accepted"}}]"#,
    br#"[2,"5","ChangeAvailability",{"connectorId":0,"type":"In\u006fperative"}]"#,
    br#"[3,"ChangeAvailability",{"status":"Scheduled"}]"#,
    br#"[2,"6","ChangeConfiguration",{"key":"Heartbeat\u0049nterval","value":"3\u00300"}]"#,
    br#"[3,"ChangeConfiguration",{"status":"RebootRequired"}]"#,
    br#"[2,"7","ClearCache",{}]"#,
    br#"[3,"ClearCache",{"status":"Accepted"}]"#,
    br#"[2,"8","DataTransfer",{"vendorId":"com.acme","messageId":"m","data":"{\"k\":1}"}]"#,
    br#"[3,"DataTransfer",{"status":"Accepted","data":"\u00e9"}]"#,
    br#"[2,"9","GetConfiguration",{"key":["A","B\u0043"]}]"#,
    br#"[3,"GetConfiguration",{"configurationKey":[{"key":"A","readonly":true,"value":"1"}],"unknownKey":["BC"]}]"#,
    br#"[2,"10","MeterValues",{"connectorId":1,"transactionId":7,"meterValue":[{"timestamp":"2026-11-25T16:21:50Z","sampledValue":[{"value":"1\u002e5","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","phase":"L1-N","location":"Outlet","unit":"kWh"}]}]}]"#,
    br#"[3,"MeterValues",{}]"#,
    br#"[2,"11","RemoteStartTransaction",{"connectorId":1,"idTag":"T","chargingProfile":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Absolute","validFrom":"2026-11-25T16:21:50Z","chargingSchedule":{"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":11000.5,"numberPhases":3}],"minChargingRate":1.5}}}]"#,
    br#"[3,"RemoteStartTransaction",{"status":"Accepted"}]"#,
    br#"[2,"12","RemoteStopTransaction",{"transactionId":7}]"#,
    br#"[3,"RemoteStopTransaction",{"status":"Rejected"}]"#,
    br#"[2,"13","Reset",{"type":"Soft"}]"#,
    br#"[3,"Reset",{"status":"Accepted"}]"#,
    br#"[2,"14","StartTransaction",{"connectorId":1,"idTag":"\"T\"","meterStart":0,"reservationId":2,"timestamp":"2026-11-25T16:21:50Z"}]"#,
    br#"[3,"StartTransaction",{"idTagInfo":{"parentIdTag":"P\u0041","status":"Accepted"},"transactionId":9}]"#,
    br#"[2,"15","StopTransaction",{"idTag":"T","meterStop":10,"timestamp":"2026-11-25T18:00:00Z","transactionId":9,"reason":"Remote","transactionData":[{"timestamp":"2026-11-25T18:00:00Z","sampledValue":[{"value":"10"}]}]}]"#,
    br#"[3,"StopTransaction",{"idTagInfo":{"status":"Blocked"}}]"#,
    br#"[2,"16","TriggerMessage",{"requestedMessage":"MeterValues","connectorId":1}]"#,
    br#"[3,"TriggerMessage",{"status":"NotImplemented"}]"#,
    br#"[2,"17","UnlockConnector",{"connectorId":1}]"#,
    br#"[3,"UnlockConnector",{"status":"UnlockFailed"}]"#,
];

/// What the frames allocate in the pool: strings and arrays. (idTags and
/// idTagInfo are inline.)
const FRAME_ALLOCATIONS: usize = 9 // BootNotification's strings
    + 3 // StatusNotification's
    + 2 // ChangeConfiguration's
    + 3 + 1 // DataTransfer's, and its answer's data
    + 3 // GetConfiguration: 2 keys, the array
    + 5 // its answer: key, value, array; an unknown key, array
    + 3 // MeterValues: a value, the sampledValue and meterValue arrays
    + 1 // RemoteStartTransaction: the periods
    + 3; // StopTransaction: a value, its two arrays

const BAD: &[(&str, &[u8])] = &[
    ("Authorize", br#"{"idTag":"\u00e9"}"#),
    ("Authorize", br#"{"idTag":"AAAAAAAAAAAAAAAAAAAAAAAAA"}"#),
    ("Authorize", br#"{"idTag":"A","x":1}"#),
    ("Authorize", br#"{}"#),
    (
        "StatusNotification",
        br#"{"connectorId":1.5,"errorCode":"NoError","status":"Charging"}"#,
    ),
    (
        "BootNotificationResponse",
        br#"{"status":"X","currentTime":"bad","interval":1}"#,
    ),
    (
        "HeartbeatResponse",
        br#"{"currentTime":"2026-13-01T00:00:00Z"}"#,
    ),
    (
        "Heartbeat",
        br#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["#,
    ),
    ("MeterValues", br#"{"connectorId":1,"meterValue":[]}"#),
    (
        "RemoteStartTransaction",
        br#"{"idTag":"T","chargingProfile":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16.55}]}}}"#,
    ),
    (
        "ChangeConfiguration",
        br#"{"key":"K","value":"\u0007"}"#,
    ),
    ("GetConfiguration", br#"{"key":["0","1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17","18","19","20","21","22","23","24","25","26","27","28","29","30","31","32"]}"#),
];

/// What the bad payloads allocate before they fail (and free again):
/// ChangeConfiguration's key; GetConfiguration's 33 keys and its array.
const BAD_ALLOCATIONS: usize = 1 + 33 + 1;

/// Decodes `payload` as a `T` and encodes it back, as a CALL of `action` or
/// (`None`) a CALLRESULT.
fn round<'p, T>(payload: &[u8], pool: &'p Pool, id: &MessageId, action: Option<Action>) -> usize
where
    T: Decode<&'p Pool> + ocpp_model::Encode,
{
    let mut out = [0u8; 1024];
    let v: T = decode(payload, pool).unwrap();
    match action {
        Some(action) => encode_call(&mut out, id, action, &v),
        None => encode_call_result(&mut out, id, &v),
    }
    .unwrap()
}

/// A CALL of `action`, decoded and encoded back.
fn call(action: Action, payload: &[u8], pool: &Pool, id: &MessageId) -> usize {
    type P<'p> = &'p Pool;
    let (p, a) = (payload, Some(action));
    match action {
        Action::Authorize => round::<AuthorizeRequest>(p, pool, id, a),
        Action::BootNotification => round::<BootNotificationRequest<P>>(p, pool, id, a),
        Action::ChangeAvailability => round::<ChangeAvailabilityRequest>(p, pool, id, a),
        Action::ChangeConfiguration => round::<ChangeConfigurationRequest<P>>(p, pool, id, a),
        Action::ClearCache => round::<ClearCacheRequest>(p, pool, id, a),
        Action::DataTransfer => round::<DataTransferRequest<P>>(p, pool, id, a),
        Action::GetConfiguration => round::<GetConfigurationRequest<P>>(p, pool, id, a),
        Action::Heartbeat => round::<HeartbeatRequest>(p, pool, id, a),
        Action::MeterValues => round::<MeterValuesRequest<P>>(p, pool, id, a),
        Action::RemoteStartTransaction => round::<RemoteStartTransactionRequest<P>>(p, pool, id, a),
        Action::RemoteStopTransaction => round::<RemoteStopTransactionRequest>(p, pool, id, a),
        Action::Reset => round::<ResetRequest>(p, pool, id, a),
        Action::StartTransaction => round::<StartTransactionRequest>(p, pool, id, a),
        Action::StatusNotification => round::<StatusNotificationRequest<P>>(p, pool, id, a),
        Action::StopTransaction => round::<StopTransactionRequest<P>>(p, pool, id, a),
        Action::TriggerMessage => round::<TriggerMessageRequest>(p, pool, id, a),
        Action::UnlockConnector => round::<UnlockConnectorRequest>(p, pool, id, a),
        _ => unreachable!("{action}"),
    }
}

/// A CALLRESULT answering `action`, decoded as its `Request::Response` and
/// encoded back.
fn answer(action: Action, payload: &[u8], pool: &Pool, id: &MessageId) -> usize {
    type P<'p> = &'p Pool;
    fn r<'p, R: Request>(payload: &[u8], pool: &'p Pool, id: &MessageId) -> usize
    where
        R::Response: Decode<&'p Pool> + ocpp_model::Encode,
    {
        round::<R::Response>(payload, pool, id, None)
    }
    let p = payload;
    match action {
        Action::Authorize => r::<AuthorizeRequest>(p, pool, id),
        Action::BootNotification => r::<BootNotificationRequest<P>>(p, pool, id),
        Action::ChangeAvailability => r::<ChangeAvailabilityRequest>(p, pool, id),
        Action::ChangeConfiguration => r::<ChangeConfigurationRequest<P>>(p, pool, id),
        Action::ClearCache => r::<ClearCacheRequest>(p, pool, id),
        Action::DataTransfer => r::<DataTransferRequest<P>>(p, pool, id),
        Action::GetConfiguration => r::<GetConfigurationRequest<P>>(p, pool, id),
        Action::Heartbeat => r::<HeartbeatRequest>(p, pool, id),
        Action::MeterValues => r::<MeterValuesRequest<P>>(p, pool, id),
        Action::RemoteStartTransaction => r::<RemoteStartTransactionRequest<P>>(p, pool, id),
        Action::RemoteStopTransaction => r::<RemoteStopTransactionRequest>(p, pool, id),
        Action::Reset => r::<ResetRequest>(p, pool, id),
        Action::StartTransaction => r::<StartTransactionRequest>(p, pool, id),
        Action::StatusNotification => r::<StatusNotificationRequest<P>>(p, pool, id),
        Action::StopTransaction => r::<StopTransactionRequest<P>>(p, pool, id),
        Action::TriggerMessage => r::<TriggerMessageRequest>(p, pool, id),
        Action::UnlockConnector => r::<UnlockConnectorRequest>(p, pool, id),
        _ => unreachable!("{action}"),
    }
}

fn exercise(pool: &Pool) -> usize {
    let mut out = [0u8; 1024];
    let mut total = 0;
    for frame in FRAMES {
        let id = match Frame::parse(frame, &Limits::DEFAULT).unwrap() {
            Frame::Call {
                id,
                action,
                payload,
            } => {
                total += call(Action::parse(action).unwrap(), payload, pool, &id);
                id
            }
            Frame::CallResult { id, payload } => {
                total += answer(Action::parse(id.as_str()).unwrap(), payload, pool, &id);
                id
            }
            Frame::CallError { .. } => unreachable!(),
        };
        total += encode_call_error(
            &mut out,
            &id,
            ErrorCode::GenericError,
            "a \"quoted\"\n description",
        )
        .unwrap();
        assert_eq!(
            encode_call_error(&mut out[..10], &id, ErrorCode::GenericError, ""),
            Err(EncodeError::BufferFull)
        );
    }
    for (name, payload) in BAD {
        total += common::decode_as(name, payload, pool)
            .unwrap_err()
            .reason
            .len();
    }
    for bad in [
        &b"[2,\"x\",\"Heartbeat\",{}"[..],
        b"\xff",
        b"[5,\"x\",{}]",
        b"[2,\"x\",\"Heartbeat\",null]",
    ] {
        assert!(Frame::parse(bad, &Limits::DEFAULT).is_err());
    }
    total
}

type Pool = ocpp_alloc::Pool<ocpp_alloc::Talc>;

#[test]
fn decoding_and_encoding_use_no_global_heap() {
    let pool = pool();
    // Warm up whatever the platform initializes lazily (critical sections,
    // thread locals), outside the measurement.
    let expected = exercise(&pool);
    let pool_allocations = pool.stats().allocations;
    assert!(CountingGlobal::is_installed());
    let (total, global) = CountingGlobal::count(|| exercise(&pool));
    assert_eq!(total, expected);
    assert_eq!(global, 0, "global allocations while decoding/encoding");
    // The pool did the allocating, and got everything back.
    assert_eq!(
        pool.stats().allocations - pool_allocations,
        FRAME_ALLOCATIONS + BAD_ALLOCATIONS
    );
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn the_counter_counts() {
    let (v, global) = CountingGlobal::count(|| std::hint::black_box(vec![1u8; 10]));
    drop(v);
    assert!(global > 0);
}

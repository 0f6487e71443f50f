//! Every Core message added after the slice, request and response, encoded
//! from at least a full and a minimal value, validates against its official
//! schema and decodes back to the same value; and every enum spells its
//! values exactly as the schemas do.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use std::fmt::{Debug, Display};

use common::*;
use ocpp_model::*;
use serde::Serialize;

type A<'p> = &'p Pool<Talc>;

/// Frames here may exceed the default size limit (every measurand in one
/// MeterValues): parse them with a larger one.
const BIG: Limits = Limits::new(1 << 16, 8);

/// Encodes `value` as message `name` (a CALL, or a CALLRESULT for a
/// response), checks the frame against the schema, and decodes it back.
#[track_caller]
fn check<'p, T>(name: &str, value: &T, pool: A<'p>)
where
    T: Serialize + ocpp_model::Encode + Decode<A<'p>> + PartialEq + Debug,
{
    let id = MessageId::new("4f1e").unwrap();
    let mut buf = vec![0u8; 16 * 1024];
    let n = match name.strip_suffix("Response") {
        Some(_) => encode_call_result(&mut buf, &id, value),
        None => encode_call(&mut buf, &id, Action::parse(name).unwrap(), value),
    }
    .unwrap();
    assert_valid_frame(name, &buf[..n], &validator(name));
    let payload = match Frame::parse(&buf[..n], &BIG).unwrap() {
        Frame::Call { payload, .. } | Frame::CallResult { payload, .. } => payload,
        f => panic!("{f:?}"),
    };
    let back: T = decode(payload, pool).unwrap();
    assert_eq!(&back, value);
}

fn ci<'p, const N: usize>(s: &str, a: A<'p>) -> CiString<N, A<'p>> {
    CiString::try_from_str(s, a).unwrap()
}

fn tag(s: &str) -> IdToken {
    IdToken::try_from_str(s).unwrap()
}

fn vec_in<T, B: Allocator>(
    items: impl IntoIterator<Item = T>,
    a: B,
) -> allocator_api2::vec::Vec<T, B> {
    let mut v = allocator_api2::vec::Vec::new_in(a);
    for item in items {
        v.push(item);
    }
    v
}

/// An IdTagInfo with nothing optional, or with everything.
fn info(status: AuthorizationStatus, full: bool) -> IdTagInfo {
    IdTagInfo {
        expiry_date: full.then_some(DateTime::from_unix_millis(1_798_761_600_000)),
        parent_id_tag: full.then(|| tag(&"\"\\p".repeat(6)[..18])),
        status,
    }
}

#[test]
fn statuses_and_small_messages_validate() {
    let pool = pool();
    let a = &*pool;
    for &kind in AvailabilityType::ALL {
        let req = ChangeAvailabilityRequest {
            connector_id: 0,
            kind,
        };
        check("ChangeAvailability", &req, a);
    }
    for &status in AvailabilityStatus::ALL {
        check(
            "ChangeAvailabilityResponse",
            &ChangeAvailabilityResponse { status },
            a,
        );
    }
    for &status in ConfigurationStatus::ALL {
        check(
            "ChangeConfigurationResponse",
            &ChangeConfigurationResponse { status },
            a,
        );
    }
    check("ClearCache", &ClearCacheRequest {}, a);
    for &status in ClearCacheStatus::ALL {
        check("ClearCacheResponse", &ClearCacheResponse { status }, a);
    }
    check("MeterValuesResponse", &MeterValuesResponse {}, a);
    for &status in RemoteStartStopStatus::ALL {
        check(
            "RemoteStartTransactionResponse",
            &RemoteStartTransactionResponse { status },
            a,
        );
        check(
            "RemoteStopTransactionResponse",
            &RemoteStopTransactionResponse { status },
            a,
        );
    }
    for transaction_id in [i32::MIN, 0, i32::MAX] {
        check(
            "RemoteStopTransaction",
            &RemoteStopTransactionRequest { transaction_id },
            a,
        );
    }
    for &kind in ResetType::ALL {
        check("Reset", &ResetRequest { kind }, a);
    }
    for &status in ResetStatus::ALL {
        check("ResetResponse", &ResetResponse { status }, a);
    }
    check(
        "UnlockConnector",
        &UnlockConnectorRequest { connector_id: 1 },
        a,
    );
    for &status in UnlockStatus::ALL {
        check(
            "UnlockConnectorResponse",
            &UnlockConnectorResponse { status },
            a,
        );
    }
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn configuration_messages_validate() {
    let pool = pool();
    let a = &*pool;
    {
        let minimal = ChangeConfigurationRequest {
            key: ci("", a),
            value: ci("", a),
        };
        check("ChangeConfiguration", &minimal, a);
        let full = ChangeConfigurationRequest {
            key: ci(&"k\"".repeat(25), a),
            value: ci(&"v\\ ~".repeat(125), a),
        };
        check("ChangeConfiguration", &full, a);
        check(
            "GetConfiguration",
            &GetConfigurationRequest::<A> { key: None },
            a,
        );
        let max = usize::from(Limits::DEFAULT.max_items);
        let keys = (0..max).map(|i| ci(&format!("{i:0>50}"), a));
        let full = GetConfigurationRequest {
            key: Some(vec_in(keys, a)),
        };
        check("GetConfiguration", &full, a);
        let minimal = GetConfigurationResponse::<A> {
            configuration_key: None,
            unknown_key: None,
        };
        check("GetConfigurationResponse", &minimal, a);
        let empty = GetConfigurationResponse::<A> {
            configuration_key: Some(vec_in([], a)),
            unknown_key: Some(vec_in([], a)),
        };
        check("GetConfigurationResponse", &empty, a);
        let entries = [
            KeyValue {
                key: ci(&"k".repeat(50), a),
                readonly: true,
                value: Some(ci(&"v".repeat(500), a)),
            },
            KeyValue {
                key: ci("AuthorizationKey", a),
                readonly: false,
                value: None,
            },
            KeyValue {
                key: ci("Empty", a),
                readonly: false,
                value: Some(ci("", a)),
            },
        ];
        let full = GetConfigurationResponse {
            configuration_key: Some(vec_in(entries, a)),
            unknown_key: Some(vec_in([ci("Foo", a), ci(&"u".repeat(50), a)], a)),
        };
        check("GetConfigurationResponse", &full, a);
    }
    assert_eq!(pool.stats().in_use, 0);
}

/// The `i`-th sampled value of a full MeterValues: every value of every
/// enum appears once `i` has gone through the 22 measurands. `hertz`: may
/// the unit be Hertz (not in StopTransaction's schema)?
fn sampled(i: usize, hertz: bool, a: A<'_>) -> SampledValue<A<'_>> {
    let pick = |n: usize| i % n;
    let mut unit = UnitOfMeasure::ALL[pick(UnitOfMeasure::ALL.len())];
    if unit == UnitOfMeasure::Hertz && !hertz {
        unit = UnitOfMeasure::Wh;
    }
    SampledValue {
        value: Text::try_from_str(&format!("{i}.5 ⚡ \"x\""), a).unwrap(),
        context: Some(ReadingContext::ALL[pick(ReadingContext::ALL.len())]),
        format: Some(ValueFormat::ALL[pick(ValueFormat::ALL.len())]),
        measurand: Some(Measurand::ALL[pick(Measurand::ALL.len())]),
        phase: Some(Phase::ALL[pick(Phase::ALL.len())]),
        location: Some(Location::ALL[pick(Location::ALL.len())]),
        unit: Some(unit),
    }
}

fn bare<'p>(value: &str, a: A<'p>) -> SampledValue<A<'p>> {
    SampledValue {
        value: Text::try_from_str(value, a).unwrap(),
        context: None,
        format: None,
        measurand: None,
        phase: None,
        location: None,
        unit: None,
    }
}

#[test]
fn meter_values_validate() {
    let pool = pool();
    let a = &*pool;
    let t = DateTime::from_unix_millis(1_795_623_710_000);
    let minimal = MeterValuesRequest {
        connector_id: 0,
        transaction_id: None,
        meter_value: vec_in(
            [MeterValue {
                timestamp: t,
                sampled_value: vec_in([bare("", a)], a),
            }],
            a,
        ),
    };
    check("MeterValues", &minimal, a);
    let all = (0..Measurand::ALL.len()).map(|i| sampled(i, true, a));
    let full = MeterValuesRequest {
        connector_id: 1,
        transaction_id: Some(i32::MIN),
        meter_value: vec_in(
            [
                MeterValue {
                    timestamp: t,
                    sampled_value: vec_in(all, a),
                },
                MeterValue {
                    timestamp: DateTime::MAX,
                    sampled_value: vec_in([bare("0", a)], a),
                },
            ],
            a,
        ),
    };
    check("MeterValues", &full, a);
    drop((minimal, full));
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn transaction_messages_validate() {
    let pool = pool();
    let a = &*pool;
    let t = DateTime::from_unix_millis(1_795_623_710_123);
    let minimal = StartTransactionRequest {
        connector_id: 1,
        id_tag: tag(""),
        meter_start: 0,
        reservation_id: None,
        timestamp: t,
    };
    check("StartTransaction", &minimal, a);
    let full = StartTransactionRequest {
        id_tag: tag(&"t\\".repeat(10)),
        reservation_id: Some(-1),
        ..minimal
    };
    check("StartTransaction", &full, a);
    for &status in AuthorizationStatus::ALL {
        for full in [false, true] {
            let conf = StartTransactionResponse {
                id_tag_info: info(status, full),
                transaction_id: 7,
            };
            check("StartTransactionResponse", &conf, a);
            let conf = StopTransactionResponse {
                id_tag_info: Some(info(status, full)),
            };
            check("StopTransactionResponse", &conf, a);
        }
    }
    check(
        "StopTransactionResponse",
        &StopTransactionResponse { id_tag_info: None },
        a,
    );
    let minimal = StopTransactionRequest::<A> {
        id_tag: None,
        meter_stop: 0,
        timestamp: t,
        transaction_id: 1,
        reason: None,
        transaction_data: None,
    };
    check("StopTransaction", &minimal, a);
    for (i, &reason) in Reason::ALL.iter().enumerate() {
        let samples = (i * 2..i * 2 + 2).map(|k| sampled(k, false, a));
        let data = [MeterValue {
            timestamp: t,
            sampled_value: vec_in(samples, a),
        }];
        let full = StopTransactionRequest {
            id_tag: Some(tag(&"T".repeat(20))),
            meter_stop: i32::MAX,
            timestamp: t,
            transaction_id: -5,
            reason: Some(reason),
            transaction_data: Some(vec_in(data, a)),
        };
        check("StopTransaction", &full, a);
    }
    assert_eq!(pool.stats().in_use, 0);
}

/// The documented gap: StopTransaction's schema has no Hertz, so a sample in
/// Hertz must be kept out of transactionData (MeterValues takes it).
#[test]
fn hertz_is_not_in_stop_transactions_schema() {
    let hertz = serde_json::json!({
        "meterStop": 0, "timestamp": "2026-11-25T16:21:50Z", "transactionId": 1,
        "transactionData": [{"timestamp": "2026-11-25T16:21:50Z",
            "sampledValue": [{"value": "50", "unit": "Hertz"}]}]
    });
    assert!(!validator("StopTransaction").is_valid(&hertz));
    let mv = serde_json::json!({"connectorId": 1, "meterValue": hertz["transactionData"]});
    assert!(validator("MeterValues").is_valid(&mv));
}

/// A charging profile with every property, the `i`-th value of each enum.
fn full_profile(i: usize, a: A<'_>) -> ChargingProfile<A<'_>> {
    let period = |start_period, tenths, number_phases| ChargingSchedulePeriod {
        start_period,
        limit: Decimal::from_tenths(tenths),
        number_phases,
    };
    let periods = [
        period(0, 165, None),
        period(60, 3, Some(1)),
        period(120, -7, Some(3)),
    ];
    ChargingProfile {
        charging_profile_id: 1,
        transaction_id: Some(2),
        stack_level: 3,
        charging_profile_purpose: ChargingProfilePurposeType::ALL[i % 3],
        charging_profile_kind: ChargingProfileKindType::ALL[i % 3],
        recurrency_kind: Some(RecurrencyKindType::ALL[i % 2]),
        valid_from: Some(DateTime::MIN),
        valid_to: Some(DateTime::MAX),
        charging_schedule: ChargingSchedule {
            duration: Some(86_400),
            start_schedule: Some(DateTime::from_unix_millis(1_795_586_400_000)),
            charging_rate_unit: ChargingRateUnitType::ALL[i % 2],
            charging_schedule_period: vec_in(periods, a),
            min_charging_rate: Some(Decimal::from_tenths(i32::MAX)),
        },
    }
}

/// A charging profile with only the required properties, and no period.
fn minimal_profile(a: A<'_>) -> ChargingProfile<A<'_>> {
    ChargingProfile {
        charging_profile_id: 0,
        transaction_id: None,
        stack_level: 0,
        charging_profile_purpose: ChargingProfilePurposeType::TxProfile,
        charging_profile_kind: ChargingProfileKindType::Relative,
        recurrency_kind: None,
        valid_from: None,
        valid_to: None,
        charging_schedule: ChargingSchedule {
            duration: None,
            start_schedule: None,
            charging_rate_unit: ChargingRateUnitType::W,
            charging_schedule_period: vec_in([], a),
            min_charging_rate: None,
        },
    }
}

#[test]
fn remote_start_validates() {
    let pool = pool();
    let a = &*pool;
    let minimal = RemoteStartTransactionRequest::<A> {
        connector_id: None,
        id_tag: tag("T"),
        charging_profile: None,
    };
    check("RemoteStartTransaction", &minimal, a);
    for i in 0..3 {
        let full = RemoteStartTransactionRequest {
            connector_id: Some(1),
            id_tag: tag(&"~".repeat(20)),
            charging_profile: Some(full_profile(i, a)),
        };
        check("RemoteStartTransaction", &full, a);
    }
    let bare = RemoteStartTransactionRequest {
        connector_id: None,
        id_tag: tag(""),
        charging_profile: Some(minimal_profile(a)),
    };
    check("RemoteStartTransaction", &bare, a);
    drop(bare);
    assert_eq!(pool.stats().in_use, 0);
}

/// The `enum` of the first property called `prop` in schema `name`.
fn schema_enum(name: &str, prop: &str) -> Vec<String> {
    fn find<'v>(v: &'v serde_json::Value, prop: &str) -> Option<&'v serde_json::Value> {
        let props = v.get("properties");
        if let Some(e) = props.and_then(|p| p.get(prop)).and_then(|p| p.get("enum")) {
            return Some(e);
        }
        let nested = props
            .and_then(|p| p.as_object())
            .into_iter()
            .flat_map(|o| o.values());
        let items = v.get("items").into_iter();
        nested.chain(items).find_map(|child| find(child, prop))
    }
    let schema = schema_json(name);
    let e = find(&schema, prop).unwrap_or_else(|| panic!("{name}: no enum {prop}"));
    e.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

fn names<E: Display>(all: &[E]) -> Vec<String> {
    all.iter().map(ToString::to_string).collect()
}

#[test]
fn enums_are_spelled_as_the_schemas_spell_them() {
    let cases: &[(&str, &str, Vec<String>)] = &[
        ("ChangeAvailability", "type", names(AvailabilityType::ALL)),
        (
            "ChangeAvailabilityResponse",
            "status",
            names(AvailabilityStatus::ALL),
        ),
        (
            "ChangeConfigurationResponse",
            "status",
            names(ConfigurationStatus::ALL),
        ),
        ("ClearCacheResponse", "status", names(ClearCacheStatus::ALL)),
        ("MeterValues", "context", names(ReadingContext::ALL)),
        ("MeterValues", "format", names(ValueFormat::ALL)),
        ("MeterValues", "measurand", names(Measurand::ALL)),
        ("MeterValues", "phase", names(Phase::ALL)),
        ("MeterValues", "location", names(Location::ALL)),
        ("MeterValues", "unit", names(UnitOfMeasure::ALL)),
        ("StopTransaction", "context", names(ReadingContext::ALL)),
        ("StopTransaction", "measurand", names(Measurand::ALL)),
        ("StopTransaction", "reason", names(Reason::ALL)),
        (
            "RemoteStartTransaction",
            "chargingProfilePurpose",
            names(ChargingProfilePurposeType::ALL),
        ),
        (
            "RemoteStartTransaction",
            "chargingProfileKind",
            names(ChargingProfileKindType::ALL),
        ),
        (
            "RemoteStartTransaction",
            "recurrencyKind",
            names(RecurrencyKindType::ALL),
        ),
        (
            "RemoteStartTransaction",
            "chargingRateUnit",
            names(ChargingRateUnitType::ALL),
        ),
        (
            "RemoteStartTransactionResponse",
            "status",
            names(RemoteStartStopStatus::ALL),
        ),
        (
            "RemoteStopTransactionResponse",
            "status",
            names(RemoteStartStopStatus::ALL),
        ),
        ("Reset", "type", names(ResetType::ALL)),
        ("ResetResponse", "status", names(ResetStatus::ALL)),
        (
            "StartTransactionResponse",
            "status",
            names(AuthorizationStatus::ALL),
        ),
        (
            "UnlockConnectorResponse",
            "status",
            names(UnlockStatus::ALL),
        ),
    ];
    for (schema, prop, ours) in cases {
        assert_eq!(&schema_enum(schema, prop), ours, "{schema}.{prop}");
    }
    // StopTransaction's units are MeterValues' but Hertz (documented).
    let mut units = names(UnitOfMeasure::ALL);
    units.retain(|u| u != "Hertz");
    assert_eq!(schema_enum("StopTransaction", "unit"), units);
}

//! The malformed-frame corpus of the Core messages added after the slice
//! that configure and meter (the transaction messages are in
//! `corpus_transactions.rs`): each case with its exact expected outcome,
//! then judged by the oracle (serde_json + the official schema + the
//! documented stricter rules), as in `corpus.rs`.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::corpus::*;
use ocpp_model::*;

use ErrorCode::*;

fn availability_and_configuration() -> Vec<Case> {
    let ca = "ChangeAvailability";
    let cac = "ChangeAvailabilityResponse";
    let cc = "ChangeConfiguration";
    let ccc = "ChangeConfigurationResponse";
    let cc_with =
        |key: &str, value: &str| call(cc, &format!(r#"{{"key":"{key}","value":"{value}"}}"#));
    vec![
        case(
            ca,
            call(ca, r#"{"connectorId":0,"type":"Inoperative"}"#),
            Valid,
        ),
        case(
            ca,
            call(ca, r#"{"connectorId":1}"#),
            Invalid(ProtocolError, "type: required property missing"),
        ),
        case(
            ca,
            call(ca, r#"{"connectorId":1,"type":"Operational"}"#),
            Invalid(PROP, "type: unknown enum value"),
        ),
        case(
            ca,
            call(ca, r#"{"connectorId":1,"type":"Operative","reason":"x"}"#),
            Invalid(FormationViolation, "unknown property"),
        ),
        case(
            ca,
            call(ca, r#"{"connectorId":"1","type":"Operative"}"#),
            Invalid(TYPE, "connectorId: wrong type"),
        ),
        case(cac, result(r#"{"status":"Scheduled"}"#), Valid),
        case(
            cac,
            result(r#"{"status":"scheduled"}"#),
            Invalid(PROP, "status: unknown enum value"),
        ),
        case(cc, cc_with("HeartbeatInterval", "300"), Valid),
        case(cc, cc_with(&"k".repeat(50), &"v".repeat(500)), Valid),
        case(
            cc,
            cc_with(&"k".repeat(51), "1"),
            Invalid(TYPE, "key: longer than maxLength"),
        ),
        case(
            cc,
            cc_with("K", &"v".repeat(501)),
            Invalid(TYPE, "value: longer than maxLength"),
        ),
        stricter(
            cc,
            cc_with("K", "\\u00e9"),
            Invalid(TYPE, "value: not printable ASCII"),
        ),
        case(
            cc,
            call(cc, r#"{"key":"K"}"#),
            Invalid(ProtocolError, "value: required property missing"),
        ),
        case(
            cc,
            call(cc, r#"{"key":"K","value":300}"#),
            Invalid(TYPE, "value: wrong type"),
        ),
        case(ccc, result(r#"{"status":"RebootRequired"}"#), Valid),
        case(
            ccc,
            result(r#"{"status":"Reboot"}"#),
            Invalid(PROP, "status: unknown enum value"),
        ),
    ]
}

fn clear_cache() -> Vec<Case> {
    let cl = "ClearCache";
    let clc = "ClearCacheResponse";
    vec![
        case(cl, call(cl, "{}"), Valid),
        case(
            cl,
            call(cl, r#"{"all":true}"#),
            Invalid(FormationViolation, "unknown property"),
        ),
        case(
            clc,
            result("{}"),
            Invalid(ProtocolError, "status: required property missing"),
        ),
        case(clc, result(r#"{"status":"Rejected"}"#), Valid),
    ]
}

fn get_configuration() -> Vec<Case> {
    let gc = "GetConfiguration";
    let keys = |n: usize| call(gc, &format!(r#"{{"key":[{}]}}"#, items(r#""K""#, n)));
    vec![
        case(gc, call(gc, "{}"), Valid),
        case(gc, call(gc, r#"{"key":[]}"#), Valid),
        case(gc, keys(max()), Valid),
        stricter(
            gc,
            keys(max() + 1),
            Invalid(OCC, "key: more items than this charge point accepts"),
        ),
        case(
            gc,
            call(gc, &format!(r#"{{"key":["{}"]}}"#, "k".repeat(51))),
            Invalid(TYPE, "key: longer than maxLength"),
        ),
        case(
            gc,
            call(gc, r#"{"key":"K"}"#),
            Invalid(TYPE, "key: wrong type"),
        ),
        case(
            gc,
            call(gc, r#"{"key":[1]}"#),
            Invalid(TYPE, "key: wrong type"),
        ),
    ]
}

fn get_configuration_response() -> Vec<Case> {
    let gcc = "GetConfigurationResponse";
    vec![
        case(gcc, result("{}"), Valid),
        case(
            gcc,
            result(
                r#"{"configurationKey":[{"key":"K","readonly":true,"value":"v"}],"unknownKey":["X"]}"#,
            ),
            Valid,
        ),
        case(
            gcc,
            result(r#"{"configurationKey":[{"key":"K"}]}"#),
            Invalid(ProtocolError, "readonly: required property missing"),
        ),
        case(
            gcc,
            result(r#"{"configurationKey":[{"key":"K","readonly":"true"}]}"#),
            Invalid(TYPE, "readonly: wrong type"),
        ),
        case(
            gcc,
            result(&format!(
                r#"{{"configurationKey":[{{"key":"K","readonly":false,"value":"{}"}}]}}"#,
                "v".repeat(501)
            )),
            Invalid(TYPE, "value: longer than maxLength"),
        ),
        case(
            gcc,
            result(r#"{"configurationKey":[{"key":"K","readonly":false,"rw":1}]}"#),
            Invalid(FormationViolation, "unknown property"),
        ),
        stricter(
            gcc,
            result(&format!(
                r#"{{"unknownKey":[{}]}}"#,
                items(r#""U""#, max() + 1)
            )),
            Invalid(OCC, "unknownKey: more items than this charge point accepts"),
        ),
        stricter(
            gcc,
            result(&format!(
                r#"{{"configurationKey":[{}]}}"#,
                items(r#"{"key":"K","readonly":true}"#, max() + 1)
            )),
            Invalid(
                OCC,
                "configurationKey: more items than this charge point accepts",
            ),
        ),
    ]
}

/// MeterValues with one meterValue holding these sampled values.
fn mv(sampled: &str) -> String {
    call(
        "MeterValues",
        &format!(
            r#"{{"connectorId":1,"meterValue":[{{"timestamp":"2026-11-25T16:21:50Z","sampledValue":[{sampled}]}}]}}"#
        ),
    )
}

fn meter_values() -> Vec<Case> {
    let m = "MeterValues";
    let one = |prop: &str| mv(&format!(r#"{{"value":"1",{prop}}}"#));
    vec![
        case(m, mv(r#"{"value":"1"}"#), Valid),
        case(m, mv(r#"{"value":"größe ⚡"}"#), Valid),
        case(
            m,
            one(
                r#""context":"Sample.Periodic","format":"SignedData","measurand":"Energy.Active.Import.Register","phase":"L1-N","location":"EV","unit":"Celcius""#,
            ),
            Valid,
        ),
        case(
            m,
            call(m, r#"{"connectorId":1,"meterValue":[]}"#),
            Invalid(OCC, "meterValue: fewer items than minItems"),
        ),
        case(
            m,
            mv(""),
            Invalid(OCC, "sampledValue: fewer items than minItems"),
        ),
        case(m, mv(&items(r#"{"value":"1"}"#, max())), Valid),
        stricter(
            m,
            mv(&items(r#"{"value":"1"}"#, max() + 1)),
            Invalid(
                OCC,
                "sampledValue: more items than this charge point accepts",
            ),
        ),
        case(
            m,
            call(
                m,
                r#"{"connectorId":1,"meterValue":[{"sampledValue":[{"value":"1"}]}]}"#,
            ),
            Invalid(ProtocolError, "timestamp: required property missing"),
        ),
        case(
            m,
            mv(r#"{"unit":"Wh"}"#),
            Invalid(ProtocolError, "value: required property missing"),
        ),
        case(m, mv(r#"{"value":5}"#), Invalid(TYPE, "value: wrong type")),
    ]
}

fn meter_values_properties() -> Vec<Case> {
    let m = "MeterValues";
    let one = |prop: &str| mv(&format!(r#"{{"value":"1",{prop}}}"#));
    let bad_enum = |prop: &str, reason| case(m, one(prop), Invalid(PROP, reason));
    vec![
        case(
            m,
            one(r#""valu":"2""#),
            Invalid(FormationViolation, "unknown property"),
        ),
        bad_enum(
            r#""measurand":"Energy.Active.Import""#,
            "measurand: unknown enum value",
        ),
        bad_enum(r#""phase":"L1N""#, "phase: unknown enum value"),
        bad_enum(r#""unit":"kwh""#, "unit: unknown enum value"),
        bad_enum(r#""location":"ev""#, "location: unknown enum value"),
        bad_enum(r#""format":"Signed""#, "format: unknown enum value"),
        bad_enum(
            r#""context":"Sample_Periodic""#,
            "context: unknown enum value",
        ),
        case(
            m,
            call(
                m,
                r#"{"connectorId":1,"transactionId":1.5,"meterValue":[]}"#,
            ),
            Invalid(TYPE, "transactionId: wrong type"),
        ),
        case(
            m,
            call(
                m,
                r#"{"connectorId":1,"meterValue":[{"timestamp":"now","sampledValue":[{"value":"1"}]}]}"#,
            ),
            Invalid(PROP, "timestamp: invalid date-time"),
        ),
        case("MeterValuesResponse", result("{}"), Valid),
        case(
            "MeterValuesResponse",
            result(r#"{"ok":true}"#),
            Invalid(FormationViolation, "unknown property"),
        ),
    ]
}

/// Date-times without an offset are read as UTC (on purpose; the oracle
/// reads them so too), even inside arrays; action names written with
/// escapes are read unescaped.
fn naive_date_times_and_escaped_actions() -> Vec<Case> {
    let m = "MeterValues";
    let at = |time: &str| {
        call(
            m,
            &format!(
                r#"{{"connectorId":1,"meterValue":[{{"timestamp":"2026-11-25T16:21:50Z","sampledValue":[{{"value":"1"}}]}},{{"timestamp":"{time}","sampledValue":[{{"value":"2"}}]}}]}}"#
            ),
        )
    };
    vec![
        case(m, at("2026-11-25T16:22:50"), Valid),
        case(m, at("2026-11-25T16:22:50.123456789012"), Valid),
        case(
            m,
            at("2026-11-31T16:22:50"),
            Invalid(PROP, "timestamp: invalid date-time"),
        ),
        case(
            m,
            at("2026-11-25T16:22"),
            Invalid(PROP, "timestamp: invalid date-time"),
        ),
        case(
            m,
            call(
                r"Meter\u0056alues",
                r#"{"connectorId":1,"meterValue":[{"timestamp":"2026-11-25T16:21:50","sampledValue":[{"value":"1"}]}]}"#,
            ),
            Valid,
        ),
        case(
            "ChangeAvailability",
            call(
                r"\u0043hange\u0041vailability",
                r#"{"connectorId":0,"type":"Inoperative"}"#,
            ),
            Valid,
        ),
        case(
            "ClearCache",
            call(r"Clear\u0043ache", r#"{"all":true}"#),
            Invalid(FormationViolation, "unknown property"),
        ),
        case(
            "GetConfiguration",
            call(r"Get\u0043onfiguration\u0073", "{}"),
            UnknownAction,
        ),
    ]
}

fn corpus() -> Vec<Case> {
    let parts = [
        availability_and_configuration(),
        clear_cache(),
        get_configuration(),
        get_configuration_response(),
        meter_values(),
        meter_values_properties(),
        naive_date_times_and_escaped_actions(),
    ];
    parts.into_iter().flatten().collect()
}

#[test]
fn every_case_has_its_expected_outcome() {
    let cases = corpus();
    check_outcomes(&cases);
    // Every message of this file, request and response, has cases.
    for name in [
        "ChangeAvailability",
        "ChangeConfiguration",
        "ClearCache",
        "GetConfiguration",
        "MeterValues",
    ] {
        let response = format!("{name}Response");
        for msg in [name, &response] {
            assert!(cases.iter().any(|c| c.msg == msg), "{msg}");
        }
    }
}

#[test]
fn oracle_agrees_with_every_verdict() {
    check_oracle(&corpus());
}

#[test]
fn stricter_than_schema_only_where_documented() {
    check_stricter(&corpus());
}

#[test]
fn the_too_many_description_is_the_documented_one() {
    assert_eq!(
        Violation::TooManyItems.text(),
        "more items than this charge point accepts"
    );
}

//! The malformed-frame corpus of the transaction messages of the Core
//! profile (Remote{Start,Stop}Transaction, {Start,Stop}Transaction) and of
//! Reset and UnlockConnector: each case with its exact expected outcome,
//! then judged by the oracle, as in `corpus.rs`.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::corpus::*;
use ocpp_model::*;

use ErrorCode::*;

/// RemoteStartTransaction with a charging profile whose schedule is
/// `schedule`.
fn rs(schedule: &str) -> String {
    call(
        "RemoteStartTransaction",
        &format!(
            r#"{{"idTag":"T","chargingProfile":{{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative","chargingSchedule":{{{schedule}}}}}}}"#
        ),
    )
}

/// The schedule's periods: decimals, required properties, max_items.
fn remote_start_periods() -> Vec<Case> {
    let r = "RemoteStartTransaction";
    let periods = |p: &str| {
        rs(&format!(
            r#""chargingRateUnit":"A","chargingSchedulePeriod":[{p}]"#
        ))
    };
    vec![
        case(
            r,
            periods(r#"{"startPeriod":0,"limit":16.5,"numberPhases":3}"#),
            Valid,
        ),
        case(r, periods(""), Valid),
        case(r, periods(r#"{"startPeriod":0,"limit":16}"#), Valid),
        case(
            r,
            periods(r#"{"startPeriod":0,"limit":16.55}"#),
            Invalid(PROP, "limit: not a multiple of 0.1"),
        ),
        case(
            r,
            periods(r#"{"startPeriod":0,"limit":100000000.05}"#),
            Invalid(PROP, "limit: not a multiple of 0.1"),
        ),
        case(
            r,
            periods(r#"{"startPeriod":0,"limit":-214748364.8}"#),
            Valid,
        ),
        stricter(
            r,
            periods(r#"{"startPeriod":0,"limit":214748364.8}"#),
            Invalid(TYPE, "limit: number out of range"),
        ),
        case(
            r,
            periods(r#"{"startPeriod":0,"limit":"16"}"#),
            Invalid(TYPE, "limit: wrong type"),
        ),
        case(
            r,
            periods(r#"{"limit":16}"#),
            Invalid(ProtocolError, "startPeriod: required property missing"),
        ),
        stricter(
            r,
            periods(&items(r#"{"startPeriod":0,"limit":1}"#, max() + 1)),
            Invalid(
                OCC,
                "chargingSchedulePeriod: more items than this charge point accepts",
            ),
        ),
    ]
}

fn remote_start() -> Vec<Case> {
    let r = "RemoteStartTransaction";
    vec![
        case(r, call(r, r#"{"idTag":"T"}"#), Valid),
        case(
            r,
            rs(r#""chargingRateUnit":"A","chargingSchedulePeriod":[],"minChargingRate":0.05"#),
            Invalid(PROP, "minChargingRate: not a multiple of 0.1"),
        ),
        case(
            r,
            rs(r#""chargingRateUnit":"kW","chargingSchedulePeriod":[]"#),
            Invalid(PROP, "chargingRateUnit: unknown enum value"),
        ),
        case(
            r,
            rs(r#""chargingRateUnit":"W","chargingSchedulePeriod":[],"rate":1"#),
            Invalid(FormationViolation, "unknown property"),
        ),
        case(
            r,
            call(
                r,
                r#"{"idTag":"T","chargingProfile":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative"}}"#,
            ),
            Invalid(ProtocolError, "chargingSchedule: required property missing"),
        ),
        case(
            r,
            call(r, &format!(r#"{{"idTag":"{}"}}"#, "T".repeat(21))),
            Invalid(TYPE, "idTag: longer than maxLength"),
        ),
        case(
            r,
            call(r, r#"{"connectorId":1}"#),
            Invalid(ProtocolError, "idTag: required property missing"),
        ),
        case(
            "RemoteStartTransactionResponse",
            result(r#"{"status":"Started"}"#),
            Invalid(PROP, "status: unknown enum value"),
        ),
    ]
}

fn stop_reset_unlock() -> Vec<Case> {
    let rt = "RemoteStopTransaction";
    let re = "Reset";
    let u = "UnlockConnector";
    vec![
        case(rt, call(rt, r#"{"transactionId":7}"#), Valid),
        case(
            rt,
            call(rt, "{}"),
            Invalid(ProtocolError, "transactionId: required property missing"),
        ),
        case(
            rt,
            call(rt, r#"{"transactionId":"7"}"#),
            Invalid(TYPE, "transactionId: wrong type"),
        ),
        stricter(
            rt,
            call(rt, r#"{"transactionId":2147483648}"#),
            Invalid(TYPE, "transactionId: number out of range"),
        ),
        case(
            "RemoteStopTransactionResponse",
            result(r#"{"status":"Rejected"}"#),
            Valid,
        ),
        case(re, call(re, r#"{"type":"Hard"}"#), Valid),
        case(
            re,
            call(re, r#"{"type":"hard"}"#),
            Invalid(PROP, "type: unknown enum value"),
        ),
        case(
            re,
            call(re, "{}"),
            Invalid(ProtocolError, "type: required property missing"),
        ),
        case(
            "ResetResponse",
            result(r#"{"status":"Accepted","when":"now"}"#),
            Invalid(FormationViolation, "unknown property"),
        ),
        case(u, call(u, r#"{"connectorId":1}"#), Valid),
        case(
            u,
            call(u, r#"{"connectorId":null}"#),
            Invalid(TYPE, "connectorId: wrong type"),
        ),
        case(
            "UnlockConnectorResponse",
            result(r#"{"status":"UnlockFailed"}"#),
            Valid,
        ),
        case(
            "UnlockConnectorResponse",
            result(r#"{"status":"Failed"}"#),
            Invalid(PROP, "status: unknown enum value"),
        ),
    ]
}

fn start_transaction() -> Vec<Case> {
    let s = "StartTransaction";
    let sc = "StartTransactionResponse";
    let start = |tag: &str, rest: &str| {
        call(
            s,
            &format!(
                r#"{{"connectorId":1,"idTag":"{tag}","meterStart":0,"timestamp":"2026-11-25T16:21:50Z"{rest}}}"#
            ),
        )
    };
    vec![
        case(s, start("T", ""), Valid),
        case(s, start(&"T".repeat(20), r#","reservationId":3"#), Valid),
        case(
            s,
            start(&"T".repeat(21), ""),
            Invalid(TYPE, "idTag: longer than maxLength"),
        ),
        stricter(
            s,
            start("\\u0007", ""),
            Invalid(TYPE, "idTag: not printable ASCII"),
        ),
        case(
            s,
            start("T", r#","reservationId":null"#),
            Invalid(TYPE, "reservationId: wrong type"),
        ),
        case(
            s,
            call(
                s,
                r#"{"connectorId":1,"idTag":"T","timestamp":"2026-11-25T16:21:50Z"}"#,
            ),
            Invalid(ProtocolError, "meterStart: required property missing"),
        ),
        case(
            s,
            call(
                s,
                r#"{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2026-11-25"}"#,
            ),
            Invalid(PROP, "timestamp: invalid date-time"),
        ),
        case(
            sc,
            result(r#"{"idTagInfo":{"parentIdTag":"P","status":"Accepted"},"transactionId":9}"#),
            Valid,
        ),
        case(
            sc,
            result(r#"{"idTagInfo":{"status":"Accepted"}}"#),
            Invalid(ProtocolError, "transactionId: required property missing"),
        ),
        case(
            sc,
            result(r#"{"transactionId":9}"#),
            Invalid(ProtocolError, "idTagInfo: required property missing"),
        ),
        case(
            sc,
            result(&format!(
                r#"{{"idTagInfo":{{"parentIdTag":"{}","status":"Accepted"}},"transactionId":9}}"#,
                "P".repeat(21)
            )),
            Invalid(TYPE, "parentIdTag: longer than maxLength"),
        ),
        case(
            sc,
            result(r#"{"idTagInfo":{"status":"Unknown"},"transactionId":9}"#),
            Invalid(PROP, "status: unknown enum value"),
        ),
    ]
}

fn stop_transaction() -> Vec<Case> {
    let s = "StopTransaction";
    let stop = |rest: &str| {
        call(
            s,
            &format!(
                r#"{{"meterStop":10,"timestamp":"2026-11-25T18:00:00Z","transactionId":9{rest}}}"#
            ),
        )
    };
    let data = |sampled: &str| {
        stop(&format!(
            r#","transactionData":[{{"timestamp":"2026-11-25T18:00:00Z","sampledValue":[{sampled}]}}]"#
        ))
    };
    vec![
        case(s, stop(""), Valid),
        case(
            s,
            stop(r#","idTag":"T","reason":"DeAuthorized","transactionData":[]"#),
            Valid,
        ),
        case(s, data(r#"{"value":"10","unit":"kWh"}"#), Valid),
        case(
            s,
            stop(r#","reason":"Deauthorized""#),
            Invalid(PROP, "reason: unknown enum value"),
        ),
        case(
            s,
            call(s, r#"{"meterStop":10,"timestamp":"2026-11-25T18:00:00Z"}"#),
            Invalid(ProtocolError, "transactionId: required property missing"),
        ),
        // The 1.6 specification's 1..*, which StopTransaction's schema omits.
        stricter(
            s,
            data(""),
            Invalid(OCC, "sampledValue: fewer items than minItems"),
        ),
        // StopTransaction's schema has no Hertz; MeterValues' has.
        lenient(s, data(r#"{"value":"50","unit":"Hertz"}"#), Valid),
        case("StopTransactionResponse", result("{}"), Valid),
        case(
            "StopTransactionResponse",
            result(r#"{"idTagInfo":{"parentIdTag":"P"}}"#),
            Invalid(ProtocolError, "status: required property missing"),
        ),
    ]
}

/// Date-times without an offset are read as UTC (on purpose; the oracle
/// reads them so too), wherever they are nested; action names written with
/// escapes are read unescaped.
fn naive_date_times_and_escaped_actions() -> Vec<Case> {
    let s = "StartTransaction";
    let r = "RemoteStartTransaction";
    let start = |time: &str| {
        call(
            s,
            &format!(r#"{{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"{time}"}}"#),
        )
    };
    let profile = |valid_from: &str, start_schedule: &str| {
        call(
            r,
            &format!(
                r#"{{"idTag":"T","chargingProfile":{{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Absolute","validFrom":"{valid_from}","chargingSchedule":{{"startSchedule":"{start_schedule}","chargingRateUnit":"A","chargingSchedulePeriod":[]}}}}}}"#
            ),
        )
    };
    vec![
        case(s, start("2026-11-25T16:21:50"), Valid),
        case(s, start("2026-11-25T16:21:50.123456"), Valid),
        // Stricter than the schema for the idTag alone: the schema, reading
        // the date-time as we do, accepts the rest.
        stricter(
            s,
            call(
                s,
                r#"{"connectorId":1,"idTag":"\u0007","meterStart":0,"timestamp":"2026-11-25T16:21:50"}"#,
            ),
            Invalid(TYPE, "idTag: not printable ASCII"),
        ),
        case(
            s,
            start("2026-02-30T16:21:50"),
            Invalid(PROP, "timestamp: invalid date-time"),
        ),
        case(
            s,
            start("2026-11-25T16:21:50."),
            Invalid(PROP, "timestamp: invalid date-time"),
        ),
        case(
            "StartTransactionResponse",
            result(
                r#"{"idTagInfo":{"expiryDate":"2027-01-01T00:00:00","status":"Accepted"},"transactionId":9}"#,
            ),
            Valid,
        ),
        case(
            r,
            profile("2026-11-25T00:00:00", "2026-11-25T06:00:00.5"),
            Valid,
        ),
        case(
            r,
            profile("2026-11-25T00:00:00", "2026-11-25T24:00:00"),
            Invalid(PROP, "startSchedule: invalid date-time"),
        ),
        case(
            "StopTransaction",
            call(
                "StopTransaction",
                r#"{"meterStop":10,"timestamp":"2026-11-25T18:00:00","transactionId":9,"transactionData":[{"timestamp":"2026-11-25T18:00:00.1","sampledValue":[{"value":"10"}]}]}"#,
            ),
            Valid,
        ),
        case(
            "RemoteStopTransaction",
            call(r"Remote\u0053topTransaction", r#"{"transactionId":7}"#),
            Valid,
        ),
        case(
            "Reset",
            call(r"Res\u0065t", r#"{"type":"hard"}"#),
            Invalid(PROP, "type: unknown enum value"),
        ),
        case(
            "Reset",
            call(r"Reset\u0021", r#"{"type":"Hard"}"#),
            UnknownAction,
        ),
    ]
}

fn corpus() -> Vec<Case> {
    let parts = [
        remote_start(),
        remote_start_periods(),
        stop_reset_unlock(),
        start_transaction(),
        stop_transaction(),
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
        "RemoteStartTransaction",
        "RemoteStopTransaction",
        "Reset",
        "StartTransaction",
        "StopTransaction",
        "UnlockConnector",
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

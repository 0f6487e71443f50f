//! The malformed-frame corpus: every case with its exact expected outcome,
//! then the same inputs judged by an independent oracle (serde_json + the
//! official schema) to check that we accept exactly what it accepts, apart
//! from the documented places where this crate is stricter than the schemas.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::corpus::*;
use ocpp_model::*;

use ErrorCode::*;
use FrameErrorKind::*;

fn corpus() -> Vec<Case> {
    let hb = "Heartbeat";
    let auth = "Authorize";
    let boot = "BootNotification";
    let bootc = "BootNotificationResponse";
    let hbc = "HeartbeatResponse";
    let sn = "StatusNotification";
    let authc = "AuthorizeResponse";
    // 4000 levels: within the default size limit, so the depth check speaks.
    let deep_call = format!(r#"[2,"d1","Heartbeat",{}"#, "[".repeat(4000));
    let big = format!(r#"[2,"big","Heartbeat",{{}}{}]"#, " ".repeat(5000));
    let sn_with = |props: &str| {
        format!(
            r#"[2,"s","StatusNotification",{{"connectorId":1,"errorCode":"NoError","status":"Available"{props}}}]"#
        )
    };
    let sn_conn = |v: &str| {
        format!(
            r#"[2,"s","StatusNotification",{{"connectorId":{v},"errorCode":"NoError","status":"Available"}}]"#
        )
    };
    let boot_conf = |status: &str, time: &str, interval: &str| {
        format!(r#"[3,"b",{{"status":{status},"currentTime":{time},"interval":{interval}}}]"#)
    };
    vec![
        // ---- frame level --------------------------------------------------
        case(hb, "hello", Rejected(NotJson, None)),
        case(hb, "", Rejected(NotJson, None)),
        case(
            hb,
            r#"[2,"n1","Heartbeat",{]"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(
            auth,
            b"[2,\"u1\",\"Authorize\",{\"idTag\":\"\xff\"}]",
            Rejected(NotUtf8, Some(FormationViolation)),
        ),
        case(
            auth,
            r#"[2,"t1","Authorize",{"idTag":"AB"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"t2","Heartbeat",{}"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(hb, r#"{"a":1}"#, Rejected(NotAnArray, None)),
        case(
            hb,
            r#""[2,\"1\",\"Heartbeat\",{}]""#,
            Rejected(NotAnArray, None),
        ),
        case(hb, r#"[5,"x1",{}]"#, Rejected(UnknownMessageType, None)),
        case(
            hb,
            r#"["2","x2","Heartbeat",{}]"#,
            Rejected(UnknownMessageType, None),
        ),
        case(
            hb,
            r#"[2.0,"x3","Heartbeat",{}]"#,
            Rejected(UnknownMessageType, None),
        ),
        case(hb, "[]", Rejected(UnknownMessageType, None)),
        case(
            hb,
            format!(r#"[2,"{}","Heartbeat",{{}}]"#, "i".repeat(37)),
            Rejected(BadMessageId, None),
        ),
        case(
            hb,
            format!(r#"[2,"{}","Heartbeat",{{}}]"#, "i".repeat(36)),
            Valid,
        ),
        case(hb, r#"[2,"","Heartbeat",{}]"#, Rejected(BadMessageId, None)),
        case(hb, r#"[2,1,"Heartbeat",{}]"#, Rejected(BadMessageId, None)),
        case(
            hb,
            r#"[2,"w1","Heartbeat"]"#,
            Rejected(WrongElementCount, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"w2","Heartbeat",{},{}]"#,
            Rejected(WrongElementCount, Some(FormationViolation)),
        ),
        case(hbc, r#"[3,"w3"]"#, Rejected(WrongElementCount, None)),
        case(
            hb,
            r#"[2,"b1",7,{}]"#,
            Rejected(BadAction, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"b2","",{}]"#,
            Rejected(BadAction, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"p1","Heartbeat",null]"#,
            Rejected(PayloadNotObject, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"p2","Heartbeat",[]]"#,
            Rejected(PayloadNotObject, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"p3","Heartbeat","{}"]"#,
            Rejected(PayloadNotObject, Some(FormationViolation)),
        ),
        case(hbc, r#"[3,"r1",null]"#, Rejected(PayloadNotObject, None)),
        case(hb, r#"[4,"e1",5,"",{}]"#, Rejected(BadErrorCode, None)),
        case(
            hb,
            r#"[4,"e2","GenericError",null,{}]"#,
            Rejected(BadErrorDescription, None),
        ),
        case(
            hb,
            r#"[2,"g1","Heartbeat",{}] x"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"g2","Heartbeat",{}][3,"g2",{}]"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"g3","Heartbeat",{},]"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(hb, r#"[2,'g4','Heartbeat',{}]"#, Rejected(NotJson, None)),
        case(hb, deep_call, Rejected(TooDeep, Some(FormationViolation))),
        case(
            hb,
            format!("{}{}", "[".repeat(2000), "]".repeat(2000)),
            Rejected(TooDeep, None),
        ),
        case(
            hb,
            format!(
                r#"[2,"d2","Heartbeat",{{"a":{}1{}}}]"#,
                "[".repeat(7),
                "]".repeat(7)
            ),
            Rejected(TooDeep, Some(FormationViolation)),
        ),
        case(
            hb,
            format!(
                r#"[2,"d3","Heartbeat",{{"a":{}1{}}}]"#,
                "[".repeat(6),
                "]".repeat(6)
            ),
            Invalid(FormationViolation, "unknown property"),
        ),
        stricter(hb, big, Rejected(TooLarge, Some(InternalError))),
        case(hb, " \r\n\t[ 2 , \"ws\" , \"Heartbeat\" , { } ] \n", Valid),
        // ---- action ---------------------------------------------------------
        case(hb, r#"[2,"a1","FooBar",{}]"#, UnknownAction),
        case(hb, r#"[2,"a2","heartbeat",{}]"#, UnknownAction),
        stricter(
            hb,
            r#"[2,"a3","Heart\u0062eat",{}]"#,
            Rejected(BadAction, Some(FormationViolation)),
        ),
        // ---- payload: JSON types ------------------------------------------
        case(
            auth,
            r#"[2,"1","Authorize",{"idTag":123}]"#,
            Invalid(TYPE, "idTag: wrong type"),
        ),
        case(
            auth,
            r#"[2,"1","Authorize",{"idTag":true}]"#,
            Invalid(TYPE, "idTag: wrong type"),
        ),
        case(
            auth,
            r#"[2,"1","Authorize",{"idTag":{}}]"#,
            Invalid(TYPE, "idTag: wrong type"),
        ),
        case(
            auth,
            r#"[2,"1","Authorize",{"idTag":["A"]}]"#,
            Invalid(TYPE, "idTag: wrong type"),
        ),
        case(
            auth,
            r#"[2,"1","Authorize",{"idTag":null}]"#,
            Invalid(TYPE, "idTag: wrong type"),
        ),
        case(
            sn,
            sn_conn(r#""1""#),
            Invalid(TYPE, "connectorId: wrong type"),
        ),
        case(sn, sn_conn("1.5"), Invalid(TYPE, "connectorId: wrong type")),
        case(sn, sn_conn("1.0"), Invalid(TYPE, "connectorId: wrong type")),
        case(sn, sn_conn("1e2"), Invalid(TYPE, "connectorId: wrong type")),
        lenient(sn, sn_conn("-0"), Valid),
        case(sn, sn_conn("2147483647"), Valid),
        case(sn, sn_conn("-2147483648"), Valid),
        stricter(
            sn,
            sn_conn("2147483648"),
            Invalid(TYPE, "connectorId: number out of range"),
        ),
        stricter(
            sn,
            sn_conn("-2147483649"),
            Invalid(TYPE, "connectorId: number out of range"),
        ),
        stricter(
            sn,
            sn_conn("99999999999999999999"),
            Invalid(TYPE, "connectorId: wrong type"),
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25T16:21:50Z""#, "1.5"),
            Invalid(TYPE, "interval: wrong type"),
        ),
        case(
            sn,
            sn_with(r#","info":null"#),
            Invalid(TYPE, "info: wrong type"),
        ),
        case(
            authc,
            r#"[3,"1",{"idTagInfo":"Accepted"}]"#,
            Invalid(TYPE, "idTagInfo: wrong type"),
        ),
        // ---- payload: CiString ----------------------------------------------
        case(
            auth,
            format!(r#"[2,"1","Authorize",{{"idTag":"{}"}}]"#, "A".repeat(21)),
            Invalid(TYPE, "idTag: longer than maxLength"),
        ),
        case(
            auth,
            format!(r#"[2,"1","Authorize",{{"idTag":"{}"}}]"#, "A".repeat(20)),
            Valid,
        ),
        case(auth, r#"[2,"1","Authorize",{"idTag":""}]"#, Valid),
        stricter(
            auth,
            r#"[2,"1","Authorize",{"idTag":"é"}]"#,
            Invalid(TYPE, "idTag: not printable ASCII"),
        ),
        stricter(
            auth,
            r#"[2,"1","Authorize",{"idTag":"\u00e9"}]"#,
            Invalid(TYPE, "idTag: not printable ASCII"),
        ),
        stricter(
            auth,
            r#"[2,"1","Authorize",{"idTag":"A\nB"}]"#,
            Invalid(TYPE, "idTag: not printable ASCII"),
        ),
        stricter(
            auth,
            r#"[2,"1","Authorize",{"idTag":"\u007f"}]"#,
            Invalid(TYPE, "idTag: not printable ASCII"),
        ),
        case(
            auth,
            b"[2,\"1\",\"Authorize\",{\"idTag\":\"A\nB\"}]",
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(auth, r#"[2,"1","Authorize",{"idTag":"AB\u0043D"}]"#, Valid),
        case(auth, r#"[2,"1","Authorize",{"idTag":"\"\\\/"}]"#, Valid),
        case(
            auth,
            r#"[2,"1","Authorize",{"idTag":"\ud800"}]"#,
            Invalid(TYPE, "idTag: not printable ASCII"),
        ),
        case(
            authc,
            format!(
                r#"[3,"1",{{"idTagInfo":{{"parentIdTag":"{}","status":"Accepted"}}}}]"#,
                "P".repeat(21)
            ),
            Invalid(TYPE, "parentIdTag: longer than maxLength"),
        ),
        case(
            boot,
            format!(
                r#"[2,"1","BootNotification",{{"chargePointVendor":"V","chargePointModel":"M","firmwareVersion":"{}"}}]"#,
                "f".repeat(51)
            ),
            Invalid(TYPE, "firmwareVersion: longer than maxLength"),
        ),
        case(
            sn,
            sn_with(&format!(r#","vendorId":"{}""#, "v".repeat(255))),
            Valid,
        ),
        case(
            sn,
            sn_with(&format!(r#","vendorId":"{}""#, "v".repeat(256))),
            Invalid(TYPE, "vendorId: longer than maxLength"),
        ),
        // ---- payload: properties ------------------------------------------
        case(
            auth,
            r#"[2,"1","Authorize",{}]"#,
            Invalid(ProtocolError, "idTag: required property missing"),
        ),
        case(
            boot,
            r#"[2,"1","BootNotification",{"chargePointVendor":"V"}]"#,
            Invalid(ProtocolError, "chargePointModel: required property missing"),
        ),
        case(
            authc,
            r#"[3,"1",{"idTagInfo":{"parentIdTag":"P"}}]"#,
            Invalid(ProtocolError, "status: required property missing"),
        ),
        case(
            auth,
            r#"[2,"1","Authorize",{"idTag":"X","foo":1}]"#,
            Invalid(FormationViolation, "unknown property"),
        ),
        case(
            auth,
            r#"[2,"1","Authorize",{"IdTag":"X"}]"#,
            Invalid(FormationViolation, "unknown property"),
        ),
        case(
            hb,
            r#"[2,"1","Heartbeat",{"x":{}}]"#,
            Invalid(FormationViolation, "unknown property"),
        ),
        case(
            hb,
            r#"[2,"1","Heartbeat",{"":1}]"#,
            Invalid(FormationViolation, "unknown property"),
        ),
        case(
            authc,
            r#"[3,"1",{"idTagInfo":{"status":"Accepted","extra":1}}]"#,
            Invalid(FormationViolation, "unknown property"),
        ),
        stricter(
            auth,
            r#"[2,"1","Authorize",{"idTag":"A","idTag":"B"}]"#,
            Invalid(FormationViolation, "idTag: duplicate property"),
        ),
        case(auth, r#"[2,"1","Authorize",{"id\u0054ag":"X"}]"#, Valid),
        // ---- payload: values ----------------------------------------------
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-13-01T00:00:00Z""#, "60"),
            Invalid(PROP, "currentTime: invalid date-time"),
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25T16:21:50""#, "60"),
            Invalid(PROP, "currentTime: invalid date-time"),
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""yesterday""#, "60"),
            Invalid(PROP, "currentTime: invalid date-time"),
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25T16:21:50+01:00""#, "60"),
            Valid,
        ),
        case(
            hbc,
            r#"[3,"1",{"currentTime":1764087710}]"#,
            Invalid(TYPE, "currentTime: wrong type"),
        ),
        case(
            bootc,
            boot_conf(r#""Accepted ""#, r#""2026-11-25T16:21:50Z""#, "60"),
            Invalid(PROP, "status: unknown enum value"),
        ),
        case(
            bootc,
            boot_conf(r#""accepted""#, r#""2026-11-25T16:21:50Z""#, "60"),
            Invalid(PROP, "status: unknown enum value"),
        ),
        case(
            bootc,
            boot_conf(r#""Acc\u0065pted""#, r#""2026-11-25T16:21:50Z""#, "60"),
            Valid,
        ),
        case(
            sn,
            r#"[2,"s","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Charged"}]"#,
            Invalid(PROP, "status: unknown enum value"),
        ),
        case(
            sn,
            r#"[2,"s","StatusNotification",{"connectorId":1,"errorCode":"Oops","status":"Available"}]"#,
            Invalid(PROP, "errorCode: unknown enum value"),
        ),
        case(
            authc,
            r#"[3,"1",{"idTagInfo":{"status":"Accepted","expiryDate":"2026-02-30T00:00:00Z"}}]"#,
            Invalid(PROP, "expiryDate: invalid date-time"),
        ),
    ]
}

#[test]
fn every_case_has_its_expected_outcome() {
    let cases = corpus();
    check_outcomes(&cases);
    assert!(cases.len() >= 80, "{}", cases.len());
}

#[test]
fn oracle_agrees_with_every_verdict() {
    check_oracle(&corpus());
}

#[test]
fn stricter_than_schema_only_where_documented() {
    check_stricter(&corpus());
}

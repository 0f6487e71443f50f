//! The corpus cases of payloads: JSON types, CiStrings, properties, values.

use super::*;

pub fn cases() -> Vec<Case> {
    let hb = "Heartbeat";
    let auth = "Authorize";
    let boot = "BootNotification";
    let bootc = "BootNotificationResponse";
    let hbc = "HeartbeatResponse";
    let sn = "StatusNotification";
    let authc = "AuthorizeResponse";
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
        // No offset: read as UTC (documented; the oracle reads it so too).
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25T16:21:50""#, "60"),
            Valid,
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25T16:21:50.123456""#, "60"),
            Valid,
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25T16:21:50.1""#, "60"),
            Valid,
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25t16:21:50.123456789z""#, "60"),
            Valid,
        ),
        // Stricter than the schema for the interval alone, the date-time
        // read as UTC.
        stricter(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25T16:21:50""#, "2147483648"),
            Invalid(TYPE, "interval: number out of range"),
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25 16:21:50Z""#, "60"),
            Invalid(PROP, "currentTime: invalid date-time"),
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-02-30T16:21:50""#, "60"),
            Invalid(PROP, "currentTime: invalid date-time"),
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25T24:00:00""#, "60"),
            Invalid(PROP, "currentTime: invalid date-time"),
        ),
        case(
            bootc,
            boot_conf(r#""Accepted""#, r#""2026-11-25T16:21:50.""#, "60"),
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

//! TC_039_CS Offline Transaction (OCTT test case document p51).
//!
//! Purpose: "To test if the Charge Point is able to start and stop a
//! transaction, while being offline and if it is able to queue all the
//! transaction-related messages."
//!
//! Prerequisite: as TC_037_1_CS, and the Charge Point supports local stop
//! transaction. Config and Memory State as TC_037_1_CS.
//! Steps: [remove connectivity] [EV driver starts offline a transaction]
//! [EV driver stops offline a transaction] [EV driver unplugs the cable]
//! [restore connectivity] 1 StartTransaction.req → 2; 3 StopTransaction.req
//! → 4.
//!
//! Validations, CP: S3 StopTransaction.req reason=Local or omitted. CS: S2
//! StartTransaction.conf idTagInfo.status=Accepted. (Cut at "Expected
//! result".)
//!
//! The StopTransaction carries the transactionId the StartTransaction.conf
//! gave, known only once online; both carry the time of their event
//! (PROTOCOL.md, offline behaviour), not the tool's checks but what its
//! timestamps mean.

use serde_json::json;

use crate::states::{
    booted, configure, expect_connector_0_available, CONNECTOR, TRANSACTION_ID, VALID_ID_TAG,
};
use crate::support::pool;

#[test]
fn tc_039_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "LocalAuthorizeOffline", "true");
    configure(&mut h, "AuthorizationCacheEnabled", "true");
    configure(&mut h, "AllowOfflineTxForUnknownId", "true");
    // Memory State IdTagCached.
    h.present(VALID_ID_TAG);
    let a = h.expect_call("Authorize");
    h.reply(&a, json!({"idTagInfo": {"status": "Accepted"}}));
    // Offline: start, stop, unplug.
    h.go_offline();
    h.meter_wh(CONNECTOR, 5_000);
    h.plug(CONNECTOR);
    h.present_at(CONNECTOR, VALID_ID_TAG);
    assert_eq!(h.cp.transaction(CONNECTOR), Some(None));
    h.advance(5); // within MeterValueSampleInterval: no sample between
    h.meter_wh(CONNECTOR, 5_600);
    h.present_at(CONNECTOR, VALID_ID_TAG);
    assert_eq!(h.cp.transaction(CONNECTOR), None);
    h.unplug(CONNECTOR);
    h.expect_quiet();
    // Back online: 1-2.
    h.register();
    let start = h.expect_call("StartTransaction");
    assert_eq!(
        (&start.payload()["idTag"], &start.payload()["meterStart"]),
        (&json!(VALID_ID_TAG), &json!(5_000)),
        "{}",
        start.raw
    );
    h.reply(
        &start,
        json!({"transactionId": TRANSACTION_ID, "idTagInfo": {"status": "Accepted"}}),
    );
    // 3-4.
    let stop = h.expect_call("StopTransaction");
    let p = stop.payload();
    assert!(
        p["reason"].is_null() || p["reason"] == "Local",
        "{}",
        stop.raw
    );
    assert_eq!(
        (&p["transactionId"], &p["meterStop"]),
        (&json!(TRANSACTION_ID), &json!(5_600)),
        "{}",
        stop.raw
    );
    h.reply_ok(&stop);
    // Both carry the time of their event, not of their sending.
    let at = |v: &serde_json::Value| {
        ocpp_model::DateTime::parse(v.as_str().expect("a timestamp"))
            .expect("a date-time")
            .unix_millis()
    };
    assert_eq!(
        at(&p["timestamp"]) - at(&start.payload()["timestamp"]),
        5_000,
        "{} / {}",
        start.raw,
        stop.raw
    );
    // Then every connector's status: all Available.
    expect_connector_0_available(&mut h);
    h.expect_status(CONNECTOR, "Available");
    h.expect_quiet();
}

//! TC_037_1_CS Offline Start Transaction – Valid IdTag (OCTT test case
//! document p48).
//!
//! Purpose: "To test if the Charge Point is able to start a transaction,
//! while being offline and is able to queue transaction- related messages,
//! after restoring the connection."
//!
//! Prerequisite: offline transactions via the Local Authorization List,
//! the Authorization Cache or Unknown Offline Authorization. Config:
//! LocalAuthorizeOffline is true; LocalAuthListEnabled is true (if
//! implemented: it is not); AuthorizationCacheEnabled is true (if
//! implemented); AllowOfflineTxForUnknownId is true (if implemented).
//! Memory State: IdTagLocalAuthList (not implemented) and IdTagCached for
//! <Configured valid IdTag>.
//! Steps: [remove connectivity] [EV driver starts offline a transaction
//! with a valid idTag] [restore connectivity] 1 StartTransaction.req → 2; 3
//! SN.req → 4.
//!
//! Validations, CP: S3 SN status=Charging. CS: S2 StartTransaction.conf
//! idTagInfo.status=Accepted.
//!
//! Coming back, the engine registers again and then reports every
//! connector: connector 0 (Available) comes before step 3.

use ocpp_engine::Event;
use serde_json::json;

use crate::states::{
    booted, configure, expect_connector_0_available, CONNECTOR, TRANSACTION_ID, VALID_ID_TAG,
};
use crate::support::pool;

#[test]
fn tc_037_1_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "LocalAuthorizeOffline", "true");
    configure(&mut h, "AuthorizationCacheEnabled", "true");
    configure(&mut h, "AllowOfflineTxForUnknownId", "true");
    // Memory State IdTagCached.
    h.present(VALID_ID_TAG);
    let a = h.expect_call("Authorize");
    h.reply(&a, json!({"idTagInfo": {"status": "Accepted"}}));
    h.events.clear();
    // Offline, the driver starts a transaction.
    h.go_offline();
    h.plug(CONNECTOR);
    h.present_at(CONNECTOR, VALID_ID_TAG);
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), Some(None));
    assert!(h.events.contains(&Event::Energy {
        connector: CONNECTOR,
        on: true
    }));
    // Back online: 1-2.
    h.register();
    let start = h.expect_call("StartTransaction");
    assert_eq!(
        (&start.payload()["connectorId"], &start.payload()["idTag"]),
        (&json!(CONNECTOR), &json!(VALID_ID_TAG)),
        "{}",
        start.raw
    );
    h.reply(
        &start,
        json!({"transactionId": TRANSACTION_ID, "idTagInfo": {"status": "Accepted"}}),
    );
    // 3-4.
    expect_connector_0_available(&mut h);
    h.expect_status(CONNECTOR, "Charging");
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
}

//! TC_010_CS Remote Start Charging Session – Cable Plugged in First (OCTT
//! test case document p19).
//!
//! Purpose: "To test if the Charge point is able to start a transaction
//! after receiving a RemoteStartTransaction.req from the Central System."
//!
//! Steps: 1 CS GetConfiguration.req (key[0] is AuthorizeRemoteTxRequests) →
//! 2 CP .conf; Manual Action: plug in the cable on both EV and CS side; 3
//! SN.req → 4; 5 CS RemoteStartTransaction.req (connectorId <Configured
//! ConnectorId>, idTag <Configured Valid IdTag>) → 6 CP .conf; [if
//! AuthorizeRemoteTxRequests is true] 7 Authorize.req → 8 (idTagInfo.status
//! Accepted); [steps 9 and 11 may be reversed] 9 StartTransaction.req → 10
//! (idTagInfo.status Accepted); 11 SN.req → 12.
//!
//! Validations, CP: S3 SN "connectorId should be <Configured Conn…" TRUNC.
//! The rest is taken from the CSMS twin: S3 Preparing, the remote start
//! Accepted, the last SN Charging.

use serde_json::json;

use crate::states::{
    authorize_remote_tx_requests, booted, remote_start, start_and_charging, CONNECTOR, VALID_ID_TAG,
};
use crate::support::pool;

#[test]
fn tc_010_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    // 1-2.
    let authorize = authorize_remote_tx_requests(&mut h);
    // 3-4: the cable first.
    h.plug(CONNECTOR);
    h.expect_status(CONNECTOR, "Preparing");
    // 5-6.
    assert_eq!(
        remote_start(&mut h, CONNECTOR, VALID_ID_TAG),
        json!({"status": "Accepted"})
    );
    // 7-8.
    if authorize {
        let a = h.expect_call("Authorize");
        assert_eq!(a.payload(), &json!({ "idTag": VALID_ID_TAG }));
        h.reply(&a, json!({"idTagInfo": {"status": "Accepted"}}));
    }
    // 9-12: StartTransaction and Charging, either order.
    start_and_charging(&mut h, VALID_ID_TAG, json!({"status": "Accepted"}));
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
}

//! TC_011_1_CS Remote Start Charging Session – Remote Start First (OCTT
//! test case document p20).
//!
//! Purpose: "To test if the Charge point is able to start a transaction
//! after receiving a RemoteStartTransaction.req from the Central System."
//!
//! Steps: 1 CS GetConfiguration.req → 2 CP .conf; 3 CS
//! RemoteStartTransaction.req → 4 CP .conf; [if AuthorizeRemoteTxRequests =
//! true (from step 2), send an Authorize.req] 5 Authorize.req → 6; 7 SN.req
//! → 8; [EV driver plugs in the cable] 9 StartTransaction.req → 10; 11
//! SN.req → 12.
//!
//! Validations, CP: S2 GetConfiguration.conf configurationKey.key is
//! AuthorizeRemoteTxRequests. S4 RemoteStartTransaction.conf status=Accepted.
//! S7 SN status=Preparing. S11 SN status=Charging. "Central…" TRUNC.

use serde_json::json;

use crate::states::{authorize_remote_tx_requests, booted, remote_start, CONNECTOR, VALID_ID_TAG};
use crate::support::pool;

#[test]
fn tc_011_1_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    // 1-2.
    let authorize = authorize_remote_tx_requests(&mut h);
    // 3-4.
    assert_eq!(
        remote_start(&mut h, CONNECTOR, VALID_ID_TAG),
        json!({"status": "Accepted"})
    );
    // 5-6.
    if authorize {
        let a = h.expect_call("Authorize");
        assert_eq!(a.payload(), &json!({ "idTag": VALID_ID_TAG }));
        h.reply(&a, json!({"idTagInfo": {"status": "Accepted"}}));
    }
    // 7-8.
    h.expect_status(CONNECTOR, "Preparing");
    h.expect_quiet();
    // 9-12: the cable: StartTransaction, then Charging.
    h.plug(CONNECTOR);
    let start = h.expect_call("StartTransaction");
    assert_eq!(
        (&start.payload()["connectorId"], &start.payload()["idTag"]),
        (&json!(CONNECTOR), &json!(VALID_ID_TAG)),
        "{}",
        start.raw
    );
    h.reply_ok(&start);
    h.expect_status(CONNECTOR, "Charging");
    h.expect_quiet();
}

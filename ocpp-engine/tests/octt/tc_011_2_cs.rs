//! TC_011_2_CS Remote Start Charging Session – Time Out (OCTT test case
//! document p21).
//!
//! Purpose: "To test if the Charge Point sets the connector back to
//! available, after reaching the configured connection timeout."
//!
//! Config: ConnectionTimeOut=<Configured connectionTimeout>.
//! Steps: 1 CS GetConfiguration.req → 2; 3 CS RemoteStartTransaction.req →
//! 4; [if AuthorizeRemoteTxRequests = true (from step 2)] 5 Authorize.req →
//! 6; 7 SN.req → 8; [after the configured connection timeout is reached] 9
//! SN.req → 10.
//!
//! Validations, CP: S2 configurationKey.key is AuthorizeRemoteTxRequests.
//! S4 status=Accepted. S7 SN status=Preparing. S9 SN "status…" TRUNC; the
//! CSMS twin gives Available.

use serde_json::json;

use crate::states::{
    authorize_remote_tx_requests, booted, configure, remote_start, CONNECTION_TIMEOUT, CONNECTOR,
    VALID_ID_TAG,
};
use crate::support::pool;

#[test]
fn tc_011_2_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "ConnectionTimeOut", &CONNECTION_TIMEOUT.to_string());
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
        h.reply(&a, json!({"idTagInfo": {"status": "Accepted"}}));
    }
    // 7-8.
    h.expect_status(CONNECTOR, "Preparing");
    // 9-10: no cable within ConnectionTimeOut: Available.
    h.advance(CONNECTION_TIMEOUT - 1);
    h.expect_quiet();
    h.advance(1);
    h.expect_status(CONNECTOR, "Available");
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), None);
}

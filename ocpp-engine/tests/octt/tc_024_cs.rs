//! TC_024_CS Start Charging Session – Lock Failure (OCTT test case document
//! p37).
//!
//! Purpose: "To test if the Charge Point is able to report a connector lock
//! failure and does not start a transaction when it occurs."
//!
//! Prerequisite: the Charge Point does not have a fixed cable.
//! Steps (1-8 "executed during the Before steps"): 1 CS GetConfiguration.req
//! → 2; 3 CS RemoteStartTransaction.req → 4; [if AuthorizeRemoteTxRequests
//! = true (from step 2)] 5 Authorize.req → 6; 7 SN.req → 8; [EV driver plugs
//! in the cable halfway] 9 SN.req → 10.
//!
//! Validations, CP: S2 GetConfiguration.conf configurationKey.key is
//! AuthorizeRemoteTxRequests. S4 RemoteStartTransaction.conf status=Accepted.
//! S7 "StatusNotification.…" TRUNC; the CSMS twin gives Preparing for the
//! SN before the plug and errorCode=ConnectorLockFailure, status=Faulted
//! for the one after it.
//!
//! The cable plugged in halfway is the firmware's lock failing: it reports
//! the fault (`set_fault`), not a cable (`plug_in` means a cable locked in).

use ocpp_model::ChargePointErrorCode;
use serde_json::json;

use crate::states::{authorize_remote_tx_requests, booted, remote_start, CONNECTOR, VALID_ID_TAG};
use crate::support::pool;

#[test]
fn tc_024_cs() {
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
    // 9-10: the lock fails.
    h.fault(CONNECTOR, Some(ChargePointErrorCode::ConnectorLockFailure));
    let s = h.expect_call("StatusNotification");
    assert_eq!(
        (
            &s.payload()["connectorId"],
            &s.payload()["status"],
            &s.payload()["errorCode"]
        ),
        (
            &json!(CONNECTOR),
            &json!("Faulted"),
            &json!("ConnectorLockFailure")
        ),
        "{}",
        s.raw
    );
    h.reply_ok(&s);
    // No transaction starts.
    h.expect_quiet();
    h.advance(120);
    assert!(
        h.sent.iter().all(|s| s.action() != "StartTransaction"),
        "{:?}",
        h.sent
    );
    assert_eq!(h.cp.transaction(CONNECTOR), None);
}

//! TC_005_3_CS EV Side Disconnected – StopTransactionOnEVSideDisconnect =
//! false, UnlockConnectorOnEVSideDisconnect = false (OCTT test case document
//! p15).
//!
//! Purpose: "To test if the Charge Point is able to keep the transaction
//! active, when the cable is disconnected at EV side and the Charge Point
//! is configured to do so."
//!
//! Prerequisite: StopTransactionOnEVSideDisconnect is implemented and
//! ReadWrite. Config: MinimumStatusDuration "0";
//! StopTransactionOnEVSideDisconnect "false"; UnlockConnectorOnEVSideDisconnect
//! "false". Reusable State: Charging.
//! Steps: [EV driver unplugs cable on EV side] 1 SN.req → 2; 3 CS
//! RemoteStopTransaction.req → 4 CP .conf; [5 and 7 may be reversed] 5
//! SN.req → 6; 7 StopTransaction.req → 8.
//!
//! Validations, CP: S1 SN status "sta…" TRUNC. This test takes S1 from the
//! CSMS twin of TC_005_1 (SuspendedEV: the transaction goes on without an
//! EV), expects the remote stop Accepted and StopTransaction reason Remote
//! (as TC_012), and S5 Finishing: the cable is still in the socket
//! (OCPP 1.6 §4.9).

use serde_json::json;

use crate::states::{
    booted, charging, configure, stop_and_finishing, unplug_ev_side, CONNECTOR, TRANSACTION_ID,
};
use crate::support::pool;

#[test]
fn tc_005_3_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "MinimumStatusDuration", "0");
    configure(&mut h, "StopTransactionOnEVSideDisconnect", "false");
    configure(&mut h, "UnlockConnectorOnEVSideDisconnect", "false");
    charging(&mut h);
    // 1: the transaction goes on without the EV.
    unplug_ev_side(&mut h);
    h.expect_status(CONNECTOR, "SuspendedEV");
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
    // 3-4: stopped remotely.
    let id = h.cs_call(
        "RemoteStopTransaction",
        json!({ "transactionId": TRANSACTION_ID }),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    // 5-8: StopTransaction and Finishing, either order.
    let stop = stop_and_finishing(&mut h);
    assert_eq!(stop.payload()["reason"], "Remote", "{}", stop.raw);
    h.expect_quiet();
}

//! TC_038_CS Offline Stop Transaction (OCTT test case document p50).
//!
//! Purpose: "To test if the Charge Point is able to stop a transaction,
//! while being offline."
//!
//! Prerequisite: the Charge Point supports local stop transaction.
//! Reusable State: Charging.
//! Steps: [remove the connectivity] [the EV driver stops the transaction,
//! while still offline] [restore the connectivity] [steps 1 and 3 may be
//! reversed] 1 StopTransaction.req → 2; 3 SN.req → 4.
//!
//! Validations, CP: S1 StopTransaction.req reason=Local or omitted. S3 SN
//! status=Finishing.
//!
//! Coming back, the engine registers again and then reports every
//! connector: connector 0 (Available) is passed over among the steps.

use crate::states::{
    booted, charging, expect_status_call, CONNECTOR, TRANSACTION_ID, VALID_ID_TAG,
};
use crate::support::pool;

#[test]
fn tc_038_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    charging(&mut h);
    // Offline, the driver stops it with the same card.
    h.go_offline();
    h.present_at(CONNECTOR, VALID_ID_TAG);
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), None);
    // Back online: 1-4, either order.
    h.register();
    let mut left = vec!["StopTransaction", "StatusNotification"];
    while !left.is_empty() {
        let call = h.expect_one_of(&mut left);
        if call.action() == "StopTransaction" {
            let p = call.payload();
            assert!(
                p["reason"].is_null() || p["reason"] == "Local",
                "{}",
                call.raw
            );
            assert_eq!(p["transactionId"], TRANSACTION_ID, "{}", call.raw);
        } else if call.payload()["connectorId"] == 0 {
            expect_status_call(&call, 0, "Available");
            left.push("StatusNotification");
        } else {
            expect_status_call(&call, CONNECTOR, "Finishing");
        }
        h.reply_ok(&call);
    }
    h.expect_quiet();
}

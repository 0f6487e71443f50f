//! TC_028_CS Remote Stop Transaction – Rejected (OCTT test case document
//! p40).
//!
//! Purpose: "To test if the the Charge Point rejects a
//! RemoteStopTransaction.req, when an unknown transactionId is given."
//!
//! Reusable State: Charging.
//! Steps: 1 CS RemoteStopTransaction.req (transactionId <Unknown
//! transactionId>) → 2 CP .conf.
//!
//! Validations, CP: S2 RemoteStopTransaction.conf status=Rejected.

use serde_json::json;

use crate::states::{booted, charging, CONNECTOR, TRANSACTION_ID};
use crate::support::pool;

#[test]
fn tc_028_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    charging(&mut h);
    // 1-2.
    let id = h.cs_call(
        "RemoteStopTransaction",
        json!({ "transactionId": TRANSACTION_ID + 1 }),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Rejected"}));
    // The running transaction goes on.
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
}

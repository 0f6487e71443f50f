//! TC_012_CS Remote Stop Charging Session (OCTT test case document p22).
//!
//! Purpose: "To test if the Charge Point will stop a transaction, when
//! requested by the Central System."
//!
//! Reusable State: Charging.
//! Steps: 1 CS RemoteStopTransaction.req → 2 CP .conf; [steps 3 and 5 may
//! be reversed] 3 StopTransaction.req → 4; 5 SN.req → 6.
//!
//! Validations, CP: S2 RemoteStopTransaction.conf status=Accepted. S3
//! StopTransaction.req reason=Remote. S5 SN status=Finishing. CS: N/a.

use ocpp_engine::Event;
use serde_json::json;

use crate::states::{booted, charging, stop_and_finishing, CONNECTOR, TRANSACTION_ID};
use crate::support::pool;

#[test]
fn tc_012_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    charging(&mut h);
    h.events.clear();
    // 1-2.
    let id = h.cs_call(
        "RemoteStopTransaction",
        json!({ "transactionId": TRANSACTION_ID }),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    // 3-6: StopTransaction and Finishing, either order.
    let stop = stop_and_finishing(&mut h);
    assert_eq!(stop.payload()["reason"], "Remote", "{}", stop.raw);
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), None);
    assert!(h.events.contains(&Event::Energy {
        connector: CONNECTOR,
        on: false
    }));
}

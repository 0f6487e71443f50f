//! TC_005_2_CS EV Side Disconnected – StopTransactionOnEVSideDisconnect =
//! true, UnlockConnectorOnEVSideDisconnect = false (OCTT test case document
//! p14).
//!
//! Purpose: "To test if the Charge Point is able to stop the transaction
//! when the cable is disconnected at EV side and it is configured to do so."
//!
//! Prerequisite: StopTransactionOnEVSideDisconnect not ReadOnly with value
//! false. Config: MinimumStatusDuration "0"; StopTransactionOnEVSideDisconnect
//! "true"; UnlockConnectorOnEVSideDisconnect "false". Reusable State: Charging.
//! Steps: [EV driver unplugs cable on EV side] [1 and 3 may be reversed] 1
//! StopTransaction.req → 2; 3 SN.req → 4; 5 CS UnlockConnector.req → 6 CP
//! .conf; [EV driver unplugs the cable from the Charge Point when it is not
//! fixed] [steps 7 and 8 only when the cable is not fixed] 7 SN.req → 8.
//!
//! Validations: TRUNC before them. This test asserts what TC_005_1 asserts
//! (reason EVDisconnected; Finishing; Available once the cable is out), that
//! the cable is not unlocked on the EV side's leaving (the configuration of
//! the case), and that the UnlockConnector of step 5 unlocks it.

use ocpp_engine::Event;
use ocpp_model::UnlockStatus;
use serde_json::json;

use crate::states::{booted, charging, configure, stop_and_finishing, unplug_ev_side, CONNECTOR};
use crate::support::pool;

#[test]
fn tc_005_2_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "MinimumStatusDuration", "0");
    configure(&mut h, "StopTransactionOnEVSideDisconnect", "true");
    configure(&mut h, "UnlockConnectorOnEVSideDisconnect", "false");
    charging(&mut h);
    h.events.clear();
    // 1-4: StopTransaction and Finishing; the cable stays locked.
    unplug_ev_side(&mut h);
    let stop = stop_and_finishing(&mut h);
    assert_eq!(stop.payload()["reason"], "EVDisconnected", "{}", stop.raw);
    assert!(!h.events.contains(&Event::Unlock {
        connector: CONNECTOR
    }));
    h.events.clear();
    // 5-6: the central system unlocks it.
    let id = h.cs_call("UnlockConnector", json!({ "connectorId": CONNECTOR }));
    assert_eq!(
        h.events.pop_front(),
        Some(Event::Unlock {
            connector: CONNECTOR
        })
    );
    assert!(h.cp.unlock_result(CONNECTOR, UnlockStatus::Unlocked));
    h.drain();
    assert_eq!(h.expect_answer(&id), json!({"status": "Unlocked"}));
    // 7: the cable leaves the socket: Available.
    h.unplug(CONNECTOR);
    h.expect_status(CONNECTOR, "Available");
    h.expect_quiet();
}

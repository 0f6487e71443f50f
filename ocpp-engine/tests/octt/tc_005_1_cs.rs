//! TC_005_1_CS EV Side Disconnected – StopTransactionOnEVSideDisconnect =
//! true, UnlockConnectorOnEVSideDisconnect = true (OCTT test case document
//! p13).
//!
//! Purpose: "To test if the Charge Point is able to stop the transaction
//! when the cable is disconnected at EV side and it is configured to do so."
//!
//! Prerequisites: no fixed cable on the CP side; StopTransactionOnEVSideDisconnect
//! not ReadOnly with value false. Config: MinimumStatusDuration "0";
//! StopTransactionOnEVSideDisconnect "true"; UnlockConnectorOnEVSideDisconnect
//! "true". Reusable State: Charging.
//! Steps: [EV driver unplugs cable on EV side] [1 and 3 may be reversed] 1
//! StopTransaction.req → 2; 3 SN.req → 4; [EV driver unplugs the cable from
//! the Charge Point] 5 SN.req → 6.
//!
//! Validations, CP: S1 StopTransaction.req reason=EVDisconnected. TRUNC
//! after that: S3 and S5 are taken from the CSMS twin (Finishing, then
//! Available), which is what OCPP 1.6 §4.9 calls a connector whose cable is
//! still in after the transaction, and free again once it is out.

use ocpp_engine::Event;

use crate::states::{booted, charging, configure, stop_and_finishing, unplug_ev_side, CONNECTOR};
use crate::support::pool;

#[test]
fn tc_005_1_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "MinimumStatusDuration", "0");
    configure(&mut h, "StopTransactionOnEVSideDisconnect", "true");
    configure(&mut h, "UnlockConnectorOnEVSideDisconnect", "true");
    charging(&mut h);
    h.events.clear();
    // 1-4: the EV side is unplugged: StopTransaction and Finishing.
    unplug_ev_side(&mut h);
    let stop = stop_and_finishing(&mut h);
    assert_eq!(stop.payload()["reason"], "EVDisconnected", "{}", stop.raw);
    assert!(h.events.contains(&Event::Unlock {
        connector: CONNECTOR
    }));
    // 5: the cable leaves the socket: Available.
    h.unplug(CONNECTOR);
    h.expect_status(CONNECTOR, "Available");
    h.expect_quiet();
}

//! TC_034_CS Power Failure with Unavailable Status (OCTT test case document
//! p45).
//!
//! Purpose: "To test if the Charge Point persists the status of the
//! connectors, when a power failure occurs."
//!
//! Steps: 1 CS ChangeAvailability.req → 2 CP .conf; [per connector and
//! connectorId = 0] 3 SN.req → 4; [disconnect and reconnect the power] 5
//! BootNotification.req → 6; [per connector and connectorId = 0] 7 SN.req →
//! 8.
//!
//! Validations, CP: S2 ChangeAvailability.conf status=Accepted. S3 SN
//! status=Unavailable. S7 SN status=Unavailable. CS: S1 ChangeAvailability.req
//! connectorId=0, type=Inoperative. S6 BootNotification.conf status=Accepted.
//!
//! The Inoperative availability must survive the power cycle: storage (#7).

use serde_json::json;

use crate::states::{booted, CONNECTOR};
use crate::support::pool;

#[test]
fn tc_034_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    // 1-2.
    let id = h.cs_call(
        "ChangeAvailability",
        json!({"connectorId": 0, "type": "Inoperative"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    // 3-4.
    h.expect_status(0, "Unavailable");
    h.expect_status(CONNECTOR, "Unavailable");
    h.expect_quiet();
    // 5-8: the power cycle keeps them Unavailable.
    h.reboot();
    h.register();
    h.expect_status(0, "Unavailable");
    h.expect_status(CONNECTOR, "Unavailable");
    h.expect_quiet();
}

//! TC_013_CS Hard Reset Without transaction (OCTT test case document p24).
//!
//! Purpose: "To test if the Charge Point will hard reset, after being
//! requested by the Central System."
//!
//! Steps: 1 CS ChangeAvailability.req → 2 CP .conf; 3 SN.req → 4; 5 CS
//! Reset.req → 6 CP .conf; 7 BootNotification.req → 8; [per connector and
//! connectorId=0] 9 SN.req → 10; 11 CS ChangeAvailability.req → 12 CP
//! .conf; 13 SN.req → 14.
//!
//! Validations, CP: S2 ChangeAvailability.conf status=Accepted. S3 SN
//! connectorId=<Configured ConnectorId>, status=Unavailable. S6 Reset.conf
//! status=Accepted. S9 SN connectorId=<Configured ConnectorId>,
//! status=Unavailable "(Message: St…" TRUNC: S13 and the request types are
//! cut off. This test makes the connector Inoperative at step 1, resets
//! Hard at step 5 (the case's name) and makes it Operative again at step
//! 11, which S13 reports Available.
//!
//! The Unavailable state must survive the hard reset: storage (#7).

use ocpp_engine::Event;
use serde_json::json;

use crate::states::{booted, CONNECTOR};
use crate::support::pool;

#[test]
fn tc_013_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    // 1-4.
    let id = h.cs_call(
        "ChangeAvailability",
        json!({"connectorId": CONNECTOR, "type": "Inoperative"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    h.expect_status(CONNECTOR, "Unavailable");
    // 5-6.
    let id = h.cs_call("Reset", json!({"type": "Hard"}));
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    assert!(h.events.contains(&Event::Reset { hard: true }));
    assert_eq!(h.cp.queue().queued, 0);
    // 7-10: the reboot keeps the connector Unavailable.
    h.reboot();
    h.register();
    h.expect_status(0, "Available");
    h.expect_status(CONNECTOR, "Unavailable");
    h.expect_quiet();
    // 11-14.
    let id = h.cs_call(
        "ChangeAvailability",
        json!({"connectorId": CONNECTOR, "type": "Operative"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    h.expect_status(CONNECTOR, "Available");
    h.expect_quiet();
}

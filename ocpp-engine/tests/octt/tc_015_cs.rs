//! TC_015_CS Hard Reset With Transaction (OCTT test case document p26).
//!
//! Purpose: not in the collected excerpt (the name: a hard reset while a
//! transaction runs).
//!
//! Reusable State: Charging.
//! Steps: 1 CS Reset.req → 2 CP .conf; [3 must be sent either before or
//! after step 7] 3 StopTransaction.req → 4; [5 must be sent if 3 is sent,
//! otherwise optional] 5 SN.req → 6; 7 BootNotification.req → 8; [per
//! connector and connectorId=0] 9 SN.req → 10.
//!
//! Validations, CP: S2 Reset.conf status=Accepted. S3 StopTransaction.req
//! reason=HardReset. S5 SN status=Finishing. S9 SN for the connector that
//! had the transaction: Finishing OR Preparing; all other SN: Available.
//! CS: S1 Reset.req type=Hard; "Ste…" TRUNC.
//!
//! The engine takes the "before step 7" branch: the Reset stops the
//! transaction and queues its StopTransaction, and the firmware resets
//! once `queue()` is empty (see `Event::Reset`), so nothing of the
//! transaction has to survive the reboot. The branch where the
//! StopTransaction follows the reboot (a reset without that grace, or
//! while offline) needs storage (#7) and is not what this test runs.
//! After the reboot the firmware reports the cable, still in, before it
//! connects.

use ocpp_engine::Event;
use serde_json::json;

use crate::states::{booted, charging, expect_status_call, CONNECTOR, TRANSACTION_ID};
use crate::support::pool;

#[test]
fn tc_015_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    charging(&mut h);
    h.events.clear();
    // 1-2.
    let id = h.cs_call("Reset", json!({"type": "Hard"}));
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    // 3-6: StopTransaction (HardReset) and Finishing, either order.
    let mut left = vec!["StopTransaction", "StatusNotification"];
    while !left.is_empty() {
        let call = h.expect_one_of(&mut left);
        if call.action() == "StopTransaction" {
            assert_eq!(
                (&call.payload()["reason"], &call.payload()["transactionId"]),
                (&json!("HardReset"), &json!(TRANSACTION_ID)),
                "{}",
                call.raw
            );
        } else {
            expect_status_call(&call, CONNECTOR, "Finishing");
        }
        h.reply_ok(&call);
    }
    h.expect_quiet();
    // The firmware is told to reset, and may: nothing is left to send.
    assert!(h.events.contains(&Event::Reset { hard: true }));
    assert_eq!(h.cp.queue().queued, 0);
    // 7-10: the reboot; the cable is still in.
    h.reboot();
    h.plug(CONNECTOR);
    h.register();
    h.expect_status(0, "Available");
    let s = h.expect_call("StatusNotification");
    assert_eq!(s.payload()["connectorId"], CONNECTOR, "{}", s.raw);
    let status = s.payload()["status"].as_str().unwrap_or_default();
    assert!(status == "Finishing" || status == "Preparing", "{}", s.raw);
    h.reply_ok(&s);
    h.expect_quiet();
}

//! TC_032_2_CS Power failure boot charging point – configured to stop
//! transaction(s) (after going down) (OCTT test case document p44).
//!
//! Purpose: "To test if the Charge Point first stops all transactions after
//! going down, when a power failure occurs."
//!
//! Prerequisite: the Charge Point does NOT have a back-up power source and
//! thereby is configured to stop transactions after going down. Reusable
//! State: Charging.
//! Steps: [disconnect and reconnect the power] 1 BootNotification.req → 2;
//! [per connector and connectorId = 0] 3 SN.req → 4; [when the transaction
//! is resumed by the Charge Point (status Charging), the EV driver swipes
//! the card with the idTag used for the transaction to stop it] 5
//! StopTransaction.req → 6; [only when not already notified of Finishing]
//! 7 SN.req → 8.
//!
//! Validations, CP: steps 3-7 may come in another order. "Step 3: (Message:
//! StatusNotifi…" TRUNC. This test asserts what the steps say: the
//! connector reports Charging again (connector 0 Available), the same
//! idTag stops the transaction of before (its transactionId, idTag and
//! reason Local), and the connector reports Finishing.
//!
//! The transaction must survive the power loss: storage (#7). After the
//! power comes back the firmware reports the cable, still in.

use serde_json::json;

use crate::states::{booted, charging, CONNECTOR, TRANSACTION_ID, VALID_ID_TAG};
use crate::support::pool;

#[test]
fn tc_032_2_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    charging(&mut h);
    // 1-2: the power goes and comes back; nothing was sent before.
    h.reboot();
    h.plug(CONNECTOR);
    h.register();
    // 3-4: connector 0 Available, the connector Charging (resumed).
    let mut seen_0 = false;
    let mut seen_charging = false;
    while !(seen_0 && seen_charging) {
        let s = h.expect_call("StatusNotification");
        match (
            s.payload()["connectorId"].as_u64(),
            s.payload()["status"].as_str(),
        ) {
            (Some(0), Some("Available")) => seen_0 = true,
            (Some(1), Some("Charging")) => seen_charging = true,
            _ => panic!("unexpected {}", s.raw),
        }
        h.reply_ok(&s);
    }
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
    // 5-8: the same idTag stops it.
    h.present_at(CONNECTOR, VALID_ID_TAG);
    let mut left = vec!["StopTransaction", "StatusNotification"];
    while !left.is_empty() {
        let call = h.expect_one_of(&mut left);
        if call.action() == "StopTransaction" {
            let p = call.payload();
            assert_eq!(
                (&p["transactionId"], &p["idTag"], &p["reason"]),
                (
                    &json!(TRANSACTION_ID),
                    &json!(VALID_ID_TAG),
                    &json!("Local")
                ),
                "{}",
                call.raw
            );
        } else {
            assert_eq!(call.payload()["status"], "Finishing", "{}", call.raw);
        }
        h.reply_ok(&call);
    }
    h.expect_quiet();
}

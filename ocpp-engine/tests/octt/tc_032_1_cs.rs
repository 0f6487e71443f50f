//! TC_032_1_CS Power failure boot charging point – configured to stop
//! transaction(s) before going down (OCTT test case document p43).
//!
//! Purpose: "To test if the Charge Point first stops all transactions
//! before going down, when a power failure occurs."
//!
//! Prerequisite: the Charge Point has a back-up power source and thereby
//! is configured to stop transactions before going down. Reusable State:
//! Charging.
//! Steps: [disconnect the power of the Charge Point] 1 StopTransaction.req
//! → 2; 3 SN.req → 4; [reconnect the power] 5 BootNotification.req → 6;
//! [per connector and connectorId = 0] 7 SN.req → 8.
//!
//! Validations, CP: S1 StopTransaction.req reason=PowerLoss. S3 SN
//! status=Finishing. S7 SN for the connector which had the transaction:
//! Finishing OR Preparing "(Message: Stat…" TRUNC (the CSMS twin: the other
//! StatusNotifications Available).
//!
//! The firmware, on back-up power, stops the transaction
//! (`stop_transaction(PowerLoss)`) and goes down once `queue()` is empty:
//! nothing has to survive. After the power comes back it reports the
//! cable, still in, before it connects.

use ocpp_model::Reason;

use crate::states::{booted, charging, CONNECTOR, TRANSACTION_ID};
use crate::support::pool;

#[test]
fn tc_032_1_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    charging(&mut h);
    // 1-2: the power goes; the firmware stops the transaction.
    h.cp.stop_transaction(h.now, CONNECTOR, Reason::PowerLoss)
        .expect("a transaction runs");
    h.drain();
    let stop = h.expect_call("StopTransaction");
    assert_eq!(
        (&stop.payload()["reason"], &stop.payload()["transactionId"]),
        (
            &serde_json::json!("PowerLoss"),
            &serde_json::json!(TRANSACTION_ID)
        ),
        "{}",
        stop.raw
    );
    h.reply_ok(&stop);
    // 3-4.
    h.expect_status(CONNECTOR, "Finishing");
    h.expect_quiet();
    assert_eq!(h.cp.queue().queued, 0);
    // 5-8: the power is back; the cable is still in.
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

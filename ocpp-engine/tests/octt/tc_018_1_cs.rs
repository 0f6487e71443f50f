//! TC_018_1_CS Unlock Connector – With Charging Session (Not fixed cable)
//! (OCTT test case document p30).
//!
//! Purpose: "To test if the Charge Point unlocks the connector, when
//! requested by the Central System."
//!
//! Prerequisite: no fixed cable. Reusable State: Charging.
//! Steps: 1 CS UnlockConnector.req → 2 CP .conf; 3 StopTransaction.req → 4;
//! 5 SN.req → 6; [EV driver unplugs the cable] 7 SN.req → 8.
//!
//! Validations, CP: S2 UnlockConnector.conf status=Unlocked. S3
//! StopTransaction.req reason=UnlockCommand. S5 SN status=Finishing. S7 SN
//! status=Available.
//!
//! The firmware runs the loop `ChargePoint` documents: transmit, then act
//! on the events; it unlocks as soon as it hears `Event::Unlock`. The
//! steps are not marked as reversible, so the answer must come first. The
//! engine queues the StopTransaction at once and holds the answer until
//! `unlock_result`, which that loop can give only after it has transmitted
//! the StopTransaction. (OCPP 1.6 §5.16 has the charge point finish the
//! transaction first; the tool still wants the answer at step 2.)

use ocpp_engine::Event;
use ocpp_model::UnlockStatus;
use serde_json::json;

use crate::states::{booted, charging, CONNECTOR, TRANSACTION_ID};
use crate::support::pool;

#[test]
fn tc_018_1_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    charging(&mut h);
    h.events.clear();
    // 1.
    let id = h.cs_call("UnlockConnector", json!({ "connectorId": CONNECTOR }));
    // The firmware acts on the events of this input: it unlocks.
    while let Some(e) = h.events.pop_front() {
        if e == (Event::Unlock {
            connector: CONNECTOR,
        }) {
            assert!(h.cp.unlock_result(CONNECTOR, UnlockStatus::Unlocked));
            h.drain();
        }
    }
    // 2.
    assert_eq!(h.expect_answer(&id), json!({"status": "Unlocked"}));
    // 3-4.
    let stop = h.expect_call("StopTransaction");
    assert_eq!(
        (&stop.payload()["reason"], &stop.payload()["transactionId"]),
        (&json!("UnlockCommand"), &json!(TRANSACTION_ID)),
        "{}",
        stop.raw
    );
    h.reply_ok(&stop);
    // 5-6.
    h.expect_status(CONNECTOR, "Finishing");
    // 7-8.
    h.unplug(CONNECTOR);
    h.expect_status(CONNECTOR, "Available");
    h.expect_quiet();
}

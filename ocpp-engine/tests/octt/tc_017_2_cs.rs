//! TC_017_2_CS Unlock connector – no charging session running (Fixed
//! cable) (OCTT test case document p29).
//!
//! Purpose: "To test if the Charge Point is able to notify the Central
//! System it does not support the unlocking of a connector."
//!
//! Prerequisite: the Charging Station has a fixed cable.
//! Steps: 1 CS UnlockConnector.req → 2 CP .conf.
//!
//! Validations, CP: S2 UnlockConnector.conf status=NotSupported.
//!
//! Whether the cable is fixed is the firmware's knowledge: the engine asks
//! it (`Event::Unlock`) and answers with its outcome (`unlock_result`).

use ocpp_engine::Event;
use ocpp_model::UnlockStatus;
use serde_json::json;

use crate::states::{booted, CONNECTOR};
use crate::support::pool;

#[test]
fn tc_017_2_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    // 1.
    let id = h.cs_call("UnlockConnector", json!({ "connectorId": CONNECTOR }));
    h.expect_quiet(); // the answer waits for the firmware
    assert_eq!(
        h.events.pop_front(),
        Some(Event::Unlock {
            connector: CONNECTOR
        })
    );
    // 2: a fixed cable cannot be unlocked.
    assert!(h.cp.unlock_result(CONNECTOR, UnlockStatus::NotSupported));
    h.drain();
    assert_eq!(h.expect_answer(&id), json!({"status": "NotSupported"}));
    h.expect_quiet();
}

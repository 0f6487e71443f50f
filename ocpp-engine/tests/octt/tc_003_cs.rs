//! TC_003_CS Regular Charging Session – Plugin First (OCTT test case
//! document p9).
//!
//! Purpose: "To test if the Charge Point is able to start a Charging
//! Session when first doing plugin cable."
//!
//! Steps: [EV driver plugs in the cable] 1 SN.req → 2; [EV driver presents
//! identification] 3 Authorize.req → 4; [5 and 7 may be reversed] 5
//! StartTransaction.req → 6; 7 SN.req → 8.
//!
//! Validations, CP: S1 SN status=Preparing. S7 SN status=Charging. CS: S4
//! Authorize.conf idTagInfo.status=Accepted. S6 StartTransaction.conf
//! idTagInfo.status=Accepted.

use ocpp_engine::Event;
use serde_json::json;

use crate::states::{booted, start_and_charging, CONNECTOR, VALID_ID_TAG};
use crate::support::pool;

#[test]
fn tc_003_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    // 1: plugged in first.
    h.plug(CONNECTOR);
    h.expect_status(CONNECTOR, "Preparing");
    // 3-4: the identification is asked about.
    h.present_at(CONNECTOR, VALID_ID_TAG);
    let a = h.expect_call("Authorize");
    assert_eq!(a.payload(), &json!({ "idTag": VALID_ID_TAG }));
    h.reply(&a, json!({"idTagInfo": {"status": "Accepted"}}));
    // 5-8: StartTransaction and Charging, either order.
    start_and_charging(&mut h, VALID_ID_TAG, json!({"status": "Accepted"}));
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
    assert!(h.events.contains(&Event::Energy {
        connector: CONNECTOR,
        on: true
    }));
}

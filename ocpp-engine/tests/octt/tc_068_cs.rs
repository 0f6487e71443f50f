//! TC_068_CS Stop transaction – IdTag in StopTransaction matches IdTag in
//! StartTransaction (OCTT test case document p11).
//!
//! Purpose: "Check whether the Charge Point is able to handle a stop
//! transaction with same idToken."
//!
//! Reusable State: Charging.
//! Steps: [EV driver swipes a card with a different IdTag, <Configured Valid
//! IdTag 2>] 1 The Charge Point does NOT send an Authorize.req and does NOT
//! send a StopTransaction.req ("Note: Sending a Authorize.req is valid in
//! case the Charging Station has one rfid reader for multiple evse"); [EV
//! driver swipes the card with the IdTag used to start the transaction]
//! [3 and 5 may be reversed] 3 StopTransaction.req → 4; 5 SN.req → 6.
//!
//! Validations, CP: S3 StopTransaction.req idTag matches the idTag used to
//! start the transaction. S5 SN status=Finishing.
//!
//! The engine asks about another idTag during a transaction (Authorize.req)
//! to learn its parentIdTag, which TC_069 needs; the note allows it, so
//! this test accepts that one Authorize.req, answered Accepted without a
//! parent, and requires no StopTransaction.

use serde_json::json;

use crate::states::{
    booted, charging, stop_and_finishing, CONNECTOR, VALID_ID_TAG, VALID_ID_TAG_2,
};
use crate::support::pool;

#[test]
fn tc_068_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    charging(&mut h);
    // 1: another idTag does not stop the transaction.
    h.present_at(CONNECTOR, VALID_ID_TAG_2);
    if let Some(call) = h.sent.front().cloned() {
        let a = h.expect_call("Authorize");
        assert_eq!(
            a.payload(),
            &json!({ "idTag": VALID_ID_TAG_2 }),
            "{}",
            call.raw
        );
        h.reply(&a, json!({"idTagInfo": {"status": "Accepted"}}));
        // Valid, but not the owner: the firmware hears so.
        let id_tag = ocpp_model::IdToken::try_from_str(VALID_ID_TAG_2).unwrap();
        assert!(h.events.contains(&ocpp_engine::Event::IdTagNotOwner {
            connector: CONNECTOR,
            id_tag
        }));
    }
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
    // 3-6: the idTag that started it does.
    h.present_at(CONNECTOR, VALID_ID_TAG);
    let stop = stop_and_finishing(&mut h);
    assert_eq!(stop.payload()["idTag"], VALID_ID_TAG, "{}", stop.raw);
    h.expect_quiet();
}

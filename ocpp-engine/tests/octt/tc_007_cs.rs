//! TC_007_CS Regular Start Charging Session – Cached Id (OCTT test case
//! document p16).
//!
//! Purpose: "To test if the Charge Point is able to start a transaction
//! with an id which is stored in the Authorization cache."
//!
//! Prerequisite: the Charge Point has a cache. Config:
//! AuthorizationCacheEnabled is true; LocalPreAuthorize is true. Memory
//! State: IdTagCached for <Configured valid IdTag>.
//! Steps: [EV driver presents identification] 1 SN.req → 2; [EV driver plugs
//! in the cable] [Steps 3 and 6 may be reversed] 3 StartTransaction.req →
//! 4; 5 SN.req → 6.
//!
//! Validations, CP: S1 SN status=Preparing. S5 SN status=Charging. CS: S4
//! StartTransaction.conf idTagInfo.status=Accepted.
//!
//! The memory state comes from an Authorize the firmware made earlier,
//! answered Accepted: the cache learns every answer. With the idTag cached
//! and LocalPreAuthorize, no Authorize.req is sent: the first message after
//! the identification is step 1.

use ocpp_engine::Event;
use serde_json::json;

use crate::states::{booted, configure, start_and_charging, CONNECTOR, VALID_ID_TAG};
use crate::support::pool;

#[test]
fn tc_007_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "AuthorizationCacheEnabled", "true");
    configure(&mut h, "LocalPreAuthorize", "true");
    // Memory State IdTagCached.
    h.present(VALID_ID_TAG);
    let a = h.expect_call("Authorize");
    h.reply(&a, json!({"idTagInfo": {"status": "Accepted"}}));
    assert!(matches!(
        h.events.pop_front(),
        Some(Event::Authorized { .. })
    ));
    h.expect_quiet();
    // 1: the identification, from the cache: Preparing, no Authorize.req.
    h.present_at(CONNECTOR, VALID_ID_TAG);
    h.expect_status(CONNECTOR, "Preparing");
    h.expect_quiet();
    // 3-6: the cable: StartTransaction and Charging, either order.
    h.plug(CONNECTOR);
    start_and_charging(&mut h, VALID_ID_TAG, json!({"status": "Accepted"}));
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
}

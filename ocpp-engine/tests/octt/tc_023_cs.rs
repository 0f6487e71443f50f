//! TC_023_CS Start Charging Session – Authorize invalid (OCTT test case
//! document p37).
//!
//! Purpose: "To test if the Charge Point does not start a transaction after
//! Authorization fails."
//!
//! Config: MinimumStatusDuration "10"; LocalPreAuthorize "true".
//! Steps: [EV driver presents invalid identification] 1 Authorize.req → 2;
//! [EV driver plugs in the cable] 3 SN.req → 4.
//!
//! Validations, CP: S2 Authorize.conf idTagInfo.status=Invalid. S3 SN
//! status=Preparing. Expected: the Charge Point does NOT start a
//! transaction.
//!
//! MinimumStatusDuration 10 is there so that the brief Preparing of the
//! idTag being asked about, and the Available it falls back to, are not
//! reported: the step after the Authorize is the plug's Preparing, sent
//! once it has lasted 10 s.

use ocpp_engine::Event;
use ocpp_model::AuthorizationStatus;
use serde_json::json;

use crate::states::{booted, configure, CONNECTOR, INVALID_ID_TAG};
use crate::support::pool;

#[test]
fn tc_023_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "MinimumStatusDuration", "10");
    configure(&mut h, "LocalPreAuthorize", "true");
    // 1-2: the central system refuses the idTag.
    h.present_at(CONNECTOR, INVALID_ID_TAG);
    let a = h.expect_call("Authorize");
    assert_eq!(a.payload(), &json!({ "idTag": INVALID_ID_TAG }));
    h.reply(&a, json!({"idTagInfo": {"status": "Invalid"}}));
    assert!(h.events.iter().any(|e| matches!(
        e,
        Event::IdTagRefused {
            status: AuthorizationStatus::Invalid,
            ..
        }
    )));
    h.expect_quiet();
    // 3: the cable: Preparing (after MinimumStatusDuration), no transaction.
    h.plug(CONNECTOR);
    h.advance(10);
    h.expect_status(CONNECTOR, "Preparing");
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), None);
    assert!(!h
        .events
        .iter()
        .any(|e| matches!(e, Event::Energy { on: true, .. })));
}

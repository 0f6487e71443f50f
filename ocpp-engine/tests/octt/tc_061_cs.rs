//! TC_061_CS Clear Authorization Data in Authorization Cache (OCTT test
//! case document p17).
//!
//! Purpose: "Check whether the Charge Point can handle the message to clear
//! the Authorization Cache."
//!
//! Prerequisite: an authorization cache. Config: AuthorizationCacheEnabled
//! "true"; LocalPreAuthorize "true"; ConnectionTimeOut=<Configured
//! ConnectionTimeout>. Reusable State: Authorized.
//! Steps: 1 SN.req → 2; [EV driver swipes a valid card OR wait for the
//! connectionTimeout if the Charge Point does not deauthorize the
//! transaction after swiping again] 3 SN.req → 4; 5 CS ClearCache.req → 6
//! CP .conf; [EV driver swipes the card with the token used at step 1] 7
//! Authorize.req → 8.
//!
//! Validations, CP: S1 SN status=Preparing. S3 SN status=Available. S6
//! ClearCache.conf status=Accepted. "Central…" TRUNC. The step 7
//! Authorize.req is what shows the cache was cleared: with the idTag still
//! cached, LocalPreAuthorize would have started without one.
//!
//! Either branch of step 3 is accepted; the engine takes the second (a
//! second swipe is refused as busy).

use ocpp_engine::InputError;
use serde_json::json;

use crate::states::{authorized, booted, configure, CONNECTION_TIMEOUT, CONNECTOR, VALID_ID_TAG};
use crate::support::pool;

#[test]
fn tc_061_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "AuthorizationCacheEnabled", "true");
    configure(&mut h, "LocalPreAuthorize", "true");
    configure(&mut h, "ConnectionTimeOut", &CONNECTION_TIMEOUT.to_string());
    authorized(&mut h, VALID_ID_TAG);
    // 1.
    h.expect_status(CONNECTOR, "Preparing");
    // 3: a second swipe deauthorizes, or (the engine: the connector is
    // busy with that idTag) ConnectionTimeOut frees the connector.
    match h.cp.present_id_tag(h.now, CONNECTOR, VALID_ID_TAG) {
        Ok(()) => h.drain(),
        Err(InputError::Busy) => h.advance(CONNECTION_TIMEOUT),
        Err(e) => panic!("second swipe: {e:?}"),
    }
    h.expect_status(CONNECTOR, "Available");
    h.expect_quiet();
    // 5-6.
    let id = h.cs_call("ClearCache", json!({}));
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    // 7: the same card is asked about again.
    h.present_at(CONNECTOR, VALID_ID_TAG);
    let a = h.expect_call("Authorize");
    assert_eq!(a.payload(), &json!({ "idTag": VALID_ID_TAG }));
    h.reply(&a, json!({"idTagInfo": {"status": "Accepted"}}));
}

//! TC_069_CS Stop transaction – ParentIdTag in StopTransaction matches
//! ParentIdTag in StartTransaction (OCTT test case document p12).
//!
//! Purpose: "Check whether the Charge Point is able to handle a stop
//! transaction with same ParentIdTag."
//!
//! Prerequisite: with several connectors on one RFID reader, the connector
//! not under test is occupied. Reusable State: Charging.
//! Steps: [EV driver swipes a card with a different IdTag and the same
//! ParentIdTag than the one used to start the transaction] 1 Authorize.req
//! → 2; [3 and 5 may be reversed] 3 StopTransaction.req → 4; 5 SN.req → 6.
//!
//! Validations, CP: S1 Authorize.req idTag differs from the one used to
//! start the transaction. S3 StopTransaction.req idTag matches the idTag of
//! step 1. S5 SN status=Finishing. CS: "Step 2: (Message: Authorize.…" TRUNC;
//! this test's central system answers Accepted with the same parentIdTag,
//! as the case's swipe describes, and gave that parent to the first idTag
//! in the Charging state.

use serde_json::json;

use crate::states::{
    booted, charging_with, stop_and_finishing, CONNECTOR, PARENT_ID_TAG, VALID_ID_TAG,
    VALID_ID_TAG_2,
};
use crate::support::pool;

#[test]
fn tc_069_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    charging_with(
        &mut h,
        json!({"status": "Accepted", "parentIdTag": PARENT_ID_TAG}),
    );
    // 1-2: another idTag is asked about.
    h.present_at(CONNECTOR, VALID_ID_TAG_2);
    let a = h.expect_call("Authorize");
    assert_ne!(a.payload()["idTag"], VALID_ID_TAG, "{}", a.raw);
    assert_eq!(a.payload()["idTag"], VALID_ID_TAG_2, "{}", a.raw);
    h.reply(
        &a,
        json!({"idTagInfo": {"status": "Accepted", "parentIdTag": PARENT_ID_TAG}}),
    );
    // 3-6: same parent: it stops the transaction, in its own name.
    let stop = stop_and_finishing(&mut h);
    assert_eq!(stop.payload()["idTag"], VALID_ID_TAG_2, "{}", stop.raw);
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), None);
}

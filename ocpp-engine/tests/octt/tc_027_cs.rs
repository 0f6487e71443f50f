//! TC_027_CS Remote start transaction – connector id shall not be 0 (OCTT
//! test case document p39).
//!
//! Purpose: "To test if the Charge Point rejects a
//! RemoteStartTransaction.req on connectorId = 0."
//!
//! Steps: 1 CS RemoteStartTransaction.req → 2 CP
//! RemoteStartTransaction.conf OR a CallError.
//!
//! Validations, CP: S2 RemoteStartTransaction.conf status=Rejected. CS: S1
//! connectorId is 0.

use serde_json::json;

use crate::states::{booted, CONNECTOR, VALID_ID_TAG};
use crate::support::pool;

#[test]
fn tc_027_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    // 1-2.
    let id = h.cs_call(
        "RemoteStartTransaction",
        json!({"connectorId": 0, "idTag": VALID_ID_TAG}),
    );
    let answer = h.sent.pop_front().expect("an answer");
    assert_eq!(answer.id(), id, "{}", answer.raw);
    match answer.message_type() {
        3 => assert_eq!(
            answer.value[2],
            json!({"status": "Rejected"}),
            "{}",
            answer.raw
        ),
        4 => {} // a CallError is allowed
        _ => panic!("not an answer: {}", answer.raw),
    }
    // Nothing started anywhere.
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), None);
}

//! TC_040_1_CS Configuration key – NotSupported (OCTT test case document
//! p53).
//!
//! Purpose: "To test if the Charge Point is able to notify the Central
//! System that it does not support the given configuration key."
//!
//! Steps: 1 CS ChangeConfiguration.req → 2 CP .conf.
//!
//! Validations, CP: S2 ChangeConfiguration.conf status=NotSupported. CS: S1
//! key="Testing", value="true".

use serde_json::json;

use crate::states::booted;
use crate::support::pool;

#[test]
fn tc_040_1_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    let id = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "Testing", "value": "true"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "NotSupported"}));
    h.expect_quiet();
    assert!(h.events.is_empty(), "{:?}", h.events);
}

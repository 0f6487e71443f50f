//! TC_062_CS Data Transfer to a Charge Point (OCTT test case document p95).
//!
//! Purpose: not in the collected excerpt. Expected: "CP does not accept
//! the request".
//!
//! Prerequisite: the Charge Point does not support DataTransfer for a
//! specific vendorId.
//! Steps: 1 CS DataTransfer.req (that vendorId) → 2 CP .conf.
//!
//! Validations, CP: S2 DataTransfer.conf status=Rejected OR UnknownMessageId
//! OR UnknownVendorId (Accepted is allowed, but the vendor is warned).
//!
//! This test holds the engine to the expected result: not Accepted.

use serde_json::json;

use crate::states::booted;
use crate::support::pool;

#[test]
fn tc_062_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    let id = h.cs_call(
        "DataTransfer",
        json!({"vendorId": "org.openchargealliance.octt", "messageId": "Test", "data": "x"}),
    );
    let answer = h.expect_answer(&id);
    let status = answer["status"].as_str().unwrap_or_default();
    assert!(
        ["Rejected", "UnknownMessageId", "UnknownVendorId"].contains(&status),
        "{answer}"
    );
    h.expect_quiet();
}

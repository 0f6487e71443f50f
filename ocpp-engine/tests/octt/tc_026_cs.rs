//! TC_026_CS Remote Start Charging Session – Rejected (OCTT test case
//! document p39).
//!
//! Purpose: "To test if the Charge Point rejects a
//! RemoteStartTransaction.req, when a transaction is already ongoing on
//! the requested connector."
//!
//! Config: LocalPreAuthorize "false". Reusable State: Charging.
//! Steps: 1 CS RemoteStartTransaction.req → 2 CP .conf.
//!
//! Validations, CP: S2 RemoteStartTransaction.conf status=Rejected. CS: S1
//! connectorId is the same connectorId used in ReusableState Charging.

use serde_json::json;

use crate::states::{booted, charging, configure, remote_start, CONNECTOR, VALID_ID_TAG_2};
use crate::support::pool;

#[test]
fn tc_026_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "LocalPreAuthorize", "false");
    charging(&mut h);
    // 1-2.
    assert_eq!(
        remote_start(&mut h, CONNECTOR, VALID_ID_TAG_2),
        json!({"status": "Rejected"})
    );
    // Nothing else came of it: no Authorize, no second transaction.
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
}

//! TC_004_2_CS Regular Charging Session – Identification First –
//! ConnectionTimeOut (OCTT test case document p10).
//!
//! Purpose: not in the collected excerpt. The CSMS twin: "To test if the
//! Central System can handle when the Charge Point sets the connector back
//! to Available, when the connectionTimeOut is reached."
//!
//! Config: ConnectionTimeOut=<Configured connectionTimeout>.
//! Steps: 1 Execute Reusable State Authorized; [after the configured
//! connectionTimeOut expires] 2 SN.req → 3.
//!
//! Validations, CP: S2 SN status=Available. CS: N/a. (The CSMS twin has
//! the StatusNotification Preparing of the authorization as its step 1.)

use crate::states::{authorized, booted, configure, CONNECTION_TIMEOUT, CONNECTOR, VALID_ID_TAG};
use crate::support::pool;

#[test]
fn tc_004_2_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "ConnectionTimeOut", &CONNECTION_TIMEOUT.to_string());
    // 1: Reusable State Authorized, no cable.
    authorized(&mut h, VALID_ID_TAG);
    h.expect_status(CONNECTOR, "Preparing");
    // 2: Available again once ConnectionTimeOut has passed, not before.
    h.advance(CONNECTION_TIMEOUT - 1);
    h.expect_quiet();
    h.advance(1);
    h.expect_status(CONNECTOR, "Available");
    h.expect_quiet();
    // No transaction came of it: a cable now waits for a new idTag.
    h.plug(CONNECTOR);
    h.expect_status(CONNECTOR, "Preparing");
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), None);
}

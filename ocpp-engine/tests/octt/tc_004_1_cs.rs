//! TC_004_1_CS Regular Charging Session – Identification First (OCTT test
//! case document p9).
//!
//! Purpose: "To test if the Charge Point is able to start a Charging
//! Session when first doing authorization."
//!
//! Config: MeterValueSampleInterval=<Configured Meter Value interval>.
//! Steps: 1 Execute Reusable State Authorized; 2 Manual Action: EV driver
//! plugs in the cable; 3 StartTransaction.req → 4; 5 SN.req → 6. [Steps 3
//! and 5 may be reversed]
//!
//! Validations, CP: S5 SN status=Charging. CS: S4 StartTransaction.conf
//! idTagInfo.status=Accepted.
//!
//! The StatusNotification Preparing after the authorization is not a step
//! of this case; TC_004_2 and TC_061 count it as their step 1.

use serde_json::json;

use crate::states::{
    authorized, booted, configure, start_and_charging, CONNECTOR, METER_VALUE_SAMPLE_INTERVAL,
    VALID_ID_TAG,
};
use crate::support::pool;

#[test]
fn tc_004_1_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(
        &mut h,
        "MeterValueSampleInterval",
        &METER_VALUE_SAMPLE_INTERVAL.to_string(),
    );
    // 1: Reusable State Authorized.
    authorized(&mut h, VALID_ID_TAG);
    h.expect_status(CONNECTOR, "Preparing");
    h.expect_quiet();
    // 2-6: the cable follows; StartTransaction and Charging, either order.
    h.plug(CONNECTOR);
    start_and_charging(&mut h, VALID_ID_TAG, json!({"status": "Accepted"}));
    h.expect_quiet();
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
}

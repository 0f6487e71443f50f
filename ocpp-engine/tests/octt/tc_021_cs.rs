//! TC_021_CS Change/set Configuration (OCTT test case document p34).
//!
//! Purpose: not in the collected excerpt. Description of the CSMS twin:
//! "This scenario is used to set the value of a configuration key."
//!
//! Config: MeterValueSampleInterval is NOT <Configured Meter Value interval>.
//! Steps: 1 CS ChangeConfiguration.req → 2 CP .conf; 3 CS GetConfiguration.req
//! → 4 CP .conf.
//!
//! Validations, CP: S2 ChangeConfiguration.conf status=Accepted. S4
//! configurationKey.key=MeterValueSampleInterval, value=<Configured Meter
//! Value interval>. CS: S1 key=MeterValueSampleInterval, value=<Configured
//! Meter Value interval>. S3 key=MeterValueSampleInterval.

use ocpp_engine::Event;
use serde_json::json;

use crate::states::{
    booted, configure, configured, get_configuration, METER_VALUE_SAMPLE_INTERVAL,
};
use crate::support::pool;

#[test]
fn tc_021_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    let value = METER_VALUE_SAMPLE_INTERVAL.to_string();
    configure(&mut h, "MeterValueSampleInterval", "60");
    assert_ne!(value, "60");
    // 1-2.
    let id = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "MeterValueSampleInterval", "value": value}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    assert!(h.events.contains(&Event::ConfigurationChanged {
        key: "MeterValueSampleInterval"
    }));
    // 3-4.
    let answer = get_configuration(&mut h, &["MeterValueSampleInterval"]);
    let entry = configured(&answer, "MeterValueSampleInterval").expect("the key is listed");
    assert_eq!(entry["value"], value, "{answer}");
    h.expect_quiet();
}

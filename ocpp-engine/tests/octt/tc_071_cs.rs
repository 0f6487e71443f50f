//! TC_071_CS Clock-aligned Meter Values (OCTT test case document p36).
//!
//! Purpose: "Check whether the Charge Point is able to send MeterValues as
//! configured."
//!
//! Config: MeterValueSampleInterval=0; ClockAlignedDataInterval=<Configured
//! Clock Aligned Data interval>. Reusable States: GetConfiguration for key
//! MeterValuesAlignedData; Charging.
//! Steps: [every x s per ClockAlignedDataInterval] 1 MeterValues.req → 2;
//! [the OCTT waits 3 × ClockAlignedDataInterval after the transaction
//! starts].
//!
//! Validations, CP S1: the MeterValue.timestamp values are x s apart (per
//! ClockAlignedDataInterval) and clock-aligned (for a 20 s interval the
//! seconds are 0, 20 or 40). sampledValue.context=Sample.Clock. There is
//! one sampledValue per measurand in MeterValuesAlignedData (step 2).
//! "When…" TRUNC.

use ocpp_model::DateTime;
use serde_json::Value;

use crate::states::{booted, charging, configure, read_key, CONNECTOR};
use crate::support::pool;

/// `<Configured Clock Aligned Data interval>`, seconds.
const ALIGNED_INTERVAL: u64 = 20;

fn millis(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("not a date-time: {v}"));
    DateTime::parse(s)
        .unwrap_or_else(|e| panic!("{s}: {e:?}"))
        .unix_millis()
}

#[test]
fn tc_071_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "MeterValueSampleInterval", "0");
    configure(
        &mut h,
        "ClockAlignedDataInterval",
        &ALIGNED_INTERVAL.to_string(),
    );
    let aligned = read_key(&mut h, "MeterValuesAlignedData");
    let measurands: Vec<&str> = aligned
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .collect();
    h.meter_wh(CONNECTOR, 1_000);
    charging(&mut h);
    // Three intervals after the start: a MeterValues at each aligned time.
    let mut stamps = Vec::new();
    let end = h.now + ocpp_engine::Duration::from_secs(3 * ALIGNED_INTERVAL);
    while h.now < end {
        h.advance(1);
        while !h.sent.is_empty() {
            let mv = h.expect_call("MeterValues");
            for meter_value in mv.payload()["meterValue"].as_array().expect("meterValue") {
                let t = millis(&meter_value["timestamp"]);
                assert_eq!(
                    t % (1_000 * ALIGNED_INTERVAL as i64),
                    0,
                    "not clock-aligned: {}",
                    mv.raw
                );
                stamps.push(t);
                let values = meter_value["sampledValue"]
                    .as_array()
                    .expect("sampledValue");
                for m in &measurands {
                    let n = values
                        .iter()
                        .filter(|v| {
                            v["measurand"]
                                .as_str()
                                .unwrap_or("Energy.Active.Import.Register")
                                == *m
                        })
                        .count();
                    assert_eq!(n, 1, "one sampledValue of {m}: {}", mv.raw);
                }
                for v in values {
                    assert_eq!(v["context"], "Sample.Clock", "{}", mv.raw);
                }
            }
            h.reply_ok(&mv);
        }
    }
    assert!(
        stamps.len() >= 3,
        "{} clock-aligned MeterValues",
        stamps.len()
    );
    for pair in stamps.windows(2) {
        assert_eq!(pair[1] - pair[0], 1_000 * ALIGNED_INTERVAL as i64);
    }
}

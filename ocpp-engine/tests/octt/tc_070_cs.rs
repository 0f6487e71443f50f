//! TC_070_CS Sampled Meter Values (OCTT test case document p34).
//!
//! Purpose: not in the collected excerpt (TC_071's, for clock-aligned
//! values: "Check whether the Charge Point is able to send MeterValues as
//! configured.").
//!
//! Config: MeterValueSampleInterval=<Configured Meter Value Sample
//! interval>; ClockAlignedDataInterval=0. Reusable States: GetConfiguration
//! for key MeterValuesSampledData; Charging.
//! Steps: [every x s after the transaction starts, per
//! MeterValueSampleInterval] 1 MeterValues.req → 2; [the test runs for 3 ×
//! MeterValueSampleInterval after the transaction starts].
//!
//! Validations, CP ("Step 3"): the MeterValue.timestamp values are x s
//! apart. sampledValue.context=Sample.Periodic. There is one sampledValue
//! per measurand in MeterValuesSampledData (the measurands returned in step
//! 2); if that key is empty, Energy.Active.Import.Register is the default.
//! No sampledValue has location=EV except measurand=SoC.
//! "sampledValue.forma…" TRUNC.
//!
//! The charge point samples two measurands here, so that "one per
//! measurand" is more than one; its meter reports both.

use ocpp_model::{DateTime, Measurand};
use serde_json::Value;

use crate::states::{
    booted, charging, configure, read_key, CONNECTOR, METER_VALUE_SAMPLE_INTERVAL, TRANSACTION_ID,
};
use crate::support::{pool, Harness};

/// Unix milliseconds of a `timestamp` field.
fn millis(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("not a date-time: {v}"));
    DateTime::parse(s)
        .unwrap_or_else(|e| panic!("{s}: {e:?}"))
        .unix_millis()
}

fn feed_meter(h: &mut Harness, wh: i64) {
    h.meter_wh(CONNECTOR, wh);
    h.cp.set_meter(
        h.now,
        CONNECTOR,
        Measurand::PowerActiveImport,
        ocpp_engine::Value::from_units(7_400),
    )
    .expect("reading taken in");
}

#[test]
fn tc_070_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    let x = METER_VALUE_SAMPLE_INTERVAL;
    configure(&mut h, "MeterValueSampleInterval", &x.to_string());
    configure(&mut h, "ClockAlignedDataInterval", "0");
    configure(
        &mut h,
        "MeterValuesSampledData",
        "Energy.Active.Import.Register,Power.Active.Import",
    );
    // Reusable State: GetConfiguration for MeterValuesSampledData.
    let sampled = read_key(&mut h, "MeterValuesSampledData");
    let mut measurands: Vec<&str> = sampled
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .collect();
    if measurands.is_empty() {
        measurands.push("Energy.Active.Import.Register");
    }
    feed_meter(&mut h, 1_000);
    charging(&mut h);
    // 1-2, for 3 × MeterValueSampleInterval.
    let mut last = None;
    for i in 1..=3 {
        feed_meter(&mut h, 1_000 + 500 * i);
        h.advance(x);
        let mv = h.expect_call("MeterValues");
        let p = mv.payload();
        assert_eq!(
            (&p["connectorId"], &p["transactionId"]),
            (
                &serde_json::json!(CONNECTOR),
                &serde_json::json!(TRANSACTION_ID)
            ),
            "{}",
            mv.raw
        );
        for meter_value in p["meterValue"].as_array().expect("meterValue") {
            let t = millis(&meter_value["timestamp"]);
            if let Some(previous) = last {
                assert_eq!(t - previous, 1_000 * x as i64, "{}", mv.raw);
            }
            last = Some(t);
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
            assert_eq!(values.len(), measurands.len(), "{}", mv.raw);
            for v in values {
                assert_eq!(v["context"], "Sample.Periodic", "{}", mv.raw);
                if v["measurand"] != "SoC" {
                    assert_ne!(v["location"], "EV", "{}", mv.raw);
                }
            }
        }
        h.reply_ok(&mv);
        h.expect_quiet();
    }
    assert!(last.is_some());
}

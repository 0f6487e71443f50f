//! TC_036_CS Connection Loss During Transaction (OCTT test case document
//! p47).
//!
//! Purpose: "To test if the Charge Point is able to handle a connection
//! loss during a transaction, without (for example) losing meter values."
//!
//! Config: MeterValueSampleInterval is <Configured MeterValueSampleInterval>.
//! Reusable State: Charging.
//! Steps: [remove the connectivity] [wait till the charge point sends few
//! meter values (at least 3)] [restore the connectivity] [the Charge Point
//! sends all queued meter values] 1 MeterValues.req → 2.
//!
//! Validations, CP S1: all queued meter values are sent in chronological
//! order (also before sending any new meter values). Between the reported
//! timestamps are <configured MeterValueSampleInterval> seconds. The OCTT
//! checks from the timestamps that every MeterValues.req that should have
//! been queued arrives. sampledValue.format Raw or omitted.
//! sampledValue.context Sample.Periodic or omitted. CS: N/a.
//!
//! Coming back, the engine registers again (BootNotification first, as
//! PROTOCOL.md asks after every connection); the queued transaction
//! messages go before the statuses it then reports.

use ocpp_model::DateTime;
use serde_json::{json, Value};

use crate::states::{
    booted, charging, configure, expect_connector_0_available, CONNECTOR,
    METER_VALUE_SAMPLE_INTERVAL, TRANSACTION_ID,
};
use crate::support::{pool, Sent};

fn millis(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("not a date-time: {v}"));
    DateTime::parse(s)
        .unwrap_or_else(|e| panic!("{s}: {e:?}"))
        .unix_millis()
}

/// The timestamp of a MeterValues.req, after checking its values.
fn checked(mv: &Sent) -> i64 {
    let p = mv.payload();
    assert_eq!(
        (&p["connectorId"], &p["transactionId"]),
        (&json!(CONNECTOR), &json!(TRANSACTION_ID)),
        "{}",
        mv.raw
    );
    let meter_values = p["meterValue"].as_array().expect("meterValue");
    assert_eq!(meter_values.len(), 1, "{}", mv.raw);
    for v in meter_values[0]["sampledValue"]
        .as_array()
        .expect("sampledValue")
    {
        assert!(v["format"].is_null() || v["format"] == "Raw", "{}", mv.raw);
        assert!(
            v["context"].is_null() || v["context"] == "Sample.Periodic",
            "{}",
            mv.raw
        );
    }
    millis(&meter_values[0]["timestamp"])
}

#[test]
fn tc_036_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    let x = METER_VALUE_SAMPLE_INTERVAL;
    configure(&mut h, "MeterValueSampleInterval", &x.to_string());
    h.meter_wh(CONNECTOR, 10_000);
    charging(&mut h);
    // Connectivity removed for a little more than 3 intervals.
    h.go_offline();
    for i in 1..=3 {
        h.meter_wh(CONNECTOR, 10_000 + 250 * i);
        h.advance(x);
    }
    h.advance(x / 2);
    h.expect_quiet();
    assert_eq!(h.cp.queue().queued, 3);
    // Restored: every queued value, in order, x seconds apart.
    h.register();
    let mut stamps = Vec::new();
    for _ in 0..3 {
        let mv = h.expect_call("MeterValues");
        stamps.push(checked(&mv));
        h.reply_ok(&mv);
    }
    for pair in stamps.windows(2) {
        assert_eq!(pair[1] - pair[0], 1_000 * x as i64, "{stamps:?}");
    }
    expect_connector_0_available(&mut h);
    h.expect_status(CONNECTOR, "Charging");
    h.expect_quiet();
    // The next, new value follows on the same grid: none was lost.
    h.advance(x - x / 2);
    let mv = h.expect_call("MeterValues");
    assert_eq!(checked(&mv) - stamps[2], 1_000 * x as i64, "{}", mv.raw);
    h.reply_ok(&mv);
}

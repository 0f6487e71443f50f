//! StopTxnAlignedData (OCPP 1.6 §9.1.30): the clock-aligned samples of a
//! transaction go into its StopTransaction's `transactionData`, between the
//! StopTxnSampledData of its start and of its end; kept within
//! `Config::max_stop_aligned_samples`, across a power cut, and given back
//! to the pool once the StopTransaction is delivered.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::{Config, Value};
use ocpp_model::{Measurand, Reason};
use serde_json::{json, Value as Json};
use support::{charging, config, pool, Harness};

/// Aligned samples every 15 minutes of energy and power, and none of
/// MeterValues (no periodic or aligned MeterValues to answer on the way);
/// the energy register also at the start and at the end.
fn configure(h: &mut Harness) {
    for (key, value) in [
        ("MeterValueSampleInterval", "0"),
        ("MeterValuesAlignedData", ""),
        ("ClockAlignedDataInterval", "900"),
        (
            "StopTxnAlignedData",
            "Energy.Active.Import.Register,Power.Active.Import",
        ),
        ("StopTxnSampledData", "Energy.Active.Import.Register"),
        ("AuthorizationCacheEnabled", "false"),
    ] {
        h.cp.configure(h.now, key, value)
            .unwrap_or_else(|e| panic!("{key} = {value:?}: {e}"));
    }
}

fn power(h: &mut Harness, w: i64) {
    h.cp.set_meter(h.now, 1, Measurand::PowerActiveImport, Value::from_units(w))
        .unwrap();
}

/// One `meterValue`: its timestamp, its context, its `(measurand, value)`s.
type MeterValue = (String, String, Vec<(String, String)>);

/// The `meterValue`s of a StopTransaction's `transactionData`.
fn data(stop: &Json) -> Vec<MeterValue> {
    let Some(values) = stop["transactionData"].as_array() else {
        return Vec::new();
    };
    values
        .iter()
        .map(|mv| {
            let sampled = mv["sampledValue"].as_array().expect("sampledValue");
            let context = sampled[0]["context"].as_str().unwrap().to_owned();
            assert!(
                sampled.iter().all(|s| s["context"] == context.as_str()),
                "one context per meterValue: {mv}"
            );
            let readings = sampled
                .iter()
                .map(|s| {
                    let m = s["measurand"]
                        .as_str()
                        .unwrap_or("Energy.Active.Import.Register");
                    (m.to_owned(), s["value"].as_str().unwrap().to_owned())
                })
                .collect();
            (
                mv["timestamp"].as_str().unwrap().to_owned(),
                context,
                readings,
            )
        })
        .collect()
}

/// The `Sample.Clock` meterValues of a StopTransaction: the time of day
/// of each and its first value (`10:15 1500`).
fn clock(stop: &Json) -> Vec<String> {
    data(stop)
        .into_iter()
        .filter(|(_, context, _)| context == "Sample.Clock")
        .map(|(t, _, v)| format!("{} {}", &t["2026-11-25T".len()..][..5], v[0].1))
        .collect()
}

fn pair(m: &str, v: &str) -> (String, String) {
    (m.to_owned(), v.to_owned())
}

/// Advances the virtual clock until the central system's wall clock (10:00:00
/// at the charge point's start) reads `minute` past ten, answering the
/// heartbeats that fall due on the way.
fn advance_to_minute(h: &mut Harness, minute: u64) {
    let wall = h.cs_time().unix_millis() as u64 / 1000;
    let target = 1_795_600_800 + minute * 60; // 2026-11-25T10:00:00Z
    assert!(target >= wall, "already past 10:{minute:02}");
    for step in (0..target - wall).step_by(60) {
        h.advance((target - wall - step).min(60));
        let heartbeats: Vec<_> = h
            .sent
            .iter()
            .filter(|s| s.action() == "Heartbeat")
            .cloned()
            .collect();
        h.sent.retain(|s| s.action() != "Heartbeat");
        for beat in heartbeats {
            h.reply_ok(&beat);
        }
    }
}

#[test]
fn a_stop_carries_its_clock_aligned_samples_between_begin_and_end() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    configure(&mut h);
    power(&mut h, 11_000);
    h.boot();
    let idle = pool.stats().in_use;
    h.meter_wh(1, 1_000);
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.present_at(1, support::TAG);
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    let start = h.expect_call("StartTransaction");
    h.reply_ok(&start);
    h.expect_status(1, "Charging");
    advance_to_minute(&mut h, 10);
    h.meter_wh(1, 2_800);
    advance_to_minute(&mut h, 15); // the first aligned sample
    h.expect_quiet();
    h.meter_wh(1, 5_550);
    power(&mut h, 7_400);
    advance_to_minute(&mut h, 30); // the second
    h.meter_wh(1, 6_000);
    advance_to_minute(&mut h, 34);
    h.cp.stop_transaction(h.now, 1, Reason::Local).unwrap();
    h.drain();
    let stop = h.expect_call("StopTransaction");
    let ts = |m: u32| format!("2026-11-25T10:{m:02}:00Z");
    let energy = "Energy.Active.Import.Register";
    let watts = "Power.Active.Import";
    assert_eq!(
        data(stop.payload()),
        vec![
            (
                "2026-11-25T10:00:00Z".to_owned(),
                "Transaction.Begin".to_owned(),
                vec![pair(energy, "1000")]
            ),
            (
                ts(15),
                "Sample.Clock".to_owned(),
                vec![pair(energy, "2800"), pair(watts, "11000")]
            ),
            (
                ts(30),
                "Sample.Clock".to_owned(),
                vec![pair(energy, "5550"), pair(watts, "7400")]
            ),
            (
                ts(34),
                "Transaction.End".to_owned(),
                vec![pair(energy, "6000")]
            ),
        ],
        "{}",
        stop.raw
    );
    h.reply_ok(&stop);
    h.unplug(1);
    if let Some(s) = support::skip_statuses(&mut h) {
        panic!("unexpected {}", s.raw);
    }
    // The samples went with their StopTransaction: the pool holds what an
    // idle charge point holds.
    assert_eq!(pool.stats().in_use, idle);
    assert_eq!(h.cp.queue().stop_aligned_skipped, 0);
}

/// Beyond `max_stop_aligned_samples` a sample is not kept and is counted;
/// the StopTransaction carries the first ones. The bound is published.
#[test]
fn samples_beyond_the_bound_are_counted_and_the_first_ones_kept() {
    let pool = pool();
    let config: Config<'static> = config().with_max_stop_aligned_samples(2);
    let mut h = Harness::with_config(&pool, &config);
    configure(&mut h);
    let get = h.cs_call(
        "GetConfiguration",
        json!({"key": ["StopTxnAlignedDataMaxSamples"]}),
    );
    let got = h.expect_answer(&get);
    assert_eq!(got["configurationKey"][0]["value"], "2");
    assert_eq!(got["configurationKey"][0]["readonly"], true);
    charging(&mut h, 0);
    for minute in [15, 30, 45, 60] {
        h.meter_wh(1, minute as i64 * 100);
        advance_to_minute(&mut h, minute);
    }
    assert_eq!(h.cp.queue().stop_aligned_skipped, 2);
    h.cp.stop_transaction(h.now, 1, Reason::Local).unwrap();
    h.drain();
    let stop = h.expect_call("StopTransaction");
    assert_eq!(
        clock(stop.payload()),
        ["10:15 1500", "10:30 3000"],
        "{}",
        stop.raw
    );
}

/// A power cut mid-transaction keeps the samples: the transaction that
/// cannot resume is stopped with PowerLoss, and its StopTransaction
/// carries them.
#[test]
fn the_samples_survive_a_power_cut() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    configure(&mut h);
    charging(&mut h, 500);
    h.meter_wh(1, 900);
    advance_to_minute(&mut h, 15);
    h.meter_wh(1, 1_700);
    advance_to_minute(&mut h, 30);
    h.resume = false;
    h.reboot();
    h.register();
    let stop = support::skip_statuses(&mut h).expect("the StopTransaction");
    assert_eq!(stop.action(), "StopTransaction", "{}", stop.raw);
    assert_eq!(stop.payload()["reason"], "PowerLoss");
    assert_eq!(
        clock(stop.payload()),
        ["10:15 900", "10:30 1700"],
        "{}",
        stop.raw
    );
}

/// The snapshot behind every "unchanged after a refusal" check covers the
/// kept samples: two charge points alike but for a kept sample differ.
#[test]
fn the_snapshot_covers_the_kept_samples() {
    let snapshot_after_one_tick = |keep: &str| {
        let pool = pool();
        let mut h = Harness::new(&pool);
        configure(&mut h);
        h.cp.configure(h.now, "StopTxnAlignedData", keep).unwrap();
        charging(&mut h, 100);
        advance_to_minute(&mut h, 15);
        h.cp.configure(h.now, "StopTxnAlignedData", "").unwrap();
        assert_eq!(h.cp.queue().stop_aligned_skipped, 0);
        h.snapshot()
    };
    assert_eq!(snapshot_after_one_tick(""), snapshot_after_one_tick(""));
    assert_ne!(
        snapshot_after_one_tick("Energy.Active.Import.Register"),
        snapshot_after_one_tick("")
    );
}

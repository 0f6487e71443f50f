//! `max_call_len`: the transmit buffer it gives holds the longest CALL the
//! charge point can send, and is not much larger. (Every engine test also
//! drains into a buffer of that size and checks each CALL against it: see
//! `support::Harness::drain`.)

#![allow(clippy::disallowed_types, clippy::disallowed_methods)] // std-side test

mod support;

use ocpp_engine::{max_call_len, Config, Event, InputError, MeterReading, Value as Reading};
use ocpp_model::{Location, Measurand, Phase, ReadingContext, Reason, RegistrationStatus};
use serde_json::json;
use support::{config, pool, Harness, Sent};

/// The longest idTag on the wire: 20 characters, each escaped.
const TAG: &str = r#""""""""""""""""""""""#;

/// The measurand whose name and unit are the longest together.
const LONGEST: Measurand = Measurand::EnergyReactiveImportRegister;

/// Registers with a wall clock that has milliseconds (the longest
/// timestamps); every connector Available.
fn boot(h: &mut Harness) {
    h.connect();
    let boot = h.expect_call("BootNotification");
    h.reply(
        &boot,
        json!({"status": "Accepted", "currentTime": "2026-11-25T10:00:00.123Z", "interval": 3600}),
    );
    assert_eq!(
        h.events.pop_front(),
        Some(Event::Registered(RegistrationStatus::Accepted))
    );
    while let Some(s) = h.sent.pop_front() {
        assert_eq!(s.action(), "StatusNotification", "{}", s.raw);
        h.reply_ok(&s);
    }
}

/// `Config::max_readings` readings of [`LONGEST`], each with a phase and
/// a location of the longest names, at the lowest value a reading can
/// have; one more is refused.
fn longest_readings(h: &mut Harness, connector: u8) {
    let phases = [Phase::L1L2, Phase::L2L3, Phase::L3L1];
    let locations = [Location::Outlet, Location::Cable, Location::Inlet];
    let readings = locations
        .iter()
        .flat_map(|&l| phases.iter().map(move |&p| (p, l)))
        .take(usize::from(h.config.max_readings) + 1);
    for (i, (phase, location)) in readings.enumerate() {
        let r = MeterReading::new(LONGEST, Reading::from_milli(i64::MIN))
            .on(phase)
            .at(location);
        let taken = h.cp.set_reading(h.now, connector, r);
        if i < usize::from(h.config.max_readings) {
            taken.unwrap();
        } else {
            assert_eq!(taken, Err(InputError::TooManyMeasurands));
        }
    }
}

/// The longest wire name of an enum.
fn longest<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> usize {
    all.iter().map(|&v| name(v).len()).max().unwrap_or(0)
}

/// Answers every CALL sent so far; returns them.
fn answer_all(h: &mut Harness) -> Vec<Sent> {
    let mut sent = Vec::new();
    while let Some(s) = h.sent.pop_front() {
        if s.message_type() == 2 {
            h.reply_ok(&s);
        }
        sent.push(s);
    }
    sent
}

/// The longest transaction: its idTag, transaction id, readings,
/// samples and reason all at their longest; returns the StopTransaction
/// and the longest MeterValues sent.
fn longest_transaction(config: &Config<'static>) -> (Sent, Sent) {
    let pool = pool();
    let mut h = Harness::with_config(&pool, config);
    let name = LONGEST.as_str();
    for (key, value) in [
        ("MeterValuesSampledData", name),
        ("StopTxnSampledData", name),
        ("StopTxnAlignedData", name),
        ("MeterValueSampleInterval", "60"),
        ("ClockAlignedDataInterval", "60"),
    ] {
        h.cp.configure(h.now, key, value).unwrap();
    }
    boot(&mut h);
    longest_readings(&mut h, 1);
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.present_at(1, TAG);
    let authorize = h.expect_call("Authorize");
    h.reply_ok(&authorize);
    let start = h.expect_call("StartTransaction");
    h.reply(
        &start,
        json!({"transactionId": i32::MIN, "idTagInfo": {"status": "Accepted"}}),
    );
    answer_all(&mut h);
    let mut meter: Option<Sent> = None;
    for _ in 0..=config.max_stop_aligned_samples {
        h.advance(60);
        for s in answer_all(&mut h) {
            if s.action() == "MeterValues"
                && meter.as_ref().is_none_or(|m| m.raw.len() < s.raw.len())
            {
                meter = Some(s);
            }
        }
    }
    h.present_at(1, TAG);
    let stop = loop {
        let s = h.sent.pop_front().expect("a StopTransaction");
        if s.action() == "StopTransaction" {
            break s;
        }
        h.reply_ok(&s);
    };
    let p = stop.payload();
    assert_eq!(
        (&p["idTag"], &p["reason"]),
        (&json!(TAG), &json!("Local")),
        "{}",
        stop.raw
    );
    let data = p["transactionData"].as_array().expect("transactionData");
    assert_eq!(
        data.len(),
        2 + usize::from(config.max_stop_aligned_samples),
        "{}",
        stop.raw
    );
    for m in data {
        let values = m["sampledValue"].as_array().map(Vec::len);
        assert_eq!(values, Some(usize::from(config.max_readings)), "{m}");
    }
    (stop, meter.expect("a MeterValues"))
}

#[test]
fn the_longest_stop_transaction_fits_max_call_len_and_nearly_fills_it() {
    for (samples, readings) in [(4, 8), (1, 8), (0, 8), (4, 1), (0, 3)] {
        let config = config()
            .with_max_stop_aligned_samples(samples)
            .with_max_readings(readings);
        let bound = max_call_len(&config);
        let (stop, _) = longest_transaction(&config);
        let len = stop.raw.len();
        assert!(len <= bound, "{len} > {bound}: {}", stop.raw);
        // The bound is this frame but for what no one frame can have at
        // once: a message id of 10 digits, a meterStop of 11 characters
        // (no energy register here), the longest reason (stopped by its
        // idTag, this one is Local), milliseconds in every timestamp (the
        // clock-aligned ones have none), and the longest reading context,
        // phase and location in every sampled value.
        let p = stop.payload();
        let context = longest(ReadingContext::ALL, ReadingContext::as_str);
        let phase = longest(Phase::ALL, Phase::as_str);
        let location = longest(Location::ALL, Location::as_str);
        let reason = longest(Reason::ALL, Reason::as_str);
        let short = |v: &serde_json::Value, longest: usize| longest - v.as_str().unwrap().len();
        let data = p["transactionData"].as_array().unwrap();
        let mut slack = (10 - stop.id().len())
            + (11 - p["meterStop"].to_string().len())
            + (reason - "Local".len())
            + short(&p["timestamp"], 24);
        for m in data {
            slack += short(&m["timestamp"], 24);
            for v in m["sampledValue"].as_array().unwrap() {
                slack += short(&v["context"], context)
                    + short(&v["phase"], phase)
                    + short(&v["location"], location);
            }
        }
        assert_eq!(bound - len, slack, "{len} of {bound}: {}", stop.raw);
    }
}

/// The longest MeterValues fits, also at the smallest bound (one
/// reading, no aligned sample), where it is the longest of the readings'
/// messages but the StopTransaction (which carries two meterValues of
/// them) that `max_call_len` counts. The Authorize and StartTransaction
/// of the longest idTag go out on the way, each checked by the drain.
#[test]
fn the_longest_meter_values_fits_max_call_len() {
    let eight = config().with_max_stop_aligned_samples(0);
    for (config, at_least) in [(eight.clone(), 1_200), (eight.with_max_readings(1), 200)] {
        let (_, meter) = longest_transaction(&config);
        let bound = max_call_len(&config);
        assert!(
            meter.raw.len() <= bound,
            "{} > {bound}: {}",
            meter.raw.len(),
            meter.raw
        );
        assert!(meter.raw.len() > at_least, "{}", meter.raw);
    }
}

/// The figures the documentation of `max_call_len` gives.
#[test]
fn max_call_len_is_as_documented() {
    let config = Config::new("VendorX", "ModelY");
    assert_eq!(max_call_len(&config), 8_300);
    assert_eq!(
        max_call_len(&config.clone().with_max_stop_aligned_samples(0)),
        2_916
    );
    assert_eq!(max_call_len(&config.with_max_readings(1)), 1_538);
}

/// A BootNotification of the longest identity, every character escaped,
/// is the 362 bytes the documentation of `max_call_len` gives (with a
/// message id of 10 digits), and fits the smallest bound (one reading, no
/// aligned sample: 662 bytes).
#[test]
fn the_longest_boot_notification_fits_the_smallest_max_call_len() {
    let q = |n| -> &'static str { Box::leak("\"".repeat(n).into_boxed_str()) };
    let mut config = config()
        .with_max_stop_aligned_samples(0)
        .with_max_readings(1)
        .with_serial_number(q(25))
        .with_firmware_version(q(50));
    (config.vendor, config.model) = (q(20), q(20));
    assert_eq!(max_call_len(&config), 662);
    let pool = pool();
    let mut h = Harness::with_config(&pool, &config);
    h.connect();
    let boot = h.expect_call("BootNotification");
    assert_eq!(boot.payload()["firmwareVersion"], q(50), "{}", boot.raw);
    assert_eq!(boot.raw.len() - boot.id().len() + 10, 362, "{}", boot.raw);
}

/// A StatusNotification and a StartTransaction at their longest (the
/// last of 254 connectors, the longest error code, the longest idTag,
/// transactionId and timestamp) fit the smallest bound, far below it: the
/// argument of `max_call_len`'s documentation, which counts the
/// StopTransaction alone.
#[test]
fn the_longest_status_notification_and_start_transaction_fit_the_smallest_max_call_len() {
    let config = config()
        .with_connectors(254)
        .with_max_stop_aligned_samples(0)
        .with_max_readings(1);
    let pool = support::Pool::new(256 * 1024);
    let mut h = Harness::with_config(&pool, &config);
    boot(&mut h);
    let code = ocpp_model::ChargePointErrorCode::ALL
        .iter()
        .copied()
        .max_by_key(|c| c.as_str().len())
        .unwrap();
    h.fault(254, Some(code));
    let status = h.expect_call("StatusNotification");
    assert_eq!(
        status.payload()["errorCode"],
        code.as_str(),
        "{}",
        status.raw
    );
    h.reply_ok(&status);
    h.fault(254, None);
    answer_all(&mut h);
    h.plug(254);
    answer_all(&mut h);
    h.present_at(254, TAG);
    let authorize = h.expect_call("Authorize");
    h.reply_ok(&authorize);
    let start = h.expect_call("StartTransaction");
    let bound = max_call_len(&config);
    assert_eq!(bound, 662);
    for s in [&status, &authorize, &start] {
        let longest = s.raw.len() - s.id().len() + 10;
        assert!(longest < 200, "{longest}: {}", s.raw);
    }
}

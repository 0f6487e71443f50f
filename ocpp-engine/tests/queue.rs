//! The transaction block's places and timers: the queue's places given
//! back when an idTag's ConnectionTimeOut passes, every deadline in
//! `poll_timeout`, the sampling grids (periodic and clock-aligned), and
//! which connectors a TriggerMessage(MeterValues) samples (found missed by
//! mutation testing, fuzz/MUTANTS.md).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::{Duration, InputError, Value};
use ocpp_model::Measurand;
use serde_json::json;
use support::{config, pool, Harness};

/// An idTag waiting for a cable holds the two places of its transaction;
/// when ConnectionTimeOut passes they come back, so a queue of two places
/// takes the next idTag.
#[test]
fn connection_timeout_gives_the_places_back() {
    let pool = pool();
    let config = config().with_max_queued_messages(2);
    let mut h = Harness::with_config(&pool, &config);
    h.cp.configure(h.now, "ConnectionTimeOut", "20").unwrap();
    h.cp.configure(h.now, "LocalPreAuthorize", "true").unwrap();
    h.boot();
    h.present_at(1, "ABCD1234");
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    h.expect_status(1, "Preparing");
    // The integrator sleeps until poll_timeout: the expiry is in it.
    assert_eq!(h.cp.poll_timeout(), Some(h.now + Duration::from_secs(20)));
    h.advance(21); // no cable: the idTag expires
    h.expect_status(1, "Available");
    assert_eq!(
        h.cp.present_id_tag(h.now, 1, "ABCD1234")
            .map_err(|e| e == InputError::QueueFull),
        Ok(()),
        "the two places came back"
    );
}

/// The clock jumps five intervals at once (a firmware that slept): one
/// sample, and the next one on the grid after now, not in the past (an
/// integrator's loop would spin on a deadline in the past).
#[test]
fn a_clock_jump_keeps_the_sampling_grid() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    support::charging(&mut h, 1_000);
    let start = h.now;
    h.now = start + Duration::from_secs(5 * 60 + 10);
    h.cp.handle_timeout(h.now);
    h.drain();
    // One sample for the five intervals, and the heartbeat due meanwhile.
    let mut samples = 0;
    while let Some(call) = h.sent.pop_front() {
        samples += usize::from(call.action() == "MeterValues");
        h.reply_ok(&call);
    }
    assert_eq!(samples, 1);
    let next = h.cp.poll_timeout().expect("the next sample");
    assert!(next > h.now, "{next:?} is not after {:?}", h.now);
    assert!(
        next <= start + Duration::from_secs(6 * 60),
        "{next:?}: off the grid"
    );
}

/// A StartTransaction the central system failed to process waits
/// TransactionMessageRetryInterval, and that wait is the deadline.
#[test]
fn the_retry_of_a_transaction_message_is_a_deadline() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    // No sample to fall due at the same time.
    h.cp.configure(h.now, "MeterValueSampleInterval", "0")
        .unwrap();
    h.cp.configure(h.now, "TransactionMessageRetryInterval", "45")
        .unwrap();
    h.boot();
    h.meter_wh(1, 100);
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.present_at(1, "ABCD1234");
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    let start = h.expect_call("StartTransaction");
    let error = json!([4, start.id(), "InternalError", "", {}]).to_string();
    h.receive(&error).unwrap();
    h.drain();
    if let Some(s) = support::skip_statuses(&mut h) {
        panic!("unexpected {}", s.raw);
    }
    assert_eq!(h.cp.poll_timeout(), Some(h.now + Duration::from_secs(45)));
    h.advance(45);
    h.expect_call("StartTransaction");
}

/// ClockAlignedDataInterval set between two multiples of it, by the
/// firmware or by the central system (ChangeConfiguration: the router
/// restarts the grid for that key): the next aligned sample is at the next
/// multiple on the wall clock, and it is the deadline at once.
#[test]
fn clock_aligned_data_set_later_falls_on_the_grid() {
    for by_central_system in [false, true] {
        let pool = pool();
        let mut h = Harness::new(&pool);
        h.meter_wh(1, 77);
        h.boot(); // 10:00:00
        h.cp.configure(h.now, "HeartbeatInterval", "3600").unwrap();
        h.advance(5 * 60); // 10:05:00
        h.expect_quiet();
        if by_central_system {
            let id = h.cs_call(
                "ChangeConfiguration",
                json!({"key": "ClockAlignedDataInterval", "value": "900"}),
            );
            h.expect_result(&id, json!({"status": "Accepted"}));
        } else {
            h.cp.configure(h.now, "ClockAlignedDataInterval", "900")
                .unwrap();
        }
        let due = Some(h.now + Duration::from_secs(600));
        assert_eq!(
            h.cp.poll_timeout(),
            due,
            "by the central system: {by_central_system}"
        );
        h.advance(600);
        let mv = h.expect_call("MeterValues");
        assert_eq!(
            mv.payload()["meterValue"][0]["timestamp"],
            "2026-11-25T10:15:00Z"
        );
    }
}

/// TriggerMessage(MeterValues): the connector asked for, or every one with
/// readings, each with its own connectorId, and the running transaction's
/// id; Rejected when nothing is there to sample.
#[test]
fn a_triggered_sample_is_of_the_connectors_asked_for() {
    let pool = pool();
    let config = config().with_connectors(2);
    let mut h = Harness::with_config(&pool, &config);
    h.boot();
    let trigger = |h: &mut Harness, connector: Option<u8>| {
        let mut payload = json!({"requestedMessage": "MeterValues"});
        if let Some(c) = connector {
            payload["connectorId"] = json!(c);
        }
        let id = h.cs_call("TriggerMessage", payload);
        h.expect_answer(&id)["status"].as_str().unwrap().to_owned()
    };
    assert_eq!(trigger(&mut h, None), "Rejected", "no readings anywhere");
    h.meter_wh(2, 2_000);
    assert_eq!(trigger(&mut h, Some(1)), "Rejected", "none on connector 1");
    assert_eq!(trigger(&mut h, Some(2)), "Accepted");
    let mv = h.expect_call("MeterValues");
    assert_eq!(mv.payload()["connectorId"], 2);
    h.reply_ok(&mv);
    h.cp.set_meter(
        h.now,
        1,
        Measurand::EnergyActiveImportRegister,
        Value::from_units(1_000),
    )
    .unwrap();
    assert_eq!(trigger(&mut h, Some(2)), "Accepted");
    let mv = h.expect_call("MeterValues");
    assert_eq!(mv.payload()["connectorId"], 2, "only the one asked for");
    h.reply_ok(&mv);
    h.expect_quiet();
    assert_eq!(trigger(&mut h, None), "Accepted");
    for connector in [1, 2] {
        let mv = h.expect_call("MeterValues");
        assert_eq!(mv.payload()["connectorId"], connector);
        h.reply_ok(&mv);
    }
    // During a transaction: its id.
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.present_at(1, "ABCD1234");
    for action in ["Authorize", "StartTransaction"] {
        let call = h.expect_call(action);
        h.reply_ok(&call);
    }
    h.expect_status(1, "Charging");
    assert_eq!(trigger(&mut h, Some(1)), "Accepted");
    let mv = h.expect_call("MeterValues");
    assert_eq!(mv.payload()["transactionId"], ocpp_testkit::TRANSACTION_ID);
}

//! Transactions and their message queue (OCPP 1.6 §3.7, §4.8, §4.10): what
//! the compliance cases do not pin down, at the edges: offline, retries,
//! refusals, a full queue, an exhausted pool.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::{Event, InputError, MeterReading, Value, MAX_READINGS};
use ocpp_model::{AuthorizationStatus, Location, Measurand, Phase, Reason};
use serde_json::json;
use support::{config, pool, Harness};

/// Boot, plug in, present `ABCD1234` (its Authorize answered Accepted):
/// the StartTransaction sent, not yet answered.
fn started(h: &mut Harness) -> support::Sent {
    h.boot();
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.present_at(1, "ABCD1234");
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    h.expect_call("StartTransaction")
}

/// Boot, plug in, present `ABCD1234` (answered Accepted), StartTransaction
/// answered with `id`, StatusNotification Charging.
fn charging(h: &mut Harness, id: i64) {
    let start = started(h);
    h.reply(
        &start,
        json!({"transactionId": id, "idTagInfo": {"status": "Accepted"}}),
    );
    h.expect_status(1, "Charging");
    h.expect_event(Event::Energy {
        connector: 1,
        on: true,
    });
}

#[test]
fn a_transaction_carries_its_meter_values_and_times() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(
        h.now,
        "MeterValuesSampledData",
        "Energy.Active.Import.Register,Power.Active.Import",
    )
    .unwrap();
    h.meter_wh(1, 1200);
    h.cp.set_meter(
        h.now,
        1,
        Measurand::PowerActiveImport,
        Value::from_milli(11_000_500),
    )
    .unwrap();
    charging(&mut h, 42);
    h.advance(60);
    let mv = h.expect_call("MeterValues");
    assert_eq!(mv.payload()["connectorId"], 1);
    assert_eq!(mv.payload()["transactionId"], 42);
    let sampled = &mv.payload()["meterValue"][0]["sampledValue"];
    assert_eq!(
        sampled,
        &json!([
            {"value": "1200", "context": "Sample.Periodic",
             "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
            {"value": "11000.5", "context": "Sample.Periodic",
             "measurand": "Power.Active.Import", "unit": "W"},
        ])
    );
    assert_eq!(
        mv.payload()["meterValue"][0]["timestamp"],
        "2026-11-25T10:01:00Z"
    );
    h.reply_ok(&mv);
    h.meter_wh(1, 1383);
    h.advance(5);
    h.cp.stop_transaction(h.now, 1, Reason::EmergencyStop)
        .unwrap();
    h.drain();
    let stop = h.expect_call("StopTransaction");
    assert_eq!(
        stop.payload(),
        &json!({"meterStop": 1383, "timestamp": "2026-11-25T10:01:05Z",
                "transactionId": 42, "reason": "EmergencyStop"})
    );
    h.reply_ok(&stop);
    h.expect_status(1, "Finishing");
    h.expect_event(Event::Energy {
        connector: 1,
        on: false,
    });
}

/// A three-phase meter: each phase of a measurand the central system asks
/// for goes out as its own sampledValue with its phase, in MeterValues and in
/// StopTransaction's transactionData (StopTxnSampledData), with the
/// location the meter gave; a reading of a measurand nobody asked for stays
/// home; and the meter keeps at most MAX_READINGS readings.
#[test]
fn every_phase_of_a_measurand_is_sampled_with_its_phase_and_location() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    let asked = "Energy.Active.Import.Register,Current.Import,Temperature";
    h.cp.configure(h.now, "MeterValuesSampledData", asked)
        .unwrap();
    h.cp.configure(h.now, "StopTxnSampledData", "Current.Import")
        .unwrap();
    h.meter_wh(1, 1200);
    let amps = |p, a| MeterReading::new(Measurand::CurrentImport, Value::from_units(a)).on(p);
    for (p, a) in [(Phase::L1, 16), (Phase::L2, 15), (Phase::L3, 14)] {
        h.cp.set_reading(h.now, 1, amps(p, a)).unwrap();
    }
    let body = MeterReading::new(Measurand::Temperature, Value::from_units(41)).at(Location::Body);
    h.cp.set_reading(h.now, 1, body).unwrap();
    let volts = MeterReading::new(Measurand::Voltage, Value::from_units(230));
    h.cp.set_reading(h.now, 1, volts.on(Phase::L1N)).unwrap();
    charging(&mut h, 42);
    h.advance(60);
    let mv = h.expect_call("MeterValues");
    assert_eq!(
        mv.payload()["meterValue"][0]["sampledValue"],
        json!([
            {"value": "1200", "context": "Sample.Periodic",
             "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
            {"value": "16", "context": "Sample.Periodic",
             "measurand": "Current.Import", "phase": "L1", "unit": "A"},
            {"value": "15", "context": "Sample.Periodic",
             "measurand": "Current.Import", "phase": "L2", "unit": "A"},
            {"value": "14", "context": "Sample.Periodic",
             "measurand": "Current.Import", "phase": "L3", "unit": "A"},
            {"value": "41", "context": "Sample.Periodic",
             "measurand": "Temperature", "location": "Body", "unit": "Celsius"},
        ])
    );
    h.reply_ok(&mv);
    // A new value of one phase replaces that phase only.
    h.cp.set_reading(h.now, 1, amps(Phase::L2, 9)).unwrap();
    // Eight readings in all: a ninth is refused, and changes nothing.
    for (p, v) in [(Phase::L2N, 231), (Phase::L3N, 229)] {
        let volts = MeterReading::new(Measurand::Voltage, Value::from_units(v));
        h.cp.set_reading(h.now, 1, volts.on(p)).unwrap();
    }
    let soc = MeterReading::new(Measurand::SoC, Value::from_units(80)).at(Location::EV);
    assert_eq!(MAX_READINGS, 8);
    assert_eq!(
        h.cp.set_reading(h.now, 1, soc),
        Err(InputError::TooManyMeasurands)
    );
    h.cp.stop_transaction(h.now, 1, Reason::Local).unwrap();
    h.drain();
    let stop = h.expect_call("StopTransaction");
    let data = &stop.payload()["transactionData"];
    let values = |i: usize| data[i]["sampledValue"].clone();
    assert_eq!(
        values(0),
        json!([
            {"value": "16", "context": "Transaction.Begin",
             "measurand": "Current.Import", "phase": "L1", "unit": "A"},
            {"value": "15", "context": "Transaction.Begin",
             "measurand": "Current.Import", "phase": "L2", "unit": "A"},
            {"value": "14", "context": "Transaction.Begin",
             "measurand": "Current.Import", "phase": "L3", "unit": "A"},
        ])
    );
    assert_eq!(values(1)[1]["value"], "9", "{}", stop.raw);
    assert_eq!(values(1)[1]["context"], "Transaction.End");
    assert_eq!(values(1).as_array().unwrap().len(), 3, "{}", stop.raw);
}

/// Connect and register; what follows registration is left to the test.
fn register(h: &mut Harness) {
    h.connect();
    let boot = h.expect_call("BootNotification");
    h.reply_ok(&boot);
    h.events.retain(|e| !matches!(e, Event::Registered(_)));
}

#[test]
fn offline_messages_are_delivered_in_order_once_online() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.meter_wh(1, 500);
    charging(&mut h, 7);
    h.cp.disconnected(h.now);
    h.advance(125); // two samples while offline
    h.present_at(1, "ABCD1234"); // a local stop, offline
    assert_eq!(h.cp.queue().queued, 3);
    h.expect_quiet();
    register(&mut h);
    // The queue first, oldest first, each with its transactionId...
    for _ in 0..2 {
        let mv = h.expect_call("MeterValues");
        assert_eq!(mv.payload()["transactionId"], 7);
        h.reply_ok(&mv);
    }
    let stop = h.expect_call("StopTransaction");
    assert_eq!(stop.payload()["transactionId"], 7);
    assert_eq!(stop.payload()["reason"], "Local");
    assert_eq!(stop.payload()["idTag"], "ABCD1234");
    // ...stamped when they happened, not when sent.
    assert_eq!(stop.payload()["timestamp"], "2026-11-25T10:02:05Z");
    h.reply_ok(&stop);
    // ...then every status again.
    h.expect_status(0, "Available");
    h.expect_status(1, "Finishing");
    h.expect_quiet();
    assert_eq!(h.cp.queue().queued, 0);
}

#[test]
fn an_offline_start_gets_its_id_into_the_messages_queued_behind_it() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "AllowOfflineTxForUnknownId", "true")
        .unwrap();
    h.boot();
    h.meter_wh(1, 10);
    h.cp.disconnected(h.now);
    h.plug(1);
    h.present_at(1, "OFFLINE1"); // unknown, but allowed offline: starts
    h.expect_event(Event::Energy {
        connector: 1,
        on: true,
    });
    h.advance(60);
    h.cp.stop_transaction(h.now, 1, Reason::Other).unwrap();
    assert_eq!(h.cp.transaction(1), None);
    register(&mut h);
    let start = h.expect_call("StartTransaction");
    assert_eq!(start.payload()["idTag"], "OFFLINE1");
    assert_eq!(start.payload()["timestamp"], "2026-11-25T10:00:00Z");
    // The id is known only now; the queued messages carry it.
    h.reply(
        &start,
        json!({"transactionId": 99, "idTagInfo": {"status": "Accepted"}}),
    );
    let mv = h.expect_call("MeterValues");
    assert_eq!(mv.payload()["transactionId"], 99);
    h.reply_ok(&mv);
    let stop = h.expect_call("StopTransaction");
    assert_eq!(stop.payload()["transactionId"], 99);
    assert_eq!(stop.payload()["reason"], "Other");
    h.reply_ok(&stop);
}

#[test]
fn a_failing_transaction_message_is_retried_then_given_up() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    charging(&mut h, 42);
    h.present_at(1, "ABCD1234");
    let refuse = |h: &mut Harness, s: &support::Sent| {
        let frame = json!([4, s.id(), "InternalError", "db down", {}]);
        h.receive(&frame.to_string()).unwrap();
    };
    // TransactionMessageAttempts 3, TransactionMessageRetryInterval 60 s:
    // sent, then after 60 s, then after 120 s; then given up.
    let stop = h.expect_call("StopTransaction");
    refuse(&mut h, &stop);
    h.expect_status(1, "Finishing"); // other messages overtake meanwhile
    h.advance(59);
    h.expect_quiet();
    h.advance(1);
    let again = h.expect_call("StopTransaction");
    assert_eq!(again.payload(), stop.payload());
    refuse(&mut h, &again);
    h.advance(119);
    h.expect_quiet();
    h.advance(1);
    let last = h.expect_call("StopTransaction");
    refuse(&mut h, &last);
    h.advance(600);
    h.events.clear();
    h.expect_call("Heartbeat"); // nothing else: the stop was given up
    assert_eq!(h.cp.queue().discarded, 1);
    assert_eq!(h.cp.queue().queued, 0);
}

#[test]
fn a_start_not_accepted_stops_or_suspends_as_configured() {
    for stop_on_invalid in [true, false] {
        let pool = pool();
        let mut h = Harness::new(&pool);
        h.cp.configure(
            h.now,
            "StopTransactionOnInvalidId",
            if stop_on_invalid { "true" } else { "false" },
        )
        .unwrap();
        let start = started(&mut h);
        h.reply(
            &start,
            json!({"transactionId": 5, "idTagInfo": {"status": "Blocked"}}),
        );
        if stop_on_invalid {
            let stop = h.expect_call("StopTransaction");
            assert_eq!(stop.payload()["reason"], "DeAuthorized");
            h.reply_ok(&stop);
            h.expect_status(1, "Finishing");
        } else {
            h.expect_status(1, "SuspendedEVSE");
            assert_eq!(h.cp.transaction(1), Some(Some(5)));
        }
        // Energy was offered while the answer was awaited, then not.
        let energy: Vec<_> = h
            .events
            .iter()
            .filter(|e| matches!(e, Event::Energy { .. }))
            .copied()
            .collect();
        assert_eq!(
            energy,
            [
                Event::Energy {
                    connector: 1,
                    on: true
                },
                Event::Energy {
                    connector: 1,
                    on: false
                }
            ]
        );
    }
}

#[test]
fn a_full_queue_refuses_a_new_transaction_and_changes_nothing() {
    let pool = pool();
    let config = config().with_connectors(2).with_max_queued_messages(2);
    let mut h = Harness::with_config(&pool, &config);
    h.boot();
    h.present_at(1, "TAG1"); // claims its two places
    let (before, in_use) = (h.snapshot(), pool.stats().in_use);
    assert_eq!(
        h.cp.present_id_tag(h.now, 2, "TAG2"),
        Err(InputError::QueueFull)
    );
    assert_eq!(h.snapshot(), before);
    assert_eq!(pool.stats().in_use, in_use);
    assert_eq!(h.cp.present_id_tag(h.now, 1, "TAG1"), Err(InputError::Busy));
}

#[test]
fn a_refused_id_tag_is_reported_and_holds_nothing() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "AuthorizationCacheEnabled", "true")
        .unwrap();
    h.boot();
    let idle = pool.stats().in_use;
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.present_at(1, "BADTAG");
    let a = h.expect_call("Authorize");
    h.reply(&a, json!({"idTagInfo": {"status": "Invalid"}}));
    match h.events.pop_front() {
        Some(Event::IdTagRefused {
            connector: 1,
            id_tag,
            status: AuthorizationStatus::Invalid,
        }) => assert_eq!(id_tag.as_str(), "BADTAG"),
        other => panic!("expected IdTagRefused, got {other:?}"),
    }
    h.expect_quiet();
    assert_eq!(h.cp.transaction(1), None);
    // The queue's places went back; the cache keeps what it learned.
    assert!(
        pool.stats().in_use - idle < 100,
        "{}",
        pool.stats().in_use - idle
    );
    // Known now: offline, the cache refuses it at once (LocalAuthorizeOffline).
    h.cp.disconnected(h.now);
    h.present_at(1, "badtag");
    h.expect_quiet();
    assert!(matches!(
        h.events.pop_front(),
        Some(Event::IdTagRefused { .. })
    ));
}

#[test]
fn a_stop_goes_out_even_when_the_pool_is_exhausted() {
    use ocpp_alloc::{FailureInjector, FailurePlan, HostPool, Talc};
    let pool = HostPool::<Talc>::new(16 * 1024);
    let injector = FailureInjector::new(&*pool);
    let mut cp = ocpp_engine::ChargePoint::new(&config(), &injector).unwrap();
    let mut now = ocpp_engine::Instant::from_millis(0);
    let mut buf = [0u8; 1024];
    let mut sent = Vec::new();
    let mut step = |cp: &mut ocpp_engine::ChargePoint<_>, now, sent: &mut Vec<String>| {
        while let Some(n) = cp.poll_transmit(now, &mut buf).unwrap() {
            let text = String::from_utf8(buf[..n].to_vec()).unwrap();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            if v[0] == 2 {
                let answer = match v[2].as_str().unwrap() {
                    "BootNotification" => {
                        r#"{"status":"Accepted","currentTime":"2026-11-25T10:00:00Z","interval":300}"#
                    }
                    "StartTransaction" => {
                        r#"{"transactionId":3,"idTagInfo":{"status":"Accepted"}}"#
                    }
                    "StopTransaction" | "Authorize" => r#"{"idTagInfo":{"status":"Accepted"}}"#,
                    _ => "{}",
                };
                let frame = format!(r#"[3,{},{answer}]"#, v[1]);
                cp.handle_frame(now, frame.as_bytes()).unwrap();
            }
            sent.push(v[2].as_str().unwrap_or("").to_owned());
        }
    };
    cp.connected(now);
    step(&mut cp, now, &mut sent);
    cp.plug_in(now, 1).unwrap();
    cp.present_id_tag(now, 1, "ABCD1234").unwrap();
    step(&mut cp, now, &mut sent);
    assert_eq!(cp.transaction(1), Some(Some(3)));
    // From here the pool refuses everything.
    injector.set_plan(FailurePlan::From(1));
    now = now + ocpp_engine::Duration::from_secs(30);
    cp.stop_transaction(now, 1, Reason::PowerLoss).unwrap();
    sent.clear();
    step(&mut cp, now, &mut sent);
    assert_eq!(sent, ["StopTransaction", "StatusNotification"]);
    assert_eq!(cp.queue().queued, 0);
    // Not even asked: the stop's place was claimed when the idTag came.
    assert_eq!(injector.refusals(), 0);
}

#[test]
fn clock_aligned_values_fall_on_the_wall_clock_grid() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "ClockAlignedDataInterval", "120")
        .unwrap();
    h.meter_wh(1, 77);
    h.boot(); // the wall clock: 10:00:00 at boot
    h.advance(7);
    h.expect_quiet();
    h.advance(113);
    let mv = h.expect_call("MeterValues");
    let value = &mv.payload()["meterValue"][0];
    assert_eq!(value["timestamp"], "2026-11-25T10:02:00Z");
    assert_eq!(value["sampledValue"][0]["context"], "Sample.Clock");
    assert_eq!(value["sampledValue"][0]["value"], "77");
    h.reply_ok(&mv);
    h.advance(120);
    let mv = h.expect_call("MeterValues");
    assert_eq!(
        mv.payload()["meterValue"][0]["timestamp"],
        "2026-11-25T10:04:00Z"
    );
}

#[test]
fn a_status_shorter_than_minimum_status_duration_is_never_reported() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "MinimumStatusDuration", "10")
        .unwrap();
    h.boot();
    h.plug(1);
    h.advance(5);
    h.unplug(1); // Preparing lasted 5 s: not reported
    h.advance(20);
    h.expect_quiet();
    h.plug(1);
    h.advance(9);
    h.expect_quiet();
    h.advance(1);
    h.expect_status(1, "Preparing");
}

#[test]
fn a_full_queue_skips_samples_but_never_the_stop() {
    let pool = pool();
    let config = config().with_max_queued_messages(3);
    let mut h = Harness::with_config(&pool, &config);
    h.cp.configure(h.now, "AllowOfflineTxForUnknownId", "true")
        .unwrap();
    h.boot();
    h.meter_wh(1, 100);
    h.cp.disconnected(h.now);
    h.plug(1);
    h.present_at(1, "OFFLINE1"); // StartTransaction queued, its stop's place claimed
    h.advance(60 * 5); // five samples; room for one
    h.cp.stop_transaction(h.now, 1, Reason::Local).unwrap();
    let q = h.cp.queue();
    assert_eq!((q.queued, q.skipped), (3, 4));
    register(&mut h);
    for action in ["StartTransaction", "MeterValues", "StopTransaction"] {
        let call = h.expect_call(action);
        h.reply_ok(&call);
    }
    assert_eq!(h.cp.queue().queued, 0);
}

#[test]
fn a_transaction_whose_start_was_given_up_sends_nothing_more() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "TransactionMessageAttempts", "1")
        .unwrap();
    h.meter_wh(1, 10);
    let start = started(&mut h);
    let refuse = json!([4, start.id(), "InternalError", "db down", {}]);
    h.receive(&refuse.to_string()).unwrap();
    assert_eq!(h.cp.queue().discarded, 1);
    h.expect_status(1, "Charging");
    // No id was ever given: no sample and no stop can name the transaction.
    h.advance(120);
    h.cp.stop_transaction(h.now, 1, Reason::Local).unwrap();
    h.drain();
    h.expect_status(1, "Finishing");
    h.expect_quiet();
    assert_eq!(h.cp.queue().queued, 0);
}

#[test]
fn two_offline_transactions_each_get_their_own_id() {
    let pool = pool();
    let mut h = Harness::with_config(&pool, &config().with_connectors(2));
    h.cp.configure(h.now, "AllowOfflineTxForUnknownId", "true")
        .unwrap();
    h.boot();
    h.cp.disconnected(h.now);
    for (connector, tag) in [(1, "OFFLINE1"), (2, "OFFLINE2")] {
        h.meter_wh(connector, 100);
        h.plug(connector);
        h.present_at(connector, tag);
        h.advance(10);
    }
    // A periodic sample of each is queued too.
    h.advance(60);
    h.cp.stop_transaction(h.now, 2, Reason::Other).unwrap();
    h.cp.stop_transaction(h.now, 1, Reason::Local).unwrap();
    register(&mut h);
    // Each StartTransaction's answer gives the id to its own
    // transaction's messages, and to no other's.
    let id_of = |tag: &str| if tag == "OFFLINE1" { 101 } else { 102 };
    let mut stopped = std::collections::HashMap::new();
    let mut sampled = Vec::new();
    while let Some(call) = h.sent.pop_front() {
        assert_eq!(call.message_type(), 2, "{}", call.raw);
        let p = call.payload().clone();
        match call.action() {
            "StartTransaction" => h.reply(
                &call,
                json!({"transactionId": id_of(p["idTag"].as_str().unwrap()),
                       "idTagInfo": {"status": "Accepted"}}),
            ),
            "MeterValues" => {
                let connector = p["connectorId"].as_i64().unwrap();
                sampled.push((connector, p["transactionId"].clone()));
                h.reply_ok(&call);
            }
            "StopTransaction" => {
                stopped.insert(
                    p["reason"].as_str().unwrap().to_owned(),
                    p["transactionId"].clone(),
                );
                h.reply_ok(&call);
            }
            _ => h.reply_ok(&call),
        }
    }
    assert!(sampled.len() >= 2, "{sampled:?}");
    for (connector, id) in &sampled {
        assert_eq!(*id, json!(100 + connector), "{sampled:?}");
    }
    assert_eq!(stopped["Local"], json!(101), "{stopped:?}");
    assert_eq!(stopped["Other"], json!(102), "{stopped:?}");
}

#[test]
fn stop_txn_sampled_data_ends_with_the_readings_at_the_stop() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "StopTxnSampledData", "Energy.Active.Import.Register")
        .unwrap();
    h.meter_wh(1, 1000);
    charging(&mut h, 7);
    h.advance(30);
    h.expect_quiet();
    h.meter_wh(1, 1500);
    h.cp.stop_transaction(h.now, 1, Reason::Local).unwrap();
    h.drain();
    let stop = h.expect_call("StopTransaction");
    let data = stop.payload()["transactionData"]
        .as_array()
        .unwrap_or_else(|| panic!("no transactionData: {}", stop.raw));
    let end = &data.last().expect("a meterValue")["sampledValue"][0];
    assert_eq!(
        (&end["context"], &end["value"]),
        (&json!("Transaction.End"), &json!("1500")),
        "{}",
        stop.raw
    );
}

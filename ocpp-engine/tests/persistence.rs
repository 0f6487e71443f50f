//! Storage and recovery (issue #7): what survives a power cut, what a
//! reboot does with it, and that nothing that depends on a record leaves
//! before the record is durable. The power-loss suite (every cut point of
//! whole scenarios) is in alloc-tests; these are the behaviours one by one.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::{ChargePoint, Event, RecordKey};
use serde_json::json;
use support::{charging, charging_on, config, percent, pool, skip_statuses, Harness, TAG};

/// Boot; AllowOfflineTxForUnknownId; the connection lost; the energy
/// register at `wh`; plug in and `TAG`: a transaction starts offline.
fn offline_transaction(h: &mut Harness, wh: i64) {
    h.boot();
    h.cp.configure(h.now, "AllowOfflineTxForUnknownId", "true")
        .unwrap();
    h.go_offline();
    h.meter_wh(1, wh);
    h.plug(1);
    h.present_at(1, TAG);
    assert_eq!(h.cp.transaction(1), Some(None));
}

#[test]
fn a_transaction_that_cannot_resume_stops_with_power_loss_at_its_last_sample() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "MeterValueSampleInterval", "60")
        .unwrap();
    charging(&mut h, 1_000);
    h.meter_wh(1, 1_500);
    h.advance(60);
    let sampled_at = h.cs_time().to_string();
    let mv = h.expect_call("MeterValues");
    h.reply_ok(&mv);
    // A reading after the last sample is not stored: it is not known after the cut.
    h.meter_wh(1, 1_700);
    h.advance(10);
    h.resume = false;
    h.reboot();
    assert_eq!((h.restored.resumed, h.restored.stopped), (0, 1));
    // The delivered MeterValues was kept for the record until the queue
    // changed (one write per sample, not two): it comes again, the same,
    // as OCPP allows after a cut; then the stop.
    assert_eq!(h.restored.queued, 2);
    h.drain();
    h.expect_quiet();
    h.register();
    let again = h.expect_call("MeterValues");
    assert_eq!(again.payload(), mv.payload());
    h.reply_ok(&again);
    let stop = h.expect_call("StopTransaction");
    let p = stop.payload();
    assert_eq!(
        (
            &p["transactionId"],
            &p["meterStop"],
            &p["reason"],
            &p["timestamp"]
        ),
        (
            &json!(42),
            &json!(1_500),
            &json!("PowerLoss"),
            &json!(sampled_at)
        ),
        "{}",
        stop.raw
    );
    assert!(p.get("idTag").is_none(), "{}", stop.raw);
    h.reply_ok(&stop);
    // The connector is free: the firmware reports the cable (still in) again.
    h.expect_status(0, "Available");
    h.expect_status(1, "Available");
    h.expect_quiet();
    assert_eq!(h.cp.transaction(1), None);
    assert_eq!(
        h.cp.storage().record(RecordKey::Transactions),
        None,
        "no transaction record left dangling"
    );
}

#[test]
fn a_resumed_transaction_offers_energy_again_and_samples_on() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "MeterValueSampleInterval", "60")
        .unwrap();
    charging(&mut h, 1_000);
    h.reboot();
    assert_eq!((h.restored.resumed, h.restored.stopped), (1, 0));
    h.drain();
    assert!(h.events.contains(&Event::Energy {
        connector: 1,
        on: true
    }));
    h.register();
    h.expect_status(0, "Available");
    h.expect_status(1, "Charging");
    h.meter_wh(1, 2_000);
    h.advance(60);
    let mv = h.expect_call("MeterValues");
    assert_eq!(mv.payload()["transactionId"], 42, "{}", mv.raw);
    h.reply_ok(&mv);
    h.present_at(1, TAG);
    let stop = h.expect_call("StopTransaction");
    assert_eq!(
        (&stop.payload()["meterStop"], &stop.payload()["reason"]),
        (&json!(2_000), &json!("Local")),
        "{}",
        stop.raw
    );
}

/// TC_039-like: a transaction started and stopped offline, then a reboot
/// before the connection came back: both messages are delivered, in order,
/// the stop with the id the central system gave the start.
#[test]
fn offline_start_and_stop_across_a_reboot_are_delivered_in_order() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    offline_transaction(&mut h, 300);
    h.advance(30);
    h.meter_wh(1, 900);
    h.unplug(1);
    assert_eq!(h.cp.queue().queued, 2);
    h.reboot();
    assert_eq!(h.restored.queued, 2);
    h.register();
    let start = skip_statuses(&mut h).expect("the StartTransaction");
    assert_eq!(start.action(), "StartTransaction", "{}", start.raw);
    assert_eq!(start.payload()["meterStart"], 300, "{}", start.raw);
    h.reply(
        &start,
        json!({"transactionId": 77, "idTagInfo": {"status": "Accepted"}}),
    );
    let stop = skip_statuses(&mut h).expect("the StopTransaction");
    assert_eq!(stop.action(), "StopTransaction", "{}", stop.raw);
    assert_eq!(
        (
            &stop.payload()["transactionId"],
            &stop.payload()["meterStop"]
        ),
        (&json!(77), &json!(900)),
        "{}",
        stop.raw
    );
    h.reply_ok(&stop);
    assert_eq!(skip_statuses(&mut h).map(|s| s.raw), None);
    assert_eq!(h.cp.queue().queued, 0);
    assert_eq!(
        h.cp.storage().record(RecordKey::Transactions),
        None,
        "no transaction record left dangling"
    );
}

#[test]
fn configuration_and_the_authorization_cache_survive_a_reboot() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let id = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "MeterValueSampleInterval", "value": "120"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    h.cp.configure(h.now, "LocalAuthorizeOffline", "true")
        .unwrap();
    h.cp.configure(h.now, "AuthorizationCacheEnabled", "true")
        .unwrap();
    let id = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "AuthorizationKey", "value": "0123456789abcdef"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    h.present(TAG);
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    h.reboot();
    assert_eq!(h.restored.records, 2, "configuration and cache");
    assert_eq!(h.cp.authorization_key(), Some("0123456789abcdef"));
    let mut value = String::new();
    assert!(h
        .cp
        .read_configuration("MeterValueSampleInterval", &mut value));
    assert_eq!(value, "120");
    // Offline, the cached idTag starts a transaction without asking.
    h.plug(1);
    h.present_at(1, TAG);
    assert_eq!(h.cp.transaction(1), Some(None));
}

#[test]
fn availability_set_while_charging_applies_after_the_reboot_too() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    charging(&mut h, 0);
    let id = h.cs_call(
        "ChangeAvailability",
        json!({"connectorId": 1, "type": "Inoperative"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Scheduled"}));
    h.resume = false;
    h.reboot();
    h.register();
    let stop = skip_statuses(&mut h).expect("the StopTransaction");
    assert_eq!(stop.action(), "StopTransaction", "{}", stop.raw);
    h.reply_ok(&stop);
    // The transaction is over: the scheduled change has applied.
    assert_eq!(
        h.cp.status(1).map(|s| s.0),
        Some(ocpp_model::ChargePointStatus::Unavailable)
    );
}

/// Write-ahead: when the StartTransaction leaves, a charge point restored
/// from the storage at that instant already knows the transaction.
#[test]
fn the_start_is_stored_before_it_is_sent() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.cp.present_id_tag(h.now, 1, TAG).unwrap();
    let mut buf = [0u8; 1024];
    let n = h.cp.poll_transmit(h.now, &mut buf).unwrap().unwrap();
    let authorize: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
    let frame = json!([3, authorize[1], {"idTagInfo": {"status": "Accepted"}}]).to_string();
    h.cp.handle_frame(h.now, frame.as_bytes()).unwrap();
    let storage = h.cp.storage().clone();
    assert_eq!(storage.record(RecordKey::Transactions), None, "not yet");
    let n = h.cp.poll_transmit(h.now, &mut buf).unwrap().unwrap();
    assert!(std::str::from_utf8(&buf[..n])
        .unwrap()
        .contains("\"StartTransaction\""));
    // The power goes now: the next boot has the transaction.
    let other = support::pool();
    let (_, restored) =
        ChargePoint::restore(&config(), &*other, storage, h.now, |_| false).unwrap();
    assert_eq!(
        (restored.stopped, restored.queued),
        (1, 2),
        "its start and its stop"
    );
}

#[test]
fn nothing_leaves_while_the_storage_fails_and_all_of_it_once_it_works() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.present_at(1, TAG);
    let a = h.expect_call("Authorize");
    h.cp.storage().set_failing(true);
    h.reply_ok(&a);
    h.expect_quiet();
    assert_eq!(
        h.events
            .iter()
            .filter(|e| matches!(e, Event::StorageFailed { .. }))
            .count(),
        1,
        "told once: {:?}",
        h.events
    );
    // The answer changed the transactions and the cache: the transactions
    // are written first, and are the record that failed.
    assert!(h.events.contains(&Event::StorageFailed {
        key: RecordKey::Transactions
    }));
    assert!(!h.events.iter().any(|e| matches!(e, Event::Energy { .. })));
    h.advance(30);
    h.expect_quiet();
    h.cp.storage().set_failing(false);
    h.drain();
    let start = h.expect_call("StartTransaction");
    h.reply_ok(&start);
    h.expect_status(1, "Charging");
    assert!(h.events.contains(&Event::Energy {
        connector: 1,
        on: true
    }));
}

#[test]
fn heartbeats_statuses_and_meter_readings_write_nothing() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let writes = h.cp.storage().writes();
    for minute in 0..20 {
        h.meter_wh(1, minute * 100);
        h.advance(60);
        if let Some(hb) = skip_statuses(&mut h) {
            assert_eq!(hb.action(), "Heartbeat", "{}", hb.raw);
            h.reply_ok(&hb);
        }
    }
    h.fault(1, Some(ocpp_model::ChargePointErrorCode::GroundFailure));
    h.fault(1, None);
    h.drain();
    while let Some(s) = skip_statuses(&mut h) {
        h.reply_ok(&s);
    }
    assert_eq!(h.cp.storage().writes(), writes);
}

/// TC_039 across a reboot: a transaction started online (transaction 42),
/// stopped offline, then the power goes before the connection is back: the
/// StopTransaction is delivered after the boot, with transaction 42.
#[test]
fn an_offline_stop_survives_a_reboot_with_its_transaction_id() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    charging(&mut h, 100);
    h.go_offline();
    h.meter_wh(1, 700);
    h.present_at(1, TAG);
    assert_eq!(h.cp.transaction(1), None);
    h.reboot();
    assert_eq!((h.restored.queued, h.restored.resumed), (1, 0));
    h.register();
    let stop = skip_statuses(&mut h).expect("the StopTransaction");
    assert_eq!(stop.action(), "StopTransaction", "{}", stop.raw);
    let p = stop.payload();
    assert_eq!(
        (&p["transactionId"], &p["meterStop"], &p["reason"]),
        (&json!(42), &json!(700), &json!("Local")),
        "{}",
        stop.raw
    );
    h.reply_ok(&stop);
    assert_eq!(skip_statuses(&mut h).map(|s| s.raw), None);
}

/// TC_037 across a reboot: a transaction started offline and still running
/// when the power goes; the EV is still there, so it resumes: its
/// StartTransaction goes out after the boot, and the stop carries the id
/// the central system gave.
#[test]
fn an_offline_start_resumes_after_a_reboot_and_gets_its_id() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    offline_transaction(&mut h, 50);
    h.reboot();
    assert_eq!((h.restored.queued, h.restored.resumed), (1, 1));
    h.register();
    let start = skip_statuses(&mut h).expect("the StartTransaction");
    assert_eq!(start.action(), "StartTransaction", "{}", start.raw);
    assert_eq!(start.payload()["meterStart"], 50, "{}", start.raw);
    h.reply(
        &start,
        json!({"transactionId": 9, "idTagInfo": {"status": "Accepted"}}),
    );
    assert_eq!(h.cp.transaction(1), Some(Some(9)));
    h.meter_wh(1, 80);
    h.unplug(1);
    let stop = skip_statuses(&mut h).expect("the StopTransaction");
    assert_eq!(
        (
            &stop.payload()["transactionId"],
            &stop.payload()["meterStop"]
        ),
        (&json!(9), &json!(80)),
        "{}",
        stop.raw
    );
}

/// The firmware's own keys: a value the central system set survives a
/// reboot, and wins over the default the firmware adds the key with again.
#[test]
fn a_firmware_key_set_by_the_central_system_survives_a_reboot() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    let rw = ocpp_engine::Access::ReadWrite;
    led_brightness_set_to_35_then_reboot(&mut h);
    // The charge point runs a little before the firmware adds its keys:
    // the stored value is still there for them.
    h.drain();
    h.cp.add_configuration_key("LedBrightness", "80", rw, percent)
        .unwrap();
    let mut value = String::new();
    assert!(h.cp.read_configuration("LedBrightness", &mut value));
    assert_eq!(value, "35");
    // A key the firmware adds read-only keeps the firmware's value.
    h.reboot();
    h.cp.add_configuration_key(
        "LedBrightness",
        "80",
        ocpp_engine::Access::ReadOnly,
        percent,
    )
    .unwrap();
    value.clear();
    assert!(h.cp.read_configuration("LedBrightness", &mut value));
    assert_eq!(value, "80");
}

/// StopTxnSampledData across a power cut: the readings taken at the start
/// are stored with the transaction and go into its PowerLoss stop.
#[test]
fn the_start_sample_of_stop_txn_sampled_data_survives_a_reboot() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "StopTxnSampledData", "Energy.Active.Import.Register")
        .unwrap();
    charging(&mut h, 1_234);
    h.resume = false;
    h.reboot();
    h.register();
    let stop = skip_statuses(&mut h).expect("the StopTransaction");
    assert_eq!(stop.action(), "StopTransaction", "{}", stop.raw);
    let data = &stop.payload()["transactionData"];
    let begin = &data[0]["sampledValue"][0];
    assert_eq!(
        (&begin["context"], &begin["value"]),
        (&json!("Transaction.Begin"), &json!("1234")),
        "{}",
        stop.raw
    );
}

/// Found by the `charge_point` fuzz target: a transaction whose
/// StartTransaction was given up (an orphan: it sends nothing) got a
/// periodic sample scheduled when it resumed after a power cut; the sample
/// was never taken, so `poll_timeout` stayed at `now` and the integrator's
/// loop would spin.
#[test]
fn an_orphan_transaction_resumed_after_a_power_cut_does_not_spin() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.meter_wh(1, 100);
    h.plug(1);
    h.present_at(1, "CARD-1");
    loop {
        let s = h.sent.pop_front().expect("a CALL");
        if s.action() == "StartTransaction" {
            break;
        }
        h.reply_ok(&s);
    }
    // Unanswered, retried, given up: the transaction is an orphan.
    h.advance(300);
    assert_eq!(h.cp.transaction(1), Some(None), "running, without an id");
    h.reboot();
    // `advance` asserts after every timeout that the next deadline lies after now.
    h.advance(61);
    h.advance(61);
}

/// The firmware adds its keys some turns of its loop after the restore:
/// transmits, events and timers change no record (the blocks they touch
/// are as they were), so the configuration record keeps the value the
/// central system set for a firmware key until the firmware adds it.
#[test]
fn a_firmware_key_added_a_few_turns_after_the_restore_gets_its_stored_value() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    let rw = ocpp_engine::Access::ReadWrite;
    led_brightness_set_to_35_then_reboot(&mut h);
    let writes = h.cp.storage().writes();
    for _ in 0..3 {
        h.drain();
        h.advance(5);
    }
    assert_eq!(h.cp.storage().writes(), writes, "nothing written");
    h.cp.add_configuration_key("LedBrightness", "80", rw, percent)
        .unwrap();
    let mut value = String::new();
    assert!(h.cp.read_configuration("LedBrightness", &mut value));
    assert_eq!(value, "35");
}

/// The firmware adds LedBrightness (80, a percentage), the central system
/// sets it to 35, and the charge point reboots: the firmware has not added
/// its keys again yet.
fn led_brightness_set_to_35_then_reboot(h: &mut Harness<'_>) {
    let rw = ocpp_engine::Access::ReadWrite;
    h.cp.add_configuration_key("LedBrightness", "80", rw, percent)
        .unwrap();
    h.boot();
    let id = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "LedBrightness", "value": "35"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    h.reboot();
}

/// A firmware update that takes a connector away: the records of the
/// two-connector build are restored into a one-connector build. The
/// transaction of connector 2 is stopped with PowerLoss (the firmware is
/// not asked to resume a connector it no longer has), its queued
/// MeterValues and StopTransaction are delivered, and connector 1 keeps
/// its availability: neither record is dropped, nothing is lost.
#[test]
fn a_build_with_fewer_connectors_stops_the_transactions_of_those_it_lost() {
    let pool = pool();
    let mut h = Harness::with_config(&pool, &config().with_connectors(2));
    h.cp.configure(h.now, "MeterValueSampleInterval", "60")
        .unwrap();
    charging_on(&mut h, 2, 1_000);
    h.receive(r#"[2,"c1","ChangeAvailability",{"connectorId":1,"type":"Inoperative"}]"#)
        .unwrap();
    h.expect_result("c1", json!({"status": "Accepted"}));
    h.expect_status(1, "Unavailable");
    h.receive(r#"[2,"c2","ChangeAvailability",{"connectorId":2,"type":"Inoperative"}]"#)
        .unwrap();
    h.expect_result("c2", json!({"status": "Scheduled"}));
    h.go_offline();
    h.meter_wh(2, 1_500);
    h.advance(60);
    h.config = config(); // one connector
    h.resume = true;
    h.reboot();
    assert_eq!(h.restored.dropped(RecordKey::Transactions), None);
    assert_eq!(h.restored.dropped(RecordKey::Availability), None);
    assert_eq!((h.restored.resumed, h.restored.stopped), (0, 1));
    h.register();
    let mv = h.expect_call("MeterValues");
    assert_eq!(
        (&mv.payload()["connectorId"], &mv.payload()["transactionId"]),
        (&json!(2), &json!(42)),
        "{}",
        mv.raw
    );
    h.reply_ok(&mv);
    let stop = h.expect_call("StopTransaction");
    let p = stop.payload();
    assert_eq!(
        (&p["transactionId"], &p["meterStop"], &p["reason"]),
        (&json!(42), &json!(1_500), &json!("PowerLoss")),
        "{}",
        stop.raw
    );
    h.reply_ok(&stop);
    h.expect_status(0, "Available");
    h.expect_status(1, "Unavailable");
    h.expect_quiet();
}

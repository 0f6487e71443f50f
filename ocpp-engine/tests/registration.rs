//! Registration, heartbeat and connector status (OCPP 1.6 §4.2, §4.6, §4.9).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::{BootState, Event};
use ocpp_model::{ChargePointErrorCode as Ec, ChargePointStatus as St, RegistrationStatus};
use serde_json::json;
use support::{pool, Harness};

#[test]
fn boot_notification_first_and_nothing_else_until_accepted() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.drain();
    h.expect_quiet(); // offline: nothing
    h.cp.authorize(h.now, "EXPIRES").unwrap();
    h.cp.plug_in(h.now, 1).unwrap();
    assert!(!h.cp.is_online());
    h.connect();
    assert!(h.cp.is_online());
    let boot = h.expect_call("BootNotification");
    assert_eq!(
        boot.payload(),
        &json!({"chargePointVendor": "VendorX", "chargePointModel": "ModelY"})
    );
    h.expect_quiet();
    h.advance(10);
    h.expect_quiet(); // still waiting for the answer: one CALL at a time
    h.reply(
        &boot,
        json!({"status": "Pending", "currentTime": "2026-11-25T10:00:00Z", "interval": 20}),
    );
    assert_eq!(
        h.events.pop_front(),
        Some(Event::Registered(RegistrationStatus::Pending))
    );
    h.advance(19);
    h.expect_quiet(); // Pending: nothing but BootNotification, and only after the interval
    h.advance(1);
    // The request made offline could not be sent within the call timeout
    // (30 s): the firmware hears so, rather than waiting for ever.
    match h.events.pop_front() {
        Some(Event::AuthorizeFailed { id_tag, reason }) => {
            assert_eq!(
                (id_tag.as_str(), reason),
                ("EXPIRES", ocpp_engine::CallFailure::Timeout)
            );
        }
        other => panic!("expected AuthorizeFailed, got {other:?}"),
    }
    h.cp.authorize(h.now, "ABCD1234").unwrap();
    let boot = h.expect_call("BootNotification");
    h.reply_ok(&boot);
    assert_eq!(h.cp.boot_state(), BootState::Accepted);
    // Accepted: statuses of connector 0 and 1, then the authorization.
    let s0 = h.expect_call("StatusNotification");
    assert_eq!(s0.payload()["connectorId"], 0);
    h.reply_ok(&s0);
    let s1 = h.expect_call("StatusNotification");
    assert_eq!(s1.payload()["connectorId"], 1);
    assert_eq!(s1.payload()["status"], "Preparing");
    h.reply_ok(&s1);
    let a = h.expect_call("Authorize");
    assert_eq!(a.payload()["idTag"], "ABCD1234");
}

#[test]
fn rejected_registration_retries_after_its_interval_and_still_answers_calls() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.connect();
    let boot = h.expect_call("BootNotification");
    h.reply(
        &boot,
        json!({"status": "Rejected", "currentTime": "2026-11-25T10:00:00Z", "interval": 60}),
    );
    assert_eq!(
        h.events.pop_front(),
        Some(Event::Registered(RegistrationStatus::Rejected))
    );
    assert_eq!(
        h.cp.poll_timeout(),
        Some(h.now + ocpp_engine::Duration::from_secs(60))
    );
    // While Rejected, the central system's CALLs are not answered (1.6 §4.2).
    assert_eq!(
        h.receive(r#"[2,"cs-1","Reset",{"type":"Soft"}]"#),
        Err(ocpp_engine::HandleError::NotRegistered)
    );
    h.expect_quiet();
    h.advance(59);
    h.expect_quiet();
    h.advance(1);
    let boot = h.expect_call("BootNotification");
    h.reply(
        &boot,
        json!({"status": "Pending", "currentTime": "2026-11-25T10:00:00Z", "interval": 60}),
    );
    h.events.clear();
    // While Pending, they are.
    h.receive(r#"[2,"cs-2","ReserveNow",{}]"#).unwrap();
    h.expect_call_error("cs-2", "NotSupported");
}

#[test]
fn registration_sets_the_wall_clock_and_heartbeat_interval() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    assert_eq!(h.cp.wall_clock(h.now), None);
    h.boot();
    let wall = h.cp.wall_clock(h.now).unwrap();
    assert_eq!(
        wall,
        ocpp_model::DateTime::parse("2026-11-25T10:00:00Z").unwrap()
    );
    // The integrator's loop sleeps until the Heartbeat is due.
    assert_eq!(
        h.cp.poll_timeout(),
        Some(h.now + ocpp_engine::Duration::from_secs(300))
    );
    h.advance(299);
    h.expect_quiet();
    h.advance(1);
    let hb = h.expect_call("Heartbeat");
    assert_eq!(hb.payload(), &json!({}));
    h.reply(&hb, json!({"currentTime": "2026-11-25T11:00:00Z"}));
    assert_eq!(
        h.cp.wall_clock(h.now),
        ocpp_model::DateTime::parse("2026-11-25T11:00:00Z").ok()
    );
    h.advance(300);
    h.expect_call("Heartbeat");
}

#[test]
fn every_status_change_is_reported_with_its_error_code_and_time() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.advance(5);
    let expect = |h: &mut Harness, name: &str| {
        let s = h.expect_call("StatusNotification");
        assert_eq!(s.payload()["status"], name, "{}", s.raw);
        assert_eq!(s.payload()["errorCode"], "NoError");
        assert_eq!(s.payload()["timestamp"], "2026-11-25T10:00:05Z");
        h.reply_ok(&s);
    };
    h.plug(1);
    expect(&mut h, "Preparing");
    h.present_at(1, "ABCD1234");
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    let start = h.expect_call("StartTransaction");
    h.reply_ok(&start);
    expect(&mut h, "Charging");
    h.cp.set_ev_suspended(h.now, 1, true).unwrap();
    h.drain();
    expect(&mut h, "SuspendedEV");
    h.cp.set_ev_suspended(h.now, 1, false).unwrap();
    h.drain();
    expect(&mut h, "Charging");
    h.present_at(1, "ABCD1234");
    let stop = h.expect_call("StopTransaction");
    h.reply_ok(&stop);
    expect(&mut h, "Finishing");
    h.unplug(1);
    expect(&mut h, "Available");
    h.cp.set_fault(h.now, 1, Some(Ec::GroundFailure)).unwrap();
    h.fault(0, Some(Ec::InternalError));
    let s = h.expect_call("StatusNotification");
    assert_eq!(
        (
            s.payload()["connectorId"].clone(),
            s.payload()["status"].clone(),
            s.payload()["errorCode"].clone()
        ),
        (json!(0), json!("Faulted"), json!("InternalError"))
    );
    h.reply_ok(&s);
    let s = h.expect_call("StatusNotification");
    assert_eq!(
        (
            s.payload()["status"].clone(),
            s.payload()["errorCode"].clone()
        ),
        (json!("Faulted"), json!("GroundFailure"))
    );
    h.reply_ok(&s);
    // The same fault again reports nothing; NoError is no fault.
    h.fault(1, Some(Ec::GroundFailure));
    h.expect_quiet();
    assert_eq!(
        h.cp.set_fault(h.now, 1, Some(Ec::NoError)),
        Err(ocpp_engine::InputError::InvalidStatus)
    );
    assert_eq!(h.cp.status(1), Some((St::Faulted, Ec::GroundFailure)));
}

#[test]
fn a_change_while_its_notification_is_out_is_reported_next() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.plug(1);
    let s = h.expect_call("StatusNotification");
    h.cp.set_fault(h.now, 1, Some(Ec::OverVoltage)).unwrap();
    h.reply_ok(&s);
    let s = h.expect_call("StatusNotification");
    assert_eq!(s.payload()["status"], "Faulted");
}

#[test]
fn bad_hardware_inputs_are_refused_without_effect() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    let before = h.snapshot();
    use ocpp_engine::InputError;
    let refused = h.cp.plug_in(h.now, 2);
    assert_eq!(refused, Err(InputError::NoSuchConnector));
    // What an integrator's log says.
    assert_eq!(
        refused.unwrap_err().to_string(),
        "no connector with this id"
    );
    assert_eq!(h.cp.plug_in(h.now, 0), Err(InputError::NoSuchConnector));
    assert_eq!(
        h.cp.set_fault(h.now, 2, Some(Ec::GroundFailure)),
        Err(InputError::NoSuchConnector)
    );
    assert_eq!(
        h.cp.present_id_tag(h.now, 1, "ABCDEFGHIJKLMNOPQRSTU"),
        Err(InputError::InvalidIdTag)
    );
    assert_eq!(
        h.cp.stop_transaction(h.now, 1, ocpp_model::Reason::Local),
        Err(InputError::NoTransaction)
    );
    assert_eq!(h.cp.authorize(h.now, ""), Err(InputError::InvalidIdTag));
    assert_eq!(
        h.cp.authorize(h.now, "ABCDEFGHIJKLMNOPQRSTU"),
        Err(InputError::InvalidIdTag)
    );
    assert_eq!(
        h.cp.authorize(h.now, "caf\u{e9}"),
        Err(InputError::InvalidIdTag)
    );
    assert_eq!(h.snapshot(), before);
}

/// An idTag presented at connector 1, and a RemoteStartTransaction for
/// it, are both refused: nothing is asked and no transaction begins.
#[track_caller]
fn connector_1_takes_no_transaction(h: &mut Harness) {
    assert_eq!(
        h.cp.present_id_tag(h.now, 1, "TAG1"),
        Err(ocpp_engine::InputError::Unavailable)
    );
    let id = h.cs_call(
        "RemoteStartTransaction",
        json!({"connectorId": 1, "idTag": "TAG1"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Rejected"}));
    h.drain();
    h.expect_quiet();
    assert_eq!(h.cp.transaction(1), None);
}

/// A connector made Inoperative by ChangeAvailability, or Operative but
/// faulted, takes no idTag and no remote start; Operative and without a
/// fault, it takes them again.
#[test]
fn an_inoperative_or_faulted_connector_takes_no_transaction() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let id = h.cs_call(
        "ChangeAvailability",
        json!({"connectorId": 1, "type": "Inoperative"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    h.expect_status(1, "Unavailable");
    connector_1_takes_no_transaction(&mut h);
    let id = h.cs_call(
        "ChangeAvailability",
        json!({"connectorId": 1, "type": "Operative"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    h.expect_status(1, "Available");
    h.fault(1, Some(Ec::GroundFailure));
    h.expect_status(1, "Faulted");
    connector_1_takes_no_transaction(&mut h);
    h.fault(1, None);
    h.expect_status(1, "Available");
    h.present_at(1, "TAG1");
    let a = h.expect_call("Authorize");
    assert_eq!(a.payload()["idTag"], "TAG1");
}

#[test]
fn config_is_validated_and_nothing_leaks_on_refusal() {
    let pool = pool();
    use ocpp_engine::{ChargePoint, Config, NewError};
    let bad = Config::new("", "M");
    assert!(matches!(
        ChargePoint::new(&bad, &*pool),
        Err(NewError::InvalidConfig(_))
    ));
    let bad = Config::new("V", "M").with_connectors(0);
    assert!(matches!(
        ChargePoint::new(&bad, &*pool),
        Err(NewError::InvalidConfig(_))
    ));
    for readings in [0, 9] {
        let bad = Config::new("V", "M").with_max_readings(readings);
        assert!(matches!(
            ChargePoint::new(&bad, &*pool),
            Err(NewError::InvalidConfig("max_readings: 1 to 8"))
        ));
    }
    let bad = Config::new("V", "ModelNameLongerThanTwenty");
    let refused = ChargePoint::new(&bad, &*pool).unwrap_err();
    assert!(matches!(refused, NewError::InvalidConfig(_)));
    // What an integrator's log says: the fault and where it is.
    let said = refused.to_string();
    assert!(said.starts_with("invalid configuration: "), "{said}");
    assert!(said.len() > "invalid configuration: ".len(), "{said}");
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn a_change_that_comes_and_goes_while_its_notification_is_out_is_reported() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.plug(1);
    let s = h.expect_call("StatusNotification");
    // A brief fault, over before the first notification is answered.
    h.cp.set_fault(h.now, 1, Some(Ec::GroundFailure)).unwrap();
    h.cp.set_fault(h.now, 1, None).unwrap();
    h.reply_ok(&s);
    let again = h.expect_call("StatusNotification");
    assert_eq!(again.payload()["status"], "Preparing");
    h.reply_ok(&again);
    h.expect_quiet();
}

#[test]
fn connected_twice_counts_as_a_new_connection() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.present("TAG1");
    h.expect_call("Authorize");
    assert_eq!(h.cp.handle_frame(h.now, br#"[2,"cs1","Nope",{}]"#), Ok(()));
    h.cp.connected(h.now); // no disconnected() before it
    h.drain();
    assert!(h.cp.is_online());
    assert!(matches!(
        h.events.pop_front(),
        Some(Event::AuthorizeFailed { .. })
    ));
    // The answer to the old connection's CALL is void; registration first.
    h.expect_call("BootNotification");
    h.expect_quiet();
    h.go_offline();
    assert!(!h.cp.is_online());
    assert_eq!(h.cp.boot_state(), BootState::Due);
}

#[test]
fn a_failed_boot_notification_is_retried_after_the_retry_interval() {
    let pool = pool();
    let config = support::config().with_retry_interval(ocpp_engine::Duration::from_secs(45));
    let mut h = Harness::with_config(&pool, &config);
    h.connect();
    let retry_at = |h: &Harness| BootState::RetryAt(h.now + ocpp_engine::Duration::from_secs(45));
    // A CALLERROR.
    let boot = h.expect_call("BootNotification");
    h.receive(&json!([4, boot.id(), "InternalError", "busy", {}]).to_string())
        .unwrap();
    assert_eq!(h.cp.boot_state(), retry_at(&h));
    assert_eq!(
        h.cp.poll_timeout(),
        Some(h.now + ocpp_engine::Duration::from_secs(45))
    );
    h.advance(44);
    h.expect_quiet();
    h.advance(1);
    // No answer within the call timeout (30 s).
    h.expect_call("BootNotification");
    h.advance(30);
    h.expect_quiet();
    assert_eq!(h.cp.boot_state(), retry_at(&h));
    h.advance(45);
    // An answer that is not a BootNotification.conf.
    let boot = h.expect_call("BootNotification");
    h.reply(&boot, json!({"status": "Maybe"}));
    assert_eq!(h.cp.boot_state(), retry_at(&h));
    h.expect_quiet();
    assert!(h.events.is_empty(), "{:?}", h.events);
    h.advance(45);
    let boot = h.expect_call("BootNotification");
    h.reply_ok(&boot);
    assert_eq!(h.cp.boot_state(), BootState::Accepted);
}

#[test]
fn a_pending_answer_with_interval_zero_retries_after_the_retry_interval() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.connect();
    let boot = h.expect_call("BootNotification");
    h.reply(
        &boot,
        json!({"status": "Pending", "currentTime": "2026-11-25T10:00:00Z", "interval": 0}),
    );
    h.expect_event(Event::Registered(RegistrationStatus::Pending));
    // Not at once (the loop would spin): after the configured 30 s.
    assert_eq!(
        h.cp.boot_state(),
        BootState::RetryAt(h.now + ocpp_engine::Duration::from_secs(30))
    );
    h.advance(29);
    h.expect_quiet();
    h.advance(1);
    h.expect_call("BootNotification");
}

#[test]
fn boot_notification_carries_the_configured_serial_number_and_firmware_version() {
    let pool = pool();
    let config = support::config()
        .with_serial_number("SN-0042")
        .with_firmware_version("1.2.3");
    let mut h = Harness::with_config(&pool, &config);
    h.connect();
    let boot = h.expect_call("BootNotification");
    assert_eq!(
        boot.payload(),
        &json!({
            "chargePointVendor": "VendorX",
            "chargePointModel": "ModelY",
            "chargePointSerialNumber": "SN-0042",
            "firmwareVersion": "1.2.3",
        })
    );
    let config = support::config().with_firmware_version("1.2.3");
    let mut h = Harness::with_config(&pool, &config);
    h.connect();
    let boot = h.expect_call("BootNotification");
    assert_eq!(
        boot.payload(),
        &json!({"chargePointVendor": "VendorX", "chargePointModel": "ModelY", "firmwareVersion": "1.2.3"})
    );
}

#[test]
fn a_pool_too_small_for_the_charge_point_is_out_of_memory_not_a_bad_config() {
    use ocpp_alloc::{FailureInjector, FailurePlan};
    use ocpp_engine::{ChargePoint, NewError};
    let pool = pool();
    let injector = FailureInjector::new(&*pool);
    let config = support::config()
        .with_serial_number("SN-0042")
        .with_firmware_version("1.2.3");
    // Refuse the first, second, ... allocation of the build until none is
    // left to refuse: each refusal is OutOfMemory, and leaves nothing.
    let mut refused = 0;
    for k in 1..=64 {
        injector.set_plan(FailurePlan::Nth(k));
        match ChargePoint::new(&config, &injector) {
            Ok(_) => break,
            Err(e) => assert!(matches!(e, NewError::OutOfMemory), "k={k}: {e:?}"),
        }
        refused += 1;
        assert_eq!(pool.stats().in_use, 0, "k={k}: leaked");
    }
    // Four blocks: the identity (vendor, model, serial number and firmware
    // version in one), the sessions, the connectors and the charge point
    // itself.
    assert_eq!(refused, 4, "allocations of ChargePoint::new");
}

#[test]
fn the_debug_view_shows_the_state_of_every_block() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.plug(1);
    h.expect_status(1, "Preparing");
    // What an integrator's `{:?}` log of the charge point shows: the
    // connectors' statuses and the configuration too, not only the frame.
    let view = format!("{:?}", h.cp);
    assert!(view.contains("Preparing"), "{view}");
    assert!(view.contains("connectors: Connectors"), "{view}");
    assert!(view.contains("config: Configuration"), "{view}");
}

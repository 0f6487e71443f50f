//! The RPC rules (OCPP-J §4): one outstanding CALL, timeouts, CALLERRORs,
//! malformed and unknown CALLs, and Authorize.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::{CallFailure, Event, HandleError, InputError};
use ocpp_model::{AuthorizationStatus, ChargePointErrorCode as Ec, ErrorCode, FrameErrorKind};
use serde_json::json;
use support::{pool, Harness};

#[test]
fn authorize_result_reaches_the_firmware() {
    let pool = pool();
    // No cache: what is left after the answer would be its entry.
    let mut h = Harness::with_config(&pool, &support::config().with_max_cache_entries(0));
    h.boot();
    let idle = pool.stats().in_use;
    h.present("ABCD1234");
    let call = h.expect_call("Authorize");
    assert_eq!(call.payload(), &json!({"idTag": "ABCD1234"}));
    h.reply(
        &call,
        json!({"idTagInfo": {"status": "Blocked", "parentIdTag": "PARENT1"}}),
    );
    match h.events.pop_front() {
        Some(Event::Authorized { id_tag, info }) => {
            assert_eq!(id_tag.as_str(), "ABCD1234");
            assert_eq!(info.status, AuthorizationStatus::Blocked);
            assert_eq!(
                info.parent_id_tag.as_ref().map(|t| t.as_str()),
                Some("PARENT1")
            );
        }
        other => panic!("expected Authorized, got {other:?}"),
    }
    h.events.clear();
    assert_eq!(
        pool.stats().in_use,
        idle,
        "the answered request left nothing behind"
    );
}

#[test]
fn one_call_at_a_time_in_order() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.cp.authorize(h.now, "TAG1").unwrap();
    h.cp.authorize(h.now, "TAG2").unwrap();
    h.plug(1);
    let first = h.expect_call("StatusNotification");
    h.expect_quiet();
    h.reply_ok(&first);
    let a1 = h.expect_call("Authorize");
    assert_eq!(a1.payload()["idTag"], "TAG1");
    h.expect_quiet();
    h.reply_ok(&a1);
    let a2 = h.expect_call("Authorize");
    assert_eq!(a2.payload()["idTag"], "TAG2");
    assert_ne!(a1.id(), a2.id(), "message ids are unique");
}

#[test]
fn a_call_without_answer_times_out_and_the_next_one_goes() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.cp.authorize(h.now, "TAG1").unwrap();
    h.present("TAG2");
    let a1 = h.expect_call("Authorize");
    h.advance(29);
    assert!(h.events.is_empty());
    h.expect_quiet(); // one CALL at a time
    h.advance(1);
    assert!(matches!(
        h.events.pop_front(),
        Some(Event::AuthorizeFailed {
            reason: CallFailure::Timeout,
            ..
        })
    ));
    // The next request is not held up by the failed one.
    let a2 = h.expect_call("Authorize");
    assert_eq!(a2.payload()["idTag"], "TAG2");
    // A late answer to the timed-out CALL is not applied.
    let late = json!([3, a1.id(), {"idTagInfo": {"status": "Accepted"}}]).to_string();
    assert_eq!(h.receive(&late), Err(HandleError::Unsolicited));
    assert!(h.events.is_empty());
}

#[test]
fn a_callerror_fails_our_call() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.present("TAG1");
    let a = h.expect_call("Authorize");
    let err = json!([4, a.id(), "OccurrenceConstraintViolation", "bad", {}]).to_string();
    h.receive(&err).unwrap();
    match h.events.pop_front() {
        Some(Event::AuthorizeFailed { id_tag, reason }) => {
            assert_eq!(id_tag.as_str(), "TAG1");
            assert_eq!(
                reason,
                CallFailure::CallError(ErrorCode::OccurenceConstraintViolation)
            );
        }
        other => panic!("expected AuthorizeFailed, got {other:?}"),
    };
}

#[test]
fn a_malformed_answer_fails_the_call_with_its_verdict() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.present("TAG1");
    let a = h.expect_call("Authorize");
    h.reply(&a, json!({"idTagInfo": {"status": "Maybe"}}));
    assert!(matches!(
        h.events.pop_front(),
        Some(Event::AuthorizeFailed {
            reason: CallFailure::BadAnswer(ErrorCode::PropertyConstraintViolation),
            ..
        })
    ));
}

#[test]
fn disconnect_fails_pending_authorizations_and_reconnect_registers_again() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.present("TAG1");
    h.expect_call("Authorize");
    // Queued behind the one sent: it fails at once too, without waiting
    // for its deadline.
    h.present("TAG2");
    h.cp.disconnected(h.now);
    h.drain();
    for tag in ["TAG1", "TAG2"] {
        match h.events.pop_front() {
            Some(Event::AuthorizeFailed {
                id_tag,
                reason: CallFailure::Offline,
            }) => assert_eq!(id_tag.as_str(), tag),
            other => panic!("expected {tag} to fail Offline, got {other:?}"),
        }
    }
    assert_eq!(h.cp.poll_timeout(), None);
    h.boot(); // BootNotification first again, then every status
}

#[test]
fn incoming_calls_get_the_right_callerror() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.receive(r#"[2,"m1","FlyToTheMoon",{}]"#).unwrap();
    h.expect_call_error("m1", "NotImplemented");
    h.receive(r#"[2,"m2","ReserveNow",{}]"#).unwrap();
    h.expect_call_error("m2", "NotSupported");
    h.receive(r#"[2,"m3","Reset"]"#).unwrap();
    h.expect_call_error("m3", "FormationViolation");
    h.receive(r#"[2,"m4","Reset",[]]"#).unwrap();
    h.expect_call_error("m4", "FormationViolation");
    // Not answerable: ignored, and said so.
    assert!(matches!(
        h.receive("not json"),
        Err(HandleError::Ignored(FrameErrorKind::NotJson))
    ));
    assert!(matches!(
        h.receive(r#"[7,"m5",{}]"#),
        Err(HandleError::Ignored(_))
    ));
    h.expect_quiet();
}

#[test]
fn a_full_answer_queue_refuses_the_frame_until_transmitted() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    for id in ["a", "b"] {
        let frame = format!(r#"[2,"{id}","Nope",{{}}]"#);
        assert_eq!(h.cp.handle_frame(h.now, frame.as_bytes()), Ok(()));
    }
    let before = h.snapshot();
    assert_eq!(
        h.cp.handle_frame(h.now, br#"[2,"c","Nope",{}]"#),
        Err(HandleError::Busy)
    );
    assert_eq!(h.snapshot(), before);
    h.drain();
    h.expect_call_error("a", "NotImplemented");
    h.expect_call_error("b", "NotImplemented");
    assert_eq!(h.receive(r#"[2,"c","Nope",{}]"#), Ok(()));
    h.expect_call_error("c", "NotImplemented");
}

#[test]
fn authorize_queue_is_bounded_and_gives_the_request_back() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    for i in 0..4 {
        h.cp.authorize(h.now, &format!("TAG{i}")).unwrap();
    }
    let (before, in_use) = (h.snapshot(), pool.stats().in_use);
    assert_eq!(h.cp.authorize(h.now, "TAG4"), Err(InputError::QueueFull));
    // Refused: nothing queued, nothing allocated; the four go out in order.
    assert_eq!(h.snapshot(), before);
    assert_eq!(pool.stats().in_use, in_use);
    h.connect();
    let boot = h.expect_call("BootNotification");
    h.reply_ok(&boot);
    for _ in 0..2 {
        let s = h.expect_call("StatusNotification");
        h.reply_ok(&s);
    }
    for i in 0..4 {
        let a = h.expect_call("Authorize");
        assert_eq!(a.payload()["idTag"], format!("TAG{i}"));
        h.reply_ok(&a);
    }
    h.expect_quiet();
}

#[test]
fn a_small_transmit_buffer_keeps_the_frame_queued() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.connected(h.now);
    let mut small = [0u8; 16];
    assert_eq!(
        h.cp.poll_transmit(h.now, &mut small),
        Err(ocpp_model::EncodeError::BufferFull)
    );
    h.drain();
    h.expect_call("BootNotification");
}

#[test]
fn a_status_notification_the_central_system_refuses_does_not_starve_the_rest() {
    let pool = pool();
    let mut h = Harness::new(&pool); // retry 30 s, 3 attempts per status
    h.boot();
    h.cp.set_fault(h.now, 0, Some(Ec::PowerMeterFailure))
        .unwrap();
    h.present("TAG1");
    let refuse = |h: &mut Harness, s: &support::Sent| {
        let frame = json!([
            4,
            s.id(),
            "PropertyConstraintViolation",
            "unknown connector",
            {}
        ]);
        h.receive(&frame.to_string()).unwrap();
    };
    let s = h.expect_call("StatusNotification");
    refuse(&mut h, &s);
    // The refused status waits for its retry; the Authorize goes meanwhile.
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    h.expect_quiet();
    assert_eq!(
        h.cp.poll_timeout(),
        Some(h.now + ocpp_engine::Duration::from_secs(30))
    );
    h.advance(30);
    let s = h.expect_call("StatusNotification");
    refuse(&mut h, &s);
    h.advance(30);
    let s = h.expect_call("StatusNotification");
    refuse(&mut h, &s);
    // Third refusal: dropped. Only the heartbeat remains, at its interval.
    h.advance(200);
    h.expect_quiet();
    h.advance(40);
    let hb = h.expect_call("Heartbeat");
    // A later change of the same connector is reported as usual.
    h.fault(0, None);
    h.expect_quiet(); // the heartbeat is outstanding
    h.reply_ok(&hb);
    let s = h.expect_call("StatusNotification");
    assert_eq!(s.payload()["status"], "Available");
}

#[test]
fn zero_timeouts_are_refused_at_build() {
    use ocpp_engine::{ChargePoint, Config, Duration, NewError};
    let pool = pool();
    for config in [
        Config::new("V", "M").with_call_timeout(Duration::ZERO),
        Config::new("V", "M").with_retry_interval(Duration::ZERO),
        Config::new("V", "M").with_status_attempts(0),
    ] {
        assert!(matches!(
            ChargePoint::new(&config, &*pool),
            Err(NewError::InvalidConfig(_))
        ));
    }
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn a_request_of_the_firmware_times_out_while_registration_is_pending() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.connect();
    let boot = h.expect_call("BootNotification");
    h.reply(
        &boot,
        json!({"status": "Pending", "currentTime": "2026-11-25T10:00:00Z", "interval": 60}),
    );
    h.present("TAG1");
    // Pending: the Authorize cannot go out; the firmware must hear of it
    // after the call timeout (30 s), before the next BootNotification (60 s),
    // so that is when the integrator's loop must wake.
    assert_eq!(
        h.cp.poll_timeout(),
        Some(h.now + ocpp_engine::Duration::from_secs(30))
    );
    h.advance(30);
    assert!(matches!(
        h.events.pop_back(),
        Some(Event::AuthorizeFailed {
            reason: CallFailure::Timeout,
            ..
        })
    ));
}

#[test]
fn a_request_of_the_firmware_queued_behind_our_calls_waits_without_spinning() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.plug(1);
    let preparing = h.expect_call("StatusNotification");
    h.present("TAG1");
    h.advance(20);
    h.fault(1, Some(Ec::GroundFailure));
    h.reply_ok(&preparing);
    // Registered: the Authorize waits its turn behind the StatusNotifications
    // past its own call timeout (30 s), which is then no deadline
    // (Harness::advance checks that the loop never spins).
    let faulted = h.expect_call("StatusNotification");
    assert_eq!(faulted.payload()["status"], "Faulted");
    h.advance(15);
    h.expect_quiet();
    h.reply_ok(&faulted);
    let a = h.expect_call("Authorize");
    assert_eq!(a.payload()["idTag"], "TAG1");
}

#[test]
fn a_failing_storage_holds_the_heartbeat_without_spinning() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.present_at(1, "ABCD1234");
    let a = h.expect_call("Authorize");
    // The answer starts a transaction, whose record cannot be written.
    h.cp.storage().set_failing(true);
    h.reply_ok(&a);
    assert!(h
        .events
        .iter()
        .any(|e| matches!(e, Event::StorageFailed { .. })));
    // Nothing can go out while the storage fails: the Heartbeat due at
    // 300 s is no deadline then (Harness::advance checks that the loop
    // never spins).
    h.advance(400);
    h.expect_quiet();
    h.cp.storage().set_failing(false);
    h.drain();
    let start = h.expect_call("StartTransaction");
    h.reply_ok(&start);
    h.expect_status(1, "Charging");
    let hb = h.expect_call("Heartbeat");
    h.reply_ok(&hb);
}

//! DataTransfer through a vendor the firmware registered, actions the core
//! does not implement handled by the firmware, and the firmware's own CALLs
//! (OCPP 1.6 §4.3, §5.5), under the same memory rules.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_alloc::{FailureInjector, FailurePlan};
use ocpp_engine::{CallFailure, ChargePoint, Event, HandleError, InputError, Instant};
use serde_json::json;
use support::{pool, Harness};

#[test]
fn a_data_transfer_of_a_registered_vendor_is_answered_by_the_firmware() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.register_vendor("com.acme").unwrap();
    h.boot();
    let idle = pool.stats().in_use;
    h.receive(r#"[2,"d1","DataTransfer",{"vendorId":"com.other","data":"x"}]"#)
        .unwrap();
    h.expect_result("d1", json!({"status": "UnknownVendorId"}));
    h.receive(r#"[2,"d2","DataTransfer",{"vendorId":"com.acme","messageId":"ping","data":"42"}]"#)
        .unwrap();
    h.expect_quiet(); // the answer waits for the firmware
    h.expect_event(Event::IncomingCall {
        action: "DataTransfer",
    });
    let (action, payload) = h.cp.incoming_call().unwrap();
    assert_eq!(action, "DataTransfer");
    let payload: serde_json::Value = serde_json::from_str(payload).unwrap();
    assert_eq!(payload["data"], "42");
    // One at a time: a second one waits until this one is answered.
    assert_eq!(
        h.receive(r#"[2,"d3","DataTransfer",{"vendorId":"com.acme"}]"#),
        Err(HandleError::Busy)
    );
    // Not a DataTransfer.conf: refused, nothing changes.
    assert_eq!(
        h.cp.answer_incoming(h.now, r#"{"status":"Fine"}"#),
        Err(InputError::InvalidValue)
    );
    h.cp.answer_incoming(h.now, r#"{"status":"Accepted","data":"pong"}"#)
        .unwrap();
    h.drain();
    h.expect_result("d2", json!({"status": "Accepted", "data": "pong"}));
    assert_eq!(
        pool.stats().in_use,
        idle,
        "request and answer freed once sent"
    );
    assert_eq!(
        h.cp.answer_incoming(h.now, r#"{"status":"Accepted"}"#),
        Err(InputError::NoCall)
    );
}

#[test]
fn a_registered_action_reaches_the_firmware_and_others_are_not_implemented() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    assert_eq!(h.cp.register_action("Reset"), Err(InputError::InvalidValue));
    h.cp.register_action("SetDisplayMessage").unwrap();
    h.boot();
    h.receive(r#"[2,"c1","Frobnicate",{}]"#).unwrap();
    h.expect_call_error("c1", "NotImplemented");
    h.receive(r#"[2,"c2","SetDisplayMessage",{"text":"Hello"}]"#)
        .unwrap();
    h.expect_event(Event::IncomingCall {
        action: "SetDisplayMessage",
    });
    assert_eq!(
        h.cp.incoming_call(),
        Some(("SetDisplayMessage", r#"{"text":"Hello"}"#))
    );
    assert_eq!(
        h.cp.answer_incoming(h.now, "[1]"),
        Err(InputError::InvalidValue)
    );
    h.cp.answer_incoming(h.now, r#"{"status":"Accepted"}"#)
        .unwrap();
    h.drain();
    h.expect_result("c2", json!({"status": "Accepted"}));
}

#[test]
fn the_firmwares_own_call_goes_out_and_its_answer_comes_back() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let idle = pool.stats().in_use;
    assert_eq!(
        h.cp.send_call(h.now, "DataTransfer", "not json"),
        Err(InputError::InvalidValue)
    );
    h.cp.send_call(
        h.now,
        "DataTransfer",
        r#"{"vendorId":"com.acme","data":"hi"}"#,
    )
    .unwrap();
    assert_eq!(
        h.cp.send_call(h.now, "DataTransfer", "{}"),
        Err(InputError::Busy)
    );
    h.drain();
    let call = h.expect_call("DataTransfer");
    assert_eq!(
        call.payload(),
        &json!({"vendorId": "com.acme", "data": "hi"})
    );
    h.reply(&call, json!({"status": "Accepted", "data": "ho"}));
    h.expect_event(Event::CallAnswered {
        action: "DataTransfer",
        ok: true,
    });
    let answer: serde_json::Value =
        serde_json::from_str(h.cp.call_answer().unwrap().unwrap()).unwrap();
    assert_eq!(answer["data"], "ho");
    h.cp.clear_call_answer();
    assert_eq!(h.cp.call_answer(), None);
    assert_eq!(pool.stats().in_use, idle, "the call and its answer freed");
    // A CALL of the firmware that the central system does not answer fails.
    h.cp.send_call(h.now, "Hello", r#"{}"#).unwrap();
    h.drain();
    h.expect_call("Hello");
    h.advance(30);
    h.expect_event(Event::CallAnswered {
        action: "Hello",
        ok: false,
    });
    assert_eq!(h.cp.call_answer(), Some(Err(CallFailure::Timeout)));
}

#[test]
fn the_firmware_answer_resolves_only_the_call_it_holds() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.register_action("SetDisplayMessage").unwrap();
    h.boot();
    // A central system that reuses the id of the CALL the firmware holds:
    // the second CALL keeps its own answer, whatever the firmware says.
    h.incoming
        .insert("c1".to_owned(), "SetDisplayMessage".to_owned());
    h.cp.handle_frame(h.now, br#"[2,"c1","SetDisplayMessage",{"text":"Hi"}]"#)
        .unwrap();
    h.cp.handle_frame(h.now, br#"[2,"c1","Frobnicate",{}]"#)
        .unwrap();
    h.cp.answer_incoming(h.now, r#"{"status":"Accepted"}"#)
        .unwrap();
    h.drain();
    h.expect_result("c1", json!({"status": "Accepted"}));
    h.expect_call_error("c1", "NotImplemented");
    h.expect_quiet();
}

#[test]
fn a_firmware_answer_too_large_to_send_becomes_a_callerror_and_frees_the_slot() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.register_vendor("com.acme").unwrap();
    h.boot();
    let idle = pool.stats().in_use;
    hold_ping(&mut h);
    let data = "x".repeat(400);
    h.cp.answer_incoming(
        h.now,
        &format!(r#"{{"status":"Accepted","data":"{data}"}}"#),
    )
    .unwrap();
    // The integrator's transmit buffer holds 300 bytes: the answer cannot
    // go, a CALLERROR goes instead, and nothing of the answer is kept.
    let mut buf = [0u8; 300];
    let n =
        h.cp.poll_transmit(h.now, &mut buf)
            .unwrap()
            .expect("a frame");
    let sent: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
    assert_eq!(
        sent,
        json!([
            4,
            "d1",
            "InternalError",
            "answer larger than this charge point can send",
            {}
        ])
    );
    assert_eq!(pool.stats().in_use, idle, "the answer's memory went back");
    // The firmware is free for the next one.
    h.receive(r#"[2,"d2","DataTransfer",{"vendorId":"com.acme","data":"ping"}]"#)
        .unwrap();
    h.expect_event(Event::IncomingCall {
        action: "DataTransfer",
    });
}

#[test]
fn names_the_firmware_registers_are_plain_distinct_and_at_most_eight_of_each_kind() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    // Written raw into frames: printable ASCII, no space, quote or backslash.
    for bad in [
        "",
        "com acme",
        "com\"acme",
        "com\\acme",
        "com\u{7f}",
        "café",
        "a\tb",
    ] {
        assert_eq!(
            h.cp.register_vendor(bad),
            Err(InputError::InvalidValue),
            "{bad:?}"
        );
        assert_eq!(
            h.cp.register_action(bad),
            Err(InputError::InvalidValue),
            "{bad:?}"
        );
    }
    h.cp.register_vendor("!~").unwrap();
    h.cp.register_vendor("com.acme").unwrap();
    assert_eq!(
        h.cp.register_vendor("com.acme"),
        Err(InputError::InvalidValue)
    );
    // A vendor and an action are counted apart: the same name is both.
    h.cp.register_action("com.acme").unwrap();
    assert_eq!(
        h.cp.register_action("com.acme"),
        Err(InputError::InvalidValue)
    );
    for vendor in ["v3", "v4", "v5", "v6", "v7", "v8"] {
        h.cp.register_vendor(vendor).unwrap();
    }
    assert_eq!(h.cp.register_vendor("v9"), Err(InputError::InvalidValue));
    for action in ["A2", "A3", "A4", "A5", "A6", "A7", "A8"] {
        h.cp.register_action(action).unwrap();
    }
    assert_eq!(h.cp.register_action("A9"), Err(InputError::InvalidValue));
    h.boot();
    // A vendor's name is no action of its own, and the other way round.
    h.receive(r#"[2,"c1","v8",{}]"#).unwrap();
    h.expect_call_error("c1", "NotImplemented");
    h.receive(r#"[2,"d1","DataTransfer",{"vendorId":"A8"}]"#)
        .unwrap();
    h.expect_result("d1", json!({"status": "UnknownVendorId"}));
    h.receive(r#"[2,"d2","DataTransfer",{"vendorId":"!~"}]"#)
        .unwrap();
    h.expect_event(Event::IncomingCall {
        action: "DataTransfer",
    });
}

#[test]
fn a_call_held_for_the_firmware_is_void_once_the_connection_drops() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.register_vendor("com.acme").unwrap();
    h.boot();
    let idle = pool.stats().in_use;
    hold_ping(&mut h);
    // Its id was of that connection: no answer can go, its memory goes back.
    h.go_offline();
    assert_eq!(h.cp.incoming_call(), None);
    assert_eq!(pool.stats().in_use, idle);
    assert_eq!(
        h.cp.answer_incoming(h.now, r#"{"status":"Accepted"}"#),
        Err(InputError::NoCall)
    );
    // The next connection's DataTransfer is not Busy.
    h.boot();
    h.receive(r#"[2,"d1","DataTransfer",{"vendorId":"com.acme","data":"again"}]"#)
        .unwrap();
    h.expect_event(Event::IncomingCall {
        action: "DataTransfer",
    });
    h.cp.answer_incoming(h.now, r#"{"status":"Rejected"}"#)
        .unwrap();
    h.drain();
    h.expect_result("d1", json!({"status": "Rejected"}));
}

/// A DataTransfer.conf the pool cannot decode is OutOfMemory (the firmware
/// may answer again), not InvalidValue, and the CALL still waits.
#[test]
fn a_firmware_answer_the_pool_cannot_check_is_out_of_memory() {
    let pool = pool();
    let injector = FailureInjector::new(&*pool);
    let mut cp = ChargePoint::new(&support::config(), &injector).unwrap();
    let now = Instant::from_millis(0);
    cp.register_vendor("com.acme").unwrap();
    cp.connected(now);
    cp.handle_frame(now, br#"[2,"d1","DataTransfer",{"vendorId":"com.acme"}]"#)
        .unwrap();
    assert_eq!(cp.incoming_call().map(|(a, _)| a), Some("DataTransfer"));
    let answer = r#"{"status":"Accepted","data":"pong"}"#;
    injector.set_plan(FailurePlan::Nth(1));
    assert_eq!(
        cp.answer_incoming(now, answer),
        Err(InputError::OutOfMemory)
    );
    assert_eq!(cp.incoming_call().map(|(a, _)| a), Some("DataTransfer"));
    injector.set_plan(FailurePlan::Never);
    assert_eq!(cp.answer_incoming(now, answer), Ok(()));
    assert_eq!(cp.incoming_call(), None);
}

/// The firmware's own CALL is a vendor's action, a DataTransfer.req its
/// schema accepts, or a charge point's CALL of a profile the core does not
/// implement; not one the core sends itself (a StartTransaction of the
/// firmware's would be a transaction the charge point does not know) nor
/// the central system's, and the central system would refuse an invalid
/// DataTransfer. Nothing is held after a refusal.
#[test]
fn the_firmware_sends_only_valid_data_transfers_and_actions_of_its_own() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let idle = pool.stats().in_use;
    let long_vendor = format!(r#"{{"vendorId":"{}"}}"#, "v".repeat(256));
    for (action, payload) in [
        ("DataTransfer", "{}"),
        ("DataTransfer", long_vendor.as_str()),
        ("DataTransfer", r#"{"vendorId":"com.acme","data":7}"#),
        ("DataTransfer", r#"{"vendorId":"com.acme","extra":true}"#),
        ("StartTransaction", r#"{"connectorId":1}"#),
        ("Heartbeat", "{}"),
        ("Reset", r#"{"type":"Hard"}"#),
    ] {
        assert_eq!(
            h.cp.send_call(h.now, action, payload),
            Err(InputError::InvalidValue),
            "{action} {payload}"
        );
        assert_eq!(pool.stats().in_use, idle, "{action} {payload} left bytes");
    }
    h.drain();
    h.expect_quiet();
    // What is valid still goes, and a refused one did not make it Busy.
    h.cp.send_call(h.now, "DataTransfer", r#"{"vendorId":"com.acme"}"#)
        .unwrap();
    h.drain();
    let call = h.expect_call("DataTransfer");
    h.reply(&call, json!({"status": "Accepted"}));
    h.cp.clear_call_answer();
    // A profile the core does not implement is the firmware's to send.
    h.cp.send_call(
        h.now,
        "FirmwareStatusNotification",
        r#"{"status":"Downloading"}"#,
    )
    .unwrap();
    h.drain();
    h.expect_call("FirmwareStatusNotification");
}

/// The central system's answer to the firmware's DataTransfer is checked
/// as a DataTransfer.conf: one its schema refuses reaches the firmware as
/// BadAnswer with the CALLERROR class of the fault, not as a payload it
/// would have to check itself; a vendor action's answer is only JSON.
#[test]
fn an_answer_to_the_firmwares_data_transfer_is_a_valid_conf_or_bad_answer() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    for (answer, why) in [
        (json!({"status": "Maybe"}), "PropertyConstraintViolation"),
        (json!({"data": "x"}), "ProtocolError"),
        (
            json!({"status": "Accepted", "data": 1}),
            "TypeConstraintViolation",
        ),
    ] {
        h.cp.send_call(h.now, "DataTransfer", r#"{"vendorId":"com.acme"}"#)
            .unwrap();
        h.drain();
        let call = h.expect_call("DataTransfer");
        h.reply(&call, answer.clone());
        h.expect_event(Event::CallAnswered {
            action: "DataTransfer",
            ok: false,
        });
        match h.cp.call_answer() {
            Some(Err(CallFailure::BadAnswer(code))) => {
                assert_eq!(code.as_str(), why, "{answer}")
            }
            other => panic!("{answer}: {other:?}"),
        }
    }
    // The same answer to an action of the vendor's own is its business.
    h.cp.send_call(h.now, "Hello", "{}").unwrap();
    h.drain();
    let call = h.expect_call("Hello");
    h.reply(&call, json!({"status": "Maybe"}));
    assert_eq!(h.cp.call_answer(), Some(Ok(r#"{"status":"Maybe"}"#)));
}

/// Checking the firmware's DataTransfer.req takes pool memory: refused,
/// it is OutOfMemory (send again), not InvalidValue, and nothing is held.
#[test]
fn a_firmware_data_transfer_the_pool_cannot_check_is_out_of_memory() {
    let pool = pool();
    let injector = FailureInjector::new(&*pool);
    let mut cp = ChargePoint::new(&support::config(), &injector).unwrap();
    let now = Instant::from_millis(0);
    let idle = pool.stats().in_use;
    let request = r#"{"vendorId":"com.acme","messageId":"m","data":"hello"}"#;
    injector.set_plan(FailurePlan::Nth(1));
    assert_eq!(
        cp.send_call(now, "DataTransfer", request),
        Err(InputError::OutOfMemory)
    );
    injector.set_plan(FailurePlan::Never);
    assert_eq!(pool.stats().in_use, idle);
    assert_eq!(cp.send_call(now, "DataTransfer", request), Ok(()));
}

/// A DataTransfer `d1` to the registered vendor `com.acme`, held for the
/// firmware to answer.
fn hold_ping(h: &mut Harness<'_>) {
    h.receive(r#"[2,"d1","DataTransfer",{"vendorId":"com.acme","data":"ping"}]"#)
        .unwrap();
    h.expect_event(Event::IncomingCall {
        action: "DataTransfer",
    });
}

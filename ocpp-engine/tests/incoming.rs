//! The central system's CALLs that this version handles (DataTransfer,
//! TriggerMessage), and what happens when memory runs out while decoding one.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_alloc::{FailureInjector, FailurePlan, HostPool, Talc};
use ocpp_engine::ChargePoint;
use serde_json::json;
use support::{config, pool, Harness};

#[test]
fn data_transfer_without_vendor_extension_is_unknown_vendor() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let idle = pool.stats().in_use;
    h.receive(r#"[2,"d1","DataTransfer",{"vendorId":"com.acme","messageId":"m","data":"long \"escaped\" data \u00e9"}]"#)
        .unwrap();
    let conf = h.sent.pop_front().expect("an answer");
    assert_eq!(conf.value, json!([3, "d1", {"status": "UnknownVendorId"}]));
    assert_eq!(pool.stats().in_use, idle, "the decoded request was freed");
    // Malformed DataTransfer: its precise error.
    h.receive(r#"[2,"d2","DataTransfer",{"messageId":"m"}]"#)
        .unwrap();
    h.expect_call_error("d2", "ProtocolError");
    h.receive(&format!(
        r#"[2,"d3","DataTransfer",{{"vendorId":"{}"}}]"#,
        "v".repeat(256)
    ))
    .unwrap();
    h.expect_call_error("d3", "TypeConstraintViolation");
}

#[test]
fn trigger_message_sends_the_requested_message_after_the_answer() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.receive(r#"[2,"t1","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#)
        .unwrap();
    h.expect_result("t1", json!({"status": "Accepted"}));
    let hb = h.expect_call("Heartbeat");
    h.reply_ok(&hb);
    h.receive(
        r#"[2,"t2","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]"#,
    )
    .unwrap();
    h.expect_result("t2", json!({"status": "Accepted"}));
    let s = h.expect_call("StatusNotification");
    assert_eq!(s.payload()["connectorId"], 1);
    h.reply_ok(&s);
    h.expect_quiet();
    h.receive(
        r#"[2,"t3","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":7}]"#,
    )
    .unwrap();
    h.expect_result("t3", json!({"status": "Rejected"}));
    h.meter_wh(1, 4321);
    h.receive(r#"[2,"t4","TriggerMessage",{"requestedMessage":"MeterValues"}]"#)
        .unwrap();
    h.expect_result("t4", json!({"status": "Accepted"}));
    let mv = h.expect_call("MeterValues");
    let sampled = &mv.payload()["meterValue"][0]["sampledValue"][0];
    assert_eq!(
        (sampled["value"].as_str(), sampled["context"].as_str()),
        (Some("4321"), Some("Trigger"))
    );
    assert!(
        mv.payload().get("transactionId").is_none(),
        "no transaction runs"
    );
    h.reply_ok(&mv);
    h.receive(r#"[2,"t6","TriggerMessage",{"requestedMessage":"FirmwareStatusNotification"}]"#)
        .unwrap();
    h.expect_result("t6", json!({"status": "NotImplemented"}));
    h.receive(r#"[2,"t5","TriggerMessage",{"requestedMessage":"Coffee"}]"#)
        .unwrap();
    h.expect_call_error("t5", "PropertyConstraintViolation");
    h.expect_quiet();
}

#[test]
fn out_of_memory_on_an_incoming_call_is_internal_error_and_changes_nothing() {
    let pool: HostPool<Talc> = HostPool::new(16 * 1024);
    let injector = FailureInjector::new(&*pool);
    let mut cp = ChargePoint::new(&config(), &injector).unwrap();
    let now = ocpp_engine::Instant::from_millis(0);
    cp.connected(now);
    let mut buf = [0u8; 512];
    while cp.poll_transmit(now, &mut buf).unwrap().is_some() {}
    let mut buf_before = [0u8; 2048];
    let n = cp.snapshot(&mut buf_before).unwrap();
    let before = &buf_before[..n];
    let in_use = pool.stats().in_use;
    let frame = br#"[2,"x1","DataTransfer",{"vendorId":"com.acme","data":"payload"}]"#;
    for k in 1..=3 {
        injector.set_plan(FailurePlan::Nth(k));
        cp.handle_frame(now, frame).unwrap();
        let n = cp.poll_transmit(now, &mut buf).unwrap().expect("an answer");
        let answer: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
        if injector.refusals() == 0 {
            assert_eq!(
                answer,
                json!([3, "x1", {"status": "UnknownVendorId"}]),
                "k={k}"
            );
            continue;
        }
        assert_eq!(
            answer,
            json!([4, "x1", "InternalError", "out of memory", {}]),
            "k={k}"
        );
        let mut after = [0u8; 2048];
        let n = cp.snapshot(&mut after).unwrap();
        assert_eq!(&after[..n], before, "k={k}: state changed");
        assert_eq!(pool.stats().in_use, in_use, "k={k}: leaked");
    }
    // Under a persistent refusal the answers still go out (they need no
    // allocation); a third CALL while both slots wait is refused, not dropped.
    injector.set_plan(FailurePlan::From(1));
    cp.handle_frame(now, br#"[2,"y1","Nope",{}]"#).unwrap();
    cp.handle_frame(now, frame).unwrap();
    assert_eq!(
        cp.handle_frame(now, frame),
        Err(ocpp_engine::HandleError::Busy)
    );
    let n = cp.poll_transmit(now, &mut buf).unwrap().unwrap();
    assert!(std::str::from_utf8(&buf[..n])
        .unwrap()
        .contains("NotImplemented"));
    let n = cp.poll_transmit(now, &mut buf).unwrap().unwrap();
    assert!(std::str::from_utf8(&buf[..n])
        .unwrap()
        .contains("InternalError"));
}

#[test]
fn the_frame_check_can_say_no() {
    // The harness validates every frame the charge point sends; make sure
    // that check rejects what it must, or the scenario tests prove less.
    let answered = std::collections::HashMap::from([("c1".to_owned(), "DataTransfer".to_owned())]);
    for bad in [
        json!([2, "1", "StatusNotification", {"connectorId": 1, "status": "Charging"}]),
        json!([2, "1", "Authorize", {"idTag": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}]),
        json!([3, "c1", {"status": "Maybe"}]),
        json!([3, "unknown", {}]),
        json!([4, "c1", "Oops", "", {}]),
    ] {
        let sent = support::Sent {
            raw: bad.to_string(),
            value: bad,
        };
        let caught = std::panic::catch_unwind(|| support::check_frame(&sent, &answered));
        assert!(caught.is_err(), "accepted {}", sent.raw);
    }
}

#[test]
fn a_trigger_before_registration_is_rejected_and_a_trigger_is_never_absorbed() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.connect();
    let boot = h.expect_call("BootNotification");
    h.reply(
        &boot,
        json!({"status": "Pending", "currentTime": "2026-11-25T10:00:00Z", "interval": 60}),
    );
    // Pending: nothing but BootNotification may go out, so these are Rejected.
    h.receive(r#"[2,"p1","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#)
        .unwrap();
    h.expect_result("p1", json!({"status": "Rejected"}));
    h.receive(r#"[2,"p2","TriggerMessage",{"requestedMessage":"StatusNotification"}]"#)
        .unwrap();
    h.expect_result("p2", json!({"status": "Rejected"}));
    h.meter_wh(1, 4321);
    h.receive(r#"[2,"p4","TriggerMessage",{"requestedMessage":"MeterValues"}]"#)
        .unwrap();
    h.expect_result("p4", json!({"status": "Rejected"}));
    // BootNotification is what goes out before Accepted: accepted, sent now.
    h.receive(r#"[2,"p3","TriggerMessage",{"requestedMessage":"BootNotification"}]"#)
        .unwrap();
    h.expect_result("p3", json!({"status": "Accepted"}));
    let boot = h.expect_call("BootNotification");
    h.reply_ok(&boot);
    let s0 = h.expect_call("StatusNotification");
    // A trigger for a connector whose notification is in flight: the
    // answer to that one does not stand for the triggered one.
    h.receive(
        r#"[2,"t1","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":0}]"#,
    )
    .unwrap();
    h.expect_result("t1", json!({"status": "Accepted"}));
    h.reply_ok(&s0);
    let s0_again = h.expect_call("StatusNotification");
    assert_eq!(s0_again.payload()["connectorId"], 0);
}

#[test]
fn an_answer_waiting_at_a_disconnect_is_dropped_and_holds_nothing() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let idle = pool.stats().in_use;
    // The answer to GetConfiguration (with an unknown key kept in the pool)
    // is not transmitted before the connection drops.
    h.cp.handle_frame(
        h.now,
        br#"[2,"g1","GetConfiguration",{"key":["HeartbeatInterval","NoSuchKey"]}]"#,
    )
    .unwrap();
    assert!(pool.stats().in_use > idle);
    h.cp.disconnected(h.now);
    assert_eq!(pool.stats().in_use, idle);
    h.boot();
    h.receive(r#"[2,"g2","GetConfiguration",{"key":["NoSuchKey"]}]"#)
        .unwrap();
    h.expect_result(
        "g2",
        json!({"configurationKey": [], "unknownKey": ["NoSuchKey"]}),
    );
}

#[test]
fn a_malformed_call_is_answered_with_a_description_of_its_fault() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    for (frame, code, description) in [
        (
            r#"[2,"m1","Reset","Soft"]"#,
            "FormationViolation",
            "payload is not an object",
        ),
        (
            r#"[2,"m2",7,{}]"#,
            "FormationViolation",
            "action is not a string",
        ),
    ] {
        h.receive(frame).unwrap();
        let id = &frame[4..6];
        let error = h.expect_call_error(id, code);
        assert_eq!(error.value[3], description, "{}", error.raw);
    }
    h.expect_quiet();
}

#[test]
fn a_call_refused_as_busy_has_no_effect() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    // Two answers wait, not transmitted yet: both slots are taken.
    h.cp.handle_frame(h.now, br#"[2,"b1","Nope",{}]"#).unwrap();
    h.cp.handle_frame(h.now, br#"[2,"b2","Nope",{}]"#).unwrap();
    let before = h.snapshot();
    let refused = h.cp.handle_frame(
        h.now,
        br#"[2,"b3","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#,
    );
    assert_eq!(refused, Err(ocpp_engine::HandleError::Busy));
    assert_eq!(
        refused.unwrap_err().to_string(),
        "answers are waiting: transmit first, then retry"
    );
    assert_eq!(h.snapshot(), before, "a refused trigger changed the state");
    h.drain();
    h.expect_call_error("b1", "NotImplemented");
    h.expect_call_error("b2", "NotImplemented");
    // The refused trigger did not send a Heartbeat.
    h.expect_quiet();
}

//! The central system's rules, each shown to catch what it is for.

use super::*;

const T0: Instant = ocpp_testkit::START;

/// A central system that accepted our BootNotification.
fn registered() -> Csms {
    let mut c = Csms::new(2, Duration::from_secs(30));
    c.sent(r#"[2,"1","BootNotification",{}]"#, T0);
    let answer = c.usual_answer("BootNotification", T0);
    c.answered(true, &answer);
    c
}

/// Our CALL, answered as usual.
fn call(c: &mut Csms, action: &str, payload: &str) {
    c.sent(&format!(r#"[2,"9","{action}",{payload}]"#), T0);
    let answer = c.usual_answer(action, T0);
    c.answered(true, &answer);
}

const START: &str =
    r#"{"connectorId":1,"idTag":"A","meterStart":0,"timestamp":"2026-11-25T10:01:00Z"}"#;

fn meter_values(id: i64, at: &str) -> String {
    format!(
        r#"{{"connectorId":1,"transactionId":{id},"meterValue":[{{"timestamp":"{at}","sampledValue":[]}}]}}"#
    )
}

#[test]
fn the_rules_let_a_whole_transaction_pass() {
    let mut c = registered();
    call(&mut c, "StartTransaction", START);
    call(
        &mut c,
        "MeterValues",
        &meter_values(42, "2026-11-25T10:02:00Z"),
    );
    let stop = r#"{"meterStop":1,"timestamp":"2026-11-25T10:02:00.500Z","transactionId":42}"#;
    call(&mut c, "StopTransaction", stop);
    call(
        &mut c,
        "StartTransaction",
        START.replace("10:01", "10:03").as_str(),
    );
    assert_eq!(c.next_transaction_id, 44);
}

#[test]
#[should_panic(expected = "sent before registration was accepted")]
fn nothing_but_boot_notification_before_registration() {
    let mut c = Csms::new(1, Duration::from_secs(30));
    c.sent(r#"[2,"1","Heartbeat",{}]"#, T0);
}

#[test]
#[should_panic(expected = "sent before registration was accepted")]
fn a_bad_boot_notification_answer_registers_nothing() {
    let mut c = Csms::new(1, Duration::from_secs(30));
    c.sent(r#"[2,"1","BootNotification",{}]"#, T0);
    c.answered(true, r#"{"status":"Accepted"}"#);
    c.sent(r#"[2,"2","Heartbeat",{}]"#, T0);
}

#[test]
#[should_panic(expected = "a second CALL while one is outstanding")]
fn one_call_at_a_time() {
    let mut c = registered();
    c.sent(r#"[2,"2","Heartbeat",{}]"#, T0);
    c.sent(
        r#"[2,"3","Heartbeat",{}]"#,
        T0 + Duration::from_millis(29_999),
    );
}

#[test]
fn a_call_may_follow_one_that_timed_out() {
    let mut c = registered();
    c.sent(r#"[2,"2","Heartbeat",{}]"#, T0);
    c.sent(
        r#"[2,"3","Heartbeat",{}]"#,
        T0 + Duration::from_millis(30_000),
    );
}

#[test]
#[should_panic(expected = "transactionId 42 was never given")]
fn a_stop_needs_an_id_the_central_system_gave() {
    let mut c = registered();
    c.sent(r#"[2,"2","StopTransaction",{"meterStop":1,"timestamp":"2026-11-25T10:02:00Z","transactionId":42}]"#, T0);
}

#[test]
#[should_panic(expected = "never given")]
fn a_start_answered_badly_gives_no_id() {
    let mut c = registered();
    c.sent(&format!(r#"[2,"2","StartTransaction",{START}]"#), T0);
    c.answered(
        true,
        r#"{"transactionId":42,"idTagInfo":{"status":"Maybe"}}"#,
    );
    c.sent(
        &format!(
            r#"[2,"3","MeterValues",{}]"#,
            meter_values(42, "2026-11-25T10:02:00Z")
        ),
        T0,
    );
}

#[test]
#[should_panic(expected = "without the transactionId")]
fn transaction_samples_carry_the_id() {
    let mut c = registered();
    call(&mut c, "StartTransaction", START);
    let mv = r#"{"connectorId":1,"meterValue":[{"timestamp":"2026-11-25T10:02:00Z","sampledValue":[]}]}"#;
    c.sent(&format!(r#"[2,"3","MeterValues",{mv}]"#), T0);
}

#[test]
#[should_panic(expected = "transaction 42 was already stopped")]
fn nothing_of_a_transaction_after_its_stop() {
    let mut c = registered();
    call(&mut c, "StartTransaction", START);
    call(
        &mut c,
        "StopTransaction",
        r#"{"meterStop":1,"timestamp":"2026-11-25T10:02:00Z","transactionId":42}"#,
    );
    c.sent(
        &format!(
            r#"[2,"3","MeterValues",{}]"#,
            meter_values(42, "2026-11-25T10:02:00Z")
        ),
        T0,
    );
}

#[test]
#[should_panic(expected = "older than the one before")]
fn transaction_messages_go_in_order() {
    let mut c = registered();
    call(&mut c, "StartTransaction", START);
    c.sent(
        &format!(
            r#"[2,"3","MeterValues",{}]"#,
            meter_values(42, "2026-11-25T10:00:59.999Z")
        ),
        T0,
    );
}

#[test]
#[should_panic(expected = "no such connector")]
fn connectors_exist() {
    let mut c = registered();
    c.sent(r#"[2,"2","StatusNotification",{"connectorId":3}]"#, T0);
}

#[test]
#[should_panic(expected = "an answer to no CALL")]
fn answers_answer_a_call_of_the_central_system() {
    let mut c = registered();
    c.call_taken_in(r#"[2,"a","Reset",{"type":"Soft"}]"#);
    c.sent(r#"[3,"a",{"status":"Accepted"}]"#, T0);
    c.sent(r#"[3,"a",{"status":"Accepted"}]"#, T0);
}

#[test]
#[should_panic(expected = "taken in and never answered")]
fn every_call_taken_in_is_answered() {
    let mut c = registered();
    c.call_taken_in(r#"[2,"u","UnlockConnector",{"connectorId":1}]"#);
    c.check_all_answered();
    c.call_taken_in(r#"[2,"a","Reset",{"type":"Soft"}]"#);
    c.check_all_answered();
}

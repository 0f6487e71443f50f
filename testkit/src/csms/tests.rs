use std::string::String;

use ocpp_engine::ocpp_model::ErrorCode;

use super::*;
use crate::{START, TRANSACTION_ID};

/// The answer to `frame` (a CALL), parsed, and the sampled values counted.
fn answer_to(cs: &mut CentralSystem, frame: &str) -> (Option<serde_json::Value>, u64) {
    match cs.receive(frame.as_bytes(), START).unwrap() {
        Heard::Call {
            answer,
            sampled_values,
            ..
        } => (
            answer.map(|a| serde_json::from_slice(a).unwrap()),
            sampled_values,
        ),
        other => panic!("a CALL: {frame}: {other:?}"),
    }
}

#[test]
fn answers_calls_and_hears_answers() {
    let mut cs = CentralSystem::new();
    let now = Instant::from_millis(START.as_millis() + 1_000);
    match cs.receive(br#"[2,"7","Heartbeat",{}]"#, now).unwrap() {
        Heard::Call {
            id, action, answer, ..
        } => {
            assert_eq!((id, action), (b"7".as_slice(), Some(Action::Heartbeat)));
            assert_eq!(
                answer,
                Some(br#"[3,"7",{"currentTime":"2026-11-25T10:00:01Z"}]"#.as_slice())
            );
        }
        other => panic!("a CALL: {other:?}"),
    }
    let boot = r#"[2,"1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]"#;
    let (v, _) = answer_to(&mut cs, boot);
    let v = v.unwrap();
    assert_eq!(v[2]["status"], "Accepted");
    assert_eq!(v[2]["interval"], crate::HEARTBEAT_INTERVAL_SECS);

    let err = br#"[4,"x","NotImplemented","unknown action",{}]"#;
    assert_eq!(
        cs.receive(err, now).unwrap(),
        Heard::Error {
            id: b"x",
            code: ErrorCode::NotImplemented
        }
    );
    let ok = br#" [ 3 , "cs-1" , {"status":"Accepted"}]"#;
    assert_eq!(cs.receive(ok, now).unwrap(), Heard::Result { id: b"cs-1" });
    assert!(cs.receive(br#"{"not":"a frame"}"#, now).is_err());
    assert!(cs.receive(br#"[5,"1",{}]"#, now).is_err());
    assert!(cs.receive(br#"[2,"1"]"#, now).is_err());
}

#[test]
fn every_other_call_gets_an_empty_result() {
    let mut cs = CentralSystem::new();
    for frame in [
        r#"[2,"1","DataTransfer",{"vendorId":"V"}]"#,
        r#"[2,"2","MyVendorAction",{}]"#,
    ] {
        let (v, _) = answer_to(&mut cs, frame);
        assert_eq!(v.unwrap()[2], serde_json::json!({}));
    }
    match cs
        .receive(br#"[2,"2","MyVendorAction",{}]"#, START)
        .unwrap()
    {
        Heard::Call { name, action, .. } => assert_eq!((name, action), ("MyVendorAction", None)),
        other => panic!("a CALL: {other:?}"),
    }
}

#[test]
fn answers_the_transaction_messages_of_the_script() {
    let mut cs = CentralSystem::new();
    let start = r#"[2,"5","StartTransaction",{"connectorId":1,"idTag":"ABCD1234","meterStart":0,"timestamp":"2026-11-25T10:00:00Z"}]"#;
    let (v, _) = answer_to(&mut cs, start);
    assert_eq!(
        v.unwrap()[2],
        serde_json::json!({"transactionId": TRANSACTION_ID, "idTagInfo": {"status": "Accepted"}})
    );
    assert_eq!(cs.last_transaction_id(), Some(TRANSACTION_ID));
    let field = std::format!("\"transactionId\":{TRANSACTION_ID},");
    assert_eq!(THE_TRANSACTION_ID_FIELD.text, field.as_bytes());

    let meter = r#"[2,"6","MeterValues",{"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-11-25T10:01:00Z","sampledValue":[{"value":"183.333","measurand":"Energy.Active.Import.Register"},{"value":"11000","measurand":"Power.Active.Import"}]}]}]"#;
    let (v, sampled) = answer_to(&mut cs, meter);
    assert_eq!(v.unwrap()[2], serde_json::json!({}));
    assert_eq!(sampled, 2);

    let stop = r#"[2,"7","StopTransaction",{"meterStop":1833,"timestamp":"2026-11-25T10:10:00Z","transactionId":42,"reason":"Local"}]"#;
    let (v, sampled) = answer_to(&mut cs, stop);
    assert_eq!(
        v.unwrap()[2],
        serde_json::json!({"idTagInfo": {"status": "Accepted"}})
    );
    assert_eq!(sampled, 0);

    // Another transactionId (or none) is off the script, unless the test
    // says it does not care.
    let other = meter.replace(":42,", ":421,");
    let none = stop.replace(r#""transactionId":42,"#, "");
    assert!(cs.receive(other.as_bytes(), START).is_err());
    assert!(cs.receive(none.as_bytes(), START).is_err());
    let twice = meter.replace(r#""connectorId":1,"#, r#""transactionId":42,"#);
    assert!(cs.receive(twice.as_bytes(), START).is_err());
    cs.expect_transaction_id = false;
    assert_eq!(answer_to(&mut cs, &other).1, 2);
    assert!(answer_to(&mut cs, &none).0.is_some());
}

#[test]
fn counts_transactions_out_when_asked() {
    let mut cs = CentralSystem::new();
    assert_eq!(cs.last_transaction_id(), None);
    let start = r#"[2,"5","StartTransaction",{"connectorId":1,"idTag":"ABCD1234","meterStart":0,"timestamp":"2026-11-25T10:00:00Z"}]"#;
    let stop_of = |id: i32| {
        std::format!(
            r#"[2,"7","StopTransaction",{{"meterStop":1,"timestamp":"2026-11-25T10:10:00Z","transactionId":{id}}}]"#
        )
    };
    // Not counting: every StartTransaction gets TRANSACTION_ID.
    for _ in 0..2 {
        let (v, _) = answer_to(&mut cs, start);
        assert_eq!(v.unwrap()[2]["transactionId"], TRANSACTION_ID);
    }
    assert!(cs.receive(stop_of(43).as_bytes(), START).is_err());

    let mut cs = CentralSystem::new();
    cs.count_transactions();
    // Before any StartTransaction, no transactionId is one it gave.
    assert!(cs.receive(stop_of(42).as_bytes(), START).is_err());
    for id in [42, 43, 44] {
        let (v, _) = answer_to(&mut cs, start);
        assert_eq!(v.unwrap()[2]["transactionId"], id);
        assert_eq!(cs.last_transaction_id(), Some(id));
    }
    // Any it gave, and one it did not.
    for id in [42, 44] {
        assert!(answer_to(&mut cs, &stop_of(id)).0.is_some());
    }
    for id in [41, 45, -1] {
        assert!(cs.receive(stop_of(id).as_bytes(), START).is_err(), "{id}");
    }
    // An overridden StartTransaction answer gives no number.
    cs.answer(
        Action::StartTransaction,
        Answer::Result(r#"{"transactionId":7,"idTagInfo":{"status":"Accepted"}}"#),
    )
    .unwrap();
    answer_to(&mut cs, start);
    assert_eq!(cs.last_transaction_id(), Some(44));
}

#[test]
fn a_test_overrides_the_answer_to_an_action() {
    let mut cs = CentralSystem::new();
    let authorize = r#"[2,"9","Authorize",{"idTag":"ABCD1234"}]"#;
    cs.answer(
        Action::Authorize,
        Answer::Result(r#"{"idTagInfo":{"status":"Invalid"}}"#),
    )
    .unwrap();
    let (v, _) = answer_to(&mut cs, authorize);
    assert_eq!(v.unwrap()[2]["idTagInfo"]["status"], "Invalid");

    cs.answer(
        Action::Authorize,
        Answer::CallError(ErrorCode::InternalError, "scripted failure"),
    )
    .unwrap();
    let (v, _) = answer_to(&mut cs, authorize);
    assert_eq!(
        v.unwrap(),
        serde_json::json!([4, "9", "InternalError", "scripted failure", {}])
    );

    cs.answer(Action::Authorize, Answer::Silent).unwrap();
    assert_eq!(answer_to(&mut cs, authorize).0, None);
    assert_eq!(cs.answer_of(Action::Authorize), Answer::Silent);
    // Other actions keep their usual answer.
    let (v, _) = answer_to(&mut cs, r#"[2,"10","Heartbeat",{}]"#);
    assert!(v.unwrap()[2]["currentTime"].is_string());

    cs.answer(Action::Authorize, Answer::Usual).unwrap();
    let (v, _) = answer_to(&mut cs, authorize);
    assert_eq!(v.unwrap()[2]["idTagInfo"]["status"], "Accepted");
}

#[test]
fn overrides_are_bounded_and_removable() {
    let mut cs = CentralSystem::new();
    let actions = [
        Action::Authorize,
        Action::Heartbeat,
        Action::DataTransfer,
        Action::MeterValues,
    ];
    for a in actions {
        cs.answer(a, Answer::Silent).unwrap();
    }
    assert!(matches!(
        cs.answer(Action::StatusNotification, Answer::Silent),
        Err(Error::Setup(_))
    ));
    // Replacing one in force takes no new place.
    cs.answer(Action::Heartbeat, Answer::Result("{}")).unwrap();
    cs.answer(Action::Heartbeat, Answer::Usual).unwrap();
    cs.answer(Action::StatusNotification, Answer::Result("{}"))
        .unwrap();
    assert_eq!(cs.answer_of(Action::Heartbeat), Answer::Usual);
    assert_eq!(cs.answer_of(Action::MeterValues), Answer::Silent);
    assert_eq!(
        cs.answer_of(Action::StatusNotification),
        Answer::Result("{}")
    );
}

#[test]
fn an_answer_too_long_is_an_error() {
    let mut cs = CentralSystem::new();
    let long: &'static str = String::from_utf8(std::vec![b' '; REPLY_LEN])
        .unwrap()
        .leak();
    cs.answer(Action::Heartbeat, Answer::Result(long)).unwrap();
    assert!(cs.receive(br#"[2,"1","Heartbeat",{}]"#, START).is_err());
}

#[test]
fn counts_without_overlap() {
    const AA: Needle = Needle::new(b"aa");
    const ABCD: Needle = Needle::new(b"abcd");
    const A: Needle = Needle::new(b"a");
    assert_eq!(AA.count(b"aaaa"), 2);
    assert_eq!(AA.count(b"aaa"), 1);
    assert_eq!(ABCD.count(b"abc"), 0);
    assert_eq!(ABCD.count(b"xabcdabcabcdy"), 2);
    assert_eq!(A.count(b""), 0);
    assert_eq!(A.count(b"banana"), 3);
    // Against the naive count, on every slice of a text with repeats.
    let text = br#"{"value":"1"},{"value":"{"value":"2"}"value":{"#;
    for start in 0..text.len() {
        for end in start..=text.len() {
            let hay = &text[start..end];
            let naive = (0..hay.len())
                .filter(|&i| hay[i..].starts_with(SAMPLED_VALUE.text))
                .count() as u64;
            assert_eq!(SAMPLED_VALUE.count(hay), naive, "{hay:?}");
        }
    }
}

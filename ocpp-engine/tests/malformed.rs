//! A received frame is read once (`Frame::parse_deferred`): the payload of
//! a plain CALL or CALLRESULT is checked by its decoder, not before. These
//! tests hold the engine to what checking the whole frame first gave: on
//! every route (decoded, unknown action, not supported, the firmware's own
//! action, DataTransfer, configuration; answers to each kind of CALL), a
//! malformed frame gets `Frame::parse`'s verdict, and a dropped answer
//! leaves its CALL outstanding and the state as it was.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::HandleError;
use ocpp_model::{Frame, FrameError, FrameErrorKind, Limits};
use serde_json::json;
use support::{pool, Harness};

/// Payloads that break the frame, each in another way: truncated, a brace
/// too many, a trailing comma, a bad escape, a control character in a
/// string, nested past the depth limit, not UTF-8, a second payload.
const BROKEN: &[&[u8]] = &[
    br#"{"type":"Soft""#,
    br#"{"type":"Soft"}}"#,
    br#"{"type":"Soft",}"#,
    br#"{"type":"So\qft"}"#,
    b"{\"type\":\"So\x01ft\"}",
    br#"{"type":[[[[[[[[[["Soft"]]]]]]]]]]}"#,
    b"{\"type\":\"So\xC3ft\"}",
    br#"{"type":"Soft"},{}"#,
];

/// The description the engine gives each kind (`answers::describe`).
fn described(kind: FrameErrorKind) -> &'static str {
    match kind {
        FrameErrorKind::NotUtf8 => "frame is not UTF-8",
        FrameErrorKind::NotJson => "frame is not JSON",
        FrameErrorKind::TooDeep => "frame nested too deep",
        FrameErrorKind::WrongElementCount => "wrong number of elements for the message type",
        other => panic!("not expected here: {other:?}"),
    }
}

fn frame(head: &str, payload: &[u8]) -> Vec<u8> {
    let mut f = head.as_bytes().to_vec();
    f.extend_from_slice(payload);
    f.push(b']');
    f
}

/// What `Frame::parse` says of `bytes`: it must refuse it.
#[track_caller]
fn verdict(bytes: &[u8]) -> FrameError {
    Frame::parse(bytes, &Limits::DEFAULT).expect_err("a broken frame")
}

/// Every broken answer to CALL `id` is dropped as `Frame::parse` says,
/// and changes nothing: the CALL stays outstanding.
#[track_caller]
fn every_broken_answer_is_dropped(h: &mut Harness<'_>, id: &str) {
    for payload in BROKEN {
        let bytes = frame(&format!(r#"[3,"{id}","#), payload);
        let before = h.snapshot();
        assert_eq!(
            h.cp.handle_frame(h.now, &bytes),
            Err(HandleError::Ignored(verdict(&bytes).kind)),
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        assert_eq!(h.snapshot(), before);
    }
}

#[test]
fn a_malformed_call_gets_the_frames_callerror_on_every_route() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.register_action("VendorThing").unwrap();
    h.cp.register_vendor("VendorX").unwrap();
    h.boot();
    let actions = [
        "Reset", // decoded by its block
        "RemoteStopTransaction",
        "TriggerMessage",
        "GetConfiguration", // the configuration route
        "ChangeConfiguration",
        "DataTransfer", // decoded, then held for the firmware
        "VendorThing",  // the firmware's own: held raw
        "FlyToTheMoon", // unknown: NotImplemented if well-formed
        "ReserveNow",   // known, not supported
    ];
    let mut n = 0;
    for action in actions {
        for payload in BROKEN {
            n += 1;
            let id = format!("m{n}");
            let bytes = frame(&format!(r#"[2,"{id}","{action}","#), payload);
            let e = verdict(&bytes);
            let (_, code) = e.reply().expect("a CALL with an id is answered");
            let before = h.snapshot();
            assert_eq!(h.cp.handle_frame(h.now, &bytes), Ok(()), "{action}");
            h.drain();
            let sent = h.expect_call_error(&id, code.as_str());
            assert_eq!(
                sent.value[3],
                described(e.kind),
                "{action}: {}",
                String::from_utf8_lossy(&bytes)
            );
            // Only the answer was queued, and it is sent.
            assert_eq!(h.snapshot(), before, "{action}");
            assert!(h.events.is_empty(), "{action}: {:?}", h.events);
        }
    }
    h.expect_quiet();
}

#[test]
fn a_malformed_call_is_refused_as_malformed_before_busy_or_not_registered() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    // Both answer slots taken (nothing transmitted yet).
    for id in ["a", "b"] {
        let f = format!(r#"[2,"{id}","Nope",{{}}]"#);
        assert_eq!(h.cp.handle_frame(h.now, f.as_bytes()), Ok(()));
    }
    let well_formed = br#"[2,"c","Reset",{"type":"Soft"}]"#;
    assert_eq!(
        h.cp.handle_frame(h.now, well_formed),
        Err(HandleError::Busy)
    );
    // A malformed one is answered as such: which also needs a slot.
    let broken = frame(r#"[2,"c","Reset","#, BROKEN[0]);
    assert_eq!(h.cp.handle_frame(h.now, &broken), Err(HandleError::Busy));
    h.drain();
    h.expect_call_error("a", "NotImplemented");
    h.expect_call_error("b", "NotImplemented");
    assert_eq!(h.cp.handle_frame(h.now, &broken), Ok(()));
    h.drain();
    h.expect_call_error("c", "FormationViolation");
}

#[test]
fn a_malformed_answer_is_dropped_and_its_call_stays_outstanding() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.cp.set_meter(
        h.now,
        1,
        ocpp_model::Measurand::EnergyActiveImportRegister,
        ocpp_engine::Value::from_units(1000),
    )
    .unwrap();
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.present_at(1, "ABCD1234");
    // Authorize (the transaction block) and StartTransaction (the queue).
    let authorize = h.expect_call("Authorize");
    every_broken_answer_is_dropped(&mut h, authorize.id());
    // Still outstanding: the real answer is taken.
    h.reply(&authorize, json!({"idTagInfo": {"status": "Accepted"}}));
    let start = h.expect_call("StartTransaction");
    every_broken_answer_is_dropped(&mut h, start.id());
    h.reply(
        &start,
        json!({"transactionId": 42, "idTagInfo": {"status": "Accepted"}}),
    );
    assert_eq!(h.cp.transaction(1), Some(Some(42)));
}

#[test]
fn a_malformed_frame_with_an_unknown_id_is_malformed_not_unsolicited() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    for payload in BROKEN {
        let bytes = frame(r#"[3,"no-such-call","#, payload);
        assert_eq!(
            h.cp.handle_frame(h.now, &bytes),
            Err(HandleError::Ignored(verdict(&bytes).kind))
        );
    }
    assert_eq!(
        h.cp.handle_frame(h.now, br#"[3,"no-such-call",{}]"#),
        Err(HandleError::Unsolicited)
    );
}

#[test]
fn the_firmwares_own_call_gets_only_a_well_formed_answer() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.cp.send_call(h.now, "VendorPing", r#"{"n":1}"#).unwrap();
    h.drain();
    let call = h.expect_call("VendorPing");
    every_broken_answer_is_dropped(&mut h, call.id());
    assert!(h.events.is_empty());
    h.reply(&call, json!({"pong": [1, {"deep": [2]}]}));
    assert!(
        matches!(
            h.events.pop_front(),
            Some(ocpp_engine::Event::CallAnswered { .. })
        ),
        "{:?}",
        h.events
    );
}

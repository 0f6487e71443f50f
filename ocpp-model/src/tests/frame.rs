//! Tests of frame parsing and message ids.
#![allow(clippy::disallowed_types)]

use super::*;

fn parse(s: &str) -> Result<Frame<'_>, FrameError> {
    Frame::parse(s.as_bytes(), &Limits::DEFAULT)
}

#[test]
fn parses_the_three_frame_types() {
    let f = parse(r#"[2,"19223201","BootNotification",{"a":1}]"#).unwrap();
    assert_eq!(
        f,
        Frame::Call {
            id: MessageId::new("19223201").unwrap(),
            action: "BootNotification",
            payload: br#"{"a":1}"#,
        }
    );
    let f = parse(" [ 3 , \"x\" , { } ] \n").unwrap();
    assert_eq!(
        f,
        Frame::CallResult {
            id: MessageId::new("x").unwrap(),
            payload: b"{ }"
        }
    );
    let f = parse(r#"[4,"7","FormatViolation","bad \"x\"",{}]"#).unwrap();
    assert_eq!(
        f,
        Frame::CallError {
            id: MessageId::from_u32(7),
            code: ErrorCode::FormationViolation,
            description: r#"bad \"x\""#,
            details: b"{}",
        }
    );
    assert_eq!(f.id().as_str(), "7");
}

#[test]
fn message_ids() {
    assert_eq!(MessageId::from_u32(0).as_str(), "0");
    assert_eq!(MessageId::from_u32(u32::MAX).as_str(), "4294967295");
    assert_eq!(MessageId::new(&"a".repeat(36)).unwrap().as_str().len(), 36);
    assert!(MessageId::new(&"a".repeat(37)).is_none());
    assert!(MessageId::new("").is_none());
    // Any character: the encoders escape what JSON requires.
    assert_eq!(MessageId::new("a\"b\\c\n").unwrap().as_str(), "a\"b\\c\n");
    assert_eq!(MessageId::new("42"), Some(MessageId::from_u32(42)));
    assert_eq!(format!("{}", MessageId::from_u32(5)), "5");
    assert_eq!(format!("{:?}", MessageId::from_u32(5)), "MessageId(\"5\")");
}

#[test]
fn header_is_peeked_from_broken_frames() {
    let e = parse(r#"[2,"abc","Heartbeat",{"#).unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::NotJson);
    assert_eq!(
        e.reply(),
        Some((
            MessageId::new("abc").unwrap(),
            ErrorCode::FormationViolation
        ))
    );
    let e = parse(r#"[3,"abc",{"#).unwrap_err();
    assert_eq!(e.reply(), None);
    let e = parse(r#"[2,"abc"#).unwrap_err();
    assert_eq!((e.message_type, e.id), (Some(2), None));
    let e = parse(r#"[22,"abc",1"#).unwrap_err();
    assert_eq!((e.message_type, e.id), (Some(22), MessageId::new("abc")));
    assert_eq!(e.reply(), None);
    let e = parse(r#"[02,"abc",1"#).unwrap_err();
    assert_eq!((e.message_type, e.id), (None, None));
    let big = format!(
        r#"[2,"big","DataTransfer",{{"data":"{}"}}]"#,
        "x".repeat(5000)
    );
    let e = parse(&big).unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::TooLarge);
    assert_eq!(
        e.reply(),
        Some((MessageId::new("big").unwrap(), ErrorCode::InternalError))
    );
}

/// What a broken frame's header tells (`peek_header`), with whitespace
/// around its parts: the message type when it is a small integer (a lone
/// `0` is one; `00`, `1000` and `-1` are not), and the id after it.
#[test]
fn a_broken_frame_still_tells_its_type_and_id() {
    let peek = |s: &str| {
        let e = parse(s).unwrap_err();
        (e.message_type, e.id.map(|id| id.as_str().to_owned()))
    };
    let abc = || Some("abc".to_owned());
    assert_eq!(peek(r#"[ 200 , "abc" , {"#), (Some(200), abc()));
    assert_eq!(peek("[\n\t255,\"abc\",1"), (Some(255), abc()));
    assert_eq!(peek(r#"[  2, "abc", {"#), (Some(2), abc()));
    assert_eq!(peek(r#"[0,"abc",{"#), (Some(0), abc()));
    assert_eq!(peek(r#"[ 0 ,"abc",{"#), (Some(0), abc()));
    assert_eq!(peek(r#"[00,"abc",{"#), (None, None));
    assert_eq!(peek(r#"[256,"abc",{"#), (None, None));
    assert_eq!(peek(r#"[ 1000,"abc",{"#), (None, None));
    assert_eq!(peek(r#"[1000,"abc",{"#), (None, None));
    assert_eq!(peek(r#"[-1,"abc",{"#), (None, None));
}

/// A frame of exactly `max_frame_len` bytes is taken, one byte more is
/// `TooLarge`: on the fast path, and on the full one (whitespace in the
/// header), for `parse` and `parse_deferred` alike.
#[test]
fn the_size_limit_is_inclusive_on_both_paths() {
    let limits = Limits::new(64, 8);
    for head in [
        r#"[2,"1","DataTransfer",{"vendorId":""#,
        r#"[ 2, "1", "DataTransfer", {"vendorId":""#,
    ] {
        let fill = 64 - head.len() - r#""}]"#.len();
        let exact = format!(r#"{head}{}"}}]"#, "x".repeat(fill));
        assert_eq!(exact.len(), 64);
        assert!(Frame::parse(exact.as_bytes(), &limits).is_ok(), "{exact}");
        // The fast path reads a plain header up to the limit itself.
        let (_, check) = Frame::parse_deferred(exact.as_bytes(), &limits).unwrap();
        let plain = !head.contains(' ');
        assert_eq!(check == PayloadCheck::Deferred, plain, "{exact}");
        let over = format!(r#"{head}{}"}}]"#, "x".repeat(fill + 1));
        for e in [
            Frame::parse(over.as_bytes(), &limits).unwrap_err(),
            Frame::parse_deferred(over.as_bytes(), &limits).unwrap_err(),
        ] {
            assert_eq!(e.kind, FrameErrorKind::TooLarge, "{over}");
            assert_eq!(e.id, MessageId::new("1"));
        }
    }
}

/// The id of the CALL `[2,<id_json>,"Heartbeat",{}]`, or the frame's error.
fn call_id(id_json: &str) -> Result<MessageId, FrameErrorKind> {
    let frame = format!(r#"[2,{id_json},"Heartbeat",{{}}]"#);
    parse(&frame).map(|f| f.id()).map_err(|e| e.kind)
}

#[test]
fn ids_are_measured_and_kept_unescaped() {
    let a36 = "A".repeat(36);
    let escaped36 = format!("\"{}\"", r"\u0041".repeat(36));
    assert_eq!(call_id(&escaped36), Ok(MessageId::new(&a36).unwrap()));
    assert_eq!(call_id(&escaped36).unwrap().as_str(), a36);
    let escaped37 = format!("\"{}\"", r"\u0041".repeat(37));
    assert_eq!(call_id(&escaped37), Err(FrameErrorKind::BadMessageId));
    // Escaped or not, the same id.
    assert_eq!(call_id(r#""\u0031\u0039""#), Ok(MessageId::from_u32(19)));
    assert_eq!(call_id(r#""a\"b\\c\/d""#).unwrap().as_str(), r#"a"b\c/d"#);
    // Control characters are held.
    assert_eq!(call_id(r#""\n\u0001""#).unwrap().as_str(), "\n\u{1}");
    // Non-ASCII: held as UTF-8 while it fits 36 bytes.
    assert_eq!(
        call_id(&format!("\"{}\"", "é".repeat(18)))
            .unwrap()
            .as_str(),
        "é".repeat(18)
    );
    assert_eq!(
        call_id(&format!("\"{}\"", r"\u00e9".repeat(18)))
            .unwrap()
            .as_str(),
        "é".repeat(18)
    );
    assert_eq!(
        call_id(&format!("\"{}\"", "é".repeat(19))),
        Err(FrameErrorKind::BadMessageId)
    );
    assert_eq!(call_id(r#""\ud83d\ude00""#).unwrap().as_str(), "\u{1F600}");
    // A lone surrogate is no character at all.
    assert_eq!(call_id(r#""\ud800""#), Err(FrameErrorKind::BadMessageId));
    assert_eq!(call_id(r#""""#), Err(FrameErrorKind::BadMessageId));
}

/// An id is written as it is (no scan) only when JSON escapes none of
/// its bytes, whichever way it was made; escaped or not, the same id.
#[test]
fn an_id_knows_whether_json_escapes_it() {
    let plain = |id: &MessageId| (id.is_plain(), id.as_str().to_string());
    assert_eq!(
        plain(&MessageId::new("abc-1").unwrap()),
        (true, "abc-1".into())
    );
    assert!(MessageId::from_u32(4_294_967_295).is_plain());
    assert!(MessageId::new("é ~").unwrap().is_plain());
    for s in ["a\"b", "a\\b", "\n", "x\u{1f}"] {
        assert_eq!(
            plain(&MessageId::new(s).unwrap()),
            (false, s.to_string()),
            "{s:?}"
        );
    }
    // From a frame: the fast path's plain id, and ids written with escapes.
    assert!(call_id(r#""19223201""#).unwrap().is_plain());
    assert_eq!(
        plain(&call_id(r#""\u0031\u0039""#).unwrap()),
        (true, "19".into())
    );
    assert_eq!(
        plain(&call_id(r#""a\"b""#).unwrap()),
        (false, "a\"b".into())
    );
    assert_eq!(
        plain(&call_id(r#""\u0001""#).unwrap()),
        (false, "\u{1}".into())
    );
}

#[test]
fn escaped_ids_are_peeked_from_broken_frames() {
    let frame = format!(r#"[2,"{}","Heartbeat",{{"#, r"\u0041".repeat(36));
    let e = parse(&frame).unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::NotJson);
    assert_eq!(
        e.reply(),
        Some((
            MessageId::new(&"A".repeat(36)).unwrap(),
            ErrorCode::FormationViolation
        ))
    );
    let frame = format!(r#"[2,"{}","Heartbeat",{{"#, r"\u0041".repeat(37));
    assert_eq!(parse(&frame).unwrap_err().reply(), None);
}

#[test]
fn answers_carry_a_json_string_equal_to_the_id() {
    use crate::{encode_call, encode_call_error, encode_call_result, Action, HeartbeatRequest};
    for id_json in [
        r#""\u0041\u0042""#,
        r#""a\"b\\c\/d""#,
        r#""\n\t\b\f\r\u0001\u001f\u007f""#,
        r#""\u00e9\ud83d\ude00 ü""#,
        "\"01234567-89ab-cdef-0123-456789abcdef\"",
    ] {
        let id = call_id(id_json).unwrap();
        let expected: String = serde_json::from_str(id_json).unwrap();
        assert_eq!(id.as_str(), expected);
        for kind in 0..3 {
            let mut buf = [0u8; 256];
            let n = match kind {
                0 => encode_call_result(&mut buf, &id, &HeartbeatRequest {}),
                1 => encode_call(&mut buf, &id, Action::Heartbeat, &HeartbeatRequest {}),
                _ => encode_call_error(&mut buf, &id, ErrorCode::GenericError, ""),
            }
            .unwrap();
            let frame: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
            assert_eq!(frame[1].as_str(), Some(expected.as_str()), "{id_json}");
            // And we read our own answer as the same id.
            assert_eq!(Frame::parse(&buf[..n], &Limits::DEFAULT).unwrap().id(), id);
        }
    }
    let n = encode_call_result(
        &mut [0u8; 64],
        &MessageId::new("a\"\n").unwrap(),
        &HeartbeatRequest {},
    );
    assert_eq!(n, Ok(r#"[3,"a\"\n",{}]"#.len()));
}

/// The action of the CALL `[2,"1",<action_json>,{}]`.
fn call_action(action_json: &str) -> Result<String, FrameErrorKind> {
    let frame = format!(r#"[2,"1",{action_json},{{}}]"#);
    match parse(&frame) {
        Ok(Frame::Call { action, .. }) => Ok(action.to_string()),
        Ok(f) => panic!("{f:?}"),
        Err(e) => Err(e.kind),
    }
}

#[test]
fn escaped_action_names_work_like_plain_ones() {
    assert_eq!(
        call_action(r#""Data\u0054ransfer""#).as_deref(),
        Ok("DataTransfer")
    );
    for &a in Action::ALL {
        let every_char: String = a
            .as_str()
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect();
        assert_eq!(
            call_action(&format!("\"{every_char}\"")).as_deref(),
            Ok(a.as_str())
        );
        let last_escaped = format!(
            "\"{}\\u{:04X}\"",
            &a.as_str()[..a.as_str().len() - 1],
            a.as_str().as_bytes()[a.as_str().len() - 1]
        );
        assert_eq!(
            call_action(&last_escaped).as_deref().map(Action::parse),
            Ok(Ok(a))
        );
    }
    assert_eq!(
        call_action(r#""Heart\/beat""#).as_deref(),
        Ok(r"Heart\/beat")
    );
}

#[test]
fn unknown_escaped_or_over_long_actions_are_unknown_actions() {
    // Unknown, over-long (escaped or not), broken escapes: parsed, and no
    // known action (the engine answers NotImplemented).
    for action_json in [
        r#""Foo\u0042ar""#.to_string(),
        format!("\"{}\"", r"\u0041".repeat(33)),
        format!("\"{}\"", r"\u0041".repeat(600)),
        format!("\"DataTransfer{}\"", r"\u0041".repeat(30)),
        format!("\"{}\"", "A".repeat(1000)),
        r#""\ud800""#.to_string(),
        r#""\u0000""#.to_string(),
        r#""Heartbeat\n""#.to_string(),
    ] {
        let action = call_action(&action_json).unwrap();
        assert_eq!(
            Action::parse(&action),
            Err(crate::UnknownVariant),
            "{action_json}"
        );
    }
    assert_eq!(call_action(r#""""#), Err(FrameErrorKind::BadAction));
    assert_eq!(call_action("7"), Err(FrameErrorKind::BadAction));
    assert_eq!(call_action("null"), Err(FrameErrorKind::BadAction));
}

#[test]
fn errors_display_for_people() {
    let e = parse(r#"[2,"19","Heartbeat",{"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"frame is not JSON (message type 2, id "19")"#
    );
    let e = parse(r#"[2,"a\"b","Heartbeat",null]"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"payload is not a JSON object (message type 2, id "a\"b")"#
    );
    assert_eq!(
        parse("{}").unwrap_err().to_string(),
        "frame is not a JSON array"
    );
    assert_eq!(
        parse(r#"[9,"x",{}]"#).unwrap_err().to_string(),
        r#"message type is not 2, 3 or 4 (message type 9, id "x")"#
    );
    assert_eq!(
        parse(r#"[2,7,"Heartbeat",{}]"#).unwrap_err().to_string(),
        "message id is not a string of 1 to 36 bytes (message type 2)"
    );
    assert_eq!(
        FrameErrorKind::TooLarge.to_string(),
        "frame larger than the size limit"
    );
    assert_eq!(
        FrameErrorKind::BadAction.to_string(),
        "action is not a string, or is empty"
    );
    for kind in [
        FrameErrorKind::TooLarge,
        FrameErrorKind::NotUtf8,
        FrameErrorKind::NotJson,
        FrameErrorKind::TooDeep,
        FrameErrorKind::NotAnArray,
        FrameErrorKind::UnknownMessageType,
        FrameErrorKind::BadMessageId,
        FrameErrorKind::BadAction,
        FrameErrorKind::WrongElementCount,
        FrameErrorKind::PayloadNotObject,
        FrameErrorKind::BadErrorCode,
        FrameErrorKind::BadErrorDescription,
    ] {
        // A sentence, not the variant's name.
        assert!(kind.to_string().contains(' '), "{kind:?}");
    }
}

/// The fast path gives what the full path gives: on a set of frames and
/// on every one-byte change of them (each byte replaced by each of a set
/// of bytes, deleted, or the frame cut there), under several limits.
#[test]
fn fast_path_agrees_with_the_full_path() {
    let seeds = [
        r#"[2,"19223201","Authorize",{"idTag":"ABCD1234"}]"#,
        r#"[3,"1",{"idTagInfo":{"status":"Accepted","expiryDate":"2027-01-01T00:00:00Z"}}]"#,
        r#"[2,"7","MeterValues",{"connectorId":1,"meterValue":[{"sampledValue":[{"value":"1"}]}]}] "#,
        r#"[3,"123456789012345678901234567890123456",{}]"#,
        r#"[4,"x","GenericError","d",{}]"#,
        "[2,\"a\",\"Heartbeat\",{} \n]\t",
    ];
    let subs = b"[]{}:,\" \\-02345tn\x01\x7f\xc3";
    let limits = [
        Limits::DEFAULT,
        Limits::new(4096, 0),
        Limits::new(4096, 1),
        Limits::new(4096, 2),
        Limits::new(4096, 3),
        Limits::new(40, 8),
        Limits::new(4096, 64),
    ];
    let mut checked = 0;
    let mut check = |bytes: &[u8]| {
        for limits in &limits {
            assert_eq!(
                Frame::parse(bytes, limits),
                Frame::parse_full(bytes, limits),
                "{:?} with {limits:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        checked += 1;
    };
    // The fast path reads the usual frames (and leaves the others).
    let fast = |s: &str| super::fast::parse(s.as_bytes(), &Limits::DEFAULT).is_some();
    assert_eq!(seeds.map(fast), [true, true, true, true, false, true]);
    for seed in seeds {
        let seed = seed.as_bytes();
        check(seed);
        for at in 0..seed.len() {
            check(&seed[..at]);
            let mut cut = seed.to_vec();
            cut.remove(at);
            check(&cut);
            for &b in subs {
                let mut changed = seed.to_vec();
                changed[at] = b;
                check(&changed);
                changed.insert(at, b);
                check(&changed);
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

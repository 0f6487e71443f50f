//! The generated recognisers of property names (`ocpp_object!`'s match),
//! against the official schemas: in every message, every property name
//! found in generated frames is accepted as written and fully escaped
//! (`"\u0069\u0064..."`), and its near misses (one character dropped,
//! added or changed, the case of one letter flipped) are refused as an
//! unknown property exactly when the schema refuses them.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use std::collections::BTreeSet;

use common::gen_core::gen_core_frame;
use common::*;
use ocpp_model::*;

/// Every property name any of `names`' schemas declares, at any depth.
fn schema_names(names: &[&str]) -> BTreeSet<String> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(serde_json::Value::Object(props)) = o.get("properties") {
                    out.extend(props.keys().cloned());
                }
                o.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for name in names {
        walk(&schema_json(name), &mut out);
    }
    out
}

/// The property names written in `payload` (`"name":` at any depth).
fn keys_in(payload: &[u8]) -> BTreeSet<String> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(o) => {
                for (k, v) in o {
                    out.insert(k.clone());
                    walk(v, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(&serde_json::from_slice(payload).unwrap(), &mut out);
    out
}

fn escaped(name: &str) -> String {
    name.chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect()
}

/// One character dropped, added or changed, one letter's case flipped.
fn near_misses(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = name.chars().collect();
    for i in 0..chars.len() {
        let mut dropped = chars.clone();
        dropped.remove(i);
        out.push(dropped.into_iter().collect());
        let mut flipped = chars.clone();
        flipped[i] = if chars[i].is_ascii_uppercase() {
            chars[i].to_ascii_lowercase()
        } else {
            chars[i].to_ascii_uppercase()
        };
        out.push(flipped.into_iter().collect());
        let mut changed = chars.clone();
        changed[i] = if chars[i] == 'x' { 'y' } else { 'x' };
        out.push(changed.into_iter().collect());
    }
    out.push(format!("{name}x"));
    out.push(format!("x{name}"));
    out.push(format!("{name} "));
    out.push(String::new());
    out
}

/// `payload` with its first `"from":` renamed to `"to":`.
fn renamed(payload: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = std::str::from_utf8(payload).unwrap();
    text.replacen(&format!("\"{from}\":"), &format!("\"{to}\":"), 1)
        .into_bytes()
}

#[test]
fn every_property_name_is_recognised_and_its_near_misses_are_not() {
    let pool = pool();
    let all: Vec<&str> = SLICE.iter().chain(CORE).copied().collect();
    let declared = schema_names(&all);
    let (mut accepted, mut refused) = (0usize, 0usize);
    for name in &all {
        let v = validator(name);
        let mut seen = BTreeSet::new();
        for seed in 0..40 {
            let mut r = Rng::new(seed);
            let frame = if SLICE.contains(name) {
                gen_frame(name, &mut r, &*pool)
            } else {
                gen_core_frame(name, &mut r, &*pool)
            };
            let payload = match Frame::parse(&frame, &Limits::DEFAULT).unwrap() {
                Frame::Call { payload, .. } | Frame::CallResult { payload, .. } => payload.to_vec(),
                Frame::CallError { .. } => unreachable!(),
            };
            decode_as(name, &payload, &*pool).unwrap();
            for key in keys_in(&payload) {
                if !seen.insert(key.clone()) {
                    continue;
                }
                let p = renamed(&payload, &key, &escaped(&key));
                assert_eq!(decode_as(name, &p, &*pool), Ok(()), "{name}: {key} escaped");
                accepted += 1;
                for miss in near_misses(&key) {
                    if declared.contains(&miss) {
                        continue; // another property's name: not a near miss
                    }
                    let p = renamed(&payload, &key, &miss);
                    let instance: serde_json::Value = serde_json::from_slice(&p).unwrap();
                    assert!(
                        !schema_errors(&v, &instance).is_empty(),
                        "{name}: the schema accepts {miss:?}"
                    );
                    assert_eq!(
                        decode_as(name, &p, &*pool),
                        Err(DecodeError::UNKNOWN_PROPERTY),
                        "{name}: {key} -> {miss:?}"
                    );
                    refused += 1;
                }
            }
        }
    }
    assert_eq!(pool.stats().in_use, 0);
    // Every declared name of these messages was met (the generators write
    // each optional property in some seed).
    assert!(
        accepted > 60 && refused > 1000,
        "{accepted} accepted, {refused} refused"
    );
}

/// A property name, an enum value and a date-time are matched as raw bytes
/// before anything checks their UTF-8: a string that is not UTF-8 is still
/// reported as not JSON (`FormationViolation`), whichever kind it is and
/// wherever the bad byte is, and one that is UTF-8 but no name or value
/// keeps its own verdict.
#[test]
fn strings_matched_as_bytes_are_still_checked_as_utf8() {
    let pool = pool();
    let boot = |payload: &[u8]| decode::<BootNotificationResponse, _>(payload, &*pool).map(|_| ());
    let ok = br#"{"status":"Accepted","currentTime":"2026-11-25T10:00:00Z","interval":300}"#;
    assert_eq!(boot(ok), Ok(()));
    for (from, to) in [
        // A property name: a stray byte, a byte in place of a letter, a
        // lone lead byte at its end, one behind an escape.
        (&b"\"status\""[..], &b"\"st\xffatus\""[..]),
        (b"\"interval\"", b"\"interv\x80l\""),
        (b"\"currentTime\"", b"\"currentTime\xc3\""),
        (b"\"status\"", b"\"st\\u0061tus\xff\""),
        // An enum value.
        (b"\"Accepted\"", b"\"Accept\xffed\""),
        (b"\"Accepted\"", b"\"Acc\\u0065pted\xe2\x82\""),
        // A date-time: of the usual length (read at fixed places), and not.
        (b"2026-11-25T10:00:00Z", b"2026-11-25T10:00:0\xffZ"),
        (b"2026-11-25T10:00:00Z", b"2026-11-25T10:00:00.5\xffZ"),
    ] {
        let payload = replaced(ok, from, to);
        assert_eq!(
            boot(&payload),
            Err(DecodeError::NOT_JSON),
            "{}",
            String::from_utf8_lossy(&payload)
        );
    }
    // UTF-8, but no name or value: the verdicts of any string.
    let unknown = replaced(ok, b"\"status\"", "\"stätus\"".as_bytes());
    assert_eq!(boot(&unknown), Err(DecodeError::UNKNOWN_PROPERTY));
    let value = replaced(ok, b"\"Accepted\"", "\"Accépted\"".as_bytes());
    assert_eq!(
        boot(&value).map_err(|e| e.code),
        Err(ErrorCode::PropertyConstraintViolation)
    );
    let when = replaced(ok, b"10:00:00Z", "10:00:0é".as_bytes());
    assert_eq!(
        boot(&when).map_err(|e| e.code),
        Err(ErrorCode::PropertyConstraintViolation)
    );
}

/// `payload` with its one `from` replaced by `to`.
fn replaced(payload: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = payload
        .windows(from.len())
        .position(|w| w == from)
        .expect("in the payload");
    [&payload[..at], to, &payload[at + from.len()..]].concat()
}

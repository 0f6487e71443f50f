//! Differential test: thousands of mutated frames, judged by our decoder and
//! by the oracle (serde_json + official schema + the rules this crate
//! documents: CiString charset, i32 integers, no duplicate keys, frame size
//! and depth limits, date-times without an offset read as UTC). The
//! verdicts must agree.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::*;

const MUTANTS_PER_MESSAGE: usize = 3000;

/// Bytes a mutation likes to insert: JSON structure, digits, escapes, edge
/// characters, invalid UTF-8.
const INTERESTING: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\"",
    b"\\",
    b"0",
    b"1",
    b"-",
    b".",
    b"e",
    b"9",
    b" ",
    b"t",
    b"n",
    b"null",
    b"true",
    b"\\u0041",
    b"\\u00e9",
    b"\\n",
    b"\xc3\xa9",
    b"\xff",
    b"\x00",
    b"Z",
    b"T",
    b"+01:00",
    b"\"x\":1",
    b"2147483648",
    b"1.5",
    b"{}",
    b"[]",
    b"\"\"",
];

fn mutate(r: &mut Rng, frame: &[u8]) -> Vec<u8> {
    let mut out = frame.to_vec();
    for _ in 0..=r.below(2) {
        let at = r.below(out.len() as u64 + 1) as usize;
        match r.below(6) {
            0 if at < out.len() => {
                out.remove(at);
            }
            1 if at < out.len() => out[at] = r.pick(INTERESTING)[0],
            2 if at < out.len() => out[at] ^= 1 << r.below(8),
            3 => {
                let ins = r.pick(INTERESTING);
                out.splice(at..at, ins.iter().copied());
            }
            4 => out.truncate(at),
            _ => {
                // Duplicate a span (repeats keys, values, brackets).
                let end = (at + 1 + r.below(24) as usize).min(out.len());
                let span = out[at.min(end)..end].to_vec();
                out.splice(at..at, span);
            }
        }
    }
    out
}

/// Whether the JSON text holds a `-0` (serde_json: the float -0.0).
fn has_negative_zero(json: &[u8]) -> bool {
    fn walk(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) => {
                n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative())
            }
            serde_json::Value::Array(a) => a.iter().any(walk),
            serde_json::Value::Object(o) => o.values().any(walk),
            _ => false,
        }
    }
    serde_json::from_slice(json).is_ok_and(|v| walk(&v))
}

type Gen = fn(&str, &mut Rng, &Pool<Talc>) -> Vec<u8>;

/// Mutates frames of each message of `names` made by `gen`; our verdict on
/// each mutant must be the oracle's.
fn differential(names: &[&str], gen: Gen, seed: u64) {
    let pool = pool();
    let mut totals = (0usize, 0usize);
    for (k, name) in names.iter().enumerate() {
        let v = validator(name);
        let schema = schema_json(name);
        let mut r = Rng::new(seed + k as u64);
        let (mut accepted, mut rejected) = (0, 0);
        for _ in 0..MUTANTS_PER_MESSAGE {
            let frame = gen(name, &mut r, &pool);
            let mutant = mutate(&mut r, &frame);
            let our = ours(name, &mutant, &*pool);
            let theirs = oracle(name, &mutant, &v, &schema);
            // Documented: `-0` is read as the integer 0, which serde_json
            // reads as the float -0.0 that draft-04 `integer` refuses.
            let lenient = has_negative_zero(&mutant);
            assert!(
                our.is_ok() == theirs.is_ok() || (lenient && our.is_ok()),
                "{name}: {}\n ours: {our:?}\n oracle: {theirs:?}",
                String::from_utf8_lossy(&mutant)
            );
            if our.is_ok() {
                accepted += 1;
            } else {
                rejected += 1;
            }
            assert_eq!(pool.stats().in_use, 0);
        }
        // Both verdicts occur, or the comparison would be vacuous. (Heartbeat
        // and StatusNotificationResponse have empty payloads: fewer survive.)
        assert!(
            accepted > 20 && rejected > MUTANTS_PER_MESSAGE / 4,
            "{name}: {accepted} / {rejected}"
        );
        totals.0 += accepted;
        totals.1 += rejected;
    }
    println!("mutants accepted: {}, rejected: {}", totals.0, totals.1);
}

#[test]
fn mutated_frames_get_the_oracles_verdict() {
    differential(SLICE, |name, r, a| gen_frame(name, r, a), 100);
}

#[test]
fn mutated_core_frames_get_the_oracles_verdict() {
    differential(
        CORE,
        |name, r, a| common::gen_core::gen_core_frame(name, r, a),
        200,
    );
}

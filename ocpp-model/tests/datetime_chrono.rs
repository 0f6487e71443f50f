//! Differential test of `DateTime` against chrono's RFC 3339 parser, an
//! independent and widely used implementation, over generated date-times:
//! every year 0000..=9999 can come up, every month length, leap years,
//! offsets from -23:59 to +23:59, fractions of 0 to 9 digits (and longer).
//!
//! - Where chrono accepts a string, we read the same instant (to the
//!   millisecond), or refuse it for a documented reason.
//! - Where chrono refuses a string, we refuse it too, except the form we
//!   accept on purpose: no offset, read as UTC (chrono accepts it with `Z`
//!   appended, and we must then read the same instant).
//! - What we write, chrono reads back as the same instant.
//!
//! The documented differences, where chrono accepts and we refuse: a space
//! for `T` (RFC 3339 §5.6 lets an application choose it; OCPP's schemas do
//! not), chrono's U+2212 minus sign in offsets, and instants outside the
//! years 0000..=9999 in UTC (which RFC 3339 cannot write).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::Rng;
use ocpp_model::DateTime;

const GENERATED: usize = 100_000;
const MUTANTS: usize = 100_000;

/// chrono's reading, in milliseconds since the epoch.
fn chrono_ms(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.timestamp_millis())
}

/// Ours.
fn our_ms(s: &str) -> Option<i64> {
    DateTime::parse(s).ok().map(DateTime::unix_millis)
}

fn in_our_range(ms: i64) -> bool {
    (DateTime::MIN.unix_millis()..=DateTime::MAX.unix_millis()).contains(&ms)
}

/// Where chrono may accept what we refuse, on purpose.
fn documented_refusal(s: &str) -> bool {
    s.as_bytes().get(10) == Some(&b' ') || s.contains('\u{2212}')
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date-time string, mostly valid: any year, any month, any day of that
/// month (sometimes one past its end), hour 24 or second 60 now and then,
/// 0 to 9 fraction digits (sometimes many more), and `Z`, `z`, no offset or
/// a `±hh:mm` offset of up to 23:59.
fn generate(r: &mut Rng) -> String {
    let year = match r.below(10) {
        0 => r.pick(&[0, 1, 1600, 1900, 1969, 1970, 2000, 2024, 2100, 9999]),
        _ => r.below(10_000) as u32,
    };
    let month = 1 + r.below(12) as u32;
    let dim = days_in_month(year, month);
    let day = match r.below(20) {
        0 => dim + 1,
        1 => dim,
        _ => 1 + r.below(u64::from(dim)) as u32,
    };
    let hour = if r.chance(2) { 24 } else { r.below(24) };
    let second = if r.chance(2) { 60 } else { r.below(60) };
    let sep = if r.chance(10) { 't' } else { 'T' };
    let mut s = format!(
        "{year:04}-{month:02}-{day:02}{sep}{hour:02}:{:02}:{second:02}",
        r.below(60)
    );
    let digits = match r.below(12) {
        10 => 10 + r.below(30),
        11 => 0,
        n => n.min(9),
    };
    if digits > 0 {
        s.push('.');
        for _ in 0..digits {
            s.push(char::from(b'0' + r.below(10) as u8));
        }
    }
    match r.below(8) {
        0 => s.push('Z'),
        1 => s.push('z'),
        2 => {}
        _ => {
            let sign = if r.chance(50) { '+' } else { '-' };
            let (oh, om) = match r.below(8) {
                0 => (23, 59),
                1 => (0, 0),
                _ => (r.below(24), r.below(60)),
            };
            s.push_str(&format!("{sign}{oh:02}:{om:02}"));
        }
    }
    s
}

/// One to three edits of `s`: a byte deleted, replaced or inserted, or the
/// end cut off.
fn mutate(r: &mut Rng, s: &str) -> String {
    const BITS: &[&str] = &[
        "0", "9", "1", "-", "+", ":", ".", "T", "t", "Z", "z", " ", "\u{2212}", "é", "60", "24",
        "00",
    ];
    let mut out = s.to_string();
    for _ in 0..=r.below(3) {
        let chars: Vec<char> = out.chars().collect();
        let at = r.below(chars.len() as u64 + 1) as usize;
        let (head, tail): (String, String) = (
            chars[..at].iter().collect(),
            chars[at..].iter().skip(1).collect(),
        );
        let here: String = chars.get(at).map(|c| c.to_string()).unwrap_or_default();
        out = match r.below(4) {
            0 => head + &tail,
            1 => head + r.pick(BITS) + &tail,
            2 => head + r.pick(BITS) + &here + &tail,
            _ => head,
        };
    }
    out
}

/// Checks one string against chrono; returns whether we accepted it.
#[track_caller]
fn judge(s: &str) -> bool {
    let ours = our_ms(s);
    match chrono_ms(s) {
        Some(ms) if in_our_range(ms) && !documented_refusal(s) => {
            assert_eq!(ours, Some(ms), "{s:?}: chrono reads {ms}")
        }
        Some(_) => assert_eq!(ours, None, "{s:?}: out of range, or documented"),
        None => match chrono_ms(&format!("{s}Z")) {
            // No offset: we read it as UTC, on purpose.
            Some(ms) if in_our_range(ms) && !documented_refusal(s) => {
                assert_eq!(
                    ours,
                    Some(ms),
                    "{s:?} (no offset): chrono reads {ms} with Z"
                )
            }
            _ => assert_eq!(ours, None, "{s:?}: chrono refuses it"),
        },
    }
    ours.is_some()
}

#[test]
fn generated_date_times_read_as_chrono_reads_them() {
    let mut r = Rng::new(3339);
    let (mut accepted, mut naive, mut offsets, mut leap_days) = (0, 0, 0, 0);
    for _ in 0..GENERATED {
        let s = generate(&mut r);
        if judge(&s) {
            accepted += 1;
            naive += usize::from(chrono_ms(&s).is_none());
            offsets += usize::from(s.len() >= 6 && s.as_bytes()[s.len() - 3] == b':');
            leap_days += usize::from(&s[4..10] == "-02-29");
        }
    }
    // The generator reaches what it is meant to reach.
    assert!(accepted > GENERATED * 3 / 4, "{accepted}");
    assert!(naive > GENERATED / 20, "{naive}");
    assert!(offsets > GENERATED / 3, "{offsets}");
    assert!(leap_days > 50, "{leap_days}");
}

#[test]
fn mutated_date_times_are_refused_where_chrono_refuses_them() {
    let mut r = Rng::new(5_6);
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..MUTANTS {
        let valid = generate(&mut r);
        let s = mutate(&mut r, &valid);
        if judge(&s) {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    // Most edits break a date-time; some make another valid one.
    assert!(
        accepted > MUTANTS / 20 && refused > MUTANTS / 2,
        "{accepted} / {refused}"
    );
}

#[test]
fn what_we_write_chrono_reads_as_the_same_instant() {
    let mut r = Rng::new(8601);
    let span = (DateTime::MAX.unix_millis() - DateTime::MIN.unix_millis()) as u64;
    for i in 0..GENERATED {
        let ms = match i {
            0 => DateTime::MIN.unix_millis(),
            1 => DateTime::MAX.unix_millis(),
            2 => 0,
            3 => -1,
            _ => DateTime::MIN.unix_millis() + r.below(span + 1) as i64,
        };
        let ms = if r.chance(30) {
            ms - ms.rem_euclid(1000)
        } else {
            ms
        };
        let written = DateTime::from_unix_millis(ms).to_string();
        assert!(written.ends_with('Z'), "{written}");
        assert_eq!(chrono_ms(&written), Some(ms), "{written}");
        assert_eq!(our_ms(&written), Some(ms), "{written}");
    }
}

/// The documented differences exist (else the exceptions above would be
/// wider than they need to be), and chrono agrees on the cases the task
/// was about.
#[test]
fn documented_differences() {
    assert!(chrono_ms("2026-11-25 10:00:00Z").is_some());
    assert_eq!(our_ms("2026-11-25 10:00:00Z"), None);
    assert!(chrono_ms("2026-11-25T10:00:00\u{2212}01:00").is_some());
    assert_eq!(our_ms("2026-11-25T10:00:00\u{2212}01:00"), None);
    assert!(chrono_ms("9999-12-31T23:59:59-00:01").is_some());
    assert_eq!(our_ms("9999-12-31T23:59:59-00:01"), None);
    assert_eq!(chrono_ms("2026-11-25T10:00:00.123456"), None);
    assert_eq!(
        our_ms("2026-11-25T10:00:00.123456"),
        chrono_ms("2026-11-25T10:00:00.123456Z")
    );
    for bad in [
        "2026-02-30T10:00:00Z",
        "2026-13-01T10:00:00Z",
        "2026-11-25T24:00:00Z",
    ] {
        assert_eq!((chrono_ms(bad), our_ms(bad)), (None, None), "{bad}");
    }
}

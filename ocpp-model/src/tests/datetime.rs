//! `DateTime`'s tests: reading, writing, and the decoder's reading of a
//! JSON string (in their own file: `datetime.rs` is the type).

use super::*;

fn p(s: &str) -> Option<i64> {
    DateTime::parse(s).ok().map(DateTime::unix_millis)
}

fn w(ms: i64) -> String {
    DateTime::from_unix_millis(ms)
        .write(&mut [0; 24])
        .to_string()
}

#[test]
fn parses_rfc3339() {
    assert_eq!(p("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(p("2026-11-25T16:21:50Z"), Some(1_795_623_710_000));
    assert_eq!(p("2026-11-25t16:21:50z"), Some(1_795_623_710_000));
    assert_eq!(p("2026-11-25T17:21:50+01:00"), Some(1_795_623_710_000));
    assert_eq!(p("2026-11-25T15:51:50-00:30"), Some(1_795_623_710_000));
    assert_eq!(p("1970-01-01T00:00:00.5Z"), Some(500));
    assert_eq!(p("1970-01-01T00:00:00.123456789Z"), Some(123));
    assert_eq!(p("1969-12-31T23:59:59.999Z"), Some(-1));
    assert_eq!(p("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
    assert_eq!(p("2016-12-31T23:59:60Z"), p("2017-01-01T00:00:00Z"));
    assert_eq!(p("0000-01-01T00:00:00Z"), Some(DateTime::MIN.unix_millis()));
    assert_eq!(
        p("9999-12-31T23:59:59.999Z"),
        Some(DateTime::MAX.unix_millis())
    );
}

#[test]
fn reads_a_date_time_without_offset_as_utc() {
    let utc = p("2026-11-25T10:00:00Z");
    assert_eq!(p("2026-11-25T10:00:00"), utc);
    assert_eq!(p("2026-11-25t10:00:00"), utc);
    // Python's datetime.utcnow().isoformat(): microseconds, no offset.
    assert_eq!(p("2026-11-25T10:00:00.123456"), utc.map(|ms| ms + 123));
    assert_eq!(
        p("9999-12-31T23:59:59.999"),
        Some(DateTime::MAX.unix_millis())
    );
    assert_eq!(p("0000-01-01T00:00:00"), Some(DateTime::MIN.unix_millis()));
}

#[test]
fn fractions_of_any_length_are_truncated_to_milliseconds() {
    let base = p("2026-11-25T10:00:00Z").unwrap();
    for (frac, ms) in [
        ("1", 100),
        ("12", 120),
        ("123", 123),
        ("1239", 123),
        ("999999", 999),
        ("000000001", 0),
        ("0999999999999999999999999999999999999999999999999999", 99),
    ] {
        assert_eq!(p(&format!("2026-11-25T10:00:00.{frac}Z")), Some(base + ms));
        assert_eq!(p(&format!("2026-11-25T10:00:00.{frac}")), Some(base + ms));
    }
    let long = format!("2026-11-25T10:00:00.{}+01:00", "9".repeat(10_000));
    assert_eq!(p(&long), Some(base - 3_600_000 + 999));
}

#[test]
fn rejects_what_is_not_rfc3339() {
    for s in [
        "",
        "2026-11-25",
        "2026-11-25 16:21:50Z",
        "2026-11-25 16:21:50",
        "2026-11-25T16:21",
        "2026-11-25T16:21:50 ",
        "2026-11-25T16:21:50.",
        "2026-11-25T16:21:50.123.4Z",
        "2026-11-25T16:21:50,5Z",
        "2026-11-25T16:21:50+01",
        "2026-11-25T16:21:50+01:0",
        "2026-11-25T16:21:50+01:00Z",
        "2026-11-25T16:21:50ZZ",
        "2026-11-25T16:21:50\u{2212}01:00",
        "2026-02-30T00:00:00Z",
        "2026-02-30T00:00:00",
        "2026-13-01T00:00:00",
        "2026-11-25T24:00:00",
        "2026-11-25T24:00:00Z",
        "garbage",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-11-25T24:00:00Z",
        "2026-11-25T16:60:00Z",
        "2026-11-25T16:21:61Z",
        "2026-11-25T16:21:50.Z",
        "2026-11-25T16:21:50+0100",
        "2026-11-25T16:21:50+24:00",
        "2026-11-25T16:21:50Zx",
        "26-11-25T16:21:50Z",
        "2026-1-25T16:21:50Z",
        "+2026-11-25T16:21:50Z",
        "2026-11-25T16:21:5OZ",
        "0000-01-01T00:00:00+00:01",
        "9999-12-31T23:59:59-00:01",
        "２026-11-25T16:21:50Z",
    ] {
        assert_eq!(DateTime::parse(s), Err(DateTimeError), "{s:?}");
    }
}

/// The `currentTime` of a HeartbeatResponse whose JSON string is `json`
/// (escapes in), as the decoder reads it.
fn time(json: &str) -> Result<i64, crate::DecodeError> {
    let payload = format!(r#"{{"currentTime":"{json}"}}"#);
    crate::decode::<crate::HeartbeatResponse, _>(payload.as_bytes(), crate::test_util::heap())
        .map(|r| r.current_time.unix_millis())
}

/// What the decoder says of a date-time it refuses.
fn invalid() -> Result<i64, crate::DecodeError> {
    Err(crate::DecodeError::new(
        crate::ErrorCode::PropertyConstraintViolation,
        "currentTime: invalid date-time",
    ))
}

#[test]
fn decodes_escaped_and_long_date_times_without_a_buffer() {
    let utc = p("2026-11-25T10:00:00.123Z").unwrap();
    assert_eq!(time("2026-11-25T10:00:00.123456"), Ok(utc));
    assert_eq!(time(r"2026-11-25T10:00:00.123Z"), Ok(utc));
    assert_eq!(
        time(&format!("2026-11-25T10:00:00.123{}", "4".repeat(500))),
        Ok(utc)
    );
    for bad in [
        "2026-02-30T10:00:00",
        "2026-13-01T10:00:00Z",
        "2026-11-25T24:00:00",
        "garbage",
        r"2026-11-25T10:00:00\u00e9",
        r"2026-11-25T10:00:00\ud800",
        r"2026-11-25T10:00:00Z\ud800",
        "２026-11-25T10:00:00Z",
    ] {
        assert_eq!(time(bad), invalid(), "{bad}");
    }
}

#[test]
fn error_displays_for_people() {
    assert_eq!(
        DateTime::parse("garbage").unwrap_err().to_string(),
        "not an RFC 3339 date-time (or one without offset) within the years 0000 to 9999"
    );
}

/// The fixed-place reading of `YYYY-MM-DDTHH:MM:SSZ` gives what the
/// general one gives, on every one-byte change of a few of them.
#[test]
fn plain_utc_form_is_read_as_the_general_reader_reads_it() {
    let subs = b"0123456789-:TtZz.+ \xff";
    let mut read = 0;
    for seed in [
        "2026-11-25T16:21:50Z",
        "2024-02-29T23:59:60z",
        "0000-01-01t00:00:00Z",
        "9999-12-31T23:59:59Z",
    ] {
        for at in 0..20 {
            for &b in subs {
                let mut s = seed.as_bytes().to_vec();
                s[at] = b;
                if let Some(r) = DateTime::parse_plain_utc(&s) {
                    assert_eq!(r, DateTime::parse_bytes(s.iter().copied()), "{s:?}");
                    read += 1;
                }
            }
        }
        let plain = DateTime::parse_plain_utc(seed.as_bytes());
        assert_eq!(plain, Some(DateTime::parse(seed)), "{seed}");
    }
    assert!(read > 400, "{read}");
    assert_eq!(DateTime::parse_plain_utc(b"2026-11-25T16:21:50.1Z"), None);
    assert_eq!(
        DateTime::parse_plain_utc(b"2026-11-25T16:21:50+00:00"),
        None
    );
}

#[test]
fn writes_utc() {
    assert_eq!(w(0), "1970-01-01T00:00:00Z");
    assert_eq!(w(1_795_623_710_000), "2026-11-25T16:21:50Z");
    assert_eq!(w(1_795_623_710_007), "2026-11-25T16:21:50.007Z");
    assert_eq!(w(-1), "1969-12-31T23:59:59.999Z");
    assert_eq!(w(i64::MIN), "0000-01-01T00:00:00Z");
    assert_eq!(w(i64::MAX), "9999-12-31T23:59:59.999Z");
    assert_eq!(
        DateTime::from_unix_millis(5).to_string(),
        "1970-01-01T00:00:00.005Z"
    );
}

#[test]
fn write_then_parse_is_identity() {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let span = (DateTime::MAX.unix_millis() - DateTime::MIN.unix_millis()) as u64;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let ms = DateTime::MIN.unix_millis() + (x % span) as i64;
        let ms = if x & 1 == 0 { ms - ms % 1000 } else { ms };
        assert_eq!(p(&w(ms)), Some(ms));
    }
}

/// February 29th exists in the years divisible by 4 but not by 100, and in
/// those divisible by 400: a central system's date of a century year is
/// accepted or refused as the calendar says.
#[test]
fn february_29th_of_century_years_follows_the_gregorian_rule() {
    for (date, ms) in [
        ("2000-02-29T00:00:00Z", Some(951_782_400_000)),
        ("2400-02-29T00:00:00Z", Some(13_574_563_200_000)),
        ("1600-02-29T00:00:00Z", Some(-11_670_998_400_000)),
        ("1900-02-29T00:00:00Z", None),
        ("2100-02-29T00:00:00Z", None),
        ("2200-02-29T00:00:00Z", None),
        ("2023-02-29T00:00:00Z", None),
    ] {
        assert_eq!(p(date), ms, "{date}");
        // The general reader, through an offset, says the same.
        let shifted = date.replace('Z', "+00:00");
        assert_eq!(p(&shifted), ms, "{shifted}");
    }
    assert_eq!(w(951_782_400_000), "2000-02-29T00:00:00Z");
    assert_eq!(w(13_574_563_200_000), "2400-02-29T00:00:00Z");
}

/// Offsets up to ±23:59 are read; an hour of 24 or a minute of 60 is not an
/// offset.
#[test]
fn offsets_are_read_up_to_23_59_either_way() {
    let utc = p("2026-11-25T12:00:00Z").unwrap();
    assert_eq!(p("2026-11-26T11:59:00+23:59"), Some(utc));
    assert_eq!(p("2026-11-24T12:01:00-23:59"), Some(utc));
    assert_eq!(p("2026-11-25T13:59:00+01:59"), Some(utc));
    assert_eq!(p("2026-11-25T12:00:00.250-00:00"), Some(utc + 250));
    for bad in [
        "2026-11-25T12:00:00+23:60",
        "2026-11-25T12:00:00-24:00",
        "2026-11-25T12:00:00+01:60",
        "2026-11-25T12:00:00+99:00",
    ] {
        assert_eq!(p(bad), None, "{bad}");
    }
}

/// A central system may escape any character of a JSON string: the
/// date-time is what the escapes spell. An escaped character beyond ASCII
/// is no part of a date-time, even one whose low byte would be (U+0132 `Ĳ`
/// is 0x0132, U+0130 `İ` 0x0130).
#[test]
fn an_escaped_date_time_is_read_as_what_it_spells() {
    let utc = p("2026-11-25T10:00:00.123Z").unwrap();
    assert_eq!(time(r"2026-11-25\u005410:00:00.123\u005A"), Ok(utc));
    assert_eq!(time(r"\u0032026-11-25T10:00:00.123"), Ok(utc));
    assert_eq!(time(r"2026\u002d11-25T10:00:00.123+00:00"), Ok(utc));
    for bad in [
        r"\u0132026-11-25T10:00:00.123Z",
        r"2026-11-25T10:00:0\u0130.123Z",
        r"2026-11-25T10:00:00.123\/",
        r"2026-11-25T10:00:00.123\u005A\u005A",
    ] {
        assert_eq!(time(bad), invalid(), "{bad}");
    }
}

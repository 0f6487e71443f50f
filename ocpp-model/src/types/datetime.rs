//! `dateTime`: an instant in UTC with millisecond resolution.

use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Serialize, Serializer};

use crate::codec::{Cx, Decode, Violation};
use crate::scan;
use crate::Allocator;

/// An OCPP `dateTime`: milliseconds since 1970-01-01T00:00:00Z, kept within
/// the years 0000 to 9999 (what RFC 3339 can write).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    ms: i64,
}

/// A string that is not an RFC 3339 date-time this type can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTimeError;

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an RFC 3339 date-time between years 0000 and 9999")
    }
}

impl core::error::Error for DateTimeError {}

const MS_PER_DAY: i64 = 86_400_000;

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day count from 1970-01-01.
const fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

const fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl DateTime {
    /// 0000-01-01T00:00:00.000Z.
    pub const MIN: DateTime = DateTime {
        ms: days_from_civil(0, 1, 1) * MS_PER_DAY,
    };
    /// 9999-12-31T23:59:59.999Z.
    pub const MAX: DateTime = DateTime {
        ms: days_from_civil(10_000, 1, 1) * MS_PER_DAY - 1,
    };

    /// The instant `ms` milliseconds after the Unix epoch, clamped to
    /// [`DateTime::MIN`]..=[`DateTime::MAX`].
    pub const fn from_unix_millis(ms: i64) -> Self {
        if ms < Self::MIN.ms {
            Self::MIN
        } else if ms > Self::MAX.ms {
            Self::MAX
        } else {
            DateTime { ms }
        }
    }

    /// Milliseconds since the Unix epoch.
    pub const fn unix_millis(self) -> i64 {
        self.ms
    }

    /// Reads an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, an optional
    /// fraction of any number of digits (kept to milliseconds, truncated), and
    /// `Z` or a `±hh:mm` offset (normalized to UTC). `T` and `Z` may be lower
    /// case. A leap second (`:60`) is read as the first second of the next
    /// minute. A value outside the years 0000..=9999 in UTC is an error.
    pub fn parse(s: &str) -> Result<Self, DateTimeError> {
        let b = s.as_bytes();
        let num = |from: usize, len: usize| -> Result<i64, DateTimeError> {
            let digits = b.get(from..from + len).ok_or(DateTimeError)?;
            digits.iter().try_fold(0i64, |acc, &d| {
                if d.is_ascii_digit() {
                    Ok(acc * 10 + i64::from(d - b'0'))
                } else {
                    Err(DateTimeError)
                }
            })
        };
        let lit = |at: usize, c: &[u8]| -> Result<(), DateTimeError> {
            match b.get(at) {
                Some(x) if c.contains(x) => Ok(()),
                _ => Err(DateTimeError),
            }
        };
        let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
        let (h, mi, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
        lit(4, b"-")?;
        lit(7, b"-")?;
        lit(10, b"Tt")?;
        lit(13, b":")?;
        lit(16, b":")?;
        if !(1..=12).contains(&mo)
            || d < 1
            || d > days_in_month(y, mo)
            || h > 23
            || mi > 59
            || sec > 60
        {
            return Err(DateTimeError);
        }
        let mut i = 19;
        let mut frac_ms = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                if i - start < 3 {
                    frac_ms = frac_ms * 10 + i64::from(b[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return Err(DateTimeError);
            }
            for _ in (i - start)..3 {
                frac_ms *= 10;
            }
        }
        let offset_min = match b.get(i) {
            Some(b'Z' | b'z') => {
                i += 1;
                0
            }
            Some(&sign @ (b'+' | b'-')) => {
                let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
                lit(i + 3, b":")?;
                if oh > 23 || om > 59 {
                    return Err(DateTimeError);
                }
                i += 6;
                let m = oh * 60 + om;
                if sign == b'-' {
                    -m
                } else {
                    m
                }
            }
            _ => return Err(DateTimeError),
        };
        if i != b.len() {
            return Err(DateTimeError);
        }
        let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60;
        let ms = secs * 1000 + frac_ms;
        if !(Self::MIN.ms..=Self::MAX.ms).contains(&ms) {
            return Err(DateTimeError);
        }
        Ok(DateTime { ms })
    }

    /// Writes the UTC form into `buf`: `YYYY-MM-DDTHH:MM:SSZ`, or
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` when the milliseconds are not 0.
    pub fn write(self, buf: &mut [u8; 24]) -> &str {
        let ms = Self::from_unix_millis(self.ms).ms;
        let days = ms.div_euclid(MS_PER_DAY);
        let in_day = ms.rem_euclid(MS_PER_DAY);
        let (y, mo, d) = civil_from_days(days);
        let secs = in_day / 1000;
        let frac = in_day % 1000;
        let mut put = |at: usize, width: u32, v: i64| {
            for k in 0..width as usize {
                let digit = (v / 10i64.pow(width - 1 - k as u32)) % 10;
                buf[at + k] = b'0' + digit as u8;
            }
        };
        put(0, 4, y);
        put(5, 2, mo);
        put(8, 2, d);
        put(11, 2, secs / 3600);
        put(14, 2, secs / 60 % 60);
        put(17, 2, secs % 60);
        put(20, 3, frac);
        buf[4] = b'-';
        buf[7] = b'-';
        buf[10] = b'T';
        buf[13] = b':';
        buf[16] = b':';
        let len = if frac == 0 {
            buf[19] = b'Z';
            20
        } else {
            buf[19] = b'.';
            buf[23] = b'Z';
            24
        };
        core::str::from_utf8(&buf[..len]).unwrap_or_default()
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.write(&mut [0; 24]))
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.write(&mut [0; 24]))
    }
}

/// Date-times are unescaped into a 64-byte stack buffer: a longer string
/// (a fraction of more than ~35 digits) is rejected as invalid.
impl<A: Allocator + Clone> Decode<A> for DateTime {
    const VIOLATIONS: u16 = Violation::BadDateTime.bit();

    fn decode<'de, D: Deserializer<'de>>(cx: &Cx<A>, d: D) -> Result<Self, D::Error> {
        struct V<'c, A>(&'c Cx<A>);
        impl<A: Allocator + Clone> Visitor<'_> for V<'_, A> {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time string")
            }
            fn visit_str<E: de::Error>(self, raw: &str) -> Result<DateTime, E> {
                let mut buf = [0u8; 64];
                scan::unescape_into(raw, &mut buf)
                    .and_then(|s| DateTime::parse(s).ok())
                    .ok_or_else(|| self.0.fail(Violation::BadDateTime))
            }
        }
        d.deserialize_str(V(cx))
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_types)]
mod tests {
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
    fn rejects_what_is_not_rfc3339() {
        for s in [
            "",
            "2026-11-25",
            "2026-11-25T16:21:50",
            "2026-11-25 16:21:50Z",
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
}

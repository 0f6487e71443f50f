//! `dateTime`: an instant in UTC with millisecond resolution.

use core::fmt;

use serde::{Serialize, Serializer};

use crate::codec::{Cx, Decode, Failed, Reader, Violation};
use crate::scan::Unescape;
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
        f.write_str(
            "not an RFC 3339 date-time (or one without offset) within the years 0000 to 9999",
        )
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

/// Reads the parts of a date-time from its bytes.
struct Cursor<I: Iterator<Item = u8>>(core::iter::Peekable<I>);

impl<I: Iterator<Item = u8>> Cursor<I> {
    /// Exactly `n` decimal digits (n <= 4), as a number.
    fn digits(&mut self, n: usize) -> Result<i64, DateTimeError> {
        let mut v = 0;
        for _ in 0..n {
            match self.0.next() {
                Some(d @ b'0'..=b'9') => v = v * 10 + i64::from(d - b'0'),
                _ => return Err(DateTimeError),
            }
        }
        Ok(v)
    }

    /// One of the bytes `sep`, then `n` digits.
    fn then(&mut self, sep: &[u8], n: usize) -> Result<i64, DateTimeError> {
        match self.0.next() {
            Some(b) if sep.contains(&b) => self.digits(n),
            _ => Err(DateTimeError),
        }
    }

    /// An optional `.` and at least one digit, of which the first three
    /// count (milliseconds) and the rest are read and dropped.
    fn fraction_ms(&mut self) -> Result<i64, DateTimeError> {
        if self.0.next_if_eq(&b'.').is_none() {
            return Ok(0);
        }
        let (mut ms, mut n) = (0, 0);
        while let Some(d) = self.0.next_if(u8::is_ascii_digit) {
            if n < 3 {
                ms = ms * 10 + i64::from(d - b'0');
            }
            n += 1;
        }
        if n == 0 {
            return Err(DateTimeError);
        }
        for _ in n..3 {
            ms *= 10;
        }
        Ok(ms)
    }

    /// `Z`, `z`, `+hh:mm`, `-hh:mm` (at most 23:59), or none (UTC): the
    /// offset in minutes east of UTC.
    fn offset_minutes(&mut self) -> Result<i64, DateTimeError> {
        let sign = match self.0.peek() {
            None => return Ok(0),
            Some(b'Z' | b'z') => {
                self.0.next();
                return Ok(0);
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return Err(DateTimeError),
        };
        self.0.next();
        let (oh, om) = (self.digits(2)?, self.then(b":", 2)?);
        if oh > 23 || om > 59 {
            return Err(DateTimeError);
        }
        Ok(sign * (oh * 60 + om))
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

    /// Reads an RFC 3339 date-time (§5.6): `YYYY-MM-DDTHH:MM:SS`, an
    /// optional fraction of any number of digits (kept to milliseconds,
    /// truncated), then `Z`, a `±hh:mm` offset (normalized to UTC), or
    /// nothing: a date-time without an offset is read as UTC.
    ///
    /// - `t` and `z` may be lower case: the RFC's grammar is ABNF, whose
    ///   literals are case-insensitive (its §5.6 note says so).
    /// - A space instead of `T` is refused: §5.6 only lets an application
    ///   choose it, it is not in the grammar that OCPP's schemas name
    ///   (`format: date-time`).
    /// - A missing offset is not RFC 3339 either, but central systems send
    ///   it (Python's `datetime.utcnow().isoformat()`, as in the README of
    ///   the Python `ocpp` package); OCPP recommends UTC, so UTC it is.
    /// - A leap second (`:60`) is read as the first second of the next
    ///   minute. A value outside the years 0000..=9999 in UTC is an error.
    pub fn parse(s: &str) -> Result<Self, DateTimeError> {
        Self::parse_bytes(s.as_bytes().iter().copied())
    }

    /// [`DateTime::parse`] over the bytes of the text, one at a time (a
    /// JSON string is read while it is unescaped, without a buffer).
    fn parse_bytes(bytes: impl Iterator<Item = u8>) -> Result<Self, DateTimeError> {
        let mut c = Cursor(bytes.peekable());
        let (y, mo, d) = (c.digits(4)?, c.then(b"-", 2)?, c.then(b"-", 2)?);
        let (h, mi, sec) = (c.then(b"Tt", 2)?, c.then(b":", 2)?, c.then(b":", 2)?);
        let frac_ms = c.fraction_ms()?;
        let offset_min = c.offset_minutes()?;
        if c.0.next().is_some() {
            return Err(DateTimeError);
        }
        Self::from_parts([y, mo, d, h, mi, sec], frac_ms, offset_min)
    }

    /// [`DateTime::parse_bytes`] of the form nearly every central system
    /// sends, `YYYY-MM-DDTHH:MM:SSZ` (20 bytes, no fraction, UTC), read at
    /// fixed places; `None` for any other form.
    fn parse_plain_utc(b: &[u8]) -> Option<Result<Self, DateTimeError>> {
        let b: &[u8; 20] = b.try_into().ok()?;
        let seps = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
        if seps.iter().any(|&(i, c)| b[i] != c)
            || !matches!(b[10], b'T' | b't')
            || !matches!(b[19], b'Z' | b'z')
        {
            return None;
        }
        let mut parts = [0i64; 6];
        for (part, at) in parts.iter_mut().zip([0, 5, 8, 11, 14, 17]) {
            let width = if at == 0 { 4 } else { 2 };
            for &d in &b[at..at + width] {
                if !d.is_ascii_digit() {
                    return None;
                }
                *part = *part * 10 + i64::from(d - b'0');
            }
        }
        Some(Self::from_parts(parts, 0, 0))
    }

    /// The date-time of these parts (year, month, day, hour, minute,
    /// second), after checking their ranges.
    fn from_parts(
        [y, mo, d, h, mi, sec]: [i64; 6],
        frac_ms: i64,
        offset_min: i64,
    ) -> Result<Self, DateTimeError> {
        if !(1..=12).contains(&mo)
            || d < 1
            || d > days_in_month(y, mo)
            || h > 23
            || mi > 59
            || sec > 60
        {
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
        core::str::from_utf8(self.write_bytes(buf)).unwrap_or_default()
    }

    /// [`Self::write`] as bytes (ASCII), without a UTF-8 check.
    pub(crate) fn write_bytes(self, buf: &mut [u8; 24]) -> &[u8] {
        let ms = Self::from_unix_millis(self.ms).ms;
        let days = ms.div_euclid(MS_PER_DAY);
        let in_day = ms.rem_euclid(MS_PER_DAY);
        let (y, mo, d) = civil_from_days(days);
        let secs = in_day / 1000;
        let frac = in_day % 1000;
        // Division by constants only (multiplications once compiled): the
        // year has 4 digits (0 to 9999), the others 2, the milliseconds 3.
        let digit = |v: i64| b'0' + (v % 10) as u8;
        let mut two = |at: usize, v: i64| {
            buf[at] = digit(v / 10);
            buf[at + 1] = digit(v);
        };
        two(0, y / 100);
        two(2, y);
        two(5, mo);
        two(8, d);
        two(11, secs / 3600);
        two(14, secs / 60 % 60);
        two(17, secs % 60);
        buf[20] = digit(frac / 100);
        buf[21] = digit(frac / 10);
        buf[22] = digit(frac);
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
        &buf[..len]
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

impl DateTime {
    /// Parses the raw body of a JSON string (escapes still in; its UTF-8
    /// not checked: any byte above ASCII is refused, and the decoder then
    /// reports a string that is not UTF-8 as such). Not inlined into the
    /// decoders: it is large, and decoding recurses.
    #[inline(never)]
    fn parse_raw(raw: &[u8]) -> Result<DateTime, DateTimeError> {
        if let Some(parsed) = DateTime::parse_plain_utc(raw) {
            return parsed;
        }
        if !raw.contains(&b'\\') {
            // The common case, no escape: the bytes as they are (a byte
            // above ASCII matches no part of a date-time, as 0xFF below
            // does not).
            return DateTime::parse_bytes(raw.iter().copied());
        }
        let Ok(raw) = core::str::from_utf8(raw) else {
            return Err(DateTimeError);
        };
        // A character that is not ASCII, or a broken escape, becomes 0xFF:
        // no part of a date-time matches it.
        DateTime::parse_bytes(Unescape::new(raw).map(|c| match c {
            Ok(c) if c.is_ascii() => c as u8,
            _ => 0xFF,
        }))
    }
}

/// A date-time string is read while it is unescaped, without a buffer, so a
/// fraction may have any number of digits (the frame size limit bounds it).
impl<A: Allocator + Clone> Decode<A> for DateTime {
    const VIOLATIONS: u16 = Violation::BadDateTime.bit();

    fn decode(cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
        let raw = r.raw_string()?;
        DateTime::parse_raw(raw).map_err(|_| cx.fail(Violation::BadDateTime))
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_types)]
#[path = "../tests/datetime.rs"]
mod tests;

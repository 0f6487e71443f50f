//! OCPP `decimal` with `multipleOf: 0.1` (charging limits and rates).

use core::fmt;

use serde::{Serialize, Serializer};

use crate::codec::{Cx, Decode, Failed, Reader, Violation};
use crate::Allocator;

/// A decimal with one fractional digit, stored exactly as a count of tenths
/// (integer arithmetic: the RP2040 has no FPU). `16.5` is `Decimal::from_tenths(165)`.
///
/// Decoding takes any JSON number within `i32` tenths (beyond: a
/// `TypeConstraintViolation`, "number out of range") that is a multiple of
/// 0.1, up to a few units in the last place of the binary float (so the
/// float noise of `0.30000000000000004` reads as 0.3); `16.55` or
/// `100000000.05` is a `PropertyConstraintViolation`, as the schemas say
/// (`multipleOf: 0.1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal {
    tenths: i32,
}

impl Decimal {
    /// `tenths / 10`.
    pub const fn from_tenths(tenths: i32) -> Self {
        Decimal { tenths }
    }

    /// The value in tenths.
    pub const fn tenths(self) -> i32 {
        self.tenths
    }

    /// The value as a float.
    pub fn to_f64(self) -> f64 {
        f64::from(self.tenths) / 10.0
    }

    /// The nearest decimal to `v`, if `v` is within range and a multiple of
    /// 0.1 up to float rounding.
    pub fn from_f64(v: f64) -> Result<Self, Violation> {
        if v.is_nan() {
            return Err(Violation::WrongType);
        }
        let x = v * 10.0;
        if !(f64::from(i32::MIN) - 0.5..=f64::from(i32::MAX) + 0.5).contains(&x) {
            return Err(Violation::OutOfRange);
        }
        // Round half away from zero without `f64::round` (not in core).
        let t = if x >= 0.0 {
            (x + 0.5) as i64
        } else {
            (x - 0.5) as i64
        };
        let tenths = i32::try_from(t).map_err(|_| Violation::OutOfRange)?;
        let err = x - t as f64;
        // A decimal with one fractional digit, read into the nearest float and
        // multiplied by 10, is within a few units in the last place of an
        // integer; anything further is another decimal. (A relative 1e-9
        // would take 100000000.05 for 100000000.1.)
        let tolerance = 8.0 * f64::EPSILON * if x.abs() > 1.0 { x.abs() } else { 1.0 };
        if err.abs() > tolerance {
            return Err(Violation::NotMultipleOf);
        }
        Ok(Decimal { tenths })
    }
}

/// Significant digits kept of a JSON number: beyond them a decimal moves
/// by less than 1e-18 of its value, a hundredth of a float's precision.
const KEPT_DIGITS: u32 = 19;

/// 10^0 to 10^19.
const POW10: [u64; 20] = {
    let mut p = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// ⌊10^k / 2^49⌋ for k = 20 to 33: the largest m of m × 10^-k that is
/// float noise of 0.
const TINY: [u64; 14] = {
    let mut t = [0u64; 14];
    let mut k = 0;
    while k < 14 {
        // 10^(k+20) / 2^49 = 5^(k+20) / 2^(29-k)
        t[k] = (5u128.pow(k as u32 + 20) >> (29 - k)) as u64;
        k += 1;
    }
    t
};

impl Decimal {
    /// The decimal of a JSON number token (its syntax checked by the
    /// scanner), with the meaning of [`Decimal::from_f64`] of the nearest
    /// float, read with integers only: no float parser (core's takes a
    /// 1.7 KiB stack frame and 15 KB of flash on thumbv6m, its 128-bit
    /// power table alone 10 KB), no float arithmetic (soft float on an
    /// M0). Both are the same for every number but those whose distance to
    /// a multiple of 0.1 lies within a float rounding of the tolerance
    /// (a few units in the 16th significant digit); a test compares them.
    pub(crate) fn from_json(token: &[u8]) -> Result<Self, Violation> {
        let (negative, rest) = match token.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, token),
        };
        // The value is m × 10^exp, m of at most KEPT_DIGITS digits.
        let (mut m, mut kept, mut exp, mut point) = (0u64, 0u32, 0i64, false);
        let mut i = 0;
        while let Some(&b) = rest.get(i) {
            match b {
                b'0'..=b'9' if m == 0 && b == b'0' => exp -= i64::from(point),
                b'0'..=b'9' if kept < KEPT_DIGITS => {
                    m = m * 10 + u64::from(b - b'0');
                    kept += 1;
                    exp -= i64::from(point);
                }
                b'0'..=b'9' => exp += i64::from(!point),
                b'.' => point = true,
                _ => break,
            }
            i += 1;
        }
        if let Some(e) = rest.get(i + 1..) {
            let (sign, digits) = match e.split_first() {
                Some((b'-', d)) => (-1, d),
                Some((b'+', d)) => (1, d),
                _ => (1, e),
            };
            let e = digits.iter().fold(0i64, |n, &d| {
                (n * 10 + i64::from(d.wrapping_sub(b'0'))).min(1_000_000_000)
            });
            exp += sign * e;
        }
        if m == 0 {
            return Ok(Decimal { tenths: 0 });
        }
        let limit = if negative {
            1u64 << 31
        } else {
            (1u64 << 31) - 1
        };
        // Ten times the value: m × 10^q.
        let q = exp + 1;
        let magnitude = if q >= 0 {
            // An integer number of tenths, or out of range.
            let scale = usize::try_from(q).ok().and_then(|q| POW10.get(q));
            scale
                .and_then(|&s| m.checked_mul(s))
                .filter(|&t| t <= limit)
                .ok_or(Violation::OutOfRange)?
        } else if let Some(&scale) = POW10.get(q.unsigned_abs() as usize) {
            // m / 10^k, rounded half away from zero; what is left over is
            // float noise when within 8 float epsilons (2^-49) of the
            // larger of the value and 1 (`from_f64`'s tolerance).
            let t = (m + scale / 2) / scale;
            if t > limit {
                return Err(Violation::OutOfRange);
            }
            let r = (t * scale).abs_diff(m);
            if r > m.max(scale) >> 49 {
                return Err(Violation::NotMultipleOf);
            }
            t
        } else {
            // Below a tenth (k > 19): noise when m / 10^k <= 2^-49, that
            // is m <= 10^k / 2^49, always so from k = 34 (m < 10^19).
            let k = q.unsigned_abs();
            let most = TINY.get((k - 20) as usize).copied().unwrap_or(u64::MAX);
            if m > most {
                return Err(Violation::NotMultipleOf);
            }
            0
        };
        let tenths = if negative {
            0i64 - magnitude as i64
        } else {
            magnitude as i64
        };
        Ok(Decimal {
            tenths: tenths as i32,
        })
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.tenths < 0 { "-" } else { "" };
        let abs = self.tenths.unsigned_abs();
        write!(f, "{sign}{}.{}", abs / 10, abs % 10)
    }
}

/// Serialized as a JSON number: `16.5`, `16.0`. (`t / 10.0` is the float
/// nearest to the decimal, and the shortest round-trip form of that float,
/// which the serializers print, is the decimal itself.)
impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.to_f64())
    }
}

impl<A: Allocator + Clone> Decode<A> for Decimal {
    const VIOLATIONS: u16 = Violation::OutOfRange.bit() | Violation::NotMultipleOf.bit();

    /// From the number's token, without a float parser; `null` is a wrong
    /// type.
    fn decode(cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
        match r.number()? {
            Some(token) => Decimal::from_json(token.as_bytes()).map_err(|e| cx.fail(e)),
            None => Err(cx.fail(Violation::WrongType)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::heap;
    use crate::{decode, DecodeError, ErrorCode};

    #[test]
    fn converts_from_floats() {
        assert_eq!(Decimal::from_f64(16.5), Ok(Decimal::from_tenths(165)));
        assert_eq!(Decimal::from_f64(0.3), Ok(Decimal::from_tenths(3)));
        assert_eq!(Decimal::from_f64(-0.1), Ok(Decimal::from_tenths(-1)));
        assert_eq!(Decimal::from_f64(32.0), Ok(Decimal::from_tenths(320)));
        assert_eq!(
            Decimal::from_f64(214_748_364.7),
            Ok(Decimal::from_tenths(i32::MAX))
        );
        assert_eq!(Decimal::from_f64(16.55), Err(Violation::NotMultipleOf));
        // Float noise of a multiple is still one (0.1 + 0.2 is
        // 0.30000000000000004); a real extra digit is not, at any magnitude.
        assert_eq!(Decimal::from_f64(0.1 + 0.2), Ok(Decimal::from_tenths(3)));
        assert_eq!(
            Decimal::from_f64(-214_748_364.8),
            Ok(Decimal::from_tenths(i32::MIN))
        );
        assert_eq!(Decimal::from_f64(0.30000001), Err(Violation::NotMultipleOf));
        for v in [100_000_000.05, 214_748_364.65, -99_999_999.99, 12_345.678] {
            assert_eq!(Decimal::from_f64(v), Err(Violation::NotMultipleOf), "{v}");
        }
        for t in (i32::MIN..=i32::MAX).step_by(9_999_991) {
            let v = f64::from(t) / 10.0;
            assert_eq!(Decimal::from_f64(v), Ok(Decimal::from_tenths(t)), "{v}");
        }
        assert_eq!(Decimal::from_f64(1e300), Err(Violation::OutOfRange));
        assert_eq!(Decimal::from_f64(f64::NAN), Err(Violation::WrongType));
        assert_eq!(Decimal::from_tenths(-165).to_string(), "-16.5");
        assert_eq!(Decimal::from_tenths(7).to_string(), "0.7");
        assert_eq!(Decimal::from_tenths(0).to_string(), "0.0");
        assert_eq!(Decimal::from_tenths(-165).tenths(), -165);
        assert_eq!(Decimal::from_tenths(i32::MAX).tenths(), i32::MAX);
    }

    /// Float noise of 0 is anything up to 8 float epsilons (2^-49) of ten
    /// times the value, that bound included; the next float above is a
    /// decimal with more than one fractional digit.
    #[test]
    fn the_float_noise_tolerance_is_inclusive() {
        let bound = 8.0 * f64::EPSILON;
        let v = bound / 10.0;
        assert_eq!(v * 10.0, bound);
        assert_eq!(Decimal::from_f64(v), Ok(Decimal::from_tenths(0)));
        assert_eq!(Decimal::from_f64(-v), Ok(Decimal::from_tenths(0)));
        let above = f64::from_bits(v.to_bits() + 1);
        assert!(above * 10.0 > bound);
        assert_eq!(Decimal::from_f64(above), Err(Violation::NotMultipleOf));
    }

    /// `from_json` of a token means what `from_f64` of core's float of it
    /// means: on hand-picked edges and on random tokens of every shape
    /// (digits, fractions, exponents, signs, near multiples, beyond range).
    #[test]
    #[allow(clippy::disallowed_types, clippy::disallowed_methods)] // test strings
    fn reads_tokens_as_the_float_path_does() {
        let same = |t: &str| {
            let f = Decimal::from_f64(t.parse::<f64>().unwrap());
            assert_eq!(Decimal::from_json(t.as_bytes()), f, "{t}");
        };
        for t in [
            "0",
            "-0",
            "0.0",
            "16.5",
            "-16.5",
            "16.55",
            "0.30000000000000004",
            "0.30000001",
            "214748364.7",
            "214748364.75",
            "214748364.8",
            "-214748364.8",
            "-214748364.85",
            "-214748364.9",
            "1e300",
            "1e-300",
            "1e-400",
            "1e999",
            "-1e999",
            "1E1",
            "1e+1",
            "165e-1",
            "1.65e1",
            "0.05",
            "5e-16",
            "1e-16",
            "2e-16",
            "1.7e-16",
            "1.8e-16",
            "100000000.05",
            "100000000.1",
            "12345.678",
            "99999999.99",
            "16.500000000000000000000001",
            "16.499999999999999999999",
            "0.1000000000000000055511151231257827",
            "1234567890123456789012345",
            "0.00000000000000000000000000000000000000001",
            "-0.000000000000000000000000000000000000000000000000000001",
            "2147483647",
            "214748364.7000000000001",
            "3e9",
            "1e10",
            "0e999999",
            // Leading zeros are not among the 19 digits kept; digits dropped
            // before the point still count in the exponent.
            "0.0000000000000000000165e21",
            "16500000000000000000000e-21",
            // Ten times the value at 2^-49 (10^20 / 2^49 = 177635.68...)
            // and just above: noise of 0, then a refused decimal.
            "177635e-21",
            "177636e-21",
        ] {
            same(t);
        }
        let read = |t: &str| Decimal::from_json(t.as_bytes());
        assert_eq!(
            read("0.0000000000000000000165e21"),
            Ok(Decimal::from_tenths(165))
        );
        assert_eq!(
            read("16500000000000000000000e-21"),
            Ok(Decimal::from_tenths(165))
        );
        assert_eq!(read("177635e-21"), Ok(Decimal::from_tenths(0)));
        assert_eq!(read("177636e-21"), Err(Violation::NotMultipleOf));
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..200_000 {
            let mut t = String::new();
            if next(2) == 0 {
                t.push('-');
            }
            let int = next(12);
            if int == 0 {
                t.push('0');
            } else {
                t.push(char::from(b'1' + next(9) as u8));
                for _ in 1..int {
                    t.push(char::from(b'0' + next(10) as u8));
                }
            }
            if next(3) != 0 {
                t.push('.');
                let frac = 1 + next(24);
                for k in 0..frac {
                    // Often a tenth then zeros, or nines: near a multiple.
                    let d = match next(4) {
                        0 if k > 0 => 0,
                        1 if k > 0 => 9,
                        _ => next(10),
                    };
                    t.push(char::from(b'0' + d as u8));
                }
            }
            if next(4) == 0 {
                t.push(if next(2) == 0 { 'e' } else { 'E' });
                match next(3) {
                    0 => t.push('-'),
                    1 => t.push('+'),
                    _ => {}
                }
                t.push_str(&next(40).to_string());
            }
            same(&t);
        }
    }

    #[test]
    fn decodes_and_encodes_as_number() {
        // A bare value is no payload; decode it inside a test message.
        crate::macros::ocpp_object! {
            /// Test message.
            pub struct Limit {
                req limit: Decimal = "limit";
                opt rate: f64 = "rate";
            }
        }
        let v: Limit = decode(br#"{"limit":16.5,"rate":-1.25e2}"#, heap()).unwrap();
        assert_eq!(
            v,
            Limit {
                limit: Decimal::from_tenths(165),
                rate: Some(-125.0)
            }
        );
        let mut buf = [0u8; 64];
        let n = serde_json_core::to_slice(&v, &mut buf).unwrap();
        assert_eq!(&buf[..n], br#"{"limit":16.5,"rate":-125.0}"#);
        let err = |s: &str| decode::<Limit, _>(s.as_bytes(), heap()).unwrap_err();
        assert_eq!(
            err(r#"{"limit":16.55}"#),
            DecodeError::new(
                ErrorCode::PropertyConstraintViolation,
                "limit: not a multiple of 0.1"
            )
        );
        assert_eq!(
            err(r#"{"limit":"16"}"#),
            DecodeError::new(ErrorCode::TypeConstraintViolation, "limit: wrong type")
        );
        assert_eq!(
            err(r#"{"limit":null}"#),
            DecodeError::new(ErrorCode::TypeConstraintViolation, "limit: wrong type")
        );
        assert_eq!(
            err(r#"{"limit":1,"rate":1e999}"#),
            DecodeError::new(
                ErrorCode::TypeConstraintViolation,
                "rate: number out of range"
            )
        );
        assert_eq!(
            err(r#"{"limit":1,"rate":true}"#),
            DecodeError::new(ErrorCode::TypeConstraintViolation, "rate: wrong type")
        );
    }
}

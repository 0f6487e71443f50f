//! OCPP `decimal` with `multipleOf: 0.1` (charging limits and rates).

use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Serialize, Serializer};

use crate::codec::{Cx, Decode, Violation};
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

    fn decode<'de, D: Deserializer<'de>>(cx: &Cx<A>, d: D) -> Result<Self, D::Error> {
        struct V<'c, A>(&'c Cx<A>);
        impl<A: Allocator + Clone> Visitor<'_> for V<'_, A> {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                Decimal::from_f64(v).map_err(|e| self.0.fail(e))
            }
        }
        d.deserialize_f64(V(cx))
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

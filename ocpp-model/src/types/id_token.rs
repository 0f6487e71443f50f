//! `IdToken`: an idTag (`CiString20`) stored inline, with no allocator.

use core::fmt;
use core::hash::{Hash, Hasher};

use serde::{Serialize, Serializer};

use super::ci_string::{printable, CiStringError};
use crate::codec::{Cx, Decode, Failed, Printable, Reader, Violation};
use crate::scan::Unescape;
use crate::Allocator;

/// The most characters an idTag may have.
const ID_TOKEN_LEN: usize = 20;

/// An OCPP idTag or parentIdTag (`IdToken`, a `CiString20`): printable ASCII
/// (0x20..=0x7E) only, at most 20 characters, kept inline in 21 bytes.
///
/// Unlike [`crate::CiString`] it takes nothing from a pool: it is `Copy`, and
/// decoding one (or an [`crate::IdTagInfo`] holding one) needs no allocation.
/// So an answer the engine depends on (a StartTransaction's transactionId and
/// idTagInfo) decodes even when the pool is exhausted, and caches and
/// transaction records of fixed size can hold idTags.
///
/// OCPP compares idTags case-insensitively: use [`IdToken::eq_ignore_case`]
/// for that. `PartialEq` and `Hash` are byte equality, so that a decoded value
/// equals the value it was encoded from; logic that compares idTags must use
/// `eq_ignore_case`.
#[derive(Clone, Copy)]
pub struct IdToken {
    len: u8,
    bytes: [u8; ID_TOKEN_LEN],
}

impl IdToken {
    /// The maximum length, 20.
    pub const MAX_LEN: usize = ID_TOKEN_LEN;

    /// Checks and copies `s`. Never fails with `OutOfMemory`: nothing is
    /// allocated.
    pub fn try_from_str(s: &str) -> Result<Self, CiStringError> {
        Self::from_chars(s.chars().map(Ok))
    }

    /// The validation of `CiString<20, _>`: a character outside printable
    /// ASCII (or a broken escape) anywhere wins over the length.
    #[cold]
    #[inline(never)]
    fn from_chars<I>(chars: I) -> Result<Self, CiStringError>
    where
        I: Iterator<Item = Result<char, ()>>,
    {
        let mut token = IdToken {
            len: 0,
            bytes: [0; ID_TOKEN_LEN],
        };
        let mut len = 0usize;
        for c in chars {
            match c {
                Ok(c) if printable(c) => {
                    if let Some(b) = token.bytes.get_mut(len) {
                        *b = c as u8; // ASCII, checked above
                    }
                    len += 1;
                }
                _ => return Err(CiStringError::NotPrintable),
            }
        }
        if len > ID_TOKEN_LEN {
            return Err(CiStringError::TooLong);
        }
        token.len = len as u8;
        Ok(token)
    }

    /// Copies `bytes`, printable ASCII without escapes, after checking the
    /// length.
    fn from_plain(bytes: &[u8]) -> Result<Self, CiStringError> {
        let mut token = IdToken {
            len: 0,
            bytes: [0; ID_TOKEN_LEN],
        };
        token
            .bytes
            .get_mut(..bytes.len())
            .ok_or(CiStringError::TooLong)?
            .copy_from_slice(bytes);
        token.len = bytes.len() as u8; // at most ID_TOKEN_LEN
        Ok(token)
    }

    /// The idTag.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// Its bytes (printable ASCII), without [`Self::as_str`]'s check.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// Its length in characters (= bytes).
    pub fn len(&self) -> usize {
        self.as_str().len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// OCPP's comparison: ASCII case-insensitive.
    pub fn eq_ignore_case(&self, other: &str) -> bool {
        self.as_str().eq_ignore_ascii_case(other)
    }
}

impl PartialEq for IdToken {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for IdToken {}

impl Hash for IdToken {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for IdToken {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for IdToken {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for IdToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for IdToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for IdToken {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl crate::Field for IdToken {
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }

    fn write_json(&self, w: &mut crate::encode::Writer<'_>) -> Result<(), crate::encode::Full> {
        w.string_bytes(self.as_bytes())
    }
}

/// Decodes with any allocator, and allocates nothing: escapes are undone
/// straight into the inline bytes.
impl<A: Allocator + Clone> Decode<A> for IdToken {
    const VIOLATIONS: u16 = Violation::TooLong.bit() | Violation::NotPrintable.bit();

    fn decode(cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
        // See the CiString decoder.
        match r.printable()? {
            Printable::Plain(plain) => IdToken::from_plain(plain),
            Printable::Raw(raw) => match super::ci_string::raw_printable(raw.as_bytes()) {
                Ok(true) => IdToken::from_plain(raw.as_bytes()),
                Ok(false) => IdToken::from_chars(Unescape::new(raw)),
                Err(e) => Err(e),
            },
        }
        .map_err(|e| cx.fail(e.violation()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::macros::ocpp_object;
    use crate::{decode, CiString, DecodeError, ErrorCode};
    use ocpp_alloc::{FailureInjector, FailurePlan, HostPool, Talc};

    #[test]
    fn checks_length_and_charset_as_ci_string_does() {
        let t = IdToken::try_from_str("04a2 B3~").unwrap();
        assert_eq!((t.as_str(), t.len(), t.is_empty()), ("04a2 B3~", 8, false));
        assert!(t.eq_ignore_case("04A2 b3~"));
        assert!(!t.eq_ignore_case("04A2 b3"));
        assert_ne!(t, IdToken::try_from_str("04A2 B3~").unwrap());
        assert_eq!(t, "04a2 B3~");
        assert_ne!(t, "04a2 B3");
        assert!(t == *"04a2 B3~" && t != *"04a2 B3" && t != *"04A2 B3~");
        assert_eq!(format!("{t:?} {t}"), "\"04a2 B3~\" 04a2 B3~");
        let full = "A".repeat(20);
        assert_eq!(IdToken::try_from_str(&full).unwrap().as_str(), full);
        assert!(IdToken::try_from_str("").unwrap().is_empty());
        let heap = crate::test_util::heap;
        for s in ["A".repeat(21), "é".into(), "a\nb".into(), "\x7f".into()] {
            let ci = CiString::<20, _>::try_from_str(&s, heap()).map(drop);
            assert_eq!(IdToken::try_from_str(&s).map(drop), ci, "{s:?}");
        }
        // A bad character after the 20th still wins over the length.
        let long_bad = format!("{}é", "A".repeat(25));
        assert_eq!(
            IdToken::try_from_str(&long_bad),
            Err(CiStringError::NotPrintable)
        );
    }

    #[test]
    fn equal_tokens_hash_alike() {
        use std::hash::BuildHasher;
        let h = std::collections::hash_map::RandomState::new();
        let a = IdToken::try_from_str("TAG").unwrap();
        let b = IdToken::try_from_str("TAG").unwrap();
        assert_eq!(h.hash_one(a), h.hash_one(b));
        // Unequal tokens (even by case only) hash apart.
        for other in ["TAH", "tag", "TA", "TAGG"] {
            let c = IdToken::try_from_str(other).unwrap();
            assert_ne!(h.hash_one(a), h.hash_one(c), "{other}");
        }
    }

    ocpp_object! {
        /// A test object with an idTag.
        pub struct Tagged {
            req tag: IdToken = "tag";
        }
    }

    #[test]
    fn decodes_with_no_allocation_and_the_violations_of_ci_string() {
        let pool = HostPool::<Talc>::new(4096);
        let inject = FailureInjector::new(&*pool);
        inject.set_plan(FailurePlan::From(1));
        let t: Tagged = decode(br#"{"tag":"AB\u0043\"\\\/"}"#, &inject).unwrap();
        assert_eq!(t.tag.as_str(), "ABC\"\\/");
        assert_eq!(inject.attempts(), 0);
        let err = |s: &str| decode::<Tagged, _>(s.as_bytes(), &inject).unwrap_err();
        use ErrorCode::TypeConstraintViolation as T;
        for (payload, reason) in [
            (
                r#"{"tag":"AAAAAAAAAAAAAAAAAAAAA"}"#,
                "tag: longer than maxLength",
            ),
            (r#"{"tag":"\u00e9"}"#, "tag: not printable ASCII"),
            (r#"{"tag":"\ud800"}"#, "tag: not printable ASCII"),
            ("{\"tag\":\"\u{e9}\"}", "tag: not printable ASCII"),
            ("{\"tag\":\"A\u{7f}\"}", "tag: not printable ASCII"),
            (r#"{"tag":1}"#, "tag: wrong type"),
            (r#"{"tag":null}"#, "tag: wrong type"),
        ] {
            assert_eq!(err(payload), DecodeError::new(T, reason), "{payload}");
        }
        let mut buf = [0u8; 64];
        let n = serde_json_core::to_slice(&t, &mut buf).unwrap();
        assert_eq!(&buf[..n], br#"{"tag":"ABC\"\\/"}"#);
        // Nothing but escaped backslashes, and exactly 20 characters.
        let t: Tagged = decode(br#"{"tag":"\\\\"}"#, &inject).unwrap();
        assert_eq!(t.tag.as_str(), "\\\\");
        let full = format!(r#"{{"tag":"{}\u0041"}}"#, "A".repeat(19));
        let t: Tagged = decode(full.as_bytes(), &inject).unwrap();
        assert_eq!(t.tag.as_str(), "A".repeat(20));
    }
}

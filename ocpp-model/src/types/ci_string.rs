//! `CiStringN`: printable ASCII, at most N characters, stored in the pool.

use core::fmt;

use allocator_api2::vec::Vec;
use serde::{Serialize, Serializer};

use crate::codec::{Cx, Decode, Failed, Printable, Reader, Violation};
use crate::scan::Unescape;
use crate::Allocator;

/// An OCPP `CiStringN`: printable ASCII (0x20..=0x7E) only, at most `N`
/// characters, allocated in `A` at its exact length (an empty string
/// allocates nothing).
///
/// OCPP compares these case-insensitively: use [`CiString::eq_ignore_case`]
/// for that. (An idTag is an [`crate::IdToken`], inline.) `PartialEq` is byte equality, so that a decoded value equals the
/// value it was encoded from (round trips, tests, deduplication of exact
/// copies); logic that compares idTags must use `eq_ignore_case`.
pub struct CiString<const N: usize, A: Allocator> {
    bytes: Vec<u8, A>,
}

/// Why a [`CiString`] could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CiStringError {
    /// Longer than N characters.
    TooLong,
    /// A character outside printable ASCII.
    NotPrintable,
    /// The allocator refused the memory.
    OutOfMemory,
}

impl fmt::Display for CiStringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CiStringError::TooLong => "string longer than its maximum length",
            CiStringError::NotPrintable => "character outside printable ASCII",
            CiStringError::OutOfMemory => "out of memory",
        })
    }
}

impl core::error::Error for CiStringError {}

impl CiStringError {
    pub(super) fn violation(self) -> Violation {
        match self {
            CiStringError::TooLong => Violation::TooLong,
            CiStringError::NotPrintable => Violation::NotPrintable,
            CiStringError::OutOfMemory => Violation::OutOfMemory,
        }
    }
}

/// The decoders' fast path, for the raw body of a JSON string (escapes
/// still in): `Err(NotPrintable)` when a byte is outside printable ASCII
/// (whatever the escapes say, such a string is refused), `Ok(true)` when
/// it has no escape, so that its bytes are its characters, `Ok(false)`
/// when it has one and must be unescaped. One look at each byte.
pub(super) fn raw_printable(raw: &[u8]) -> Result<bool, CiStringError> {
    // No early exit: the loop vectorizes where the target can.
    let (mut bad, mut escaped) = (false, false);
    for &b in raw {
        bad |= !(b' '..=b'~').contains(&b);
        escaped |= b == b'\\';
    }
    if bad {
        Err(CiStringError::NotPrintable)
    } else {
        Ok(!escaped)
    }
}

/// Whether `c` may appear in a CiString.
pub(super) fn printable(c: char) -> bool {
    (' '..='~').contains(&c)
}

impl<const N: usize, A: Allocator> CiString<N, A> {
    /// The maximum length N.
    pub const MAX_LEN: usize = N;

    /// Copies `s` into memory from `alloc`, after checking it.
    pub fn try_from_str(s: &str, alloc: A) -> Result<Self, CiStringError> {
        Self::from_chars(s.chars().map(Ok), alloc)
    }

    /// Validates the characters (a non-printable one wins over the length),
    /// then allocates exactly their number of bytes and copies them.
    #[cold]
    #[inline(never)]
    fn from_chars<I>(chars: I, alloc: A) -> Result<Self, CiStringError>
    where
        I: Iterator<Item = Result<char, ()>> + Clone,
    {
        let mut len = 0usize;
        for c in chars.clone() {
            match c {
                Ok(c) if printable(c) => len += 1,
                _ => return Err(CiStringError::NotPrintable),
            }
        }
        if len > N {
            return Err(CiStringError::TooLong);
        }
        let mut bytes = Vec::new_in(alloc);
        bytes
            .try_reserve_exact(len)
            .map_err(|_| CiStringError::OutOfMemory)?;
        for c in chars.flatten() {
            // ASCII checked above, and the capacity is exactly `len`.
            bytes
                .push_within_capacity(c as u8)
                .map_err(|_| CiStringError::OutOfMemory)?;
        }
        Ok(CiString { bytes })
    }

    /// Copies `bytes`, printable ASCII without escapes, after checking the
    /// length.
    fn from_plain(bytes: &[u8], alloc: A) -> Result<Self, CiStringError> {
        if bytes.len() > N {
            return Err(CiStringError::TooLong);
        }
        let mut out = Vec::new_in(alloc);
        out.try_reserve_exact(bytes.len())
            .map_err(|_| CiStringError::OutOfMemory)?;
        for &b in bytes {
            // The capacity is exactly `bytes.len()`.
            out.push_within_capacity(b)
                .map_err(|_| CiStringError::OutOfMemory)?;
        }
        Ok(CiString { bytes: out })
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes).unwrap_or_default()
    }

    /// Its bytes (printable ASCII), without [`Self::as_str`]'s check.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Its length in characters (= bytes).
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// OCPP's comparison: ASCII case-insensitive.
    pub fn eq_ignore_case(&self, other: &str) -> bool {
        self.as_str().eq_ignore_ascii_case(other)
    }

    /// A copy in the same allocator.
    pub fn try_clone(&self) -> Result<Self, CiStringError>
    where
        A: Clone,
    {
        Self::try_from_str(self.as_str(), self.bytes.allocator().clone())
    }
}

impl<const N: usize, A: Allocator> PartialEq for CiString<N, A> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes[..] == other.bytes[..]
    }
}

impl<const N: usize, A: Allocator> Eq for CiString<N, A> {}

impl<const N: usize, A: Allocator> PartialEq<str> for CiString<N, A> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl<const N: usize, A: Allocator> PartialEq<&str> for CiString<N, A> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<const N: usize, A: Allocator> fmt::Debug for CiString<N, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize, A: Allocator> fmt::Display for CiString<N, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize, A: Allocator> Serialize for CiString<N, A> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<const N: usize, A: Allocator + Clone> Decode<A> for CiString<N, A> {
    const VIOLATIONS: u16 = Violation::TooLong.bit() | Violation::NotPrintable.bit();

    fn decode(cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
        let alloc = cx.alloc().clone();
        // A plain string's end was found and its characters checked in one
        // look (see `Reader::printable`).
        match r.printable()? {
            Printable::Plain(plain) => CiString::from_plain(plain, alloc),
            Printable::Raw(raw) => match raw_printable(raw.as_bytes()) {
                Ok(true) => CiString::from_plain(raw.as_bytes(), alloc),
                Ok(false) => CiString::from_chars(Unescape::new(raw), alloc),
                Err(e) => Err(e),
            },
        }
        .map_err(|e| cx.fail(e.violation()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::heap;

    #[test]
    fn error_displays_for_people() {
        let err = CiString::<2, _>::try_from_str("abc", heap()).unwrap_err();
        assert_eq!(err.to_string(), "string longer than its maximum length");
        let err = CiString::<5, _>::try_from_str("\u{e9}", heap()).unwrap_err();
        assert_eq!(err.to_string(), "character outside printable ASCII");
    }

    #[test]
    fn checks_length_and_charset() {
        let s = CiString::<5, _>::try_from_str("ab DE", heap()).unwrap();
        assert_eq!((s.as_str(), s.len(), s.is_empty()), ("ab DE", 5, false));
        assert!(s.eq_ignore_case("AB de"));
        assert!(!s.eq_ignore_case("AB dx"));
        assert_ne!(s, CiString::<5, _>::try_from_str("AB DE", heap()).unwrap());
        assert_eq!(s, "ab DE");
        assert_ne!(s, "ab DX");
        assert!(s == *"ab DE" && s != *"ab D" && s != *"AB DE");
        assert_eq!(s.try_clone().unwrap(), s);
        assert_eq!(
            CiString::<5, _>::try_from_str("abcdef", heap()),
            Err(CiStringError::TooLong)
        );
        assert_eq!(
            CiString::<5, _>::try_from_str("é", heap()),
            Err(CiStringError::NotPrintable)
        );
        assert_eq!(
            CiString::<5, _>::try_from_str("a\nb", heap()),
            Err(CiStringError::NotPrintable)
        );
        assert_eq!(
            CiString::<5, _>::try_from_str("\x7f", heap()),
            Err(CiStringError::NotPrintable)
        );
        assert_eq!(
            CiString::<3, _>::try_from_str("abcdé", heap()),
            Err(CiStringError::NotPrintable)
        );
        let empty = CiString::<0, _>::try_from_str("", heap()).unwrap();
        assert!(empty.is_empty());
        assert_eq!(format!("{empty:?} {s}"), "\"\" ab DE");
    }

    crate::macros::ocpp_object! {
        /// A test object with a CiString5.
        pub struct Five<A> {
            req s: CiString<5, A> = "s";
        }
    }

    /// Decoding: exactly 5 characters fit, plain or escaped; a raw
    /// character beyond ASCII is refused like an escaped one; escapes
    /// (even a string of nothing but escaped backslashes) are undone.
    #[test]
    fn decodes_up_to_n_characters_and_undoes_escapes() {
        use crate::{decode, DecodeError, ErrorCode};
        let s = |payload: &str| decode::<Five<_>, _>(payload.as_bytes(), heap()).map(|f| f.s);
        for (payload, value) in [
            (r#"{"s":"abcde"}"#, "abcde"),
            (r#"{"s":"ab\u0063de"}"#, "abcde"),
            (r#"{"s":"\\"}"#, "\\"),
            (r#"{"s":"\\\\"}"#, "\\\\"),
            (r#"{"s":"\"\/"}"#, "\"/"),
        ] {
            assert_eq!(s(payload).unwrap(), value, "{payload}");
        }
        let refused = |reason| Err(DecodeError::new(ErrorCode::TypeConstraintViolation, reason));
        for (payload, reason) in [
            (r#"{"s":"abcdef"}"#, "s: longer than maxLength"),
            (r#"{"s":"ab\u0063def"}"#, "s: longer than maxLength"),
            (r#"{"s":"\u00e9"}"#, "s: not printable ASCII"),
            ("{\"s\":\"\u{e9}\"}", "s: not printable ASCII"),
            ("{\"s\":\"a\u{7f}\"}", "s: not printable ASCII"),
        ] {
            assert_eq!(s(payload), refused(reason), "{payload}");
        }
    }
}

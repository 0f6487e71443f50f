//! Free text: a JSON string with no length bound in the schema
//! (`DataTransfer.data`, URIs), stored in the pool at its exact length.

use core::fmt;

use allocator_api2::vec::Vec;
use serde::{Serialize, Serializer};

use crate::codec::{Cx, Decode, Failed, Printable, Reader, Violation};
use crate::scan::Unescape;
use crate::Allocator;

/// A UTF-8 string of any length, allocated in `A` at its exact size (an
/// empty string allocates nothing). Its only bound is the frame size limit.
pub struct Text<A: Allocator> {
    bytes: Vec<u8, A>,
}

impl<A: Allocator> Text<A> {
    /// Copies `s` into memory from `alloc`; `Err` when the allocator refuses.
    pub fn try_from_str(s: &str, alloc: A) -> Result<Self, crate::CiStringError> {
        Self::from_chars(s.chars().map(Ok), alloc).map_err(|v| match v {
            Violation::OutOfMemory => crate::CiStringError::OutOfMemory,
            _ => crate::CiStringError::NotPrintable,
        })
    }

    /// Counts the UTF-8 length first, then allocates exactly that and copies.
    #[cold]
    #[inline(never)]
    fn from_chars<I>(chars: I, alloc: A) -> Result<Self, Violation>
    where
        I: Iterator<Item = Result<char, ()>> + Clone,
    {
        let mut len = 0usize;
        for c in chars.clone() {
            // A lone surrogate or broken escape is not a string at all.
            len += c.map_err(|()| Violation::WrongType)?.len_utf8();
        }
        let mut bytes = Vec::new_in(alloc);
        bytes
            .try_reserve_exact(len)
            .map_err(|_| Violation::OutOfMemory)?;
        let mut utf8 = [0u8; 4];
        for c in chars.flatten() {
            for &b in c.encode_utf8(&mut utf8).as_bytes() {
                // The capacity is exactly the counted length.
                bytes
                    .push_within_capacity(b)
                    .map_err(|_| Violation::OutOfMemory)?;
            }
        }
        Ok(Text { bytes })
    }

    /// Copies `bytes`, UTF-8 without escapes.
    fn from_plain(bytes: &[u8], alloc: A) -> Result<Self, Violation> {
        let mut out = Vec::new_in(alloc);
        out.try_reserve_exact(bytes.len())
            .map_err(|_| Violation::OutOfMemory)?;
        for &b in bytes {
            // The capacity is exactly `bytes.len()`.
            out.push_within_capacity(b)
                .map_err(|_| Violation::OutOfMemory)?;
        }
        Ok(Text { bytes: out })
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes).unwrap_or_default()
    }

    /// Its UTF-8 bytes, without [`Self::as_str`]'s check.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl<A: Allocator> PartialEq for Text<A> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes[..] == other.bytes[..]
    }
}

impl<A: Allocator> Eq for Text<A> {}

impl<A: Allocator> PartialEq<&str> for Text<A> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<A: Allocator> fmt::Debug for Text<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<A: Allocator> Serialize for Text<A> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<A: Allocator + Clone> Decode<A> for Text<A> {
    const VIOLATIONS: u16 = 0;

    /// Printable ASCII without escapes (a meter reading, most data) is
    /// checked in one look and copied at once; any other string is read
    /// as UTF-8 and unescaped if it has to be.
    fn decode(cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
        let alloc = cx.alloc().clone();
        match r.printable()? {
            Printable::Plain(plain) => Text::from_plain(plain, alloc),
            Printable::Raw(raw) if raw.as_bytes().contains(&b'\\') => {
                Text::from_chars(Unescape::new(raw), alloc)
            }
            Printable::Raw(raw) => Text::from_plain(raw.as_bytes(), alloc),
        }
        .map_err(|v| cx.fail(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::heap;

    #[test]
    fn keeps_any_unicode_at_its_exact_length() {
        let t = Text::try_from_str("größe ⚡", heap()).unwrap();
        assert_eq!((t.as_str(), t.len(), t.is_empty()), ("größe ⚡", 11, false));
        assert!(Text::try_from_str("", heap()).unwrap().is_empty());
        assert_eq!(t, "größe ⚡");
        assert_ne!(t, "größe");
        assert_eq!(t, Text::try_from_str("größe ⚡", heap()).unwrap());
        assert_ne!(t, Text::try_from_str("grösse ⚡", heap()).unwrap());
        assert_eq!(format!("{t:?}"), r#""größe ⚡""#);
    }

    /// The one way `try_from_str` fails: the allocator refuses.
    #[test]
    fn a_refused_allocation_is_out_of_memory() {
        use ocpp_alloc::{FailureInjector, FailurePlan, HostPool, Talc};
        let pool = HostPool::<Talc>::new(4096);
        let inject = FailureInjector::new(&*pool);
        inject.set_plan(FailurePlan::From(1));
        assert_eq!(
            Text::try_from_str("data", &inject).map(drop),
            Err(crate::CiStringError::OutOfMemory)
        );
    }

    #[test]
    fn decodes_escapes_and_refuses_lone_surrogates() {
        let t: Text<_> = crate::decode::<Wrap<_>, _>(br#"{"t":"a\"b\u00e9\ud83d\ude00"}"#, heap())
            .unwrap()
            .t;
        assert_eq!(t.as_str(), "a\"bé😀");
        let e = crate::decode::<Wrap<_>, _>(br#"{"t":"\ud800"}"#, heap()).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::TypeConstraintViolation);
        let e = crate::decode::<Wrap<_>, _>(br#"{"t":5}"#, heap()).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::TypeConstraintViolation);
    }

    /// Each of the decoder's routes: printable ASCII, other UTF-8 as it
    /// is, escapes; a raw control character or a byte that is not UTF-8
    /// is malformed JSON.
    #[test]
    fn decodes_plain_unicode_and_escaped_text_alike() {
        let text = |payload: &[u8]| {
            crate::decode::<Wrap<_>, _>(payload, heap()).map(|w| w.t.as_str().to_owned())
        };
        assert_eq!(
            text(br#"{"t":"limit=16A; ~"}"#).as_deref(),
            Ok("limit=16A; ~")
        );
        assert_eq!(
            text(r#"{"t":"größe ⚡"}"#.as_bytes()).as_deref(),
            Ok("größe ⚡")
        );
        assert_eq!(text(br#"{"t":"gr\u00f6\u00dfe"}"#).as_deref(), Ok("größe"));
        assert_eq!(text(br#"{"t":""}"#).as_deref(), Ok(""));
        assert_eq!(text(b"{\"t\":\"a\tb\"}"), Err(crate::DecodeError::NOT_JSON));
        assert_eq!(text(b"{\"t\":\"a\x7fb\"}").as_deref(), Ok("a\x7fb"));
        assert_eq!(
            text(b"{\"t\":\"a\xffb\"}"),
            Err(crate::DecodeError::NOT_JSON)
        );
    }

    crate::macros::ocpp_object! {
        /// A test object with one text property.
        pub struct Wrap<A> {
            req t: Text<A> = "t";
        }
    }
}

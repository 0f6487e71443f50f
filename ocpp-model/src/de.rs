//! The reader of [`crate::decode`]: it checks the JSON syntax of what it
//! reads as it reads it, so that a payload is looked at once. The decoders
//! the tables generate (see `macros`) call it directly, without serde.
//!
//! Each string's escapes and control characters are checked by the
//! scanner's own [`scan::string_end`] while its end is found, each number's
//! form by [`scan::number_end`], literals and the brackets, commas and colons
//! as they come. UTF-8 is checked only where a string is read as a `&str`:
//! outside strings any byte above ASCII is a syntax error, a property name,
//! an enum value or a date-time goes to its decoder as raw bytes, which it
//! matches against ASCII names or checks itself, and a string of printable
//! ASCII is ASCII. So an accepted payload is UTF-8 throughout, without a
//! pass over it (on a failure, [`crate::decode_with`] checks it). What the
//! types add, the expected JSON *type* at each place, is checked too, and the
//! tokens are consumed exactly as serde-json-core consumed them (it was the
//! deserializer before this one): an integer property reads the digits of
//! `1.5` and the `.5` fails at the next comma, a float property reads `null`
//! as NaN, an integer beyond the type fails while it is read.
//!
//! On a success the whole payload was read and found well-formed: every
//! value is read by the decoder of a type (an unknown property is an error,
//! nothing is skipped). On a failure [`crate::decode_with`] scans the whole
//! payload before it answers, so that a malformed payload is reported as
//! such whatever the decoder met first, as when the scan came first. The
//! corpus and differential tests against serde_json hold it to that.
//!
//! Strings reach the decoders raw (escapes still in); each string type
//! unescapes while it validates.
//!
//! [`Reader`] is also a serde `Deserializer`, for a firmware's own
//! [`crate::Decode`] types that would rather derive `Deserialize`: `str`,
//! `bytes` (a string of printable ASCII, see there), `identifier` (a
//! string's raw bytes, see there), `i64`, `u64`, `f64`, `bool`, `map`,
//! `seq`, the other integer widths, `option`, `unit`, `struct` and `tuple`
//! behave as serde-json-core's, and what serde-json-core does not support
//! (`any`, `enum`, ...) fails. The messages of this crate do not use it.

use core::fmt;

use serde::de;

use crate::scan;

/// A decoding failure. What went wrong is recorded in the decoding context
/// ([`crate::Cx`]); [`crate::decode`] returns it as a
/// [`crate::DecodeError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failed;

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid payload")
    }
}

impl core::error::Error for Failed {}

impl de::Error for Failed {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Failed
    }
}

type Result<T> = core::result::Result<T, Failed>;

/// A property name read by [`Reader::property`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Name<'de> {
    /// The name at this index of the names given.
    Known(usize),
    /// Another name, raw (escapes still in).
    Raw(&'de [u8]),
}

/// A string read for a type of printable ASCII ([`Reader::printable`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Printable<'de> {
    /// Printable ASCII without an escape: the string's bytes.
    Plain(&'de [u8]),
    /// Any other well-formed string, raw (escapes still in).
    Raw(&'de str),
}

/// Reads a payload, checking it as it goes: the cursor a [`crate::Decode`]
/// implementation reads its value with. Every method skips the whitespace
/// before its token, and fails ([`Failed`], nothing recorded) when the token
/// is not the one asked for or is malformed; the caller records why in its
/// [`crate::Cx`] if the JSON type is what was wrong.
pub struct Reader<'de> {
    bytes: &'de [u8],
    i: usize,
}

impl fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("len", &self.bytes.len())
            .field("at", &self.i)
            .finish()
    }
}

impl<'de> Reader<'de> {
    /// A reader over `bytes`.
    pub(crate) fn new(bytes: &'de [u8]) -> Self {
        Reader { bytes, i: 0 }
    }

    /// Whether the first token is `{` (nothing is consumed but whitespace).
    pub(crate) fn starts_object(&mut self) -> bool {
        self.ws() == Some(b'{')
    }

    /// Whether only whitespace is left.
    pub(crate) fn end(&mut self) -> Result<()> {
        match self.ws() {
            Some(_) => Err(Failed),
            None => Ok(()),
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    /// Skips whitespace; the next byte.
    #[inline]
    fn ws(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes.get(self.i) {
            if !matches!(b, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(b);
            }
            self.i += 1;
        }
        None
    }

    /// `b` as the next token, consumed.
    #[inline]
    fn token(&mut self, b: u8) -> Result<()> {
        if self.ws() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(Failed)
        }
    }

    /// The `{` that opens an object.
    #[inline]
    pub fn object(&mut self) -> Result<()> {
        self.token(b'{')
    }

    /// Before an object's next property: its comma (none when `first`),
    /// consumed; `false` at the `}` that closes the object (consumed).
    #[inline]
    fn member(&mut self, first: bool) -> Result<bool> {
        match self.ws() {
            Some(b'}') => {
                self.i += 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.i += 1;
                Ok(true)
            }
            Some(_) if first => Ok(true),
            _ => Err(Failed),
        }
    }

    /// The raw name (escapes in) of the object's next property, with the
    /// `:` after it, or `None` at the `}` that closes the object (consumed).
    /// `first`: no property was read yet, so no comma comes before it.
    #[inline]
    pub fn key(&mut self, first: bool) -> Result<Option<&'de [u8]>> {
        if !self.member(first)? {
            return Ok(None);
        }
        let name = self.raw_string()?;
        self.token(b':')?;
        Ok(Some(name))
    }

    /// [`Reader::key`] for an object whose property names are `names`,
    /// each with its closing quote (`status"`): the index of the name the
    /// payload has, found by comparing the bytes after the opening quote
    /// with each name, from `names[hint]` on (the property after the one
    /// read last: payloads mostly list them in the schema's order), so a
    /// known name is neither scanned nor matched twice. Any other name
    /// (unknown, or written with escapes) comes raw, as from `key`.
    #[inline]
    pub fn property(
        &mut self,
        first: bool,
        names: &[&[u8]],
        hint: usize,
    ) -> Result<Option<Name<'de>>> {
        if !self.member(first)? {
            return Ok(None);
        }
        if self.ws() != Some(b'"') {
            return Err(Failed);
        }
        let rest = self.bytes.get(self.i + 1..).unwrap_or_default();
        let known = match names.get(hint) {
            Some(n) if starts_with(rest, n) => Some((hint, n.len())),
            _ => names
                .iter()
                .enumerate()
                .find(|(_, n)| starts_with(rest, n))
                .map(|(k, n)| (k, n.len())),
        };
        let name = match known {
            Some((k, len)) => {
                self.i += 1 + len;
                Name::Known(k)
            }
            None => Name::Raw(self.raw_string()?),
        };
        self.token(b':')?;
        Ok(Some(name))
    }

    /// The index in `names` of the string at the next token when it is
    /// written as one of them, its closing quote consumed; `None`, with
    /// nothing but whitespace consumed, when it is some other string (read
    /// it with [`Reader::raw_string`]). Only the names as long as the
    /// string are compared.
    #[inline]
    pub fn variant(&mut self, names: &[&str]) -> Result<Option<usize>> {
        if self.ws() != Some(b'"') {
            return Err(Failed);
        }
        let rest = self.bytes.get(self.i + 1..).unwrap_or_default();
        for (k, name) in names.iter().enumerate() {
            let name = name.as_bytes();
            if rest.get(name.len()) == Some(&b'"') && starts_with(rest, name) {
                self.i += name.len() + 2;
                return Ok(Some(k));
            }
        }
        Ok(None)
    }

    /// The `[` that opens an array.
    #[inline]
    pub fn array(&mut self) -> Result<()> {
        self.token(b'[')
    }

    /// Whether an item of the array follows (its comma consumed), or
    /// `false` at the `]` that closes the array (consumed). `first`: no
    /// item was read yet.
    #[inline]
    pub fn item(&mut self, first: bool) -> Result<bool> {
        let next = match self.ws() {
            Some(b']') => {
                self.i += 1;
                return Ok(false);
            }
            Some(b',') if !first => {
                self.i += 1;
                self.ws()
            }
            Some(c) if first => Some(c),
            _ => return Err(Failed),
        };
        match next {
            Some(b']') | None => Err(Failed),
            Some(_) => Ok(true),
        }
    }

    /// The raw body of the string at the next token (escapes in), after
    /// checking its escapes and that it has no control character; its
    /// UTF-8 is not checked. For a decoder that matches it against ASCII
    /// names (a property name, an enum value) or reads ASCII (a date-time),
    /// and checks UTF-8 itself before it reads it any other way.
    #[inline]
    pub fn raw_string(&mut self) -> Result<&'de [u8]> {
        if self.ws() != Some(b'"') {
            return Err(Failed);
        }
        let start = self.i + 1;
        let end = scan::string_end(self.bytes, self.i).map_err(|_| Failed)?;
        self.i = end;
        self.bytes.get(start..end - 1).ok_or(Failed)
    }

    /// [`Reader::raw_string`] as UTF-8 (escapes still in).
    #[inline]
    pub fn string(&mut self) -> Result<&'de str> {
        core::str::from_utf8(self.raw_string()?).map_err(|_| Failed)
    }

    /// A string for a type of printable ASCII (CiString, idTag): when it
    /// is printable ASCII without escapes, its end is found and its bytes
    /// checked in one look ([`Printable::Plain`]); any other string (an
    /// escape, another character) is read as [`Reader::string`] from its
    /// start ([`Printable::Raw`]).
    #[inline]
    pub fn printable(&mut self) -> Result<Printable<'de>> {
        if self.ws() != Some(b'"') {
            return Err(Failed);
        }
        let bytes = self.bytes;
        let start = self.i + 1;
        if let Some(end) = scan::printable_run_end(bytes, start) {
            if bytes.get(end) == Some(&b'"') {
                self.i = end + 1;
                return bytes.get(start..end).map(Printable::Plain).ok_or(Failed);
            }
        }
        self.string().map(Printable::Raw)
    }

    /// `literal` (after its first byte was seen) or an error.
    fn ident(&mut self, literal: &[u8]) -> Result<()> {
        let end = self.i + literal.len();
        if self.bytes.get(self.i..end) == Some(literal) {
            self.i = end;
            Ok(())
        } else {
            Err(Failed)
        }
    }

    /// `true` or `false`.
    pub fn boolean(&mut self) -> Result<bool> {
        match self.ws().ok_or(Failed)? {
            b't' => {
                self.i += 1;
                self.ident(b"rue")?;
                Ok(true)
            }
            b'f' => {
                self.i += 1;
                self.ident(b"alse")?;
                Ok(false)
            }
            _ => Err(Failed),
        }
    }

    /// `null`.
    pub fn null(&mut self) -> Result<()> {
        self.token(b'n')?;
        self.ident(b"ull")
    }

    /// serde-json-core's unsigned integer: digits until the first
    /// non-digit, an error on overflow or a minus sign.
    pub fn unsigned(&mut self) -> Result<u64> {
        match self.ws().ok_or(Failed)? {
            b'0' => {
                self.i += 1;
                Ok(0)
            }
            c @ b'1'..=b'9' => {
                self.i += 1;
                let mut n = u64::from(c - b'0');
                while let Some(c @ b'0'..=b'9') = self.peek() {
                    self.i += 1;
                    n = n
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(u64::from(c - b'0')))
                        .ok_or(Failed)?;
                }
                Ok(n)
            }
            _ => Err(Failed),
        }
    }

    /// serde-json-core's signed integer.
    pub fn signed(&mut self) -> Result<i64> {
        let negative = self.ws() == Some(b'-');
        if negative {
            self.i += 1;
        }
        match self.peek().ok_or(Failed)? {
            b'0' => {
                self.i += 1;
                Ok(0)
            }
            c @ b'1'..=b'9' => {
                self.i += 1;
                let sign = if negative { -1 } else { 1 };
                let mut n = i64::from(c - b'0') * sign;
                while let Some(c @ b'0'..=b'9') = self.peek() {
                    self.i += 1;
                    n = n
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(i64::from(c - b'0') * sign))
                        .ok_or(Failed)?;
                }
                Ok(n)
            }
            _ => Err(Failed),
        }
    }

    /// A number's token, checked against JSON's number syntax, or `None`
    /// for `null` (serde-json-core's float reads it as NaN).
    pub fn number(&mut self) -> Result<Option<&'de str>> {
        if self.ws().ok_or(Failed)? == b'n' {
            self.i += 1;
            self.ident(b"ull")?;
            return Ok(None);
        }
        let start = self.i;
        while let Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'e' | b'E') = self.peek() {
            self.i += 1;
        }
        // `core` also reads `1.`, `.5`, `+1` and `01`: JSON does not.
        if scan::number_end(self.bytes, start) != Ok(self.i) {
            return Err(Failed);
        }
        // A number's characters are ASCII.
        let token = self.bytes.get(start..self.i).ok_or(Failed)?;
        core::str::from_utf8(token).map(Some).map_err(|_| Failed)
    }

    /// serde-json-core's float: NaN for `null`.
    pub fn float(&mut self) -> Result<f64> {
        match self.number()? {
            None => Ok(f64::NAN),
            Some(s) => s.parse().map_err(|_| Failed),
        }
    }

    /// After the elements of an array: `]`.
    fn end_seq(&mut self) -> Result<()> {
        self.token(b']')
    }

    /// After the properties of an object: `}`.
    fn end_map(&mut self) -> Result<()> {
        self.token(b'}')
    }
}

/// `bytes.starts_with(name)` for the short names of properties and enum
/// values. On a 64-bit target, eight bytes are compared at a time (the
/// last eight overlapping), inline, where `starts_with` calls `bcmp`; on
/// a 32-bit one, which may not load a word from an unaligned address,
/// `starts_with` it is.
#[inline]
fn starts_with(bytes: &[u8], name: &[u8]) -> bool {
    #[cfg(target_pointer_width = "64")]
    {
        let n = name.len();
        let word = |s: &[u8], at: usize| {
            s.get(at..at + 8)
                .and_then(|w| <[u8; 8]>::try_from(w).ok())
                .map(u64::from_ne_bytes)
        };
        if n >= 8 && bytes.len() >= n {
            let mut at = 0;
            while at + 8 < n {
                if word(bytes, at) != word(name, at) {
                    return false;
                }
                at += 8;
            }
            return word(bytes, n - 8) == word(name, n - 8);
        }
    }
    bytes.starts_with(name)
}

#[path = "de_serde.rs"]
mod serde_impl;

#[cfg(test)]
mod tests {
    use super::{Name, Reader};

    /// `property` finds a listed name as written, whatever the hint, and
    /// stands after its colon; an escaped or unlisted name comes raw.
    #[test]
    fn property_finds_listed_names_and_gives_others_raw() {
        let names: &[&[u8]] = &[b"status\"", b"chargePointSerialNumber\""];
        let payload = br#"{"chargePointSerialNumber":1,"status" :2,"st\u0061tus":3,"other":4}"#;
        let mut r = Reader::new(payload);
        r.object().unwrap();
        assert_eq!(r.property(true, names, 0), Ok(Some(Name::Known(1))));
        assert_eq!(r.signed(), Ok(1));
        assert_eq!(r.property(false, names, 2), Ok(Some(Name::Known(0))));
        assert_eq!(r.signed(), Ok(2));
        assert_eq!(
            r.property(false, names, 0),
            Ok(Some(Name::Raw(br"st\u0061tus")))
        );
        assert_eq!(r.signed(), Ok(3));
        assert_eq!(r.property(false, names, 1), Ok(Some(Name::Raw(b"other"))));
        assert_eq!(r.signed(), Ok(4));
        assert_eq!(r.property(false, names, 0), Ok(None));
        assert_eq!(r.end(), Ok(()));
    }

    /// `variant` finds a value written as one of the names, consumed with
    /// its quotes; any other string is left to `raw_string`.
    #[test]
    fn variant_finds_names_as_written_and_leaves_the_rest() {
        let names = ["Accepted", "Rejected", "Scheduled"];
        let mut r = Reader::new(br#" "Scheduled" "Accepted""Rej\u0065cted" "Acceptedx""#);
        assert_eq!(r.variant(&names), Ok(Some(2)));
        assert_eq!(r.variant(&names), Ok(Some(0)));
        assert_eq!(r.variant(&names), Ok(None));
        assert_eq!(r.raw_string(), Ok(&br"Rej\u0065cted"[..]));
        assert_eq!(r.variant(&names), Ok(None));
        assert_eq!(r.raw_string(), Ok(&b"Acceptedx"[..]));
        assert_eq!(r.end(), Ok(()));
    }
    /// The word-at-a-time comparison agrees with `starts_with` for every
    /// length of name around the word size, a difference at every place,
    /// and payloads shorter than the name.
    #[test]
    fn starts_with_agrees_with_the_slice_method() {
        let text = b"chargePointSerialNumber\":\"CP-SN-0001\"";
        for n in 0..=26 {
            let name = &text[..n];
            for len in 0..text.len() {
                let bytes = &text[..len];
                assert_eq!(
                    super::starts_with(bytes, name),
                    bytes.starts_with(name),
                    "{n} {len}"
                );
            }
            for at in 0..n {
                let mut other = *text;
                other[at] ^= 0x20;
                assert!(!super::starts_with(&other, name), "{n} {at}");
                assert!(super::starts_with(&other, &name[..at]), "{n} {at}");
            }
        }
    }
}

//! The deserializer of [`crate::decode`]: a serde `Deserializer` that checks
//! the JSON syntax of what it reads as it reads it, so that a payload is
//! looked at once.
//!
//! Each string's escapes and control characters are checked by the
//! scanner's own [`scan::string_end`] while its end is found, each number's
//! form by [`scan::number_end`], literals and the brackets, commas and colons
//! as they come. UTF-8 is checked only where a string is read as a `&str`:
//! outside strings any byte above ASCII is a syntax error, a property name,
//! an enum value or a date-time goes to its visitor as raw bytes, which it
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
//! Strings reach the visitors raw (escapes still in), as they did with
//! serde-json-core without an unescape buffer; each string type unescapes
//! while it validates.
//!
//! Only the calls our `Decode` impls make are meant to be used: `str`,
//! `bytes` (a string of printable ASCII, see there), `identifier` (a
//! string's raw bytes, see there), `i64`, `u64`, `f64`,
//! `bool`, `map`, `seq`; the other integer widths,
//! `option`, `unit`, `struct` and `tuple` behave as serde-json-core's, and
//! what serde-json-core does not support (`any`, `enum`, ...)
//! fails.

use core::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

use crate::scan;

/// A failure; what went wrong is recorded in the decoding context
/// ([`crate::Cx`]), as it was with serde-json-core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Error;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid payload")
    }
}

impl core::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Error
    }
}

type Result<T> = core::result::Result<T, Error>;

/// The newtype name under which [`crate::Decimal`] asks for a number's
/// token (see `deserialize_newtype_struct`).
pub(crate) const NUMBER_TOKEN: &str = "$ocpp_model::NumberToken";

/// Reads a payload, checking it as it goes.
pub(crate) struct De<'de> {
    bytes: &'de [u8],
    i: usize,
}

impl<'de> De<'de> {
    /// A deserializer over `bytes`.
    pub(crate) fn new(bytes: &'de [u8]) -> Self {
        De { bytes, i: 0 }
    }

    /// Whether the first token is `{` (nothing is consumed but whitespace).
    pub(crate) fn starts_object(&mut self) -> bool {
        self.ws() == Some(b'{')
    }

    /// Whether only whitespace is left.
    pub(crate) fn end(&mut self) -> Result<()> {
        match self.ws() {
            Some(_) => Err(Error),
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

    /// The raw body of the string at the next token (escapes in), after
    /// checking its escapes and that it has no control character; its
    /// UTF-8 is not checked.
    #[inline]
    fn raw_bytes(&mut self) -> Result<&'de [u8]> {
        if self.ws() != Some(b'"') {
            return Err(Error);
        }
        let start = self.i + 1;
        let end = scan::string_end(self.bytes, self.i).map_err(|_| Error)?;
        self.i = end;
        self.bytes.get(start..end - 1).ok_or(Error)
    }

    /// [`De::raw_bytes`] as UTF-8.
    #[inline]
    fn raw_str(&mut self) -> Result<&'de str> {
        core::str::from_utf8(self.raw_bytes()?).map_err(|_| Error)
    }

    /// `literal` (after its first byte was seen) or an error.
    fn ident(&mut self, literal: &[u8]) -> Result<()> {
        let end = self.i + literal.len();
        if self.bytes.get(self.i..end) == Some(literal) {
            self.i = end;
            Ok(())
        } else {
            Err(Error)
        }
    }

    /// serde-json-core's unsigned integer: digits until the first
    /// non-digit, an error on overflow or a minus sign.
    fn unsigned(&mut self) -> Result<u64> {
        match self.ws().ok_or(Error)? {
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
                        .ok_or(Error)?;
                }
                Ok(n)
            }
            _ => Err(Error),
        }
    }

    /// serde-json-core's signed integer.
    fn signed(&mut self) -> Result<i64> {
        let negative = self.ws() == Some(b'-');
        if negative {
            self.i += 1;
        }
        match self.peek().ok_or(Error)? {
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
                        .ok_or(Error)?;
                }
                Ok(n)
            }
            _ => Err(Error),
        }
    }

    /// serde-json-core's float: `None` for `null` (NaN), else the run of
    /// number characters, for `core` to parse.
    fn float(&mut self) -> Result<Option<&'de str>> {
        if self.ws().ok_or(Error)? == b'n' {
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
            return Err(Error);
        }
        // A number's characters are ASCII.
        let token = self.bytes.get(start..self.i).ok_or(Error)?;
        core::str::from_utf8(token).map(Some).map_err(|_| Error)
    }

    /// After the elements of an array: `]`.
    fn end_seq(&mut self) -> Result<()> {
        match self.ws() {
            Some(b']') => {
                self.i += 1;
                Ok(())
            }
            _ => Err(Error),
        }
    }

    /// After the properties of an object: `}`.
    fn end_map(&mut self) -> Result<()> {
        match self.ws() {
            Some(b'}') => {
                self.i += 1;
                Ok(())
            }
            _ => Err(Error),
        }
    }
}

macro_rules! narrow {
    ($($name:ident $visit:ident $t:ty, $read:ident;)*) => {
        $(
            fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
                let v = self.$read()?;
                visitor.$visit(<$t>::try_from(v).map_err(|_| Error)?)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for &mut De<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Error)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.ws().ok_or(Error)? {
            b't' => {
                self.i += 1;
                self.ident(b"rue")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.i += 1;
                self.ident(b"alse")?;
                visitor.visit_bool(false)
            }
            _ => Err(Error),
        }
    }

    narrow! {
        deserialize_i8 visit_i8 i8, signed;
        deserialize_i16 visit_i16 i16, signed;
        deserialize_i32 visit_i32 i32, signed;
        deserialize_u8 visit_u8 u8, unsigned;
        deserialize_u16 visit_u16 u16, unsigned;
        deserialize_u32 visit_u32 u32, unsigned;
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.signed()?;
        visitor.visit_i64(v)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.unsigned()?;
        visitor.visit_u64(v)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = match self.float()? {
            None => f32::NAN,
            Some(s) => s.parse().map_err(|_| Error)?,
        };
        visitor.visit_f32(v)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = match self.float()? {
            None => f64::NAN,
            Some(s) => s.parse().map_err(|_| Error)?,
        };
        visitor.visit_f64(v)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let raw = self.raw_str()?;
        visitor.visit_borrowed_str(raw)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    /// A string for a type of printable ASCII (CiString, idTag): when it
    /// is printable ASCII without escapes, its end is found and its bytes
    /// checked in one look, and they go to `visit_borrowed_bytes`; any
    /// other string (an escape, another character, a malformed one) goes
    /// the usual way ([`Self::deserialize_str`]) from its start.
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.ws() != Some(b'"') {
            return Err(Error);
        }
        let bytes = self.bytes;
        let start = self.i + 1;
        if let Some(end) = scan::printable_run_end(bytes, start) {
            if bytes.get(end) == Some(&b'"') {
                self.i = end + 1;
                return visitor.visit_borrowed_bytes(bytes.get(start..end).ok_or(Error)?);
            }
        }
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Error)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.ws().ok_or(Error)? == b'n' {
            self.i += 1;
            self.ident(b"ull")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.ws().ok_or(Error)? == b'n' {
            self.i += 1;
            self.ident(b"ull")?;
            visitor.visit_unit()
        } else {
            Err(Error)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    /// A number asked for as [`NUMBER_TOKEN`] comes as its token
    /// (`visit_borrowed_str`), `null` as `visit_unit`: a decimal is read
    /// without a float parser. Any other newtype as serde-json-core's.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == NUMBER_TOKEN {
            return match self.float()? {
                Some(token) => visitor.visit_borrowed_str(token),
                None => visitor.visit_unit(),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.ws().ok_or(Error)? != b'[' {
            return Err(Error);
        }
        self.i += 1;
        let value = visitor.visit_seq(Seq {
            de: &mut *self,
            first: true,
        })?;
        self.end_seq()?;
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.ws().ok_or(Error)? != b'{' {
            return Err(Error);
        }
        self.i += 1;
        let value = visitor.visit_map(Map {
            de: &mut *self,
            first: true,
        })?;
        self.end_map()?;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Error)
    }

    /// A string's raw bytes (escapes in, control characters refused, UTF-8
    /// not checked) to `visit_borrowed_bytes`: for a visitor that matches
    /// them against ASCII names (a property name, an enum value) or reads
    /// ASCII (a date-time), and checks UTF-8 itself before it reads them
    /// any other way.
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let raw = self.raw_bytes()?;
        visitor.visit_borrowed_bytes(raw)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Error)
    }
}

/// The elements of an array, read as serde-json-core reads them.
struct Seq<'a, 'de> {
    de: &'a mut De<'de>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for Seq<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let peek = match self.de.ws().ok_or(Error)? {
            b']' => return Ok(None),
            b',' if !self.first => {
                self.de.i += 1;
                self.de.ws().ok_or(Error)?
            }
            c if self.first => {
                self.first = false;
                c
            }
            _ => return Err(Error),
        };
        if peek == b']' {
            return Err(Error);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

/// The properties of an object, read as serde-json-core reads them.
struct Map<'a, 'de> {
    de: &'a mut De<'de>,
    first: bool,
}

impl<'de> de::MapAccess<'de> for Map<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let peek = match self.de.ws().ok_or(Error)? {
            b'}' => return Ok(None),
            b',' if !self.first => {
                self.de.i += 1;
                self.de.ws()
            }
            b if self.first => {
                self.first = false;
                Some(b)
            }
            _ => return Err(Error),
        };
        match peek.ok_or(Error)? {
            b'"' => seed.deserialize(&mut *self.de).map(Some),
            _ => Err(Error),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        if self.de.ws() != Some(b':') {
            return Err(Error);
        }
        self.de.i += 1;
        seed.deserialize(&mut *self.de)
    }
}

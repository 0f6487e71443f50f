//! The JSON serializer of the encoders: a serde `Serializer` writing into a
//! caller's slice.
//!
//! It writes what serde-json-core writes, byte for byte (the golden round
//! trips and the schema tests hold it to that), but in runs: a string is
//! copied with one `copy_from_slice` per stretch that needs no escaping
//! (serde-json-core pushes it one character at a time, with a bounds check
//! and an escape match each), a property name with one copy of `"name":`,
//! an integer from a small stack buffer. Floats, rare in OCPP, are written
//! by serde-json-core (ryu) into the rest of the buffer.
//!
//! Escaping is serde-json-core's: `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`,
//! other controls as `\u00XX`, everything else (DEL, non-ASCII) as it is.
//! The parts of serde's data model our messages do not use are written as
//! serde-json-core writes them too (a test holds each), and a `char`,
//! which serde-json-core cannot write, as a one-character string.

use core::fmt;

use serde::ser::{self, Serialize};

/// The only failure: the buffer is full (or the value is not one our
/// messages have, which never happens: reported the same way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

impl fmt::Display for Full {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("buffer full")
    }
}

impl core::error::Error for Full {}

impl ser::Error for Full {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Full
    }
}

/// Writes into `buf[len..]`, refusing (not truncating) what does not fit.
/// What a payload's [`crate::encode::Encode`] writes into (its methods are
/// the crate's own).
pub struct Writer<'b> {
    pub(crate) buf: &'b mut [u8],
    pub(crate) len: usize,
}

impl fmt::Debug for Writer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("len", &self.len)
            .field("capacity", &self.buf.len())
            .finish()
    }
}

impl Writer<'_> {
    /// Appends `bytes` whole, or nothing.
    #[inline]
    pub(crate) fn put(&mut self, bytes: &[u8]) -> Result<(), Full> {
        let end = self.len.checked_add(bytes.len()).ok_or(Full)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(Full)?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// Appends `"`, `body` and `tail` (`":` or `"`), after a comma when
    /// `comma`, with one bounds check, or nothing.
    #[inline]
    pub(crate) fn quoted(&mut self, comma: bool, body: &[u8], tail: &[u8; 2]) -> Result<(), Full> {
        let tail = if tail[1] == 0 { &tail[..1] } else { &tail[..] };
        let start = self.len + usize::from(comma);
        let body_at = start + 1;
        let end = body_at
            .checked_add(body.len())
            .and_then(|n| n.checked_add(tail.len()))
            .ok_or(Full)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(Full)?;
        let (head, rest) = dst.split_at_mut(body_at - self.len);
        let (b, t) = rest.split_at_mut(body.len());
        if let [c, _] = head {
            *c = b',';
        }
        if let Some(q) = head.last_mut() {
            *q = b'"';
        }
        b.copy_from_slice(body);
        for (d, &s) in t.iter_mut().zip(tail) {
            *d = s;
        }
        self.len = end;
        Ok(())
    }

    /// Appends `start`, `"`, `body` and `",`: a frame's header, whose id
    /// needs no escape, with one bounds check, or nothing.
    #[inline]
    pub(crate) fn framed(&mut self, start: &[u8; 3], body: &[u8]) -> Result<(), Full> {
        let body_at = self.len + 4;
        let end = body_at.checked_add(body.len() + 2).ok_or(Full)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(Full)?;
        let (head, rest) = dst.split_at_mut(4);
        let (b, tail) = rest.split_at_mut(body.len());
        head.copy_from_slice(&[start[0], start[1], start[2], b'"']);
        b.copy_from_slice(body);
        tail.copy_from_slice(b"\",");
        self.len = end;
        Ok(())
    }

    /// Appends a property's `,"name":` (`with_comma`), with `{` for the
    /// comma when it is the object's first: the object opens with it.
    /// Inlined, so that the name's copy has a constant length (a few moves
    /// on x86 where a shared copy calls `memcpy`: 5,500 of the 25,500
    /// instructions of `benches/codec-vs.sh`'s 34 frames; 470 bytes of the
    /// QEMU firmware's `.text`).
    #[inline]
    pub(crate) fn property(&mut self, first: bool, with_comma: &[u8]) -> Result<(), Full> {
        let at = self.len;
        self.put(with_comma)?;
        if first {
            if let Some(c) = self.buf.get_mut(at) {
                *c = b'{';
            }
        }
        Ok(())
    }

    /// Closes an object whose properties [`Writer::property`] opened, or
    /// writes `{}` when it had none (`first` still set).
    #[inline]
    pub(crate) fn end_object(&mut self, first: bool) -> Result<(), Full> {
        if first {
            self.put(b"{}")
        } else {
            self.byte(b'}')
        }
    }

    /// [`Writer::framed`] out of line, for the end of a buffer.
    #[cold]
    #[inline(never)]
    fn framed_cold(&mut self, start: &[u8; 3], body: &[u8]) -> Result<(), Full> {
        self.framed(start, body)
    }

    /// [`Writer::framed`] of the first `len` bytes of `body`: where the rest
    /// of the buffer holds all of `body`, it is copied at its fixed size (a
    /// few moves, where a copy of `len` bytes is a call of `memcpy`), and
    /// the bytes after the id are then overwritten or left past the end.
    #[inline]
    pub(crate) fn framed_padded<const N: usize>(
        &mut self,
        start: &[u8; 3],
        body: &[u8; N],
        len: usize,
    ) -> Result<(), Full> {
        let len = len.min(N);
        let room = self
            .buf
            .get_mut(self.len..)
            .and_then(|r| r.get_mut(..N + 6));
        let Some(dst) = room else {
            return self.framed_cold(start, body.get(..len).unwrap_or_default());
        };
        let (head, rest) = dst.split_at_mut(4);
        head.copy_from_slice(&[start[0], start[1], start[2], b'"']);
        let (b, _) = rest.split_at_mut(N);
        b.copy_from_slice(body);
        if let Some(tail) = rest.get_mut(len..len + 2) {
            tail.copy_from_slice(b"\",");
        }
        self.len += len + 6;
        Ok(())
    }

    /// Appends `"bytes"`, a string with nothing to escape (an enum value,
    /// a date-time). Not inlined: one copy, where each enum's and each
    /// message's copy of [`Writer::quoted`] cost about 100 bytes of thumbv6m
    /// code.
    #[inline(never)]
    pub(crate) fn plain(&mut self, bytes: &[u8]) -> Result<(), Full> {
        self.quoted(false, bytes, b"\"\0")
    }

    /// Appends one byte.
    #[inline]
    pub(crate) fn byte(&mut self, b: u8) -> Result<(), Full> {
        let dst = self.buf.get_mut(self.len).ok_or(Full)?;
        *dst = b;
        self.len += 1;
        Ok(())
    }

    /// Appends `s` as a JSON string, quotes included: runs that need no
    /// escape are found eight bytes at a time and copied at once.
    pub(crate) fn string(&mut self, s: &str) -> Result<(), Full> {
        self.string_bytes(s.as_bytes())
    }

    /// [`Writer::string`] of UTF-8 `bytes`.
    // Not inlined: it is called from many places, and inlined into each of
    // the frame encoders it cost 600 to 850 bytes of thumbv6m code apiece.
    #[inline(never)]
    pub(crate) fn string_bytes(&mut self, bytes: &[u8]) -> Result<(), Full> {
        if crate::scan::plain_run_end(bytes, 0).is_none() {
            // Nothing to escape (the usual case): one copy.
            return self.quoted(false, bytes, b"\"\0");
        }
        self.escaped(bytes)
    }

    /// [`Writer::string_bytes`] of a string with something to escape.
    #[inline(never)]
    fn escaped(&mut self, bytes: &[u8]) -> Result<(), Full> {
        self.byte(b'"')?;
        self.escaped_body(bytes)?;
        self.byte(b'"')
    }

    /// `bytes` escaped as inside a JSON string, without the quotes.
    fn escaped_body(&mut self, bytes: &[u8]) -> Result<(), Full> {
        let mut run = 0;
        while let Some(i) = crate::scan::plain_run_end(bytes, run) {
            self.put(&bytes[run..i])?;
            run = i + 1;
            match bytes[i] {
                b'"' => self.put(b"\\\"")?,
                b'\\' => self.put(b"\\\\")?,
                0x08 => self.put(b"\\b")?,
                b'\t' => self.put(b"\\t")?,
                b'\n' => self.put(b"\\n")?,
                0x0C => self.put(b"\\f")?,
                b'\r' => self.put(b"\\r")?,
                c => {
                    const HEX: &[u8; 16] = b"0123456789ABCDEF";
                    let hi = HEX[usize::from(c >> 4)];
                    let lo = HEX[usize::from(c & 0xF)];
                    self.put(&[b'\\', b'u', b'0', b'0', hi, lo])?;
                }
            }
        }
        self.put(&bytes[run..])
    }

    /// Appends an unsigned integer in decimal.
    pub(crate) fn unsigned(&mut self, mut v: u64, negative: bool) -> Result<(), Full> {
        let mut digits = [0u8; 21];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if negative {
            i -= 1;
            digits[i] = b'-';
        }
        self.put(&digits[i..])
    }

    pub(crate) fn signed(&mut self, v: i64) -> Result<(), Full> {
        self.unsigned(v.unsigned_abs(), v < 0)
    }

    /// A number of tenths as `I.F`: what ryu writes for the float
    /// `t / 10` (see [`tenths_of`]).
    pub(crate) fn tenths(&mut self, t: i32) -> Result<(), Full> {
        let abs = t.unsigned_abs();
        self.unsigned(u64::from(abs / 10), t < 0)?;
        self.put(&[b'.', b'0' + (abs % 10) as u8])
    }

    /// A finite float as serde-json-core writes it (ryu); `null` otherwise.
    fn float<T: Serialize>(&mut self, v: &T) -> Result<(), Full> {
        let rest = self.buf.get_mut(self.len..).ok_or(Full)?;
        self.len += serde_json_core::to_slice(v, rest).map_err(|_| Full)?;
        Ok(())
    }

    /// A float as serde-json-core writes it; a number of tenths (every
    /// [`crate::Decimal`]) without ryu.
    pub(crate) fn f64(&mut self, v: f64) -> Result<(), Full> {
        match tenths_of(v) {
            Some(t) => self.tenths(t),
            None => self.float(&v),
        }
    }

    /// Serializes `value`.
    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Full> {
        value.serialize(self)
    }
}

/// `Some(t)` when `v` is the float nearest to `t / 10` for an `i32` `t`
/// (every [`crate::Decimal`] is), other than zero written negative: then
/// ryu's shortest form of `v` is `t / 10` written `I.F` (at most 11
/// significant digits, far fewer than an `f64` tells apart, so no shorter
/// decimal reads back as `v`, and plain notation below 1e16), which
/// [`Writer::tenths`] writes without ryu's work.
fn tenths_of(v: f64) -> Option<i32> {
    let x = v * 10.0;
    if !(-2_147_483_648.0..=2_147_483_647.0).contains(&x) || (v == 0.0 && v.is_sign_negative()) {
        return None;
    }
    let t = x as i32; // in range: truncates; checked below
    (f64::from(t) / 10.0 == v).then_some(t)
}

/// A container being written: whether an element was written yet.
#[derive(Debug)]
pub struct Compound<'a, 'b> {
    pub(crate) w: &'a mut Writer<'b>,
    first: bool,
}

impl<'a, 'b> Compound<'a, 'b> {
    /// A container whose opening bracket `w` has just written.
    pub(crate) fn new(w: &'a mut Writer<'b>) -> Self {
        Compound { w, first: true }
    }

    /// A comma, but before the first item.
    pub(crate) fn comma(&mut self) -> Result<(), Full> {
        if self.first {
            self.first = false;
            Ok(())
        } else {
            self.w.byte(b',')
        }
    }

    /// `"key":`, the key as it is (serde-json-core does not escape
    /// property names; ours are identifiers).
    pub(crate) fn key(&mut self, key: &str) -> Result<(), Full> {
        let comma = !self.first;
        self.first = false;
        self.w.quoted(comma, key.as_bytes(), b"\":")
    }
}

impl<'a, 'b> ser::Serializer for &'a mut Writer<'b> {
    type Ok = ();
    type Error = Full;
    type SerializeSeq = Compound<'a, 'b>;
    type SerializeTuple = Compound<'a, 'b>;
    type SerializeTupleStruct = Compound<'a, 'b>;
    type SerializeTupleVariant = ser::Impossible<(), Full>;
    type SerializeMap = Compound<'a, 'b>;
    type SerializeStruct = Compound<'a, 'b>;
    type SerializeStructVariant = ser::Impossible<(), Full>;

    fn serialize_bool(self, v: bool) -> Result<(), Full> {
        self.put(if v { b"true" } else { b"false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Full> {
        self.signed(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Full> {
        self.signed(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Full> {
        self.signed(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Full> {
        self.signed(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Full> {
        self.unsigned(v.into(), false)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Full> {
        self.unsigned(v.into(), false)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Full> {
        self.unsigned(v.into(), false)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Full> {
        self.unsigned(v, false)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Full> {
        self.float(&v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Full> {
        self.f64(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Full> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Full> {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Full> {
        // serde-json-core writes bytes as they are.
        self.put(v)
    }
    fn serialize_none(self) -> Result<(), Full> {
        self.put(b"null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Full> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Full> {
        self.put(b"null")
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Full> {
        self.put(b"null")
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Full> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Full> {
        value.serialize(self)
    }
    /// `{"variant":value}`, the name as it is (as a property name).
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Full> {
        self.byte(b'{')?;
        self.quoted(false, variant.as_bytes(), b"\":")?;
        value.serialize(&mut *self)?;
        self.byte(b'}')
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, 'b>, Full> {
        self.byte(b'[')?;
        Ok(Compound {
            w: self,
            first: true,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, 'b>, Full> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'b>, Full> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Full> {
        Err(Full)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 'b>, Full> {
        self.byte(b'{')?;
        Ok(Compound {
            w: self,
            first: true,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a, 'b>, Full> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Full> {
        Err(Full)
    }
    /// `value`'s `Display`, as a JSON string.
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<(), Full> {
        struct Body<'w, 'b>(&'w mut Writer<'b>);
        impl fmt::Write for Body<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0.escaped_body(s.as_bytes()).map_err(|_| fmt::Error)
            }
        }
        self.byte(b'"')?;
        fmt::write(&mut Body(&mut *self), format_args!("{value}")).map_err(|_| Full)?;
        self.byte(b'"')
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Full;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Full> {
        self.comma()?;
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Full> {
        self.w.byte(b']')
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Full;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Full> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Full> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Full;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Full> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Full> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Full;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Full> {
        self.comma()?;
        key.serialize(&mut *self.w)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Full> {
        self.w.byte(b':')?;
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Full> {
        self.w.byte(b'}')
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Full;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Full> {
        self.key(key)?;
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Full> {
        self.w.byte(b'}')
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_types)]
#[path = "tests/ser.rs"]
mod tests;

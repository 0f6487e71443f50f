//! Encoding frames into caller buffers, and the serialization of property
//! values.

use core::fmt;

use allocator_api2::vec::Vec;
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use crate::action::Action;
use crate::errors::{EncodeError, ErrorCode};
use crate::frame::MessageId;
use crate::ser::Writer;
use crate::types::{CiString, DateTime, Decimal};
use crate::Allocator;

/// A property value, as the `ocpp_object!` macro serializes it. It exists
/// because `allocator_api2::vec::Vec` has no `Serialize` without turning on
/// serde's `std`; arrays are serialized here, element by element.
pub trait Field {
    /// Serializes the value.
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

/// Serializes a [`Field`] through serde.
#[doc(hidden)]
pub struct FieldSer<'a, T: ?Sized>(pub &'a T);

impl<T: ?Sized> fmt::Debug for FieldSer<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldSer")
    }
}

impl<T: Field + ?Sized> Serialize for FieldSer<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_field(s)
    }
}

impl<T: Field, A: Allocator> Field for Vec<T, A> {
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for item in self.iter() {
            seq.serialize_element(&FieldSer(item))?;
        }
        seq.end()
    }
}

macro_rules! field_via_serialize {
    ($($t:ty),*) => {
        $(
            impl Field for $t {
                fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    Serialize::serialize(self, s)
                }
            }
        )*
    };
}

field_via_serialize!(i32, i64, u32, bool, DateTime, Decimal);

/// A JSON number has no NaN or infinity (serializers write `null`): NaN is
/// written as 0 and an infinity as the largest finite `f64` of its sign, so
/// a frame is always valid JSON. Decoding never produces either.
impl Field for f64 {
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = if self.is_nan() {
            0.0
        } else if self.is_infinite() {
            f64::MAX.copysign(*self)
        } else {
            *self
        };
        s.serialize_f64(v)
    }
}

impl<A: Allocator> Field for crate::Text<A> {
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Serialize::serialize(self, s)
    }
}

impl<const N: usize, A: Allocator> Field for CiString<N, A> {
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Serialize::serialize(self, s)
    }
}

/// Writes into a caller's buffer, refusing (not truncating) what does not fit.
struct Out<'b>(Writer<'b>);

impl Out<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.0.put(bytes).map_err(|_| EncodeError::BufferFull)
    }

    fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.0.json(value).map_err(|_| EncodeError::BufferFull)
    }

    /// The frame's closing `]` (one byte: no copy of a slice).
    fn close(&mut self) -> Result<(), EncodeError> {
        self.0.byte(b']').map_err(|_| EncodeError::BufferFull)
    }

    /// `[type,"id",` (`start` is `[type,`), the id escaped as JSON requires.
    fn header(&mut self, start: &[u8; 3], id: &MessageId) -> Result<(), EncodeError> {
        if id.is_plain() {
            // The usual id (a counter, a UUID): one bounds check, no scan.
            return self
                .0
                .framed(start, id.as_bytes())
                .map_err(|_| EncodeError::BufferFull);
        }
        self.put(start)?;
        self.0
            .string_bytes(id.as_bytes())
            .map_err(|_| EncodeError::BufferFull)?;
        self.put(b",")
    }
}

/// Encodes `[2,"id","Action",{payload}]` at the start of `buf`; returns its
/// length, or `BufferFull` (the bytes written so far are not a frame).
pub fn encode_call<T: Serialize + ?Sized>(
    buf: &mut [u8],
    id: &MessageId,
    action: Action,
    payload: &T,
) -> Result<usize, EncodeError> {
    let mut out = Out(Writer { buf, len: 0 });
    out.header(b"[2,", id)?;
    // An action's name is an identifier: nothing to escape.
    out.0
        .quoted(false, action.as_str().as_bytes(), b"\",")
        .map_err(|_| EncodeError::BufferFull)?;
    out.json(payload)?;
    out.close()?;
    Ok(out.0.len)
}

/// Encodes `[3,"id",{payload}]` at the start of `buf`; returns its length.
pub fn encode_call_result<T: Serialize + ?Sized>(
    buf: &mut [u8],
    id: &MessageId,
    payload: &T,
) -> Result<usize, EncodeError> {
    let mut out = Out(Writer { buf, len: 0 });
    out.header(b"[3,", id)?;
    out.json(payload)?;
    out.close()?;
    Ok(out.0.len)
}

/// Encodes `[4,"id","Code","description",{}]` at the start of `buf`; the
/// description is JSON-escaped (quotes, backslashes, control characters).
/// Returns its length, or `BufferFull`: a long description is never cut, the
/// caller decides what to send instead.
pub fn encode_call_error(
    buf: &mut [u8],
    id: &MessageId,
    code: ErrorCode,
    description: &str,
) -> Result<usize, EncodeError> {
    let mut out = Out(Writer { buf, len: 0 });
    out.header(b"[4,", id)?;
    out.put(b"\"")?;
    out.put(code.as_str().as_bytes())?;
    out.put(b"\",")?;
    out.json(description)?;
    out.put(b",{}]")?;
    Ok(out.0.len)
}

/// Encodes `[2,"id","action",payload]` with `payload` written as it is: the
/// firmware's own CALLs. The caller has checked that `payload` is one JSON
/// object ([`check_object`]) and that `action` is printable ASCII without
/// a quote or a backslash.
pub fn encode_raw_call(
    buf: &mut [u8],
    id: &MessageId,
    action: &str,
    payload: &[u8],
) -> Result<usize, EncodeError> {
    let mut out = Out(Writer { buf, len: 0 });
    out.header(b"[2,", id)?;
    out.json(action)?;
    out.put(b",")?;
    out.put(payload)?;
    out.close()?;
    Ok(out.0.len)
}

/// Encodes `[3,"id",payload]` with `payload` written as it is (checked by
/// the caller with [`check_object`]).
pub fn encode_raw_call_result(
    buf: &mut [u8],
    id: &MessageId,
    payload: &[u8],
) -> Result<usize, EncodeError> {
    let mut out = Out(Writer { buf, len: 0 });
    out.header(b"[3,", id)?;
    out.put(payload)?;
    out.close()?;
    Ok(out.0.len)
}

/// Whether `bytes` are one JSON object (UTF-8, valid syntax, nested at most
/// [`crate::codec::DECODE_MAX_DEPTH`] deep): what the raw encoders accept.
pub fn check_object(bytes: &[u8]) -> bool {
    core::str::from_utf8(bytes).is_ok()
        && crate::scan::scan(bytes, crate::codec::DECODE_MAX_DEPTH)
            .is_ok_and(|s| !s.is_array && bytes.get(s.start) == Some(&b'{'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The firmware's own CALL and CALLRESULT: the payload as it is, the id
    /// escaped, the exact length returned; a buffer one byte short is full.
    #[test]
    fn raw_frames_carry_the_payload_as_it_is() {
        let id = MessageId::new("a\"1").unwrap();
        let payload = br#"{"v": [1, {"x":"\u00e9"}]}"#;
        let call = br#"[2,"a\"1","Vendor.Ping",{"v": [1, {"x":"\u00e9"}]}]"#;
        let result = br#"[3,"a\"1",{"v": [1, {"x":"\u00e9"}]}]"#;
        let mut buf = [0u8; 64];
        let n = encode_raw_call(&mut buf, &id, "Vendor.Ping", payload);
        assert_eq!(n.map(|n| &buf[..n]), Ok(&call[..]));
        let mut buf = [0u8; 64];
        let n = encode_raw_call_result(&mut buf, &id, payload);
        assert_eq!(n.map(|n| &buf[..n]), Ok(&result[..]));
        let short = &mut [0u8; 64][..call.len() - 1];
        assert_eq!(
            encode_raw_call(short, &id, "Vendor.Ping", payload),
            Err(EncodeError::BufferFull)
        );
        let short = &mut [0u8; 64][..result.len() - 1];
        assert_eq!(
            encode_raw_call_result(short, &id, payload),
            Err(EncodeError::BufferFull)
        );
    }

    /// What the raw encoders accept: one JSON object, UTF-8, at most 32 deep.
    #[test]
    fn check_object_takes_one_json_object_only() {
        let deep = |n: usize| format!(r#"{}1{}"#, r#"{"a":"#.repeat(n), "}".repeat(n));
        for ok in [
            &b"{}"[..],
            b" {\"a\":[1,\"\xc3\xa9\"]} ",
            deep(32).as_bytes(),
        ] {
            assert!(check_object(ok), "{ok:?}");
        }
        for bad in [
            &b"[]"[..],
            b"[{}]",
            b"1",
            b"\"{}\"",
            b"{",
            b"{} {}",
            b"",
            b"{\"a\":\"\xff\"}",
            deep(33).as_bytes(),
        ] {
            assert!(!check_object(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_field_serializer_shows_in_debug() {
        assert_eq!(format!("{:?}", FieldSer(&1i32)), "FieldSer");
    }
}

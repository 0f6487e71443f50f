//! Encoding frames into caller buffers, and the serialization of property
//! values.
//!
//! A payload reaches the buffer through [`Encode`], which `ocpp_object!`
//! generates for every message from its table: property names are written
//! as constants with their quotes, comma and colon, and the strings whose
//! contents are known (enum values, date-times, decimals) without a scan.
//! serde's `Serialize`, which every message also has, goes through
//! [`Serde`]: the route of the payloads other crates write.

use core::fmt;

use allocator_api2::vec::Vec;
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use crate::action::Action;
use crate::errors::{EncodeError, ErrorCode};
use crate::frame::MessageId;
pub use crate::ser::{Full, Writer};
use crate::types::{CiString, DateTime, Decimal};
pub use crate::write::{Array, Object};
use crate::Allocator;

/// A payload the frame encoders write as a JSON object: every message of
/// [`crate::v16`], one's own through [`Writer::object`], and any
/// `Serialize` value through [`Serde`].
pub trait Encode {
    /// Writes the payload; `Err` when the buffer is full.
    fn encode_json(&self, w: &mut Writer<'_>) -> Result<(), Full>;
}

/// A `Serialize` payload, written by our serializer (the same bytes
/// serde-json-core would write): `encode_call_result(buf, &id,
/// &Serde(&answer))`.
#[derive(Clone, Copy)]
pub struct Serde<'a, T: ?Sized>(pub &'a T);

impl<T: ?Sized> fmt::Debug for Serde<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Serde")
    }
}

/// A request's action and answer are those of the request it wraps.
impl<T: crate::Request + ?Sized> crate::Request for Serde<'_, T> {
    const ACTION: Action = T::ACTION;
    type Response = T::Response;
}

impl<T: Serialize + ?Sized> Encode for Serde<'_, T> {
    fn encode_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        w.json(self.0)
    }
}

/// A property value, as the `ocpp_object!` macro writes it: through
/// [`Encode`]'s writer, or through serde (`allocator_api2::vec::Vec` has
/// no `Serialize` without turning on serde's `std`; arrays are serialized
/// here, element by element).
pub trait Field {
    /// Serializes the value.
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;

    /// Writes the value as JSON.
    fn write_json(&self, w: &mut Writer<'_>) -> Result<(), Full>;
}

/// A string, escaped as JSON requires.
impl Field for str {
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }

    fn write_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        w.string(self)
    }
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

    // A loop of its own, not `Writer::array`: measured 320 instructions
    // less over `benches/codec-vs.sh`'s frames.
    fn write_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        w.byte(b'[')?;
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                w.byte(b',')?;
            }
            item.write_json(w)?;
        }
        w.byte(b']')
    }
}

macro_rules! field_via_serialize {
    ($($t:ty => |$v:ident, $w:ident| $write:expr),* $(,)?) => {
        $(
            impl Field for $t {
                fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    Serialize::serialize(self, s)
                }

                fn write_json(&self, $w: &mut Writer<'_>) -> Result<(), Full> {
                    let $v = *self;
                    $write
                }
            }
        )*
    };
}

field_via_serialize! {
    i32 => |v, w| w.signed(v.into()),
    i64 => |v, w| w.signed(v),
    u32 => |v, w| w.unsigned(v.into(), false),
    bool => |v, w| w.put(if v { b"true" } else { b"false" }),
    // Digits and separators: nothing to escape.
    DateTime => |v, w| w.plain(v.write_bytes(&mut [0; 24])),
    // The bytes ryu writes for the float `tenths / 10` (see `ser.rs`).
    Decimal => |v, w| w.tenths(v.tenths()),
}

/// A JSON number has no NaN or infinity (serializers write `null`): NaN is
/// written as 0 and an infinity as the largest finite `f64` of its sign, so
/// a frame is always valid JSON. Decoding never produces either.
fn finite(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else if v.is_infinite() {
        f64::MAX.copysign(v)
    } else {
        v
    }
}

impl Field for f64 {
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(finite(*self))
    }

    fn write_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        w.f64(finite(*self))
    }
}

impl<A: Allocator> Field for crate::Text<A> {
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Serialize::serialize(self, s)
    }

    fn write_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        w.string_bytes(self.as_bytes())
    }
}

impl<const N: usize, A: Allocator> Field for CiString<N, A> {
    fn serialize_field<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Serialize::serialize(self, s)
    }

    fn write_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        w.string_bytes(self.as_bytes())
    }
}

/// Writes into a caller's buffer, refusing (not truncating) what does not fit.
struct Out<'b>(Writer<'b>);

impl Out<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.0.put(bytes).map_err(|_| EncodeError::BufferFull)
    }

    /// `s` as a JSON string, escaped as JSON requires.
    fn string(&mut self, s: &str) -> Result<(), EncodeError> {
        self.0.string(s).map_err(|_| EncodeError::BufferFull)
    }

    fn payload<T: Encode + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        value
            .encode_json(&mut self.0)
            .map_err(|_| EncodeError::BufferFull)
    }

    /// The frame's closing `]` (one byte: no copy of a slice).
    fn close(&mut self) -> Result<(), EncodeError> {
        self.0.byte(b']').map_err(|_| EncodeError::BufferFull)
    }

    /// `[type,"id",` (`start` is `[type,`), the id escaped as JSON requires.
    fn header(&mut self, start: &[u8; 3], id: &MessageId) -> Result<(), EncodeError> {
        if id.is_plain() {
            // The usual id (a counter, a UUID): one bounds check, no scan.
            let (bytes, len) = id.padded();
            return self
                .0
                .framed_padded(start, bytes, len)
                .map_err(|_| EncodeError::BufferFull);
        }
        self.escaped_header(start, id)
    }

    /// [`Out::header`] of an id with something to escape (out of line: the
    /// usual header then needs no saved registers).
    #[cold]
    #[inline(never)]
    fn escaped_header(&mut self, start: &[u8; 3], id: &MessageId) -> Result<(), EncodeError> {
        self.put(start)?;
        self.0
            .string_bytes(id.as_bytes())
            .map_err(|_| EncodeError::BufferFull)?;
        self.put(b",")
    }
}

/// Encodes `[2,"id","Action",{payload}]` at the start of `buf`; returns its
/// length, or `BufferFull` (the bytes written so far are not a frame). The
/// bytes of `buf` past the returned length may have been written too.
pub fn encode_call<T: Encode + ?Sized>(
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
    out.payload(payload)?;
    out.close()?;
    Ok(out.0.len)
}

/// Encodes `[3,"id",{payload}]` at the start of `buf`; returns its length
/// (the bytes past it may have been written, as with [`encode_call`]).
pub fn encode_call_result<T: Encode + ?Sized>(
    buf: &mut [u8],
    id: &MessageId,
    payload: &T,
) -> Result<usize, EncodeError> {
    let mut out = Out(Writer { buf, len: 0 });
    out.header(b"[3,", id)?;
    out.payload(payload)?;
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
    out.string(description)?;
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
    out.string(action)?;
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

    /// The id is copied at its fixed size where the buffer has room for
    /// all of it, and at its length near the end of a buffer: every buffer
    /// from the frame's length up holds the same frame, and every shorter
    /// one is refused.
    #[test]
    fn every_buffer_length_holds_the_same_frame_or_is_full() {
        use crate::v16::{HeartbeatRequest, ResetResponse, ResetStatus};
        let id = MessageId::new("19223209").unwrap();
        let call = br#"[2,"19223209","Heartbeat",{}]"#;
        let result = br#"[3,"19223209",{"status":"Accepted"}]"#;
        let answer = ResetResponse {
            status: ResetStatus::Accepted,
        };
        for len in 0..result.len() + 64 {
            let mut buf = [0xAAu8; 128];
            let got = encode_call(
                &mut buf[..len],
                &id,
                Action::Heartbeat,
                &HeartbeatRequest {},
            );
            match len < call.len() {
                true => assert_eq!(got, Err(EncodeError::BufferFull), "{len}"),
                false => assert_eq!(got.map(|n| &buf[..n]), Ok(&call[..]), "{len}"),
            }
            let mut buf = [0xAAu8; 128];
            let got = encode_call_result(&mut buf[..len], &id, &answer);
            match len < result.len() {
                true => assert_eq!(got, Err(EncodeError::BufferFull), "{len}"),
                false => assert_eq!(got.map(|n| &buf[..n]), Ok(&result[..]), "{len}"),
            }
        }
    }

    /// A `Serialize` payload through [`Serde`] is written as our
    /// serializer writes it, and a message the same by either route.
    #[test]
    fn serde_payloads_take_the_serializer() {
        use crate::v16::{ResetResponse, ResetStatus};
        #[derive(serde::Serialize)]
        struct Custom<'a> {
            status: &'a str,
            n: i32,
        }
        let id = MessageId::from_u32(7);
        let mut buf = [0u8; 64];
        let custom = Custom {
            status: "a\"b",
            n: -3,
        };
        let n = encode_call_result(&mut buf, &id, &Serde(&custom));
        let want = br#"[3,"7",{"status":"a\"b","n":-3}]"#;
        assert_eq!(n.map(|n| &buf[..n]), Ok(&want[..]));
        let answer = ResetResponse {
            status: ResetStatus::Rejected,
        };
        let mut other = [0u8; 64];
        let a = encode_call_result(&mut buf, &id, &answer).unwrap();
        let b = encode_call_result(&mut other, &id, &Serde(&answer)).unwrap();
        assert_eq!(&buf[..a], &other[..b]);
        assert_eq!(format!("{:?}", Serde(&answer)), "Serde");
    }

    #[test]
    fn a_field_serializer_shows_in_debug() {
        assert_eq!(format!("{:?}", FieldSer(&1i32)), "FieldSer");
    }
}

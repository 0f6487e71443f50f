//! Decoding payloads into pool-allocated values.
//!
//! Each type decodes itself from our [`Reader`] (the `Decode` trait), with
//! code the message tables generate (see the `ocpp_object!` macro); serde
//! is not involved. The reader goes through the payload once, checking the
//! JSON syntax as it goes, where serde-json-core needed the scanner to have
//! looked at every byte first and then looked again (a string's end by
//! counting backslashes before each quote, its UTF-8 a second time). It
//! consumes tokens as serde-json-core did, so every failure maps to the
//! same CALLERROR. Strings reach the decoders raw (escapes still in) and
//! borrowed from the frame. Each string type unescapes while it validates
//! and copies the result into the pool at its exact size, so no global heap
//! and no scratch buffer is needed; a string without escapes is checked in
//! one look at each byte and copied at once.
//!
//! A failing decoder records the precise [`Violation`] in the decoding
//! context [`Cx`] and returns [`Failed`]. The object decoder that called it
//! names the property (see the `ocpp_object!` macro), and [`decode`]
//! returns the result as a [`DecodeError`]. Property names and enum values
//! are recognised by a `match` the macros generate.

use core::cell::Cell;
use core::fmt;

use allocator_api2::vec::Vec;

use crate::action::Action;
pub use crate::de::{Failed, Name, Printable, Reader};
use crate::errors::{DecodeError, ErrorCode, UnknownVariant};
use crate::frame::Limits;
use crate::scan::{self, ScanError};
use crate::Allocator;

/// How deep [`decode`] lets a payload nest (the frame check of
/// [`crate::Limits`] is usually tighter). Our decoders recurse only as deep as
/// the message types go, so this bounds nothing but the scanner.
pub const DECODE_MAX_DEPTH: usize = 32;

/// A value a property may not have, recorded by the decoder of its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Violation {
    /// The JSON type is wrong (a number where a string belongs, `null`, ...).
    WrongType,
    /// A string longer than its maximum length.
    TooLong,
    /// A CiString with a character outside printable ASCII.
    NotPrintable,
    /// A number that does not fit the type (an integer beyond `i32`).
    OutOfRange,
    /// A string that is no value of its enum.
    UnknownValue,
    /// A string that is not an RFC 3339 date-time.
    BadDateTime,
    /// A decimal that is not a multiple of 0.1.
    NotMultipleOf,
    /// An array with more items than [`crate::Limits::max_items`].
    TooManyItems,
    /// An allocation was refused.
    OutOfMemory,
}

impl Violation {
    /// The CALLERROR code of this violation.
    ///
    /// Printable ASCII is part of the CiString *type* (as its length is), so
    /// a character outside it is a `TypeConstraintViolation`, like an
    /// over-long string; an integer beyond `i32` is one too (OCPP's integer
    /// is 32-bit). A well-typed value outside the allowed set (enum,
    /// date-time, multipleOf) is a `PropertyConstraintViolation`. An array
    /// longer than this charge point accepts breaks an occurrence constraint,
    /// as one shorter than `minItems` does: an `OccurenceConstraintViolation`.
    pub const fn code(self) -> ErrorCode {
        match self {
            Violation::WrongType
            | Violation::TooLong
            | Violation::NotPrintable
            | Violation::OutOfRange => ErrorCode::TypeConstraintViolation,
            Violation::UnknownValue | Violation::BadDateTime | Violation::NotMultipleOf => {
                ErrorCode::PropertyConstraintViolation
            }
            Violation::TooManyItems => ErrorCode::OccurenceConstraintViolation,
            Violation::OutOfMemory => ErrorCode::InternalError,
        }
    }

    /// A description without the property's name.
    pub const fn text(self) -> &'static str {
        match self {
            Violation::WrongType => "wrong type",
            Violation::TooLong => "longer than maxLength",
            Violation::NotPrintable => "not printable ASCII",
            Violation::OutOfRange => "number out of range",
            Violation::UnknownValue => "unknown enum value",
            Violation::BadDateTime => "invalid date-time",
            Violation::NotMultipleOf => "not a multiple of 0.1",
            Violation::TooManyItems => "more items than this charge point accepts",
            Violation::OutOfMemory => "out of memory",
        }
    }

    /// This violation's bit in [`Decode::VIOLATIONS`].
    pub const fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// The description without the property's name ([`Violation::text`]).
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

#[derive(Clone, Copy, Debug)]
enum State {
    Clear,
    Pending(Violation),
    Final(DecodeError),
}

/// The decoding context: the allocator every decoded part goes to, the
/// most items an array may have, and the first failure, recorded before
/// [`Failed`] is returned.
pub struct Cx<A> {
    alloc: A,
    max_items: u16,
    state: Cell<State>,
}

impl<A> fmt::Debug for Cx<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cx")
            .field("max_items", &self.max_items)
            .field("state", &self.state.get())
            .finish_non_exhaustive()
    }
}

impl<A: Allocator + Clone> Cx<A> {
    /// A context allocating through `alloc`, with the default
    /// [`Limits::max_items`].
    pub fn new(alloc: A) -> Self {
        Self::with_limits(alloc, &Limits::DEFAULT)
    }

    /// A context allocating through `alloc`, with `limits.max_items`.
    pub fn with_limits(alloc: A, limits: &Limits) -> Self {
        Cx {
            alloc,
            max_items: limits.max_items,
            state: Cell::new(State::Clear),
        }
    }

    /// The allocator decoded parts are allocated in.
    pub fn alloc(&self) -> &A {
        &self.alloc
    }

    /// The most items a decoded array may have.
    pub fn max_items(&self) -> usize {
        usize::from(self.max_items)
    }

    /// Records `v` (unless a failure is already recorded) and returns the
    /// error to fail with. `OutOfMemory` is final at once: it is never
    /// renamed after a property.
    pub fn fail(&self, v: Violation) -> Failed {
        if let State::Clear = self.state.get() {
            self.state.set(match v {
                Violation::OutOfMemory => State::Final(DecodeError::OUT_OF_MEMORY),
                v => State::Pending(v),
            });
        }
        Failed
    }

    /// Records a complete error (unless one is already recorded).
    pub fn fail_final(&self, e: DecodeError) -> Failed {
        self.set_final_if_clear(e);
        Failed
    }

    fn set_final_if_clear(&self, e: DecodeError) {
        if let State::Clear = self.state.get() {
            self.state.set(State::Final(e));
        }
    }

    /// Names a failure of the value of one property: a pending violation
    /// gets its property's description from `describe`; no record at all
    /// means the reader refused the JSON type (`WrongType`).
    pub fn attribute(&self, describe: impl FnOnce(Violation) -> &'static str) {
        let v = match self.state.get() {
            State::Final(_) => return,
            State::Pending(v) => v,
            State::Clear => Violation::WrongType,
        };
        self.state
            .set(State::Final(DecodeError::new(v.code(), describe(v))));
    }

    /// Records a `TypeConstraintViolation` with `reason` if nothing is
    /// recorded (the reader failed after a value it read in part, as in
    /// `1.5` for an integer).
    pub fn wrong_type_if_clear(&self, reason: &'static str) {
        self.set_final_if_clear(DecodeError::new(ErrorCode::TypeConstraintViolation, reason));
    }

    fn into_error(self) -> DecodeError {
        match self.state.get() {
            State::Final(e) => e,
            State::Pending(v) => DecodeError::new(v.code(), v.text()),
            // A failure with nothing recorded is named by the object that
            // met it; cannot happen once the scanner accepted the payload.
            State::Clear => DecodeError::new(ErrorCode::FormationViolation, "malformed payload"),
        }
    }
}

/// A type that decodes from a payload into memory from `A`.
///
/// Implemented by every message, every enum and field type, `i32`, `i64`,
/// `u32`, `bool`, `f64` and `Vec<T, A>`. An implementation reads one value
/// with the [`Reader`] of [`decode`] (strings raw, escapes still in), and on
/// a failure records why in `cx` ([`Cx::fail`]) unless the JSON type was
/// wrong, which the caller records.
pub trait Decode<A: Allocator + Clone>: Sized {
    /// The violations (as [`Violation::bit`]s) this type reports as pending,
    /// to be described with the property's name. Only these get a
    /// property-specific description (each is a string in flash).
    const VIOLATIONS: u16 = 0;

    /// Decodes one value.
    fn decode(cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed>;
}

/// `f(raw)`, or when that is `None` and `raw` has an escape, `f` of it
/// unescaped into a 64-byte stack buffer (`None` when that does not fit, is
/// malformed or is not UTF-8). The names `f` knows are ASCII without a
/// backslash, so a raw string that `f` knows as it is has no escape and is
/// UTF-8: the common case costs one match. A property name or an enum
/// value longer than 64 bytes is no name of any OCPP object or enum.
#[doc(hidden)]
#[inline]
pub fn with_unescaped<T>(raw: &[u8], f: impl Fn(&[u8]) -> Option<T>) -> Option<T> {
    if let Some(v) = f(raw) {
        return Some(v);
    }
    if !raw.contains(&b'\\') {
        return None;
    }
    unescaped(raw, f)
}

/// The rare path of [`with_unescaped`], apart so that its buffer is on the
/// stack only while it runs (decoding recurses; the stack is counted on the
/// target).
#[cold]
#[inline(never)]
fn unescaped<T>(raw: &[u8], f: impl Fn(&[u8]) -> Option<T>) -> Option<T> {
    let mut buf = [0u8; 64];
    let raw = core::str::from_utf8(raw).ok()?;
    scan::unescape_into(raw, &mut buf).and_then(|s| f(s.as_bytes()))
}

/// The index in `names` (each with its closing quote, as
/// [`Reader::property`] takes them) of a raw property name that
/// `Reader::property` did not find as written: one with escapes, through
/// [`with_unescaped`], or none.
#[doc(hidden)]
#[inline(never)]
pub fn name_index(names: &[&[u8]], raw: &[u8]) -> Option<usize> {
    with_unescaped(raw, |s| {
        names.iter().position(|n| n.strip_suffix(b"\"") == Some(s))
    })
}

/// Decodes a string enum whose wire names are `names` (in the order of
/// `ALL`): a value written as one of them is found by comparing the
/// payload with each name of the same length ([`Reader::variant`]), so it
/// is neither scanned for its end nor matched twice. Any other value (with
/// escapes, or unknown) is read raw ([`Reader::raw_string`]) and parsed
/// with `parse` (the `ocpp_enum!` macro's `parse_bytes`) through
/// [`with_unescaped`].
#[doc(hidden)]
pub fn decode_enum<T: Copy, A: Allocator + Clone>(
    cx: &Cx<A>,
    r: &mut Reader<'_>,
    all: &[T],
    names: &[&str],
    parse: fn(&[u8]) -> Result<T, UnknownVariant>,
) -> Result<T, Failed> {
    if let Some(k) = r.variant(names)? {
        if let Some(&v) = all.get(k) {
            return Ok(v);
        }
    }
    // A value that is no variant is refused as unknown; if it was not UTF-8
    // either, `decode_with` reports that instead.
    let raw = r.raw_string()?;
    with_unescaped(raw, |s| parse(s).ok()).ok_or_else(|| cx.fail(Violation::UnknownValue))
}

/// Implemented by every request type: the action it is sent with, and the
/// type its CALLRESULT payload decodes to.
pub trait Request {
    /// The action of this request.
    const ACTION: Action;
    /// The payload of the answer (`AuthorizeResponse` for `AuthorizeRequest`).
    type Response;
}

/// A collection with a number of items, for `minItems` checks.
pub trait ItemCount {
    /// The number of items.
    fn item_count(&self) -> usize;
}

impl<T, A: Allocator> ItemCount for Vec<T, A> {
    fn item_count(&self) -> usize {
        self.len()
    }
}

/// Decodes a payload (the raw bytes of a JSON object, as in [`crate::Frame`])
/// into a `T` whose variable-size parts are allocated in `alloc`, with the
/// default limits ([`Limits::DEFAULT`]: at most 32 items per array).
///
/// Decodes in one pass that checks UTF-8 and the JSON syntax as it reads
/// (see the `de` module) and every constraint of the schema. A
/// malformed payload is reported as such (`FormationViolation`) whatever
/// else is wrong with it: on any failure the payload is scanned before the
/// answer. On error nothing stays allocated.
pub fn decode<T: Decode<A>, A: Allocator + Clone>(
    payload: &[u8],
    alloc: A,
) -> Result<T, DecodeError> {
    decode_with(payload, alloc, &Limits::DEFAULT)
}

/// [`decode`] with the integrator's limits: every array may have at most
/// `limits.max_items` items, one more is an `OccurenceConstraintViolation`
/// ([`Violation::TooManyItems`]). The frame size and depth limits are
/// [`crate::Frame::parse`]'s, which checked the frame the payload came from;
/// here the depth is only bounded by [`DECODE_MAX_DEPTH`].
// Not inlined: merged into a caller that routes many messages, the
// decoders' frames add up in the caller's (on the QEMU firmware,
// `handle_frame` takes 1,648 B of stack with this, 2,632 B without).
#[inline(never)]
pub fn decode_with<T: Decode<A>, A: Allocator + Clone>(
    payload: &[u8],
    alloc: A,
    limits: &Limits,
) -> Result<T, DecodeError> {
    let cx = Cx::with_limits(alloc, limits);
    let mut de = Reader::new(payload);
    if de.starts_object() {
        if let Ok(value) = T::decode(&cx, &mut de) {
            if de.end().is_ok() {
                return Ok(value);
            }
        }
    }
    Err(failure(payload, cx.into_error()))
}

/// Why decoding `payload` failed: a malformed payload is reported as such,
/// whatever the decoder met first (`found`). Apart and cold: the scanner's
/// state is on the stack only on this path.
#[cold]
#[inline(never)]
fn failure(payload: &[u8], found: DecodeError) -> DecodeError {
    if core::str::from_utf8(payload).is_err() {
        return DecodeError::NOT_JSON;
    }
    match scan::scan(payload, DECODE_MAX_DEPTH) {
        Err(ScanError::NotJson) => DecodeError::NOT_JSON,
        Err(ScanError::TooDeep) => DecodeError::TOO_DEEP,
        Ok(s) if payload.get(s.start) != Some(&b'{') => DecodeError::NOT_AN_OBJECT,
        Ok(_) => found,
    }
}

macro_rules! int_decode {
    ($t:ty, $read:ident) => {
        impl<A: Allocator + Clone> Decode<A> for $t {
            const VIOLATIONS: u16 = Violation::OutOfRange.bit();

            fn decode(cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
                let v = r.$read()?;
                <$t>::try_from(v).map_err(|_| cx.fail(Violation::OutOfRange))
            }
        }
    };
}

int_decode!(i32, signed);
int_decode!(i64, signed);
int_decode!(u32, unsigned);

impl<A: Allocator + Clone> Decode<A> for bool {
    fn decode(_cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
        r.boolean()
    }
}

impl<A: Allocator + Clone> Decode<A> for f64 {
    const VIOLATIONS: u16 = Violation::OutOfRange.bit();

    /// Any finite JSON number. The reader reads `null` as NaN (as
    /// serde-json-core did): that is a wrong type here; a number beyond
    /// `f64` is out of range.
    fn decode(cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
        let v = r.float()?;
        if v.is_nan() {
            Err(cx.fail(Violation::WrongType))
        } else if v.is_infinite() {
            Err(cx.fail(Violation::OutOfRange))
        } else {
            Ok(v)
        }
    }
}

/// Arrays: at most [`Cx::max_items`] items; the item after the last one
/// allowed fails with [`Violation::TooManyItems`] before the vector grows for
/// it. The vector grows geometrically (capacity 4, then doubling, as
/// `Vec::push` would, but never beyond `max_items`), so its capacity is at
/// most twice its length and at most `max_items`; it is not shrunk
/// afterwards (shrinking reallocates and aborts on OOM in allocator_api2). A
/// refused allocation drops what was decoded.
impl<T: Decode<A>, A: Allocator + Clone> Decode<A> for Vec<T, A> {
    const VIOLATIONS: u16 = T::VIOLATIONS | Violation::TooManyItems.bit();

    fn decode(cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
        r.array()?;
        let max = cx.max_items();
        let mut out = Vec::new_in(cx.alloc().clone());
        let mut first = true;
        while r.item(first)? {
            first = false;
            let item = T::decode(cx, r)?;
            if out.len() >= max {
                return Err(cx.fail(Violation::TooManyItems));
            }
            if out.len() == out.capacity() {
                // len < max here, so this is more than len.
                let grown = out.capacity().saturating_mul(2).max(4).min(max);
                if out
                    .try_reserve_exact(grown.saturating_sub(out.len()))
                    .is_err()
                {
                    return Err(cx.fail(Violation::OutOfMemory));
                }
            }
            if out.push_within_capacity(item).is_err() {
                return Err(cx.fail(Violation::OutOfMemory));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "tests/codec_names.rs"]
mod name_tests;
#[cfg(test)]
#[path = "tests/codec.rs"]
mod tests;
#[cfg(test)]
#[path = "tests/codec_values.rs"]
mod value_tests;

//! The wire layer of the OCPP 1.6J charge-point core: OCPP-J frames and the
//! 1.6 messages, decoded with validation into values allocated through an
//! injected allocator, and encoded into caller buffers. It knows nothing of
//! time, storage or state (that is `ocpp-engine`).
//!
//! The messages live in [`v16`] (and are re-exported at the crate root), one
//! table per action; every request names its action and its response type
//! through [`Request`].
//!
//! # How a received frame goes through
//! 1. [`Frame::parse`] checks the frame against [`Limits`] (size, then UTF-8,
//!    then full JSON syntax and nesting depth, in one iterative pass that
//!    does not recurse), and splits it into message type, [`MessageId`],
//!    action and the raw payload bytes. A [`FrameError`] says which
//!    CALLERROR to answer, if any ([`FrameError::reply`]).
//! 2. [`Action::parse`] maps the action (unknown: answer `NotImplemented`).
//! 3. [`decode`] (or [`decode_with`] and the integrator's [`Limits`]) turns
//!    the payload into the message type, for example
//!    [`BootNotificationResponse`], validating everything its schema says:
//!    required and unknown properties, JSON types, CiString length and
//!    printable ASCII, enum values, date-times, integer range, `minItems`,
//!    and the number of items against [`Limits::max_items`].
//!    A failure is a [`DecodeError`] carrying the CALLERROR code of
//!    `PROTOCOL.md` and a static description naming the property.
//!
//! Sending: [`encode_call`], [`encode_call_result`], [`encode_call_error`]
//! write a whole frame into the caller's buffer or fail with
//! [`EncodeError::BufferFull`]; they never write a truncated frame.
//!
//! ```
//! use ocpp_alloc::{HostPool, Talc};
//! use ocpp_model::*;
//!
//! let pool = HostPool::<Talc>::new(16 * 1024); // on a board: a static pool
//! let frame = br#"[2,"19","Authorize",{"idTag":"04A2B3C4"}]"#;
//! let Frame::Call { id, action, payload } = Frame::parse(frame, &Limits::DEFAULT)? else {
//!     unreachable!()
//! };
//! assert_eq!(Action::parse(action), Ok(Action::Authorize));
//! let request: AuthorizeRequest = decode(payload, &*pool)?; // an idTag is inline
//! assert!(request.id_tag.eq_ignore_case("04a2b3c4"));
//!
//! let answer = AuthorizeResponse {
//!     id_tag_info: IdTagInfo { expiry_date: None, parent_id_tag: None, status: AuthorizationStatus::Accepted },
//! };
//! let mut buf = [0u8; 128];
//! let n = encode_call_result(&mut buf, &id, &answer)?;
//! assert_eq!(&buf[..n], br#"[3,"19",{"idTagInfo":{"status":"Accepted"}}]"#);
//!
//! // A bad payload names the CALLERROR to answer with.
//! let err = decode::<AuthorizeRequest, _>(br#"{"idTag":"\u00e9"}"#, &*pool).unwrap_err();
//! assert_eq!(err.code, ErrorCode::TypeConstraintViolation);
//! assert_eq!(err.reason, "idTag: not printable ASCII");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Arrays are bounded by the integrator's [`Limits`], and an answer decodes
//! as the `Response` its request names:
//!
//! ```
//! use ocpp_alloc::{HostPool, Talc};
//! use ocpp_model::v16::{GetConfigurationRequest, StartTransactionRequest};
//! use ocpp_model::{decode, decode_with, ErrorCode, Limits, Request};
//!
//! let pool = HostPool::<Talc>::new(16 * 1024);
//! let limits = Limits::DEFAULT.with_max_items(2);
//! let ok: GetConfigurationRequest<_> = decode_with(br#"{"key":["A","B"]}"#, &*pool, &limits)?;
//! assert_eq!(ok.key.as_ref().map(|keys| keys.len()), Some(2)); // in the pool
//! let three = br#"{"key":["A","B","C"]}"#;
//! let err = decode_with::<GetConfigurationRequest<_>, _>(three, &*pool, &limits).unwrap_err();
//! assert_eq!(err.code, ErrorCode::OccurenceConstraintViolation);
//! assert_eq!(err.reason, "key: more items than this charge point accepts");
//!
//! type Answer = <StartTransactionRequest as Request>::Response;
//! let answer: Answer = decode(br#"{"idTagInfo":{"status":"Accepted"},"transactionId":42}"#, &*pool)?;
//! assert_eq!(answer.transaction_id, 42); // inline: decoded without any allocation
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Which CALLERROR code for which failure
//! | failure | code |
//! |---|---|
//! | frame: not UTF-8, not JSON, too deep, wrong shape, bad id/action type | `FormationViolation` ([`FrameError::code`]) |
//! | frame over [`Limits::max_frame_len`] | `InternalError` (a capacity limit, like out of memory) |
//! | unknown message type (not 2, 3, 4) | none: ignored ([`FrameError::reply`] is `None`) |
//! | unknown action | `NotImplemented` (the engine's call: `Action::parse` fails) |
//! | payload not an object, unknown or duplicate property | `FormationViolation` |
//! | required property missing | `ProtocolError` |
//! | wrong JSON type (incl. `null`, `1.5` or `1.0` for an integer) | `TypeConstraintViolation` |
//! | string over its maxLength; CiString char outside printable ASCII | `TypeConstraintViolation` |
//! | integer beyond `i32` | `TypeConstraintViolation` |
//! | unknown enum value, invalid date-time, decimal not a multiple of 0.1 | `PropertyConstraintViolation` |
//! | array shorter than minItems | `OccurenceConstraintViolation` |
//! | array longer than [`Limits::max_items`] | `OccurenceConstraintViolation` (`"key: more items than this charge point accepts"`) |
//! | allocation refused | `InternalError` ([`DecodeError::OUT_OF_MEMORY`]) |
//!
//! Printable ASCII is part of the CiString type, as its length is, hence a
//! type violation. Where this is stricter than the official schemas (which
//! only say `string` with a `maxLength`, and `integer` without bounds):
//! CiString charset, `i32` range, decimals within `i32` tenths
//! (±214 748 364.7), duplicate keys, the size and depth limits,
//! [`Limits::max_items`], message ids of non-ASCII characters over 36 bytes,
//! and an empty `sampledValue` in StopTransaction's `transactionData` (the
//! specification's 1..*, which that schema omits; MeterValues' has it). More
//! lenient: `-0` is read as the integer 0 (the schema validator sees the
//! float -0.0), a date-time without an offset is read as UTC (see
//! [`DateTime::parse`]), and a `Hertz` unit is accepted in StopTransaction's
//! `transactionData` (one [`MeterValue`] type serves both messages;
//! StopTransaction's schema lacks `Hertz`, so whoever fills
//! `transactionData` must keep it out). `tests/corpus*.rs` list each case.
//!
//! # Guarantees
//! - **No panic on any input.** Malformed bytes are rejected by the scanner
//!   (frames) and by the decoder as it reads (payloads); deep nesting costs
//!   no stack in the scanner and is refused before decoding, and the decoder
//!   only descends as deep as the message types go. (Tested with a corpus of
//!   malformed frames, nesting up to 1 000 000 deep, and 90 000 mutated
//!   frames of 30 message types judged against serde_json and the official
//!   schemas.)
//! - **No global heap.** The crate is `no_std` without `alloc`'s types;
//!   every variable-size part (strings, arrays) is allocated through the
//!   injected `A: Allocator` (allocator-api2 0.2), strings at their exact
//!   size, escaped strings included: strings are unescaped straight into
//!   the pool, with no scratch buffer. `tests/no_global_heap.rs` checks it
//!   with a counting global allocator. Banned collection methods are listed
//!   in `clippy.toml`.
//! - **Answers the engine must keep need no memory.** idTags are inline
//!   ([`IdToken`]) and so is [`IdTagInfo`]: Authorize.conf,
//!   StartTransaction.conf (with its transactionId) and StopTransaction.conf
//!   decode with no allocation at all, even from an exhausted pool.
//! - **Refused allocations are clean.** A refusal fails the decode with
//!   [`DecodeError::OUT_OF_MEMORY`] (`InternalError`) and frees everything
//!   the decode had allocated (`tests/out_of_memory.rs` refuses each
//!   allocation in turn).
//! - No `unsafe` (`#![forbid(unsafe_code)]`).
//!
//! # The codec, and what it costs
//! Both directions are generated from the message tables, without serde:
//! - decoding ([`Decode`], over our [`Reader`]) reads a payload once,
//!   checking the JSON syntax as it reads;
//!   a received payload is looked at by [`Frame::parse`] (UTF-8, syntax),
//!   by [`decode_with`]'s UTF-8 check (word at a time) and by the decoder,
//!   where it was scanned twice and then read by serde-json-core, which
//!   checked each string's UTF-8 again; property names and enum
//!   values are recognised by generated `match`es; strings without escapes
//!   are checked in one look at each byte and copied into the pool at once;
//! - encoding ([`Encode`]) writes each stretch of a string that needs no
//!   escape with one copy (found eight bytes at a time) and each property
//!   name with one, byte for byte what serde-json-core wrote.
//!
//! Every message also implements serde's `Serialize` ([`Serde`] encodes
//! any `Serialize` payload), and [`Reader`] is a serde `Deserializer` for a
//! firmware's own types. The decoder keeps the CALLERROR mapping it had
//! under serde, and the reader consumes tokens exactly as serde-json-core
//! did, so the corpus and the differential tests against serde_json hold it
//! to the same answers. `benches/codec-vs.sh` measures it against
//! serde_json + rust-ocpp on every Core message (instructions under
//! callgrind); `benches/README.md` has the table.
//!
//! # Limits
//! - A [`MessageId`] holds at most 36 bytes, counted after JSON escapes are
//!   undone: every ASCII id of OCPP-J's 36 characters, escaped or not; an
//!   id of non-ASCII characters only while its UTF-8 fits 36 bytes. A
//!   longer id is refused (and cannot be answered).
//! - An action name written with JSON escapes is unescaped (in a 32-byte
//!   stack buffer) and, when it names a known [`Action`], given as that
//!   action's spelling; an unknown one is given as written (see
//!   [`Frame::Call`]).
//! - Date-times are RFC 3339 (`T` and `Z` in either case), except that one
//!   without an offset (`2026-11-25T10:00:00.123456`, as Python's
//!   `isoformat()` writes) is read as UTC; a space for `T` is refused. They
//!   lie within the years 0000..=9999 in UTC; a fraction may have any number
//!   of digits and is truncated to milliseconds. What we send is always
//!   UTC with `Z` (`2026-11-25T10:00:00Z`, `...00.123Z`).
//! - Integers are `i32` (OCPP's integer); `1.0` or `1e3` for an integer is a
//!   `TypeConstraintViolation`.
//! - **Arrays are bounded** by [`Limits::max_items`] (default 32), which the
//!   integrator sets and passes to [`decode_with`]: one item more is a
//!   precise CALLERROR, never an unbounded allocation. A decoded array keeps
//!   up to twice its length in capacity, never more than `max_items`
//!   (geometric growth; shrinking would need a fallible reallocation
//!   allocator-api2 does not offer).
//! - Each property's failure descriptions are static strings (a few dozen
//!   bytes of flash per property and applicable violation).
//! - So far the messages of every Core action (Authorize, BootNotification,
//!   ChangeAvailability, ChangeConfiguration, ClearCache, DataTransfer,
//!   GetConfiguration, Heartbeat, MeterValues, RemoteStartTransaction,
//!   RemoteStopTransaction, Reset, StartTransaction, StatusNotification,
//!   StopTransaction, UnlockConnector) and TriggerMessage, both directions;
//!   the others are added as tables in [`v16`].
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use allocator_api2::alloc::Allocator;

mod action;
pub mod codec;
mod de;
pub mod encode;
mod errors;
mod frame;
mod macros;
pub mod scan;
mod ser;
mod types;
pub mod v16;
mod write;

pub use action::Action;
pub use codec::{
    decode, decode_with, Cx, Decode, Failed, ItemCount, Printable, Reader, Request, Violation,
};
pub use encode::{
    check_object, encode_call, encode_call_error, encode_call_result, encode_raw_call,
    encode_raw_call_result, Encode, Field, Serde,
};
pub use errors::{DecodeError, EncodeError, ErrorCode, UnknownVariant};
pub use frame::{
    Frame, FrameError, FrameErrorKind, Limits, MessageId, PayloadCheck, MAX_MESSAGE_DEPTH,
    MAX_MESSAGE_ID_LEN,
};
pub use types::{CiString, CiStringError, DateTime, DateTimeError, Decimal, IdToken, Text};

// The messages also at the root, where the other crates of the workspace
// name them.
pub use v16::*;

#[cfg(test)]
pub(crate) mod test_util {
    //! Helpers for the golden tests beside the code.
    #![allow(clippy::disallowed_types)]

    use allocator_api2::alloc::Global;
    use core::fmt::Debug;
    use serde::Serialize;

    use crate::{
        decode, encode_call, encode_call_result, Action, CiString, Decode, Frame, IdToken, Limits,
        Request,
    };

    /// The global heap's type, for unit tests only (the type parameter of a
    /// request in [`answer_round_trip`]).
    pub type Heap = Global;

    /// The global heap, for unit tests only.
    pub fn heap() -> Global {
        Global
    }

    /// A CiString on the test heap.
    pub fn ci<const N: usize>(s: &str) -> CiString<N, Global> {
        CiString::try_from_str(s, Global).unwrap()
    }

    /// An idTag.
    pub fn id_token(s: &str) -> IdToken {
        IdToken::try_from_str(s).unwrap()
    }

    /// A vector on the test heap.
    #[allow(clippy::disallowed_methods)]
    pub fn vec<T>(items: impl IntoIterator<Item = T>) -> allocator_api2::vec::Vec<T, Global> {
        let mut v = allocator_api2::vec::Vec::new_in(Global);
        for item in items {
            v.push(item);
        }
        v
    }

    /// `frame` (a CALL) parses, decodes to `expected`, and `expected`
    /// encodes back to exactly `frame`.
    #[track_caller]
    pub fn call_round_trip<T>(frame: &str, expected: &T)
    where
        T: Decode<Global> + Serialize + crate::Encode + PartialEq + Debug + Request,
    {
        let Ok(Frame::Call {
            id,
            action,
            payload,
        }) = Frame::parse(frame.as_bytes(), &Limits::DEFAULT)
        else {
            panic!("not a CALL: {frame}");
        };
        assert_eq!(Action::parse(action), Ok(T::ACTION));
        let value: T = decode(payload, Global).unwrap();
        assert_eq!(&value, expected);
        let mut buf = [0u8; 2048];
        let n = encode_call(&mut buf, &id, T::ACTION, expected).unwrap();
        assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), frame);
        for short in 0..n {
            assert!(encode_call(&mut buf[..short], &id, T::ACTION, expected).is_err());
        }
    }

    /// `frame` (a CALLRESULT) is the golden answer to a request `R`: it
    /// decodes as [`Request::Response`] to `expected`, and `expected` encodes
    /// back to exactly `frame`. (The compiler checks that `expected` has the
    /// type `R` names.)
    #[track_caller]
    pub fn answer_round_trip<R>(frame: &str, expected: &R::Response)
    where
        R: Request,
        R::Response: Decode<Global> + Serialize + crate::Encode + PartialEq + Debug,
    {
        result_round_trip(frame, expected);
    }

    /// `frame` (a CALLRESULT) parses, decodes to `expected`, and `expected`
    /// encodes back to exactly `frame`.
    #[track_caller]
    pub fn result_round_trip<T>(frame: &str, expected: &T)
    where
        T: Decode<Global> + Serialize + crate::Encode + PartialEq + Debug,
    {
        let Ok(Frame::CallResult { id, payload }) =
            Frame::parse(frame.as_bytes(), &Limits::DEFAULT)
        else {
            panic!("not a CALLRESULT: {frame}");
        };
        let value: T = decode(payload, Global).unwrap();
        assert_eq!(&value, expected);
        let mut buf = [0u8; 2048];
        let n = encode_call_result(&mut buf, &id, expected).unwrap();
        assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), frame);
        for short in 0..n {
            assert!(encode_call_result(&mut buf[..short], &id, expected).is_err());
        }
    }
}

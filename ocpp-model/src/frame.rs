//! OCPP-J frames: a checked view of `[2, id, action, {..}]`,
//! `[3, id, {..}]` and `[4, id, code, description, {..}]`.

use core::fmt;

use crate::action::Action;
use crate::errors::ErrorCode;
use crate::scan::{self, ScanError, Scanned};

/// Run-time limits on received frames.
///
/// No limit allocates anything. `max_frame_len` bounds the work of one
/// [`Frame::parse`] (one linear pass) and, through it, the pool memory a
/// decoded payload can take (strings are stored at their length, arrays at
/// most twice theirs). `max_depth` bounds the nesting a frame may have: the
/// scanner uses no stack per level, and the decoders recurse only as deep as
/// the message types go (a few hundred bytes of stack per level).
/// `max_items` bounds each decoded array (see there); it is applied by
/// [`crate::decode_with`], the other two by [`Frame::parse`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest frame accepted, in bytes. Larger frames fail with
    /// [`FrameErrorKind::TooLarge`] before they are looked at.
    pub max_frame_len: usize,
    /// The deepest nesting of arrays and objects accepted, the frame's own
    /// array included (`[2,"1","Heartbeat",{}]` is 2 deep; the deepest OCPP
    /// 1.6 messages, MeterValues and SetChargingProfile, are 6). Capped at
    /// [`scan::MAX_SCAN_DEPTH`] (64).
    pub max_depth: usize,
    /// The most items one decoded array may have (GetConfiguration's `key`,
    /// MeterValues' `meterValue`, each `sampledValue` array, ...). One item
    /// more fails the decode with [`crate::Violation::TooManyItems`], an
    /// `OccurenceConstraintViolation` naming the property, before the array
    /// grows for it (what that item holds is freed at once, with the rest).
    ///
    /// Cost: nothing until a payload uses it. An array's buffer in the pool
    /// never holds more than `max_items` items (it grows by doubling from 4,
    /// capped at `max_items`), so it takes at most
    /// `max_items * size_of::<Item>()` bytes, plus what the items hold
    /// (strings at their length, nested arrays under the same bound). With
    /// arrays inside arrays (meterValue of sampledValue) the bound multiplies:
    /// `max_items` squared sampled values at most, though `max_frame_len`
    /// usually bounds them first.
    pub max_items: u16,
}

impl Limits {
    /// 4096 bytes, depth 8, 32 items per array: room for every 1.6 message a
    /// charge point meets in practice except a large SendLocalList or a long
    /// DataTransfer.
    pub const DEFAULT: Limits = Limits::new(4096, 8);

    /// The default of [`Limits::max_items`].
    pub const DEFAULT_MAX_ITEMS: u16 = 32;

    /// Limits with these values (`max_depth` capped at 64), and
    /// [`Limits::DEFAULT_MAX_ITEMS`] items per array.
    pub const fn new(max_frame_len: usize, max_depth: usize) -> Self {
        let max_depth = if max_depth > scan::MAX_SCAN_DEPTH {
            scan::MAX_SCAN_DEPTH
        } else {
            max_depth
        };
        Limits {
            max_frame_len,
            max_depth,
            max_items: Self::DEFAULT_MAX_ITEMS,
        }
    }

    /// These limits with at most `max_items` items per decoded array.
    #[must_use]
    pub const fn with_max_items(self, max_items: u16) -> Self {
        Limits { max_items, ..self }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A received frame, checked: once [`Frame::parse`] returns it, the whole
/// frame is well-formed UTF-8 JSON within the limits, and every field below
/// has the right JSON type. Payloads are left raw for [`crate::decode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// `[2, "id", "Action", {payload}]`.
    Call {
        /// The message id, to echo in the answer.
        id: MessageId,
        /// The action: map it with [`Action::parse`] (an unknown one is
        /// answered with `NotImplemented`). A name written with JSON escapes
        /// (`"Data\u0054ransfer"`) is given unescaped when it names a known
        /// action (as its `'static` spelling), else as written, escapes in
        /// (compare such a name with [`scan::eq_unescaped`]).
        action: &'a str,
        /// The bytes of the payload object.
        payload: &'a [u8],
    },
    /// `[3, "id", {payload}]`.
    CallResult {
        /// The id of the CALL this answers.
        id: MessageId,
        /// The bytes of the payload object.
        payload: &'a [u8],
    },
    /// `[4, "id", "errorCode", "errorDescription", {errorDetails}]`.
    CallError {
        /// The id of the CALL this answers.
        id: MessageId,
        /// The code, read with [`ErrorCode::parse_lenient`].
        code: ErrorCode,
        /// The description as written (JSON escapes not undone).
        description: &'a str,
        /// The bytes of the details object.
        details: &'a [u8],
    },
}

/// Why a frame was rejected, with what could be read of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameError {
    /// What was wrong.
    pub kind: FrameErrorKind,
    /// The message id, when it could be read.
    pub id: Option<MessageId>,
    /// The message type (first element), when it is a small integer.
    pub message_type: Option<u8>,
}

/// What was wrong with a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameErrorKind {
    /// Longer than [`Limits::max_frame_len`].
    TooLarge,
    /// Not valid UTF-8.
    NotUtf8,
    /// Not one well-formed JSON value (truncated, garbage after it, ...).
    NotJson,
    /// Nested deeper than [`Limits::max_depth`].
    TooDeep,
    /// JSON, but not an array.
    NotAnArray,
    /// The first element is not 2, 3 or 4. OCPP-J: such a frame is ignored.
    UnknownMessageType,
    /// The id is not a string of 1 to 36 bytes once unescaped (see
    /// [`MessageId`]).
    BadMessageId,
    /// The action of a CALL is not a string, or is empty.
    BadAction,
    /// Not 4 (CALL), 3 (CALLRESULT) or 5 (CALLERROR) elements.
    WrongElementCount,
    /// The payload (or the CALLERROR details) is not a JSON object.
    PayloadNotObject,
    /// The code of a CALLERROR is not a string.
    BadErrorCode,
    /// The description of a CALLERROR is not a string.
    BadErrorDescription,
}

impl FrameError {
    /// The CALLERROR code for this error: `InternalError` for a frame over
    /// our size limit (a capacity limit of this charge point, like running
    /// out of memory), `FormationViolation` for everything else.
    pub fn code(&self) -> ErrorCode {
        match self.kind {
            FrameErrorKind::TooLarge => ErrorCode::InternalError,
            _ => ErrorCode::FormationViolation,
        }
    }

    /// The CALLERROR to answer with, if any: only a CALL (type 2) whose id
    /// could be read is answered. Anything else (a broken CALLRESULT or
    /// CALLERROR, an unknown message type, an unreadable id) is ignored.
    pub fn reply(&self) -> Option<(MessageId, ErrorCode)> {
        match (self.message_type, self.id, self.kind) {
            (_, _, FrameErrorKind::UnknownMessageType) => None,
            (Some(2), Some(id), _) => Some((id, self.code())),
            _ => None,
        }
    }
}

/// What was wrong, then what is known of the frame: `frame is not JSON
/// (message type 2, id "19")`.
impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)?;
        match (self.message_type, self.id) {
            (Some(t), Some(id)) => write!(f, " (message type {t}, id {:?})", id.as_str()),
            (Some(t), None) => write!(f, " (message type {t})"),
            (None, Some(id)) => write!(f, " (id {:?})", id.as_str()),
            (None, None) => Ok(()),
        }
    }
}

impl fmt::Display for FrameErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FrameErrorKind::TooLarge => "frame larger than the size limit",
            FrameErrorKind::NotUtf8 => "frame is not UTF-8",
            FrameErrorKind::NotJson => "frame is not JSON",
            FrameErrorKind::TooDeep => "frame nested deeper than the depth limit",
            FrameErrorKind::NotAnArray => "frame is not a JSON array",
            FrameErrorKind::UnknownMessageType => "message type is not 2, 3 or 4",
            FrameErrorKind::BadMessageId => "message id is not a string of 1 to 36 bytes",
            FrameErrorKind::BadAction => "action is not a string, or is empty",
            FrameErrorKind::WrongElementCount => "wrong number of elements for the message type",
            FrameErrorKind::PayloadNotObject => "payload is not a JSON object",
            FrameErrorKind::BadErrorCode => "error code is not a string",
            FrameErrorKind::BadErrorDescription => "error description is not a string",
        })
    }
}

impl core::error::Error for FrameError {}

impl<'a> Frame<'a> {
    /// Checks and splits a received frame. Never panics; reads each byte at
    /// most a few times; allocates nothing.
    pub fn parse(bytes: &'a [u8], limits: &Limits) -> Result<Self, FrameError> {
        match fast::parse(bytes, limits) {
            Some(frame) => Ok(frame),
            None => Self::parse_full(bytes, limits),
        }
    }

    /// [`Frame::parse`] for any frame: the whole frame is checked (size,
    /// UTF-8, syntax and depth) before its elements are read.
    #[inline(never)]
    fn parse_full(bytes: &'a [u8], limits: &Limits) -> Result<Self, FrameError> {
        let (text, scanned) = check_whole(bytes, limits)?;
        let (elements, id) = Elements::read_header(text, scanned)?;
        match elements.err.message_type {
            Some(2) => elements.call(id),
            Some(3) => elements.call_result(id),
            _ => elements.call_error(id),
        }
    }

    /// The message id of the frame.
    pub fn id(&self) -> MessageId {
        match *self {
            Frame::Call { id, .. } | Frame::CallResult { id, .. } | Frame::CallError { id, .. } => {
                id
            }
        }
    }
}

/// The checks of the whole frame, in this order: size, UTF-8, JSON syntax
/// and nesting depth, then that it is an array. What fails before the frame
/// is known to be JSON reports the header that [`peek_header`] can read.
fn check_whole<'a>(bytes: &'a [u8], limits: &Limits) -> Result<(&'a str, Scanned), FrameError> {
    let fail_peek = |kind| {
        let (message_type, id) = peek_header(bytes);
        FrameError {
            kind,
            id,
            message_type,
        }
    };
    if bytes.len() > limits.max_frame_len {
        return Err(fail_peek(FrameErrorKind::TooLarge));
    }
    let Ok(text) = core::str::from_utf8(bytes) else {
        return Err(fail_peek(FrameErrorKind::NotUtf8));
    };
    match scan::scan(bytes, limits.max_depth) {
        Ok(scanned) if scanned.is_array => Ok((text, scanned)),
        Ok(_) => Err(FrameError {
            kind: FrameErrorKind::NotAnArray,
            id: None,
            message_type: None,
        }),
        Err(ScanError::NotJson) => Err(fail_peek(FrameErrorKind::NotJson)),
        Err(ScanError::TooDeep) => Err(fail_peek(FrameErrorKind::TooDeep)),
    }
}

/// The elements of a well-formed top-level array, with what is known of the
/// frame so far (to report with an error).
struct Elements<'a> {
    text: &'a str,
    scanned: Scanned,
    /// The message type and id once read; `kind` is filled in on failure.
    err: FrameError,
}

impl<'a> Elements<'a> {
    /// Reads the message type and id, and checks the element count of the
    /// type.
    fn read_header(text: &'a str, scanned: Scanned) -> Result<(Self, MessageId), FrameError> {
        let mut elements = Elements {
            text,
            scanned,
            err: FrameError {
                kind: FrameErrorKind::UnknownMessageType,
                id: None,
                message_type: None,
            },
        };
        let type_text = elements.get(0);
        elements.err.message_type = small_int(type_text);
        if scanned.count >= 2 {
            elements.err.id = string_body(elements.get(1)).and_then(MessageId::from_json);
        }
        let expected = match elements.err.message_type {
            Some(2) => 4,
            Some(3) => 3,
            Some(4) => 5,
            _ => return elements.fail(FrameErrorKind::UnknownMessageType),
        };
        if type_text.len() != 1 {
            // "2.0", "02" are not the integers 2, 3, 4 (and "02" is not JSON).
            return elements.fail(FrameErrorKind::UnknownMessageType);
        }
        let Some(id) = elements.err.id else {
            return elements.fail(FrameErrorKind::BadMessageId);
        };
        if scanned.count != expected {
            return elements.fail(FrameErrorKind::WrongElementCount);
        }
        Ok((elements, id))
    }

    /// The text of element `i` ("" past the recorded ones: the scanner
    /// leaves their ranges at `0..0`). Every recorded range lies inside
    /// `text` and on ASCII boundaries.
    fn get(&self, i: usize) -> &'a str {
        match self.scanned.elements.get(i) {
            Some(&(a, b)) => self.text.get(a..b).unwrap_or_default(),
            None => "",
        }
    }

    fn fail<T>(&self, kind: FrameErrorKind) -> Result<T, FrameError> {
        Err(FrameError { kind, ..self.err })
    }

    /// Element `i`, which must be an object.
    fn object(&self, i: usize) -> Result<&'a [u8], FrameError> {
        let e = self.get(i);
        if e.starts_with('{') {
            Ok(e.as_bytes())
        } else {
            self.fail(FrameErrorKind::PayloadNotObject)
        }
    }

    /// `[2, id, action, payload]`.
    fn call(&self, id: MessageId) -> Result<Frame<'a>, FrameError> {
        let action = match string_body(self.get(2)) {
            Some(raw) if !raw.is_empty() => action_name(raw),
            _ => return self.fail(FrameErrorKind::BadAction),
        };
        Ok(Frame::Call {
            id,
            action,
            payload: self.object(3)?,
        })
    }

    /// `[3, id, payload]`.
    fn call_result(&self, id: MessageId) -> Result<Frame<'a>, FrameError> {
        Ok(Frame::CallResult {
            id,
            payload: self.object(2)?,
        })
    }

    /// `[4, id, code, description, details]`.
    fn call_error(&self, id: MessageId) -> Result<Frame<'a>, FrameError> {
        let Some(code) = string_body(self.get(2)) else {
            return self.fail(FrameErrorKind::BadErrorCode);
        };
        let Some(description) = string_body(self.get(3)) else {
            return self.fail(FrameErrorKind::BadErrorDescription);
        };
        Ok(Frame::CallError {
            id,
            code: ErrorCode::parse_lenient(code),
            description,
            details: self.object(4)?,
        })
    }
}

/// The action of a CALL from the content of its JSON string: as written
/// when it has no escapes (the common case, borrowed from the frame). An
/// escaped name is unescaped into a stack buffer as long as the longest
/// action name: when it names a known [`Action`], that action's own
/// spelling (a `'static` string) stands for it, so it is handled as if it
/// had been written plainly. Otherwise (unknown, longer than any action, or
/// a broken escape) it is left as written, escapes in: no known action
/// either way, answered `NotImplemented`.
fn action_name(raw: &str) -> &str {
    if !raw.contains('\\') {
        return raw;
    }
    let mut buf = [0u8; Action::MAX_NAME_LEN];
    match scan::unescape_into(raw, &mut buf).map(Action::parse) {
        Some(Ok(action)) => action.as_str(),
        _ => raw,
    }
}

/// The body of a JSON string token (quotes stripped), if `token` is one.
fn string_body(token: &str) -> Option<&str> {
    token.strip_prefix('"')?.strip_suffix('"')
}

/// The value of a token of decimal digits, if it fits a `u8`. Both callers
/// hand it a JSON number token or a run of ASCII digits, so the one form
/// `u8::from_str` takes that those cannot be, a leading `+`, never comes.
fn small_int(token: &str) -> Option<u8> {
    token.parse().ok()
}

/// Reads `[type, "id"` at the start of a frame that failed a whole-frame
/// check, so that a broken CALL can still be answered. Looks at no more than
/// the header's bytes.
fn peek_header(bytes: &[u8]) -> (Option<u8>, Option<MessageId>) {
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while matches!(bytes.get(*i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if bytes.get(i) != Some(&b'[') {
        return (None, None);
    }
    i += 1;
    skip_ws(&mut i);
    let start = i;
    while i - start < 4 && matches!(bytes.get(i), Some(b'0'..=b'9')) {
        i += 1;
    }
    let digits = bytes
        .get(start..i)
        .and_then(|d| core::str::from_utf8(d).ok());
    let leading_zero = i - start > 1 && bytes.get(start) == Some(&b'0');
    let message_type = digits.and_then(small_int).filter(|_| !leading_zero);
    skip_ws(&mut i);
    if message_type.is_none() || bytes.get(i) != Some(&b',') {
        return (message_type, None);
    }
    i += 1;
    skip_ws(&mut i);
    if bytes.get(i) != Some(&b'"') {
        return (message_type, None);
    }
    // Bound the look-ahead: an id of 36 bytes takes at most 6 bytes of JSON
    // per byte (`\u0041`), and 2 quotes.
    let window = bytes.get(i..).unwrap_or_default();
    let window = window.get(..6 * MAX_MESSAGE_ID_LEN + 2).unwrap_or(window);
    let id = scan::string_end(window, 0)
        .ok()
        .and_then(|end| window.get(1..end - 1))
        .and_then(|raw| core::str::from_utf8(raw).ok())
        .and_then(MessageId::from_json);
    (message_type, id)
}

#[path = "frame_fast.rs"]
mod fast;
#[path = "frame_message_id.rs"]
mod message_id;

pub use fast::{PayloadCheck, MAX_MESSAGE_DEPTH};
pub use message_id::{MessageId, MAX_MESSAGE_ID_LEN};

#[cfg(test)]
#[path = "tests/frame.rs"]
mod tests;

//! OCPP-J frames: a checked view of `[2, id, action, {..}]`,
//! `[3, id, {..}]` and `[4, id, code, description, {..}]`.

use core::fmt;

use crate::errors::ErrorCode;
use crate::scan::{self, ScanError};

/// Run-time limits on received frames.
///
/// No limit allocates anything. `max_frame_len` bounds the work of one
/// [`Frame::parse`] (one linear pass) and, through it, the pool memory a
/// decoded payload can take (strings are stored at their length, arrays at
/// most twice theirs). `max_depth` bounds the stack of decoding: the scanner
/// uses none per level, but serde-json-core recurses once per nested
/// container (a few hundred bytes of stack per level in our decoders).
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

/// The most bytes a message id may have.
pub const MAX_MESSAGE_ID_LEN: usize = 36;

/// An OCPP-J message id, stored inline: the content of the JSON string as it
/// appears in the frame (escapes, if any, kept verbatim), 1 to 36 bytes.
///
/// Received ids are echoed back byte for byte, so an answer always carries
/// the same JSON string; equality is on those raw bytes. The limit of 36
/// counts bytes of the raw content (a UUID is 36 ASCII bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageId {
    len: u8,
    bytes: [u8; MAX_MESSAGE_ID_LEN],
}

impl MessageId {
    /// An id of our own: 1 to 36 bytes, none of them `"`, `\` or a control
    /// character (so it needs no escaping on the wire).
    pub fn new(s: &str) -> Option<Self> {
        if s.bytes()
            .any(|b| b == b'"' || b == b'\\' || b < 0x20 || b == 0x7f)
        {
            return None;
        }
        Self::from_raw(s)
    }

    /// The decimal form of `n`, e.g. `"42"`.
    pub fn from_u32(n: u32) -> Self {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let mut id = MessageId {
            len: (digits.len() - i) as u8,
            bytes: [0; MAX_MESSAGE_ID_LEN],
        };
        id.bytes[..digits.len() - i].copy_from_slice(&digits[i..]);
        id
    }

    /// The raw content of a JSON string already checked by the scanner.
    pub(crate) fn from_raw(raw: &str) -> Option<Self> {
        if raw.is_empty() || raw.len() > MAX_MESSAGE_ID_LEN {
            return None;
        }
        let mut id = MessageId {
            len: raw.len() as u8,
            bytes: [0; MAX_MESSAGE_ID_LEN],
        };
        id.bytes[..raw.len()].copy_from_slice(raw.as_bytes());
        Some(id)
    }

    /// The id as it appears between the quotes on the wire.
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..self.len as usize).unwrap_or_default();
        core::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl fmt::Debug for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageId({:?})", self.as_str())
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
        /// The action as written (map it with [`crate::Action::parse`]; an
        /// unknown one is answered with `NotImplemented`).
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
    /// The id is not a string of 1 to 36 bytes.
    BadMessageId,
    /// The action of a CALL is not a string (or is empty or escaped).
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

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad frame: {:?}", self.kind)
    }
}

impl core::error::Error for FrameError {}

impl<'a> Frame<'a> {
    /// Checks and splits a received frame. Never panics; reads each byte at
    /// most a few times; allocates nothing.
    pub fn parse(bytes: &'a [u8], limits: &Limits) -> Result<Self, FrameError> {
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
        let scanned = match scan::scan(bytes, limits.max_depth) {
            Ok(s) => s,
            Err(ScanError::NotJson) => return Err(fail_peek(FrameErrorKind::NotJson)),
            Err(ScanError::TooDeep) => return Err(fail_peek(FrameErrorKind::TooDeep)),
        };
        let mut err = FrameError {
            kind: FrameErrorKind::NotAnArray,
            id: None,
            message_type: None,
        };
        if !scanned.is_array {
            return Err(err);
        }
        // Every recorded range lies inside `text` and on ASCII boundaries.
        let elem = |i: usize| -> &'a str {
            match scanned.elements.get(i) {
                Some(&(a, b)) if i < scanned.count => text.get(a..b).unwrap_or_default(),
                _ => "",
            }
        };
        let type_text = elem(0);
        err.message_type = small_int(type_text);
        if scanned.count >= 2 {
            err.id = string_body(elem(1)).and_then(MessageId::from_raw);
        }
        let expected = match err.message_type {
            Some(2) => 4,
            Some(3) => 3,
            Some(4) => 5,
            _ => {
                return Err(FrameError {
                    kind: FrameErrorKind::UnknownMessageType,
                    ..err
                })
            }
        };
        let fail = |kind| Err(FrameError { kind, ..err });
        if type_text.len() != 1 {
            // "2.0", "02" are not the integers 2, 3, 4 (and "02" is not JSON).
            return fail(FrameErrorKind::UnknownMessageType);
        }
        let Some(id) = err.id else {
            return fail(FrameErrorKind::BadMessageId);
        };
        if scanned.count != expected {
            return fail(FrameErrorKind::WrongElementCount);
        }
        let object = |i: usize| {
            let e = elem(i);
            if e.starts_with('{') {
                Ok(e.as_bytes())
            } else {
                Err(FrameError {
                    kind: FrameErrorKind::PayloadNotObject,
                    ..err
                })
            }
        };
        match expected {
            4 => {
                let action = match string_body(elem(2)) {
                    Some(a) if !a.is_empty() && !a.contains('\\') => a,
                    _ => return fail(FrameErrorKind::BadAction),
                };
                Ok(Frame::Call {
                    id,
                    action,
                    payload: object(3)?,
                })
            }
            3 => Ok(Frame::CallResult {
                id,
                payload: object(2)?,
            }),
            _ => {
                let Some(code) = string_body(elem(2)) else {
                    return fail(FrameErrorKind::BadErrorCode);
                };
                let Some(description) = string_body(elem(3)) else {
                    return fail(FrameErrorKind::BadErrorDescription);
                };
                Ok(Frame::CallError {
                    id,
                    code: ErrorCode::parse_lenient(code),
                    description,
                    details: object(4)?,
                })
            }
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

/// The body of a JSON string token (quotes stripped), if `token` is one.
fn string_body(token: &str) -> Option<&str> {
    token.strip_prefix('"')?.strip_suffix('"')
}

/// The value of a token of 1 to 3 decimal digits, if it fits a `u8`.
fn small_int(token: &str) -> Option<u8> {
    if token.is_empty() || token.len() > 3 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
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
    // Bound the look-ahead: an id never needs more than 36 bytes.
    let window = bytes.get(i..).unwrap_or_default();
    let window = window.get(..MAX_MESSAGE_ID_LEN + 2).unwrap_or(window);
    let id = scan::string_end(window, 0)
        .ok()
        .and_then(|end| window.get(1..end - 1))
        .and_then(|raw| core::str::from_utf8(raw).ok())
        .and_then(MessageId::from_raw);
    (message_type, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Frame<'_>, FrameError> {
        Frame::parse(s.as_bytes(), &Limits::DEFAULT)
    }

    #[test]
    fn parses_the_three_frame_types() {
        let f = parse(r#"[2,"19223201","BootNotification",{"a":1}]"#).unwrap();
        assert_eq!(
            f,
            Frame::Call {
                id: MessageId::new("19223201").unwrap(),
                action: "BootNotification",
                payload: br#"{"a":1}"#,
            }
        );
        let f = parse(" [ 3 , \"x\" , { } ] \n").unwrap();
        assert_eq!(
            f,
            Frame::CallResult {
                id: MessageId::new("x").unwrap(),
                payload: b"{ }"
            }
        );
        let f = parse(r#"[4,"7","FormatViolation","bad \"x\"",{}]"#).unwrap();
        assert_eq!(
            f,
            Frame::CallError {
                id: MessageId::from_u32(7),
                code: ErrorCode::FormationViolation,
                description: r#"bad \"x\""#,
                details: b"{}",
            }
        );
        assert_eq!(f.id().as_str(), "7");
    }

    #[test]
    fn message_ids() {
        assert_eq!(MessageId::from_u32(0).as_str(), "0");
        assert_eq!(MessageId::from_u32(u32::MAX).as_str(), "4294967295");
        assert_eq!(MessageId::new(&"a".repeat(36)).unwrap().as_str().len(), 36);
        assert!(MessageId::new(&"a".repeat(37)).is_none());
        assert!(MessageId::new("").is_none());
        assert!(MessageId::new("a\"b").is_none());
        assert!(MessageId::new("a\\b").is_none());
        assert!(MessageId::new("a\nb").is_none());
        assert_eq!(MessageId::new("42"), Some(MessageId::from_u32(42)));
        assert_eq!(format!("{}", MessageId::from_u32(5)), "5");
        assert_eq!(format!("{:?}", MessageId::from_u32(5)), "MessageId(\"5\")");
    }

    #[test]
    fn header_is_peeked_from_broken_frames() {
        let e = parse(r#"[2,"abc","Heartbeat",{"#).unwrap_err();
        assert_eq!(e.kind, FrameErrorKind::NotJson);
        assert_eq!(
            e.reply(),
            Some((
                MessageId::new("abc").unwrap(),
                ErrorCode::FormationViolation
            ))
        );
        let e = parse(r#"[3,"abc",{"#).unwrap_err();
        assert_eq!(e.reply(), None);
        let e = parse(r#"[2,"abc"#).unwrap_err();
        assert_eq!((e.message_type, e.id), (Some(2), None));
        let e = parse(r#"[22,"abc",1"#).unwrap_err();
        assert_eq!((e.message_type, e.id), (Some(22), MessageId::new("abc")));
        assert_eq!(e.reply(), None);
        let e = parse(r#"[02,"abc",1"#).unwrap_err();
        assert_eq!((e.message_type, e.id), (None, None));
        let big = format!(
            r#"[2,"big","DataTransfer",{{"data":"{}"}}]"#,
            "x".repeat(5000)
        );
        let e = parse(&big).unwrap_err();
        assert_eq!(e.kind, FrameErrorKind::TooLarge);
        assert_eq!(
            e.reply(),
            Some((MessageId::new("big").unwrap(), ErrorCode::InternalError))
        );
    }
}

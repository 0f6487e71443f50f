//! The fast path of [`Frame::parse`], for the frames a charge point meets
//! all day: `[2,"id","Action",{..}]` and `[3,"id",{..}]` with no whitespace
//! in the header, an id and an action of printable ASCII without escapes.
//!
//! Such a header is read directly, byte by byte in the order it is written,
//! and only the payload goes through the scanner (syntax and depth) and the
//! UTF-8 check: the full path runs both over the whole frame, then reads
//! the header again from the elements the scanner recorded, which costs a
//! small frame more than its payload does. Whatever this path does not
//! recognise (another message type, whitespace, escapes, a broken frame)
//! goes to the full path, which decides and reports; where this path
//! answers, it gives what the full path would (a test compares both on
//! every one-byte change of a set of frames).
//!
//! [`Frame::parse_deferred`] is the same path without the payload's check,
//! for a caller that hands the payload to a decoder, which checks it anyway.

use super::{Frame, FrameError, Limits, MessageId};
use crate::scan;

/// The deepest a frame of a message this crate decodes can nest, its own
/// array included: MeterValues.req (`[{"meterValue":[{"sampledValue":[{`)
/// and RemoteStartTransaction.req with a charging profile are 6. A payload
/// that decodes as one of the message types is never deeper (unknown
/// properties are refused, nothing is skipped); a test holds every type to
/// it.
pub const MAX_MESSAGE_DEPTH: usize = 6;

/// What [`Frame::parse_deferred`] did with the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadCheck {
    /// Checked as [`Frame::parse`] checks it.
    Checked,
    /// Not checked: it starts with `{` and the frame ends with `]`, nothing
    /// more is known. Decode it with [`crate::decode_with`], which checks
    /// UTF-8, syntax and shape as it reads; or, before doing anything else
    /// with it, call [`Frame::parse`] on the whole frame, which says what
    /// it would have said.
    Deferred,
}

impl<'a> Frame<'a> {
    /// [`Frame::parse`], except that the payload of a CALL or CALLRESULT
    /// on the fast path (no whitespace or escapes in the header) is not
    /// checked: a payload is then read once, by its decoder, not twice.
    ///
    /// When it returns `PayloadCheck::Deferred`, [`Frame::parse`] of the
    /// same bytes returns the same frame, or an error that only the
    /// payload causes; a payload that [`crate::decode_with`] accepts as
    /// one of this crate's message types is one that [`Frame::parse`]
    /// accepts too (UTF-8, syntax, and depth: deferred only when
    /// `limits.max_depth` is at least [`MAX_MESSAGE_DEPTH`]). Whatever
    /// else the caller does with a deferred payload (hand it on raw, answer
    /// that the action is not supported, drop the frame), it first calls
    /// [`Frame::parse`] to learn whether the frame was malformed.
    pub fn parse_deferred(
        bytes: &'a [u8],
        limits: &Limits,
    ) -> Result<(Self, PayloadCheck), FrameError> {
        if limits.max_depth >= MAX_MESSAGE_DEPTH {
            return match header(bytes, limits, false) {
                Some(frame) => Ok((frame, PayloadCheck::Deferred)),
                // The checked fast path is stricter and would refuse it too.
                None => Self::parse_full(bytes, limits).map(|frame| (frame, PayloadCheck::Checked)),
            };
        }
        Self::parse(bytes, limits).map(|frame| (frame, PayloadCheck::Checked))
    }
}

/// The frame, when `bytes` is a CALL or CALLRESULT this path reads and the
/// full path would accept; `None` otherwise.
#[inline]
pub(super) fn parse<'a>(bytes: &'a [u8], limits: &Limits) -> Option<Frame<'a>> {
    header(bytes, limits, true)
}

/// [`parse`], the payload checked only when `check`. One copy for both
/// callers (thumbv6m code size).
#[inline(never)]
fn header<'a>(bytes: &'a [u8], limits: &Limits, check: bool) -> Option<Frame<'a>> {
    if bytes.len() > limits.max_frame_len {
        return None;
    }
    let [b'[', kind, b',', b'"', rest @ ..] = bytes else {
        return None;
    };
    let (id, rest) = plain_string(rest)?;
    let id = MessageId::from_plain_bytes(id)?;
    let rest = rest.strip_prefix(b",")?;
    match kind {
        b'2' => {
            let (action, rest) = plain_string(rest.strip_prefix(b"\"")?)?;
            if action.is_empty() {
                return None;
            }
            // A known action's name is a `&'static str` already; any other
            // is printable ASCII, always UTF-8.
            let action = match crate::Action::parse_bytes(action) {
                Ok(known) => known.as_str(),
                Err(_) => core::str::from_utf8(action).ok()?,
            };
            let payload = payload(rest.strip_prefix(b",")?, limits, check)?;
            Some(Frame::Call {
                id,
                action,
                payload,
            })
        }
        b'3' => Some(Frame::CallResult {
            id,
            payload: payload(rest, limits, check)?,
        }),
        _ => None,
    }
}

/// The content of a JSON string of printable ASCII without escapes, and
/// the bytes after its closing quote.
#[inline]
fn plain_string(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = scan::printable_run_end(bytes, 0)?;
    let (content, rest) = bytes.split_at(end);
    Some((content, rest.strip_prefix(b"\"")?))
}

/// `rest` is `{..}]`, whitespace allowed around the `]`: the payload, if
/// it is one well-formed UTF-8 JSON object within the depth the frame's own
/// array leaves (when `check`; otherwise whatever is between).
fn payload<'a>(rest: &'a [u8], limits: &Limits, check: bool) -> Option<&'a [u8]> {
    if rest.first() != Some(&b'{') {
        return None;
    }
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let close = rest.iter().rposition(|b| !ws(b))?;
    let before = rest.get(..close)?;
    if rest.get(close) != Some(&b']') {
        return None;
    }
    let end = before.iter().rposition(|b| !ws(b))? + 1;
    let payload = before.get(..end)?;
    if !check {
        return Some(payload);
    }
    let depth = limits.max_depth.min(scan::MAX_SCAN_DEPTH).checked_sub(1)?;
    scan::scan(payload, depth).ok()?;
    // The scanner saw only ASCII outside strings; mostly ASCII inside.
    if !payload.is_ascii() {
        core::str::from_utf8(payload).ok()?;
    }
    Some(payload)
}

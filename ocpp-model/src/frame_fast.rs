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

use super::{Frame, Limits, MessageId};
use crate::scan;

/// The frame, when `bytes` is a CALL or CALLRESULT this path reads and the
/// full path would accept; `None` otherwise.
#[inline]
pub(super) fn parse<'a>(bytes: &'a [u8], limits: &Limits) -> Option<Frame<'a>> {
    if bytes.len() > limits.max_frame_len {
        return None;
    }
    let [b'[', kind, b',', b'"', rest @ ..] = bytes else {
        return None;
    };
    let (id, rest) = plain_string(rest)?;
    let id = MessageId::from_utf8_bytes(id)?;
    let rest = rest.strip_prefix(b",")?;
    match kind {
        b'2' => {
            let (action, rest) = plain_string(rest.strip_prefix(b"\"")?)?;
            if action.is_empty() {
                return None;
            }
            // Printable ASCII: always UTF-8.
            let action = core::str::from_utf8(action).ok()?;
            let payload = payload(rest.strip_prefix(b",")?, limits)?;
            Some(Frame::Call {
                id,
                action,
                payload,
            })
        }
        b'3' => Some(Frame::CallResult {
            id,
            payload: payload(rest, limits)?,
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
/// array leaves.
fn payload<'a>(rest: &'a [u8], limits: &Limits) -> Option<&'a [u8]> {
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
    let depth = limits.max_depth.min(scan::MAX_SCAN_DEPTH).checked_sub(1)?;
    scan::scan(payload, depth).ok()?;
    // The scanner saw only ASCII outside strings; mostly ASCII inside.
    if !payload.is_ascii() {
        core::str::from_utf8(payload).ok()?;
    }
    Some(payload)
}

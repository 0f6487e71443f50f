//! [`MessageId`]: an OCPP-J message id, held inline and unescaped, with
//! what the encoders need to write it back.

use core::fmt;

use crate::scan;

/// The most bytes a message id may have, counted after JSON escapes are
/// undone.
pub const MAX_MESSAGE_ID_LEN: usize = 36;

/// An OCPP-J message id, stored inline and unescaped: 1 to 36 bytes of
/// UTF-8.
///
/// OCPP-J allows 36 characters. The id is measured and kept after its JSON
/// escapes are undone (`"\u0041"` is the one character `A`), so an id
/// written with escapes is held, compared and answered like the same id
/// written plainly; equality is on the unescaped id. The encoders write it
/// back as a JSON string, escaped where JSON requires (`"`, `\`, control
/// characters), so an answer carries a string equal to the id received.
///
/// Any character is accepted, as JSON allows: control characters are held
/// and escaped again on the way out; other characters are held as UTF-8,
/// so an id of non-ASCII characters fits if its UTF-8 takes at most 36
/// bytes (stricter than 36 characters, for ids no central system is known
/// to send: UUIDs and counters are ASCII). A longer id, or one with a lone
/// UTF-16 surrogate escape (no character at all), is
/// [`FrameErrorKind::BadMessageId`](crate::FrameErrorKind::BadMessageId) and cannot be answered.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageId {
    /// The length in bytes, and [`MessageId::ESCAPE`] when the id has a
    /// byte JSON escapes (a quote, a backslash, a control character): the
    /// encoders copy an id without it as it is, without looking. The flag
    /// is a function of the bytes, so the derived equality stays the
    /// id's; it takes no byte of its own (an id is held in every answer
    /// slot).
    len: u8,
    bytes: [u8; MAX_MESSAGE_ID_LEN],
}

impl MessageId {
    /// An id of 1 to 36 bytes (any characters: the encoders escape what
    /// JSON requires).
    pub fn new(s: &str) -> Option<Self> {
        Self::from_utf8_bytes(s.as_bytes())
    }

    /// [`MessageId::new`] of bytes known to be UTF-8 (from a `&str`, or
    /// ASCII checked by the caller).
    pub(crate) fn from_utf8_bytes(s: &[u8]) -> Option<Self> {
        Self::with_flag(s, needs_escape(s))
    }

    /// [`MessageId::new`] of printable ASCII without a quote or a
    /// backslash, as the caller checked: nothing to escape.
    pub(crate) fn from_plain_bytes(s: &[u8]) -> Option<Self> {
        Self::with_flag(s, false)
    }

    /// Set when the id has a byte JSON escapes (in `len`, above any length).
    const ESCAPE: u8 = 0x80;

    fn with_flag(s: &[u8], escape: bool) -> Option<Self> {
        if s.is_empty() || s.len() > MAX_MESSAGE_ID_LEN {
            return None;
        }
        let mut id = MessageId {
            len: s.len() as u8 | if escape { Self::ESCAPE } else { 0 },
            bytes: [0; MAX_MESSAGE_ID_LEN],
        };
        id.bytes.get_mut(..s.len())?.copy_from_slice(s);
        Some(id)
    }

    /// The length in bytes.
    fn len(&self) -> usize {
        usize::from(self.len & !Self::ESCAPE)
    }

    /// Whether the id is written in JSON as it is (no byte to escape).
    pub(crate) fn is_plain(&self) -> bool {
        self.len & Self::ESCAPE == 0
    }

    /// The id's bytes in a fixed-size array, and how many of them are the id.
    pub(crate) fn padded(&self) -> (&[u8; MAX_MESSAGE_ID_LEN], usize) {
        (&self.bytes, self.len())
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

    /// The id of a JSON string whose content (between the quotes, escapes
    /// still in) is `raw`, already checked by the scanner.
    pub(crate) fn from_json(raw: &str) -> Option<Self> {
        if !raw.contains('\\') {
            return Self::new(raw); // the common case: copied as it is
        }
        let mut id = MessageId {
            len: 0,
            bytes: [0; MAX_MESSAGE_ID_LEN],
        };
        let unescaped = scan::unescape_into(raw, &mut id.bytes)?;
        let len = unescaped.len();
        if len == 0 {
            return None;
        }
        id.len = len as u8
            | if needs_escape(unescaped.as_bytes()) {
                Self::ESCAPE
            } else {
                0
            };
        Some(id)
    }

    /// The id's UTF-8 bytes (made from a `&str`, or unescaped into UTF-8),
    /// for the encoders: no second UTF-8 check.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len()).unwrap_or_default()
    }

    /// The id, unescaped.
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..self.len()).unwrap_or_default();
        core::str::from_utf8(bytes).unwrap_or_default()
    }
}

/// Whether JSON escapes a byte of `s` (a quote, a backslash, a control
/// character). One copy of the scan for the constructors (thumbv6m code size).
#[inline(never)]
fn needs_escape(s: &[u8]) -> bool {
    scan::plain_run_end(s, 0).is_some()
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

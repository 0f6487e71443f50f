//! A structural JSON scanner and a string unescaper.
//!
//! [`scan`] checks the full JSON syntax of a byte slice (RFC 8259: strings
//! with their escapes, numbers, literals, nesting, nothing after the value)
//! and the nesting depth, without recursion: a bit stack records whether each
//! open container is an array or an object, so the scanner uses the same few
//! bytes of stack for 10 000 nested `[` as for none. It also reports where the
//! elements of a top-level array start and end, which is how a frame is split.
//!
//! [`crate::Frame::parse`] runs it over every received frame (over the
//! payload only, when the header is of the usual form it reads directly;
//! see `frame_fast`). The payload
//! decoder (`de`) checks the same syntax as it reads, with this module's
//! [`string_end`] and number check, so a payload is read once more but
//! looked at only once by the decoder; [`crate::decode_with`] runs [`scan`]
//! over a payload only when its decoding failed, to report a malformed one
//! as such. String bodies, most of a frame, are skipped eight bytes at a
//! time (SWAR on a `u64`, no `unsafe`).

/// The deepest nesting the scanner can track (the width of its bit stack).
pub const MAX_SCAN_DEPTH: usize = 64;

/// How many top-level array elements [`scan`] records; more are only counted.
pub const MAX_ELEMENTS: usize = 5;

/// Why [`scan`] rejected its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanError {
    /// Not one well-formed JSON value.
    NotJson,
    /// Containers nested deeper than the limit.
    TooDeep,
}

impl core::fmt::Display for ScanError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ScanError::NotJson => "not one well-formed JSON value",
            ScanError::TooDeep => "JSON nested deeper than the limit",
        })
    }
}

impl core::error::Error for ScanError {}

/// What [`scan`] learnt of a well-formed JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scanned {
    /// The value is an array.
    pub is_array: bool,
    /// The first byte of the value (after leading whitespace).
    pub start: usize,
    /// The byte ranges `start..end` of the first [`MAX_ELEMENTS`] elements of
    /// a top-level array, without surrounding whitespace.
    pub elements: [(usize, usize); MAX_ELEMENTS],
    /// The number of elements of a top-level array (all of them, not only the
    /// recorded ones).
    pub count: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// A value must follow.
    Value,
    /// Just after `[`: a value or `]`.
    ValueOrClose,
    /// Just after `{`: a key or `}`.
    KeyOrClose,
    /// After `,` in an object: a key.
    Key,
    /// After a key: `:`.
    Colon,
    /// After a value inside a container: `,` or the closing bracket.
    CommaOrClose,
    /// After the top-level value: only whitespace.
    End,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Checks that `bytes` is exactly one JSON value (whitespace around it
/// allowed) nested at most `max_depth` containers deep (capped at
/// [`MAX_SCAN_DEPTH`]). The caller checks UTF-8 first: the scanner only
/// looks at the ASCII structure.
pub fn scan(bytes: &[u8], max_depth: usize) -> Result<Scanned, ScanError> {
    let mut s = Scanner::new(bytes, max_depth);
    while let Some(&b) = bytes.get(s.i) {
        if is_ws(b) {
            s.i += 1;
            continue;
        }
        match s.state {
            State::End => return Err(ScanError::NotJson),
            State::Colon => s.colon(b)?,
            State::Key | State::KeyOrClose => s.key_or_close(b)?,
            State::CommaOrClose => s.comma_or_close(b)?,
            State::Value | State::ValueOrClose => s.value_or_close(b)?,
        }
    }
    if s.seen_value && s.state == State::End {
        Ok(s.out)
    } else {
        Err(ScanError::NotJson)
    }
}

/// The scanner's state between two tokens: one step per significant byte,
/// no recursion.
struct Scanner<'a> {
    bytes: &'a [u8],
    /// The next byte to look at.
    i: usize,
    state: State,
    /// Bit d is set when the container at depth d + 1 is an object.
    stack: u64,
    /// Open containers.
    depth: usize,
    max_depth: usize,
    seen_value: bool,
    out: Scanned,
}

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8], max_depth: usize) -> Self {
        Scanner {
            bytes,
            i: 0,
            state: State::Value,
            stack: 0,
            depth: 0,
            max_depth: if max_depth > MAX_SCAN_DEPTH {
                MAX_SCAN_DEPTH
            } else {
                max_depth
            },
            seen_value: false,
            out: Scanned {
                is_array: false,
                start: 0,
                elements: [(0, 0); MAX_ELEMENTS],
                count: 0,
            },
        }
    }

    /// Whether the innermost open container is an object. Asked only in
    /// `State::CommaOrClose`, which `after_value` sets only inside a
    /// container: `depth` is at least 1 here (a `depth > 0` check could
    /// never fail, and mutation testing found nothing that could tell it).
    #[inline]
    fn in_object(&self) -> bool {
        self.stack & (1 << (self.depth - 1)) != 0
    }

    /// A value ended at `self.i` (exclusive).
    #[inline]
    fn value_ended(&mut self) {
        self.state = after_value(&mut self.out, self.depth, self.i);
    }

    /// The container that `b` (at `self.i`) closes ended.
    #[inline]
    fn close(&mut self) {
        self.i += 1;
        self.depth -= 1;
        self.value_ended();
    }

    /// After a key: only `:`.
    #[inline]
    fn colon(&mut self, b: u8) -> Result<(), ScanError> {
        if b != b':' {
            return Err(ScanError::NotJson);
        }
        self.i += 1;
        self.state = State::Value;
        Ok(())
    }

    /// A key, or `}` just after `{`.
    #[inline]
    fn key_or_close(&mut self, b: u8) -> Result<(), ScanError> {
        if b == b'}' && self.state == State::KeyOrClose {
            self.close();
        } else if b == b'"' {
            self.i = string_end(self.bytes, self.i)?;
            self.state = State::Colon;
        } else {
            return Err(ScanError::NotJson);
        }
        Ok(())
    }

    /// After a value in a container: `,` or the matching closing bracket.
    #[inline]
    fn comma_or_close(&mut self, b: u8) -> Result<(), ScanError> {
        match (b, self.in_object()) {
            (b',', true) => {
                self.i += 1;
                self.state = State::Key;
            }
            (b',', false) => {
                self.i += 1;
                self.state = State::Value;
            }
            (b'}', true) | (b']', false) => self.close(),
            _ => return Err(ScanError::NotJson),
        }
        Ok(())
    }

    /// A value, or `]` just after `[`.
    #[inline]
    fn value_or_close(&mut self, b: u8) -> Result<(), ScanError> {
        if b == b']' && self.state == State::ValueOrClose {
            self.close();
            return Ok(());
        }
        self.record_value_start(b);
        match b {
            b'[' | b'{' => self.open(b)?,
            b'"' => {
                self.i = string_end(self.bytes, self.i)?;
                self.value_ended();
            }
            b'-' | b'0'..=b'9' => {
                self.i = number_end(self.bytes, self.i)?;
                self.value_ended();
            }
            b't' | b'f' | b'n' => self.literal(b)?,
            _ => return Err(ScanError::NotJson),
        }
        Ok(())
    }

    /// Notes where the top-level value, or an element of a top-level array,
    /// starts.
    #[inline]
    fn record_value_start(&mut self, b: u8) {
        let out = &mut self.out;
        if self.depth == 0 {
            out.start = self.i;
            out.is_array = b == b'[';
            self.seen_value = true;
        } else if self.depth == 1 && out.is_array {
            if let Some(e) = out.elements.get_mut(out.count) {
                *e = (self.i, self.i);
            }
            out.count += 1;
        }
    }

    /// `[` or `{`: one level deeper, if the limit allows.
    #[inline]
    fn open(&mut self, b: u8) -> Result<(), ScanError> {
        if self.depth >= self.max_depth {
            return Err(ScanError::TooDeep);
        }
        if b == b'{' {
            self.stack |= 1 << self.depth;
            self.state = State::KeyOrClose;
        } else {
            self.stack &= !(1 << self.depth);
            self.state = State::ValueOrClose;
        }
        self.depth += 1;
        self.i += 1;
        Ok(())
    }

    /// `true`, `false` or `null`, starting with `b`.
    #[inline]
    fn literal(&mut self, b: u8) -> Result<(), ScanError> {
        let lit: &[u8] = match b {
            b't' => b"true",
            b'f' => b"false",
            _ => b"null",
        };
        if self.bytes.get(self.i..self.i + lit.len()) != Some(lit) {
            return Err(ScanError::NotJson);
        }
        self.i += lit.len();
        self.value_ended();
        Ok(())
    }
}

/// The state after a value ended at `end` (exclusive), now at `depth`.
fn after_value(out: &mut Scanned, depth: usize, end: usize) -> State {
    if depth == 0 {
        return State::End;
    }
    // The element that ended was counted when it started
    // (`record_value_start`), so the count is at least 1 here (a `count > 0`
    // check could never fail: mutation testing found nothing that could tell
    // it); past the recorded elements there is nothing to note.
    if depth == 1 && out.is_array {
        if let Some(e) = out.elements.get_mut(out.count - 1) {
            e.1 = end;
        }
    }
    State::CommaOrClose
}

/// The index of the first byte at or after `i` that ends a run of plain
/// string bytes: a quote, a backslash or a control character (`None` if
/// there is none). Eight bytes at a time (SWAR on a `u64`, no `unsafe`):
/// most of a frame is the inside of strings.
#[inline]
pub(crate) fn plain_run_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `x` below `n` (n <= 0x80). A byte can
    // be flagged wrongly only through a borrow from a lower byte that is
    // itself flagged rightly, so the lowest flag is always a true one.
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let stop = below(x ^ (ONES * u64::from(b'"')), 1)
            | below(x ^ (ONES * u64::from(b'\\')), 1)
            | below(x, 0x20);
        if stop != 0 {
            return Some(i + (stop.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes
        .get(i..)?
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|n| i + n)
}

/// The index of the first byte at or after `i` that is not printable
/// ASCII (below 0x20, 0x7F and above) or is a quote or a backslash (`None`
/// if there is none): where a CiString without escapes ends, found and
/// checked in one look. Eight bytes at a time, as [`plain_run_end`].
#[inline]
pub(crate) fn printable_run_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // As in `plain_run_end`, the lowest flag is always a true one; 0x7F
    // and above are flagged without a carry between bytes.
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let stop = below(x ^ (ONES * u64::from(b'"')), 1)
            | below(x ^ (ONES * u64::from(b'\\')), 1)
            | below(x, 0x20)
            | ((x | ((x & LOW7) + ONES)) & HIGH);
        if stop != 0 {
            return Some(i + (stop.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes
        .get(i..)?
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || !(b' '..=b'~').contains(&b))
        .map(|n| i + n)
}

/// `bytes[start]` is `"`: returns the index after the closing quote, after
/// checking every escape and that no control character is in the string.
pub fn string_end(bytes: &[u8], start: usize) -> Result<usize, ScanError> {
    let mut i = start + 1;
    loop {
        i = plain_run_end(bytes, i).ok_or(ScanError::NotJson)?;
        match bytes.get(i) {
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match bytes.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    let hex = bytes.get(i + 2..i + 6).ok_or(ScanError::NotJson)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(ScanError::NotJson);
                    }
                    i += 6;
                }
                _ => return Err(ScanError::NotJson),
            },
            _ => return Err(ScanError::NotJson),
        }
    }
}

/// `bytes[start]` starts a number: returns the index after it.
pub(crate) fn number_end(bytes: &[u8], start: usize) -> Result<usize, ScanError> {
    let digit = |i: usize| matches!(bytes.get(i), Some(b'0'..=b'9'));
    let digits = |mut i: usize| {
        while digit(i) {
            i += 1;
        }
        i
    };
    let mut i = start;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(i),
        _ => return Err(ScanError::NotJson),
    }
    if bytes.get(i) == Some(&b'.') {
        if !digit(i + 1) {
            return Err(ScanError::NotJson);
        }
        i = digits(i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digit(i) {
            return Err(ScanError::NotJson);
        }
        i = digits(i);
    }
    Ok(i)
}

/// The characters of a raw JSON string body (between the quotes, escapes
/// still in), unescaped one by one. Surrogate pairs (`\ud83d\ude00`) combine;
/// a lone surrogate or a malformed escape yields `Err(())`.
#[derive(Clone, Debug)]
pub struct Unescape<'a> {
    rest: &'a str,
}

impl<'a> Unescape<'a> {
    /// Unescapes `raw`, the content of a JSON string as it appears in the text.
    pub fn new(raw: &'a str) -> Self {
        Unescape { rest: raw }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.rest.get(..4)?;
        let v = u32::from_str_radix(h, 16).ok()?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None; // from_str_radix accepts a leading '+'
        }
        self.rest = &self.rest[4..];
        Some(v)
    }

    fn escape(&mut self) -> Option<char> {
        let mut chars = self.rest.chars();
        let c = chars.next()?;
        self.rest = chars.as_str();
        Some(match c {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let hi = self.hex4()?;
                if (0xD800..0xDC00).contains(&hi) {
                    self.rest = self.rest.strip_prefix("\\u")?;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return None;
                    }
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                } else {
                    char::from_u32(hi)?
                }
            }
            _ => return None,
        })
    }
}

impl Iterator for Unescape<'_> {
    type Item = Result<char, ()>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(rest) = self.rest.strip_prefix('\\') {
            self.rest = rest;
            match self.escape() {
                Some(c) => Some(Ok(c)),
                None => {
                    self.rest = "";
                    Some(Err(()))
                }
            }
        } else {
            let mut chars = self.rest.chars();
            let c = chars.next()?;
            self.rest = chars.as_str();
            Some(Ok(c))
        }
    }
}

/// Whether the raw JSON string body `raw` unescapes to exactly `plain`.
pub fn eq_unescaped(raw: &str, plain: &str) -> bool {
    if !raw.contains('\\') {
        return raw == plain;
    }
    let mut expected = plain.chars();
    for c in Unescape::new(raw) {
        match c {
            Ok(c) if expected.next() == Some(c) => {}
            _ => return false,
        }
    }
    expected.next().is_none()
}

/// Unescapes `raw` into `buf`; `None` if it does not fit or is malformed.
pub fn unescape_into<'b>(raw: &str, buf: &'b mut [u8]) -> Option<&'b str> {
    let mut len = 0;
    for c in Unescape::new(raw) {
        let c = c.ok()?;
        let dst = buf.get_mut(len..len + c.len_utf8())?;
        c.encode_utf8(dst);
        len += c.len_utf8();
    }
    core::str::from_utf8(buf.get(..len)?).ok()
}

#[cfg(test)]
#[allow(clippy::disallowed_types)]
#[path = "tests/scan.rs"]
mod tests;

//! Reading what the charge point sent, by hand: the members of a JSON
//! object and the elements of an array, as raw byte slices. Written here
//! rather than taken from `ocpp-model`, so that the central system checks
//! the engine's frames with code that shares nothing with its codec.
//!
//! Good for the compact JSON a charge point sends (no keys repeated); it
//! never panics on any input, and anything it cannot read is `None`.

/// The value of member `key` of the object `obj`: a string's content
/// (escapes left as they are), a number or literal, or the whole nested
/// object or array.
pub fn field<'a>(obj: &'a [u8], key: &str) -> Option<&'a [u8]> {
    let mut i = skip_ws(obj, 0);
    if obj.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(obj, i);
        if obj.get(i) != Some(&b'"') {
            return None; // `}` or garbage: not found
        }
        let end = string_end(obj, i)?;
        let name = obj.get(i + 1..end)?;
        i = skip_ws(obj, end + 1);
        if obj.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(obj, i + 1);
        let value_end = value_end(obj, i)?;
        if name == key.as_bytes() {
            let value = obj.get(i..value_end)?;
            return Some(match value {
                [b'"', inner @ .., b'"'] => inner,
                other => other,
            });
        }
        i = skip_ws(obj, value_end);
        match obj.get(i) {
            Some(b',') => i += 1,
            _ => return None,
        }
    }
}

/// The elements of the array `arr`, one slice each.
pub fn elements(arr: &[u8]) -> Elements<'_> {
    let start = skip_ws(arr, 0);
    let ok = arr.get(start) == Some(&b'[');
    Elements {
        arr,
        at: if ok { start + 1 } else { arr.len() },
    }
}

pub struct Elements<'a> {
    arr: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let i = skip_ws(self.arr, self.at);
        if matches!(self.arr.get(i), None | Some(b']')) {
            self.at = self.arr.len();
            return None;
        }
        let Some(end) = value_end(self.arr, i) else {
            self.at = self.arr.len();
            return None;
        };
        let j = skip_ws(self.arr, end);
        self.at = if self.arr.get(j) == Some(&b',') {
            j + 1
        } else {
            j
        };
        self.arr.get(i..end)
    }
}

/// A decimal integer (`-12`, `42`); `None` for anything else, fractions
/// included.
pub fn int(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        rest => (false, rest),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some(if negative { -n } else { n })
}

/// A decimal integer that fits an `i32`.
pub fn int32(bytes: &[u8]) -> Option<i32> {
    int(bytes).and_then(|n| i32::try_from(n).ok())
}

/// The one of `known` that `bytes` spells.
pub fn one_of(bytes: &[u8], known: &[&'static str]) -> Option<&'static str> {
    known.iter().copied().find(|k| k.as_bytes() == bytes)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// The index of the `"` closing the string that opens at `start`.
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
}

/// One past the end of the value that starts at `start`.
fn value_end(b: &[u8], start: usize) -> Option<usize> {
    match b.get(start)? {
        b'"' => string_end(b, start).map(|e| e + 1),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                match b.get(i)? {
                    b'"' => i = string_end(b, i)?,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = start;
            while b
                .get(i)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
            {
                i += 1;
            }
            (i > start).then_some(i)
        }
    }
}

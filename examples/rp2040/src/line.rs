//! One OCPP-J frame per line: splits a byte stream (a UART) into lines in a
//! fixed buffer.
//!
//! A line longer than the buffer is dropped whole, and counted; the next one
//! is read as usual. Nothing here can panic or allocate. The QEMU example
//! compiles this same file and tests it on the target.

/// Splits bytes into lines of at most `N` bytes (not counting `\r\n`).
#[derive(Debug)]
pub struct LineBuffer<const N: usize> {
    buf: [u8; N],
    len: usize,
    /// The line being read has outgrown the buffer: skip to its end.
    overflowing: bool,
    dropped: u32,
}

impl<const N: usize> Default for LineBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> LineBuffer<N> {
    /// An empty buffer.
    pub const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
            overflowing: false,
            dropped: 0,
        }
    }

    /// Feeds one byte. At the `\n` ending a line that fit, returns that line
    /// without its `\n` (or `\r\n`). Empty lines are skipped.
    pub fn push(&mut self, byte: u8) -> Option<&[u8]> {
        if byte != b'\n' {
            if self.overflowing {
                return None;
            }
            match self.buf.get_mut(self.len) {
                Some(slot) => {
                    *slot = byte;
                    self.len += 1;
                }
                None => {
                    self.overflowing = true;
                    self.dropped = self.dropped.wrapping_add(1);
                }
            }
            return None;
        }
        let len = core::mem::take(&mut self.len);
        if core::mem::take(&mut self.overflowing) {
            return None;
        }
        let line = self.buf.get(..len)?;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        (!line.is_empty()).then_some(line)
    }

    /// Drops the line being read, up to its `\n`, and counts it: a receive
    /// error (overrun, framing) lost some of its bytes.
    pub fn discard(&mut self) {
        if !self.overflowing {
            self.dropped = self.dropped.wrapping_add(1);
        }
        self.len = 0;
        self.overflowing = true;
    }

    /// Lines dropped so far: too long, or broken by a receive error.
    pub fn dropped(&self) -> u32 {
        self.dropped
    }
}

//! The UART side of the engine: received bytes to lines, frames to bytes,
//! without ever blocking the main loop (except [`Tx::flush_blocking`]).
//!
//! Generic over embedded-hal-nb's serial traits, so any UART (or a fake one)
//! fits.

use allocator_api2::alloc::Allocator;
use embedded_hal_nb::serial::{Read, Write};
use ocpp_engine::{ChargePoint, Instant};

use crate::line::LineBuffer;

/// Reads what the UART has received and hands each complete line to
/// `on_line`. A receive error (overrun, framing, parity, break) drops the
/// line it hit.
pub fn receive<R: Read<u8>, const N: usize>(
    uart: &mut R,
    lines: &mut LineBuffer<N>,
    mut on_line: impl FnMut(&[u8]),
) {
    loop {
        match uart.read() {
            Ok(byte) => {
                if let Some(line) = lines.push(byte) {
                    on_line(line);
                }
            }
            Err(nb::Error::WouldBlock) => return,
            Err(nb::Error::Other(_)) => lines.discard(),
        }
    }
}

/// The frame being sent, and how much of it the UART has taken.
#[derive(Debug)]
pub struct Tx<const N: usize> {
    buf: [u8; N],
    sent: usize,
    len: usize,
    /// Frames the engine could not encode into `N - 1` bytes.
    pub encode_errors: u32,
}

impl<const N: usize> Tx<N> {
    pub const fn new() -> Self {
        Self {
            buf: [0; N],
            sent: 0,
            len: 0,
            encode_errors: 0,
        }
    }

    /// Feeds the UART until its FIFO is full; between frames, takes the
    /// engine's next one. Returns `true` once there is nothing left to send.
    pub fn service<W, A>(&mut self, uart: &mut W, cp: &mut ChargePoint<A>, now: Instant) -> bool
    where
        W: Write<u8>,
        A: Allocator + Clone,
    {
        loop {
            if self.sent == self.len && !self.next_frame(cp, now) {
                return true;
            }
            let Some(&byte) = self.buf.get(self.sent) else {
                self.len = 0; // unreachable: `sent < len <= N`
                self.sent = 0;
                continue;
            };
            match uart.write(byte) {
                Ok(()) => self.sent += 1,
                Err(_) => return false, // FIFO full (the RP2040's writer cannot fail otherwise)
            }
        }
    }

    /// Whether the last frame has gone out entirely.
    pub fn is_idle(&self) -> bool {
        self.sent == self.len
    }

    /// Queues a line of the firmware's own (a control line), when idle.
    /// Returns `false`, changing nothing, when busy or when it does not fit.
    pub fn load_line(
        &mut self,
        write: impl FnOnce(&mut LineWriter<'_>) -> core::fmt::Result,
    ) -> bool {
        if !self.is_idle() {
            return false;
        }
        let mut w = LineWriter {
            buf: &mut self.buf[..N.saturating_sub(1)],
            len: 0,
        };
        if write(&mut w).is_err() {
            return false;
        }
        let n = w.len;
        self.buf[n] = b'\n';
        self.sent = 0;
        self.len = n + 1;
        true
    }

    /// Sends everything the engine has queued, waiting for the UART.
    pub fn flush_blocking<W, A>(&mut self, uart: &mut W, cp: &mut ChargePoint<A>, now: Instant)
    where
        W: Write<u8>,
        A: Allocator + Clone,
    {
        while !self.service(uart, cp, now) {}
    }

    fn next_frame<A: Allocator + Clone>(&mut self, cp: &mut ChargePoint<A>, now: Instant) -> bool {
        self.sent = 0;
        self.len = 0;
        let room = N.saturating_sub(1); // keep a byte for the newline
        loop {
            match cp.poll_transmit(now, &mut self.buf[..room]) {
                Ok(Some(n)) if n < N => {
                    self.buf[n] = b'\n';
                    self.len = n + 1;
                    return true;
                }
                Ok(Some(_)) => self.encode_errors = self.encode_errors.wrapping_add(1),
                Ok(None) => return false,
                // Try again next turn of the main loop.
                Err(_) => {
                    self.encode_errors = self.encode_errors.wrapping_add(1);
                    return false;
                }
            }
        }
    }
}

/// `core::fmt::Write` into a fixed buffer; `Err` when it is full.
pub struct LineWriter<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl core::fmt::Write for LineWriter<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

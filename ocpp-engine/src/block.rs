//! What every functional block offers the router (DESIGN.md, "How the engine
//! grows"). A block is a module with private state and, of the following,
//! what applies to it:
//!
//! - `ACTIONS` and `handle_call(cx, action, payload) -> Reply`: the central
//!   system's CALLs it owns, each in two steps, a fallible `prepare` that
//!   decodes and allocates and returns a `#[must_use]` prepared value, and an
//!   infallible `commit`;
//! - `poll_call(cx, out) -> Result<Option<Token>, EncodeError>`: the next CALL
//!   it wants to send, encoded through [`Outgoing`], and a small `Copy` token
//!   naming it;
//! - `on_result(cx, token, payload)` and `on_failure(cx, token, why)` when
//!   that CALL is answered or fails;
//! - `poll_at()`: its next deadline;
//! - `poll_event()`: events for the firmware.
//!
//! A block never writes another block's fields: the router
//! ([`ChargePoint`](crate::ChargePoint)) passes what one block reports to
//! another through methods.

use ocpp_model::{
    decode_with, encode_call, Allocator, DateTime, Decode, DecodeError, EncodeError, ErrorCode,
    MessageId, Request,
};
use serde::Serialize;

use crate::time::{Duration, Instant};

/// Run-time settings from the [`Config`](crate::Config), fixed at build.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    pub(crate) call_timeout: Duration,
    pub(crate) retry_interval: Duration,
    pub(crate) status_attempts: u8,
    pub(crate) limits: ocpp_model::Limits,
}

/// What a block may read of the world while it handles an input.
pub(crate) struct Cx<'a, A> {
    /// The integrator's monotonic time.
    pub(crate) now: Instant,
    /// The pool everything is allocated in.
    pub(crate) alloc: &'a A,
    /// The central system's wall-clock time at `now`, once known.
    pub(crate) wall: Option<DateTime>,
    pub(crate) settings: &'a Settings,
    /// The values of the configuration keys.
    pub(crate) config: &'a crate::configuration::Values,
    /// Whether the connection is up (offline rules apply when not).
    pub(crate) online: bool,
}

/// Where a block writes the CALL it wants to send.
pub(crate) struct Outgoing<'b> {
    buf: &'b mut [u8],
    id: &'b MessageId,
    len: Option<usize>,
}

impl<'b> Outgoing<'b> {
    pub(crate) fn new(buf: &'b mut [u8], id: &'b MessageId) -> Self {
        Self { buf, id, len: None }
    }

    /// Encodes `request` as the CALL. A block changes its state only once
    /// this returned `Ok`: on `BufferFull` the CALL stays where it was.
    pub(crate) fn send<R: Request + Serialize>(&mut self, request: &R) -> Result<(), EncodeError> {
        let n = encode_call(self.buf, self.id, R::ACTION, request)?;
        self.len = Some(n);
        Ok(())
    }

    /// Encodes a CALL the block writes itself (a raw payload).
    pub(crate) fn send_raw(
        &mut self,
        encode: impl FnOnce(&mut [u8], &MessageId) -> Result<usize, EncodeError>,
    ) -> Result<(), EncodeError> {
        let n = encode(self.buf, self.id)?;
        self.len = Some(n);
        Ok(())
    }

    /// The length of the frame written, if a block sent one.
    pub(crate) fn len(&self) -> Option<usize> {
        self.len
    }
}

/// Why an answer to our CALL was not applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnswerError {
    /// Decoding it needed memory the pool refused: nothing changed, the CALL
    /// is still outstanding.
    OutOfMemory,
    /// It does not decode as the CALL's response: the CALL failed.
    Bad(ErrorCode),
}

impl From<DecodeError> for AnswerError {
    fn from(e: DecodeError) -> Self {
        if e.is_out_of_memory() {
            AnswerError::OutOfMemory
        } else {
            AnswerError::Bad(e.code)
        }
    }
}

/// Decodes the answer to a CALL as its response type `T`.
pub(crate) fn answer<T: Decode<A>, A: Allocator + Clone>(
    cx: &Cx<'_, A>,
    payload: &[u8],
) -> Result<T, AnswerError> {
    decode_with::<T, A>(payload, cx.alloc.clone(), &cx.settings.limits).map_err(AnswerError::from)
}

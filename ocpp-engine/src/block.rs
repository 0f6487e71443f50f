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
    decode_with, encode_call, Allocator, DateTime, Decode, DecodeError, Encode, EncodeError,
    ErrorCode, MessageId, Request,
};

use crate::time::{Duration, Instant};

/// Run-time settings from the [`Config`](crate::Config), fixed at build.
/// Packed (the frame limits in 7 bytes, not 24): an idle charge point's
/// memory counts every byte of its state.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    pub(crate) call_timeout: Duration,
    pub(crate) retry_interval: Duration,
    pub(crate) status_attempts: u8,
    /// [`Config::max_stop_aligned_samples`](crate::Config::max_stop_aligned_samples).
    pub(crate) max_stop_aligned: u8,
    /// [`Config::max_readings`](crate::Config::max_readings).
    pub(crate) max_readings: u8,
    /// [`Config::limits`](crate::Config::limits), as [`Settings::limits`] gives it back.
    max_frame_len: u32,
    max_depth: u8,
    max_items: u16,
}

impl Settings {
    pub(crate) fn new(config: &crate::Config<'_>) -> Self {
        let limits = &config.limits;
        Self {
            call_timeout: config.call_timeout,
            retry_interval: config.retry_interval,
            status_attempts: config.status_attempts,
            max_stop_aligned: config.max_stop_aligned_samples,
            max_readings: config.max_readings,
            // A frame of 4 GiB and a depth of 255 are beyond any limit
            // that means something (the scanner stops at 64 levels).
            max_frame_len: u32::try_from(limits.max_frame_len).unwrap_or(u32::MAX),
            max_depth: u8::try_from(limits.max_depth).unwrap_or(u8::MAX),
            max_items: limits.max_items,
        }
    }

    /// The frame limits of every received frame and decoded payload.
    pub(crate) fn limits(&self) -> ocpp_model::Limits {
        let mut limits = ocpp_model::Limits::DEFAULT.with_max_items(self.max_items);
        limits.max_frame_len = self.max_frame_len as usize;
        limits.max_depth = usize::from(self.max_depth);
        limits
    }
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
    pub(crate) fn send<R: Request + Encode>(&mut self, request: &R) -> Result<(), EncodeError> {
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

/// For an answer a block takes without decoding it: `Bad` unless the
/// payload is what `Frame::parse` accepts (UTF-8 JSON within the depth the
/// frame's array leaves; that it is an object, starting with `{`, both
/// frame paths check), since its check may have been deferred to the block
/// ([`ocpp_model::Frame::parse_deferred`]).
pub(crate) fn well_formed<A: Allocator + Clone>(
    cx: &Cx<'_, A>,
    payload: &[u8],
) -> Result<(), AnswerError> {
    let depth = cx.settings.limits().max_depth.saturating_sub(1);
    let json =
        core::str::from_utf8(payload).is_ok() && ocpp_model::scan::scan(payload, depth).is_ok();
    if json {
        Ok(())
    } else {
        Err(AnswerError::Bad(ErrorCode::FormationViolation))
    }
}

/// Decodes the answer to a CALL as its response type `T`.
pub(crate) fn answer<T: Decode<A>, A: Allocator + Clone>(
    cx: &Cx<'_, A>,
    payload: &[u8],
) -> Result<T, AnswerError> {
    decode_with::<T, A>(payload, cx.alloc.clone(), &cx.settings.limits()).map_err(AnswerError::from)
}

//! Errors of the engine's operations: small, `Copy`, one enum per kind of call.

use core::fmt;

use ocpp_model::FrameErrorKind;

/// Why [`ChargePoint::new`](crate::ChargePoint::new) failed. Nothing was allocated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewError {
    /// The pool refused an allocation.
    OutOfMemory,
    /// A configuration value is out of range; the reason names it.
    InvalidConfig(&'static str),
}

/// Why a hardware input or firmware request was refused. The state is as it
/// was before the call, and the call can be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputError {
    /// The pool refused an allocation.
    OutOfMemory,
    /// No connector with this id.
    NoSuchConnector,
    /// The status is not allowed here (connector 0 is only Available, Unavailable or Faulted).
    InvalidStatus,
    /// The idTag is not a CiString20 (empty, too long, or not printable ASCII).
    InvalidIdTag,
    /// The bounded queue for this request is full; retry after it drained.
    QueueFull,
}

/// What became of a received frame that the engine could not take in.
///
/// Frames that *were* taken in, including malformed CALLs that are answered
/// with a CALLERROR, give `Ok(())`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandleError {
    /// The frame was dropped without an answer: not a frame we can answer
    /// (not JSON, no readable id, unknown message type...), per OCPP-J.
    Ignored(FrameErrorKind),
    /// A CALLRESULT or CALLERROR that answers no CALL of ours (late, or unknown id).
    Unsolicited,
    /// A CALLRESULT to our CALL could not be decoded because the pool refused
    /// an allocation. Nothing changed and the CALL is still outstanding: hand
    /// the same frame in again once memory is back (the central system will
    /// not send it twice). If that does not happen before the call timeout,
    /// the CALL fails as timed out (an Authorize with `AuthorizeFailed`).
    OutOfMemory,
    /// The answer queue is full: transmit first (`poll_transmit`), then hand
    /// the same frame in again. Nothing changed.
    Busy,
}

macro_rules! display_debug {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self, f)
            }
        }
        impl core::error::Error for $t {}
    )*};
}
display_debug!(NewError, InputError, HandleError);

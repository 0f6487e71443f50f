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
    /// The connector is waiting for a verdict on an idTag, or finishing a
    /// transaction: try again once that is over.
    Busy,
    /// No transaction runs on this connector.
    NoTransaction,
    /// The meter already reports
    /// [`Config::max_readings`](crate::Config::max_readings) other
    /// readings (measurands, per phase and location).
    TooManyMeasurands,
    /// The connector is Inoperative or faulted: no transaction may begin.
    Unavailable,
    /// No CALL waits for the firmware's answer.
    NoCall,
    /// No configuration key of this name.
    UnknownKey,
    /// The configuration key is read-only.
    ReadOnly,
    /// The value does not fit: a configuration key's (type, range, check),
    /// or what the firmware gave for a CALL (an action or vendor name that
    /// is not plain ASCII, an action that is the core's or the central
    /// system's, a payload that is not a JSON object, a DataTransfer
    /// request or answer its schema refuses).
    InvalidValue,
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
    /// A CALL of the central system while it has our registration
    /// Rejected: not answered (OCPP 1.6 §4.2). Nothing changed.
    NotRegistered,
    /// The answer queue is full: transmit first (`poll_transmit`), then hand
    /// the same frame in again. Nothing changed.
    Busy,
}

impl fmt::Display for NewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NewError::OutOfMemory => f.write_str("the pool cannot hold the charge point"),
            NewError::InvalidConfig(why) => write!(f, "invalid configuration: {why}"),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputError::OutOfMemory => "the pool refused the memory this needs",
            InputError::NoSuchConnector => "no connector with this id",
            InputError::InvalidStatus => "this status is not allowed here",
            InputError::InvalidIdTag => "the idTag is not 1 to 20 printable ASCII characters",
            InputError::QueueFull => "the queue for this request is full",
            InputError::Busy => "the connector is busy with an earlier request",
            InputError::NoTransaction => "no transaction runs on this connector",
            InputError::TooManyMeasurands => "the meter reports too many measurands",
            InputError::Unavailable => "the connector is unavailable",
            InputError::NoCall => "no CALL waits for an answer",
            InputError::UnknownKey => "no configuration key of this name",
            InputError::ReadOnly => "the configuration key is read-only",
            InputError::InvalidValue => {
                "the value does not fit the configuration key, or the CALL it is for"
            }
        })
    }
}

impl fmt::Display for HandleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandleError::Ignored(kind) => write!(f, "frame ignored: {kind}"),
            HandleError::Unsolicited => f.write_str("an answer to no CALL of ours"),
            HandleError::OutOfMemory => {
                f.write_str("the pool refused the memory to decode the answer; hand it in again")
            }
            HandleError::NotRegistered => f.write_str(
                "registration was rejected: the central system's CALLs are not answered",
            ),
            HandleError::Busy => f.write_str("answers are waiting: transmit first, then retry"),
        }
    }
}

impl core::error::Error for NewError {}
impl core::error::Error for InputError {}
impl core::error::Error for HandleError {}

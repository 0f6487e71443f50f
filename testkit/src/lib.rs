#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(any(test, feature = "std"))]
extern crate std;

use core::fmt;

use ocpp_engine::ocpp_model::EncodeError;
use ocpp_engine::{HandleError, InputError, Instant, NewError};

pub mod answers;
pub mod csms;
mod pair;

pub use answers::{
    usual, wall_clock, Answer, Payload, Usual, HEARTBEAT_INTERVAL_SECS, START, TRANSACTION_ID,
    USUAL, WALL_AT_START,
};
pub use csms::{CentralSystem, Heard};
pub use pair::{EngineCall, Observer, Pair, FRAME_BUF, MAX_EXCHANGE_FRAMES};

/// The CALLs of the charge point's own, by action: the ones
/// `ocpp_engine::max_call_len` bounds (the firmware's own CALLs are as
/// long as the firmware makes them).
pub const CORE_CALLS: [&str; 7] = [
    "Authorize",
    "BootNotification",
    "Heartbeat",
    "MeterValues",
    "StartTransaction",
    "StatusNotification",
    "StopTransaction",
];

/// Why a scripted exchange did not go as the script says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// `ChargePoint::new` refused.
    New(NewError),
    /// A hardware input or firmware request was refused.
    Input(InputError),
    /// The charge point did not take in a frame.
    Handle(HandleError),
    /// The charge point could not encode a frame.
    Encode(EncodeError),
    /// The exchange left the script (a frame the central system cannot
    /// read, a transactionId it did not give, an observer's check).
    Script(&'static str),
    /// The test's setup is impossible (too many overridden answers, ...).
    Setup(&'static str),
    /// After a wake the charge point's next deadline is not after now: an
    /// integrator's loop would spin on it.
    Spin {
        /// What `poll_timeout` returned.
        deadline: Instant,
        /// The virtual clock.
        now: Instant,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Script(what) => write!(f, "off script: {what}"),
            Error::Setup(what) => write!(f, "setup: {what}"),
            Error::Spin { deadline, now } => write!(
                f,
                "poll_timeout {} ms is not after now {} ms: the loop would spin",
                deadline.as_millis(),
                now.as_millis()
            ),
            other => write!(f, "{other:?}"),
        }
    }
}

impl core::error::Error for Error {}

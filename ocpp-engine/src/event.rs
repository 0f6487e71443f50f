//! What the firmware must know or do, handed out by
//! [`ChargePoint::poll_event`](crate::ChargePoint::poll_event).

use ocpp_model::{Allocator, ErrorCode, IdTagInfo, IdToken, RegistrationStatus};
use serde::Serialize;

/// An event for the firmware. Strings in it live in the engine's pool and
/// are freed when the event is dropped.
#[derive(Debug)]
pub enum Event<A: Allocator> {
    /// The central system answered BootNotification. Until `Accepted`, the
    /// charge point sends nothing but BootNotification.
    Registered(RegistrationStatus),
    /// The central system answered an Authorize the firmware asked for.
    Authorized {
        /// The idTag that was presented.
        id_tag: IdToken<A>,
        /// The central system's verdict.
        info: IdTagInfo<A>,
    },
    /// An Authorize got no usable answer; the firmware decides what to do
    /// (local list, offline policy, ask again).
    AuthorizeFailed {
        /// The idTag that was presented.
        id_tag: IdToken<A>,
        /// Why there is no answer.
        reason: CallFailure,
    },
}

impl<A: Allocator> PartialEq for Event<A>
where
    IdTagInfo<A>: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Event::Registered(a), Event::Registered(b)) => a == b,
            (
                Event::Authorized {
                    id_tag: t1,
                    info: i1,
                },
                Event::Authorized {
                    id_tag: t2,
                    info: i2,
                },
            ) => t1 == t2 && i1 == i2,
            (
                Event::AuthorizeFailed {
                    id_tag: t1,
                    reason: r1,
                },
                Event::AuthorizeFailed {
                    id_tag: t2,
                    reason: r2,
                },
            ) => t1 == t2 && r1 == r2,
            _ => false,
        }
    }
}

/// Why a CALL of ours got no usable answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CallFailure {
    /// No answer within the configured call timeout.
    Timeout,
    /// The central system answered with a CALLERROR of this code.
    CallError(#[serde(serialize_with = "crate::snapshot::error_code")] ErrorCode),
    /// The central system's CALLRESULT did not decode; our verdict on it.
    BadAnswer(#[serde(serialize_with = "crate::snapshot::error_code")] ErrorCode),
    /// The connection went down first.
    Offline,
}

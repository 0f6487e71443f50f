//! Registration with the central system (OCPP 1.6 §4.2): BootNotification
//! first after every connection, nothing else until it is Accepted, retried
//! after the `interval` of Pending and Rejected.

use ocpp_model::{BootNotificationResponse, RegistrationStatus};
use serde::Serialize;

use crate::time::{Duration, Instant};

/// Where registration stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BootState {
    /// Not connected, or connected and BootNotification not sent yet.
    Due,
    /// BootNotification was sent and is waiting for its answer.
    Sent,
    /// Pending, Rejected or failed: send BootNotification again at this instant.
    RetryAt(Instant),
    /// Accepted: the other messages may flow.
    Accepted,
}

#[derive(Debug, Serialize)]
pub(crate) struct Boot {
    pub(crate) state: BootState,
    /// An answer not yet reported to the firmware as an event.
    pub(crate) unreported: Option<RegistrationStatus>,
}

impl Boot {
    pub(crate) const fn new() -> Self {
        Self {
            state: BootState::Due,
            unreported: None,
        }
    }

    pub(crate) fn is_accepted(&self) -> bool {
        self.state == BootState::Accepted
    }

    /// Whether BootNotification is to be sent now.
    pub(crate) fn is_due(&self, now: Instant) -> bool {
        match self.state {
            BootState::Due => true,
            BootState::RetryAt(at) => at <= now,
            BootState::Sent | BootState::Accepted => false,
        }
    }

    pub(crate) fn deadline(&self) -> Option<Instant> {
        match self.state {
            BootState::RetryAt(at) => Some(at),
            _ => None,
        }
    }

    /// Applies an answer; `fallback` is the retry when the answer's interval is not positive.
    pub(crate) fn answered(
        &mut self,
        now: Instant,
        answer: &BootNotificationResponse,
        fallback: Duration,
    ) {
        self.state = match answer.status {
            RegistrationStatus::Accepted => BootState::Accepted,
            RegistrationStatus::Pending | RegistrationStatus::Rejected => {
                BootState::RetryAt(now + positive_secs(answer.interval).unwrap_or(fallback))
            }
        };
        self.unreported = Some(answer.status);
    }

    /// The CALL failed (CALLERROR, bad answer, timeout): try again later.
    pub(crate) fn failed(&mut self, now: Instant, retry: Duration) {
        self.state = BootState::RetryAt(now + retry);
    }
}

/// `interval` seconds as a duration, if positive.
pub(crate) fn positive_secs(interval: i32) -> Option<Duration> {
    u64::try_from(interval)
        .ok()
        .filter(|&s| s > 0)
        .map(Duration::from_secs)
}

//! Heartbeat at the interval the central system set, and the wall clock it
//! keeps: the central system's `currentTime` as an offset from our monotonic
//! clock (OCPP 1.6 §4.6).

use ocpp_model::DateTime;
use serde::Serialize;

use crate::time::{Duration, Instant};

#[derive(Debug, Serialize)]
pub(crate) struct Heartbeat {
    /// From BootNotification's `interval`; zero disables heartbeats.
    pub(crate) interval: Duration,
    /// When the next Heartbeat is due (set once registered).
    pub(crate) due: Option<Instant>,
}

impl Heartbeat {
    pub(crate) const fn new() -> Self {
        Self {
            interval: Duration::ZERO,
            due: None,
        }
    }

    /// (Re)starts the period from `now`.
    pub(crate) fn start(&mut self, now: Instant, interval: Duration) {
        self.interval = interval;
        self.due = (!interval.is_zero()).then(|| now + interval);
    }

    pub(crate) fn is_due(&self, now: Instant) -> bool {
        self.due.is_some_and(|due| due <= now)
    }

    /// A Heartbeat went out: the next one is an interval later.
    pub(crate) fn sent(&mut self, now: Instant) {
        self.start(now, self.interval);
    }

    pub(crate) fn stop(&mut self) {
        self.due = None;
    }
}

/// Wall-clock time as the central system tells it.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Clock {
    /// Unix milliseconds minus our monotonic milliseconds, once known.
    offset: Option<i64>,
}

impl Clock {
    pub(crate) fn set(&mut self, now: Instant, wall: DateTime) {
        let mono = i64::try_from(now.as_millis()).unwrap_or(i64::MAX);
        self.offset = Some(wall.unix_millis().saturating_sub(mono));
    }

    pub(crate) fn at(&self, now: Instant) -> Option<DateTime> {
        let mono = i64::try_from(now.as_millis()).unwrap_or(i64::MAX);
        self.offset
            .map(|off| DateTime::from_unix_millis(mono.saturating_add(off)))
    }
}

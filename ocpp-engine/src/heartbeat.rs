//! Heartbeat at the interval the central system set (OCPP 1.6 §4.6), and
//! the wall clock it keeps: the central system's `currentTime` as an offset
//! from our monotonic clock.

use ocpp_model::{Allocator, DateTime, EncodeError, HeartbeatRequest, HeartbeatResponse};
use serde::Serialize;

use crate::block::{answer, AnswerError, Cx, Outgoing};
use crate::time::{Duration, Instant};

/// The one CALL this block sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Token;

#[derive(Debug, Serialize)]
pub(crate) struct Heartbeat {
    /// From BootNotification's `interval`; zero disables heartbeats.
    interval: Duration,
    /// When the next Heartbeat is due (set once registered).
    due: Option<Instant>,
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

    pub(crate) fn stop(&mut self) {
        self.due = None;
    }

    /// TriggerMessage(Heartbeat): send one now.
    pub(crate) fn trigger(&mut self, now: Instant) {
        self.due = Some(now);
    }

    pub(crate) fn poll_call(
        &mut self,
        now: Instant,
        out: &mut Outgoing<'_>,
    ) -> Result<Option<Token>, EncodeError> {
        if self.due.is_none_or(|due| due > now) {
            return Ok(None);
        }
        out.send(&HeartbeatRequest {})?;
        // The next one is an interval after this one went out.
        self.start(now, self.interval);
        Ok(Some(Token))
    }

    pub(crate) fn poll_at(&self) -> Option<Instant> {
        self.due
    }

    /// The central system's wall clock, to adopt.
    pub(crate) fn on_result<A: Allocator + Clone>(
        &mut self,
        cx: &Cx<'_, A>,
        _token: Token,
        payload: &[u8],
    ) -> Result<DateTime, AnswerError> {
        let r: HeartbeatResponse = answer(cx, payload)?;
        Ok(r.current_time)
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

//! Connector states and their StatusNotifications (OCPP 1.6 §4.9). A status
//! change needs no allocation: each connector remembers its current status
//! and which version of it the central system has confirmed.

use allocator_api2::vec::Vec;
use ocpp_model::{
    Allocator, ChargePointErrorCode, ChargePointStatus, DateTime, EncodeError,
    StatusNotificationRequest, StatusNotificationResponse,
};
use serde::Serialize;

use crate::block::{answer, AnswerError, Cx, Outgoing};
use crate::error::{InputError, NewError};
use crate::event::CallFailure;
use crate::storage::{Dropped, Reader, Seq};
use crate::time::{Duration, Instant};

/// When a change of status happened: the wall-clock time it carries, and
/// (MinimumStatusDuration) the instant before which it is not reported, so
/// that a status that does not last is never sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) since: Option<DateTime>,
    pub(crate) hold: Option<Instant>,
}

impl Stamp {
    /// A change happening now, as the blocks see it.
    pub(crate) fn at<A>(cx: &Cx<'_, A>) -> Stamp {
        let min = cx.config.minimum_status_duration;
        Stamp {
            since: cx.wall,
            hold: (!min.is_zero()).then(|| cx.now + min),
        }
    }
}

/// A StatusNotification: the connector and the version of its status sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Token {
    connector: u8,
    version: u16,
}

/// The connectors, index 0 being the charge point as a whole, and the
/// StatusNotifications that report them.
#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct Connectors<A: Allocator> {
    #[serde(serialize_with = "crate::snapshot::slice")]
    list: Vec<Connector, A>,
}

impl<A: Allocator> Connectors<A> {
    /// Connector 0 and `count` connectors, all Available, none reported yet.
    pub(crate) fn new(count: u8, alloc: A) -> Result<Self, NewError> {
        let count = usize::from(count) + 1;
        let mut list = Vec::new_in(alloc);
        list.try_reserve_exact(count)
            .map_err(|_| NewError::OutOfMemory)?;
        for _ in 0..count {
            // Within the capacity reserved above.
            let pushed = list.push_within_capacity(Connector::new());
            debug_assert!(pushed.is_ok());
        }
        Ok(Self { list })
    }

    /// Number of connectors, not counting connector 0.
    pub(crate) fn count(&self) -> u8 {
        // new() takes a u8 count, plus connector 0.
        u8::try_from(self.list.len() - 1).unwrap_or(u8::MAX)
    }

    pub(crate) fn status(
        &self,
        connector: u8,
    ) -> Option<(ChargePointStatus, ChargePointErrorCode)> {
        self.list
            .get(usize::from(connector))
            .map(|c| (c.status, c.error_code))
    }

    /// The status the connector's session puts it in (Available,
    /// Preparing, Charging, ...); faults and unavailability lie over it.
    pub(crate) fn set_base(&mut self, connector: u8, status: ChargePointStatus, stamp: Stamp) {
        if let Some(c) = self.list.get_mut(usize::from(connector)) {
            c.base = status;
            c.apply(stamp);
        }
    }

    /// Whether `connector` is Operative (ChangeAvailability), a scheduled
    /// change aside.
    pub(crate) fn is_operative(&self, connector: u8) -> bool {
        self.list
            .get(usize::from(connector))
            .is_some_and(|c| c.operative && c.fault.is_none())
    }

    /// ChangeAvailability: Operative or not, now or (`later`) once the
    /// transaction on the connector ended.
    pub(crate) fn set_operative(
        &mut self,
        connector: u8,
        operative: bool,
        later: bool,
        stamp: Stamp,
    ) {
        if let Some(c) = self.list.get_mut(usize::from(connector)) {
            if later {
                c.scheduled = Some(operative);
            } else {
                c.scheduled = None;
                c.operative = operative;
                c.apply(stamp);
            }
        }
    }

    /// A scheduled availability change applies once `connector` has no
    /// transaction.
    pub(crate) fn apply_scheduled(&mut self, connector: u8, stamp: Stamp) {
        if let Some(c) = self.list.get_mut(usize::from(connector)) {
            if let Some(operative) = c.scheduled.take() {
                c.operative = operative;
                c.apply(stamp);
            }
        }
    }

    /// Hardware input: `connector` (0: the charge point) is in fault with
    /// `code`, or (`None`) no longer.
    pub(crate) fn set_fault(
        &mut self,
        connector: u8,
        fault: Option<ChargePointErrorCode>,
        stamp: Stamp,
    ) -> Result<(), InputError> {
        let c = self
            .list
            .get_mut(usize::from(connector))
            .ok_or(InputError::NoSuchConnector)?;
        if fault == Some(ChargePointErrorCode::NoError) {
            return Err(InputError::InvalidStatus);
        }
        c.fault = fault;
        c.apply(stamp);
        Ok(())
    }

    /// Every status is to be reported again (a new registration).
    pub(crate) fn touch_all(&mut self) {
        self.list.iter_mut().for_each(Connector::touch);
    }

    /// TriggerMessage(StatusNotification) for one connector or all; false
    /// when there is no such connector.
    pub(crate) fn trigger(&mut self, connector: Option<i32>) -> bool {
        let Some(id) = connector else {
            self.touch_all();
            return true;
        };
        let index = usize::try_from(id).ok();
        match index.and_then(|i| self.list.get_mut(i)) {
            // A new version: even a notification already in flight does
            // not stand for the one the trigger asked for.
            Some(c) => {
                c.touch();
                true
            }
            None => false,
        }
    }

    /// The next StatusNotification due, if any.
    pub(crate) fn poll_call(
        &mut self,
        cx: &Cx<'_, A>,
        out: &mut Outgoing<'_>,
    ) -> Result<Option<Token>, EncodeError> {
        let Some((index, c, version)) = self
            .list
            .iter()
            .enumerate()
            .find_map(|(i, c)| c.due(cx.now).map(|v| (i, c, v)))
        else {
            return Ok(None);
        };
        let connector = u8::try_from(index).unwrap_or(u8::MAX);
        let request: StatusNotificationRequest<A> = StatusNotificationRequest {
            connector_id: i32::from(connector),
            error_code: c.error_code,
            info: None,
            status: c.status,
            timestamp: c.since.or(cx.wall),
            vendor_id: None,
            vendor_error_code: None,
        };
        out.send(&request)?;
        Ok(Some(Token { connector, version }))
    }

    pub(crate) fn poll_at(&self) -> Option<Instant> {
        self.list.iter().filter_map(Connector::retry_at).min()
    }

    pub(crate) fn on_result(
        &mut self,
        cx: &Cx<'_, A>,
        token: Token,
        payload: &[u8],
    ) -> Result<(), AnswerError>
    where
        A: Clone,
    {
        let _: StatusNotificationResponse = answer(cx, payload)?;
        if let Some(c) = self.list.get_mut(usize::from(token.connector)) {
            c.confirmed(token.version);
        }
        Ok(())
    }

    pub(crate) fn on_failure(&mut self, cx: &Cx<'_, A>, token: Token, _why: CallFailure) {
        if let Some(c) = self.list.get_mut(usize::from(token.connector)) {
            let s = cx.settings;
            c.failed(token.version, cx.now, s.retry_interval, s.status_attempts);
        }
    }
}

impl<A: Allocator> Connectors<A> {
    /// The availability record: `(connector, operative, scheduled)` of each
    /// connector that is not plainly Operative; `None` when none.
    pub(crate) fn record(&self) -> Option<impl Serialize + '_> {
        let changed = || {
            self.list.iter().enumerate().filter_map(|(i, c)| {
                let plain = c.operative && c.scheduled.is_none();
                (!plain).then(|| (u8::try_from(i).unwrap_or(u8::MAX), c.operative, c.scheduled))
            })
        };
        changed().next().is_some().then_some(Seq(changed))
    }

    /// Restores the availability record. All or nothing.
    pub(crate) fn restore(&mut self, body: &[u8]) -> Result<(), Dropped> {
        let read = |apply: &mut dyn FnMut(usize, bool, Option<bool>)| {
            let mut r = Reader::new(body);
            for _ in 0..r.len()? {
                let (connector, operative, scheduled): (u8, bool, Option<bool>) = r.take()?;
                apply(usize::from(connector), operative, scheduled);
            }
            r.finish()
        };
        // Checked whole first: a record that does not read changes nothing.
        read(&mut |_, _, _| {})?;
        // A connector this build does not have (a firmware update took it
        // away) is passed over; the others keep their availability.
        read(&mut |i, operative, scheduled| {
            if let Some(c) = self.list.get_mut(i) {
                c.operative = operative;
                c.scheduled = scheduled;
                c.apply(Stamp::default());
            }
        })
    }
}

#[derive(Debug, Serialize)]
struct Connector {
    /// From the session: Available, Preparing, Charging, ...
    base: ChargePointStatus,
    /// The firmware's fault, if any: the connector is Faulted with it.
    fault: Option<ChargePointErrorCode>,
    /// ChangeAvailability: Inoperative connectors are Unavailable.
    operative: bool,
    /// A change of availability waiting for the transaction to end.
    scheduled: Option<bool>,
    /// What is reported: `base` with the fault laid over it.
    status: ChargePointStatus,
    error_code: ChargePointErrorCode,
    /// When the status was entered, if the wall clock was known then.
    since: Option<DateTime>,
    /// Bumped by everything that must be reported: a change of status, a
    /// TriggerMessage, a new registration. A change that comes and goes while
    /// a notification is in flight still gets its own report.
    version: u16,
    /// The version the central system has confirmed, and what it said.
    confirmed: u16,
    confirmed_status: Option<(ChargePointStatus, ChargePointErrorCode)>,
    /// Failed attempts at reporting the current version.
    attempts: u8,
    /// After a failed attempt, not again before this instant.
    retry_at: Option<Instant>,
}

impl Connector {
    const fn new() -> Self {
        Self {
            base: ChargePointStatus::Available,
            fault: None,
            operative: true,
            scheduled: None,
            status: ChargePointStatus::Available,
            error_code: ChargePointErrorCode::NoError,
            since: None,
            version: 1,
            confirmed: 0,
            confirmed_status: None,
            attempts: 0,
            retry_at: None,
        }
    }

    /// Recomputes the reported status from its parts.
    fn apply(&mut self, stamp: Stamp) {
        let status = match self.fault {
            Some(code) => (ChargePointStatus::Faulted, code),
            None if !self.operative => (
                ChargePointStatus::Unavailable,
                ChargePointErrorCode::NoError,
            ),
            None => (self.base, ChargePointErrorCode::NoError),
        };
        self.set(status.0, status.1, stamp);
    }

    /// Enters a status; returns whether anything changed.
    fn set(
        &mut self,
        status: ChargePointStatus,
        error_code: ChargePointErrorCode,
        stamp: Stamp,
    ) -> bool {
        if self.status == status && self.error_code == error_code {
            return false;
        }
        self.status = status;
        self.error_code = error_code;
        self.since = stamp.since;
        self.touch();
        // Held back until it has lasted MinimumStatusDuration; back to what
        // the central system knows before that: nothing to report.
        self.retry_at = stamp.hold;
        if stamp.hold.is_some() && self.confirmed_status == Some((status, error_code)) {
            self.confirmed = self.version;
            self.retry_at = None;
        }
        true
    }

    /// The current status must be (re)reported.
    fn touch(&mut self) {
        self.version = self.version.wrapping_add(1);
        self.attempts = 0;
        self.retry_at = None;
    }

    /// The version to report now, if any.
    fn due(&self, now: Instant) -> Option<u16> {
        let waiting = self.retry_at.is_some_and(|t| now < t);
        (self.version != self.confirmed && !waiting).then_some(self.version)
    }

    /// When a report held back after a failure becomes due.
    fn retry_at(&self) -> Option<Instant> {
        self.retry_at.filter(|_| self.version != self.confirmed)
    }

    /// The central system confirmed `version`.
    fn confirmed(&mut self, version: u16) {
        self.confirmed = version;
        if version == self.version {
            self.confirmed_status = Some((self.status, self.error_code));
            self.attempts = 0;
            self.retry_at = None;
        }
    }

    /// Reporting `version` failed. It is tried again after `retry`, up to
    /// `max_attempts` in all; then it is dropped, so that one notification
    /// the central system keeps refusing cannot hold up the others (a later
    /// change is reported as usual).
    fn failed(&mut self, version: u16, now: Instant, retry: Duration, max_attempts: u8) {
        if version != self.version {
            return; // a newer status is already waiting to go
        }
        self.attempts = self.attempts.saturating_add(1);
        if self.attempts >= max_attempts {
            self.confirmed = version;
            self.attempts = 0;
            self.retry_at = None;
        } else {
            self.retry_at = Some(now + retry);
        }
    }
}

//! Connector states and their StatusNotifications (OCPP 1.6 §4.9). A status
//! change needs no allocation: each connector remembers its current status
//! and which version of it the central system has confirmed.

use ocpp_model::{ChargePointErrorCode, ChargePointStatus, DateTime};
use serde::Serialize;

use crate::error::InputError;
use crate::time::{Duration, Instant};

#[derive(Debug, Serialize)]
pub(crate) struct Connector {
    pub(crate) status: ChargePointStatus,
    pub(crate) error_code: ChargePointErrorCode,
    /// When the status was entered, if the wall clock was known then.
    pub(crate) since: Option<DateTime>,
    /// Bumped by everything that must be reported: a change of status, a
    /// TriggerMessage, a new registration. A change that comes and goes while
    /// a notification is in flight still gets its own report.
    version: u16,
    /// The version the central system has confirmed.
    confirmed: u16,
    /// Failed attempts at reporting the current version.
    attempts: u8,
    /// After a failed attempt, not again before this instant.
    retry_at: Option<Instant>,
}

impl Connector {
    pub(crate) const fn new() -> Self {
        Self {
            status: ChargePointStatus::Available,
            error_code: ChargePointErrorCode::NoError,
            since: None,
            version: 1,
            confirmed: 0,
            attempts: 0,
            retry_at: None,
        }
    }

    /// Checks a status for connector `id` (0 is the charge point as a whole).
    pub(crate) fn check(id: usize, status: ChargePointStatus) -> Result<(), InputError> {
        use ChargePointStatus::*;
        match (id, status) {
            (0, Available | Unavailable | Faulted) => Ok(()),
            (0, _) => Err(InputError::InvalidStatus),
            _ => Ok(()),
        }
    }

    /// Enters a status; returns whether anything changed.
    pub(crate) fn set(
        &mut self,
        status: ChargePointStatus,
        error_code: ChargePointErrorCode,
        since: Option<DateTime>,
    ) -> bool {
        if self.status == status && self.error_code == error_code {
            return false;
        }
        self.status = status;
        self.error_code = error_code;
        self.since = since;
        self.touch();
        true
    }

    /// The current status must be (re)reported.
    pub(crate) fn touch(&mut self) {
        self.version = self.version.wrapping_add(1);
        self.attempts = 0;
        self.retry_at = None;
    }

    /// The version to report now, if any.
    pub(crate) fn due(&self, now: Instant) -> Option<u16> {
        let waiting = self.retry_at.is_some_and(|t| now < t);
        (self.version != self.confirmed && !waiting).then_some(self.version)
    }

    /// When a report held back after a failure becomes due.
    pub(crate) fn retry_at(&self) -> Option<Instant> {
        self.retry_at.filter(|_| self.version != self.confirmed)
    }

    /// The central system confirmed `version`.
    pub(crate) fn confirmed(&mut self, version: u16) {
        self.confirmed = version;
        if version == self.version {
            self.attempts = 0;
            self.retry_at = None;
        }
    }

    /// Reporting `version` failed. It is tried again after `retry`, up to
    /// `max_attempts` in all; then it is dropped, so that one notification
    /// the central system keeps refusing cannot hold up the others (a later
    /// change is reported as usual).
    pub(crate) fn failed(&mut self, version: u16, now: Instant, retry: Duration, max_attempts: u8) {
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

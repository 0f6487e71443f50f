//! Connector states and their StatusNotifications (OCPP 1.6 §4.9). A status
//! change needs no allocation: each connector remembers its current status
//! and whether the central system has been told.

use ocpp_model::{ChargePointErrorCode, ChargePointStatus, DateTime};
use serde::Serialize;

use crate::error::InputError;

#[derive(Debug, Serialize)]
pub(crate) struct Connector {
    pub(crate) status: ChargePointStatus,
    pub(crate) error_code: ChargePointErrorCode,
    /// When the status was entered, if the wall clock was known then.
    pub(crate) since: Option<DateTime>,
    /// The central system has been told the current status.
    pub(crate) reported: bool,
}

impl Connector {
    pub(crate) const fn new() -> Self {
        Self {
            status: ChargePointStatus::Available,
            error_code: ChargePointErrorCode::NoError,
            since: None,
            reported: false,
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
        self.reported = false;
        true
    }
}

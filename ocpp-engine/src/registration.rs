//! Registration with the central system (OCPP 1.6 §4.2): BootNotification
//! first after every connection, nothing else until it is Accepted, retried
//! after the `interval` of Pending and Rejected.

use ocpp_model::{
    Action, Allocator, BootNotificationResponse, CiString, DateTime, EncodeError,
    RegistrationStatus, Request,
};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use crate::block::{answer, AnswerError, Cx, Outgoing};
use crate::event::CallFailure;
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

/// The one CALL this block sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Token;

/// What an accepted registration tells the other blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Accepted {
    /// The central system's wall clock at the answer.
    pub(crate) current_time: DateTime,
    /// The heartbeat interval (zero: none).
    pub(crate) heartbeat: Duration,
}

/// What BootNotification says of this charge point: only the properties a
/// [`Config`](crate::Config) can set, so no room is kept for the others.
#[derive(Debug)]
pub(crate) struct Identity<A: Allocator> {
    pub(crate) vendor: CiString<20, A>,
    pub(crate) model: CiString<20, A>,
    pub(crate) serial_number: Option<CiString<25, A>>,
    pub(crate) firmware_version: Option<CiString<50, A>>,
}

impl<A: Allocator> Request for Identity<A> {
    const ACTION: Action = Action::BootNotification;
    type Response = BootNotificationResponse;
}

/// BootNotification.req, in the schema's order, absent options left out.
impl<A: Allocator> Serialize for Identity<A> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = 2
            + usize::from(self.serial_number.is_some())
            + usize::from(self.firmware_version.is_some());
        let mut st = s.serialize_struct("BootNotification", n)?;
        st.serialize_field("chargePointVendor", self.vendor.as_str())?;
        st.serialize_field("chargePointModel", self.model.as_str())?;
        match &self.serial_number {
            Some(v) => st.serialize_field("chargePointSerialNumber", v.as_str())?,
            None => st.skip_field("chargePointSerialNumber")?,
        }
        match &self.firmware_version {
            Some(v) => st.serialize_field("firmwareVersion", v.as_str())?,
            None => st.skip_field("firmwareVersion")?,
        }
        st.end()
    }
}

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct Registration<A: Allocator> {
    identity: Identity<A>,
    state: BootState,
    /// The last status the central system gave, for the rules that depend on
    /// it (while Rejected, its CALLs are not answered).
    last: Option<RegistrationStatus>,
    /// An answer not yet reported to the firmware as an event.
    unreported: Option<RegistrationStatus>,
}

impl<A: Allocator> Registration<A> {
    pub(crate) const fn new(identity: Identity<A>) -> Self {
        Self {
            identity,
            state: BootState::Due,
            last: None,
            unreported: None,
        }
    }

    pub(crate) fn state(&self) -> BootState {
        self.state
    }

    pub(crate) fn is_accepted(&self) -> bool {
        self.state == BootState::Accepted
    }

    /// The central system rejected us and has not accepted us since: its
    /// CALLs are not answered (OCPP 1.6 §4.2).
    pub(crate) fn is_rejected(&self) -> bool {
        self.last == Some(RegistrationStatus::Rejected) && !self.is_accepted()
    }

    /// A new connection (or the connection was lost): register again.
    pub(crate) fn restart(&mut self) {
        self.state = BootState::Due;
    }

    /// TriggerMessage(BootNotification): send it (again) unless it is out.
    pub(crate) fn trigger(&mut self) {
        if self.state != BootState::Sent {
            self.state = BootState::Due;
        }
    }

    /// BootNotification, when it is due.
    pub(crate) fn poll_call(
        &mut self,
        now: Instant,
        out: &mut Outgoing<'_>,
    ) -> Result<Option<Token>, EncodeError> {
        let due = match self.state {
            BootState::Due => true,
            BootState::RetryAt(at) => at <= now,
            BootState::Sent | BootState::Accepted => false,
        };
        if !due {
            return Ok(None);
        }
        out.send(&self.identity)?;
        self.state = BootState::Sent;
        Ok(Some(Token))
    }

    pub(crate) fn poll_at(&self) -> Option<Instant> {
        match self.state {
            BootState::RetryAt(at) => Some(at),
            _ => None,
        }
    }

    /// Applies the answer; `Some` when the charge point is now registered.
    pub(crate) fn on_result(
        &mut self,
        cx: &Cx<'_, A>,
        _token: Token,
        payload: &[u8],
    ) -> Result<Option<Accepted>, AnswerError>
    where
        A: Clone,
    {
        let r: BootNotificationResponse = answer(cx, payload)?;
        let interval = positive_secs(r.interval);
        self.last = Some(r.status);
        self.unreported = Some(r.status);
        if r.status == RegistrationStatus::Accepted {
            self.state = BootState::Accepted;
            return Ok(Some(Accepted {
                current_time: r.current_time,
                heartbeat: interval.unwrap_or(Duration::ZERO),
            }));
        }
        let retry = interval.unwrap_or(cx.settings.retry_interval);
        self.state = BootState::RetryAt(cx.now + retry);
        Ok(None)
    }

    /// The CALL failed (CALLERROR, bad answer, timeout): try again later.
    pub(crate) fn on_failure(&mut self, cx: &Cx<'_, A>, _token: Token, _why: CallFailure) {
        self.state = BootState::RetryAt(cx.now + cx.settings.retry_interval);
    }

    pub(crate) fn poll_event(&mut self) -> Option<RegistrationStatus> {
        self.unreported.take()
    }
}

/// `interval` seconds as a duration, if positive.
pub(crate) fn positive_secs(interval: i32) -> Option<Duration> {
    u64::try_from(interval)
        .ok()
        .filter(|&s| s > 0)
        .map(Duration::from_secs)
}

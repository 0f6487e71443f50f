//! Registration with the central system (OCPP 1.6 §4.2): BootNotification
//! first after every connection, nothing else until it is Accepted, retried
//! after the `interval` of Pending and Rejected.

use allocator_api2::vec::Vec;
use ocpp_model::encode::{Encode, Full, Writer};
use ocpp_model::{
    Action, Allocator, BootNotificationResponse, DateTime, EncodeError, RegistrationStatus, Request,
};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use crate::block::{answer, AnswerError, Cx, Outgoing};
use crate::config::Config;
use crate::error::NewError;
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
/// [`Config`] can set, validated and copied into one pool allocation, one
/// after the other (one `Vec` of 32 bytes on a 64-bit target instead of one
/// per property).
#[derive(Debug)]
pub(crate) struct Identity<A: Allocator> {
    /// Vendor, model, serial number and firmware version, in this order.
    text: Vec<u8, A>,
    /// Where each of the four ends in `text`. An optional one that is
    /// absent is empty (a present one never is: [`Identity::new`]).
    ends: [u8; 4],
}

/// The four properties: where they come from in a [`Config`], their maximum
/// length, and what [`NewError::InvalidConfig`] says when one is wrong.
const PROPERTIES: [(usize, &str); 4] = [
    (20, "vendor: 1 to 20 printable ASCII characters"),
    (20, "model: 1 to 20 printable ASCII characters"),
    (25, "serial_number: up to 25 printable ASCII characters"),
    (50, "firmware_version: up to 50 printable ASCII characters"),
];

impl<A: Allocator> Identity<A> {
    /// Checks the config's identity and copies it into `alloc`: one
    /// allocation of exactly its length; on `Err` nothing is taken.
    pub(crate) fn new(config: &Config<'_>, alloc: A) -> Result<Self, NewError> {
        let values = [
            Some(config.vendor),
            Some(config.model),
            config.serial_number,
            config.firmware_version,
        ];
        let mut total = 0;
        for (value, (max, what)) in values.iter().zip(PROPERTIES) {
            if let Some(v) = value {
                let printable = v.bytes().all(|b| (b' '..=b'~').contains(&b));
                if v.is_empty() || v.len() > max || !printable {
                    return Err(NewError::InvalidConfig(what));
                }
                total += v.len();
            }
        }
        let mut text = Vec::new_in(alloc);
        text.try_reserve_exact(total)
            .map_err(|_| NewError::OutOfMemory)?;
        let mut ends = [0; 4];
        for (end, value) in ends.iter_mut().zip(values) {
            for &b in value.unwrap_or("").as_bytes() {
                text.push_within_capacity(b)
                    .map_err(|_| NewError::OutOfMemory)?;
            }
            // At most 20 + 20 + 25 + 50 bytes in all: checked above.
            *end = u8::try_from(text.len()).map_err(|_| NewError::OutOfMemory)?;
        }
        Ok(Self { text, ends })
    }

    /// Property `i` of [`PROPERTIES`]; empty when absent.
    fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(0);
        self.text
            .get(usize::from(start)..usize::from(end))
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl<A: Allocator> Request for Identity<A> {
    const ACTION: Action = Action::BootNotification;
    type Response = BootNotificationResponse;
}

/// BootNotification.req, in the schema's order, absent options left out.
impl<A: Allocator> Encode for Identity<A> {
    fn encode_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        let mut o = w.object()?;
        o.field("chargePointVendor", self.get(0))?;
        o.field("chargePointModel", self.get(1))?;
        for (i, name) in [(2, "chargePointSerialNumber"), (3, "firmwareVersion")] {
            let value = self.get(i);
            if !value.is_empty() {
                o.field(name, value)?;
            }
        }
        o.end()
    }
}

/// The same object, for the snapshot.
impl<A: Allocator> Serialize for Identity<A> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (serial, firmware) = (self.get(2), self.get(3));
        let n = 2 + usize::from(!serial.is_empty()) + usize::from(!firmware.is_empty());
        let mut st = s.serialize_struct("BootNotification", n)?;
        st.serialize_field("chargePointVendor", self.get(0))?;
        st.serialize_field("chargePointModel", self.get(1))?;
        if serial.is_empty() {
            st.skip_field("chargePointSerialNumber")?;
        } else {
            st.serialize_field("chargePointSerialNumber", serial)?;
        }
        if firmware.is_empty() {
            st.skip_field("firmwareVersion")?;
        } else {
            st.serialize_field("firmwareVersion", firmware)?;
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

//! The charge point: one `&mut` state machine, driven by the integrator.

use allocator_api2::boxed::Box;
use allocator_api2::vec::Vec;
use ocpp_model::{
    decode, encode_call, encode_call_error, encode_call_result, Action, Allocator,
    BootNotificationRequest, BootNotificationResponse, ChargePointErrorCode, ChargePointStatus,
    CiString, CiStringError, DataTransferResponse, DateTime, DecodeError, EncodeError, Frame,
    HeartbeatRequest, HeartbeatResponse, Limits, MessageId, RegistrationStatus,
    StatusNotificationRequest, StatusNotificationResponse, TriggerMessageResponse,
};
use serde::Serialize;

use crate::answers::{Answer, Answers, Body};
use crate::authorize::Authorizations;
use crate::boot::{positive_secs, Boot, BootState};
use crate::config::Config;
use crate::connectors::Connector;
use crate::error::{HandleError, InputError, NewError};
use crate::event::{CallFailure, Event};
use crate::heartbeat::{Clock, Heartbeat};
use crate::time::{earliest, Duration, Instant};

/// An OCPP 1.6J charge point, sans IO.
///
/// Drive it from one loop:
/// 1. hand in what happened: [`connected`](Self::connected) /
///    [`disconnected`](Self::disconnected), every received text frame
///    ([`handle_frame`](Self::handle_frame)), hardware inputs
///    ([`set_status`](Self::set_status), [`authorize`](Self::authorize)),
///    and [`handle_timeout`](Self::handle_timeout) once
///    [`poll_timeout`](Self::poll_timeout) has passed;
/// 2. then drain the outputs: [`poll_transmit`](Self::poll_transmit) until
///    `None` (send each frame), [`poll_event`](Self::poll_event) until `None`
///    (act on each event), and sleep until [`poll_timeout`](Self::poll_timeout)
///    or the next input.
///
/// All of its state lives in the allocator `A` it was built with; every
/// operation that can fail leaves that state exactly as it was.
#[derive(Debug)]
pub struct ChargePoint<A: Allocator + Clone> {
    pub(crate) state: Box<State<A>, A>,
}

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct State<A: Allocator + Clone> {
    #[serde(skip)]
    pub(crate) alloc: A,
    #[serde(skip)]
    pub(crate) settings: Settings,
    pub(crate) identity: BootNotificationRequest<A>,
    pub(crate) online: bool,
    pub(crate) boot: Boot,
    pub(crate) heartbeat: Heartbeat,
    pub(crate) clock: Clock,
    /// Index 0 is the charge point as a whole.
    #[serde(serialize_with = "crate::snapshot::slice")]
    pub(crate) connectors: Vec<Connector, A>,
    pub(crate) authorizations: Authorizations<A>,
    outstanding: Option<Outstanding>,
    pub(crate) next_id: u32,
    pub(crate) answers: Answers,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    call_timeout: Duration,
    retry_interval: Duration,
    status_attempts: u8,
    limits: Limits,
}

/// Our CALL that waits for its answer (one at a time, OCPP-J §4.1.1).
#[derive(Clone, Copy, Debug, Serialize)]
struct Outstanding {
    #[serde(serialize_with = "crate::snapshot::message_id")]
    id: MessageId,
    call: Call,
    deadline: Instant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
enum Call {
    Boot,
    Heartbeat,
    /// The version of the connector's status that was sent.
    Status {
        connector: u8,
        version: u16,
    },
    Authorize,
}

impl<A: Allocator + Clone> ChargePoint<A> {
    /// Builds a charge point whose whole state lives in `alloc`.
    ///
    /// Everything is allocated before anything is kept: on `Err` the pool
    /// holds nothing of it.
    pub fn new(config: &Config<'_>, alloc: A) -> Result<Self, NewError> {
        if config.connectors == 0 {
            return Err(NewError::InvalidConfig("connectors: at least one"));
        }
        if config.connectors == u8::MAX {
            return Err(NewError::InvalidConfig("connectors: at most 254"));
        }
        if config.call_timeout.is_zero() {
            return Err(NewError::InvalidConfig("call_timeout: must not be zero"));
        }
        if config.retry_interval.is_zero() {
            return Err(NewError::InvalidConfig("retry_interval: must not be zero"));
        }
        if config.status_attempts == 0 {
            return Err(NewError::InvalidConfig("status_attempts: at least 1"));
        }
        let identity = BootNotificationRequest {
            charge_point_vendor: ci(
                config.vendor,
                &alloc,
                "vendor: 1 to 20 printable ASCII characters",
            )?,
            charge_point_model: ci(
                config.model,
                &alloc,
                "model: 1 to 20 printable ASCII characters",
            )?,
            charge_point_serial_number: opt_ci(
                config.serial_number,
                &alloc,
                "serial_number: up to 25 printable ASCII characters",
            )?,
            charge_box_serial_number: None,
            firmware_version: opt_ci(
                config.firmware_version,
                &alloc,
                "firmware_version: up to 50 printable ASCII characters",
            )?,
            iccid: None,
            imsi: None,
            meter_type: None,
            meter_serial_number: None,
        };
        let count = usize::from(config.connectors) + 1;
        let mut connectors = Vec::new_in(alloc.clone());
        connectors
            .try_reserve_exact(count)
            .map_err(|_| NewError::OutOfMemory)?;
        for _ in 0..count {
            // Within the capacity reserved above.
            let pushed = connectors.push_within_capacity(Connector::new());
            debug_assert!(pushed.is_ok());
        }
        let state = State {
            alloc: alloc.clone(),
            settings: Settings {
                call_timeout: config.call_timeout,
                retry_interval: config.retry_interval,
                status_attempts: config.status_attempts,
                limits: config.limits,
            },
            identity,
            online: false,
            boot: Boot::new(),
            heartbeat: Heartbeat::new(),
            clock: Clock::default(),
            connectors,
            authorizations: Authorizations::new(config.max_pending_authorizations, alloc.clone()),
            outstanding: None,
            next_id: 1,
            answers: Answers::default(),
        };
        let state = Box::try_new_in(state, alloc).map_err(|_| NewError::OutOfMemory)?;
        Ok(Self { state })
    }

    /// The WebSocket is open: BootNotification goes out first. (Called
    /// while already connected, it counts as a new connection.)
    pub fn connected(&mut self, now: Instant) {
        if self.state.online {
            self.disconnected(now);
        }
        let s = &mut *self.state;
        s.online = true;
        s.boot.state = BootState::Due;
    }

    /// The WebSocket closed. The outstanding CALL and pending Authorize
    /// requests fail; statuses are reported again after the next registration.
    pub fn disconnected(&mut self, _now: Instant) {
        let s = &mut *self.state;
        s.online = false;
        s.outstanding = None;
        s.boot.state = BootState::Due;
        s.heartbeat.stop();
        // Message ids are per connection: answers to the old one are void.
        s.answers.clear();
        s.authorizations.fail_all(CallFailure::Offline);
    }

    /// Whether the connection is up.
    pub fn is_online(&self) -> bool {
        self.state.online
    }

    /// Where registration stands.
    pub fn boot_state(&self) -> BootState {
        self.state.boot.state
    }

    /// The central system's wall-clock time at `now`, once it told us.
    pub fn wall_clock(&self, now: Instant) -> Option<DateTime> {
        self.state.clock.at(now)
    }

    /// The status of a connector (0 is the charge point as a whole).
    pub fn status(&self, connector: u8) -> Option<(ChargePointStatus, ChargePointErrorCode)> {
        self.state
            .connectors
            .get(usize::from(connector))
            .map(|c| (c.status, c.error_code))
    }

    /// Number of connectors, not counting connector 0.
    pub fn connectors(&self) -> u8 {
        // new() bounds the count to 254 plus connector 0.
        u8::try_from(self.state.connectors.len() - 1).unwrap_or(u8::MAX)
    }

    /// Hardware input: connector `connector` (0 = the charge point) entered
    /// `status`. Queues a StatusNotification; never allocates.
    pub fn set_status(
        &mut self,
        now: Instant,
        connector: u8,
        status: ChargePointStatus,
        error_code: ChargePointErrorCode,
    ) -> Result<(), InputError> {
        let s = &mut *self.state;
        let since = s.clock.at(now);
        let index = usize::from(connector);
        let c = s
            .connectors
            .get_mut(index)
            .ok_or(InputError::NoSuchConnector)?;
        Connector::check(index, status)?;
        c.set(status, error_code, since);
        Ok(())
    }

    /// Firmware request: an idTag was presented; ask the central system.
    /// The answer comes as [`Event::Authorized`] or [`Event::AuthorizeFailed`].
    pub fn authorize(&mut self, _now: Instant, id_tag: &str) -> Result<(), InputError> {
        self.state.authorizations.push(id_tag)
    }

    /// Writes the canonical encoding of the state (postcard) into `buf` and
    /// returns its length. Two charge points with equal snapshots behave alike.
    pub fn snapshot(&self, buf: &mut [u8]) -> Result<usize, postcard::Error> {
        postcard::to_slice(&*self.state, buf).map(|used| used.len())
    }

    /// When [`handle_timeout`](Self::handle_timeout) or
    /// [`poll_transmit`](Self::poll_transmit) has work next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let s = &*self.state;
        if !s.online {
            return None;
        }
        // Nothing else can go out while a CALL waits for its answer.
        if let Some(o) = s.outstanding {
            return Some(o.deadline);
        }
        if !s.boot.is_accepted() {
            return s.boot.deadline();
        }
        let retries = s.connectors.iter().filter_map(Connector::retry_at).min();
        earliest(s.heartbeat.due, retries)
    }

    /// Time has passed: a CALL past its deadline fails. Whatever else fell
    /// due is sent by [`poll_transmit`](Self::poll_transmit); after both,
    /// [`poll_timeout`](Self::poll_timeout) lies after `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some(o) = self.state.outstanding {
            if o.deadline <= now {
                self.call_failed(now, o.call, CallFailure::Timeout);
            }
        }
    }

    /// The next event for the firmware, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event<A>> {
        let s = &mut *self.state;
        if let Some(status) = s.boot.unreported.take() {
            return Some(Event::Registered(status));
        }
        s.authorizations.take_event()
    }

    /// A text frame arrived.
    ///
    /// CALLs are answered (through [`poll_transmit`](Self::poll_transmit)),
    /// malformed ones with the CALLERROR their fault calls for; answers to
    /// our CALLs are applied. `Err` says why a frame was not taken in; in
    /// every `Err` case the state is unchanged.
    pub fn handle_frame(&mut self, now: Instant, bytes: &[u8]) -> Result<(), HandleError> {
        let limits = self.state.settings.limits;
        match Frame::parse(bytes, &limits) {
            Err(e) => match e.reply() {
                Some((id, code)) => self.answer(
                    id,
                    Body::Error {
                        code,
                        description: crate::answers::describe(e.kind),
                    },
                ),
                None => Err(HandleError::Ignored(e.kind)),
            },
            Ok(Frame::Call {
                id,
                action,
                payload,
            }) => self.handle_call(now, id, action, payload),
            Ok(Frame::CallResult { id, payload }) => self.handle_result(now, id, payload),
            Ok(Frame::CallError { id, code, .. }) => {
                let o = self.expect_answer(id)?;
                self.call_failed(now, o.call, CallFailure::CallError(code));
                Ok(())
            }
        }
    }

    pub(crate) fn answer(&mut self, id: MessageId, body: Body) -> Result<(), HandleError> {
        self.state
            .answers
            .push(Answer { id, body })
            .map_err(|_| HandleError::Busy)
    }

    /// The outstanding CALL that `id` answers.
    fn expect_answer(&self, id: MessageId) -> Result<Outstanding, HandleError> {
        match self.state.outstanding {
            Some(o) if o.id == id => Ok(o),
            _ => Err(HandleError::Unsolicited),
        }
    }

    fn handle_result(
        &mut self,
        now: Instant,
        id: MessageId,
        payload: &[u8],
    ) -> Result<(), HandleError> {
        let o = self.expect_answer(id)?;
        let alloc = self.state.alloc.clone();
        // Prepare: decode (the only allocation). On OOM the CALL stays
        // outstanding and nothing changes; a malformed answer fails the CALL.
        let outcome = match o.call {
            Call::Boot => decode::<BootNotificationResponse, _>(payload, alloc)
                .map(|r| self.boot_answered(now, &r)),
            Call::Heartbeat => decode::<HeartbeatResponse, _>(payload, alloc).map(|r| {
                self.state.clock.set(now, r.current_time);
            }),
            Call::Status { connector, version } => {
                decode::<StatusNotificationResponse, _>(payload, alloc).map(|_| {
                    if let Some(c) = self.state.connectors.get_mut(usize::from(connector)) {
                        c.confirmed(version);
                    }
                })
            }
            Call::Authorize => decode::<ocpp_model::AuthorizeResponse<A>, _>(payload, alloc)
                .map(|r| self.state.authorizations.answered(r.id_tag_info)),
        };
        match outcome {
            Ok(()) => {
                self.state.outstanding = None;
                Ok(())
            }
            Err(e) if e.is_out_of_memory() => Err(HandleError::OutOfMemory),
            Err(DecodeError { code, .. }) => {
                self.call_failed(now, o.call, CallFailure::BadAnswer(code));
                Ok(())
            }
        }
    }

    fn boot_answered(&mut self, now: Instant, r: &BootNotificationResponse) {
        let s = &mut *self.state;
        s.boot.answered(now, r, s.settings.retry_interval);
        if r.status == RegistrationStatus::Accepted {
            s.clock.set(now, r.current_time);
            s.heartbeat
                .start(now, positive_secs(r.interval).unwrap_or(Duration::ZERO));
            // A new registration: tell the central system every status again.
            for c in s.connectors.iter_mut() {
                c.touch();
            }
        }
    }

    fn call_failed(&mut self, now: Instant, call: Call, failure: CallFailure) {
        let s = &mut *self.state;
        s.outstanding = None;
        let retry = s.settings.retry_interval;
        match call {
            Call::Boot => s.boot.failed(now, retry),
            // The heartbeat period restarted when it was sent.
            Call::Heartbeat => {}
            Call::Status { connector, version } => {
                if let Some(c) = s.connectors.get_mut(usize::from(connector)) {
                    c.failed(version, now, retry, s.settings.status_attempts);
                }
            }
            Call::Authorize => s.authorizations.failed(failure),
        }
    }

    /// The next frame to send, encoded into `buf`; its length, or `None` when
    /// there is nothing to send now.
    ///
    /// `Err(BufferFull)` leaves the frame queued: call again with a larger
    /// buffer. Answers to the central system go first; then, one at a time
    /// and only after registration, our own CALLs.
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<usize>, EncodeError> {
        let s = &mut *self.state;
        if let Some(answer) = s.answers.front() {
            let n = match answer.body {
                Body::Error { code, description } => {
                    encode_call_error(buf, &answer.id, code, description)?
                }
                Body::DataTransfer(status) => {
                    let conf: DataTransferResponse<A> = DataTransferResponse { status, data: None };
                    encode_call_result(buf, &answer.id, &conf)?
                }
                Body::TriggerMessage(status) => {
                    encode_call_result(buf, &answer.id, &TriggerMessageResponse { status })?
                }
            };
            s.answers.pop();
            return Ok(Some(n));
        }
        if !s.online || s.outstanding.is_some() {
            return Ok(None);
        }
        let id = MessageId::from_u32(s.next_id);
        let (n, call) = if !s.boot.is_accepted() {
            if !s.boot.is_due(now) {
                return Ok(None);
            }
            let n = encode_call(buf, &id, Action::BootNotification, &s.identity)?;
            s.boot.state = BootState::Sent;
            (n, Call::Boot)
        } else if let Some((index, c, version)) = s
            .connectors
            .iter()
            .enumerate()
            .find_map(|(i, c)| c.due(now).map(|v| (i, c, v)))
        {
            let connector = u8::try_from(index).unwrap_or(u8::MAX);
            let request: StatusNotificationRequest<A> = StatusNotificationRequest {
                connector_id: i32::from(connector),
                error_code: c.error_code,
                info: None,
                status: c.status,
                timestamp: c.since.or_else(|| s.clock.at(now)),
                vendor_id: None,
                vendor_error_code: None,
            };
            let n = encode_call(buf, &id, Action::StatusNotification, &request)?;
            (n, Call::Status { connector, version })
        } else if let Some((index, request)) = s.authorizations.next_queued() {
            let n = encode_call(buf, &id, Action::Authorize, request)?;
            s.authorizations.mark_sent(index);
            (n, Call::Authorize)
        } else if s.heartbeat.is_due(now) {
            let n = encode_call(buf, &id, Action::Heartbeat, &HeartbeatRequest {})?;
            s.heartbeat.sent(now);
            (n, Call::Heartbeat)
        } else {
            return Ok(None);
        };
        s.next_id = s.next_id.wrapping_add(1).max(1);
        s.outstanding = Some(Outstanding {
            id,
            call,
            deadline: now + s.settings.call_timeout,
        });
        Ok(Some(n))
    }
}

fn ci<const N: usize, A: Allocator + Clone>(
    s: &str,
    alloc: &A,
    what: &'static str,
) -> Result<CiString<N, A>, NewError> {
    if s.is_empty() {
        return Err(NewError::InvalidConfig(what));
    }
    CiString::try_from_str(s, alloc.clone()).map_err(|e| match e {
        CiStringError::OutOfMemory => NewError::OutOfMemory,
        _ => NewError::InvalidConfig(what),
    })
}

fn opt_ci<const N: usize, A: Allocator + Clone>(
    s: Option<&str>,
    alloc: &A,
    what: &'static str,
) -> Result<Option<CiString<N, A>>, NewError> {
    s.map(|s| ci(s, alloc, what)).transpose()
}

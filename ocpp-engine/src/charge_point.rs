//! The charge point: one `&mut` state machine, driven by the integrator.

use allocator_api2::boxed::Box;
use ocpp_model::{
    Allocator, ChargePointErrorCode, ChargePointStatus, DateTime, EncodeError, Frame, MessageId,
    PayloadCheck,
};
use serde::Serialize;

use crate::answers::{Answers, Reply};
use crate::authorize::{self, Authorizations};
use crate::block::{Outgoing, Settings};
use crate::config::Config;
use crate::configuration::{Configuration, Fixed};
use crate::connectors::{self, Connectors};
use crate::data_transfer::{self, DataTransfer};
use crate::error::{HandleError, NewError};
use crate::event::{CallFailure, Event};
use crate::heartbeat::{self, Clock, Heartbeat};
use crate::persist::Store;
use crate::registration::{self, BootState, Identity, Registration};
use crate::remote;
use crate::router::{Applied, Deferred};
use crate::storage::{NoStorage, Storage};
use crate::time::{earliest, Instant};
use crate::tx::meter::MAX_READINGS;
use crate::tx::{self, Transactions};
use crate::watched::Watched;

/// The smallest transmit buffer for which an answer too large for it is
/// replaced by a CALLERROR (see [`ChargePoint::poll_transmit`]).
pub const MIN_TRANSMIT_LEN: usize = 256;

/// An OCPP 1.6J charge point, sans IO.
///
/// Drive it from one loop:
/// 1. hand in what happened: [`connected`](Self::connected) /
///    [`disconnected`](Self::disconnected), every received text frame
///    ([`handle_frame`](Self::handle_frame)), hardware inputs
///    ([`plug_in`](Self::plug_in), [`present_id_tag`](Self::present_id_tag),
///    [`set_meter`](Self::set_meter), ... see `inputs.rs`),
///    and [`handle_timeout`](Self::handle_timeout) once
///    [`poll_timeout`](Self::poll_timeout) has passed;
/// 2. then drain the outputs: [`poll_transmit`](Self::poll_transmit) until
///    `None` (send each frame), [`poll_event`](Self::poll_event) until `None`
///    (act on each event), and sleep until [`poll_timeout`](Self::poll_timeout)
///    or the next input.
///
/// All of its state lives in the allocator `A` it was built with; every
/// operation that can fail leaves that state exactly as it was.
///
/// With a [`Storage`] ([`restore`](Self::restore)) it keeps what must
/// survive a power cut (see [`storage`](crate::storage)): every record is
/// durable before anything that depends on it is sent.
#[derive(Debug)]
pub struct ChargePoint<A: Allocator + Clone, S: Storage = NoStorage> {
    pub(crate) state: Box<State<A>, A>,
    pub(crate) store: Store<S>,
}

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct State<A: Allocator + Clone> {
    #[serde(skip)]
    pub(crate) alloc: A,
    #[serde(skip)]
    pub(crate) settings: Settings,
    pub(crate) online: bool,
    pub(crate) clock: Clock,
    pub(crate) outstanding: Option<Outstanding>,
    pub(crate) next_id: u32,
    pub(crate) answers: Answers,
    pub(crate) config: Watched<Configuration<A>>,
    pub(crate) blocks: Blocks<A>,
}

/// The functional blocks, each with private state (see `block.rs`). The
/// order of the fields is the order in which they may send their CALLs.
#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct Blocks<A: Allocator + Clone> {
    pub(crate) registration: Registration<A>,
    pub(crate) tx: Watched<Transactions<A>>,
    pub(crate) connectors: Watched<Connectors<A>>,
    pub(crate) authorize: Watched<Authorizations<A>>,
    pub(crate) heartbeat: Heartbeat,
    pub(crate) data_transfer: DataTransfer<A>,
    pub(crate) pending: remote::Pending,
}

/// Our CALL that waits for its answer (one at a time, OCPP-J §4.1.1).
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct Outstanding {
    /// Its message id: ours are numbers ([`MessageId::from_u32`]), so the
    /// number is kept, not the 37 bytes of its text.
    pub(crate) id: u32,
    pub(crate) token: Token,
    pub(crate) deadline: Instant,
}

/// Which block sent the outstanding CALL, and its own token for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Token {
    Registration(registration::Token),
    Tx(tx::Token),
    Status(connectors::Token),
    Authorize(authorize::Token),
    Extension(data_transfer::Token),
    Heartbeat(heartbeat::Token),
}

impl<A: Allocator + Clone> ChargePoint<A> {
    /// Builds a charge point whose whole state lives in `alloc`, without
    /// storage: a reboot starts afresh (see [`restore`](Self::restore)).
    ///
    /// Everything is allocated before anything is kept: on `Err` the pool
    /// holds nothing of it.
    pub fn new(config: &Config<'_>, alloc: A) -> Result<Self, NewError> {
        let state = State::new(config, alloc)?;
        Ok(Self {
            state,
            store: Store::new(NoStorage),
        })
    }
}

impl<A: Allocator + Clone> State<A> {
    pub(crate) fn new(config: &Config<'_>, alloc: A) -> Result<Box<Self, A>, NewError> {
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
        if config.max_readings == 0 || usize::from(config.max_readings) > MAX_READINGS {
            return Err(NewError::InvalidConfig("max_readings: 1 to 8"));
        }
        let identity = Identity::new(config, alloc.clone())?;
        let blocks = Blocks {
            registration: Registration::new(identity),
            tx: Watched::new(Transactions::new(
                config.connectors,
                config.max_queued_messages,
                alloc.clone(),
            )?),
            connectors: Watched::new(Connectors::new(config.connectors, alloc.clone())?),
            authorize: Watched::new(Authorizations::new(
                config.max_pending_authorizations,
                config.max_cache_entries,
                alloc.clone(),
            )),
            heartbeat: Heartbeat::new(),
            data_transfer: DataTransfer::new(alloc.clone()),
            pending: remote::Pending::default(),
        };
        let state = State {
            alloc: alloc.clone(),
            settings: Settings::new(config),
            online: false,
            clock: Clock::default(),
            outstanding: None,
            next_id: 1,
            answers: Answers::default(),
            config: Watched::new(Configuration::new(
                Fixed {
                    connectors: config.connectors,
                    max_keys: config.limits.max_items,
                    max_queued: config.max_queued_messages,
                    max_stop_aligned: config.max_stop_aligned_samples,
                    max_cache: config.max_cache_entries,
                },
                alloc.clone(),
            )),
            blocks,
        };
        Box::try_new_in(state, alloc).map_err(|_| NewError::OutOfMemory)
    }
}

impl<A: Allocator + Clone, S: Storage> ChargePoint<A, S> {
    /// The WebSocket is open: BootNotification goes out first. (Called
    /// while already connected, it counts as a new connection.)
    pub fn connected(&mut self, now: Instant) {
        if self.state.online {
            self.disconnected(now);
        }
        let s = &mut *self.state;
        s.online = true;
        s.blocks.registration.restart();
    }

    /// The WebSocket closed. The outstanding CALL and pending Authorize
    /// requests fail; statuses are reported again after the next registration.
    pub fn disconnected(&mut self, now: Instant) {
        let s = &mut *self.state;
        s.online = false;
        if let Some(o) = s.outstanding.take() {
            s.on_failure(now, o.token, CallFailure::Offline);
        }
        s.blocks.registration.restart();
        s.blocks.heartbeat.stop();
        // Message ids are per connection: answers to the old one are void.
        s.answers.clear();
        s.blocks.data_transfer.disconnected();
        s.config.disconnected();
        s.blocks.authorize.fail_all(CallFailure::Offline);
    }

    /// Whether the connection is up.
    pub fn is_online(&self) -> bool {
        self.state.online
    }

    /// Where registration stands.
    pub fn boot_state(&self) -> BootState {
        self.state.blocks.registration.state()
    }

    /// The central system's wall-clock time at `now`, once it told us.
    pub fn wall_clock(&self, now: Instant) -> Option<DateTime> {
        self.state.clock.at(now)
    }

    /// The status of a connector (0 is the charge point as a whole).
    pub fn status(&self, connector: u8) -> Option<(ChargePointStatus, ChargePointErrorCode)> {
        self.state.blocks.connectors.status(connector)
    }

    /// Number of connectors, not counting connector 0.
    pub fn connectors(&self) -> u8 {
        self.state.blocks.connectors.count()
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
        let b = &s.blocks;
        // Samples and timeouts run whatever the connection does; a request
        // of the firmware cannot wait for ever for a registration.
        let waiting = (!s.online || !b.registration.is_accepted()).then(|| b.authorize.poll_at());
        let timers = earliest(b.tx.poll_at_timers(), waiting.flatten());
        let timers = earliest(timers, s.answers.poll_at());
        // While the storage fails nothing can be sent: only timers count
        // (each input and timer tries the storage again).
        if !s.online || self.store.failing {
            return timers;
        }
        // Nothing else can go out while a CALL waits for its answer.
        if let Some(o) = s.outstanding {
            return earliest(Some(o.deadline), timers);
        }
        // Our CALLs wait behind an unlock answer the firmware owes.
        if s.answers.holds_unlock() {
            return timers;
        }
        if !b.registration.is_accepted() {
            return earliest(b.registration.poll_at(), timers);
        }
        let sends = earliest(b.connectors.poll_at(), b.heartbeat.poll_at());
        earliest(timers, earliest(sends, b.tx.poll_at_send()))
    }

    /// Time has passed: a CALL past its deadline fails. Whatever else fell
    /// due is sent by [`poll_transmit`](Self::poll_transmit); after both,
    /// [`poll_timeout`](Self::poll_timeout) lies after `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let s = &mut *self.state;
        if let Some(o) = s.outstanding {
            if o.deadline <= now {
                s.outstanding = None;
                s.on_failure(now, o.token, CallFailure::Timeout);
            }
        }
        // An unlock answered UnlockFailed is not carried out later: the
        // firmware not yet told (the storage failing) is never told.
        for connector in s.answers.expire_unlocks(now).into_iter().flatten() {
            if !s.answers.waits_unlock(connector) {
                s.blocks.tx.withdraw_unlock(connector);
            }
        }
        let (cx, b, _) = s.split(now);
        if b.tx.timeout_due(&cx) {
            b.tx.handle_timeout(&cx);
        }
        if !cx.online || !b.registration.is_accepted() {
            b.authorize.handle_timeout(now);
        }
        s.sync_statuses(now);
    }

    /// The next event for the firmware, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        if !self.persisted() {
            let key = self.store.unreported.take()?;
            return Some(Event::StorageFailed { key });
        }
        // What giving an event changes is in no record.
        self.state.quietly(|s| {
            let b = &mut s.blocks;
            if let Some(status) = b.registration.poll_event() {
                return Some(Event::Registered(status));
            }
            if let Some(hard) = b.pending.reset.take() {
                return Some(Event::Reset { hard });
            }
            if let Some(e) = b.tx.poll_event() {
                return Some(tx::event(e));
            }
            if let Some(e) = b.data_transfer.poll_event() {
                return Some(e);
            }
            if let Some(key) = s.config.poll_event() {
                return Some(Event::ConfigurationChanged { key });
            }
            s.blocks.authorize.poll_event()
        })
    }

    /// A text frame arrived.
    ///
    /// CALLs are answered (through [`poll_transmit`](Self::poll_transmit)),
    /// malformed ones with the CALLERROR their fault calls for; answers to
    /// our CALLs are applied. `Err` says why a frame was not taken in; in
    /// every `Err` case the state is unchanged.
    pub fn handle_frame(&mut self, now: Instant, bytes: &[u8]) -> Result<(), HandleError> {
        let s = &mut *self.state;
        let limits = s.settings.limits();
        // One pass: the payload of a plain CALL or CALLRESULT is checked by
        // its decoder, not before; where it is not decoded, `Frame::parse`
        // of the whole frame says whether it was malformed (see `Deferred`).
        let (frame, check) = match Frame::parse_deferred(bytes, &limits) {
            Ok(parsed) => parsed,
            Err(e) => return s.frame_error(e),
        };
        let deferred = Deferred {
            frame: (check == PayloadCheck::Deferred).then_some(bytes),
            limits,
        };
        match frame {
            Frame::Call {
                id,
                action,
                payload,
            } => {
                s.handle_call(now, id, action, payload, deferred)?;
                // A remote start or stop, a reset, an unlock or a change of
                // availability changes sessions: their statuses follow now.
                s.sync_statuses(now);
                Ok(())
            }
            Frame::CallResult { id, payload } => {
                let o = match s.expect_answer(id) {
                    Ok(o) => o,
                    Err(e) => return s.refuse(e, deferred),
                };
                match s.on_result(now, o, payload, deferred)? {
                    Applied::Yes => s.after_answer(now),
                    Applied::Failed(token, why) => s.on_failure(now, token, why),
                    Applied::No => {}
                }
                Ok(())
            }
            Frame::CallError { id, code, .. } => {
                let o = s.expect_answer(id)?;
                s.outstanding = None;
                s.on_failure(now, o.token, CallFailure::CallError(code));
                Ok(())
            }
        }
    }

    /// The next frame to send, encoded into `buf`; its length, or `None` when
    /// there is nothing to send now.
    ///
    /// `Err(BufferFull)` leaves the frame queued: call again with a larger
    /// buffer. Every CALL of ours fits [`max_call_len`](crate::max_call_len)
    /// bytes (8,300 with [`Config::new`]). An answer to the central
    /// system may not (a GetConfiguration of every key:
    /// [`GET_CONFIGURATION_ALL_LEN`](crate::GET_CONFIGURATION_ALL_LEN)
    /// bytes, plus the firmware's own keys; the firmware's answer to a
    /// DataTransfer): when it does not fit a buffer of at least
    /// [`MIN_TRANSMIT_LEN`] bytes, it is answered with a CALLERROR
    /// `InternalError` instead, so that nothing waits behind it for ever. Answers to the central system go first; then, one at a time
    /// and only after registration, our own CALLs: the transaction block's
    /// (its Authorize requests, then the transaction message queue),
    /// StatusNotifications, the firmware's Authorize requests, Heartbeat.
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<usize>, EncodeError> {
        // Write-ahead: nothing leaves before the records it depends on.
        if !self.persisted() {
            return Ok(None);
        }
        // What sending changes (answers gone, the outstanding CALL) is in no record.
        self.state.quietly(|s| s.transmit(now, buf))
    }
}

impl<A: Allocator + Clone> State<A> {
    /// [`ChargePoint::poll_transmit`] once the records are durable.
    fn transmit(&mut self, now: Instant, buf: &mut [u8]) -> Result<Option<usize>, EncodeError> {
        let s = self;
        if let Some(&answer) = s.answers.front() {
            let encoded = match answer.reply {
                Reply::Configuration => s.config.encode_answer(buf, &answer.id),
                Reply::Extension { .. } => s.blocks.data_transfer.encode_answer(buf, &answer.id),
                reply => reply.encode(buf, &answer.id),
            };
            let n = match encoded {
                Ok(n) => n,
                // An answer this buffer can never hold would stop every
                // frame behind it: with a buffer of MIN_TRANSMIT_LEN or
                // more, it is answered with a CALLERROR instead.
                Err(EncodeError::BufferFull) if buf.len() >= MIN_TRANSMIT_LEN => {
                    match answer.reply {
                        Reply::Configuration => s.config.drop_answer(),
                        Reply::Extension { .. } => s.blocks.data_transfer.drop_answer(),
                        _ => {}
                    }
                    Reply::TOO_LARGE.encode(buf, &answer.id)?
                }
                Err(e) => return Err(e),
            };
            s.answers.pop();
            return Ok(Some(n));
        }
        if !s.online || s.outstanding.is_some() || s.answers.holds_unlock() {
            return Ok(None);
        }
        let id = MessageId::from_u32(s.next_id);
        let mut out = Outgoing::new(buf, &id);
        let Some(token) = s.poll_call(now, &mut out)? else {
            return Ok(None);
        };
        let n = out.len().unwrap_or(0);
        s.outstanding = Some(Outstanding {
            id: s.next_id,
            token,
            deadline: now + s.settings.call_timeout,
        });
        s.next_id = s.next_id.wrapping_add(1).max(1);
        Ok(Some(n))
    }
}

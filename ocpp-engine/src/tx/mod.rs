//! Transactions (OCPP 1.6 §4.8, §4.10, §3.7): per connector, an idTag and a
//! cable in either order start a transaction; a stop by the same idTag (or
//! one with the same parent), the EV leaving, the firmware or the central
//! system ends it. StartTransaction, MeterValues and StopTransaction go
//! through the [`queue`] and are never lost for lack of memory.
//!
//! Sessions are inline (one per connector, allocated with the charge
//! point); the only allocation of a transaction is the queue's places,
//! claimed when an idTag is presented.

mod answers;
mod message;
pub mod meter;
mod queue;
mod record;
mod sampling;
mod session;
mod stop_data;

use allocator_api2::boxed::Box;
use allocator_api2::vec::Vec;
use ocpp_model::{
    Allocator, AuthorizationStatus, AuthorizeRequest, ChargePointStatus, DateTime, EncodeError,
    IdTagInfo, IdToken, Measurand, Reason,
};
use serde::Serialize;

use crate::block::{Cx, Outgoing};
use crate::error::{InputError, NewError};
use crate::event::CallFailure;
use crate::time::Instant;
pub(crate) use answers::{is_valid, TxEvent, Verdict};
use message::{MeterValuesOut, Start, Stop, StopTransactionOut, TxMessage};
use meter::{MeterReading, Readings, Value};
use queue::{Full, Queue};
pub(crate) use record::RestoreFail;
use session::{Phase, Running, Session};
use stop_data::StopData;

/// A CALL of this block: an Authorize for a connector's session, or the
/// queued message of transaction `local`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Token {
    Authorize { connector: u8 },
    Queued { local: u32 },
}

/// How the transaction message queue stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueStats {
    /// StartTransaction, MeterValues and StopTransaction messages waiting.
    pub queued: usize,
    /// Periodic samples skipped because no place could be had (the queue
    /// at its bound, or the pool refusing): the register's later values
    /// still carry the energy.
    pub skipped: u32,
    /// Messages given up after TransactionMessageAttempts failures.
    pub discarded: u32,
    /// Clock-aligned samples of StopTxnAlignedData not kept for a
    /// StopTransaction (the bound
    /// [`Config::max_stop_aligned_samples`](crate::Config::max_stop_aligned_samples)
    /// reached, or the pool refusing): that StopTransaction carries the
    /// samples kept before.
    pub stop_aligned_skipped: u32,
}

/// What an answer told about an idTag, for the authorization cache.
pub(crate) type Learned = Option<(IdToken, IdTagInfo)>;

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct Transactions<A: Allocator + Clone> {
    /// Connector `c` at index `c - 1`.
    #[serde(serialize_with = "crate::snapshot::slice")]
    sessions: Vec<Session<A>, A>,
    queue: Queue<A>,
    /// StopTxnAlignedData of the running transactions, for their stops.
    stop_data: StopData<A>,
    /// StopTxnAlignedData samples not kept (the bound, or the pool).
    stop_aligned_skipped: u32,
    /// The number the next transaction gets.
    next_local: u32,
    /// The next clock-aligned sample (ClockAlignedDataInterval), once the
    /// wall clock is known.
    aligned_next: Option<Instant>,
}

impl<A: Allocator + Clone> Transactions<A> {
    pub(crate) fn new(connectors: u8, max_queued: u8, alloc: A) -> Result<Self, NewError> {
        let mut sessions = Vec::new_in(alloc.clone());
        sessions
            .try_reserve_exact(usize::from(connectors))
            .map_err(|_| NewError::OutOfMemory)?;
        for _ in 0..connectors {
            let pushed = sessions.push_within_capacity(Session::new());
            debug_assert!(pushed.is_ok());
        }
        Ok(Self {
            sessions,
            queue: Queue::new(max_queued, alloc),
            stop_data: StopData::new(),
            stop_aligned_skipped: 0,
            next_local: 1,
            aligned_next: None,
        })
    }

    fn session(&self, connector: u8) -> Result<&Session<A>, InputError> {
        let i = usize::from(connector).checked_sub(1);
        i.and_then(|i| self.sessions.get(i))
            .ok_or(InputError::NoSuchConnector)
    }

    fn session_mut(&mut self, connector: u8) -> Result<&mut Session<A>, InputError> {
        let i = usize::from(connector).checked_sub(1);
        i.and_then(|i| self.sessions.get_mut(i))
            .ok_or(InputError::NoSuchConnector)
    }

    /// The status each session puts its connector in, connector 1 first.
    pub(crate) fn statuses(&self) -> impl Iterator<Item = (u8, ChargePointStatus)> + '_ {
        self.sessions
            .iter()
            .enumerate()
            .map(|(i, s)| (u8::try_from(i + 1).unwrap_or(u8::MAX), s.status()))
    }

    /// The running transaction of `connector`: its id once known.
    pub(crate) fn transaction(&self, connector: u8) -> Option<Option<i32>> {
        let s = self.session(connector).ok()?;
        s.running().map(|r| r.transaction_id)
    }

    /// Whether `connector` could begin a transaction (no idTag, no
    /// transaction, not finishing).
    pub(crate) fn is_free(&self, connector: u8) -> bool {
        self.session(connector).is_ok_and(Session::is_idle)
    }

    /// Whether a cable is in `connector`.
    pub(crate) fn is_plugged(&self, connector: u8) -> bool {
        self.session(connector).is_ok_and(|s| s.plugged)
    }

    /// UnlockConnector: the firmware is to unlock the cable.
    pub(crate) fn request_unlock(&mut self, connector: u8) {
        if let Ok(s) = self.session_mut(connector) {
            s.unlock = true;
        }
    }

    /// An unlock of `connector` the firmware has not been told of yet is
    /// called off (its UnlockConnector was answered UnlockFailed).
    pub(crate) fn withdraw_unlock(&mut self, connector: u8) {
        if let Ok(s) = self.session_mut(connector) {
            s.unlock = false;
        }
    }

    /// How the transaction message queue stands.
    pub(crate) fn queue_stats(&self) -> QueueStats {
        QueueStats {
            queued: self.queue.len(),
            skipped: self.queue.skipped(),
            discarded: self.queue.discarded(),
            stop_aligned_skipped: self.stop_aligned_skipped,
        }
    }

    /// The StartTransaction of `local` was given up: its transaction sends
    /// nothing more (see [`Running::orphan`]).
    pub(crate) fn orphan(&mut self, local: u32) {
        for s in self.sessions.iter_mut() {
            if let Some(r) = s.running_mut().filter(|r| r.local == local) {
                r.orphan = true;
                r.next_sample = None;
            }
        }
        self.prune_stop_data();
    }

    /// Lets go of the StopTxnAlignedData samples no StopTransaction will
    /// carry: those of transactions neither running (and not orphaned)
    /// nor with a StopTransaction queued.
    fn prune_stop_data(&mut self) {
        let (sessions, queue) = (&self.sessions, &self.queue);
        self.stop_data.retain(|local| {
            let running = sessions
                .iter()
                .filter_map(Session::running)
                .any(|r| r.local == local && !r.orphan);
            running
                || queue
                    .entries()
                    .any(|(m, _)| matches!(m, TxMessage::Stop(s) if s.local == local))
        });
    }

    /// The connector whose running transaction has `id`.
    pub(crate) fn connector_of(&self, id: i32) -> Option<u8> {
        let i = self
            .sessions
            .iter()
            .position(|s| s.running().is_some_and(|r| r.transaction_id == Some(id)))?;
        u8::try_from(i + 1).ok()
    }

    // ---- hardware and firmware inputs ----

    /// A cable was plugged in: an authorized idTag starts its transaction.
    pub(crate) fn plug(&mut self, cx: &Cx<'_, A>, connector: u8) -> Result<(), InputError> {
        let s = self.session_mut(connector)?;
        s.plugged = true;
        s.in_socket = true;
        s.ev_suspended = false;
        if let (Phase::Authorized { .. }, Some((id_tag, parent))) = (&s.phase, s.claimed_tag()) {
            self.start(cx, connector, id_tag, parent);
        }
        Ok(())
    }

    /// The cable is gone (out of the socket, or a fixed cable out of the
    /// EV): a transaction stops (StopTransactionOnEVSideDisconnect) and the
    /// connector is free.
    pub(crate) fn unplug(&mut self, cx: &Cx<'_, A>, connector: u8) -> Result<(), InputError> {
        self.unplug_ev(cx, connector)?;
        let s = self.session_mut(connector)?;
        s.in_socket = false;
        if matches!(s.phase, Phase::Finishing) {
            s.phase = Phase::Idle;
        }
        Ok(())
    }

    /// The cable was unplugged at the EV side and may still be in the
    /// socket: a transaction stops (StopTransactionOnEVSideDisconnect), the
    /// cable is unlocked (UnlockConnectorOnEVSideDisconnect), and the
    /// connector stays Finishing until the cable is out ([`unplug`](Self::unplug)).
    pub(crate) fn unplug_ev(&mut self, cx: &Cx<'_, A>, connector: u8) -> Result<(), InputError> {
        let config = cx.config;
        let s = self.session_mut(connector)?;
        s.plugged = false;
        match s.phase {
            Phase::Running if config.stop_transaction_on_ev_side_disconnect => {
                s.unlock |= config.unlock_connector_on_ev_side_disconnect;
                self.stop(cx, connector, Reason::EVDisconnected, None);
            }
            _ => {}
        }
        Ok(())
    }

    /// The EV takes no energy although offered (`true`), or takes it again.
    pub(crate) fn ev_suspended(&mut self, connector: u8, on: bool) -> Result<(), InputError> {
        self.session_mut(connector)?.ev_suspended = on;
        Ok(())
    }

    /// A meter reading of `connector`, of at most `max` different ones.
    pub(crate) fn meter(
        &mut self,
        connector: u8,
        reading: MeterReading,
        max: u8,
    ) -> Result<(), InputError> {
        let s = self.session_mut(connector)?;
        if s.readings.set_within(reading, usize::from(max)) {
            Ok(())
        } else {
            Err(InputError::TooManyMeasurands)
        }
    }

    /// An idTag was presented at `connector`. `known` is what the
    /// authorization cache says of it, when it may be used now.
    ///
    /// During a transaction: the same idTag (or one with the same parent)
    /// stops it; another one is asked about first. Otherwise the idTag is
    /// authorized (from `known` or by Authorize.req) and the transaction
    /// starts once a cable is plugged. The queue's two places for the
    /// transaction are claimed here: the only allocation.
    pub(crate) fn present(
        &mut self,
        cx: &Cx<'_, A>,
        connector: u8,
        id_tag: IdToken,
        known: Option<IdTagInfo>,
    ) -> Result<(), InputError> {
        let s = self.session(connector)?;
        match s.phase {
            Phase::Running => {
                let asking = s.running().is_some_and(|r| r.stop_tag.is_some());
                if s.may_stop(&id_tag, known.as_ref()) {
                    self.stop(cx, connector, Reason::Local, Some(id_tag));
                } else if asking {
                    return Err(InputError::Busy);
                } else if let Some(r) = self.session_mut(connector)?.running_mut() {
                    r.stop_tag = Some((id_tag, false));
                }
                return Ok(());
            }
            Phase::Finishing => return Err(InputError::Busy),
            Phase::Authorizing { .. } | Phase::Authorized { .. } => {
                return Err(InputError::Busy);
            }
            Phase::Idle => {}
        }
        if let Some(info) = known.filter(|i| i.status != AuthorizationStatus::Accepted) {
            self.session_mut(connector)?.verdict = Some(Verdict::Refused(id_tag, info.status));
            return Ok(());
        }
        let offline_unknown = !cx.online && known.is_none();
        if offline_unknown && !cx.config.allow_offline_tx_for_unknown_id {
            let why = CallFailure::Offline;
            self.session_mut(connector)?.verdict = Some(Verdict::Unverified(id_tag, why));
            return Ok(());
        }
        self.claim(cx, connector, id_tag)?;
        match known {
            Some(info) => self.authorized(cx, connector, id_tag, info.parent_id_tag),
            None if offline_unknown => self.authorized(cx, connector, id_tag, None),
            None => self.session_mut(connector)?.phase = Phase::Authorizing { sent: false },
        }
        Ok(())
    }

    /// The firmware (or the central system, through the router) stops the
    /// transaction of `connector` for `reason`. `Err(NoTransaction)` when
    /// none runs.
    pub(crate) fn stop_for(
        &mut self,
        cx: &Cx<'_, A>,
        connector: u8,
        reason: Reason,
    ) -> Result<(), InputError> {
        if self.session(connector)?.running().is_none() {
            return Err(InputError::NoTransaction);
        }
        self.stop(cx, connector, reason, None);
        Ok(())
    }

    /// A remote start: `id_tag` is authorized (by the central system itself
    /// or by an Authorize first when `authorize` is set).
    pub(crate) fn remote_start(
        &mut self,
        cx: &Cx<'_, A>,
        connector: u8,
        id_tag: IdToken,
        authorize: bool,
    ) -> Result<(), InputError> {
        if !self.session(connector)?.is_idle() {
            return Err(InputError::Busy);
        }
        self.claim(cx, connector, id_tag)?;
        if authorize {
            self.session_mut(connector)?.phase = Phase::Authorizing { sent: false };
        } else {
            self.authorized(cx, connector, id_tag, None);
        }
        Ok(())
    }

    /// What a transaction of `connector` will need, taken before anything
    /// changes: its room in the pool and the queue's two places for its
    /// StartTransaction and StopTransaction. All or nothing.
    fn claim(&mut self, cx: &Cx<'_, A>, connector: u8, id_tag: IdToken) -> Result<(), InputError> {
        let room = Box::try_new_in(Running::claimed(id_tag), cx.alloc.clone())
            .map_err(|_| InputError::OutOfMemory)?;
        self.session(connector)?;
        self.queue.claim(2).map_err(|e| match e {
            Full::Bound => InputError::QueueFull,
            Full::OutOfMemory => InputError::OutOfMemory,
        })?;
        if let Ok(s) = self.session_mut(connector) {
            s.room = Some(room);
        }
        Ok(())
    }

    /// The idTag of `connector`'s session may start: at once when plugged,
    /// else when a cable follows within ConnectionTimeOut.
    fn authorized(
        &mut self,
        cx: &Cx<'_, A>,
        connector: u8,
        id_tag: IdToken,
        parent: Option<IdToken>,
    ) {
        let timeout = cx.config.connection_time_out;
        let Ok(s) = self.session_mut(connector) else {
            return;
        };
        if s.plugged {
            self.start(cx, connector, id_tag, parent);
        } else {
            let until = (!timeout.is_zero()).then(|| cx.now + timeout);
            if let Some(room) = s.room.as_mut() {
                room.id_tag = id_tag;
                room.parent = parent;
            }
            s.phase = Phase::Authorized { until };
        }
    }

    /// Starts the transaction: StartTransaction into its claimed place.
    fn start(&mut self, cx: &Cx<'_, A>, connector: u8, id_tag: IdToken, parent: Option<IdToken>) {
        let local = self.next_local;
        self.next_local = self.next_local.wrapping_add(1).max(1);
        let timestamp = wall(cx);
        let interval = cx.config.meter_value_sample_interval;
        let sampled = cx.config.stop_txn_sampled_data;
        let Ok(s) = self.session_mut(connector) else {
            return;
        };
        let meter_start = energy_wh(&s.readings);
        let begin = (!sampled.is_empty()).then(|| (timestamp, s.readings.sample(sampled)));
        // `present` or `remote_start` claimed the room with the queue's places.
        let Some(room) = s.room.as_mut() else {
            debug_assert!(false, "a transaction starts without its claimed room");
            return;
        };
        **room = Running {
            local,
            id_tag,
            parent,
            transaction_id: None,
            suspended: false,
            next_sample: (!interval.is_zero()).then(|| cx.now + interval),
            begin,
            stop_tag: None,
            orphan: false,
            last: (timestamp, meter_start),
        };
        s.phase = Phase::Running;
        self.queue.push_claimed(TxMessage::Start(Start {
            local,
            connector,
            id_tag,
            meter_start,
            timestamp,
        }));
    }

    /// Stops the running transaction of `connector`: StopTransaction into
    /// its claimed place, and the connector goes Finishing (or Available
    /// when the cable is already gone).
    fn stop(&mut self, cx: &Cx<'_, A>, connector: u8, reason: Reason, id_tag: Option<IdToken>) {
        let timestamp = wall(cx);
        let sampled = cx.config.stop_txn_sampled_data;
        let Ok(s) = self.session_mut(connector) else {
            return;
        };
        let Some(r) = s.running() else {
            return;
        };
        let orphan = r.orphan;
        let message = Stop {
            local: r.local,
            transaction_id: r.transaction_id,
            id_tag,
            meter_stop: energy_wh(&s.readings),
            timestamp,
            reason,
            begin: r.begin,
            end: if sampled.is_empty() {
                Readings::EMPTY
            } else {
                s.readings.sample(sampled)
            },
        };
        s.end(if s.plugged || s.in_socket {
            Phase::Finishing
        } else {
            Phase::Idle
        });
        if orphan {
            // No id to stop: the place it held goes back.
            self.queue.release(1);
            self.prune_stop_data();
        } else {
            self.queue.push_claimed(TxMessage::Stop(message));
        }
    }

    // ---- sending ----

    /// Authorize requests of sessions first (they may overtake the queue),
    /// then the oldest queued transaction message.
    pub(crate) fn poll_call(
        &mut self,
        cx: &Cx<'_, A>,
        out: &mut Outgoing<'_>,
    ) -> Result<Option<Token>, EncodeError> {
        if let Some(t) = self.poll_authorize(out)? {
            return Ok(Some(t));
        }
        let Some(message) = self.queue.front(cx.now).copied() else {
            return Ok(None);
        };
        match &message {
            TxMessage::Start(m) => out.send(&m.request())?,
            TxMessage::Meter(m) => out.send(&MeterValuesOut(m))?,
            // A StopTransaction needs the id of its transaction: it waits
            // behind its StartTransaction, which is first in the queue.
            TxMessage::Stop(m) => out.send(&StopTransactionOut {
                stop: m,
                aligned: &self.stop_data,
            })?,
        }
        Ok(Some(Token::Queued {
            local: message.local(),
        }))
    }

    fn poll_authorize(&mut self, out: &mut Outgoing<'_>) -> Result<Option<Token>, EncodeError> {
        for (i, s) in self.sessions.iter_mut().enumerate() {
            let connector = u8::try_from(i + 1).unwrap_or(u8::MAX);
            let pending = match (&mut s.phase, s.room.as_deref_mut()) {
                (Phase::Authorizing { sent }, Some(r)) => Some((r.id_tag, sent)),
                (Phase::Running, Some(r)) => r.stop_tag.as_mut().map(|(t, sent)| (*t, sent)),
                _ => None,
            };
            if let Some((id_tag, sent)) = pending.filter(|(_, sent)| !**sent) {
                out.send(&AuthorizeRequest { id_tag })?;
                *sent = true;
                return Ok(Some(Token::Authorize { connector }));
            }
        }
        Ok(None)
    }
}

/// The wall clock at `cx.now`, or the Unix epoch plus our monotonic time
/// while the central system has not told us the time yet.
fn wall(cx: &Cx<'_, impl Allocator>) -> DateTime {
    cx.wall.unwrap_or_else(|| {
        DateTime::from_unix_millis(i64::try_from(cx.now.as_millis()).unwrap_or(i64::MAX))
    })
}

/// The energy register in whole Wh for StartTransaction and StopTransaction.
fn energy_wh(readings: &Readings) -> i32 {
    let wh = readings
        .get(Measurand::EnergyActiveImportRegister)
        .map_or(0, Value::whole);
    i32::try_from(wh).unwrap_or(i32::MAX)
}

/// The firmware's form of an event of this block.
pub(crate) fn event(e: TxEvent) -> crate::Event {
    use crate::Event;
    match e {
        TxEvent::Energy { connector, on } => Event::Energy { connector, on },
        TxEvent::Unlock { connector } => Event::Unlock { connector },
        TxEvent::Verdict {
            connector,
            verdict: Verdict::Refused(id_tag, status),
        } => Event::IdTagRefused {
            connector,
            id_tag,
            status,
        },
        TxEvent::Verdict {
            connector,
            verdict: Verdict::Unverified(id_tag, reason),
        } => Event::IdTagUnverified {
            connector,
            id_tag,
            reason,
        },
        TxEvent::Verdict {
            connector,
            verdict: Verdict::NotOwner(id_tag),
        } => Event::IdTagNotOwner { connector, id_tag },
    }
}

//! One connector's way to and through a transaction: an idTag and a cable,
//! in either order, then the transaction until a stop.

use allocator_api2::boxed::Box;
use ocpp_model::{Allocator, ChargePointStatus, DateTime, IdTagInfo, IdToken};
use serde::Serialize;

use super::answers::Verdict;
use super::meter::Readings;
use crate::time::Instant;

/// Where a connector's session stands. What an idTag or a transaction
/// holds is in the session's `room`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Phase {
    /// No idTag, no transaction.
    Idle,
    /// The idTag of the room waits for the central system's verdict
    /// (Authorize.req to send, or sent).
    Authorizing { sent: bool },
    /// The idTag of the room may start a transaction once a cable is
    /// plugged, until `until` (ConnectionTimeOut).
    Authorized { until: Option<Instant> },
    /// The room is the running transaction.
    Running,
    /// The transaction stopped, the cable is still plugged.
    Finishing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Running {
    /// The charge point's own number of the transaction.
    pub(crate) local: u32,
    pub(crate) id_tag: IdToken,
    pub(crate) parent: Option<IdToken>,
    /// Known once the StartTransaction is answered.
    pub(crate) transaction_id: Option<i32>,
    /// The StartTransaction was not Accepted and StopTransactionOnInvalidId
    /// is false: the transaction goes on, without energy.
    pub(crate) suspended: bool,
    /// When the next periodic sample is due.
    pub(crate) next_sample: Option<Instant>,
    /// StopTxnSampledData at the start, for the StopTransaction.
    pub(crate) begin: Option<(DateTime, Readings)>,
    /// Another idTag was presented to stop: its Authorize is to send or out.
    pub(crate) stop_tag: Option<(IdToken, bool)>,
    /// Its StartTransaction was given up (TransactionMessageAttempts): the
    /// central system knows nothing of it, so no message of it is sent.
    pub(crate) orphan: bool,
    /// The last known energy register (Wh) and when it was read: at the
    /// start, then at every periodic sample. A transaction that cannot
    /// resume after a power cut stops with it.
    pub(crate) last: (DateTime, i32),
}

impl Running {
    /// What fills the room claimed for a transaction until it starts.
    pub(crate) const fn claimed(id_tag: IdToken) -> Self {
        Self {
            local: 0,
            id_tag,
            parent: None,
            transaction_id: None,
            suspended: false,
            next_sample: None,
            begin: None,
            stop_tag: None,
            orphan: false,
            last: (DateTime::from_unix_millis(0), 0),
        }
    }
}

/// A connector's session state.
#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct Session<A: Allocator> {
    /// The EV is connected.
    pub(crate) plugged: bool,
    /// A cable is in the socket (with or without an EV at its other end).
    pub(crate) in_socket: bool,
    /// The EV takes no energy although it is offered.
    pub(crate) ev_suspended: bool,
    pub(crate) phase: Phase,
    /// The transaction's room in the pool, claimed with the queue's places
    /// when an idTag is presented or a remote start arrives: while
    /// Authorizing and Authorized it holds that idTag (and its parent once
    /// known), while Running the transaction. A connector without either
    /// keeps no room.
    #[serde(serialize_with = "crate::snapshot::opt_box")]
    pub(crate) room: Option<Box<Running, A>>,
    /// Whether the firmware was last told to offer energy.
    pub(crate) offering: bool,
    /// The firmware is to unlock the cable.
    pub(crate) unlock: bool,
    /// What became of a presented idTag that did not start or stop a
    /// transaction, for the firmware to show; the latest one.
    pub(crate) verdict: Option<Verdict>,
    /// The latest reading of each measurand.
    pub(crate) readings: Readings,
}

impl<A: Allocator> Session<A> {
    pub(crate) const fn new() -> Self {
        Self {
            plugged: false,
            in_socket: false,
            ev_suspended: false,
            phase: Phase::Idle,
            room: None,
            offering: false,
            unlock: false,
            verdict: None,
            readings: Readings::EMPTY,
        }
    }

    /// An idTag that was to start a transaction did not: back to idle, and
    /// the room claimed for the transaction goes back to the pool (the
    /// caller releases the queue's places).
    pub(crate) fn give_up(&mut self) {
        self.phase = Phase::Idle;
        self.room = None;
    }

    /// The idTag of the room, and its parent once known.
    pub(crate) fn claimed_tag(&self) -> Option<(IdToken, Option<IdToken>)> {
        self.room.as_ref().map(|r| (r.id_tag, r.parent))
    }

    pub(crate) fn is_idle(&self) -> bool {
        matches!(self.phase, Phase::Idle)
    }

    pub(crate) fn running(&self) -> Option<&Running> {
        match self.phase {
            Phase::Running => self.room.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn running_mut(&mut self) -> Option<&mut Running> {
        match self.phase {
            Phase::Running => self.room.as_deref_mut(),
            _ => None,
        }
    }

    /// ConnectionTimeOut: the idTag authorized without a cable has waited
    /// its time out at `now`.
    pub(crate) fn connection_timed_out(&self, now: Instant) -> bool {
        matches!(self.phase, Phase::Authorized { until: Some(until), .. } if until <= now)
    }

    /// When the periodic sample (MeterValueSampleInterval) of the running
    /// transaction (not an orphan) fell due, if it did by `now`.
    pub(crate) fn sample_due(&self, now: Instant) -> Option<Instant> {
        self.running()
            .filter(|r| !r.orphan)
            .and_then(|r| r.next_sample)
            .filter(|&t| t <= now)
    }

    /// The transaction ended: its room goes back to the pool.
    pub(crate) fn end(&mut self, phase: Phase) {
        self.phase = phase;
        self.room = None;
    }

    /// Whether the firmware should offer energy now.
    pub(crate) fn wants_energy(&self) -> bool {
        self.running().is_some_and(|r| !r.suspended)
    }

    /// The status this session puts the connector in (before faults and
    /// availability, which the connector block lays over it).
    pub(crate) fn status(&self) -> ChargePointStatus {
        match self.phase {
            Phase::Running if self.running().is_some_and(|r| r.suspended) => {
                ChargePointStatus::SuspendedEVSE
            }
            Phase::Running if self.ev_suspended || !self.plugged => ChargePointStatus::SuspendedEV,
            Phase::Running => ChargePointStatus::Charging,
            Phase::Finishing => ChargePointStatus::Finishing,
            Phase::Authorized { .. } | Phase::Authorizing { .. } => ChargePointStatus::Preparing,
            Phase::Idle if self.plugged => ChargePointStatus::Preparing,
            Phase::Idle => ChargePointStatus::Available,
        }
    }

    /// Whether `id_tag` may stop the running transaction without asking:
    /// the same idTag, or one with the same parent known from `info`.
    pub(crate) fn may_stop(&self, id_tag: &IdToken, info: Option<&IdTagInfo>) -> bool {
        let Some(r) = self.running() else {
            return false;
        };
        if r.id_tag.eq_ignore_case(id_tag.as_str()) {
            return true;
        }
        same_parent(info.and_then(|i| i.parent_id_tag), r.parent)
    }
}

/// Whether two idTags share a known parent (compared as OCPP compares
/// idTags, ignoring case).
pub(crate) fn same_parent(a: Option<IdToken>, b: Option<IdToken>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a.eq_ignore_case(b.as_str()))
}

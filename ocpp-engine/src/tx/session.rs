//! One connector's way to and through a transaction: an idTag and a cable,
//! in either order, then the transaction until a stop.

use allocator_api2::boxed::Box;
use ocpp_model::{Allocator, ChargePointStatus, DateTime, IdTagInfo, IdToken};
use serde::Serialize;

use super::answers::Verdict;
use super::meter::Readings;
use crate::time::Instant;

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) enum Phase<A: Allocator> {
    /// No idTag, no transaction.
    Idle,
    /// The idTag of the claimed room waits for the central system's
    /// verdict (Authorize.req to send, or sent).
    Authorizing { sent: bool },
    /// The idTag of the claimed room may start a transaction once a cable
    /// is plugged, until `until` (ConnectionTimeOut).
    Authorized { until: Option<Instant> },
    /// In the pool, in the room claimed with the queue's places: a
    /// connector without a transaction keeps no room for one.
    Running(#[serde(serialize_with = "crate::snapshot::boxed")] Box<Running, A>),
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
    pub(crate) phase: Phase<A>,
    /// The room for the transaction, claimed with the queue's places while
    /// an idTag is being authorized or waits for a cable: it holds that
    /// idTag (and its parent once known).
    #[serde(serialize_with = "crate::snapshot::opt_box")]
    pub(crate) claimed: Option<Box<Running, A>>,
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
            claimed: None,
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
        self.claimed = None;
    }

    /// The idTag of the claimed room, and its parent once known.
    pub(crate) fn claimed_tag(&self) -> Option<(IdToken, Option<IdToken>)> {
        self.claimed.as_ref().map(|r| (r.id_tag, r.parent))
    }

    pub(crate) fn is_idle(&self) -> bool {
        matches!(self.phase, Phase::Idle)
    }

    pub(crate) fn running(&self) -> Option<&Running> {
        match &self.phase {
            Phase::Running(r) => Some(r),
            _ => None,
        }
    }

    pub(crate) fn running_mut(&mut self) -> Option<&mut Running> {
        match &mut self.phase {
            Phase::Running(r) => Some(r),
            _ => None,
        }
    }

    /// Whether the firmware should offer energy now.
    pub(crate) fn wants_energy(&self) -> bool {
        self.running().is_some_and(|r| !r.suspended)
    }

    /// The status this session puts the connector in (before faults and
    /// availability, which the connector block lays over it).
    pub(crate) fn status(&self) -> ChargePointStatus {
        match &self.phase {
            Phase::Running(r) if r.suspended => ChargePointStatus::SuspendedEVSE,
            Phase::Running(_) if self.ev_suspended || !self.plugged => {
                ChargePointStatus::SuspendedEV
            }
            Phase::Running(_) => ChargePointStatus::Charging,
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

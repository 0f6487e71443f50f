//! The transaction message queue (OCPP 1.6 §3.7): StartTransaction,
//! transaction MeterValues and StopTransaction, delivered in order, retried
//! per TransactionMessageAttempts and TransactionMessageRetryInterval.
//!
//! Memory: the queue is a pool vector that exists only while something is
//! queued or promised. A session that may start a transaction first
//! *claims* two places (its StartTransaction and its StopTransaction), so
//! those two can always be queued without an allocation: a StopTransaction
//! is never lost for lack of memory or room. A periodic sample takes a place
//! only if one can be had at that moment, else it is skipped and counted.
//! The number of places, queued and claimed, is bounded by
//! [`Config::max_queued_messages`](crate::Config::max_queued_messages).
//!
//! Storage: a delivered MeterValues stays at the front, marked delivered,
//! until the queue changes otherwise (the next sample, the stop), so that
//! its delivery alone writes no record: the transactions record is written
//! once per sample, not twice. After a power cut such a message may be sent
//! again, the same (OCPP lets a charge point resend what it cannot know
//! was acknowledged). StartTransaction and StopTransaction leave at once.

use allocator_api2::vec::Vec;
use ocpp_model::Allocator;
use serde::Serialize;

use super::message::TxMessage;
use crate::time::{Duration, Instant};

/// Why a place in the queue could not be had. Nothing changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Full {
    /// The bound of the queue is reached.
    Bound,
    /// The pool refused the memory.
    OutOfMemory,
}

#[derive(Debug, Serialize)]
pub(crate) struct Queued {
    pub(crate) message: TxMessage,
    /// Sends that the central system failed to process.
    attempts: u8,
    /// Not before this instant (after a failure).
    retry_at: Option<Instant>,
}

impl Queued {
    /// A message not sent yet.
    fn new(message: TxMessage) -> Self {
        Self {
            message,
            attempts: 0,
            retry_at: None,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct Queue<A: Allocator + Clone> {
    #[serde(serialize_with = "crate::snapshot::slice")]
    entries: Vec<Queued, A>,
    /// The first `delivered` entries were delivered (MeterValues kept for
    /// the record, see the module documentation).
    delivered: u16,
    /// Places promised to sessions, within `entries`' spare capacity.
    claims: u8,
    #[serde(skip)]
    max: u8,
    /// Periodic samples skipped because no place could be had.
    skipped: u32,
    /// Messages discarded after TransactionMessageAttempts failures.
    discarded: u32,
}

impl<A: Allocator + Clone> Queue<A> {
    /// How many entries at the front were delivered.
    fn done(&self) -> usize {
        usize::from(self.delivered)
    }

    pub(crate) fn new(max: u8, alloc: A) -> Self {
        Self {
            entries: Vec::new_in(alloc),
            delivered: 0,
            claims: 0,
            max,
            skipped: 0,
            discarded: 0,
        }
    }

    fn used(&self) -> usize {
        self.entries.len() - self.done() + usize::from(self.claims)
    }

    /// Takes the delivered messages out: the queue changes anyway.
    fn purge(&mut self) {
        if self.delivered > 0 {
            self.entries.drain(..self.done());
            self.delivered = 0;
            self.shrink_if_idle();
        }
    }

    /// Promises `n` places for later `push_claimed`: all or nothing.
    pub(crate) fn claim(&mut self, n: u8) -> Result<(), Full> {
        // A refusal changes nothing, not even the delivered entries kept
        // for the record (found by fuzzing: a QueueFull took them out).
        // `used` does not count them.
        if self.used() + usize::from(n) > usize::from(self.max) {
            return Err(Full::Bound);
        }
        // Exact: a place is about 190 bytes, and the two of a transaction
        // are what it needs (amortized growth would take four). Reserved
        // before the purge, so that a refused allocation leaves the
        // delivered entries in place. The cost: when the vector must grow
        // while delivered MeterValues are kept (another connector's
        // transaction runs), it grows by their places too, until the
        // queue is idle again.
        let wanted = self.len() + usize::from(self.claims) + usize::from(n);
        if self.entries.capacity() < wanted {
            self.entries
                .try_reserve_exact(usize::from(self.claims) + usize::from(n))
                .map_err(|_| Full::OutOfMemory)?;
        }
        // Claimed first: the purge must not give the places back.
        self.claims += n;
        self.purge();
        Ok(())
    }

    /// Gives back `n` promised places that will not be used.
    pub(crate) fn release(&mut self, n: u8) {
        if n == 0 {
            return;
        }
        self.purge();
        self.claims = self.claims.saturating_sub(n);
        self.shrink_if_idle();
    }

    /// Queues a message in a claimed place: cannot fail.
    pub(crate) fn push_claimed(&mut self, message: TxMessage) {
        debug_assert!(self.claims > 0, "push_claimed without a claim");
        self.purge();
        self.claims = self.claims.saturating_sub(1);
        // A claim keeps a place of capacity free (see `claim`).
        let pushed = self.entries.push_within_capacity(Queued::new(message));
        debug_assert!(pushed.is_ok());
    }

    /// Queues a message if a place can be had now; otherwise it is counted
    /// as skipped and `false` returned.
    pub(crate) fn push_if_room(&mut self, message: TxMessage) -> bool {
        self.purge();
        let room = self.used() < usize::from(self.max)
            && self
                .entries
                .try_reserve_exact(usize::from(self.claims) + 1)
                .is_ok();
        if !room {
            self.skipped = self.skipped.saturating_add(1);
            return false;
        }
        let pushed = self.entries.push_within_capacity(Queued::new(message));
        debug_assert!(pushed.is_ok());
        true
    }

    /// Makes room for `n` more messages now, all or none: `false` when the
    /// bound or the pool does not allow it (nothing changed then).
    pub(crate) fn room_for(&mut self, n: usize) -> bool {
        self.purge();
        self.used() + n <= usize::from(self.max)
            && self
                .entries
                .try_reserve_exact(usize::from(self.claims) + n)
                .is_ok()
    }

    /// The message to send now, if any: the oldest, unless it waits for a retry.
    pub(crate) fn front(&self, now: Instant) -> Option<&TxMessage> {
        let e = self.entries.get(self.done())?;
        e.retry_at.is_none_or(|t| t <= now).then_some(&e.message)
    }

    /// When the oldest message may be sent again after a failure.
    pub(crate) fn poll_at(&self) -> Option<Instant> {
        self.entries.get(self.done()).and_then(|e| e.retry_at)
    }

    /// How many messages are queued (not delivered yet).
    pub(crate) fn len(&self) -> usize {
        self.entries.len() - self.done()
    }

    /// Every queued message, oldest first, for filling in a transactionId.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut TxMessage> {
        self.purge();
        self.entries.iter_mut().map(|e| &mut e.message)
    }

    /// The oldest MeterValues was delivered: it stays, marked, until the
    /// queue changes otherwise (at once when nothing else is queued or
    /// promised, so that an idle charge point holds no queue memory).
    pub(crate) fn deliver_front(&mut self) {
        if self.done() < self.entries.len() {
            self.delivered += 1;
        }
        if self.done() == self.entries.len() && self.claims == 0 {
            self.purge();
        }
    }

    /// The oldest message was delivered (or is given up): take it out.
    pub(crate) fn pop_front(&mut self) -> Option<TxMessage> {
        self.purge();
        if self.entries.is_empty() {
            return None;
        }
        let e = self.entries.remove(0);
        self.shrink_if_idle();
        Some(e.message)
    }

    /// Discards every queued message of transaction `local` (its
    /// StartTransaction was given up, so they cannot carry its id).
    pub(crate) fn discard_local(&mut self, local: u32) {
        self.purge();
        let before = self.entries.len();
        self.entries.retain(|e| e.message.local() != local);
        let gone = before - self.entries.len();
        self.discarded = self
            .discarded
            .saturating_add(u32::try_from(gone).unwrap_or(u32::MAX));
        self.shrink_if_idle();
    }

    /// The central system failed to process the oldest message (or did
    /// not answer): wait `interval` × the number of sends so far, and give
    /// it up after `attempts` sends. Returns the message when given up.
    pub(crate) fn failed(
        &mut self,
        now: Instant,
        attempts: u8,
        interval: Duration,
    ) -> Option<TxMessage> {
        let done = self.done();
        let e = self.entries.get_mut(done)?;
        e.attempts = e.attempts.saturating_add(1);
        if e.attempts >= attempts.max(1) {
            self.discarded = self.discarded.saturating_add(1);
            return self.pop_front();
        }
        let wait = interval.as_millis().saturating_mul(u64::from(e.attempts));
        e.retry_at = Some(now + Duration::from_millis(wait));
        None
    }

    /// Every queued message and its failed sends, oldest first (the record).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&TxMessage, u8)> {
        self.entries.iter().map(|e| (&e.message, e.attempts))
    }

    /// Memory for `n` restored messages and `claims` promised places, all or
    /// nothing; the restored ones may exceed the bound (a message is never
    /// dropped because this build queues fewer).
    pub(crate) fn reserve_restored(&mut self, n: usize, claims: u8) -> Result<(), ()> {
        debug_assert_eq!(self.delivered, 0, "restored into a fresh queue");
        self.entries
            .try_reserve_exact(n + usize::from(self.claims) + usize::from(claims))
            .map_err(|_| ())?;
        self.claims += claims;
        Ok(())
    }

    /// A restored message, in the place [`reserve_restored`](Self::reserve_restored) made.
    pub(crate) fn push_restored(&mut self, message: TxMessage, attempts: u8) {
        let pushed = self.entries.push_within_capacity(Queued {
            message,
            attempts,
            retry_at: None,
        });
        debug_assert!(pushed.is_ok());
    }

    /// Periodic samples skipped so far for want of a place.
    pub(crate) fn skipped(&self) -> u32 {
        self.skipped
    }

    /// Messages given up after their attempts.
    pub(crate) fn discarded(&self) -> u32 {
        self.discarded
    }

    /// An idle charge point holds no queue memory.
    fn shrink_if_idle(&mut self) {
        if self.entries.is_empty() && self.claims == 0 && self.entries.capacity() > 0 {
            self.entries = Vec::new_in(self.entries.allocator().clone());
        }
    }
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;

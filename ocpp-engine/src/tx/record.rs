//! The transactions record: the running transactions, the message queue and
//! the next transaction number, and how a charge point comes back from it
//! after a power cut (resumed, or stopped with reason PowerLoss).
//!
//! Record form: model types as their wire text (idTags, measurands,
//! reasons), date-times as Unix milliseconds; so a later build reads them
//! whatever its own layout. Instants (deadlines) are not stored: they mean
//! nothing after a reboot.

use allocator_api2::boxed::Box;
use ocpp_model::{Allocator, DateTime, Measurand, ReadingContext, Reason};
use serde::{Deserialize, Serialize};

use super::message::{Meter, Start, Stop, TxMessage};
use super::meter::{MeterReading, Readings, Value};
use super::session::{Phase, Running};
use super::stop_data::Aligned;
use super::Transactions;
use crate::storage::{Dropped, Reader, Seq};
use crate::time::Instant;

#[path = "record_values.rs"]
mod values;
use values::{millis, tag, ReadingsFormat, ReadingsRec, ReadingsRecV1, Tag};

type Begin<R = ReadingsRec> = Option<(i64, R)>;

fn begin_rec(b: &Option<(DateTime, Readings)>) -> Begin {
    b.as_ref().map(|(t, r)| (millis(*t), ReadingsRec::of(r)))
}

fn begin_of<R: ReadingsFormat>(b: &Begin<R>) -> Result<Option<(DateTime, Readings)>, Dropped> {
    b.as_ref()
        .map(|(t, r)| Ok((DateTime::from_unix_millis(*t), r.readings()?)))
        .transpose()
}

/// A running transaction in the record; `R`: the layout of its readings
/// (this version's, or version 1's when a record of it is read).
#[derive(Serialize, Deserialize)]
struct RunningRec<'a, R = ReadingsRec> {
    connector: u8,
    local: u32,
    #[serde(borrow)]
    id_tag: Tag<'a>,
    #[serde(borrow)]
    parent: Option<Tag<'a>>,
    transaction_id: Option<i32>,
    suspended: bool,
    begin: Begin<R>,
    orphan: bool,
    /// The last known meter value (Wh) and when it was read.
    last: (i64, i32),
}

/// A StopTxnAlignedData sample in the record (version 3 on).
#[derive(Serialize, Deserialize)]
struct AlignedRec {
    local: u32,
    timestamp: i64,
    values: ReadingsRec,
}

impl AlignedRec {
    fn of(a: &Aligned) -> AlignedRec {
        AlignedRec {
            local: a.local,
            timestamp: millis(a.timestamp),
            values: ReadingsRec::of(&a.values),
        }
    }

    fn sample(&self) -> Result<Aligned, Dropped> {
        Ok(Aligned {
            local: self.local,
            timestamp: DateTime::from_unix_millis(self.timestamp),
            values: self.values.readings()?,
        })
    }
}

// Lives on the stack only while one message is written or read: the size
// of its largest variant (two samples of readings) is what it costs.
#[allow(clippy::large_enum_variant)]
#[derive(Serialize, Deserialize)]
enum MessageRec<'a, R = ReadingsRec> {
    Start {
        local: u32,
        connector: u8,
        #[serde(borrow)]
        id_tag: Tag<'a>,
        meter_start: i32,
        timestamp: i64,
    },
    Meter {
        local: u32,
        connector: u8,
        transaction_id: Option<i32>,
        timestamp: i64,
        context: &'a str,
        values: R,
    },
    Stop {
        local: u32,
        transaction_id: Option<i32>,
        #[serde(borrow)]
        id_tag: Option<Tag<'a>>,
        meter_stop: i32,
        timestamp: i64,
        reason: &'a str,
        begin: Begin<R>,
        end: R,
    },
}

impl MessageRec<'_> {
    fn of(m: &TxMessage) -> MessageRec<'_> {
        match m {
            TxMessage::Start(m) => MessageRec::Start {
                local: m.local,
                connector: m.connector,
                id_tag: Tag::of(&m.id_tag),
                meter_start: m.meter_start,
                timestamp: millis(m.timestamp),
            },
            TxMessage::Meter(m) => MessageRec::Meter {
                local: m.local,
                connector: m.connector,
                transaction_id: m.transaction_id,
                timestamp: millis(m.timestamp),
                context: m.context.as_str(),
                values: ReadingsRec::of(&m.values),
            },
            TxMessage::Stop(m) => MessageRec::Stop {
                local: m.local,
                transaction_id: m.transaction_id,
                id_tag: m.id_tag.as_ref().map(Tag::of),
                meter_stop: m.meter_stop,
                timestamp: millis(m.timestamp),
                reason: m.reason.as_str(),
                begin: begin_rec(&m.begin),
                end: ReadingsRec::of(&m.end),
            },
        }
    }
}

impl<R: ReadingsFormat> MessageRec<'_, R> {
    fn message(&self) -> Result<TxMessage, Dropped> {
        let at = DateTime::from_unix_millis;
        Ok(match *self {
            MessageRec::Start {
                local,
                connector,
                id_tag,
                meter_start,
                timestamp,
            } => TxMessage::Start(Start {
                local,
                connector,
                id_tag: tag(id_tag)?,
                meter_start,
                timestamp: at(timestamp),
            }),
            MessageRec::Meter {
                local,
                connector,
                transaction_id,
                timestamp,
                context,
                values,
            } => TxMessage::Meter(Meter {
                local,
                connector,
                transaction_id,
                timestamp: at(timestamp),
                context: ReadingContext::parse(context).map_err(|_| Dropped::Invalid)?,
                values: values.readings()?,
            }),
            MessageRec::Stop {
                local,
                transaction_id,
                id_tag,
                meter_stop,
                timestamp,
                reason,
                ref begin,
                end,
            } => TxMessage::Stop(Stop {
                local,
                transaction_id,
                id_tag: id_tag.map(tag).transpose()?,
                meter_stop,
                timestamp: at(timestamp),
                reason: Reason::parse(reason).map_err(|_| Dropped::Invalid)?,
                begin: begin_of(begin)?,
                end: end.readings()?,
            }),
        })
    }
}

impl<R: ReadingsFormat> RunningRec<'_, R> {
    fn running(&self) -> Result<Running, Dropped> {
        let last = (DateTime::from_unix_millis(self.last.0), self.last.1);
        Ok(Running {
            local: self.local,
            id_tag: tag(self.id_tag)?,
            parent: self.parent.map(tag).transpose()?,
            transaction_id: self.transaction_id,
            suspended: self.suspended,
            next_sample: None,
            begin: begin_of(&self.begin)?,
            stop_tag: None,
            orphan: self.orphan,
            last,
        })
    }
}

impl<A: Allocator + Clone> Transactions<A> {
    /// Gives back the rooms a failed restore took.
    fn drop_rooms(&mut self) {
        for s in self.sessions.iter_mut() {
            s.room = None;
        }
    }

    /// The record's body: `(next_local, running, queue, aligned)`; `None`
    /// when nothing runs and nothing is queued.
    pub(crate) fn record(&self) -> Option<impl Serialize + '_> {
        let running = || {
            self.sessions.iter().enumerate().filter_map(|(i, s)| {
                let r = s.running()?;
                Some(RunningRec {
                    connector: u8::try_from(i + 1).unwrap_or(u8::MAX),
                    local: r.local,
                    id_tag: Tag::of(&r.id_tag),
                    parent: r.parent.as_ref().map(Tag::of),
                    transaction_id: r.transaction_id,
                    suspended: r.suspended,
                    begin: begin_rec(&r.begin),
                    orphan: r.orphan,
                    last: (millis(r.last.0), r.last.1),
                })
            })
        };
        let queue = || {
            self.queue
                .entries()
                .map(|(m, attempts)| (MessageRec::of(m), attempts))
        };
        let aligned = || self.stop_data.all().iter().map(AlignedRec::of);
        let idle = running().next().is_none() && self.queue.len() == 0 && self.stop_data.is_empty();
        (!idle).then_some((self.next_local, Seq(running), Seq(queue), Seq(aligned)))
    }

    /// Restores the record `body`: the queue as it was, each running
    /// transaction resumed when `resume(connector)` says the EV is still
    /// there and the meter continuous, else stopped with reason PowerLoss
    /// at its last known meter value and time (so is one on a connector
    /// this build does not have; `resume` is not asked). All or nothing: on `Err`
    /// nothing changed. Returns how many were resumed and stopped.
    ///
    /// `version` is the record's: versions 1 (readings without phase and
    /// location) and 2 (no StopTxnAlignedData samples) are read too, and
    /// written back as this version's at the next persist.
    pub(crate) fn restore(
        &mut self,
        version: u8,
        body: &[u8],
        now: Instant,
        interval: crate::Duration,
        resume: &mut dyn FnMut(u8) -> bool,
    ) -> Result<(u8, u8), RestoreFail> {
        // One call for each layout of readings: each is large, and two
        // inlined copies would stack both frames (found on the Cortex-M0).
        match version {
            1 => self.restore_as::<ReadingsRecV1>(body, false, now, interval, resume),
            v => self.restore_as::<ReadingsRec>(body, v >= 3, now, interval, resume),
        }
    }

    fn restore_as<R: ReadingsFormat>(
        &mut self,
        body: &[u8],
        with_aligned: bool,
        now: Instant,
        interval: crate::Duration,
        resume: &mut dyn FnMut(u8) -> bool,
    ) -> Result<(u8, u8), RestoreFail> {
        let parts = self.check::<R>(body, with_aligned)?;
        let resumes = self.take_memory::<R>(&parts, resume)?;
        // Commit: everything was checked and allocated, nothing below fails.
        Ok(self.commit::<R>(parts, &resumes, now, interval))
    }

    /// Reads and checks every part of the record; nothing is kept yet.
    fn check<'a, R: ReadingsFormat>(
        &self,
        body: &'a [u8],
        with_aligned: bool,
    ) -> Result<Parts<'a>, Dropped> {
        let mut r = Reader::new(body);
        let next_local: u32 = r.take()?;
        let n = r.len()?;
        let running_at = r.clone();
        let mut seen = Connectors::default();
        for _ in 0..n {
            let rec: RunningRec<'_, R> = r.take()?;
            rec.running()?;
            // A connector this build does not have (a firmware update took
            // it away) is no fault of the record: its transaction is
            // stopped (`take_memory`), its messages delivered.
            if rec.connector == 0 || seen.has(rec.connector) {
                return Err(Dropped::Invalid);
            }
            seen.add(rec.connector);
        }
        let m = r.len()?;
        let queue_at = r.clone();
        for _ in 0..m {
            let (msg, _): (MessageRec<'_, R>, u8) = r.take()?;
            msg.message()?;
        }
        let k = if with_aligned { r.len()? } else { 0 };
        let aligned_at = r.clone();
        for _ in 0..k {
            r.take::<AlignedRec>()?.sample()?;
        }
        r.finish()?;
        Ok(Parts {
            next_local,
            running: (n, running_at),
            queue: (m, queue_at),
            aligned: (k, aligned_at),
        })
    }

    /// Takes what the restored state needs from the pool, all or nothing:
    /// a room for each transaction that resumes (`resume` says which), the
    /// queue's messages and a place for each running transaction's
    /// StopTransaction (as `present` claimed it), the samples' store.
    /// Returns the connectors that resume.
    fn take_memory<R: ReadingsFormat>(
        &mut self,
        parts: &Parts<'_>,
        resume: &mut dyn FnMut(u8) -> bool,
    ) -> Result<Connectors, RestoreFail> {
        let (n, ref running_at) = parts.running;
        let claims = u8::try_from(n).map_err(|_| Dropped::Invalid)?;
        let alloc = self.sessions.allocator().clone();
        let mut resumes = Connectors::default();
        let mut r = running_at.clone();
        for _ in 0..n {
            let Ok(rec) = r.take::<RunningRec<'_, R>>() else {
                continue;
            };
            let here = usize::from(rec.connector) <= self.sessions.len();
            let (Ok(running), true) = (rec.running(), here && resume(rec.connector)) else {
                continue;
            };
            let room = Box::try_new_in(running, alloc.clone());
            let (Ok(room), Some(s)) = (room, self.sessions.get_mut(usize::from(rec.connector) - 1))
            else {
                self.drop_rooms();
                return Err(RestoreFail::OutOfMemory);
            };
            s.room = Some(room);
            resumes.add(rec.connector);
        }
        if self
            .stop_data
            .reserve_restored(parts.aligned.0, &alloc)
            .is_err()
        {
            self.drop_rooms();
            return Err(RestoreFail::OutOfMemory);
        }
        if self.queue.reserve_restored(parts.queue.0, claims).is_err() {
            self.drop_rooms();
            self.stop_data.forget();
            return Err(RestoreFail::OutOfMemory);
        }
        Ok(resumes)
    }

    /// Puts the checked record in place, in the memory `take_memory` took;
    /// returns how many transactions resumed and stopped.
    fn commit<R: ReadingsFormat>(
        &mut self,
        parts: Parts<'_>,
        resumes: &Connectors,
        now: Instant,
        interval: crate::Duration,
    ) -> (u8, u8) {
        let (m, mut r) = parts.queue;
        for _ in 0..m {
            if let Ok((msg, attempts)) = r.take::<(MessageRec<'_, R>, u8)>() {
                if let Ok(msg) = msg.message() {
                    self.queue.push_restored(msg, attempts);
                }
            }
        }
        let (k, mut r) = parts.aligned;
        for _ in 0..k {
            if let Ok(sample) = r.take::<AlignedRec>().and_then(|a| a.sample()) {
                self.stop_data.push_restored(sample);
            }
        }
        self.next_local = parts.next_local.max(1);
        let (mut resumed, mut stopped) = (0, 0);
        let (n, mut r) = parts.running;
        for _ in 0..n {
            let Ok(rec) = r.take::<RunningRec<'_, R>>() else {
                continue;
            };
            let Ok(running) = rec.running() else {
                continue;
            };
            if resumes.has(rec.connector) {
                self.resume(rec.connector, running, now, interval);
                resumed += 1;
            } else {
                self.stop_lost(running);
                stopped += 1;
            }
        }
        // Samples no StopTransaction will carry (an orphan's) go.
        self.prune_stop_data();
        (resumed, stopped)
    }

    /// The transaction of `connector` runs on, in the room `take_memory` made.
    fn resume(
        &mut self,
        connector: u8,
        mut running: Running,
        now: Instant,
        interval: crate::Duration,
    ) {
        let s = &mut self.sessions[usize::from(connector) - 1];
        let Some(mut room) = s.room.take() else {
            debug_assert!(false, "a resumed transaction without its room");
            return;
        };
        // An orphan samples nothing (see `Transactions::orphan`): a sample
        // due for it would never be taken, and the integrator's loop would
        // spin on it (found by fuzzing).
        let samples = !interval.is_zero() && !running.orphan;
        running.next_sample = samples.then(|| now + interval);
        // Until the firmware reads the meter again, the last value known
        // stands: a stop never reports less than was sampled.
        let last = Value::from_units(i64::from(running.last.1));
        s.readings.set(MeterReading::new(
            Measurand::EnergyActiveImportRegister,
            last,
        ));
        s.plugged = true;
        s.in_socket = true;
        *room = running;
        s.room = Some(room);
        s.phase = Phase::Running;
    }

    /// A transaction that cannot resume stops with PowerLoss at its last
    /// known meter value and time, in the place claimed for its stop.
    fn stop_lost(&mut self, running: Running) {
        if running.orphan {
            // No id to stop: the place it held goes back.
            self.queue.release(1);
            return;
        }
        self.queue.push_claimed(TxMessage::Stop(Stop {
            local: running.local,
            transaction_id: running.transaction_id,
            id_tag: None,
            meter_stop: running.last.1,
            timestamp: running.last.0,
            reason: Reason::PowerLoss,
            begin: running.begin,
            end: Readings::EMPTY,
        }));
    }
}

/// Where each part of a checked record starts, and its length.
struct Parts<'a> {
    next_local: u32,
    running: (usize, Reader<'a>),
    queue: (usize, Reader<'a>),
    aligned: (usize, Reader<'a>),
}

/// A set of connectors (1 to 255), one bit each.
#[derive(Default)]
struct Connectors([u8; 32]);

impl Connectors {
    fn add(&mut self, c: u8) {
        self.0[usize::from(c / 8)] |= 1 << (c % 8);
    }

    fn has(&self, c: u8) -> bool {
        self.0[usize::from(c / 8)] & 1 << (c % 8) != 0
    }
}

/// Why the transactions record was not restored.
pub(crate) enum RestoreFail {
    /// The pool refused: the whole restore fails.
    OutOfMemory,
    /// The record is unusable: dropped and reported.
    Dropped(Dropped),
}

impl From<Dropped> for RestoreFail {
    fn from(d: Dropped) -> Self {
        RestoreFail::Dropped(d)
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;

//! The transactions record: the running transactions, the message queue and
//! the next transaction number, and how a charge point comes back from it
//! after a power cut (resumed, or stopped with reason PowerLoss).
//!
//! Record form: model types as their wire text (idTags, measurands,
//! reasons), date-times as Unix milliseconds; so a later build reads them
//! whatever its own layout. Instants (deadlines) are not stored: they mean
//! nothing after a reboot.

use allocator_api2::boxed::Box;
use ocpp_model::{
    Allocator, DateTime, IdToken, Location, Measurand, Phase as Line, ReadingContext, Reason,
};
use serde::{Deserialize, Serialize};

use super::message::{Meter, Start, Stop, TxMessage};
use super::meter::{MeterReading, Readings, Value, MAX_READINGS};
use super::session::{Phase, Running};
use super::Transactions;
use crate::storage::{Dropped, Reader, Seq};
use crate::time::Instant;

/// A sample's readings: each one's measurand by its place in the
/// specification's list ([`Measurand::ALL`], fixed by OCPP 1.6), its phase
/// and location likewise (one plus the place, 0 for none; the phase in the
/// low four bits), and its value in thousandths.
#[derive(Clone, Copy, Serialize, Deserialize)]
struct ReadingsRec([Option<(u8, u8, i64)>; MAX_READINGS]);

/// The place of `v` in `all`, plus one; 0 for `None`.
fn place<T: PartialEq>(all: &[T], v: Option<T>) -> u8 {
    v.and_then(|v| all.iter().position(|a| *a == v))
        .and_then(|i| u8::try_from(i + 1).ok())
        .unwrap_or(0)
}

/// The value at `place` (see [`place`]) of `all`.
fn at_place<T: Copy>(all: &[T], place: u8) -> Result<Option<T>, Dropped> {
    match place.checked_sub(1) {
        None => Ok(None),
        Some(i) => all
            .get(usize::from(i))
            .copied()
            .map(Some)
            .ok_or(Dropped::Invalid),
    }
}

impl ReadingsRec {
    fn of(r: &Readings) -> ReadingsRec {
        let mut out = [None; MAX_READINGS];
        for (slot, r) in out.iter_mut().zip(r.iter()) {
            let m = place(Measurand::ALL, Some(r.measurand)).wrapping_sub(1);
            let where_ = place(Line::ALL, r.phase) | place(Location::ALL, r.location) << 4;
            *slot = Some((m, where_, r.value.as_milli()));
        }
        ReadingsRec(out)
    }

    fn readings(&self) -> Result<Readings, Dropped> {
        let mut out = Readings::EMPTY;
        for &(m, where_, milli) in self.0.iter().flatten() {
            let measurand = Measurand::ALL.get(usize::from(m)).ok_or(Dropped::Invalid)?;
            let mut r = MeterReading::new(*measurand, Value::from_milli(milli));
            r.phase = at_place(Line::ALL, where_ & 0xf)?;
            r.location = at_place(Location::ALL, where_ >> 4)?;
            out.set(r);
        }
        Ok(out)
    }
}

fn millis(t: DateTime) -> i64 {
    t.unix_millis()
}

fn tag(s: &str) -> Result<IdToken, Dropped> {
    IdToken::try_from_str(s).map_err(|_| Dropped::Invalid)
}

type Begin = Option<(i64, ReadingsRec)>;

fn begin_rec(b: &Option<(DateTime, Readings)>) -> Begin {
    b.as_ref().map(|(t, r)| (millis(*t), ReadingsRec::of(r)))
}

fn begin_of(b: &Begin) -> Result<Option<(DateTime, Readings)>, Dropped> {
    b.as_ref()
        .map(|(t, r)| Ok((DateTime::from_unix_millis(*t), r.readings()?)))
        .transpose()
}

#[derive(Serialize, Deserialize)]
struct RunningRec<'a> {
    connector: u8,
    local: u32,
    id_tag: &'a str,
    #[serde(borrow)]
    parent: Option<&'a str>,
    transaction_id: Option<i32>,
    suspended: bool,
    begin: Begin,
    orphan: bool,
    /// The last known meter value (Wh) and when it was read.
    last: (i64, i32),
}

// Lives on the stack only while one message is written or read: the size
// of its largest variant (two samples of readings) is what it costs.
#[allow(clippy::large_enum_variant)]
#[derive(Serialize, Deserialize)]
enum MessageRec<'a> {
    Start {
        local: u32,
        connector: u8,
        id_tag: &'a str,
        meter_start: i32,
        timestamp: i64,
    },
    Meter {
        local: u32,
        connector: u8,
        transaction_id: Option<i32>,
        timestamp: i64,
        context: &'a str,
        values: ReadingsRec,
    },
    Stop {
        local: u32,
        transaction_id: Option<i32>,
        #[serde(borrow)]
        id_tag: Option<&'a str>,
        meter_stop: i32,
        timestamp: i64,
        reason: &'a str,
        begin: Begin,
        end: ReadingsRec,
    },
}

impl MessageRec<'_> {
    fn of(m: &TxMessage) -> MessageRec<'_> {
        match m {
            TxMessage::Start(m) => MessageRec::Start {
                local: m.local,
                connector: m.connector,
                id_tag: m.id_tag.as_str(),
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
                id_tag: m.id_tag.as_ref().map(IdToken::as_str),
                meter_stop: m.meter_stop,
                timestamp: millis(m.timestamp),
                reason: m.reason.as_str(),
                begin: begin_rec(&m.begin),
                end: ReadingsRec::of(&m.end),
            },
        }
    }

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

impl RunningRec<'_> {
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

    /// The record's body: `(next_local, running, queue)`; `None` when nothing
    /// runs and nothing is queued.
    pub(crate) fn record(&self) -> Option<impl Serialize + '_> {
        let running = || {
            self.sessions.iter().enumerate().filter_map(|(i, s)| {
                let r = s.running()?;
                Some(RunningRec {
                    connector: u8::try_from(i + 1).unwrap_or(u8::MAX),
                    local: r.local,
                    id_tag: r.id_tag.as_str(),
                    parent: r.parent.as_ref().map(IdToken::as_str),
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
        let idle = running().next().is_none() && self.queue.len() == 0;
        (!idle).then_some((self.next_local, Seq(running), Seq(queue)))
    }

    /// Restores the record `body`: the queue as it was, each running
    /// transaction resumed when `resume(connector)` says the EV is still
    /// there and the meter continuous, else stopped with reason PowerLoss
    /// at its last known meter value and time. All or nothing: on `Err`
    /// nothing changed. Returns how many were resumed and stopped.
    pub(crate) fn restore(
        &mut self,
        body: &[u8],
        now: Instant,
        interval: crate::Duration,
        resume: &mut dyn FnMut(u8) -> bool,
    ) -> Result<(u8, u8), RestoreFail> {
        // First every part is read and checked; nothing is kept yet.
        let mut r = Reader::new(body);
        let next_local: u32 = r.take()?;
        let n = r.len()?;
        let running_at = r.clone();
        let mut seen = [0u8; 32];
        for _ in 0..n {
            let rec: RunningRec<'_> = r.take()?;
            rec.running()?;
            let i = usize::from(rec.connector).wrapping_sub(1);
            let bit = 1u8 << (rec.connector % 8);
            let byte = &mut seen[usize::from(rec.connector / 8)];
            if i >= self.sessions.len() || *byte & bit != 0 {
                return Err(Dropped::Invalid.into());
            }
            *byte |= bit;
        }
        let m = r.len()?;
        let queue_at = r.clone();
        for _ in 0..m {
            let (msg, _): (MessageRec<'_>, u8) = r.take()?;
            msg.message()?;
        }
        r.finish()?;
        // A transaction that resumes gets its room in the pool (until the
        // commit, in its session's `claimed`: none is claimed at a restore).
        let claims = u8::try_from(n).map_err(|_| Dropped::Invalid)?;
        let mut resumes = [0u8; 32];
        let mut r = running_at.clone();
        for _ in 0..n {
            let Ok(rec) = r.take::<RunningRec<'_>>() else {
                continue;
            };
            let (Ok(running), true) = (rec.running(), resume(rec.connector)) else {
                continue;
            };
            let room = Box::try_new_in(running, self.sessions.allocator().clone());
            let (Ok(room), Some(s)) = (room, self.sessions.get_mut(usize::from(rec.connector) - 1))
            else {
                self.drop_rooms();
                return Err(RestoreFail::OutOfMemory);
            };
            s.room = Some(room);
            resumes[usize::from(rec.connector / 8)] |= 1 << (rec.connector % 8);
        }
        // The queue's memory: its messages, and a place for each running
        // transaction's StopTransaction (as `present` claimed it).
        if self.queue.reserve_restored(m, claims).is_err() {
            self.drop_rooms();
            return Err(RestoreFail::OutOfMemory);
        }
        // Commit: everything was checked, nothing below fails.
        let mut r = queue_at;
        for _ in 0..m {
            if let Ok((msg, attempts)) = r.take::<(MessageRec<'_>, u8)>() {
                if let Ok(msg) = msg.message() {
                    self.queue.push_restored(msg, attempts);
                }
            }
        }
        self.next_local = next_local.max(1);
        let (mut resumed, mut stopped) = (0, 0);
        let mut r = running_at;
        for _ in 0..n {
            let Ok(rec) = r.take::<RunningRec<'_>>() else {
                continue;
            };
            let Ok(mut running) = rec.running() else {
                continue;
            };
            let s = &mut self.sessions[usize::from(rec.connector) - 1];
            let room = s.room.take();
            let resumes = resumes[usize::from(rec.connector / 8)] & 1 << (rec.connector % 8) != 0;
            if let (true, Some(mut room)) = (resumes, room) {
                // An orphan samples nothing (see `Transactions::orphan`):
                // a sample due for it would never be taken, and the
                // integrator's loop would spin on it (found by fuzzing).
                let samples = !interval.is_zero() && !running.orphan;
                running.next_sample = samples.then(|| now + interval);
                // Until the firmware reads the meter again, the last value
                // known stands: a stop never reports less than was sampled.
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
                resumed += 1;
            } else {
                stopped += 1;
                if running.orphan {
                    // No id to stop: the place it held goes back.
                    self.queue.release(1);
                    continue;
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
        Ok((resumed, stopped))
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
mod tests {
    use super::*;
    use crate::storage::{MAX_MESSAGE_RECORD, MAX_RUNNING_RECORD};
    use crate::tx::RestoreFail;

    /// What `Config::max_queued_messages` documents of a queue place and a
    /// transaction's own state, on the 64-bit targets where it says so.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn the_documented_pool_costs_hold() {
        assert_eq!(core::mem::size_of::<TxMessage>(), 232);
        assert_eq!(core::mem::size_of::<Running>(), 200);
    }

    /// The largest readings a record can hold: every slot taken, with a
    /// phase, a location and the longest value.
    fn full() -> Readings {
        let mut r = Readings::EMPTY;
        for (i, m) in Measurand::ALL.iter().rev().take(MAX_READINGS).enumerate() {
            let phase = Line::ALL[i % Line::ALL.len()];
            let location = Location::ALL[i % Location::ALL.len()];
            let reading = MeterReading::new(*m, Value::from_milli(i64::MIN));
            assert!(r.set(reading.on(phase).at(location)));
        }
        assert_eq!(r.iter().count(), MAX_READINGS);
        r
    }

    fn len(v: &impl Serialize) -> usize {
        postcard::to_slice(v, &mut [0u8; 1024]).unwrap().len()
    }

    fn running(connector: u8) -> RunningRec<'static> {
        RunningRec {
            connector,
            local: 1,
            id_tag: "ABCD1234",
            parent: None,
            transaction_id: Some(7),
            suspended: false,
            begin: None,
            orphan: false,
            last: (0, 0),
        }
    }

    fn restore(connectors: u8, runs: &[RunningRec<'_>]) -> Result<(u8, u8), Dropped> {
        let pool = ocpp_alloc::HostPool::<ocpp_alloc::Talc>::new(128 * 1024);
        let empty: [(MessageRec<'_>, u8); 0] = [];
        let body = (1u32, Seq(|| runs.iter()), Seq(|| empty.iter()));
        let mut buf = [0u8; 512];
        let n = postcard::to_slice(&body, &mut buf).unwrap().len();
        let mut tx = Transactions::new(connectors, 8, &*pool).unwrap();
        tx.restore(
            &buf[..n],
            Instant::from_millis(0),
            crate::Duration::ZERO,
            &mut |_| true,
        )
        .map_err(|e| match e {
            RestoreFail::Dropped(d) => d,
            RestoreFail::OutOfMemory => unreachable!("Global"),
        })
    }

    /// A record that names a connector twice, or one this build does not
    /// have, is dropped whole (reported), never half applied.
    #[test]
    fn a_record_with_a_connector_twice_or_out_of_range_is_dropped() {
        assert_eq!(restore(9, &[running(1), running(9)]), Ok((2, 0)));
        assert_eq!(restore(9, &[running(8), running(8)]), Err(Dropped::Invalid));
        assert_eq!(restore(9, &[running(1), running(1)]), Err(Dropped::Invalid));
        assert_eq!(restore(2, &[running(3)]), Err(Dropped::Invalid));
        assert_eq!(restore(2, &[running(0)]), Err(Dropped::Invalid));
        assert_eq!(
            restore(254, &[running(254), running(1), running(129)]),
            Ok((3, 0))
        );
    }

    /// The bounds a storage adapter sizes its buffers and pages with hold
    /// for the largest message and running transaction a record can carry.
    #[test]
    fn the_largest_parts_of_a_record_fit_their_bounds() {
        let tag = IdToken::try_from_str("ABCDEFGHIJKLMNOPQRST").unwrap();
        let at = DateTime::from_unix_millis(i64::MIN / 2);
        let stop = TxMessage::Stop(Stop {
            local: u32::MAX,
            transaction_id: Some(i32::MIN),
            id_tag: Some(tag),
            meter_stop: i32::MIN,
            timestamp: at,
            reason: Reason::ALL
                .iter()
                .copied()
                .max_by_key(|r| r.as_str().len())
                .unwrap(),
            begin: Some((at, full())),
            end: full(),
        });
        let meter = TxMessage::Meter(Meter {
            local: u32::MAX,
            connector: u8::MAX,
            transaction_id: Some(i32::MIN),
            timestamp: at,
            context: ReadingContext::ALL
                .iter()
                .copied()
                .max_by_key(|c| c.as_str().len())
                .unwrap(),
            values: full(),
        });
        for m in [stop, meter] {
            let n = len(&(MessageRec::of(&m), u8::MAX));
            assert!(n <= MAX_MESSAGE_RECORD, "{n} bytes: {m:?}");
        }
        let running = RunningRec {
            connector: u8::MAX,
            local: u32::MAX,
            id_tag: tag.as_str(),
            parent: Some(tag.as_str()),
            transaction_id: Some(i32::MIN),
            suspended: true,
            begin: Some((i64::MIN, ReadingsRec::of(&full()))),
            orphan: true,
            last: (i64::MIN, i32::MIN),
        };
        let n = len(&running);
        assert!(n <= MAX_RUNNING_RECORD, "{n} bytes");
    }
}

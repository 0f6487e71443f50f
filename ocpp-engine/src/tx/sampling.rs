//! Time in the transaction block: periodic samples
//! (MeterValueSampleInterval), clock-aligned ones (ClockAlignedDataInterval),
//! triggered ones, and ConnectionTimeOut.

use ocpp_model::{Allocator, DateTime, Measurand, ReadingContext};

use super::message::{Meter, TxMessage};
use super::session::Phase;
use super::stop_data::Aligned;
use super::{energy_wh, wall, Transactions};
use crate::block::Cx;
use crate::time::Instant;

impl<A: Allocator + Clone> Transactions<A> {
    /// Whether [`handle_timeout`](Self::handle_timeout) has anything to do
    /// at `cx.now`, asked without the mutable access that would have the
    /// transactions record measured again at the next persist (most
    /// timeouts are the heartbeat's or another block's). It asks the
    /// predicates `handle_timeout` and [`aligned`](Self::aligned) act on.
    pub(crate) fn timeout_due(&self, cx: &Cx<'_, A>) -> bool {
        let session_due = self
            .sessions
            .iter()
            .any(|s| s.connection_timed_out(cx.now) || s.sample_due(cx.now).is_some());
        session_due || self.aligned_due(cx)
    }

    /// Periodic samples fall due; an authorized idTag without a cable
    /// expires (ConnectionTimeOut).
    pub(crate) fn handle_timeout(&mut self, cx: &Cx<'_, A>) {
        let interval = cx.config.meter_value_sample_interval;
        let which = cx.config.meter_values_sampled_data;
        let mut released = 0;
        for (i, s) in self.sessions.iter_mut().enumerate() {
            if s.connection_timed_out(cx.now) {
                s.give_up();
                released += 2;
            }
            let Some(due) = s.sample_due(cx.now) else {
                continue;
            };
            let readings = s.readings;
            // Always there: a sample is due only in a running transaction.
            let Some(r) = s.running_mut() else {
                continue;
            };
            // The next one on the same grid, never in the past.
            let mut next = due + interval;
            while next <= cx.now && !interval.is_zero() {
                next = next + interval;
            }
            r.next_sample = (!interval.is_zero()).then_some(next);
            let timestamp = wall(cx);
            if readings
                .get(Measurand::EnergyActiveImportRegister)
                .is_some()
            {
                r.last = (timestamp, energy_wh(&readings));
            }
            let values = readings.sample(which);
            if values.is_empty() {
                continue;
            }
            let message = TxMessage::Meter(Meter {
                local: r.local,
                connector: u8::try_from(i + 1).unwrap_or(u8::MAX),
                transaction_id: r.transaction_id,
                timestamp,
                context: ReadingContext::SamplePeriodic,
                values,
            });
            self.queue.push_if_room(message);
        }
        self.queue.release(released);
        self.aligned(cx);
    }

    /// Clock-aligned samples (MeterValuesAlignedData, `Sample.Clock`) at
    /// every multiple of ClockAlignedDataInterval on the wall clock, for
    /// every connector whose meter has values; with the transactionId when
    /// a transaction runs. They take a place in the queue if one can be had.
    fn aligned(&mut self, cx: &Cx<'_, A>) {
        if !self.aligned_due(cx) {
            return;
        }
        let Some((wall, interval)) = aligned_clock(cx) else {
            self.aligned_next = None;
            return;
        };
        let due = self.aligned_next.is_some_and(|t| t <= cx.now);
        if due {
            let which = cx.config.meter_values_aligned_data;
            self.sample_all(cx, None, which, ReadingContext::SampleClock);
            self.keep_stop_aligned(cx);
        }
        if due || self.aligned_next.is_none() {
            let rest = interval - (wall.unix_millis().rem_euclid(interval as i64) as u64);
            self.aligned_next = Some(cx.now + crate::Duration::from_millis(rest));
        }
    }

    /// Whether [`aligned`](Self::aligned) has anything to do at `cx.now`:
    /// a sample due, a timer to arm (the interval set and the wall clock
    /// known, none armed), or one to disarm (either of them gone).
    fn aligned_due(&self, cx: &Cx<'_, A>) -> bool {
        let on = aligned_clock(cx).is_some();
        match self.aligned_next {
            None => on,
            Some(t) => !on || t <= cx.now,
        }
    }

    /// StopTxnAlignedData: each running transaction keeps a clock-aligned
    /// sample for its StopTransaction (see [`super::stop_data`]).
    // Out of line: inlined beside `sample_all`, its sample (about 100 B)
    // stacked on top of that one's in every caller, and `handle_frame`
    // (a ChangeConfiguration of ClockAlignedDataInterval) took 116 B more
    // stack on the Cortex-M0.
    #[inline(never)]
    fn keep_stop_aligned(&mut self, cx: &Cx<'_, A>) {
        let which = cx.config.stop_txn_aligned_data;
        if which.is_empty() {
            return;
        }
        let timestamp = wall(cx);
        let max = cx.settings.max_stop_aligned;
        for s in self.sessions.iter() {
            let Some(r) = s.running().filter(|r| !r.orphan) else {
                continue;
            };
            let values = s.readings.sample(which);
            if values.is_empty() {
                continue;
            }
            let sample = Aligned {
                local: r.local,
                timestamp,
                values,
            };
            if !self.stop_data.keep(sample, max, cx.alloc) {
                self.stop_aligned_skipped = self.stop_aligned_skipped.saturating_add(1);
            }
        }
    }

    /// ClockAlignedDataInterval changed: the next aligned sample is timed anew.
    pub(crate) fn restart_aligned(&mut self, cx: &Cx<'_, A>) {
        self.aligned_next = None;
        self.aligned(cx);
    }

    /// TriggerMessage(MeterValues): a sample of MeterValuesSampledData now
    /// (`Trigger`) of `connector`, or of all (none, or 0). `false` (the
    /// trigger is Rejected, nothing queued) when there is no such
    /// connector, no meter value to send, or no room in the queue for all.
    pub(crate) fn trigger_meter_values(&mut self, cx: &Cx<'_, A>, connector: Option<i32>) -> bool {
        let only = match connector {
            None | Some(0) => None,
            Some(c) => match u8::try_from(c).ok().filter(|&c| self.session(c).is_ok()) {
                Some(c) => Some(c),
                None => return false,
            },
        };
        let which = cx.config.meter_values_sampled_data;
        let wanted = self
            .sessions
            .iter()
            .enumerate()
            .filter(|(i, _)| only.is_none_or(|c| usize::from(c) == i + 1))
            .filter(|(_, s)| !s.readings.sample(which).is_empty())
            .count();
        // Room for every message first: all are queued, or none.
        if wanted == 0 || !self.queue.room_for(wanted) {
            return false;
        }
        self.sample_all(cx, only, which, ReadingContext::Trigger);
        true
    }

    fn sample_all(
        &mut self,
        cx: &Cx<'_, A>,
        only: Option<u8>,
        which: crate::Measurands,
        context: ReadingContext,
    ) {
        let timestamp = wall(cx);
        for (i, s) in self.sessions.iter_mut().enumerate() {
            let connector = u8::try_from(i + 1).unwrap_or(u8::MAX);
            let values = s.readings.sample(which);
            if only.is_some_and(|c| c != connector) || values.is_empty() {
                continue;
            }
            let energy = s.readings.get(Measurand::EnergyActiveImportRegister);
            let energy = energy.is_some().then(|| energy_wh(&s.readings));
            let (local, transaction_id) = match s.running_mut().filter(|r| !r.orphan) {
                Some(r) => {
                    if let Some(wh) = energy {
                        r.last = (timestamp, wh);
                    }
                    (r.local, r.transaction_id)
                }
                None => (0, None),
            };
            self.queue.push_if_room(TxMessage::Meter(Meter {
                local,
                connector,
                transaction_id,
                timestamp,
                context,
                values,
            }));
        }
    }

    /// The next instant something of this block falls due, sending aside.
    pub(crate) fn poll_at_timers(&self) -> Option<Instant> {
        let sessions = self
            .sessions
            .iter()
            .filter_map(|s| match s.phase {
                Phase::Running => s.running().and_then(|r| r.next_sample),
                Phase::Authorized { until, .. } => until,
                _ => None,
            })
            .min();
        crate::time::earliest(sessions, self.aligned_next)
    }

    /// When a message held back after a failure may go again.
    pub(crate) fn poll_at_send(&self) -> Option<Instant> {
        self.queue.poll_at()
    }
}

/// The wall clock and ClockAlignedDataInterval (in ms) while clock-aligned
/// sampling is on: the interval set and the wall clock known.
fn aligned_clock(cx: &Cx<'_, impl Allocator>) -> Option<(DateTime, u64)> {
    let interval = cx.config.clock_aligned_data_interval.as_millis();
    cx.wall
        .filter(|_| interval > 0)
        .map(|wall| (wall, interval))
}

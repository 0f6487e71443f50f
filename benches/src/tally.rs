//! What the driver counts: the frames and events of a session ([`Counts`],
//! [`EventCounts`], [`CallCounts`] by action), one operation's memory
//! figures ([`OpFigures`], taken with a [`Probe`]), and the [`Tally`] that
//! watches the drive loop and keeps them.

use ocpp_alloc::Stats;
use ocpp_engine::ocpp_model::RegistrationStatus;
use ocpp_engine::Event;
use ocpp_testkit::{Heard, Observer};

use crate::calls::{Call, CallCounts};
use crate::Metered;

/// Messages exchanged and events received so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Frames the charge point sent (its CALLs and its answers).
    pub sent: u64,
    /// Frames the charge point received (answers and CALLs of the central system).
    pub received: u64,
    /// CALLs of the charge point, by action.
    pub calls: CallCounts,
    /// CALLs of the central system.
    pub incoming_calls: u64,
    /// `sampledValue` items in the charge point's MeterValues.
    pub sampled_values: u64,
    /// Events the (scripted) firmware received.
    pub events: EventCounts,
}

/// Events the firmware received, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventCounts {
    /// `Event::Registered(Accepted)`.
    pub registered: u64,
    /// `Event::Authorized` (the firmware's own Authorize).
    pub authorized: u64,
    /// `Event::AuthorizeFailed`.
    pub authorize_failed: u64,
    /// `Event::Energy { on: true }`: close the contactor.
    pub energy_on: u64,
    /// `Event::Energy { on: false }`: open it.
    pub energy_off: u64,
    /// `Event::IdTagRefused` and `Event::IdTagUnverified`.
    pub id_tag_refused: u64,
    /// `Event::ConfigurationChanged`.
    pub configuration_changed: u64,
    /// Any other event (`Unlock`, `Reset`, ...).
    pub other: u64,
}

impl EventCounts {
    fn since(&self, e: &EventCounts) -> EventCounts {
        EventCounts {
            registered: self.registered - e.registered,
            authorized: self.authorized - e.authorized,
            authorize_failed: self.authorize_failed - e.authorize_failed,
            energy_on: self.energy_on - e.energy_on,
            energy_off: self.energy_off - e.energy_off,
            id_tag_refused: self.id_tag_refused - e.id_tag_refused,
            configuration_changed: self.configuration_changed - e.configuration_changed,
            other: self.other - e.other,
        }
    }
}

impl Counts {
    /// Messages of both directions.
    pub fn messages(&self) -> u64 {
        self.sent + self.received
    }

    /// What happened between `earlier` and `self`.
    pub fn since(&self, earlier: &Counts) -> Counts {
        Counts {
            sent: self.sent - earlier.sent,
            received: self.received - earlier.received,
            calls: self.calls.since(&earlier.calls),
            incoming_calls: self.incoming_calls - earlier.incoming_calls,
            sampled_values: self.sampled_values - earlier.sampled_values,
            events: self.events.since(&earlier.events),
        }
    }
}

/// What one operation cost the pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpFigures {
    /// What was done.
    pub op: String,
    /// Bytes in use before the operation.
    pub before: usize,
    /// Highest bytes in use during the operation (absolute, not above `before`).
    pub peak: usize,
    /// Bytes in use after minus before (negative when it freed more than it kept).
    pub retained: i64,
    /// Allocations made during the operation.
    pub allocations: usize,
    /// Blocks freed during the operation.
    pub frees: usize,
    /// Allocations the allocator refused during the operation.
    pub refusals: usize,
    /// Messages exchanged during the operation (both directions).
    pub messages: u64,
    /// How many runs of the operation these figures cover (see [`OpFigures::merge`]).
    pub runs: u32,
}

impl OpFigures {
    /// Peak bytes above what was in use before.
    pub fn peak_above(&self) -> usize {
        self.peak.saturating_sub(self.before)
    }

    /// Folds a later run of an operation into these figures: the first
    /// `before`, the highest peak, and the sums of the rest.
    pub fn merge(&mut self, later: &OpFigures) {
        self.peak = self.peak.max(later.peak);
        self.retained += later.retained;
        self.allocations += later.allocations;
        self.frees += later.frees;
        self.refusals += later.refusals;
        self.messages += later.messages;
        self.runs += later.runs;
    }
}

/// The counters at the start of an operation (see [`Probe::finish`]).
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    stats: Stats,
    counts: Counts,
}

impl Probe {
    /// Reads the counters and resets the peak.
    pub fn start(meter: &impl Metered, counts: Counts) -> Self {
        let stats = meter.stats();
        meter.reset_peak();
        Probe { stats, counts }
    }

    /// The figures of everything since [`Probe::start`].
    pub fn finish(&self, op: impl Into<String>, meter: &impl Metered, counts: Counts) -> OpFigures {
        let now = meter.stats();
        let wide = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        OpFigures {
            op: op.into(),
            before: self.stats.in_use,
            peak: now.peak,
            retained: wide(now.in_use) - wide(self.stats.in_use),
            allocations: now.allocations - self.stats.allocations,
            frees: now.frees - self.stats.frees,
            refusals: now.refusals - self.stats.refusals,
            messages: counts.since(&self.counts).messages(),
            runs: 1,
        }
    }
}

/// What the driver counts of the exchanges of its [`Pair`] (the pair's
/// [`Observer`]): messages, CALLs by action, sampled values, events, the
/// longest frames, the charge point's last answer, and every frame when
/// tracing.
#[derive(Debug, Default)]
pub struct Tally {
    pub(crate) counts: Counts,
    /// Longest frame the charge point sent, and received, in bytes.
    pub(crate) largest: (usize, usize),
    /// Every frame both ways, when tracing is on (tests).
    pub(crate) trace: Option<Vec<String>>,
    /// The last CALLRESULT/CALLERROR the charge point sent.
    pub(crate) last_answer: Vec<u8>,
}

impl Tally {
    #[inline]
    pub(crate) fn record(&mut self, dir: char, frame: &[u8]) {
        if let Some(t) = self.trace.as_mut() {
            push_frame(t, dir, frame);
        }
    }
}

/// Out of line: the untraced path (every session callgrind counts) stays short.
#[cold]
fn push_frame(trace: &mut Vec<String>, dir: char, frame: &[u8]) {
    trace.push(format!("{dir} {}", String::from_utf8_lossy(frame)));
}

// `#[inline(always)]`: the driver's counting was part of its loop before
// the loop moved to the kit; callgrind.sh should count the same work, not
// a call per frame (+38 instructions per message when `sent` stayed out of
// line).
impl Observer for Tally {
    #[inline(always)]
    fn sent(&mut self, frame: &[u8], heard: &Heard<'_>) -> Result<(), ocpp_testkit::Error> {
        self.counts.sent += 1;
        self.largest.0 = self.largest.0.max(frame.len());
        self.record('>', frame);
        match *heard {
            Heard::Call {
                action,
                sampled_values,
                ..
            } => {
                let call = action
                    .and_then(Call::of)
                    .ok_or(ocpp_testkit::Error::Script(
                        "CALL of an action the script does not answer",
                    ))?;
                self.counts.calls[call] += 1;
                self.counts.sampled_values += sampled_values;
            }
            Heard::Result { .. } | Heard::Error { .. } => {
                self.last_answer.clear();
                self.last_answer.extend_from_slice(frame);
            }
        }
        Ok(())
    }

    #[inline(always)]
    fn answered(&mut self, frame: &[u8]) -> Result<(), ocpp_testkit::Error> {
        self.counts.received += 1;
        self.largest.1 = self.largest.1.max(frame.len());
        self.record('<', frame);
        Ok(())
    }

    #[inline(always)]
    fn event(&mut self, event: Event) -> Result<(), ocpp_testkit::Error> {
        let e = &mut self.counts.events;
        match event {
            Event::Registered(RegistrationStatus::Accepted) => e.registered += 1,
            Event::Registered(_) => {
                return Err(ocpp_testkit::Error::Script("registration not accepted"))
            }
            Event::Authorized { .. } => e.authorized += 1,
            Event::AuthorizeFailed { .. } => e.authorize_failed += 1,
            Event::Energy { on: true, .. } => e.energy_on += 1,
            Event::Energy { on: false, .. } => e.energy_off += 1,
            Event::IdTagRefused { .. } | Event::IdTagUnverified { .. } => e.id_tag_refused += 1,
            Event::ConfigurationChanged { .. } => e.configuration_changed += 1,
            _ => e.other += 1,
        }
        Ok(())
    }
}

//! A charge point in a failure-injecting pool, driven one step at a time.

use ocpp_alloc::{Backend, FailureInjector, Pool};
use ocpp_engine::{
    max_call_len, ChargePoint, Config, Duration, HandleError, InputError, Instant, NewError,
    NoStorage, QueueStats, Restored, Storage, GET_CONFIGURATION_ALL_LEN,
};
use ocpp_model::EncodeError;

use crate::csms::Csms;
use crate::scenario::Step;

/// The allocator the engine sees in the suites.
pub(crate) type Alloc<'p, B> = &'p FailureInjector<&'p Pool<B>>;

/// What one step did, as the outside world sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The return value of the input.
    pub result: StepResult,
    /// Frames the charge point sent during the step, as text.
    pub sent: Vec<String>,
    /// Events the firmware got during the step, in `Debug` form.
    pub events: Vec<String>,
    /// Polls refused with `EncodeError::BufferFull` (see [`Step::SmallBuffer`]).
    pub buffer_full: usize,
    /// The transaction message queue after the step.
    pub queue: QueueStats,
}

/// The return value of a step's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepResult {
    /// Taken in.
    Done,
    /// The step had nothing to act on (an answer with no CALL outstanding).
    Nothing,
    /// A hardware input or firmware request was refused.
    Input(InputError),
    /// A received frame was not taken in.
    Handle(HandleError),
}

impl Outcome {
    fn empty() -> Self {
        Outcome {
            result: StepResult::Done,
            sent: Vec::new(),
            events: Vec::new(),
            buffer_full: 0,
            queue: QueueStats::default(),
        }
    }

    /// Whether this may be an out-of-memory outcome: the input was refused
    /// for lack of memory, or a CALL of the central system was answered
    /// with `InternalError`, or with the action's own `Rejected` status
    /// (DESIGN.md allows both). The drivers ask only when the outcome
    /// differs from the fault-free one.
    pub fn is_out_of_memory(&self) -> bool {
        matches!(
            self.result,
            StepResult::Input(InputError::OutOfMemory)
                | StepResult::Handle(HandleError::OutOfMemory)
        ) || self.sent.iter().any(|f| {
            (f.starts_with("[4,") && f.contains(r#""InternalError""#))
                || (f.starts_with("[3,") && f.ends_with(r#",{"status":"Rejected"}]"#))
        })
    }
}

pub(crate) struct Rig<'p, B: Backend, S: Storage = NoStorage> {
    pub(crate) cp: ChargePoint<Alloc<'p, B>, S>,
    injector: Alloc<'p, B>,
    now: Instant,
    csms: Csms,
    /// A WebSocket is open: only then can the central system send a frame.
    online: bool,
    /// The socket cannot send: frames wait in the engine (see [`Step::Stall`]).
    stalled: bool,
    /// Every frame is first polled into this many bytes (0: off).
    first_try: usize,
    /// Room for any frame the charge point sends: its longest CALL, or a
    /// GetConfiguration of every key.
    frame_len: usize,
    /// Connectors with a cable in, as the firmware knows (for a reboot).
    plugged: Vec<bool>,
    /// The central system answers each CALL of ours as usual the moment it
    /// arrives (after a power cut: the rest of the scenario's script was
    /// written for a charge point that did not reboot).
    auto_answer: bool,
}

impl<'p, B: Backend> Rig<'p, B> {
    pub(crate) fn new(config: &Config<'_>, injector: Alloc<'p, B>) -> Result<Self, NewError> {
        let cp = ChargePoint::new(config, injector)?;
        Ok(Self::around(cp, config, injector))
    }
}

impl<'p, B: Backend, S: Storage + Clone + std::fmt::Debug> Rig<'p, B, S>
where
    S::Error: std::fmt::Debug,
{
    /// A charge point restored from `storage` (empty: the first boot).
    pub(crate) fn with_storage(config: &Config<'_>, injector: Alloc<'p, B>, storage: S) -> Self {
        let (cp, _) =
            ChargePoint::restore(config, injector, storage, ocpp_testkit::START, |_| true)
                .expect("the first boot fits the pool");
        Self::around(cp, config, injector)
    }

    /// The power went and came back: the charge point is built again from
    /// its storage, offline, the central system sees the connection drop.
    /// A running transaction resumes if `resume` and its cable is in; the
    /// firmware reports the cables still in of the others.
    pub(crate) fn reboot(&mut self, config: &Config<'_>, resume: bool) -> Restored {
        let storage = self.cp.storage().clone();
        let plugged = self.plugged.clone();
        let is_in = |c: u8| plugged.get(usize::from(c)).copied().unwrap_or(false);
        let (cp, restored) = ChargePoint::restore(config, self.injector, storage, self.now, |c| {
            resume && is_in(c)
        })
        .unwrap_or_else(|e| panic!("restore after a cut: {e:?}"));
        self.cp = cp;
        // A build with a larger bound (the records of this one are restored whole).
        let bound = max_call_len(config).max(GET_CONFIGURATION_ALL_LEN);
        self.frame_len = self.frame_len.max(bound);
        self.csms.power_cut();
        self.auto_answer = true;
        self.online = false;
        self.stalled = false;
        for c in 1..=config.connectors {
            if is_in(c) && self.cp.transaction(c).is_none() {
                self.cp.plug_in(self.now, c).expect("a cable");
            }
        }
        restored
    }

    /// The end of a power-cut run: connected, every cable out, every
    /// message delivered (each CALL answered as usual). `false` when the
    /// power went on the way (a planned cut): reboot and settle again.
    /// Panics when the queue does not drain.
    pub(crate) fn settle(&mut self, config: &Config<'_>) -> bool {
        let mut out = Outcome::empty();
        self.stalled = false;
        self.first_try = 0;
        self.run(&Step::Connect);
        for c in 1..=config.connectors {
            if self.plugged[usize::from(c)] {
                self.run(&Step::Unplug(c));
            }
        }
        for _ in 0..500 {
            if self.cp.persist().is_err() {
                return false;
            }
            if self.csms.pending().is_some() {
                self.run(&Step::Answer);
            } else if self.cp.queue().queued == 0 {
                break;
            } else {
                self.advance(30, &mut out);
            }
        }
        while self.csms.pending().is_some() {
            self.run(&Step::Answer);
        }
        if self.cp.persist().is_err() {
            return false;
        }
        assert_eq!(
            self.cp.queue().queued,
            0,
            "the queue did not drain: {:?}",
            self.cp
        );
        true
    }

    /// The central system's view, for the checks after a run.
    pub(crate) fn csms(&self) -> &Csms {
        &self.csms
    }
}

impl<'p, B: Backend, S: Storage> Rig<'p, B, S> {
    fn around(
        cp: ChargePoint<Alloc<'p, B>, S>,
        config: &Config<'_>,
        injector: Alloc<'p, B>,
    ) -> Self {
        Self {
            cp,
            injector,
            // The kit's clock: its answers read WALL_AT_START here.
            now: ocpp_testkit::START,
            csms: Csms::new(config.connectors, config.call_timeout),
            online: false,
            stalled: false,
            first_try: 0,
            frame_len: max_call_len(config).max(GET_CONFIGURATION_ALL_LEN),
            plugged: vec![false; usize::from(config.connectors) + 1],
            auto_answer: false,
        }
    }

    /// The action of our CALL the central system would answer now.
    pub(crate) fn answering(&self) -> Option<String> {
        self.csms.pending().map(|c| c.action.clone())
    }

    /// Bytes in use in the pool under the injector.
    pub(crate) fn in_use(&self) -> usize {
        self.injector.inner().stats().in_use
    }

    /// The engine's canonical state.
    fn engine_state(&self) -> Vec<u8> {
        let mut buf = vec![0u8; 64 * 1024];
        let n = self.cp.snapshot(&mut buf).expect("snapshot fits 64 KiB");
        buf.truncate(n);
        buf
    }

    /// The engine's canonical state plus what the central system waits for.
    pub(crate) fn snapshot(&self) -> Vec<u8> {
        let mut buf = self.engine_state();
        buf.extend(self.csms.fingerprint());
        buf
    }

    pub(crate) fn run(&mut self, step: &Step) -> Outcome {
        let mut out = Outcome::empty();
        let now = self.now;
        out.result = match step {
            Step::Connect | Step::Disconnect => {
                if *step == Step::Connect {
                    self.cp.connected(now);
                } else {
                    self.cp.disconnected(now);
                }
                self.csms.connection_changed();
                self.online = *step == Step::Connect;
                self.stalled = false;
                StepResult::Done
            }
            Step::Advance(secs) => {
                self.advance(*secs, &mut out);
                StepResult::Done
            }
            Step::Answer => match self.csms.pending() {
                Some(call) => {
                    let payload = self.csms.usual_answer(&call.action, now);
                    self.answer(&payload, true)
                }
                None => StepResult::Nothing,
            },
            Step::AnswerWith(payload) => self.answer(payload, true),
            Step::AnswerError(code) => self.answer(&format!(r#""{code}","scripted",{{}}"#), false),
            Step::Receive(frame) if self.online => self.receive(frame, &mut out),
            // No socket, no frame.
            Step::Receive(_) => StepResult::Nothing,
            Step::PlugIn(c) => {
                let r = self.input(|cp| cp.plug_in(now, *c));
                if r == StepResult::Done {
                    self.plugged[usize::from(*c)] = true;
                }
                r
            }
            Step::Unplug(c) => {
                let r = self.input(|cp| cp.unplug(now, *c));
                if r == StepResult::Done {
                    self.plugged[usize::from(*c)] = false;
                }
                r
            }
            Step::PresentIdTag(c, tag) => self.input(|cp| cp.present_id_tag(now, *c, tag)),
            Step::StopTransaction(c, reason) => {
                self.input(|cp| cp.stop_transaction(now, *c, *reason))
            }
            Step::SetMeter(c, m, v) => self.input(|cp| cp.set_meter(now, *c, *m, *v)),
            Step::SetEvSuspended(c, on) => self.input(|cp| cp.set_ev_suspended(now, *c, *on)),
            Step::SetFault(c, fault) => self.input(|cp| cp.set_fault(now, *c, *fault)),
            Step::Authorize(tag) => self.input(|cp| cp.authorize(now, tag)),
            Step::Configure(key, value) => self.input(|cp| cp.configure(now, key, value)),
            Step::UnlockResult(c, status) => {
                let (before, before_use) = (self.engine_state(), self.in_use());
                if self.cp.unlock_result(*c, *status) {
                    StepResult::Done
                } else {
                    self.expect_unchanged(&before, before_use, "no UnlockConnector waits");
                    StepResult::Nothing
                }
            }
            Step::Stall => {
                self.stalled = true;
                StepResult::Done
            }
            Step::Flush => {
                self.stalled = false;
                StepResult::Done
            }
            Step::SmallBuffer(n) => {
                self.first_try = *n;
                StepResult::Done
            }
        };
        self.drain(&mut out);
        out.queue = self.cp.queue();
        out
    }

    /// A hardware input or firmware request: an `Err` must change nothing.
    fn input(
        &mut self,
        f: impl FnOnce(&mut ChargePoint<Alloc<'p, B>, S>) -> Result<(), InputError>,
    ) -> StepResult {
        let (before, before_use) = (self.engine_state(), self.in_use());
        match f(&mut self.cp) {
            Ok(()) => StepResult::Done,
            Err(e) => {
                self.expect_unchanged(&before, before_use, &format!("Err({e:?})"));
                StepResult::Input(e)
            }
        }
    }

    /// Panics unless the engine's state and the pool's bytes in use are as before.
    fn expect_unchanged(&self, before: &[u8], before_use: usize, what: &str) {
        assert!(
            self.engine_state() == before,
            "{what} but the engine's state changed"
        );
        assert_eq!(
            self.in_use(),
            before_use,
            "{what} but the pool's bytes in use changed"
        );
    }

    /// The central system sends a frame. While stalled, the answer to a
    /// CALL that met a refusal (`InternalError`, or the action's
    /// `Rejected`) goes out at once, so that the step shows it.
    fn receive(&mut self, frame: &str, out: &mut Outcome) -> StepResult {
        let (before, before_use) = (self.engine_state(), self.in_use());
        let refusals = self.injector.refusals();
        match self.cp.handle_frame(self.now, frame.as_bytes()) {
            Ok(()) => {
                self.csms.call_taken_in(frame);
                if self.stalled && self.injector.refusals() > refusals {
                    self.transmit_one(out);
                }
                StepResult::Done
            }
            Err(e) => {
                self.expect_unchanged(&before, before_use, &format!("Err({e:?})"));
                StepResult::Handle(e)
            }
        }
    }

    /// Sends the central system's answer to our outstanding CALL.
    fn answer(&mut self, payload: &str, result: bool) -> StepResult {
        let Some(id) = self.csms.pending().map(|c| c.id.clone()) else {
            return StepResult::Nothing;
        };
        let kind = if result { 3 } else { 4 };
        let frame = format!(r#"[{kind},"{id}",{payload}]"#);
        let (before, before_use) = (self.engine_state(), self.in_use());
        match self.cp.handle_frame(self.now, frame.as_bytes()) {
            Ok(()) => {
                self.csms.answered(result, payload);
                StepResult::Done
            }
            Err(e) => {
                self.expect_unchanged(&before, before_use, &format!("Err({e:?})"));
                if e != HandleError::OutOfMemory {
                    // The answer is void; the central system will not send another.
                    self.csms.answered(false, payload);
                }
                StepResult::Handle(e)
            }
        }
    }

    /// As an integrator's loop: sleep until `poll_timeout`, handle it, drain.
    /// Panics (reported as a failure of the step) when, after that,
    /// `poll_timeout` is not in the future: a real loop would spin. While
    /// stalled, the loop waits for the socket too: only later deadlines count.
    fn advance(&mut self, secs: u64, out: &mut Outcome) {
        let end = self.now + Duration::from_secs(secs);
        loop {
            let next = self.cp.poll_timeout().filter(|&t| t <= end);
            let Some(t) = next.filter(|&t| !self.stalled || t > self.now) else {
                break;
            };
            self.now = self.now.max(t);
            self.cp.handle_timeout(self.now);
            self.drain(out);
            self.expect_no_spin();
        }
        self.now = end;
        self.cp.handle_timeout(self.now);
        self.drain(out);
        self.expect_no_spin();
    }

    fn expect_no_spin(&self) {
        if let Some(t) = self.cp.poll_timeout().filter(|_| !self.stalled) {
            assert!(
                t > self.now,
                "poll_timeout {t:?} is not after now {:?}: the loop would spin",
                self.now
            );
        }
    }

    /// Every event; every frame unless stalled, checked by the central system.
    fn drain(&mut self, out: &mut Outcome) {
        if !self.stalled {
            while self.transmit_one(out) {
                if let Some(action) = self.auto_answer.then(|| self.answering()).flatten() {
                    let payload = self.csms.usual_answer(&action, self.now);
                    self.answer(&payload, true);
                }
            }
            // Unless the power just went (the storage refuses every write,
            // so nothing more leaves): the central system then sees the
            // connection drop, not a CALL left unanswered.
            if self.cp.persist().is_ok() {
                self.csms.check_all_answered();
            }
        }
        while let Some(event) = self.cp.poll_event() {
            out.events.push(format!("{event:?}"));
        }
    }

    /// Polls one frame (into a small buffer first, see [`Step::SmallBuffer`])
    /// and hands it to the central system; `false` when there was none.
    fn transmit_one(&mut self, out: &mut Outcome) -> bool {
        let mut buf = vec![0u8; self.frame_len];
        if self.first_try > 0 {
            let (before, before_use) = (self.engine_state(), self.in_use());
            let small = self.first_try.min(self.frame_len);
            match self.cp.poll_transmit(self.now, &mut buf[..small]) {
                Ok(Some(n)) => return self.deliver(&buf[..n], out),
                Ok(None) => return false,
                Err(EncodeError::BufferFull) => {
                    self.expect_unchanged(&before, before_use, "BufferFull");
                    out.buffer_full += 1;
                    let n = self.cp.poll_transmit(self.now, &mut buf);
                    let n = n.ok().flatten().unwrap_or_else(|| {
                        panic!("BufferFull at {small} bytes, then no frame: {n:?}")
                    });
                    assert!(n > small, "BufferFull for a frame of {n} bytes in {small}");
                    return self.deliver(&buf[..n], out);
                }
            }
        }
        match self.cp.poll_transmit(self.now, &mut buf) {
            Ok(Some(n)) => self.deliver(&buf[..n], out),
            Ok(None) => false,
            Err(e) => panic!("poll_transmit into {} bytes: {e:?}", self.frame_len),
        }
    }

    fn deliver(&mut self, bytes: &[u8], out: &mut Outcome) -> bool {
        let frame = String::from_utf8_lossy(bytes).into_owned();
        self.csms.sent(&frame, self.now);
        out.sent.push(frame);
        true
    }
}

//! A charge point in a failure-injecting pool, driven one step at a time.

use ocpp_alloc::{Backend, FailureInjector, Pool};
use ocpp_engine::{
    ChargePoint, Config, Duration, HandleError, InputError, Instant, NewError, QueueStats,
};
use ocpp_model::EncodeError;

use crate::csms::Csms;
use crate::scenario::Step;

/// The allocator the engine sees in the suites.
pub(crate) type Alloc<'p, B> = &'p FailureInjector<&'p Pool<B>>;

/// Large enough for any frame the charge point sends.
const FRAME_BUFFER: usize = 8 * 1024;

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

pub(crate) struct Rig<'p, B: Backend> {
    pub(crate) cp: ChargePoint<Alloc<'p, B>>,
    injector: Alloc<'p, B>,
    now: Instant,
    csms: Csms,
    /// A WebSocket is open: only then can the central system send a frame.
    online: bool,
    /// The socket cannot send: frames wait in the engine (see [`Step::Stall`]).
    stalled: bool,
    /// Every frame is first polled into this many bytes (0: off).
    first_try: usize,
}

impl<'p, B: Backend> Rig<'p, B> {
    pub(crate) fn new(config: &Config<'_>, injector: Alloc<'p, B>) -> Result<Self, NewError> {
        let cp = ChargePoint::new(config, injector)?;
        Ok(Self {
            cp,
            injector,
            // The kit's clock: its answers read WALL_AT_START here.
            now: ocpp_testkit::START,
            csms: Csms::new(config.connectors, config.call_timeout),
            online: false,
            stalled: false,
            first_try: 0,
        })
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
        let mut out = Outcome {
            result: StepResult::Done,
            sent: Vec::new(),
            events: Vec::new(),
            buffer_full: 0,
            queue: QueueStats::default(),
        };
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
            Step::PlugIn(c) => self.input(|cp| cp.plug_in(now, *c)),
            Step::Unplug(c) => self.input(|cp| cp.unplug(now, *c)),
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
        f: impl FnOnce(&mut ChargePoint<Alloc<'p, B>>) -> Result<(), InputError>,
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
            while self.transmit_one(out) {}
            self.csms.check_all_answered();
        }
        while let Some(event) = self.cp.poll_event() {
            out.events.push(format!("{event:?}"));
        }
    }

    /// Polls one frame (into a small buffer first, see [`Step::SmallBuffer`])
    /// and hands it to the central system; `false` when there was none.
    fn transmit_one(&mut self, out: &mut Outcome) -> bool {
        let mut buf = vec![0u8; FRAME_BUFFER];
        if self.first_try > 0 {
            let (before, before_use) = (self.engine_state(), self.in_use());
            let small = self.first_try.min(FRAME_BUFFER);
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
            Err(e) => panic!("poll_transmit into {FRAME_BUFFER} bytes: {e:?}"),
        }
    }

    fn deliver(&mut self, bytes: &[u8], out: &mut Outcome) -> bool {
        let frame = String::from_utf8_lossy(bytes).into_owned();
        self.csms.sent(&frame, self.now);
        out.sent.push(frame);
        true
    }
}

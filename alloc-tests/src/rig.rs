//! A charge point in a failure-injecting pool, driven one step at a time.

use ocpp_alloc::{Backend, FailureInjector, Pool};
use ocpp_engine::{ChargePoint, Config, Duration, HandleError, InputError, Instant, NewError};

use crate::csms::{call_of, usual_answer};
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
    /// Whether this is an out-of-memory outcome: the input was refused for
    /// lack of memory, or a CALL of the central system was answered with
    /// `InternalError`.
    pub fn is_out_of_memory(&self) -> bool {
        matches!(
            self.result,
            StepResult::Input(InputError::OutOfMemory)
                | StepResult::Handle(HandleError::OutOfMemory)
        ) || self
            .sent
            .iter()
            .any(|f| f.starts_with("[4,") && f.contains(r#""InternalError""#))
    }
}

pub(crate) struct Rig<'p, B: Backend> {
    pub(crate) cp: ChargePoint<Alloc<'p, B>>,
    injector: Alloc<'p, B>,
    now: Instant,
    /// Our outstanding CALL as the central system saw it: (message id, action).
    pending: Option<(String, String)>,
    /// When that CALL was sent, for the one-outstanding-CALL check.
    pending_since: Instant,
    call_timeout: Duration,
    /// The central system accepted our BootNotification on this connection.
    registered: bool,
}

impl<'p, B: Backend> Rig<'p, B> {
    pub(crate) fn new(config: &Config<'_>, injector: Alloc<'p, B>) -> Result<Self, NewError> {
        let cp = ChargePoint::new(config, injector)?;
        Ok(Self {
            cp,
            injector,
            now: Instant::from_millis(0),
            pending: None,
            pending_since: Instant::from_millis(0),
            call_timeout: config.call_timeout,
            registered: false,
        })
    }

    /// Bytes in use in the pool under the injector.
    pub(crate) fn in_use(&self) -> usize {
        self.injector.inner().stats().in_use
    }

    /// The engine's canonical state plus what the central system is waiting on.
    pub(crate) fn snapshot(&self) -> Vec<u8> {
        let mut buf = vec![0u8; 64 * 1024];
        let n = self.cp.snapshot(&mut buf).expect("snapshot fits 64 KiB");
        buf.truncate(n);
        if let Some((id, action)) = &self.pending {
            buf.extend_from_slice(id.as_bytes());
            buf.extend_from_slice(action.as_bytes());
        }
        buf
    }

    pub(crate) fn run(&mut self, step: &Step) -> Outcome {
        let mut out = Outcome {
            result: StepResult::Done,
            sent: Vec::new(),
            events: Vec::new(),
        };
        out.result = match step {
            Step::Connect => {
                self.cp.connected(self.now);
                self.pending = None;
                self.registered = false;
                StepResult::Done
            }
            Step::Disconnect => {
                self.cp.disconnected(self.now);
                self.pending = None;
                self.registered = false;
                StepResult::Done
            }
            Step::Advance(secs) => {
                self.advance(*secs, &mut out);
                StepResult::Done
            }
            Step::Answer => self.answer(|_, action| usual_answer(action).to_owned(), true),
            Step::AnswerWith(payload) => self.answer(|_, _| payload.clone(), true),
            Step::AnswerError(code) => {
                self.answer(|_, _| format!(r#""{code}","scripted",{{}}"#), false)
            }
            Step::Receive(frame) => match self.cp.handle_frame(self.now, frame.as_bytes()) {
                Ok(()) => StepResult::Done,
                Err(e) => StepResult::Handle(e),
            },
            Step::Status(connector, status, error) => {
                match self.cp.set_status(self.now, *connector, *status, *error) {
                    Ok(()) => StepResult::Done,
                    Err(e) => StepResult::Input(e),
                }
            }
            Step::Authorize(tag) => match self.cp.authorize(self.now, tag) {
                Ok(()) => StepResult::Done,
                Err(e) => StepResult::Input(e),
            },
        };
        self.drain(&mut out);
        out
    }

    /// Sends the central system's answer to our outstanding CALL.
    fn answer(&mut self, body: impl Fn(&str, &str) -> String, result: bool) -> StepResult {
        let Some((id, action)) = self.pending.clone() else {
            return StepResult::Nothing;
        };
        let frame = if result {
            format!(r#"[3,"{id}",{}]"#, body(&id, &action))
        } else {
            format!(r#"[4,"{id}",{}]"#, body(&id, &action))
        };
        match self.cp.handle_frame(self.now, frame.as_bytes()) {
            Ok(()) => {
                if result && action == "BootNotification" {
                    self.registered = frame.contains(r#""status":"Accepted""#);
                }
                self.pending = None;
                StepResult::Done
            }
            Err(HandleError::OutOfMemory) => StepResult::Handle(HandleError::OutOfMemory),
            Err(e) => {
                self.pending = None;
                StepResult::Handle(e)
            }
        }
    }

    /// As an integrator's loop: sleep until `poll_timeout`, handle it, drain.
    /// Panics (reported as a failure of the step) when, after that,
    /// `poll_timeout` is not in the future: a real loop would spin.
    fn advance(&mut self, secs: u64, out: &mut Outcome) {
        let end = self.now + Duration::from_secs(secs);
        while let Some(t) = self.cp.poll_timeout().filter(|&t| t <= end) {
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

    /// OCPP rules every CALL of ours must keep, whatever the plan: nothing
    /// but BootNotification before the central system accepted it, and one
    /// CALL at a time (a new one only once the last was answered or timed
    /// out). A breach panics, which the drivers report with the step.
    fn check_protocol(&self, (_, action): &(String, String), frame: &str) {
        assert!(
            self.registered || action == "BootNotification",
            "sent before registration was accepted: {frame}"
        );
        if self.pending.is_some() {
            assert!(
                self.now >= self.pending_since + self.call_timeout,
                "a second CALL while one is outstanding: {frame}"
            );
        }
    }

    fn expect_no_spin(&self) {
        if let Some(t) = self.cp.poll_timeout() {
            assert!(
                t > self.now,
                "poll_timeout {t:?} is not after now {:?}: the loop would spin",
                self.now
            );
        }
    }

    fn drain(&mut self, out: &mut Outcome) {
        let mut buf = [0u8; 4096];
        loop {
            match self.cp.poll_transmit(self.now, &mut buf) {
                Ok(Some(n)) => {
                    let frame = String::from_utf8_lossy(&buf[..n]).into_owned();
                    if let Some(call) = call_of(&frame) {
                        self.check_protocol(&call, &frame);
                        self.pending = Some(call);
                        self.pending_since = self.now;
                    }
                    out.sent.push(frame);
                }
                Ok(None) => break,
                Err(e) => {
                    out.sent.push(format!("poll_transmit error: {e:?}"));
                    break;
                }
            }
        }
        while let Some(event) = self.cp.poll_event() {
            out.events.push(format!("{event:?}"));
        }
    }
}

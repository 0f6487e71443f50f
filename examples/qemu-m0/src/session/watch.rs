//! What the harness sees of the exchanges: the test kit's [`Observer`] of
//! this firmware. It reads every frame the charge point sends by hand
//! ([`Checker`]), keeps what the current step sent and raised, counts the
//! out-of-memory outcomes, and, on a probed run, measures the stack of
//! every engine call the test kit's `Pair` makes.

use ocpp_engine::ocpp_model::{Action, AuthorizationStatus, ErrorCode, RegistrationStatus};
use ocpp_engine::{CallFailure, Event, HandleError, InputError};
use ocpp_testkit::{EngineCall, Error, Heard, Observer};

use crate::check::{Checker, Sent};
use crate::log::Log;
use crate::mem::StackProbe;

/// An event, reduced to what the script compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    Registered(RegistrationStatus),
    Authorized(AuthorizationStatus),
    AuthorizeFailed(CallFailure),
    /// Contactor of a connector: closed (`true`) or open.
    Energy(u8, bool),
    Unlock(u8),
    IdTagRefused(AuthorizationStatus),
    IdTagUnverified(CallFailure),
    Reset {
        hard: bool,
    },
    ConfigurationChanged(&'static str),
    /// An event this script does not know.
    Other,
}

/// Stack taken by each kind of engine call, beyond the caller's frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct StackUse {
    pub new: usize,
    pub handle_frame: usize,
    pub poll_transmit: usize,
    pub poll_event: usize,
    pub input: usize,
    /// The deepest an engine call was made from: main, the harness, the
    /// script and the test kit's `Pair`, down to the engine's caller.
    pub caller: usize,
    /// The deepest the stack went in an engine call, from its top, and
    /// which call that was.
    pub deepest: usize,
    pub deepest_call: &'static str,
}

impl StackUse {
    pub fn note(&mut self, name: &'static str, p: &StackProbe, depth: usize) {
        self.caller = self.caller.max(p.caller_depth());
        let total = p.caller_depth() + depth;
        if total > self.deepest {
            self.deepest = total;
            self.deepest_call = name;
        }
    }
}

/// The firmware's observer: the reading of what was sent, and the step's
/// records.
#[derive(Debug)]
pub struct Watch {
    pub check: Checker,
    /// What the current step sent and raised.
    pub sent: Log<Sent, 8>,
    pub events: Log<Seen, 6>,
    /// Out-of-memory outcomes of the current step.
    pub oom: u32,
    /// RemoteStartTransactions and TriggerMessages answered `Rejected` in
    /// the current step.
    pub rejected: u32,
    /// What went wrong in the current step, whatever the mode.
    pub trouble: Log<&'static str, 4>,
    /// Where the step left the script's path in a way an earlier refusal
    /// explains (an input refused as Busy, NoTransaction or Unavailable):
    /// a failure in Expect mode only.
    pub deviations: Log<&'static str, 4>,
    /// The central system's CALL waiting for the charge point's answer.
    pub csms_call: Option<Action>,
    /// An UnlockConnector the firmware has yet to answer.
    pub unlock: Option<u8>,
    /// Measure the stack of every engine call (slow: it repaints the stack).
    pub probe: bool,
    pub stack: StackUse,
    pub longest_sent: usize,
    /// The longest answer of the central system.
    pub longest_received: usize,
}

impl Watch {
    pub const fn new() -> Self {
        Watch {
            check: Checker::new(),
            sent: Log::new(),
            events: Log::new(),
            oom: 0,
            rejected: 0,
            trouble: Log::new(),
            deviations: Log::new(),
            csms_call: None,
            unlock: None,
            probe: false,
            stack: StackUse {
                new: 0,
                handle_frame: 0,
                poll_transmit: 0,
                poll_event: 0,
                input: 0,
                caller: 0,
                deepest: 0,
                deepest_call: "",
            },
            longest_sent: 0,
            longest_received: 0,
        }
    }

    /// Forgets what the last step saw.
    pub fn clear_step(&mut self) {
        self.sent.clear();
        self.events.clear();
        self.trouble.clear();
        self.deviations.clear();
        self.oom = 0;
        self.rejected = 0;
    }

    /// Closes the step's records: `refused` whether the allocator refused
    /// something in it, `skipped` the periodic samples the engine skipped.
    pub fn end_step(&mut self, refused: bool, skipped: u32) {
        // A periodic sample skipped is the engine's out-of-memory outcome
        // for a sample; so is a remote start rejected while memory was refused.
        self.oom += skipped;
        if refused {
            self.oom += self.rejected;
        }
        for &p in self.check.problems.as_slice() {
            self.trouble.push(p);
        }
        if self.check.problems.overflowed() {
            self.trouble.push("more problems the central system found");
        }
        self.check.problems.clear();
        // An expectation the step did not meet stays with the step.
        if !core::mem::take(&mut self.check.expect_in_result).is_empty() {
            self.deviations
                .push("the CALLRESULT the script expects did not come");
        }
        if refused && self.oom == 0 {
            self.trouble
                .push("an allocation was refused and no out-of-memory outcome came of it");
        }
    }

    /// Files what a call of the test kit's `Pair` returned.
    pub fn outcome(&mut self, result: Result<(), Error>) {
        match result {
            Ok(()) => {}
            Err(Error::Input(e)) => self.input_refused(e),
            Err(Error::Handle(e)) => self.handle_refused(e),
            Err(Error::Encode(_)) => self.trouble.push("poll_transmit: frame does not fit"),
            Err(Error::Script(what)) => self.trouble.push(what),
            Err(Error::Spin { .. }) => self
                .trouble
                .push("poll_timeout not after now once handled: the loop would spin"),
            Err(_) => self.trouble.push("the test kit refused the setup"),
        }
    }

    fn input_refused(&mut self, e: InputError) {
        match e {
            InputError::OutOfMemory => self.oom += 1,
            InputError::Busy => self.deviations.push("input refused: Busy"),
            InputError::NoTransaction => self.deviations.push("input refused: NoTransaction"),
            InputError::Unavailable => self.deviations.push("input refused: Unavailable"),
            _ => self.trouble.push("input refused (not for memory)"),
        }
    }

    fn handle_refused(&mut self, e: HandleError) {
        match e {
            HandleError::OutOfMemory => self.oom += 1,
            // Answers are transmitted before the next frame comes in.
            HandleError::Busy => self.trouble.push("handle_frame: Busy"),
            HandleError::Unsolicited => self.trouble.push("handle_frame: Unsolicited"),
            _ => self.trouble.push("handle_frame: Ignored or NotRegistered"),
        }
    }
}

impl Observer for Watch {
    fn sent(&mut self, frame: &[u8], heard: &Heard<'_>) -> Result<(), Error> {
        self.longest_sent = self.longest_sent.max(frame.len());
        let sent = self.check.read(frame, heard);
        match sent {
            // The charge point could not process a CALL.
            Sent::CallError(ErrorCode::InternalError) => self.oom += 1,
            // The action's own Rejected where the spec has one: a remote
            // start, or a triggered MeterValues without room for its samples.
            Sent::CallResult(Some("Rejected"))
                if matches!(
                    self.csms_call,
                    Some(Action::RemoteStartTransaction | Action::TriggerMessage)
                ) =>
            {
                self.rejected += 1;
            }
            Sent::UnknownCall => self
                .trouble
                .push("sent a frame the central system cannot read"),
            _ => {}
        }
        if matches!(sent, Sent::CallResult(_) | Sent::CallError(_)) {
            self.csms_call = None;
        }
        self.sent.push(sent);
        Ok(())
    }

    fn answered(&mut self, frame: &[u8]) -> Result<(), Error> {
        self.longest_received = self.longest_received.max(frame.len());
        Ok(())
    }

    fn refused(&mut self, _frame: &[u8], error: HandleError) -> Result<(), Error> {
        self.handle_refused(error);
        Ok(())
    }

    /// What the firmware does with an event: here, note it; an
    /// UnlockConnector waits for the harness to answer it (no lock motor:
    /// always Unlocked).
    fn event(&mut self, event: Event) -> Result<(), Error> {
        self.events.push(match event {
            Event::Registered(status) => Seen::Registered(status),
            Event::Authorized { info, .. } => Seen::Authorized(info.status),
            Event::AuthorizeFailed { reason, .. } => Seen::AuthorizeFailed(reason),
            Event::Energy { connector, on } => Seen::Energy(connector, on),
            Event::Unlock { connector } => {
                self.unlock = Some(connector);
                Seen::Unlock(connector)
            }
            Event::IdTagRefused { status, .. } => Seen::IdTagRefused(status),
            Event::IdTagUnverified { reason, .. } => Seen::IdTagUnverified(reason),
            Event::Reset { hard } => Seen::Reset { hard },
            Event::ConfigurationChanged { key } => Seen::ConfigurationChanged(key),
            _ => Seen::Other,
        });
        Ok(())
    }

    /// With probing on, measures how deep the call goes.
    #[inline(always)]
    fn engine_call<R>(&mut self, call: EngineCall, f: impl FnOnce() -> R) -> R {
        if !self.probe {
            return f();
        }
        let p = StackProbe::start();
        let out = out_of_line(f);
        let depth = p.depth();
        let (name, max) = match call {
            EngineCall::HandleFrame => ("handle_frame", &mut self.stack.handle_frame),
            EngineCall::PollTransmit => ("poll_transmit", &mut self.stack.poll_transmit),
            EngineCall::PollEvent => ("poll_event", &mut self.stack.poll_event),
            EngineCall::HandleTimeout => ("handle_timeout", &mut self.stack.input),
            EngineCall::Input => ("an input", &mut self.stack.input),
        };
        *max = (*max).max(depth);
        self.stack.note(name, &p, depth);
        out
    }
}

/// Runs `f` in a frame of its own, so that the probe sees all the stack
/// the engine call takes (inlined into the test kit's loop, part of it
/// would hide in the loop's own frame).
#[inline(never)]
fn out_of_line<R>(f: impl FnOnce() -> R) -> R {
    f()
}

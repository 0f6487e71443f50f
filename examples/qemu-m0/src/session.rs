//! A scripted charging session: the engine, the scripted central system
//! ([`crate::csms`]) and a virtual clock, driven step by step.
//!
//! Every frame the central system answers travels through the RP2040
//! firmware's [`LineBuffer`] first, as it would over the UART.
//!
//! In [`Mode::Expect`] each step checks what the charge point sent and which
//! events it raised. In [`Mode::Tolerate`] (a pool too small, or an
//! allocation refused) the same script runs without those checks, but with
//! these: every step in which the allocator refused something shows an
//! out-of-memory outcome, nothing unexpected happens (a frame the central
//! system cannot read or finds wrong, an engine that does not go quiet, an
//! input refused for a reason other than memory or the state an earlier
//! refusal left), and the session carries on to its end.

use cortex_m_semihosting::hprintln;
use ocpp_alloc::{FailureInjector, Measured};
use ocpp_engine::ocpp_model::{Action, AuthorizationStatus, ErrorCode, Limits, RegistrationStatus};
use ocpp_engine::{CallFailure, ChargePoint, Config, Event, HandleError, InputError, Instant};

use crate::csms::{Csms, Heard, ANSWER_LEN};
use crate::line::LineBuffer;
use crate::log::Log;
use crate::mem::StackProbe;
use crate::EnginePool;

mod call;
mod script;

/// The allocator the engine gets: the static pool, behind the failure
/// injector, counted (and capped).
pub type Alloc<'a> = &'a Measured<&'static FailureInjector<EnginePool>>;

/// Longest frame the charge point accepts (the UART line buffer).
pub const LINE_LEN: usize = 512;
/// Room for the longest frame the charge point sends.
pub const TX_LEN: usize = 384;

/// The charge point's configuration in every run.
pub const fn config() -> Config<'static> {
    Config::new("VendorX", "ModelY")
        .with_connectors(crate::csms::CONNECTORS as u8)
        .with_serial_number("QEMU-M0-0001")
        .with_firmware_version(env!("CARGO_PKG_VERSION"))
        .with_limits(Limits::new(LINE_LEN, 8))
        .with_max_queued_messages(crate::MAX_QUEUED)
        .with_max_pending_authorizations(crate::MAX_PENDING_AUTHORIZATIONS)
        // No authorization cache: it would keep ~60 B per idTag seen, and it
        // learns on a best-effort basis (a refused entry is simply not
        // kept, with no outcome a test could see).
        .with_max_cache_entries(0)
        // No StopTxnAlignedData in this session.
        .with_max_stop_aligned_samples(0)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The pool is large enough: every step must go as scripted; `verbose`
    /// prints every step, otherwise only the failed ones.
    Expect { verbose: bool },
    /// The pool is too small: out-of-memory outcomes are counted and
    /// allowed; `verbose` prints every step.
    Tolerate { verbose: bool },
}

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

/// How a session ended.
#[derive(Clone, Copy, Debug, Default)]
pub struct Report {
    pub steps: u32,
    /// Steps whose outcome was not the scripted one (Expect mode), or that
    /// went wrong other than by running out of memory (Tolerate mode).
    pub failed_steps: u32,
    /// `ChargePoint::new` was refused: nothing else ran.
    pub new_refused: bool,
    /// Out-of-memory outcomes: refused inputs, frames not taken for lack of
    /// memory, `InternalError` answers, a RemoteStartTransaction `Rejected`
    /// and periodic samples skipped while the allocator refused.
    pub out_of_memory: u32,
    /// Highest `in_use` of the engine's allocator during the session.
    pub peak: usize,
    /// `in_use` right after `ChargePoint::new`: the engine's fixed part.
    pub base: usize,
    /// The longest frame the charge point sent, and the longest it received.
    pub longest_sent: usize,
    pub longest_received: usize,
    /// The deepest each engine call went below its caller (probed runs only).
    pub stack: StackUse,
}

/// Stack taken by each kind of engine call, beyond the caller's frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct StackUse {
    pub new: usize,
    pub handle_frame: usize,
    pub poll_transmit: usize,
    pub poll_event: usize,
    pub input: usize,
    /// The deepest an engine call was made from: main, the harness and
    /// the script, down to the engine's caller.
    pub caller: usize,
    /// The deepest the stack went in an engine call, from its top, and
    /// which call that was.
    pub deepest: usize,
    pub deepest_call: &'static str,
}

impl StackUse {
    fn note(&mut self, name: &'static str, p: &StackProbe, depth: usize) {
        self.caller = self.caller.max(p.caller_depth());
        let total = p.caller_depth() + depth;
        if total > self.deepest {
            self.deepest = total;
            self.deepest_call = name;
        }
    }
}

/// Runs the whole script against a fresh charge point in `alloc`. With
/// `probe`, measures the stack each engine call takes (slow: it repaints the
/// stack around every call).
pub fn run(alloc: Alloc<'_>, mode: Mode, probe: bool) -> Report {
    let config = config();
    let probe_new = probe.then(StackProbe::start);
    let cp = call::new(&config, alloc);
    let new_depth = probe_new.map_or(0, |p| p.depth());
    let cp = match cp {
        Ok(cp) => cp,
        Err(e) => {
            if matches!(mode, Mode::Expect { .. } | Mode::Tolerate { verbose: true }) {
                hprintln!("  new: refused ({:?})", e);
            }
            let oom = e == ocpp_engine::NewError::OutOfMemory;
            return Report {
                new_refused: true,
                out_of_memory: u32::from(oom),
                failed_steps: u32::from(matches!(mode, Mode::Expect { .. }) || !oom),
                peak: alloc.stats().peak,
                ..Report::default()
            };
        }
    };
    let base = alloc.stats().in_use;
    let mut h = Harness::new(cp, alloc, mode);
    h.report.base = base;
    h.probe = probe;
    h.report.stack.new = new_depth;
    script::script(&mut h);
    let mut report = h.report;
    report.peak = report.peak.max(alloc.stats().peak);
    report
}

struct Harness<'a> {
    cp: ChargePoint<Alloc<'a>>,
    alloc: Alloc<'a>,
    mode: Mode,
    csms: Csms,
    /// The central system's CALL waiting for its answer.
    csms_call: Option<Action>,
    /// The virtual clock, in milliseconds.
    now_ms: u64,
    /// The charge point's UART receive side.
    lines: LineBuffer<LINE_LEN>,
    tx: [u8; TX_LEN],
    answer: [u8; ANSWER_LEN],
    /// What the current step saw.
    sent: Log<Heard, 8>,
    events: Log<Seen, 6>,
    /// Out-of-memory outcomes of the current step.
    oom: u32,
    /// RemoteStartTransactions answered `Rejected` in the current step.
    rejected: u32,
    /// What went wrong in the current step, whatever the mode.
    trouble: Log<&'static str, 4>,
    /// Where the step left the script's path in a way an earlier refusal
    /// explains (an input refused as Busy, NoTransaction or Unavailable):
    /// a failure in Expect mode only.
    deviations: Log<&'static str, 4>,
    report: Report,
    probe: bool,
}

impl<'a> Harness<'a> {
    fn new(cp: ChargePoint<Alloc<'a>>, alloc: Alloc<'a>, mode: Mode) -> Self {
        Harness {
            cp,
            alloc,
            mode,
            csms: Csms::new(),
            csms_call: None,
            now_ms: 0,
            lines: LineBuffer::new(),
            tx: [0; TX_LEN],
            answer: [0; ANSWER_LEN],
            sent: Log::new(),
            events: Log::new(),
            oom: 0,
            rejected: 0,
            trouble: Log::new(),
            deviations: Log::new(),
            report: Report::default(),
            probe: false,
        }
    }

    fn now(&self) -> Instant {
        Instant::from_millis(self.now_ms)
    }

    /// Runs `call`, and with probing on, records how deep it went in `slot`.
    fn probed<T>(
        &mut self,
        name: &'static str,
        slot: fn(&mut StackUse) -> &mut usize,
        call: impl FnOnce(&mut Self) -> T,
    ) -> T {
        if !self.probe {
            return call(self);
        }
        let p = StackProbe::start();
        let out = call(self);
        let depth = p.depth();
        let max = slot(&mut self.report.stack);
        *max = (*max).max(depth);
        self.report.stack.note(name, &p, depth);
        out
    }

    /// One step: a second passes, `input` happens, the harness drives the
    /// engine until it is quiet, and the outcome is checked. (One copy for
    /// all steps, out of line: the script's frame stays small.)
    #[inline(never)]
    fn step(
        &mut self,
        name: &str,
        input: &dyn Fn(&mut Self),
        want_sent: &[Heard],
        want_events: &[Seen],
    ) {
        self.report.steps += 1;
        self.now_ms += 1_000;
        self.sent.clear();
        self.events.clear();
        self.trouble.clear();
        self.deviations.clear();
        self.oom = 0;
        self.rejected = 0;
        self.alloc.reset_peak();
        let refusals = self.alloc.stats().refusals;
        let skipped = self.cp.queue().skipped;

        input(self);
        self.drive();

        let stats = self.alloc.stats();
        self.report.peak = self.report.peak.max(stats.peak);
        let refused = stats.refusals > refusals;
        // A periodic sample skipped is the engine's out-of-memory outcome
        // for a sample; so is a remote start rejected while memory was refused.
        self.oom += self.cp.queue().skipped.saturating_sub(skipped);
        if refused {
            self.oom += self.rejected;
        }
        for &p in self.csms.problems.as_slice() {
            self.trouble.push(p);
        }
        if self.csms.problems.overflowed() {
            self.trouble.push("more problems the central system found");
        }
        self.csms.problems.clear();
        // An expectation the step did not meet stays with the step.
        if !core::mem::take(&mut self.csms.expect_in_result).is_empty() {
            self.deviations
                .push("the CALLRESULT the script expects did not come");
        }
        if refused && self.oom == 0 {
            self.trouble
                .push("an allocation was refused and no out-of-memory outcome came of it");
        }
        self.report.out_of_memory += self.oom;
        let n = self.report.steps;
        let (ok, verbose) = match self.mode {
            Mode::Expect { verbose } => {
                let ok = self.sent.as_slice() == want_sent
                    && !self.sent.overflowed()
                    && self.events.as_slice() == want_events
                    && !self.events.overflowed()
                    && self.trouble.is_empty()
                    && self.deviations.is_empty()
                    && self.oom == 0;
                (ok, verbose)
            }
            Mode::Tolerate { verbose } => (self.trouble.is_empty(), verbose),
        };
        if verbose || !ok {
            hprintln!(
                "[{}] {:02} {} (t={}s): sent {:?}, events {:?}; pool in use {} B, step peak {} B",
                if ok { "ok" } else { "FAIL" },
                n,
                name,
                self.now_ms / 1000,
                self.sent.as_slice(),
                self.events.as_slice(),
                stats.in_use,
                stats.peak,
            );
        }
        if !ok {
            self.report.failed_steps += 1;
        }
        if !ok || (verbose && matches!(self.mode, Mode::Tolerate { .. })) {
            if matches!(self.mode, Mode::Expect { .. }) {
                hprintln!(
                    "       expected sent {:?}, events {:?}",
                    want_sent,
                    want_events
                );
            }
            hprintln!(
                "       trouble {:?}, deviations {:?}, out-of-memory outcomes {}",
                self.trouble.as_slice(),
                self.deviations.as_slice(),
                self.oom
            );
        }
    }

    // --- inputs -------------------------------------------------------------

    fn input(
        &mut self,
        f: impl FnOnce(&mut ChargePoint<Alloc<'a>>, Instant) -> Result<(), InputError>,
    ) {
        let now = self.now();
        let result = self.probed("an input", |s| &mut s.input, |h| f(&mut h.cp, now));
        match result {
            Ok(()) => {}
            Err(InputError::OutOfMemory) => self.oom += 1,
            Err(InputError::Busy) => self.deviations.push("input refused: Busy"),
            Err(InputError::NoTransaction) => self.deviations.push("input refused: NoTransaction"),
            Err(InputError::Unavailable) => self.deviations.push("input refused: Unavailable"),
            Err(_) => self.trouble.push("input refused (not for memory)"),
        }
    }

    fn authorize(&mut self, id_tag: &str) {
        self.input(|cp, now| call::authorize(cp, now, id_tag));
    }

    fn plug_in(&mut self) {
        self.input(|cp, now| call::plug_in(cp, now, 1));
    }

    fn unplug(&mut self) {
        self.input(|cp, now| call::unplug(cp, now, 1));
    }

    fn present(&mut self, id_tag: &str) {
        self.input(|cp, now| call::present_id_tag(cp, now, 1, id_tag));
    }

    fn set_meter(&mut self, wh: i32, w: i32) {
        self.input(|cp, now| call::set_meter(cp, now, 1, wh, w));
    }

    fn configure(&mut self, key: &str, value: &str) {
        self.input(|cp, now| call::configure(cp, now, key, value));
    }

    /// The central system sends a frame of its own, given in parts.
    fn csms_sends(&mut self, parts: &[&[u8]]) {
        let Some(len) = crate::csms::write(&mut self.answer[..ANSWER_LEN - 1], parts) else {
            self.trouble
                .push("a frame of the script does not fit the answer buffer");
            return;
        };
        self.csms_call =
            ocpp_engine::ocpp_model::Frame::parse(&self.answer[..len], &Limits::DEFAULT)
                .ok()
                .and_then(|f| match f {
                    ocpp_engine::ocpp_model::Frame::Call { action, .. } => {
                        Action::parse(action).ok()
                    }
                    _ => None,
                });
        self.answer[len] = b'\n';
        self.receive(len + 1);
    }

    /// A line longer than the UART buffer: the line buffer drops it whole,
    /// and the frame after it still gets through.
    fn overlong_line(&mut self) {
        let before = self.lines.dropped();
        for _ in 0..LINE_LEN + 100 {
            if self.lines.push(b'x').is_some() {
                self.trouble.push("part of an over-long line came out");
            }
        }
        if self.lines.push(b'\n').is_some() {
            self.trouble.push("an over-long line came out");
        }
        if self.lines.dropped() != before + 1 {
            self.trouble.push("the over-long line was not counted");
        }
    }

    /// Moves the clock forward by `ms`, stopping at every deadline on the way.
    fn advance(&mut self, ms: u64) {
        self.advance_to(self.now_ms + ms);
    }

    fn advance_to(&mut self, target_ms: u64) {
        while let Some(deadline) = self
            .cp
            .poll_timeout()
            .filter(|d| d.as_millis() <= target_ms)
        {
            self.now_ms = self.now_ms.max(deadline.as_millis());
            self.drive();
            // Handled and drained: the next deadline must lie ahead, or a
            // real main loop would spin on it.
            if self
                .cp
                .poll_timeout()
                .is_some_and(|d| d.as_millis() <= self.now_ms)
            {
                self.trouble
                    .push("poll_timeout not after now once handled: the loop would spin");
                break;
            }
        }
        self.now_ms = self.now_ms.max(target_ms);
    }

    // --- the loop an integrator writes ------------------------------------

    /// Timers, then frames out (each answered by the central system and the
    /// answer fed back), then events; until nothing moves.
    fn drive(&mut self) {
        for _ in 0..64 {
            let mut moved = false;
            let now = self.now();
            if self
                .cp
                .poll_timeout()
                .is_some_and(|deadline| deadline <= now)
            {
                self.probed(
                    "handle_timeout",
                    |s| &mut s.input,
                    |h| call::handle_timeout(&mut h.cp, now),
                );
            }
            match self.probed(
                "poll_transmit",
                |s| &mut s.poll_transmit,
                |h| call::poll_transmit(&mut h.cp, now, &mut h.tx),
            ) {
                Ok(Some(n)) => {
                    moved = true;
                    self.heard(n);
                }
                Ok(None) => {}
                Err(_) => self.trouble.push("poll_transmit: frame does not fit"),
            }
            while let Some(event) = self.probed(
                "poll_event",
                |s| &mut s.poll_event,
                |h| call::poll_event(&mut h.cp),
            ) {
                moved = true;
                self.event(event);
            }
            if !moved {
                return;
            }
        }
        self.trouble.push("the engine never went quiet");
    }

    /// The central system reads the `n` bytes the charge point sent, and
    /// its answer, if any, goes back over the UART.
    fn heard(&mut self, n: usize) {
        self.report.longest_sent = self.report.longest_sent.max(n);
        let (heard, answer) = self.csms.hear(&self.tx[..n.min(TX_LEN)], &mut self.answer);
        match heard {
            Heard::CallError(ErrorCode::InternalError) => self.oom += 1, // could not process a CALL
            // The action's own Rejected where the spec has one: a remote
            // start, or a triggered MeterValues without room for its samples.
            Heard::CallResult(Some("Rejected"))
                if matches!(
                    self.csms_call,
                    Some(Action::RemoteStartTransaction | Action::TriggerMessage)
                ) =>
            {
                self.rejected += 1;
            }
            Heard::Garbage | Heard::UnknownCall => self
                .trouble
                .push("sent a frame the central system cannot read"),
            _ => {}
        }
        if matches!(heard, Heard::CallResult(_) | Heard::CallError(_)) {
            self.csms_call = None;
        }
        self.sent.push(heard);
        if let Some(len) = answer {
            self.receive(len);
        }
    }

    /// What the firmware does with an event: here, note it; answer an
    /// UnlockConnector (no lock motor: always Unlocked).
    fn event(&mut self, event: Event) {
        self.events.push(match event {
            Event::Registered(status) => Seen::Registered(status),
            Event::Authorized { info, .. } => Seen::Authorized(info.status),
            Event::AuthorizeFailed { reason, .. } => Seen::AuthorizeFailed(reason),
            Event::Energy { connector, on } => Seen::Energy(connector, on),
            Event::Unlock { connector } => {
                // `false` when it was not the central system that asked.
                let _ = call::unlock_result(&mut self.cp, connector);
                Seen::Unlock(connector)
            }
            Event::IdTagRefused { status, .. } => Seen::IdTagRefused(status),
            Event::IdTagUnverified { reason, .. } => Seen::IdTagUnverified(reason),
            Event::Reset { hard } => Seen::Reset { hard },
            Event::ConfigurationChanged { key } => Seen::ConfigurationChanged(key),
            _ => Seen::Other,
        });
    }

    /// `len` bytes of `self.answer` arrive on the UART.
    fn receive(&mut self, len: usize) {
        let now = self.now();
        for i in 0..len.min(ANSWER_LEN) {
            let Some(line) = self.lines.push(self.answer[i]) else {
                continue;
            };
            self.report.longest_received = self.report.longest_received.max(line.len());
            let probe = self.probe.then(StackProbe::start);
            let result = call::handle_frame(&mut self.cp, now, line);
            if let Some(p) = probe {
                let (s, depth) = (&mut self.report.stack, p.depth());
                s.handle_frame = s.handle_frame.max(depth);
                s.note("handle_frame", &p, depth);
            }
            match result {
                Ok(()) => {}
                Err(HandleError::OutOfMemory) => self.oom += 1,
                // Answers are transmitted before the next frame comes in.
                Err(HandleError::Busy) => self.trouble.push("handle_frame: Busy"),
                Err(HandleError::Unsolicited) => self.trouble.push("handle_frame: Unsolicited"),
                Err(_) => self.trouble.push("handle_frame: Ignored or NotRegistered"),
            }
        }
    }
}

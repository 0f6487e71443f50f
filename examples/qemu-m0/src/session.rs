//! A scripted charging session: the engine, the scripted central system
//! ([`crate::csms`]) and a virtual clock, driven step by step.
//!
//! Every frame the central system answers travels through the RP2040
//! firmware's [`LineBuffer`] first, as it would over the UART.
//!
//! In [`Mode::Expect`] each step checks what the charge point sent and which
//! events it raised. In [`Mode::Tolerate`] (a pool too small) the same
//! script runs without those checks: every refusal must come back as an
//! out-of-memory outcome, and the session must carry on to its end.

use cortex_m_semihosting::hprintln;
use ocpp_alloc::{FailureInjector, Measured};
use ocpp_engine::ocpp_model::{
    AuthorizationStatus, ChargePointErrorCode, ChargePointStatus, ErrorCode, Limits,
    RegistrationStatus,
};
use ocpp_engine::{
    CallFailure, ChargePoint, Config, Event, HandleError, InputError, Instant, NewError,
};

use crate::csms::{Csms, Heard, ANSWER_LEN};
use crate::line::LineBuffer;
use crate::log::Log;
use crate::mem::StackProbe;
use crate::EnginePool;

mod script;

/// The allocator the engine gets: the static pool, behind the failure
/// injector, counted (and capped).
pub type Alloc<'a> = &'a Measured<&'static FailureInjector<EnginePool>>;

/// Longest frame the charge point accepts (the UART line buffer).
pub const LINE_LEN: usize = 512;
/// Room for the longest frame the charge point sends.
pub const TX_LEN: usize = 384;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The pool is large enough: every step must go as scripted; `verbose`
    /// prints every step, otherwise only the failed ones.
    Expect { verbose: bool },
    /// The pool is too small: count out-of-memory outcomes, check nothing
    /// else; `verbose` prints every step.
    Tolerate { verbose: bool },
}

/// An event, without the pool-allocated parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    Registered(RegistrationStatus),
    Authorized(AuthorizationStatus),
    AuthorizeFailed(CallFailure),
}

/// How a session ended.
#[derive(Clone, Copy, Debug, Default)]
pub struct Report {
    pub steps: u32,
    /// Steps whose outcome was not the scripted one (Expect mode only).
    pub failed_steps: u32,
    /// `ChargePoint::new` was refused: nothing else ran.
    pub new_refused: bool,
    /// Out-of-memory outcomes: refused inputs, frames not taken for lack of
    /// memory, `InternalError` answers the engine sent.
    pub out_of_memory: u32,
    /// Highest `in_use` of the engine's allocator during the session.
    pub peak: usize,
    /// `in_use` right after `ChargePoint::new`: the engine's fixed part.
    pub base: usize,
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
}

/// Runs the whole script against a fresh charge point in `alloc`. With
/// `probe`, measures the stack each engine call takes (slow: it repaints the
/// stack around every call).
pub fn run(alloc: Alloc<'_>, mode: Mode, probe: bool) -> Report {
    let config = Config::new("VendorX", "ModelY")
        .with_connectors(1)
        .with_serial_number("QEMU-M0-0001")
        .with_firmware_version(env!("CARGO_PKG_VERSION"))
        .with_limits(Limits::new(LINE_LEN, 8));
    let probe_new = probe.then(StackProbe::start);
    let cp = call::new(&config, alloc);
    let new_depth = probe_new.map_or(0, |p| p.depth());
    let cp = match cp {
        Ok(cp) => cp,
        Err(e) => {
            if matches!(mode, Mode::Expect { .. } | Mode::Tolerate { verbose: true }) {
                hprintln!("  new: refused ({:?})", e);
            }
            let oom = e == NewError::OutOfMemory;
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
    /// The virtual clock, in milliseconds.
    now_ms: u64,
    /// The charge point's UART receive side.
    lines: LineBuffer<LINE_LEN>,
    tx: [u8; TX_LEN],
    answer: [u8; ANSWER_LEN],
    /// What the current step saw.
    sent: Log<Heard, 6>,
    events: Log<Seen, 4>,
    /// Out-of-memory outcomes of the current step, and anything unexpected.
    oom: u32,
    trouble: Log<&'static str, 4>,
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
            now_ms: 0,
            lines: LineBuffer::new(),
            tx: [0; TX_LEN],
            answer: [0; ANSWER_LEN],
            sent: Log::new(),
            events: Log::new(),
            oom: 0,
            trouble: Log::new(),
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
        out
    }

    /// One step: a second passes, `input` happens, the harness drives the
    /// engine until it is quiet, and the outcome is checked (Expect mode) or
    /// printed (verbose Tolerate mode).
    fn step(
        &mut self,
        name: &str,
        input: impl FnOnce(&mut Self),
        want_sent: &[Heard],
        want_events: &[Seen],
    ) {
        self.report.steps += 1;
        self.now_ms += 1_000;
        self.sent.clear();
        self.events.clear();
        self.trouble.clear();
        self.oom = 0;
        self.alloc.reset_peak();

        input(self);
        self.drive();

        let stats = self.alloc.stats();
        self.report.peak = self.report.peak.max(stats.peak);
        self.report.out_of_memory += self.oom;
        let n = self.report.steps;
        match self.mode {
            Mode::Expect { verbose } => {
                let ok = self.sent.as_slice() == want_sent
                    && !self.sent.overflowed()
                    && self.events.as_slice() == want_events
                    && !self.events.overflowed()
                    && self.trouble.is_empty()
                    && self.oom == 0;
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
                    hprintln!(
                        "       expected sent {:?}, events {:?}; trouble {:?}, out of memory {}",
                        want_sent,
                        want_events,
                        self.trouble.as_slice(),
                        self.oom
                    );
                }
            }
            Mode::Tolerate { verbose: true } => hprintln!(
                "  {:02} {}: sent {:?}, events {:?}, out-of-memory outcomes {} {:?}",
                n,
                name,
                self.sent.as_slice(),
                self.events.as_slice(),
                self.oom,
                self.trouble.as_slice(),
            ),
            Mode::Tolerate { verbose: false } => {}
        }
    }

    // --- inputs -------------------------------------------------------------

    fn set_status(&mut self, connector: u8, status: ChargePointStatus) {
        let now = self.now();
        let result = self.probed(
            |s| &mut s.input,
            |h| call::set_status(&mut h.cp, now, connector, status),
        );
        self.input_result(result);
    }

    fn authorize(&mut self, id_tag: &str) {
        let now = self.now();
        let result = self.probed(
            |s| &mut s.input,
            |h| call::authorize(&mut h.cp, now, id_tag),
        );
        self.input_result(result);
    }

    fn input_result(&mut self, result: Result<(), InputError>) {
        match result {
            Ok(()) => {}
            Err(InputError::OutOfMemory) => {
                self.oom += 1;
                self.trouble.push("input refused: OutOfMemory");
            }
            Err(_) => self.trouble.push("input refused"),
        }
    }

    /// The central system sends a frame of its own.
    fn csms_sends(&mut self, frame: &[u8]) {
        let len = frame.len().min(ANSWER_LEN - 1);
        self.answer[..len].copy_from_slice(&frame[..len]);
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
            if self
                .cp
                .poll_timeout()
                .is_some_and(|deadline| deadline <= self.now())
            {
                self.cp.handle_timeout(self.now());
            }
            let now = self.now();
            match self.probed(
                |s| &mut s.poll_transmit,
                |h| call::poll_transmit(&mut h.cp, now, &mut h.tx),
            ) {
                Ok(Some(n)) => {
                    moved = true;
                    let (heard, answer) =
                        self.csms.hear(&self.tx[..n.min(TX_LEN)], &mut self.answer);
                    if heard == Heard::CallError(ErrorCode::InternalError) {
                        self.oom += 1; // the engine could not process a CALL
                    }
                    if matches!(heard, Heard::Garbage | Heard::UnknownCall) {
                        self.trouble
                            .push("sent a frame the central system cannot read");
                    }
                    self.sent.push(heard);
                    if let Some(len) = answer {
                        self.receive(len);
                    }
                }
                Ok(None) => {}
                Err(_) => self.trouble.push("poll_transmit: frame does not fit"),
            }
            while let Some(event) =
                self.probed(|s| &mut s.poll_event, |h| call::poll_event(&mut h.cp))
            {
                moved = true;
                self.events.push(match event {
                    Event::Registered(status) => Seen::Registered(status),
                    Event::Authorized { info, .. } => Seen::Authorized(info.status),
                    Event::AuthorizeFailed { reason, .. } => Seen::AuthorizeFailed(reason),
                });
            }
            if !moved {
                return;
            }
        }
        self.trouble.push("the engine never went quiet");
    }

    /// `len` bytes of `self.answer` arrive on the UART.
    fn receive(&mut self, len: usize) {
        let now = self.now();
        for i in 0..len.min(ANSWER_LEN) {
            let Some(line) = self.lines.push(self.answer[i]) else {
                continue;
            };
            let probe = self.probe.then(StackProbe::start);
            let mut result = call::handle_frame(&mut self.cp, now, line);
            if let Some(p) = probe {
                self.report.stack.handle_frame = self.report.stack.handle_frame.max(p.depth());
            }
            if result == Err(HandleError::Busy) {
                // Answers queued: the integrator transmits, then offers the frame again.
                self.trouble.push("handle_frame: Busy");
                result = Ok(());
            }
            match result {
                Ok(()) => {}
                Err(HandleError::OutOfMemory) => {
                    self.oom += 1;
                    self.trouble.push("answer not taken: OutOfMemory");
                }
                Err(HandleError::Unsolicited) => self.trouble.push("handle_frame: Unsolicited"),
                Err(_) => self.trouble.push("handle_frame: Ignored"),
            }
        }
    }
}

/// The engine's calls, each kept out of line so that a [`StackProbe`] around
/// it sees all the stack it takes (inlined into the harness, part of it
/// would hide in the harness's own frame).
mod call {
    use super::*;
    use ocpp_engine::ocpp_model::EncodeError;

    #[inline(never)]
    pub fn new<'a>(
        config: &Config<'_>,
        alloc: Alloc<'a>,
    ) -> Result<ChargePoint<Alloc<'a>>, NewError> {
        ChargePoint::new(config, alloc)
    }

    #[inline(never)]
    pub fn handle_frame(
        cp: &mut ChargePoint<Alloc<'_>>,
        now: Instant,
        frame: &[u8],
    ) -> Result<(), HandleError> {
        cp.handle_frame(now, frame)
    }

    #[inline(never)]
    pub fn poll_transmit(
        cp: &mut ChargePoint<Alloc<'_>>,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<usize>, EncodeError> {
        cp.poll_transmit(now, buf)
    }

    #[inline(never)]
    pub fn poll_event<'a>(cp: &mut ChargePoint<Alloc<'a>>) -> Option<Event<Alloc<'a>>> {
        cp.poll_event()
    }

    #[inline(never)]
    pub fn authorize(
        cp: &mut ChargePoint<Alloc<'_>>,
        now: Instant,
        id_tag: &str,
    ) -> Result<(), InputError> {
        cp.authorize(now, id_tag)
    }

    #[inline(never)]
    pub fn set_status(
        cp: &mut ChargePoint<Alloc<'_>>,
        now: Instant,
        connector: u8,
        status: ChargePointStatus,
    ) -> Result<(), InputError> {
        cp.set_status(now, connector, status, ChargePointErrorCode::NoError)
    }
}

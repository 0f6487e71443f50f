//! A scripted charging session: the engine and the test kit's central
//! system and virtual clock (`ocpp_testkit::Pair`), driven step by step;
//! [`watch::Watch`] reads what the charge point sends, by hand.
//!
//! Every CALL of the central system travels through the RP2040 firmware's
//! [`LineBuffer`] first, as it would over the UART.
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
use ocpp_engine::ocpp_model::{Action, Limits};
use ocpp_engine::{ChargePoint, Config, InputError, Instant, NoStorage};
use ocpp_testkit::{Answer, Error, Pair};

use crate::check::Sent;
use crate::line::LineBuffer;
use crate::mem::StackProbe;
use crate::EnginePool;

mod call;
mod script;
mod watch;

pub use watch::{Seen, StackUse, Watch};

/// The allocator the engine gets: the static pool, behind the failure
/// injector, counted (and capped).
pub type Alloc<'a> = &'a Measured<&'static FailureInjector<EnginePool>>;

/// Longest frame the charge point accepts (the UART line buffer).
pub const LINE_LEN: usize = 512;
/// Room for the longest frame the charge point sends.
pub const TX_LEN: usize = 384;
/// The central system's room for one answer: the longest of this script
/// is 103 B (the test kit's default room is 256 B).
pub const ANSWER_LEN: usize = 160;

/// The charge point, the test kit's central system and clock, and the
/// firmware's [`Watch`]; frames of at most [`TX_LEN`], answers of at most
/// [`ANSWER_LEN`].
pub type FirmwarePair<'a, S = NoStorage> = Pair<Alloc<'a>, Watch, TX_LEN, S, ANSWER_LEN>;

/// The charge point's configuration in every run, in flash: a `Config`
/// on the session's stack would sit under every engine call.
pub static CONFIG: Config<'static> = config();

/// The charge point's configuration in every run.
pub const fn config() -> Config<'static> {
    Config::new("VendorX", "ModelY")
        .with_connectors(crate::check::CONNECTORS as u8)
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

/// Runs the whole script against a fresh charge point in `alloc`. With
/// `probe`, measures the stack each engine call takes (slow: it repaints the
/// stack around every call).
pub fn run(alloc: Alloc<'_>, mode: Mode, probe: bool) -> Report {
    let probe_new = probe.then(StackProbe::start);
    let cp = call::new(&CONFIG, alloc);
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
    let mut h = Harness::new(cp, alloc, mode, probe);
    h.report.base = base;
    h.report.stack.new = new_depth;
    script::script(&mut h);
    let mut report = h.report;
    let w = &h.pair.observer;
    report.longest_sent = w.longest_sent;
    report.longest_received = report.longest_received.max(w.longest_received);
    report.stack = StackUse {
        new: new_depth,
        ..w.stack
    };
    report.peak = report.peak.max(alloc.stats().peak);
    report
}

struct Harness<'a> {
    /// The charge point, the test kit's central system (its usual answers,
    /// transactionIds counted out from 42), the virtual clock, and the
    /// firmware's [`Watch`] over the exchanges; frames of at most `TX_LEN`.
    pair: FirmwarePair<'a>,
    alloc: Alloc<'a>,
    mode: Mode,
    /// The charge point's UART receive side, for the central system's CALLs.
    lines: LineBuffer<LINE_LEN>,
    report: Report,
}

impl<'a> Harness<'a> {
    /// Out of line: the pair is assembled in this frame, which is gone
    /// while the script runs, and written once into the caller's.
    #[inline(never)]
    fn new(cp: ChargePoint<Alloc<'a>>, alloc: Alloc<'a>, mode: Mode, probe: bool) -> Self {
        let mut pair = Pair::with_charge_point(cp, Watch::new());
        pair.cs.count_transactions();
        // The firmware's own reading checks the transactionIds, per
        // connector, and allows a triggered MeterValues outside a transaction.
        pair.cs.expect_transaction_id = false;
        // A date-time without an offset, as Python's `utcnow().isoformat()`
        // writes it: the engine reads it as UTC.
        let heartbeat = Answer::Result(r#"{"currentTime":"2026-11-25T10:05:00.123456"}"#);
        let _ = pair.cs.answer(Action::Heartbeat, heartbeat);
        pair.observer.probe = probe;
        Harness {
            pair,
            alloc,
            mode,
            lines: LineBuffer::new(),
            report: Report::default(),
        }
    }

    /// The virtual clock, in milliseconds.
    fn now_ms(&self) -> u64 {
        self.pair.now.as_millis()
    }

    /// One step: a second passes, `input` happens, the test kit's loop
    /// drives the engine until it is quiet, and the outcome is checked.
    /// (One copy for all steps, out of line: the script's frame stays small.)
    #[inline(never)]
    fn step(
        &mut self,
        name: &str,
        input: &dyn Fn(&mut Self),
        want_sent: &[Sent],
        want_events: &[Seen],
    ) {
        self.report.steps += 1;
        self.pair.observer.clear_step();
        self.alloc.reset_peak();
        let refusals = self.alloc.stats().refusals;
        let skipped = self.pair.cp.queue().skipped;

        let r = self.pair.advance(1);
        self.did(r);
        input(self);

        let stats = self.alloc.stats();
        self.report.peak = self.report.peak.max(stats.peak);
        let refused = stats.refusals > refusals;
        let skipped = self.pair.cp.queue().skipped.saturating_sub(skipped);
        let w = &mut self.pair.observer;
        w.end_step(refused, skipped);
        self.report.out_of_memory += w.oom;
        let n = self.report.steps;
        let (ok, verbose) = match self.mode {
            Mode::Expect { verbose } => {
                let ok = w.sent.as_slice() == want_sent
                    && !w.sent.overflowed()
                    && w.events.as_slice() == want_events
                    && !w.events.overflowed()
                    && w.trouble.is_empty()
                    && w.deviations.is_empty()
                    && w.oom == 0;
                (ok, verbose)
            }
            Mode::Tolerate { verbose } => (w.trouble.is_empty(), verbose),
        };
        if verbose || !ok {
            hprintln!(
                "[{}] {:02} {} (t={}s): sent {:?}, events {:?}; pool in use {} B, step peak {} B",
                if ok { "ok" } else { "FAIL" },
                n,
                name,
                self.pair.now.as_millis() / 1000,
                w.sent.as_slice(),
                w.events.as_slice(),
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
                w.trouble.as_slice(),
                w.deviations.as_slice(),
                w.oom
            );
        }
    }

    /// Files what the test kit's loop returned, then does what the firmware
    /// does after events: answers an UnlockConnector (no lock motor: always
    /// Unlocked), and lets that answer go out.
    fn did(&mut self, result: Result<(), Error>) {
        self.pair.observer.outcome(result);
        while let Some(connector) = self.pair.observer.unlock.take() {
            // `false` when it was not the central system that asked.
            let _ = call::unlock_result(&mut self.pair.cp, connector);
            let r = self.pair.exchange();
            self.pair.observer.outcome(r);
        }
    }

    // --- inputs -------------------------------------------------------------

    fn input(
        &mut self,
        f: impl FnOnce(&mut ChargePoint<Alloc<'a>>, Instant) -> Result<(), InputError>,
    ) {
        let r = self.pair.input(f);
        if let Err(Error::Input(_)) = r {
            // Refused: what it changed before (nothing, or a state an
            // earlier refusal explains) still goes out.
            self.pair.observer.outcome(r);
            let r = self.pair.exchange();
            self.did(r);
        } else {
            self.did(r);
        }
    }

    fn connect(&mut self) {
        let r = self.pair.connect();
        self.did(r);
    }

    fn disconnect(&mut self) {
        let r = self.pair.disconnect();
        self.did(r);
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

    /// From now on the central system answers `action` with `answer`.
    fn answer(&mut self, action: Action, answer: Answer) {
        if self.pair.cs.answer(action, answer).is_err() {
            self.pair
                .observer
                .trouble
                .push("more overridden answers than the test kit holds");
        }
    }

    /// The central system sends a frame of its own, given in parts: over
    /// the UART, byte by byte, into the charge point's line buffer.
    fn csms_sends(&mut self, parts: &[&[u8]]) {
        let bytes = parts.iter().flat_map(|p| p.iter()).chain(b"\n");
        for &b in bytes {
            let Some(line) = self.lines.push(b) else {
                continue;
            };
            self.report.longest_received = self.report.longest_received.max(line.len());
            let w = &mut self.pair.observer;
            w.csms_call = crate::check::call_action(line);
            let r = self.pair.receive(line);
            self.did(r);
            return;
        }
        self.pair
            .observer
            .trouble
            .push("a frame of the script did not come out of the line buffer");
    }

    /// A line longer than the UART buffer: the line buffer drops it whole,
    /// and the frame after it still gets through.
    fn overlong_line(&mut self) {
        let before = self.lines.dropped();
        let trouble = &mut self.pair.observer.trouble;
        for _ in 0..LINE_LEN + 100 {
            if self.lines.push(b'x').is_some() {
                trouble.push("part of an over-long line came out");
            }
        }
        if self.lines.push(b'\n').is_some() {
            trouble.push("an over-long line came out");
        }
        if self.lines.dropped() != before + 1 {
            trouble.push("the over-long line was not counted");
        }
    }

    /// Moves the clock forward by `ms`, waking the charge point at every
    /// deadline on the way.
    fn advance(&mut self, ms: u64) {
        self.advance_to(self.now_ms() + ms);
    }

    fn advance_to(&mut self, target_ms: u64) {
        let r = self.pair.advance_to(Instant::from_millis(target_ms));
        self.did(r);
    }
}

//! The whole charge point, stateful: the fuzzer's byte string is read as a
//! program of steps ([`Cursor`] choices), each one of the engine's inputs:
//! frames of the central system (answers to our CALL, its own CALLs from
//! templates of valid messages, templates with a byte changed, raw bytes),
//! hardware and firmware inputs (among them the firmware's extensions:
//! the vendors and actions it registers, the CALLs it holds and answers,
//! its own CALLs and their answers, its configuration keys), clock
//! advances, connects and disconnects,
//! an allocation refused by `ocpp_alloc::FailureInjector` during the next
//! step, power cuts at a write of `ocpp_storage::MemoryStorage` (then a
//! reboot through `ChargePoint::restore`), a failing storage.
//!
//! After every step, the invariants (a panic is a finding):
//! - no panic; every CALL of the charge point's own fits `max_call_len`
//!   (of the configurations the program ran); a frame longer than the
//!   harness's 4 KiB buffer (only a CALL can be) waits, the state
//!   unchanged, and goes in a buffer of `max_call_len`; a poll with a small
//!   buffer that is refused changes nothing;
//! - every frame sent is JSON of the OCPP-J shape; a CALL's payload and a
//!   CALLRESULT's (for a CALL of the central system we saw) validate
//!   against their official schema; a CALLERROR has a known code and `{}`;
//! - a GetConfiguration answer lists no write-only key (`AuthorizationKey`,
//!   the firmware's `Secret`); the key the central system or the firmware
//!   sets is the one kept, and a value over 40 characters changes nothing;
//! - nothing but BootNotification is sent before registration is Accepted;
//! - one outstanding CALL: no CALL goes out while ours waits for its
//!   answer, unless the call timeout passed or the connection or the power
//!   went since;
//! - after a timeout is handled, the next deadline lies after now (the
//!   integrator's loop would spin otherwise);
//! - an input that returns `Err` leaves the snapshot unchanged;
//! - when the charge point is dropped (a reboot, the end), the pool holds
//!   0 bytes;
//! - nothing is stuck at the end: with memory, storage and the connection
//!   back, the firmware stopping every transaction and reporting every
//!   unlock it was asked for, and a central system answering as usual,
//!   the transaction queue empties and no CALL of ours is left waiting
//!   for its answer (`finale.rs`);
//! - nothing is lost: every transactionId the charge point took from a
//!   StartTransaction answer is carried by a StopTransaction by the end
//!   (`ledger.rs`).

use std::collections::HashMap;
use std::sync::OnceLock;

use ocpp_alloc::{FailureInjector, FailurePlan, HostPool, Pool, Talc};
use ocpp_engine::{
    Access, BootState, ChargePoint, Config, Duration, Event, Instant, MeterReading,
    Value as Reading,
};
use ocpp_storage::{Cut, Lands, MemoryStorage};
use serde_json::value::RawValue;

use crate::cursor::Cursor;

type Alloc<'p> = &'p FailureInjector<&'p Pool<Talc>>;
type Cp<'p> = ChargePoint<Alloc<'p>, MemoryStorage>;

const CALL_TIMEOUT_SECS: u64 = 30;

mod finale;
mod inputs;
mod key;
mod ledger;
mod power;
mod schema;
mod sent;

use self::inputs::{
    long_answer, CONFIGURE, ERROR_CODES, FAULTS, FIRMWARE_ANSWERS, FIRMWARE_KEYS, LOCATIONS,
    MEASURANDS, NAMES, OWN_CALLS, PHASES, REASONS, SMALL_BUFFERS, TAGS, UNLOCK,
};
pub use self::inputs::{op, KeyStep, ANSWERS, AUTHORIZATION_KEY, CALLS, FIRMWARE_CALLS};

/// `OCPP_FUZZ_TRACE=1`: every frame in and out on stderr (to read a crash).
fn trace() -> bool {
    static T: OnceLock<bool> = OnceLock::new();
    *T.get_or_init(|| std::env::var_os("OCPP_FUZZ_TRACE").is_some())
}

struct World<'p> {
    config: Config<'static>,
    alloc: Alloc<'p>,
    pool: &'p Pool<Talc>,
    storage: MemoryStorage,
    cp: Option<Cp<'p>>,
    now: Instant,
    /// Our CALL waiting for its answer: its id, action and when it went out.
    outstanding: Option<(String, String, Instant)>,
    /// The actions of the central system's CALLs, by id.
    incoming: HashMap<String, String>,
    /// What the firmware says at a reboot: resume a running transaction.
    resume: bool,
    buf: Vec<u8>,
    /// `max_call_len` of this build, or of an earlier one while messages
    /// or samples it wrote may still be sent (a record of a build with
    /// more StopTxnAlignedData samples or readings is restored whole).
    call_bound: usize,
    /// How deep [`op::SMALL_TRANSMIT`] steps are nested.
    nested: u8,
    /// Where snapshots are encoded.
    scratch: Vec<u8>,
    /// The connectors of the unlocks the firmware was asked for, which it
    /// reports at the end (`finale`) if the program did not.
    unlocks: Vec<u8>,
    /// The transactions the central system opened, until stopped.
    ledger: ledger::Ledger,
}

impl<'p> World<'p> {
    fn cp(&mut self) -> &mut Cp<'p> {
        self.cp.as_mut().expect("a charge point")
    }

    /// The charge point's snapshot, encoded in a scratch buffer made once
    /// per program (a fresh 16 KiB, zeroed twice a step, was a twentieth
    /// of the target's time).
    fn snapshot(&mut self) -> Vec<u8> {
        let n = self
            .cp
            .as_ref()
            .expect("a charge point")
            .snapshot(&mut self.scratch)
            .expect("the snapshot fits 16 KiB");
        self.scratch[..n].to_vec()
    }

    /// Runs an input; if it is refused, the state must be as before.
    fn input<E: std::fmt::Debug>(
        &mut self,
        what: &str,
        f: impl FnOnce(&mut Cp<'p>, Instant) -> Result<(), E>,
    ) {
        let before = self.snapshot();
        let now = self.now;
        if let Err(e) = f(self.cp(), now) {
            assert_eq!(
                before,
                self.snapshot(),
                "{what} refused ({e:?}) and changed the state"
            );
        }
    }

    /// A frame of the central system (none arrives without a connection).
    fn receive(&mut self, frame: &[u8]) {
        if !self.cp().is_online() {
            return;
        }
        // What the frame is, where it is a JSON array (raw parts: nothing
        // else of it is needed here).
        let parts: Vec<&RawValue> = std::str::from_utf8(frame)
            .ok()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default();
        let part = |i: usize| parts.get(i).map_or("", |p| p.get());
        let kind = serde_json::from_str::<u64>(part(0)).ok();
        let id = serde_json::from_str::<String>(part(1)).ok();
        let action = serde_json::from_str::<String>(part(2)).ok();
        if let (Some(2), Some(id), Some(action)) = (kind, &id, action) {
            self.incoming.insert(id.clone(), action);
        }
        let before = self.snapshot();
        let now = self.now;
        if trace() {
            eprintln!(
                "{:>8} recv {}",
                now.as_millis(),
                String::from_utf8_lossy(frame)
            );
        }
        match self.cp().handle_frame(now, frame) {
            Ok(()) => {
                let ours = self.outstanding.as_ref().map(|o| &o.0);
                if matches!(kind, Some(3 | 4)) && id.as_ref() == ours {
                    let (id, _, _) = self.outstanding.take().expect("ours");
                    // Taken by the engine: `Ok` for an answer means it was
                    // the engine's outstanding CALL (a late one is
                    // `Unsolicited`; an escaped id is unescaped first).
                    if kind == Some(3) {
                        self.ledger.answered(&id, part(2));
                    }
                }
            }
            Err(e) => assert_eq!(
                before,
                self.snapshot(),
                "a frame refused ({e:?}) changed the state: {}",
                String::from_utf8_lossy(frame)
            ),
        }
    }

    /// Answers our outstanding CALL with this payload (or does nothing).
    fn answer(&mut self, payload: impl FnOnce(&Self, &str, Instant) -> String) {
        if let Some((id, action, _)) = self.outstanding.clone() {
            let frame = format!(r#"[3,"{id}",{}]"#, payload(self, &action, self.now));
            self.receive(frame.as_bytes());
        }
    }

    /// Takes every frame and event out, checking each frame.
    fn drain(&mut self) {
        let mut buf = std::mem::take(&mut self.buf);
        loop {
            let now = self.now;
            let accepted = self.cp().boot_state() == BootState::Accepted;
            let n = match self.cp().poll_transmit(now, &mut buf) {
                Ok(Some(n)) => n,
                Ok(None) => break,
                Err(e) => {
                    self.longer_than(&buf, e, accepted);
                    continue;
                }
            };
            self.check_sent(&buf[..n], accepted);
        }
        self.buf = buf;
        while let Some(event) = self.cp().poll_event() {
            if trace() {
                eprintln!("{:>8} event {event:?}", self.now.as_millis());
            }
            if let Event::Unlock { connector } = event {
                self.unlocks.push(connector);
            }
        }
    }

    /// Time passes, as an integrator's loop: sleep until the deadline,
    /// handle it, drain; the next deadline lies after now.
    fn advance(&mut self, secs: u64) {
        let end = self.now + Duration::from_secs(secs);
        let mut rounds = 0;
        while let Some(t) = self.cp().poll_timeout().filter(|&t| t <= end) {
            self.now = self.now.max(t);
            let now = self.now;
            if trace() {
                eprintln!("{:>8} timeout", now.as_millis());
            }
            self.cp().handle_timeout(now);
            self.drain();
            if let Some(next) = self.cp().poll_timeout() {
                assert!(
                    next > self.now,
                    "poll_timeout {next:?} not after now {:?}",
                    self.now
                );
            }
            rounds += 1;
            assert!(rounds < 100_000, "no end to the deadlines");
        }
        self.now = end;
        let now = self.now;
        self.cp().handle_timeout(now);
    }

    fn step(&mut self, c: &mut Cursor<'_>) {
        let connector = |c: &mut Cursor<'_>| c.below(4) as u8;
        let code = op::of(c.byte());
        if trace() {
            eprintln!(
                "{:>8} step {code} ({} bytes left)",
                self.now.as_millis(),
                c.0.len()
            );
        }
        match code {
            op::CONNECT => {
                let now = self.now;
                self.cp().connected(now);
                self.outstanding = None;
                self.incoming.clear();
            }
            op::DISCONNECT => {
                let now = self.now;
                self.cp().disconnected(now);
                self.outstanding = None;
                self.incoming.clear();
            }
            op::ADVANCE => {
                let secs = match c.below(4) {
                    0 => u64::from(c.byte()),
                    1 => u64::from(c.u16()),
                    2 => 300,
                    _ => 31,
                };
                self.advance(secs);
            }
            op::ANSWER => self.answer(|w, action, now| w.ledger.usual(action, now)),
            op::ANSWER_WITH => {
                let p = *c.pick(ANSWERS);
                self.answer(|_, _, _| p.to_owned());
            }
            op::ANSWER_ERROR => {
                let code = *c.pick(ERROR_CODES);
                if let Some((id, _, _)) = self.outstanding.clone() {
                    let frame = format!(r#"[4,"{id}","{code}","",{{}}]"#);
                    self.receive(frame.as_bytes());
                }
            }
            op::CALL => {
                let call = *c.pick(CALLS);
                self.receive(call.as_bytes());
            }
            op::RAW => {
                let raw = c.bytes(255);
                self.receive(raw);
            }
            op::MUTATED_CALL => {
                let mut call = c.pick(CALLS).as_bytes().to_vec();
                let at = usize::from(c.u16()) % call.len();
                call[at] = c.byte();
                self.receive(&call);
            }
            op::PLUG_IN => {
                let k = connector(c);
                self.input("plug_in", |cp, now| cp.plug_in(now, k));
            }
            op::UNPLUG => {
                let k = connector(c);
                self.input("unplug", |cp, now| cp.unplug(now, k));
            }
            op::UNPLUG_EV => {
                let k = connector(c);
                self.input("unplug_ev", |cp, now| cp.unplug_ev(now, k));
            }
            op::PRESENT => {
                let k = connector(c);
                let tag = *c.pick(TAGS);
                self.input("present_id_tag", |cp, now| cp.present_id_tag(now, k, tag));
            }
            op::STOP => {
                let k = connector(c);
                let reason = *c.pick(REASONS);
                self.input("stop_transaction", |cp, now| {
                    cp.stop_transaction(now, k, reason)
                });
            }
            op::METER => {
                let k = connector(c);
                let m = *c.pick(MEASURANDS);
                let v = Reading::from_units(i64::from(c.u16()) * 10);
                let mut r = MeterReading::new(m, v);
                (r.phase, r.location) = (*c.pick(PHASES), *c.pick(LOCATIONS));
                self.input("set_reading", |cp, now| cp.set_reading(now, k, r));
            }
            op::EV_SUSPENDED => {
                let k = connector(c);
                let on = c.byte() & 1 == 1;
                self.input("set_ev_suspended", |cp, now| {
                    cp.set_ev_suspended(now, k, on)
                });
            }
            op::FAULT => {
                let k = connector(c);
                let f = *c.pick(FAULTS);
                self.input("set_fault", |cp, now| cp.set_fault(now, k, f));
            }
            op::AUTHORIZE => {
                let tag = *c.pick(TAGS);
                self.input("authorize", |cp, now| cp.authorize(now, tag));
            }
            op::CONFIGURE => {
                let (key, value) = *c.pick(CONFIGURE);
                self.input("configure", |cp, now| cp.configure(now, key, value));
            }
            op::UNLOCK_RESULT => {
                let k = connector(c);
                let s = *c.pick(UNLOCK);
                let before = self.snapshot();
                if !self.cp().unlock_result(k, s) {
                    assert_eq!(
                        before,
                        self.snapshot(),
                        "a refused unlock_result changed the state"
                    );
                }
            }
            op::REFUSE => {
                // The n-th allocation of the next step is refused.
                let n = usize::from(c.byte() % 16) + 1;
                self.alloc.set_plan(FailurePlan::Nth(n));
                self.step(c);
                self.alloc.set_plan(FailurePlan::Never);
            }
            op::POWER_CUT => {
                let at = u32::from(c.byte() % 8) + 1;
                let lands = *c.pick(&[Lands::Before, Lands::After, Lands::Torn]);
                self.resume = c.byte() & 1 == 1;
                self.storage.cut_at(Cut { at, lands });
            }
            op::REBOOT => self.reboot(),
            op::STORAGE_FAILING => {
                self.set_failing(c.byte() & 1 == 1);
            }
            op::REGISTER => {
                let (name, vendor) = *c.pick(NAMES);
                self.input("register", |cp, _| match vendor {
                    true => cp.register_vendor(name),
                    false => cp.register_action(name),
                });
            }
            op::FIRMWARE_CALL => {
                let call = *c.pick(FIRMWARE_CALLS);
                self.receive(call.as_bytes());
            }
            op::ANSWER_INCOMING => {
                let i = c.below(FIRMWARE_ANSWERS.len() + 1);
                let payload = FIRMWARE_ANSWERS
                    .get(i)
                    .map_or_else(long_answer, |p| (*p).to_owned());
                let before = self.snapshot();
                let now = self.now;
                match self.cp().answer_incoming(now, &payload) {
                    Ok(()) => assert!(
                        self.cp().incoming_call().is_none(),
                        "an answered CALL still waits for the firmware"
                    ),
                    Err(e) => assert_eq!(
                        before,
                        self.snapshot(),
                        "answer_incoming refused ({e:?}) and changed the state"
                    ),
                }
            }
            op::SEND_CALL => {
                let (action, payload) = *c.pick(OWN_CALLS);
                self.input("send_call", |cp, now| cp.send_call(now, action, payload));
            }
            op::CALL_ANSWER => {
                // The firmware reads the answer (whatever it holds), and
                // may free it.
                let cp = self.cp();
                let _ = cp.call_answer();
                if c.byte() & 1 == 1 {
                    cp.clear_call_answer();
                    assert!(
                        cp.call_answer().is_none(),
                        "a cleared answer is still there"
                    );
                }
            }
            op::ADD_KEY => {
                let (name, value, access, check) = *c.pick(FIRMWARE_KEYS);
                let before = self.snapshot();
                match self.cp().add_configuration_key(name, value, access, check) {
                    // A stored value may win over `value`; a readable key reads back.
                    Ok(()) => assert_eq!(
                        self.cp().read_configuration(name, &mut String::new()),
                        access != Access::WriteOnly,
                        "the firmware's key {name} as GetConfiguration shows it"
                    ),
                    Err(e) => assert_eq!(
                        before,
                        self.snapshot(),
                        "add_configuration_key refused ({e:?}) and changed the state"
                    ),
                }
            }
            op::REBOOT_RECONFIGURED => {
                self.config = inputs::config(c.below(inputs::CONFIGS));
                self.call_bound = self.call_bound.max(ocpp_engine::max_call_len(&self.config));
                self.reboot();
            }
            op::SMALL_TRANSMIT => {
                let len = *c.pick(SMALL_BUFFERS);
                // Nested at most 8 deep: a program of nothing else would
                // otherwise recurse once per 2 bytes.
                if self.nested < 8 {
                    self.nested += 1;
                    self.step(c);
                    self.nested -= 1;
                }
                self.drain_small(len);
            }
            op::AUTHORIZATION_KEY => {
                let step = *c.pick(AUTHORIZATION_KEY);
                self.authorization_key(step);
            }
            _ => unreachable!("op::of gives only the opcodes above"),
        }
    }
}

/// One program; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let pool = HostPool::<Talc>::new(64 * 1024);
    let injector = FailureInjector::new(&*pool);
    let config = inputs::config(0);
    let storage = MemoryStorage::new();
    let (cp, _) = ChargePoint::restore(
        &config,
        &injector,
        storage.clone(),
        ocpp_testkit::START,
        |_| true,
    )
    .expect("a charge point fits the pool");
    let call_bound = ocpp_engine::max_call_len(&config);
    let mut w = World {
        config,
        alloc: &injector,
        pool: &pool,
        storage,
        cp: Some(cp),
        now: ocpp_testkit::START,
        outstanding: None,
        incoming: HashMap::new(),
        resume: true,
        buf: vec![0u8; 4096],
        call_bound,
        nested: 0,
        scratch: vec![0u8; 16 * 1024],
        unlocks: Vec::new(),
        ledger: ledger::Ledger::default(),
    };
    let mut c = Cursor(data);
    let mut steps = 0;
    while !c.is_empty() && steps < 2000 {
        w.step(&mut c);
        w.drain();
        if w.storage.is_down() {
            w.reboot();
            w.drain();
        }
        steps += 1;
    }
    w.finale();
    w.cp = None;
    assert_eq!(
        pool.stats().in_use,
        0,
        "the pool holds bytes after the drop"
    );
}

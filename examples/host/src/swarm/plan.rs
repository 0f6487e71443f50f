//! What each charger of the swarm plays: the built-in session, or the
//! commands, waits and expectations of a `--scenario` file, each with its
//! own jitter so that chargers do not act in step.
//!
//! The built-in session, on connector 1, once registered: after a random
//! wait in `[0, jitter]`, plug in; 0.5 s later present the idTag
//! (Authorize, StartTransaction); charge for `--charge` seconds (plus a
//! random part of the jitter; MeterValues every MeterValueSampleInterval);
//! present the idTag again (StopTransaction, reason Local); 0.5 s later
//! unplug. Then again, `--sessions` times (0: until the run ends).

use std::sync::Arc;

use ocpp_engine::ocpp_model::RegistrationStatus;
use ocpp_engine::{Duration, Event, Instant};

use crate::commands::Command;
use crate::scenario::{self, Line, Step, What};
use ocpp_alloc::Backend;

use crate::swarm::charger::Engine;
use crate::swarm::meter::Meter;

/// The plan shared by every charger.
#[derive(Debug)]
pub enum Plan {
    Session {
        /// 0: until the run ends.
        sessions: u32,
        charge_ms: u64,
        jitter_ms: u64,
    },
    Scenario {
        name: String,
        steps: Vec<Line>,
        jitter_ms: u64,
    },
}

impl Plan {
    /// Whether it has an end (then the run ends when every charger is through).
    pub fn finite(&self) -> bool {
        !matches!(self, Plan::Session { sessions: 0, .. })
    }

    /// Whether the charger must keep what it saw (a scenario's expectations).
    pub fn records(&self) -> bool {
        matches!(self, Plan::Scenario { .. })
    }
}

/// What a charger saw, for a scenario's expectations: (kind, action or event, text).
pub type Seen = (What, String, String);

/// Where one charger stands in the plan.
pub struct Player {
    plan: Arc<Plan>,
    /// The step (session: the phase; scenario: the line) and since when.
    step: usize,
    since: Option<Instant>,
    /// The random part of the current wait.
    extra_ms: u64,
    rng: u64,
    /// Sessions completed.
    pub sessions: u32,
    timeout_ms: u64,
    pub seen: Vec<Seen>,
    id_tag: String,
}

/// How many frames and events a charger keeps for its scenario's expectations.
const SEEN: usize = 256;

/// The session's phases.
const PLUG: usize = 0;
const PRESENT: usize = 1;
const STARTED: usize = 2;
const STOP: usize = 3;
const STOPPED: usize = 4;
const UNPLUG: usize = 5;

impl Player {
    pub fn new(plan: Arc<Plan>, seed: u64, id_tag: &str) -> Self {
        let mut p = Self {
            plan,
            step: 0,
            since: None,
            extra_ms: 0,
            rng: seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
            sessions: 0,
            timeout_ms: 10_000,
            seen: Vec::new(),
            id_tag: id_tag.to_string(),
        };
        p.extra_ms = p.jitter();
        p
    }

    /// A random wait in `[0, jitter]` (xorshift64*).
    fn jitter(&mut self) -> u64 {
        let most = match *self.plan {
            Plan::Session { jitter_ms, .. } | Plan::Scenario { jitter_ms, .. } => jitter_ms,
        };
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) % (most + 1)
    }

    /// Takes note of an event: the plan starts at the first Accepted registration.
    pub fn on_event(&mut self, now: Instant, event: &Event) {
        let session = matches!(*self.plan, Plan::Session { .. });
        if session
            && matches!(event, Event::Registered(RegistrationStatus::Accepted))
            && self.since.is_none()
        {
            self.since = Some(now);
        }
        if self.plan.records() {
            let text = format!("{event:?}");
            let name = text.split(|c: char| !c.is_alphanumeric()).next();
            let name = name.unwrap_or_default().to_string();
            self.see((What::Event, name, text));
        }
    }

    /// Keeps what was seen for the next expectation (the last [`SEEN`] only:
    /// a scenario that waits long without a command stays bounded).
    pub fn see(&mut self, seen: Seen) {
        if self.seen.len() >= SEEN {
            self.seen.remove(0);
        }
        self.seen.push(seen);
    }

    /// When the plan wants to be looked at again.
    pub fn deadline(&self) -> Option<Instant> {
        let since = self.since?;
        let ms = match &*self.plan {
            Plan::Session { charge_ms, .. } => match self.step {
                PLUG => 0,
                PRESENT | UNPLUG => 500,
                STOP => *charge_ms,
                _ => return None,
            },
            Plan::Scenario { steps, .. } => match &steps.get(self.step)?.2 {
                Step::Wait(ms) => *ms,
                Step::Expect { within, .. } => within.unwrap_or(self.timeout_ms),
                _ => 0,
            },
        };
        Some(since + Duration::from_millis(ms + self.extra_ms))
    }

    /// Plays what is due. `Ok(true)` once the plan is over; `Err` when a
    /// step was not taken or an expectation not met.
    pub fn play<B: Backend>(
        &mut self,
        now: Instant,
        cp: &mut Engine<'_, B>,
        meter: &mut Meter,
    ) -> Result<bool, String> {
        let plan = self.plan.clone();
        match &*plan {
            Plan::Session { sessions, .. } => self.play_session(now, cp, *sessions),
            Plan::Scenario { name, steps, .. } => self.play_scenario(now, cp, meter, name, steps),
        }
    }

    fn next(&mut self, now: Instant, step: usize, jitter: bool) {
        self.step = step;
        self.since = Some(now);
        self.extra_ms = if jitter { self.jitter() } else { 0 };
    }

    fn play_session<B: Backend>(
        &mut self,
        now: Instant,
        cp: &mut Engine<'_, B>,
        sessions: u32,
    ) -> Result<bool, String> {
        loop {
            if sessions > 0 && self.sessions >= sessions {
                return Ok(true);
            }
            let due = self.deadline().is_some_and(|d| d <= now);
            let running = cp.transaction(1);
            let tag = self.id_tag.clone();
            match self.step {
                PLUG if due => cp.plug_in(now, 1).map_err(|e| format!("plug in: {e}"))?,
                PRESENT | STOP if due => cp
                    .present_id_tag(now, 1, &tag)
                    .map_err(|e| format!("idTag {tag}: {e}"))?,
                STARTED if matches!(running, Some(Some(_))) => {}
                STOPPED if running.is_none() => {}
                UNPLUG if due => cp.unplug(now, 1).map_err(|e| format!("unplug: {e}"))?,
                _ => return Ok(false),
            }
            match self.step {
                UNPLUG => {
                    self.sessions += 1;
                    self.next(now, PLUG, true);
                }
                STARTED => self.next(now, STOP, true),
                s => self.next(now, s + 1, false),
            }
        }
    }

    fn play_scenario<B: Backend>(
        &mut self,
        now: Instant,
        cp: &mut Engine<'_, B>,
        meter: &mut Meter,
        name: &str,
        steps: &[Line],
    ) -> Result<bool, String> {
        while let Some((line, text, step)) = steps.get(self.step) {
            // A scenario starts at once, as the single charger's does.
            let since = *self.since.get_or_insert(now);
            let at = format!("{name}:{line}: {text}");
            match step {
                Step::Wait(ms) if now < since + Duration::from_millis(ms + self.extra_ms) => {
                    return Ok(false)
                }
                Step::Wait(_) => {}
                Step::Timeout(ms) => self.timeout_ms = *ms,
                Step::Expect {
                    what,
                    name,
                    texts,
                    within,
                } => {
                    let found = self.seen.iter().position(|(w, n, t)| {
                        w == what && n == name && texts.iter().all(|x| t.contains(x.as_str()))
                    });
                    match found {
                        Some(i) => {
                            self.seen.drain(..=i);
                        }
                        None if now
                            < since + Duration::from_millis(within.unwrap_or(self.timeout_ms)) =>
                        {
                            return Ok(false)
                        }
                        None => return Err(format!("{at}: not met")),
                    }
                }
                Step::Command(Command::Quit) => return Ok(true),
                Step::Command(command) => {
                    self.seen.clear();
                    execute(now, cp, meter, command, &self.id_tag)
                        .map_err(|e| format!("{at}: {e}"))?;
                }
            }
            let wait = matches!(steps.get(self.step + 1), Some((_, _, Step::Wait(_))));
            self.next(now, self.step + 1, wait);
        }
        self.sessions = 1;
        Ok(true)
    }
}

/// A scenario's command on a swarm charger (`status`, `memory`, `frames`
/// and `help` print nothing here).
fn execute<B: Backend>(
    now: Instant,
    cp: &mut Engine<'_, B>,
    meter: &mut Meter,
    command: &Command,
    id_tag: &str,
) -> Result<(), String> {
    match command {
        Command::Plug(c) => cp.plug_in(now, *c).map_err(|e| e.to_string()),
        Command::Unplug(c) => cp.unplug(now, *c).map_err(|e| e.to_string()),
        Command::IdTag(tag, c) => {
            let tag = tag.as_deref().unwrap_or(id_tag);
            cp.present_id_tag(now, *c, tag).map_err(|e| e.to_string())
        }
        Command::Energy(wh, c) => meter.set_energy(now, *c, *wh),
        Command::Power(w, c) => meter.set_power(now, *c, *w),
        Command::Fault(code, c) => cp
            .set_fault(now, *c, Some(*code))
            .map_err(|e| e.to_string()),
        Command::Clear(c) => cp.set_fault(now, *c, None).map_err(|e| e.to_string()),
        Command::Config(k, v) => cp.configure(now, k, v).map_err(|e| e.to_string()),
        Command::Status | Command::Memory | Command::Frames(_) | Command::Help | Command::Quit => {
            Ok(())
        }
    }
}

/// Reads a scenario file for the swarm.
pub fn load(path: &std::path::Path, jitter_ms: u64) -> Result<Plan, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the scenario {}: {e}", path.display()))?;
    let steps = scenario::parse(&text).map_err(|(n, e)| format!("{}:{n}: {e}", path.display()))?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    Ok(Plan::Scenario {
        name,
        steps,
        jitter_ms,
    })
}

//! `--script NAME`: charging sessions on connector 1, played as hardware
//! inputs once the central system accepted the BootNotification.
//!
//! `demo`:
//! 1. A local one: plug in, present idTag `ABCD1234` (Authorize, then
//!    StartTransaction), charge at 11 kW for 5 s (MeterValues of energy and
//!    power every MeterValueSampleInterval), present the same idTag again
//!    (StopTransaction, reason Local), unplug.
//! 2. A remote one: plug in again and wait for the central system to start
//!    a transaction (RemoteStartTransaction) and to stop it
//!    (RemoteStopTransaction), then unplug.
//!
//! `charge`: plug in, present the idTag, and charge until the program is
//! stopped (or killed: the restart test). `finish`: 3 s after the boot,
//! stop the transaction that runs, if one does (present the idTag again),
//! unplug if plugged, wait until every transaction message is delivered,
//! and end (the restart test's second run).
//!
//! Each ends a second after its last step, so that the last
//! StatusNotification gets its answer. The meter is the hardware's
//! (`hardware.rs`): 11 kW while the engine asks for energy.

use ocpp_alloc::Backend;
use ocpp_engine::ocpp_model::RegistrationStatus;
use ocpp_engine::{Duration, Event, Instant};

use crate::hardware::Hardware;
use crate::log::say;
use crate::Cp;

/// The idTag the scripts present unless told another (`--id-tag`).
pub const ID_TAG: &str = "ABCD1234";

/// What the scripts sample, and how often (the central system may change it).
pub const SAMPLED: &str = "Energy.Active.Import.Register,Power.Active.Import";
pub const SAMPLE_INTERVAL_S: &str = "3";

/// The scripts there are.
pub const SCRIPTS: &[&str] = &["demo", "charge", "finish"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Input {
    PlugIn,
    PresentIdTag,
    Unplug,
    /// Present the idTag again if a transaction runs, else nothing.
    StopIfRunning,
    /// Unplug if plugged, else nothing.
    UnplugIfPlugged,
    /// Not timed: waits until a transaction runs and the central system
    /// gave its id.
    AwaitTransaction,
    /// Not timed: waits until no transaction runs.
    AwaitNoTransaction,
    /// Not timed: waits until every transaction message was delivered.
    AwaitQueueEmpty,
    /// Not timed, never over: charge until stopped.
    Forever,
    End,
}

type Steps = &'static [(u64, Input, &'static str)];

/// Each step: how long after the previous one (ms), the input, what it stands for.
const DEMO: Steps = &[
    (1000, Input::PlugIn, "cable plugged in"),
    (1000, Input::PresentIdTag, "idTag ABCD1234 presented"),
    (0, Input::AwaitTransaction, "transaction started"),
    (5000, Input::PresentIdTag, "idTag ABCD1234 presented again"),
    (0, Input::AwaitNoTransaction, "transaction stopped"),
    (1000, Input::Unplug, "cable unplugged"),
    (
        1000,
        Input::PlugIn,
        "cable plugged in again, for a remote start",
    ),
    (0, Input::AwaitTransaction, "transaction started remotely"),
    (0, Input::AwaitNoTransaction, "transaction stopped remotely"),
    (1000, Input::Unplug, "cable unplugged"),
    (1000, Input::End, "finished"),
];

const CHARGE: Steps = &[
    (1000, Input::PlugIn, "cable plugged in"),
    (1000, Input::PresentIdTag, "idTag ABCD1234 presented"),
    (0, Input::AwaitTransaction, "transaction started"),
    (0, Input::Forever, "charging until stopped"),
];

const FINISH: Steps = &[
    (3000, Input::StopIfRunning, "idTag ABCD1234 presented again"),
    (0, Input::AwaitNoTransaction, "no transaction runs"),
    (1000, Input::UnplugIfPlugged, "cable unplugged"),
    (
        0,
        Input::AwaitQueueEmpty,
        "every transaction message delivered",
    ),
    (1000, Input::End, "finished"),
];

/// Where a script stands: its steps, the next one, when the previous one
/// was played (`None` until registered), and the first refusal of an idTag.
#[derive(Debug)]
pub struct Demo {
    steps: Steps,
    step: usize,
    since: Option<Instant>,
    refused: Option<String>,
    /// The idTag presented (`--id-tag`, the configuration file's first).
    id_tag: String,
}

impl Demo {
    /// The script `name` (one of [`SCRIPTS`]), presenting `id_tag`.
    pub fn new(name: &str, id_tag: &str) -> Option<Self> {
        let steps = match name {
            "demo" => DEMO,
            "charge" => CHARGE,
            "finish" => FINISH,
            _ => return None,
        };
        Some(Self {
            steps,
            step: 0,
            since: None,
            refused: None,
            id_tag: id_tag.to_string(),
        })
    }

    /// What the scripts configure before they connect: energy and power
    /// sampled every few seconds.
    pub fn configure<B: Backend>(cp: &mut Cp<'_, B>, now: Instant) -> Result<(), String> {
        cp.configure(now, "MeterValuesSampledData", SAMPLED)
            .and_then(|()| cp.configure(now, "MeterValueSampleInterval", SAMPLE_INTERVAL_S))
            .map_err(|e| format!("configure: {e}"))
    }

    /// Takes note of an event of the engine.
    pub fn on_event(&mut self, now: Instant, event: &Event) {
        match *event {
            Event::Registered(RegistrationStatus::Accepted) if self.since.is_none() => {
                self.since = Some(now);
            }
            Event::IdTagRefused { id_tag, status, .. } => {
                self.refused = Some(format!("idTag {} refused: {status:?}", id_tag.as_str()));
            }
            Event::IdTagUnverified { id_tag, reason, .. } => {
                self.refused = Some(format!("idTag {} unverified: {reason:?}", id_tag.as_str()));
            }
            _ => {}
        }
    }

    /// When the next timed step is due, if one is waiting.
    pub fn deadline(&self) -> Option<Instant> {
        match self.steps.get(self.step)? {
            (
                _,
                Input::AwaitTransaction
                | Input::AwaitNoTransaction
                | Input::AwaitQueueEmpty
                | Input::Forever,
                _,
            ) => None,
            (delay, _, _) => Some(self.since? + Duration::from_millis(*delay)),
        }
    }

    /// Plays every step that is due. `Ok(true)` once the script is over.
    pub fn play<B: Backend>(
        &mut self,
        now: Instant,
        cp: &mut Cp<'_, B>,
        hw: &mut Hardware,
    ) -> Result<bool, String> {
        if let Some(why) = self.refused.take() {
            return Err(why);
        }
        while let Some(&(_, input, what)) = self.steps.get(self.step) {
            let running = cp.transaction(1);
            match input {
                Input::Forever => return Ok(false),
                Input::AwaitTransaction if !matches!(running, Some(Some(_))) => return Ok(false),
                Input::AwaitNoTransaction if running.is_some() => return Ok(false),
                Input::AwaitQueueEmpty if cp.queue().queued > 0 => return Ok(false),
                Input::AwaitTransaction | Input::AwaitNoTransaction | Input::AwaitQueueEmpty => {}
                _ if self.deadline().is_none_or(|due| now < due) => return Ok(false),
                Input::PlugIn => hw.plug(now, cp, 1, true)?,
                Input::Unplug => hw.plug(now, cp, 1, false)?,
                Input::UnplugIfPlugged if !hw.plugged(1) => {}
                Input::UnplugIfPlugged => hw.plug(now, cp, 1, false)?,
                Input::StopIfRunning if running.is_none() => {}
                Input::PresentIdTag | Input::StopIfRunning => cp
                    .present_id_tag(now, 1, &self.id_tag)
                    .map_err(|e| format!("present_id_tag({}): {e}", self.id_tag))?,
                Input::End => {}
            }
            let what = what.replace(ID_TAG, &self.id_tag);
            match running {
                None if input == Input::StopIfRunning => say!("demo: no transaction to stop"),
                Some(Some(id)) if input == Input::AwaitTransaction => {
                    say!("demo: {what} (transactionId {id})");
                }
                _ => say!("demo: {what}"),
            }
            self.step += 1;
            self.since = Some(now);
        }
        Ok(true)
    }
}

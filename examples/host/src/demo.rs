//! `--script demo`: two charging sessions on connector 1, played as
//! hardware inputs once the central system accepted the BootNotification.
//!
//! 1. A local one: plug in, present idTag `ABCD1234` (Authorize, then
//!    StartTransaction), charge at 11 kW for 5 s (MeterValues of energy and
//!    power every MeterValueSampleInterval), present the same idTag again
//!    (StopTransaction, reason Local), unplug.
//! 2. A remote one: plug in again and wait for the central system to start
//!    a transaction (RemoteStartTransaction) and to stop it
//!    (RemoteStopTransaction), then unplug.
//!
//! It ends a second later, so that the last StatusNotification gets its
//! answer. The meter follows the contactor: 11 kW while the engine asks for
//! energy (`Event::Energy`), nothing otherwise.

use ocpp_alloc::{Pool, Talc};
use ocpp_engine::ocpp_model::{Measurand, RegistrationStatus};
use ocpp_engine::{ChargePoint, Duration, Event, Instant, Value};

const ID_TAG: &str = "ABCD1234";
/// The contactor's power while closed, in W.
const POWER_W: i64 = 11_000;

/// What the demo samples, and how often (the central system may change it).
pub const SAMPLED: &str = "Energy.Active.Import.Register,Power.Active.Import";
pub const SAMPLE_INTERVAL_S: &str = "3";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Input {
    PlugIn,
    PresentIdTag,
    Unplug,
    /// Not timed: waits until a transaction runs and the central system
    /// gave its id.
    AwaitTransaction,
    /// Not timed: waits until no transaction runs.
    AwaitNoTransaction,
    End,
}

/// Each step: how long after the previous one (ms), the input, what it stands for.
const STEPS: &[(u64, Input, &str)] = &[
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

/// Where the demo stands: the next step, when the previous one was played
/// (`None` until registered), the meter, and the first refusal of an idTag.
#[derive(Debug, Default)]
pub struct Demo {
    step: usize,
    since: Option<Instant>,
    /// Energy register in mWh, and since when it runs (contactor closed).
    energy_mwh: i64,
    charging_since: Option<Instant>,
    refused: Option<String>,
}

impl Demo {
    /// What the demo configures before it connects: energy and power
    /// sampled every few seconds.
    pub fn configure(cp: &mut ChargePoint<&Pool<Talc>>, now: Instant) -> Result<(), String> {
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
            Event::Energy { on, .. } => {
                self.integrate(now);
                self.charging_since = on.then_some(now);
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
        match STEPS.get(self.step)? {
            (_, Input::AwaitTransaction | Input::AwaitNoTransaction, _) => None,
            (delay, _, _) => Some(self.since? + Duration::from_millis(*delay)),
        }
    }

    /// Hands the meter to the engine, then plays every step that is due.
    /// `Ok(true)` once the script is over.
    pub fn play(
        &mut self,
        now: Instant,
        cp: &mut ChargePoint<&Pool<Talc>>,
    ) -> Result<bool, String> {
        if let Some(why) = self.refused.take() {
            return Err(why);
        }
        self.meter(now, cp)?;
        while let Some(&(_, input, what)) = STEPS.get(self.step) {
            let running = cp.transaction(1);
            match input {
                Input::AwaitTransaction if !matches!(running, Some(Some(_))) => return Ok(false),
                Input::AwaitNoTransaction if running.is_some() => return Ok(false),
                Input::AwaitTransaction | Input::AwaitNoTransaction => {}
                _ if self.deadline().is_none_or(|due| now < due) => return Ok(false),
                Input::PlugIn => cp.plug_in(now, 1).map_err(|e| format!("plug_in: {e}"))?,
                Input::Unplug => cp.unplug(now, 1).map_err(|e| format!("unplug: {e}"))?,
                Input::PresentIdTag => cp
                    .present_id_tag(now, 1, ID_TAG)
                    .map_err(|e| format!("present_id_tag({ID_TAG}): {e}"))?,
                Input::End => {}
            }
            match running {
                Some(Some(id)) if input == Input::AwaitTransaction => {
                    println!("demo: {what} (transactionId {id})");
                }
                _ => println!("demo: {what}"),
            }
            self.step += 1;
            self.since = Some(now);
        }
        Ok(true)
    }

    /// The meter's register and power, as the engine samples them.
    fn meter(&mut self, now: Instant, cp: &mut ChargePoint<&Pool<Talc>>) -> Result<(), String> {
        self.integrate(now);
        let power = if self.charging_since.is_some() {
            POWER_W
        } else {
            0
        };
        let wh = Value::from_units(self.energy_mwh / 1000);
        cp.set_meter(now, 1, Measurand::EnergyActiveImportRegister, wh)
            .and_then(|()| {
                let w = Value::from_units(power);
                cp.set_meter(now, 1, Measurand::PowerActiveImport, w)
            })
            .map_err(|e| format!("set_meter: {e}"))
    }

    /// Adds the energy of the time since the last call, while charging.
    fn integrate(&mut self, now: Instant) {
        if let Some(since) = self.charging_since {
            let ms = i64::try_from(now.saturating_since(since).as_millis()).unwrap_or(0);
            // W × ms / 3600 = mWh.
            self.energy_mwh += POWER_W * ms / 3600;
            self.charging_since = Some(now);
        }
    }
}

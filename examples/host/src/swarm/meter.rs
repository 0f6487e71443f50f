//! The swarm's simulated meters: no files (the single charger keeps its
//! hardware in the data directory; a swarm charger lives in memory only).
//! The register of each connector runs at its power while the contactor is
//! closed.

use ocpp_engine::ocpp_model::Measurand;
use ocpp_engine::{Instant, Value};

use ocpp_alloc::Backend;

use crate::swarm::charger::Engine;

/// Per connector: W drawn, mWh in the register, and since when charging.
pub struct Meter {
    connectors: Vec<(i64, i64, Option<Instant>)>,
}

impl Meter {
    pub fn new(connectors: u8, power_w: i64) -> Self {
        Self {
            connectors: vec![(power_w, 0, None); usize::from(connectors)],
        }
    }

    fn get(&mut self, connector: u8) -> Result<&mut (i64, i64, Option<Instant>), String> {
        let n = self.connectors.len();
        usize::from(connector)
            .checked_sub(1)
            .and_then(|i| self.connectors.get_mut(i))
            .ok_or_else(|| format!("no connector {connector}: this charge point has {n}"))
    }

    /// The engine closed (`on`) or opened the contactor of `connector`.
    pub fn energy(&mut self, now: Instant, connector: u8, on: bool) {
        self.integrate(now);
        if let Ok(c) = self.get(connector) {
            c.2 = on.then_some(now);
        }
    }

    pub fn set_power(&mut self, now: Instant, connector: u8, w: i64) -> Result<(), String> {
        self.integrate(now);
        self.get(connector)?.0 = w;
        Ok(())
    }

    pub fn set_energy(&mut self, now: Instant, connector: u8, wh: i64) -> Result<(), String> {
        self.integrate(now);
        self.get(connector)?.1 = wh.saturating_mul(1000);
        Ok(())
    }

    /// Runs the registers up to `now` and gives them (energy, power) to the engine.
    pub fn feed<B: Backend>(&mut self, now: Instant, cp: &mut Engine<'_, B>) -> Result<(), String> {
        self.integrate(now);
        for (i, &(w, mwh, since)) in self.connectors.iter().enumerate() {
            let connector = u8::try_from(i + 1).unwrap_or(u8::MAX);
            let w = if since.is_some() { w } else { 0 };
            let wh = Value::from_units(mwh / 1000);
            cp.set_meter(now, connector, Measurand::EnergyActiveImportRegister, wh)
                .and_then(|()| {
                    cp.set_meter(
                        now,
                        connector,
                        Measurand::PowerActiveImport,
                        Value::from_units(w),
                    )
                })
                .map_err(|e| format!("set_meter: {e}"))?;
        }
        Ok(())
    }

    fn integrate(&mut self, now: Instant) {
        for (w, mwh, since) in &mut self.connectors {
            let Some(from) = *since else { continue };
            let ms = i64::try_from(now.saturating_since(from).as_millis()).unwrap_or(0);
            if *w == 0 || ms == 0 {
                *since = Some(now);
                continue;
            }
            // W × ms / 3600 = mWh; the remainder waits for the next call.
            let add = w.saturating_mul(ms) / 3600;
            *mwh = mwh.saturating_add(add);
            let used = u64::try_from(add * 3600 / *w).unwrap_or(0);
            *since = Some(from + ocpp_engine::Duration::from_millis(used));
        }
    }
}

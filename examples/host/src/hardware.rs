//! The simulated hardware of each connector: whether a cable is plugged,
//! and a meter whose energy register runs at the EV's power (11 kW unless
//! set otherwise: `--power`, the command `power`) while the contactor is
//! closed (`Event::Energy { on: true }`).
//!
//! A real charger's hardware outlives its firmware: after a crash or a
//! watchdog reset the EV is still plugged and the meter's register has
//! not moved back. This program plays both, so it keeps them in
//! `<data-dir>/hardware.txt` (one line per connector: `<connector>
//! <plugged 0|1> <register Wh>`), written (to a temporary file, renamed
//! over it) before the engine hears of a change: a register the engine
//! was given is never above the one on disk, and after a restart the
//! meter carries on from there. It is the hardware's state, not the
//! charge point's records (those are `ocpp_storage::FileStorage`'s); no
//! fsync: it survives the process being killed, which is what it plays.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use ocpp_alloc::Backend;
use ocpp_engine::ocpp_model::Measurand;
use ocpp_engine::{Instant, Value};

use crate::Cp;

/// The power an EV draws while the contactor is closed, in W, by default.
pub const POWER_W: i64 = 11_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Connector {
    plugged: bool,
    /// The register in mWh (on disk in whole Wh).
    energy_mwh: i64,
    /// Since when energy flows (contactor closed), if it does.
    charging_since: Option<Instant>,
    /// What the EV draws while the contactor is closed, in W.
    power_w: i64,
}

/// The connectors' cables and meters, kept in a file.
#[derive(Debug)]
pub struct Hardware {
    path: PathBuf,
    connectors: Vec<Connector>,
    /// What the file holds: (plugged, Wh) per connector.
    saved: Vec<(bool, i64)>,
}

impl Hardware {
    /// The hardware of `connectors` connectors, as `dir/hardware.txt` left
    /// it (unplugged and at 0 Wh when there is no such file), with EVs that
    /// draw `power_w` while charging.
    pub fn open(dir: &Path, connectors: u8, power_w: i64) -> Result<Self, String> {
        let path = dir.join("hardware.txt");
        let one = Connector {
            plugged: false,
            energy_mwh: 0,
            charging_since: None,
            power_w,
        };
        let mut hw = Self {
            connectors: vec![one; usize::from(connectors)],
            saved: vec![(false, 0); usize::from(connectors)],
            path,
        };
        let text = match fs::read_to_string(&hw.path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(hw),
            Err(e) => return Err(format!("cannot read {}: {e}", hw.path.display())),
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let bad = || format!("{}: unreadable line {line:?}", hw.path.display());
            let mut it = line.split_whitespace().map(str::parse::<i64>);
            let (Some(Ok(n)), Some(Ok(plugged)), Some(Ok(wh)), None) =
                (it.next(), it.next(), it.next(), it.next())
            else {
                return Err(bad());
            };
            let Some(c) = usize::try_from(n - 1)
                .ok()
                .and_then(|i| hw.connectors.get_mut(i))
            else {
                continue; // a connector this run does not have
            };
            c.plugged = plugged == 1;
            c.energy_mwh = wh.max(0).saturating_mul(1000);
            hw.saved[usize::try_from(n - 1).unwrap_or(0)] = (c.plugged, wh.max(0));
        }
        Ok(hw)
    }

    /// Whether a cable is plugged into `connector` (1-based).
    pub fn plugged(&self, connector: u8) -> bool {
        self.get(connector).is_some_and(|c| c.plugged)
    }

    /// The register of `connector` in Wh.
    pub fn energy_wh(&self, connector: u8) -> i64 {
        self.get(connector).map_or(0, |c| c.energy_mwh / 1000)
    }

    /// Whether the contactor of `connector` is closed (energy flows).
    pub fn charging(&self, connector: u8) -> bool {
        self.get(connector)
            .is_some_and(|c| c.charging_since.is_some())
    }

    /// What the EV at `connector` draws while charging, in W.
    pub fn power_w(&self, connector: u8) -> i64 {
        self.get(connector).map_or(0, |c| c.power_w)
    }

    /// Whether there is such a connector (1-based).
    pub fn has(&self, connector: u8) -> bool {
        self.get(connector).is_some()
    }

    /// From `now` on, the EV at `connector` draws `watts` while charging.
    pub fn set_power(&mut self, now: Instant, connector: u8, watts: i64) {
        self.integrate(now);
        if let Some(c) = self.get_mut(connector) {
            c.power_w = watts.max(0);
        }
    }

    /// Sets the energy register of `connector` (a meter swapped, a test of
    /// a register that jumps); saved at the next [`feed`](Self::feed).
    pub fn set_energy(&mut self, now: Instant, connector: u8, wh: i64) {
        self.integrate(now);
        if let Some(c) = self.get_mut(connector) {
            c.energy_mwh = wh.max(0).saturating_mul(1000);
        }
    }

    fn get(&self, connector: u8) -> Option<&Connector> {
        self.connectors.get(usize::from(connector).checked_sub(1)?)
    }

    fn get_mut(&mut self, connector: u8) -> Option<&mut Connector> {
        self.connectors
            .get_mut(usize::from(connector).checked_sub(1)?)
    }

    /// A cable plugged in (`true`) or pulled out: saved, then told to the engine.
    pub fn plug<B: Backend>(
        &mut self,
        now: Instant,
        cp: &mut Cp<'_, B>,
        connector: u8,
        plugged: bool,
    ) -> Result<(), String> {
        if let Some(c) = self.get_mut(connector) {
            c.plugged = plugged;
        }
        self.save()?;
        let r = if plugged {
            cp.plug_in(now, connector)
        } else {
            cp.unplug(now, connector)
        };
        r.map_err(|e| format!("{} connector {connector}: {e}", plug_word(plugged)))
    }

    /// The engine closed (`on`) or opened the contactor of `connector`.
    pub fn energy(&mut self, now: Instant, connector: u8, on: bool) {
        self.integrate(now);
        if let Some(c) = self.get_mut(connector) {
            c.charging_since = on.then_some(now);
        }
    }

    /// Whether the engine and the hardware disagree on a cable: after a
    /// restart that stopped a transaction (the EV left), the engine's
    /// connector is free; the file is brought in line.
    pub fn forget_cable(&mut self, connector: u8) -> Result<(), String> {
        if let Some(c) = self.get_mut(connector) {
            c.plugged = false;
        }
        self.save()
    }

    /// Runs the meters up to `now`, saves the registers, and gives them
    /// (energy and power) to the engine.
    pub fn feed<B: Backend>(&mut self, now: Instant, cp: &mut Cp<'_, B>) -> Result<(), String> {
        self.integrate(now);
        self.save()?;
        for (i, c) in self.connectors.iter().enumerate() {
            let connector = u8::try_from(i + 1).unwrap_or(u8::MAX);
            let power = if c.charging_since.is_some() {
                c.power_w
            } else {
                0
            };
            let wh = Value::from_units(c.energy_mwh / 1000);
            cp.set_meter(now, connector, Measurand::EnergyActiveImportRegister, wh)
                .and_then(|()| {
                    let w = Value::from_units(power);
                    cp.set_meter(now, connector, Measurand::PowerActiveImport, w)
                })
                .map_err(|e| format!("set_meter: {e}"))?;
        }
        Ok(())
    }

    /// Adds the energy of the time since the last call, while charging.
    fn integrate(&mut self, now: Instant) {
        for c in &mut self.connectors {
            if let Some(since) = c.charging_since {
                if c.power_w == 0 {
                    c.charging_since = Some(now);
                    continue;
                }
                let ms = i64::try_from(now.saturating_since(since).as_millis()).unwrap_or(0);
                // W × ms / 3600 = mWh; the remainder waits for the next call.
                let mwh = c.power_w.saturating_mul(ms) / 3600;
                c.energy_mwh = c.energy_mwh.saturating_add(mwh);
                let used = mwh * 3600 / c.power_w;
                c.charging_since = Some(since + ocpp_engine::Duration::from_millis(used as u64));
            }
        }
    }

    /// Writes the file when what it holds changed.
    fn save(&mut self) -> Result<(), String> {
        let now: Vec<(bool, i64)> = self
            .connectors
            .iter()
            .map(|c| (c.plugged, c.energy_mwh / 1000))
            .collect();
        if now == self.saved {
            return Ok(());
        }
        let text: String = now
            .iter()
            .enumerate()
            .map(|(i, (p, wh))| format!("{} {} {wh}\n", i + 1, u8::from(*p)))
            .collect();
        let tmp = self.path.with_extension("tmp");
        fs::write(&tmp, text)
            .and_then(|()| fs::rename(&tmp, &self.path))
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        self.saved = now;
        Ok(())
    }
}

fn plug_word(plugged: bool) -> &'static str {
    if plugged {
        "plug_in"
    } else {
        "unplug"
    }
}

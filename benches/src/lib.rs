//! Benchmarks of the OCPP core: a reusable session driver and per-operation
//! memory measurement.
//!
//! - [`Driver`]: a charge point built in an injected allocator, a virtual
//!   clock, and the scripted central system of BENCHMARK.md that answers
//!   every CALL at once: `ocpp_testkit`'s [`Pair`], with a [`Tally`] that
//!   counts what goes by and a virtual meter on top.
//! - [`Driver::measure`]: runs one operation and reports the pool bytes in
//!   use before it, the peak during it, what it retained, how many
//!   allocations it made and how many messages it exchanged ([`OpFigures`]).
//! - [`scenario`]: the standard session of BENCHMARK.md, each step checked
//!   against the script (the CALLs of each action, the events).
//!
//! The driver works with any allocator that can report [`Stats`]
//! ([`Metered`]): a [`Measured`] wrapper (the `memory` benchmark) or a bare
//! [`Pool`] (the `session` binary that callgrind counts, so that the count
//! holds no measuring wrapper).

use core::fmt;

use allocator_api2::alloc::Allocator;
use ocpp_alloc::{Backend, Measured, Pool, Stats};
use ocpp_engine::ocpp_model::{ChargePointStatus, EncodeError, Measurand, Reason};
use ocpp_engine::{
    ChargePoint, Config, HandleError, InputError, Instant, NewError, NoStorage, Storage, Value,
};
use ocpp_testkit::{CentralSystem, Pair};

pub mod calls;
pub mod scenario;
mod tally;

pub use tally::{Counts, EventCounts, OpFigures, Probe, Tally};

/// Size of the buffer the charge point encodes its frames into: the
/// model's default frame limit (a GetConfiguration of every key needs more
/// than 2 KiB).
pub const FRAME_BUF: usize = ocpp_testkit::FRAME_BUF;

/// The virtual clock's reading when a driver starts.
pub const START: Instant = ocpp_testkit::START;

/// An allocator whose counters the driver can read.
pub trait Metered {
    /// The allocator's counters now.
    fn stats(&self) -> Stats;
    /// Sets `peak` back to the current `in_use`.
    fn reset_peak(&self);
}

impl<A> Metered for &Measured<A> {
    fn stats(&self) -> Stats {
        Measured::stats(self)
    }
    fn reset_peak(&self) {
        Measured::reset_peak(self);
    }
}

impl<B: Backend> Metered for &Pool<B> {
    fn stats(&self) -> Stats {
        Pool::stats(self)
    }
    fn reset_peak(&self) {
        Pool::reset_peak(self);
    }
}

/// Why a scripted step did not go as the script says.
#[derive(Debug)]
pub enum Error {
    /// `ChargePoint::new` refused.
    New(NewError),
    /// A hardware input or firmware request was refused.
    Input(InputError),
    /// The charge point did not take in a frame.
    Handle(HandleError),
    /// The charge point could not encode a frame.
    Encode(EncodeError),
    /// The exchange left the script (an unexpected frame or event).
    Script(&'static str),
    /// A step sent (or caused) another number of something than the script says.
    Count {
        /// The step or the whole that was checked.
        step: &'static str,
        /// What was counted (an action, an event, messages).
        item: &'static str,
        /// What the script says.
        expected: u64,
        /// What happened.
        got: u64,
    },
    /// The benchmark's setup is impossible (a pool too small for its backend, ...).
    Setup(&'static str),
    /// After a wake the charge point's next deadline was not after now: an
    /// integrator's loop would spin on it.
    Spin {
        /// What `poll_timeout` returned.
        deadline: Instant,
        /// The virtual clock.
        now: Instant,
    },
}

impl From<ocpp_testkit::Error> for Error {
    fn from(e: ocpp_testkit::Error) -> Self {
        use ocpp_testkit::Error as Kit;
        match e {
            Kit::New(e) => Error::New(e),
            Kit::Input(e) => Error::Input(e),
            Kit::Handle(e) => Error::Handle(e),
            Kit::Encode(e) => Error::Encode(e),
            Kit::Script(what) => Error::Script(what),
            Kit::Setup(what) => Error::Setup(what),
            Kit::Spin { deadline, now } => Error::Spin { deadline, now },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Script(what) => write!(f, "off script: {what}"),
            Error::Count {
                step,
                item,
                expected,
                got,
            } => write!(f, "off script: {step}: {got} × {item}, expected {expected}"),
            Error::Setup(what) => write!(f, "setup: {what}"),
            &Error::Spin { deadline, now } => {
                fmt::Display::fmt(&ocpp_testkit::Error::Spin { deadline, now }, f)
            }
            other => write!(f, "{other:?}"),
        }
    }
}

impl std::error::Error for Error {}

/// A charge point, a virtual clock and the scripted central system
/// (`ocpp_testkit`'s [`Pair`], counted by a [`Tally`]), a virtual meter,
/// and the allocator's counters.
pub struct Driver<A: Allocator + Clone + Metered, S: Storage = NoStorage> {
    meter: A,
    pair: Pair<A, Tally, { ocpp_testkit::FRAME_BUF }, S>,
    /// The energy the scenario's meter has integrated, in watt-seconds.
    energy_ws: i64,
}

impl<A: Allocator + Clone + Metered + fmt::Debug, S: Storage> fmt::Debug for Driver<A, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver")
            .field("now", &self.pair.now)
            .field("counts", &self.pair.observer.counts)
            .field("stats", &self.meter.stats())
            .finish_non_exhaustive()
    }
}

impl<A: Allocator + Clone + Metered> Driver<A> {
    /// Builds the charge point of `config` in `alloc`, at [`START`].
    pub fn new(config: &Config<'_>, alloc: A) -> Result<Self, Error> {
        let pair = Pair::new(config, alloc.clone(), Tally::default())?;
        Ok(Driver {
            meter: alloc,
            pair,
            energy_ws: 0,
        })
    }
}

impl<A: Allocator + Clone + Metered, S: Storage> Driver<A, S> {
    /// Builds the charge point of `config` in `alloc` from `storage` (the
    /// first boot when it is empty), at [`START`].
    pub fn with_storage(config: &Config<'_>, alloc: A, storage: S) -> Result<Self, Error> {
        let (cp, _) =
            ChargePoint::restore(config, alloc.clone(), storage, ocpp_testkit::START, |_| {
                true
            })
            .map_err(|e| match e {
                ocpp_engine::RestoreError::OutOfMemory => Error::New(NewError::OutOfMemory),
                ocpp_engine::RestoreError::InvalidConfig(why) => {
                    Error::New(NewError::InvalidConfig(why))
                }
                ocpp_engine::RestoreError::Storage(_) => {
                    Error::Script("the storage failed to read")
                }
            })?;
        Ok(Driver {
            meter: alloc,
            pair: Pair::with_charge_point(cp, Tally::default()),
            energy_ws: 0,
        })
    }
}

impl<A: Allocator + Clone + Metered> Driver<A> {
    /// As [`Driver::new`], measured: the figures of building the charge point.
    pub fn new_measured(config: &Config<'_>, alloc: A) -> Result<(OpFigures, Self), Error> {
        let probe = Probe::start(&alloc, Counts::default());
        let driver = Self::new(config, alloc)?;
        let figures = probe.finish("new charge point", &driver.meter, driver.counts());
        Ok((figures, driver))
    }
}

impl<A: Allocator + Clone + Metered, S: Storage> Driver<A, S> {
    /// Records every frame both ways from now on (see [`Driver::trace`]).
    pub fn enable_trace(&mut self) {
        self.pair.observer.trace = Some(Vec::new());
    }

    /// Frames recorded since [`Driver::enable_trace`], `>` sent, `<` received.
    pub fn trace(&self) -> &[String] {
        self.pair.observer.trace.as_deref().unwrap_or(&[])
    }

    /// The charge point.
    pub fn charge_point(&self) -> &ChargePoint<A, S> {
        &self.pair.cp
    }

    /// The allocator the charge point lives in.
    pub fn allocator(&self) -> &A {
        &self.meter
    }

    /// The allocator's counters.
    pub fn stats(&self) -> Stats {
        self.meter.stats()
    }

    /// Messages and events so far.
    pub fn counts(&self) -> Counts {
        self.pair.observer.counts
    }

    /// The longest frame the charge point sent and the longest it received
    /// so far, in bytes: what its transmit and receive buffers must hold.
    pub fn largest_frames(&self) -> (usize, usize) {
        self.pair.observer.largest
    }

    /// The virtual clock.
    pub fn now(&self) -> Instant {
        self.pair.now
    }

    /// The scripted central system.
    pub fn central_system(&self) -> &CentralSystem {
        &self.pair.cs
    }

    /// Runs `f` and measures it.
    pub fn measure<R>(
        &mut self,
        op: impl Into<String>,
        f: impl FnOnce(&mut Self) -> Result<R, Error>,
    ) -> Result<(OpFigures, R), Error> {
        let probe = Probe::start(&self.meter, self.counts());
        let r = f(self)?;
        Ok((probe.finish(op, &self.meter, self.counts()), r))
    }

    /// Sends everything the charge point has to send, answering each CALL at
    /// once, then hands its events to the (scripted) firmware.
    pub fn exchange(&mut self) -> Result<(), Error> {
        Ok(self.pair.exchange()?)
    }

    /// The WebSocket opened: BootNotification and the statuses go out.
    pub fn connect(&mut self) -> Result<(), Error> {
        Ok(self.pair.connect()?)
    }

    /// The WebSocket closed.
    pub fn disconnect(&mut self) -> Result<(), Error> {
        Ok(self.pair.disconnect()?)
    }

    /// Advances the virtual clock by `secs`, waking the charge point at
    /// every deadline on the way; fails when it would spin.
    pub fn advance(&mut self, secs: u64) -> Result<(), Error> {
        Ok(self.pair.advance(secs)?)
    }

    /// Advances the clock to the charge point's next deadline (a heartbeat
    /// when idle) and lets it act. Returns the seconds that passed.
    pub fn advance_to_next_deadline(&mut self) -> Result<u64, Error> {
        Ok(self.pair.advance_to_next_deadline()?.as_secs())
    }

    /// Sets a configuration key, as the firmware's initial configuration.
    pub fn configure(&mut self, key: &str, value: &str) -> Result<(), Error> {
        Ok(self.pair.input(|cp, now| cp.configure(now, key, value))?)
    }

    /// Hardware input: a cable was plugged into `connector`.
    pub fn plug_in(&mut self, connector: u8) -> Result<(), Error> {
        Ok(self.pair.input(|cp, now| cp.plug_in(now, connector))?)
    }

    /// Hardware input: the cable of `connector` was unplugged.
    pub fn unplug(&mut self, connector: u8) -> Result<(), Error> {
        Ok(self.pair.input(|cp, now| cp.unplug(now, connector))?)
    }

    /// Hardware input: `id_tag` was presented at `connector`.
    pub fn present_id_tag(&mut self, connector: u8, id_tag: &str) -> Result<(), Error> {
        Ok(self
            .pair
            .input(|cp, now| cp.present_id_tag(now, connector, id_tag))?)
    }

    /// Firmware request: stop the transaction of `connector` for `reason`.
    pub fn stop_transaction(&mut self, connector: u8, reason: Reason) -> Result<(), Error> {
        Ok(self
            .pair
            .input(|cp, now| cp.stop_transaction(now, connector, reason))?)
    }

    /// The meter of `connector` draws `power_w` watts for `secs` seconds:
    /// its energy register (Energy.Active.Import.Register, Wh) grows by
    /// that, and both readings are handed to the charge point. With
    /// `secs` 0 it reports the register as it stands and the power.
    pub fn meter(&mut self, connector: u8, power_w: i64, secs: u64) -> Result<(), Error> {
        let secs = i64::try_from(secs).map_err(|_| Error::Setup("meter interval too long"))?;
        self.energy_ws += power_w * secs;
        // Thousandths of a Wh: exact to the mWh, and no drift over intervals.
        let energy = Value::from_milli(self.energy_ws * 1000 / 3600);
        let now = self.pair.now;
        for (measurand, value) in [
            (Measurand::EnergyActiveImportRegister, energy),
            (Measurand::PowerActiveImport, Value::from_units(power_w)),
        ] {
            self.pair
                .cp
                .set_meter(now, connector, measurand, value)
                .map_err(Error::Input)?;
        }
        Ok(())
    }

    /// Firmware request: its own Authorize of `id_tag`, outside of a
    /// transaction. The scripted answer is Accepted, so the firmware must
    /// receive `Event::Authorized`.
    pub fn authorize(&mut self, id_tag: &str) -> Result<(), Error> {
        let before = self.counts().events.authorized;
        self.pair.input(|cp, now| cp.authorize(now, id_tag))?;
        if self.counts().events.authorized == before {
            return Err(Error::Script(
                "Authorize was not answered with Event::Authorized",
            ));
        }
        Ok(())
    }

    /// The central system sends a CALL; the charge point's answer is returned
    /// (as the central system received it).
    pub fn incoming_call(&mut self, frame: &str) -> Result<&str, Error> {
        let tally = &mut self.pair.observer;
        tally.counts.received += 1;
        tally.counts.incoming_calls += 1;
        tally.largest.1 = tally.largest.1.max(frame.len());
        tally.record('<', frame.as_bytes());
        let answered_before = tally.counts.sent;
        self.pair.receive(frame.as_bytes())?;
        let tally = &self.pair.observer;
        if tally.counts.sent == answered_before {
            return Err(Error::Script("the charge point did not answer a CALL"));
        }
        Ok(core::str::from_utf8(&tally.last_answer).unwrap_or("<not UTF-8>"))
    }
}

/// Whether `connector`'s status is `status` (for the scenario's checks).
pub fn status_is<A: Allocator + Clone + Metered, S: Storage>(
    d: &Driver<A, S>,
    connector: u8,
    status: ChargePointStatus,
) -> bool {
    d.charge_point()
        .status(connector)
        .is_some_and(|(s, _)| s == status)
}

#[cfg(test)]
mod tests;

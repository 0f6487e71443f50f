//! The standard session of BENCHMARK.md, as far as the engine implements it.
//!
//! BENCHMARK.md, per session: plug in (StatusNotification Preparing);
//! idTag `ABCD1234` (Authorize, StartTransaction, StatusNotification
//! Charging); 10 × 60 s with one MeterValues each; stop (StopTransaction,
//! StatusNotification Finishing); unplug (StatusNotification Available);
//! heartbeats every 300 s on the way. 19 CALLs, 38 messages.
//!
//! The engine does not implement transactions yet: StartTransaction,
//! MeterValues and StopTransaction are not sent. [`Step::missing`] names
//! what each step lacks, so reports can say so; when the engine gains them,
//! the steps here grow the calls and the figures follow.

use allocator_api2::alloc::Allocator;
use ocpp_engine::ocpp_model::ChargePointStatus;

use crate::{csms, status_is, Driver, Error, Metered};

/// The idTag presented in every session.
pub const ID_TAG: &str = "ABCD1234";

/// Charging intervals per session.
pub const INTERVALS: usize = 10;

/// Seconds per charging interval (MeterValueSampleInterval of BENCHMARK.md).
pub const INTERVAL_SECS: u64 = 60;

/// The connector the sessions run on.
pub const CONNECTOR: u8 = 1;

/// BENCHMARK.md's figures for the full standard session (the target this
/// driver grows into), used only to say how much of it is run.
pub mod full {
    /// CALLs of the charge point per session in the full scenario.
    pub const CALLS_PER_SESSION: u64 = 19;
    /// Messages per session in the full scenario (CALLs and answers).
    pub const MESSAGES_PER_SESSION: u64 = 38;
    /// Messages of the boot in the full scenario with one connector.
    pub const BOOT_MESSAGES: u64 = 6;
}

/// One step of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// The EV is plugged in: StatusNotification Preparing.
    PlugIn,
    /// The idTag is presented: Authorize.
    Authorize,
    /// Energy flows: StatusNotification Charging.
    Charging,
    /// 60 s of charging (a heartbeat falls due every 5th).
    Interval,
    /// Stopped locally: StatusNotification Finishing.
    Stop,
    /// Unplugged: StatusNotification Available.
    Unplug,
}

impl Step {
    /// The steps of one session, in order.
    pub const SESSION: [Step; 5 + INTERVALS] = {
        let mut s = [Step::Interval; 5 + INTERVALS];
        s[0] = Step::PlugIn;
        s[1] = Step::Authorize;
        s[2] = Step::Charging;
        s[3 + INTERVALS] = Step::Stop;
        s[4 + INTERVALS] = Step::Unplug;
        s
    };

    /// A label for reports.
    pub const fn label(self) -> &'static str {
        match self {
            Step::PlugIn => "plug in: StatusNotification Preparing",
            Step::Authorize => "idTag presented: Authorize",
            Step::Charging => "StatusNotification Charging",
            Step::Interval => "charging, 60 s intervals (heartbeats on the way)",
            Step::Stop => "stop: StatusNotification Finishing",
            Step::Unplug => "unplug: StatusNotification Available",
        }
    }

    /// What BENCHMARK.md has in this step that the engine does not do yet.
    pub const fn missing(self) -> Option<&'static str> {
        match self {
            Step::Authorize => Some("StartTransaction"),
            Step::Interval => Some("MeterValues"),
            Step::Stop => Some("StopTransaction"),
            Step::PlugIn | Step::Charging | Step::Unplug => None,
        }
    }

    /// Runs the step on `connector`.
    pub fn run<A: Allocator + Clone + Metered>(
        self,
        d: &mut Driver<A>,
        connector: u8,
    ) -> Result<(), Error> {
        match self {
            Step::PlugIn => d.set_status(connector, ChargePointStatus::Preparing),
            Step::Authorize => d.authorize(ID_TAG),
            Step::Charging => d.set_status(connector, ChargePointStatus::Charging),
            Step::Interval => d.advance(INTERVAL_SECS),
            Step::Stop => d.set_status(connector, ChargePointStatus::Finishing),
            Step::Unplug => d.set_status(connector, ChargePointStatus::Available),
        }
    }
}

/// What BENCHMARK.md has per session that the engine does not send yet.
pub fn missing_calls() -> String {
    let mut parts = Vec::new();
    let mut intervals = 0;
    for step in Step::SESSION {
        match (step, step.missing()) {
            (Step::Interval, Some(_)) => intervals += 1,
            (_, Some(what)) => parts.push(what.to_string()),
            (_, None) => {}
        }
    }
    if let Some(what) = Step::Interval.missing() {
        parts.insert(1, format!("{intervals} × {what}"));
    }
    parts.join(", ")
}

/// Boot: connect, BootNotification (Accepted), StatusNotification
/// Available for connectors 0..=n. The charge point is idle afterwards.
pub fn boot<A: Allocator + Clone + Metered>(d: &mut Driver<A>) -> Result<(), Error> {
    let before = d.counts();
    d.connect()?;
    let c = d.counts().since(&before);
    let statuses = u64::from(d.charge_point().connectors()) + 1;
    if c.registered != 1 || c.calls[0] != 1 || c.calls[1] != statuses {
        return Err(Error::Script(
            "boot: expected BootNotification and one status per connector",
        ));
    }
    Ok(())
}

/// One standard session on `connector`, checked against the script.
pub fn session<A: Allocator + Clone + Metered>(
    d: &mut Driver<A>,
    connector: u8,
) -> Result<(), Error> {
    for step in Step::SESSION {
        step.run(d, connector)?;
    }
    if !status_is(d, connector, ChargePointStatus::Available) {
        return Err(Error::Script("session did not end Available"));
    }
    Ok(())
}

/// `sessions` standard sessions on [`CONNECTOR`].
pub fn sessions<A: Allocator + Clone + Metered>(
    d: &mut Driver<A>,
    sessions: u32,
) -> Result<(), Error> {
    for _ in 0..sessions {
        session(d, CONNECTOR)?;
    }
    Ok(())
}

/// Heartbeats that fall due in one session (its length over the interval).
pub fn heartbeats_per_session() -> u64 {
    INTERVALS as u64 * INTERVAL_SECS / csms::HEARTBEAT_INTERVAL_SECS
}

/// MicroOcpp 1.2.0 on the full standard session (BENCHMARK.md, x86_64, g++
/// 12 -O2, one connector, no storage): the **reference**, not a figure of
/// this project. Printed beside ours, labelled as such.
pub mod reference {
    /// Who was measured.
    pub const NAME: &str = "MicroOcpp 1.2.0, no storage (BENCHMARK.md reference)";
    /// Idle heap, bytes.
    pub const IDLE_BYTES: u64 = 12_692;
    /// Peak over 100 sessions, bytes.
    pub const PEAK_100_BYTES: u64 = 15_473;
    /// Retained after 100 sessions versus idle, bytes.
    pub const RETAINED_100_BYTES: i64 = 408;
    /// Allocations per session.
    pub const ALLOCATIONS_PER_SESSION: u64 = 415;
    /// Instructions per message (callgrind).
    pub const INSTRUCTIONS_PER_MESSAGE: u64 = 20_500;
    /// Wall time of 100 sessions, median, milliseconds.
    pub const WALL_MS_100: f64 = 9.6;
}

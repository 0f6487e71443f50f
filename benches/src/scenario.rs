//! The standard session of BENCHMARK.md, every step checked against the
//! script.
//!
//! Boot: the sampled data configured (Energy.Active.Import.Register and
//! Power.Active.Import), connect, BootNotification, StatusNotification
//! Available for connectors 0..=n. Per session: plug in (StatusNotification
//! Preparing); idTag `ABCD1234` presented (Authorize, StartTransaction
//! answered with transactionId 42, StatusNotification Charging); 10 × 60 s
//! with one MeterValues of 2 sampled values each, the meter integrating
//! 11 kW; stop locally (StopTransaction, StatusNotification Finishing);
//! unplug (StatusNotification Available); heartbeats every 300 s on the way.
//! 19 CALLs, 38 messages. A step or a session that sends anything else, or
//! another number of it, is an [`Error`].

use allocator_api2::alloc::Allocator;
use ocpp_engine::ocpp_model::{ChargePointStatus, Reason};
use ocpp_engine::Storage;

use ocpp_testkit::{HEARTBEAT_INTERVAL_SECS, TRANSACTION_ID};

use crate::calls::{Call, CallCounts};
use crate::{status_is, Counts, Driver, Error, Metered};

/// The idTag presented in every session.
pub const ID_TAG: &str = "ABCD1234";

/// Charging intervals per session.
pub const INTERVALS: usize = 10;

/// Seconds per charging interval (MeterValueSampleInterval of BENCHMARK.md).
pub const INTERVAL_SECS: u64 = 60;

/// What the meter draws while charging, in watts (11 kW).
pub const POWER_W: i64 = 11_000;

/// MeterValuesSampledData of the scenario.
pub const SAMPLED_DATA: &str = "Energy.Active.Import.Register,Power.Active.Import";

/// Sampled values in each MeterValues (the measurands of [`SAMPLED_DATA`]).
pub const SAMPLED_VALUES: u64 = 2;

/// The connector the sessions run on.
pub const CONNECTOR: u8 = 1;

/// What one standard session sends (BENCHMARK.md), checked after every session.
pub mod per_session {
    use crate::calls::Call;

    /// CALLs of the charge point per session.
    pub const CALLS: u64 = 19;
    /// Messages per session (the CALLs and their answers).
    pub const MESSAGES: u64 = 2 * CALLS;
    /// Messages of the boot with one connector.
    pub const BOOT_MESSAGES: u64 = 6;

    /// CALLs of `call` per session.
    pub const fn calls(call: Call) -> u64 {
        match call {
            Call::BootNotification => 0,
            Call::StatusNotification => 4,
            Call::Authorize | Call::StartTransaction | Call::StopTransaction => 1,
            Call::MeterValues => super::INTERVALS as u64,
            Call::Heartbeat => super::heartbeats_per_session(),
        }
    }
}

/// One step of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// The EV is plugged in: StatusNotification Preparing.
    PlugIn,
    /// The idTag is presented: Authorize, StartTransaction, StatusNotification Charging.
    Present,
    /// 60 s of charging: MeterValues (a heartbeat falls due every 5th).
    Interval,
    /// Stopped locally: StopTransaction, StatusNotification Finishing.
    Stop,
    /// Unplugged: StatusNotification Available.
    Unplug,
}

impl Step {
    /// The steps of one session, in order.
    pub const SESSION: [Step; 4 + INTERVALS] = {
        let mut s = [Step::Interval; 4 + INTERVALS];
        s[0] = Step::PlugIn;
        s[1] = Step::Present;
        s[2 + INTERVALS] = Step::Stop;
        s[3 + INTERVALS] = Step::Unplug;
        s
    };

    /// A label for reports.
    pub const fn label(self) -> &'static str {
        match self {
            Step::PlugIn => "plug in: StatusNotification Preparing",
            Step::Present => "idTag presented: Authorize, StartTransaction, Charging",
            Step::Interval => "meter interval: +60 s, MeterValues (2 sampled values)",
            Step::Stop => "stop (Local): StopTransaction, StatusNotification Finishing",
            Step::Unplug => "unplug: StatusNotification Available",
        }
    }

    /// The CALLs of `call` the step sends: a range, since a heartbeat may
    /// fall due during an interval.
    const fn calls(self, call: Call) -> (u64, u64) {
        let n = match (self, call) {
            (Step::Interval, Call::Heartbeat) => return (0, 1),
            (Step::Interval, Call::MeterValues) => 1,
            (
                Step::PlugIn | Step::Present | Step::Stop | Step::Unplug,
                Call::StatusNotification,
            ) => 1,
            (Step::Present, Call::Authorize | Call::StartTransaction) => 1,
            (Step::Stop, Call::StopTransaction) => 1,
            _ => 0,
        };
        (n, n)
    }

    /// Runs the step on `connector` and checks it went as the script says.
    pub fn run<A: Allocator + Clone + Metered, S: Storage>(
        self,
        d: &mut Driver<A, S>,
        connector: u8,
    ) -> Result<(), Error> {
        let before = d.counts();
        match self {
            Step::PlugIn => d.plug_in(connector)?,
            Step::Present => d.present_id_tag(connector, ID_TAG)?,
            Step::Interval => {
                // The register at the end of the interval, where the sample is taken.
                d.meter(connector, POWER_W, INTERVAL_SECS)?;
                d.advance(INTERVAL_SECS)?;
            }
            Step::Stop => {
                d.stop_transaction(connector, Reason::Local)?;
                d.meter(connector, 0, 0)?;
            }
            Step::Unplug => d.unplug(connector)?,
        }
        self.check(d, connector, &d.counts().since(&before))
    }

    fn check<A: Allocator + Clone + Metered, S: Storage>(
        self,
        d: &Driver<A, S>,
        connector: u8,
        c: &Counts,
    ) -> Result<(), Error> {
        let step = self.label();
        for call in Call::ALL {
            let (lo, hi) = self.calls(call);
            let got = c.calls[call];
            if got < lo || got > hi {
                let expected = if got < lo { lo } else { hi };
                return Err(count(step, call.as_str(), expected, got));
            }
        }
        let e = &c.events;
        let (on, off) = match self {
            Step::Present => (1, 0),
            Step::Stop => (0, 1),
            _ => (0, 0),
        };
        expect(step, "Event::Energy { on: true }", on, e.energy_on)?;
        expect(step, "Event::Energy { on: false }", off, e.energy_off)?;
        expect(step, "refused idTags", 0, e.id_tag_refused)?;
        expect(step, "CALLs of the central system", 0, c.incoming_calls)?;
        expect(
            step,
            "sampled values",
            SAMPLED_VALUES * c.calls[Call::MeterValues],
            c.sampled_values,
        )?;
        let transaction = d.charge_point().transaction(connector);
        let (status, ok) = match self {
            Step::PlugIn => (ChargePointStatus::Preparing, transaction.is_none()),
            Step::Present | Step::Interval => (
                ChargePointStatus::Charging,
                transaction == Some(Some(TRANSACTION_ID)),
            ),
            Step::Stop => (ChargePointStatus::Finishing, transaction.is_none()),
            Step::Unplug => (ChargePointStatus::Available, transaction.is_none()),
        };
        if !ok {
            return Err(Error::Script(
                "the transaction (id 42 from the central system) is not where the step leaves it",
            ));
        }
        if !status_is(d, connector, status) {
            return Err(Error::Script("the connector's status is not the step's"));
        }
        Ok(())
    }
}

fn count(step: &'static str, item: &'static str, expected: u64, got: u64) -> Error {
    Error::Count {
        step,
        item,
        expected,
        got,
    }
}

fn expect(step: &'static str, item: &'static str, expected: u64, got: u64) -> Result<(), Error> {
    if expected == got {
        Ok(())
    } else {
        Err(count(step, item, expected, got))
    }
}

/// The firmware's setup: MeterValuesSampledData and
/// MeterValueSampleInterval as BENCHMARK.md says, the meter's first
/// readings on [`CONNECTOR`].
pub fn setup<A: Allocator + Clone + Metered, S: Storage>(
    d: &mut Driver<A, S>,
) -> Result<(), Error> {
    d.configure("MeterValuesSampledData", SAMPLED_DATA)?;
    d.configure("MeterValueSampleInterval", "60")?;
    d.meter(CONNECTOR, 0, 0)
}

/// Boot: [`setup`], connect, BootNotification (Accepted), StatusNotification
/// Available for connectors 0..=n. The charge point is idle afterwards.
pub fn boot<A: Allocator + Clone + Metered, S: Storage>(d: &mut Driver<A, S>) -> Result<(), Error> {
    setup(d)?;
    let before = d.counts();
    d.connect()?;
    let c = d.counts().since(&before);
    let statuses = u64::from(d.charge_point().connectors()) + 1;
    let step = "boot";
    expect(step, "Event::Registered(Accepted)", 1, c.events.registered)?;
    let mut expected = CallCounts::default();
    expected[Call::BootNotification] = 1;
    expected[Call::StatusNotification] = statuses;
    for call in Call::ALL {
        expect(step, call.as_str(), expected[call], c.calls[call])?;
    }
    Ok(())
}

/// One standard session on `connector`: every step checked, then the whole
/// (19 CALLs of the actions of [`per_session::calls`], 38 messages).
pub fn session<A: Allocator + Clone + Metered, S: Storage>(
    d: &mut Driver<A, S>,
    connector: u8,
) -> Result<(), Error> {
    let before = d.counts();
    for step in Step::SESSION {
        step.run(d, connector)?;
    }
    let c = d.counts().since(&before);
    let whole = "session";
    for call in Call::ALL {
        expect(
            whole,
            call.as_str(),
            per_session::calls(call),
            c.calls[call],
        )?;
    }
    expect(whole, "CALLs", per_session::CALLS, c.calls.total())?;
    expect(whole, "messages", per_session::MESSAGES, c.messages())?;
    expect(
        whole,
        "sampled values",
        SAMPLED_VALUES * INTERVALS as u64,
        c.sampled_values,
    )?;
    Ok(())
}

/// `sessions` standard sessions on [`CONNECTOR`].
pub fn sessions<A: Allocator + Clone + Metered, S: Storage>(
    d: &mut Driver<A, S>,
    sessions: u32,
) -> Result<(), Error> {
    for _ in 0..sessions {
        session(d, CONNECTOR)?;
    }
    Ok(())
}

/// Heartbeats that fall due in one session (its length over the interval).
pub const fn heartbeats_per_session() -> u64 {
    INTERVALS as u64 * INTERVAL_SECS / HEARTBEAT_INTERVAL_SECS
}

/// MicroOcpp 1.2.0 on the standard session (BENCHMARK.md, x86_64, g++ 12
/// -O2, one connector, no storage): the **reference**, not a figure of this
/// project. Printed beside ours, labelled as such.
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

/// MicroOcpp 1.2.0 with its POSIX file storage on the standard session
/// (BENCHMARK.md): the reference for the figures with storage on.
pub mod reference_storage {
    /// Who was measured.
    pub const NAME: &str = "MicroOcpp 1.2.0, POSIX file storage (BENCHMARK.md reference)";
    /// Idle heap, bytes.
    pub const IDLE_BYTES: u64 = 12_884;
    /// Peak over 100 sessions, bytes.
    pub const PEAK_100_BYTES: u64 = 20_425;
    /// Retained after 100 sessions versus idle, bytes.
    pub const RETAINED_100_BYTES: i64 = 704;
    /// Allocations per session.
    pub const ALLOCATIONS_PER_SESSION: u64 = 477;
    /// Instructions per message (callgrind).
    pub const INSTRUCTIONS_PER_MESSAGE: u64 = 40_737;
    /// Wall time of 100 sessions, median, milliseconds.
    pub const WALL_MS_100: f64 = 216.0;
}

/// Where this project aims (BENCHMARK.md, "Where this project aims"), on
/// the same scenario: derived from the reference where BENCHMARK.md says
/// "a fraction of it".
pub mod goal {
    use super::reference;

    /// Idle pool, bytes: 1 KiB.
    pub const IDLE_BYTES: u64 = 1024;
    /// Peak over 100 sessions, bytes: a quarter of the reference (3,868 B).
    pub const PEAK_BYTES: u64 = reference::PEAK_100_BYTES / 4;
    /// Allocations per session: a tenth of the reference (41.5).
    pub const ALLOCATIONS_PER_SESSION: f64 = reference::ALLOCATIONS_PER_SESSION as f64 / 10.0;
    /// Retained after 100 sessions versus idle, bytes: nothing.
    pub const RETAINED_BYTES: i64 = 0;
    /// Instructions per message: a third of the reference (6,833).
    pub const INSTRUCTIONS_PER_MESSAGE: u64 = reference::INSTRUCTIONS_PER_MESSAGE / 3;
}

//! Allocation-failure suites for the OCPP charge point, as a library.
//!
//! A [`Scenario`] is a list of [`Step`]s: received frames, hardware inputs,
//! clock advances, and the answers of a scripted central system. The
//! drivers run it on a charge point whose pool is wrapped in a
//! [`FailureInjector`](ocpp_alloc::FailureInjector) and check, for every
//! refusal, what DESIGN.md promises:
//!
//! - no panic;
//! - the step's outcome is the fault-free one, or an out-of-memory outcome
//!   (`Err(OutOfMemory)`, or a CALLERROR `InternalError`, or the action's
//!   own `Rejected`, in place of the answer);
//! - after an out-of-memory outcome the engine's snapshot and the pool's
//!   bytes in use are exactly what they were before the step, and the
//!   step retried with memory goes as without faults;
//! - given memory again, the scenario reaches the fault-free final state;
//! - dropping the charge point returns the pool to zero bytes in use.
//!
//! Two refusals the engine absorbs by a documented best-effort fallback
//! are told apart and counted as *degraded*: a periodic sample that could
//! not be queued (counted in `QueueStats::skipped`), a StopTxnAlignedData
//! sample that could not be kept (`QueueStats::stop_aligned_skipped`), and
//! an idTag verdict
//! left out of the authorization cache. After one, the rest of the
//! scenario is checked for no panic, no leak and the OCPP rules, not
//! against the fault-free run.
//!
//! On every step, with or without a refusal, the driver also checks what
//! the scripted central system can see: any `Err` of an input or a frame
//! (`Busy`, `QueueFull`, `NoTransaction`, ...) and any `BufferFull` changed
//! nothing; nothing but BootNotification before registration; one CALL of
//! ours at a time; each CALL of the central system answered once;
//! MeterValues and StopTransaction carry a transactionId it gave, of a
//! transaction not yet stopped; transaction messages go out in the order
//! they happened.
//!
//! [`sweep`] refuses allocation 1, 2, 3, ... of every step, once as a
//! one-shot and once as a persistent failure, until the step runs clean
//! (SQLite's method). [`random`] runs seeded random scenarios under random
//! refusal plans.
//!
//! Integrators run the same drivers on their own setup: their connectors,
//! configuration, pool size and backend.
//!
//! ```
//! use alloc_tests::{sweep, Setup, Step};
//! use ocpp_engine::Config;
//!
//! let setup = Setup { config: Config::new("Acme", "Wallbox").with_connectors(2), pool_bytes: 8 * 1024 };
//! let scenario = [Step::Connect, Step::Answer, Step::Answer, Step::Answer, Step::Answer,
//!                 Step::PlugIn(1), Step::Answer, Step::present(1, "04A1B2C3"), Step::Answer];
//! let report = sweep::<ocpp_alloc::Talc>(&setup, &scenario).expect("every refusal handled");
//! assert!(report.failure_points > 0);
//! ```

mod catalogue;
mod csms;
mod power;
mod random;
mod rig;
mod scenario;
mod sweep;

pub use catalogue::{
    authorizations, busy, catalogue, configuration, connectors, incoming, offline, registration,
    remote_control, remote_start_stop, standard_session, transactions,
};
pub use power::{power_cuts, recovery_sweep, PowerReport};
pub use random::{random, random_scenario, RandomReport};
pub use rig::{Outcome, StepResult};
pub use scenario::{Scenario, Setup, Step};
pub use sweep::{sweep, trace, Failure, SweepReport, Traced};

/// The README's code examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

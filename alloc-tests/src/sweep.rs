//! The exhaustive sweep: every allocation of every step refused, once and
//! for good, until the step runs clean.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use ocpp_alloc::{Backend, FailureInjector, FailurePlan, HostPool};
use ocpp_engine::NewError;

use crate::rig::{Outcome, Rig};
use crate::scenario::{Setup, Step};

/// What a sweep checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Steps in the scenario (plus one for building the charge point).
    pub steps: usize,
    /// Refusals injected and checked (one-shot and persistent).
    pub failure_points: usize,
    /// Of those, the ones that gave an out-of-memory outcome.
    pub out_of_memory_outcomes: usize,
    /// Step runs executed in all.
    pub step_runs: usize,
}

impl std::ops::AddAssign for SweepReport {
    fn add_assign(&mut self, o: Self) {
        self.steps += o.steps;
        self.failure_points += o.failure_points;
        self.out_of_memory_outcomes += o.out_of_memory_outcomes;
        self.step_runs += o.step_runs;
    }
}

/// A broken promise, with where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Index of the step (`None`: building the charge point).
    pub step: Option<usize>,
    /// The refusal plan in force.
    pub plan: String,
    /// What went wrong.
    pub what: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Some(i) => write!(f, "step {i}, {}: {}", self.plan, self.what),
            None => write!(f, "ChargePoint::new, {}: {}", self.plan, self.what),
        }
    }
}

impl std::error::Error for Failure {}

/// "panicked: <message>" from a caught panic's payload.
pub(crate) fn panicked(payload: Box<dyn std::any::Any + Send>) -> String {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("panicked: {msg}")
}

/// The fault-free run: each step's outcome, state and bytes in use after it.
pub(crate) struct Reference {
    pub(crate) outcomes: Vec<Outcome>,
    pub(crate) snapshots: Vec<Vec<u8>>,
    pub(crate) in_use: Vec<usize>,
    /// Allocation attempts of each step.
    pub(crate) attempts: Vec<usize>,
}

pub(crate) fn reference<B: Backend>(
    setup: &Setup<'_>,
    steps: &[Step],
) -> Result<Reference, Failure> {
    let pool = HostPool::<B>::new(setup.pool_bytes);
    let injector = FailureInjector::new(&*pool);
    let fail = |what: String| Failure {
        step: None,
        plan: "no refusal".into(),
        what,
    };
    let mut rig = Rig::new(&setup.config, &injector)
        .map_err(|e| fail(format!("{e:?} without any refusal")))?;
    let mut r = Reference {
        outcomes: Vec::new(),
        snapshots: Vec::new(),
        in_use: Vec::new(),
        attempts: Vec::new(),
    };
    for (i, step) in steps.iter().enumerate() {
        injector.set_plan(FailurePlan::Never); // resets the attempt counter
        let outcome = catch_unwind(AssertUnwindSafe(|| rig.run(step))).map_err(|p| Failure {
            step: Some(i),
            plan: "no refusal".into(),
            what: panicked(p),
        })?;
        r.attempts.push(injector.attempts());
        r.outcomes.push(outcome);
        r.snapshots.push(rig.snapshot());
        r.in_use.push(rig.in_use());
    }
    drop(rig);
    if pool.stats().in_use != 0 {
        return Err(fail(format!(
            "{} bytes still in use after the charge point was dropped",
            pool.stats().in_use
        )));
    }
    Ok(r)
}

/// Sweeps every allocation of every step of `steps`, plus those of
/// `ChargePoint::new`, on backend `B`.
pub fn sweep<B: Backend>(setup: &Setup<'_>, steps: &[Step]) -> Result<SweepReport, Failure> {
    let reference = reference::<B>(setup, steps)?;
    let mut report = SweepReport {
        steps: steps.len() + 1,
        ..Default::default()
    };
    sweep_new::<B>(setup, &mut report)?;
    for i in 0..steps.len() {
        for persistent in [false, true] {
            for k in 1.. {
                if !refuse_once::<B>(setup, steps, &reference, i, k, persistent, &mut report)? {
                    break;
                }
            }
        }
    }
    Ok(report)
}

fn sweep_new<B: Backend>(setup: &Setup<'_>, report: &mut SweepReport) -> Result<(), Failure> {
    for persistent in [false, true] {
        for k in 1.. {
            let plan = if persistent {
                FailurePlan::From(k)
            } else {
                FailurePlan::Nth(k)
            };
            let pool = HostPool::<B>::new(setup.pool_bytes);
            let injector = FailureInjector::new(&*pool);
            injector.set_plan(plan);
            let fail = |what: String| Failure {
                step: None,
                plan: format!("{plan:?}"),
                what,
            };
            let built = catch_unwind(AssertUnwindSafe(|| {
                Rig::new(&setup.config, &injector).map(|_| ())
            }))
            .map_err(|p| fail(panicked(p)))?;
            let attempts = injector.attempts();
            match built {
                Ok(()) if attempts < k => break,
                Ok(()) => return Err(fail("built although an allocation was refused".into())),
                Err(NewError::OutOfMemory) => {
                    report.failure_points += 1;
                    report.out_of_memory_outcomes += 1;
                }
                Err(e) => return Err(fail(format!("{e:?}"))),
            }
            if pool.stats().in_use != 0 {
                return Err(fail(format!("leaked {} bytes", pool.stats().in_use)));
            }
        }
    }
    Ok(())
}

/// Runs `steps` with allocation `k` of step `i` refused (once, or from then
/// on during the step) and checks every
/// promise. Returns whether the plan refused anything (false: the step ran clean).
#[allow(clippy::too_many_arguments)]
fn refuse_once<B: Backend>(
    setup: &Setup<'_>,
    steps: &[Step],
    reference: &Reference,
    i: usize,
    k: usize,
    persistent: bool,
    report: &mut SweepReport,
) -> Result<bool, Failure> {
    let plan = if persistent {
        FailurePlan::From(k)
    } else {
        FailurePlan::Nth(k)
    };
    let pool = HostPool::<B>::new(setup.pool_bytes);
    let injector = FailureInjector::new(&*pool);
    let fail = |step: usize, what: String| Failure {
        step: Some(step),
        plan: format!("{plan:?}"),
        what,
    };
    let mut rig = Rig::new(&setup.config, &injector).map_err(|e| fail(i, format!("{e:?}")))?;
    for step in &steps[..i] {
        rig.run(step);
        report.step_runs += 1;
    }
    let (before, before_use) = (rig.snapshot(), rig.in_use());
    injector.set_plan(plan);
    let outcome =
        catch_unwind(AssertUnwindSafe(|| rig.run(&steps[i]))).map_err(|p| fail(i, panicked(p)))?;
    let refused = injector.attempts() >= k;
    injector.set_plan(FailurePlan::Never);
    report.step_runs += 1;
    if !refused {
        if outcome != reference.outcomes[i] {
            return Err(fail(
                i,
                format!(
                    "without a refusal: {outcome:?} != fault-free {:?}",
                    reference.outcomes[i]
                ),
            ));
        }
        return Ok(false);
    }
    report.failure_points += 1;
    check_step(
        &mut rig, steps, reference, i, outcome, &before, before_use, report,
    )
    .map_err(|what| fail(i, what))?;
    // Given memory again, the rest of the scenario goes as without faults.
    for (j, step) in steps.iter().enumerate().skip(i + 1) {
        let outcome =
            catch_unwind(AssertUnwindSafe(|| rig.run(step))).map_err(|p| fail(j, panicked(p)))?;
        report.step_runs += 1;
        if outcome != reference.outcomes[j] {
            return Err(fail(
                j,
                format!(
                    "after the refusal: {outcome:?} != fault-free {:?}",
                    reference.outcomes[j]
                ),
            ));
        }
    }
    if let (Some(last), Some(expected)) = (steps.len().checked_sub(1), reference.snapshots.last()) {
        if &rig.snapshot() != expected {
            return Err(fail(
                last,
                "final state differs from the fault-free run".into(),
            ));
        }
    }
    drop(rig);
    if pool.stats().in_use != 0 {
        return Err(fail(
            i,
            format!("{} bytes still in use after drop", pool.stats().in_use),
        ));
    }
    Ok(true)
}

/// The promises for one step that met a refusal: the fault-free outcome, or
/// an out-of-memory outcome with the state and bytes as before and the
/// fault-free outcome on a retry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_step<B: Backend>(
    rig: &mut Rig<'_, B>,
    steps: &[Step],
    reference: &Reference,
    i: usize,
    outcome: Outcome,
    before: &[u8],
    before_use: usize,
    report: &mut SweepReport,
) -> Result<(), String> {
    if outcome == reference.outcomes[i] {
        // The refusal was absorbed (e.g. a growth that had a fallback).
        if rig.snapshot() != reference.snapshots[i] {
            return Err("fault-free outcome but a different state".into());
        }
        if rig.in_use() != reference.in_use[i] {
            return Err(format!(
                "fault-free outcome but {} bytes in use, not {}",
                rig.in_use(),
                reference.in_use[i]
            ));
        }
        return Ok(());
    }
    if !outcome.is_out_of_memory() {
        return Err(format!(
            "neither the fault-free outcome {:?} nor out of memory: {outcome:?}",
            reference.outcomes[i]
        ));
    }
    report.out_of_memory_outcomes += 1;
    if rig.snapshot() != before {
        return Err(format!("out of memory ({outcome:?}) but the state changed"));
    }
    if rig.in_use() != before_use {
        return Err(format!(
            "out of memory but {} bytes in use, {} before: leaked",
            rig.in_use(),
            before_use
        ));
    }
    let retry = rig.run(&steps[i]);
    report.step_runs += 1;
    if retry != reference.outcomes[i] {
        return Err(format!(
            "retry with memory: {retry:?} != fault-free {:?}",
            reference.outcomes[i]
        ));
    }
    if rig.snapshot() != reference.snapshots[i] {
        return Err("retry with memory: state differs from the fault-free run".into());
    }
    Ok(())
}

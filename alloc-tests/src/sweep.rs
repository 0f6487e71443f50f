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
    /// Of those, the ones absorbed by a documented best-effort fallback (a
    /// periodic sample skipped, an idTag not cached): checked for no panic,
    /// no leak and the OCPP rules to the end of the scenario, but not
    /// against the fault-free run.
    pub degraded: usize,
    /// Step runs executed in all.
    pub step_runs: usize,
}

impl std::ops::AddAssign for SweepReport {
    fn add_assign(&mut self, o: Self) {
        self.steps += o.steps;
        self.failure_points += o.failure_points;
        self.out_of_memory_outcomes += o.out_of_memory_outcomes;
        self.degraded += o.degraded;
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
            None if self.plan.starts_with("power cut") || self.plan == "no cut" => {
                write!(f, "{}: {}", self.plan, self.what)
            }
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
    reference_after::<B>(setup, steps, &[]).map(|(r, _)| r)
}

/// The run that replays `history` (each step run so far, retries
/// included, with the plan it ran under) and then runs the rest of `steps`
/// without faults: the reference for the steps after the last one of the
/// history, and the state the replay reached.
pub(crate) fn reference_after<B: Backend>(
    setup: &Setup<'_>,
    steps: &[Step],
    history: &[(usize, FailurePlan)],
) -> Result<(Reference, Vec<u8>), Failure> {
    let pool = HostPool::<B>::new(setup.pool_bytes);
    let injector = FailureInjector::new(&*pool);
    let fail = |step: Option<usize>, what: String| Failure {
        step,
        plan: "no refusal".into(),
        what,
    };
    let mut rig = Rig::new(&setup.config, &injector)
        .map_err(|e| fail(None, format!("{e:?} without any refusal")))?;
    for &(i, plan) in history {
        injector.set_plan(plan);
        catch_unwind(AssertUnwindSafe(|| rig.run(&steps[i])))
            .map_err(|p| fail(Some(i), format!("replaying {plan:?}: {}", panicked(p))))?;
    }
    let replayed = rig.snapshot();
    let mut r = Reference {
        outcomes: Vec::new(),
        snapshots: Vec::new(),
        in_use: Vec::new(),
        attempts: Vec::new(),
    };
    let first = history.last().map_or(0, |&(i, _)| i + 1);
    for (i, step) in steps.iter().enumerate().skip(first) {
        injector.set_plan(FailurePlan::Never); // resets the attempt counter
        let outcome = catch_unwind(AssertUnwindSafe(|| rig.run(step)))
            .map_err(|p| fail(Some(i), panicked(p)))?;
        r.attempts.push(injector.attempts());
        r.outcomes.push(outcome);
        r.snapshots.push(rig.snapshot());
        r.in_use.push(rig.in_use());
    }
    drop(rig);
    if pool.stats().in_use != 0 {
        let last = steps.len().checked_sub(1);
        let what = format!(
            "{} bytes still in use after the charge point was dropped",
            pool.stats().in_use
        );
        return Err(fail(last, what));
    }
    Ok((r, replayed))
}

impl Reference {
    /// Replaces the entries from step `first` on with `tail`'s.
    pub(crate) fn splice(&mut self, first: usize, tail: Reference) {
        self.outcomes.truncate(first);
        self.outcomes.extend(tail.outcomes);
        self.snapshots.truncate(first);
        self.snapshots.extend(tail.snapshots);
        self.in_use.truncate(first);
        self.in_use.extend(tail.in_use);
        self.attempts.truncate(first);
        self.attempts.extend(tail.attempts);
    }
}

/// One step of a fault-free run, as [`trace`] gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traced {
    /// What the step did.
    pub outcome: Outcome,
    /// Allocations the step attempted.
    pub allocations: usize,
    /// Bytes in use in the pool after the step.
    pub in_use: usize,
}

/// The fault-free run of `steps` on backend `B`, for reading what a
/// scenario does, step by step, up to the first broken promise, if any.
pub fn trace<B: Backend>(setup: &Setup<'_>, steps: &[Step]) -> (Vec<Traced>, Option<Failure>) {
    let pool = HostPool::<B>::new(setup.pool_bytes);
    let injector = FailureInjector::new(&*pool);
    let mut traced = Vec::new();
    let mut rig = match Rig::new(&setup.config, &injector) {
        Ok(rig) => rig,
        Err(e) => {
            let what = format!("{e:?} without any refusal");
            let plan = "no refusal".into();
            return (
                traced,
                Some(Failure {
                    step: None,
                    plan,
                    what,
                }),
            );
        }
    };
    for (i, step) in steps.iter().enumerate() {
        injector.set_plan(FailurePlan::Never);
        match catch_unwind(AssertUnwindSafe(|| rig.run(step))) {
            Ok(outcome) => traced.push(Traced {
                outcome,
                allocations: injector.attempts(),
                in_use: rig.in_use(),
            }),
            Err(p) => {
                let (plan, what) = ("no refusal".into(), panicked(p));
                return (
                    traced,
                    Some(Failure {
                        step: Some(i),
                        plan,
                        what,
                    }),
                );
            }
        }
    }
    (traced, None)
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
/// on during the step) and checks every promise. Returns whether the plan
/// refused anything (false: the step makes fewer than `k` allocations).
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
    // Without a refusal before it, step i makes the same allocations as in
    // the fault-free run: a plan beyond them refuses nothing.
    if k > reference.attempts[i] {
        return Ok(false);
    }
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
    let (answering, queue) = (rig.answering(), rig.cp.queue());
    injector.set_plan(plan);
    let outcome =
        catch_unwind(AssertUnwindSafe(|| rig.run(&steps[i]))).map_err(|p| fail(i, panicked(p)))?;
    let refused = injector.refusals() > 0;
    injector.set_plan(FailurePlan::Never);
    report.step_runs += 1;
    if !refused {
        return Err(fail(
            i,
            format!(
                "the step made {} allocations, {} in the fault-free run",
                injector.attempts(),
                reference.attempts[i]
            ),
        ));
    }
    report.failure_points += 1;
    let before = Before {
        state: &before,
        in_use: before_use,
        answering: answering.as_deref(),
        queue,
    };
    let verdict = check_step(&mut rig, steps, reference, i, outcome, &before, report)
        .map_err(|what| fail(i, what))?;
    // Given memory again, the rest of the scenario goes as without faults;
    // after a degraded step it only has to keep the rules.
    let compare = verdict != Verdict::Degraded;
    for (j, step) in steps.iter().enumerate().skip(i + 1) {
        let outcome =
            catch_unwind(AssertUnwindSafe(|| rig.run(step))).map_err(|p| fail(j, panicked(p)))?;
        report.step_runs += 1;
        if compare && outcome != reference.outcomes[j] {
            return Err(fail(
                j,
                format!(
                    "after the refusal: {outcome:?} != fault-free {:?}",
                    reference.outcomes[j]
                ),
            ));
        }
    }
    if let (true, Some(last), Some(expected)) = (
        compare,
        steps.len().checked_sub(1),
        reference.snapshots.last(),
    ) {
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

/// What a step was like before it met a refusal.
pub(crate) struct Before<'a> {
    pub(crate) state: &'a [u8],
    pub(crate) in_use: usize,
    /// The action of our CALL the central system was about to answer.
    pub(crate) answering: Option<&'a str>,
    /// How the transaction message queue stood: the samples skipped so far.
    pub(crate) queue: ocpp_engine::QueueStats,
}

/// How a step that met a refusal came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The refusal was absorbed: outcome and state as without it.
    Absorbed,
    /// An out-of-memory outcome that changed nothing; the retry went as
    /// without faults.
    OutOfMemory,
    /// A documented best-effort fallback: a periodic sample, or a
    /// StopTxnAlignedData sample, skipped (and counted), or an idTag the central system verdicted left out of the
    /// authorization cache. The step did its work otherwise; the state
    /// cannot match the fault-free run's any more.
    Degraded,
}

/// The promises for one step that met a refusal: the fault-free outcome, or
/// an out-of-memory outcome with the state and bytes as before and the
/// fault-free outcome on a retry, or a documented degradation.
pub(crate) fn check_step<B: Backend>(
    rig: &mut Rig<'_, B>,
    steps: &[Step],
    reference: &Reference,
    i: usize,
    outcome: Outcome,
    before: &Before<'_>,
    report: &mut SweepReport,
) -> Result<Verdict, String> {
    let expected = &reference.outcomes[i];
    if outcome == *expected && rig.snapshot() == reference.snapshots[i] {
        if rig.in_use() != reference.in_use[i] {
            return Err(format!(
                "fault-free outcome but {} bytes in use, not {}",
                rig.in_use(),
                reference.in_use[i]
            ));
        }
        return Ok(Verdict::Absorbed);
    }
    if !outcome.is_out_of_memory() {
        if let Some(why) = degradation(&steps[i], &outcome, expected, before) {
            if rig.in_use() > reference.in_use[i] {
                return Err(format!(
                    "{why}, but {} bytes in use, more than the fault-free {}",
                    rig.in_use(),
                    reference.in_use[i]
                ));
            }
            report.degraded += 1;
            return Ok(Verdict::Degraded);
        }
        if outcome == *expected {
            return Err("fault-free outcome but a different state".into());
        }
        return Err(format!(
            "neither the fault-free outcome {expected:?} nor out of memory: {outcome:?}"
        ));
    }
    report.out_of_memory_outcomes += 1;
    if rig.snapshot() != before.state {
        return Err(format!("out of memory ({outcome:?}) but the state changed"));
    }
    if rig.in_use() != before.in_use {
        return Err(format!(
            "out of memory but {} bytes in use, {} before: leaked",
            rig.in_use(),
            before.in_use
        ));
    }
    let retry = rig.run(&steps[i]);
    report.step_runs += 1;
    if retry != *expected {
        return Err(format!(
            "retry with memory: {retry:?} != fault-free {expected:?}"
        ));
    }
    if rig.snapshot() != reference.snapshots[i] {
        return Err("retry with memory: state differs from the fault-free run".into());
    }
    Ok(Verdict::OutOfMemory)
}

/// Which documented fallback explains `outcome` differing from `expected`
/// (or its state from the fault-free one), if any:
/// - the clock passed a sampling time and the sample could not be queued:
///   the queue counts it as skipped (later samples may then take places
///   the fault-free run skipped at its bound); result and events are as
///   without faults, only MeterValues differ;
/// - the clock passed a clock-aligned time and a StopTxnAlignedData sample
///   could not be kept: counted likewise, only a later StopTransaction's
///   `transactionData` differs;
/// - an answer that carries an idTagInfo (Authorize, StartTransaction,
///   StopTransaction) was applied, but its idTag was not cached: the
///   outcome is the fault-free one.
fn degradation(
    step: &Step,
    outcome: &Outcome,
    expected: &Outcome,
    before: &Before<'_>,
) -> Option<&'static str> {
    let same_otherwise = outcome.result == expected.result && outcome.events == expected.events;
    let skipped = outcome.queue.skipped > before.queue.skipped;
    let aligned = outcome.queue.stop_aligned_skipped > before.queue.stop_aligned_skipped;
    if matches!(step, Step::Advance(_)) && same_otherwise && (skipped || aligned) {
        return Some("a periodic or StopTxnAlignedData sample skipped");
    }
    let verdicts = matches!(
        before.answering,
        Some("Authorize" | "StartTransaction" | "StopTransaction")
    );
    let answer = matches!(step, Step::Answer | Step::AnswerWith(_));
    (outcome == expected && answer && verdicts).then_some("an idTag not cached")
}

//! Seeded random scenarios under seeded random refusal plans.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ocpp_alloc::{Backend, FailureInjector, FailurePlan, HostPool};
use ocpp_model::{ChargePointErrorCode, ChargePointStatus};

use crate::rig::Rig;
use crate::scenario::{Scenario, Setup, Step};
use crate::sweep::{check_step, reference, Failure, SweepReport};

/// What the random runs checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RandomReport {
    /// Scenarios run.
    pub runs: usize,
    /// Steps run under a random plan.
    pub steps: usize,
    /// Of those, the steps that allocate at all (the only ones a refusal can hit).
    pub allocating_steps: usize,
    /// Refusals that hit and were checked.
    pub failure_points: usize,
    /// Of those, the ones that gave an out-of-memory outcome.
    pub out_of_memory_outcomes: usize,
}

/// splitmix64: small, seedable, good enough to pick test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const STATUSES: [ChargePointStatus; 9] = [
    ChargePointStatus::Available,
    ChargePointStatus::Preparing,
    ChargePointStatus::Charging,
    ChargePointStatus::SuspendedEVSE,
    ChargePointStatus::SuspendedEV,
    ChargePointStatus::Finishing,
    ChargePointStatus::Reserved,
    ChargePointStatus::Unavailable,
    ChargePointStatus::Faulted,
];

const ERRORS: [ChargePointErrorCode; 4] = [
    ChargePointErrorCode::NoError,
    ChargePointErrorCode::GroundFailure,
    ChargePointErrorCode::OverCurrentFailure,
    ChargePointErrorCode::InternalError,
];

const TAGS: [&str; 6] = [
    "ABCD1234",
    "04A1B2C3D4E5F6",
    "T",
    "12345678901234567890",
    "",
    "ÄÖÜ",
];

const INCOMING: [&str; 10] = [
    r#"[2,"cs1","Reset",{"type":"Soft"}]"#,
    r#"[2,"cs2","UnknownThing",{}]"#,
    r#"[2,"cs3","DataTransfer",{"vendorId":"com.acme","messageId":"hello","data":"x\"y"}]"#,
    r#"[2,"cs4","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#,
    r#"[2,"cs5","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]"#,
    r#"[2,"cs6","Reset"]"#,
    r#"[3,"nobody",{}]"#,
    r#"{"not":"a frame"}"#,
    "[2,\"cs7\",\"ChangeAvailability\",{\"connectorId\":1,\"type\":\"Inoperative\"}]",
    r#"[2,"cs8","GetConfiguration",{"key":["HeartbeatInterval"]}]"#,
];

const BAD_ANSWERS: [&str; 4] = [
    r#"{"idTagInfo":{"status":"Maybe"}}"#,
    r#"{"status":"Accepted"}"#,
    r#"{"currentTime":"yesterday"}"#,
    r#"{"idTagInfo":{"status":"Accepted","parentIdTag":"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}}"#,
];

/// A random scenario of `len` steps for a charge point with `connectors`
/// connectors; the same seed gives the same scenario.
pub fn random_scenario(seed: u64, len: usize, connectors: u8) -> Scenario {
    let mut rng = Rng(seed);
    let mut s = vec![Step::Connect];
    while s.len() < len {
        let roll = rng.below(100);
        s.push(match roll {
            0..=34 => Step::Answer,
            35..=47 => Step::Advance(1 + rng.below(400)),
            48..=62 => Step::Status(
                rng.below(u64::from(connectors) + 2) as u8,
                *rng.pick(&STATUSES),
                *rng.pick(&ERRORS),
            ),
            63..=74 => Step::Authorize((*rng.pick(&TAGS)).to_owned()),
            75..=86 => Step::Receive((*rng.pick(&INCOMING)).to_owned()),
            87..=90 => Step::AnswerError(
                (*rng.pick(&["InternalError", "FormatViolation", "Bogus"])).to_owned(),
            ),
            91..=93 => Step::AnswerWith((*rng.pick(&BAD_ANSWERS)).to_owned()),
            94..=96 => Step::Disconnect,
            _ => Step::Connect,
        });
    }
    s
}

/// Runs `runs` random scenarios of `len` steps (seeds `seed`, `seed + 1`, ...),
/// each under a random refusal plan: before each step, with probability 1/2,
/// the k-th allocation of the step (k drawn among the allocations the step
/// makes without faults) is refused, once or from then on. Every refusal that hits is checked like in [`sweep`](crate::sweep).
pub fn random<B: Backend>(
    setup: &Setup<'_>,
    seed: u64,
    runs: usize,
    len: usize,
) -> Result<RandomReport, Failure> {
    let mut report = RandomReport::default();
    for run in 0..runs as u64 {
        let steps = random_scenario(seed.wrapping_add(run), len, setup.config.connectors);
        let reference = reference::<B>(setup, &steps)?;
        let mut rng = Rng(seed.wrapping_add(run) ^ 0xA5A5_5A5A);
        let pool = HostPool::<B>::new(setup.pool_bytes);
        let injector = FailureInjector::new(&*pool);
        let mut rig = Rig::new(&setup.config, &injector).map_err(|e| Failure {
            step: None,
            plan: "no refusal".into(),
            what: format!("{e:?}"),
        })?;
        for (i, step) in steps.iter().enumerate() {
            // k is drawn among the allocations this step makes without faults.
            let k = 1 + rng.below(reference.attempts[i].max(1) as u64) as usize;
            let plan = match rng.below(4) {
                0 => FailurePlan::Nth(k),
                1 => FailurePlan::From(k),
                _ => FailurePlan::Never,
            };
            let fail = |what: String| Failure {
                step: Some(i),
                plan: format!("seed {}, {plan:?}", seed.wrapping_add(run)),
                what,
            };
            let (before, before_use) = (rig.snapshot(), rig.in_use());
            injector.set_plan(plan);
            let outcome = catch_unwind(AssertUnwindSafe(|| rig.run(step)))
                .map_err(|p| fail(crate::sweep::panicked(p)))?;
            let hit = injector.refusals() > 0;
            injector.set_plan(FailurePlan::Never);
            report.steps += 1;
            report.allocating_steps += usize::from(reference.attempts[i] > 0);
            if hit {
                report.failure_points += 1;
                let mut sub = SweepReport::default();
                check_step(
                    &mut rig, &steps, &reference, i, outcome, &before, before_use, &mut sub,
                )
                .map_err(fail)?;
                report.out_of_memory_outcomes += sub.out_of_memory_outcomes;
            } else if outcome != reference.outcomes[i] {
                return Err(fail(format!(
                    "{outcome:?} != fault-free {:?}",
                    reference.outcomes[i]
                )));
            }
        }
        if rig.snapshot() != *reference.snapshots.last().expect("scenarios are not empty") {
            return Err(Failure {
                step: None,
                plan: format!("seed {}", seed.wrapping_add(run)),
                what: "final state differs".into(),
            });
        }
        drop(rig);
        if pool.stats().in_use != 0 {
            return Err(Failure {
                step: None,
                plan: format!("seed {}", seed.wrapping_add(run)),
                what: "leaked".into(),
            });
        }
        report.runs += 1;
    }
    Ok(report)
}

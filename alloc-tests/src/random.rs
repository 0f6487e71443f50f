//! Seeded random scenarios under seeded random refusal plans.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ocpp_alloc::{Backend, FailureInjector, FailurePlan, HostPool};
use ocpp_engine::Value;
use ocpp_model::{ChargePointErrorCode, Measurand, Reason, UnlockStatus};

use crate::catalogue::AUTHORIZED;
use crate::rig::Rig;
use crate::scenario::{Scenario, Setup, Step};
use crate::sweep::{
    check_step, reference, reference_after, Before, Failure, Reference, SweepReport, Verdict,
};

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
    /// Of those, the ones absorbed by a documented best-effort fallback
    /// (see [`SweepReport::degraded`]).
    pub degraded: usize,
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

const TAGS: [&str; 7] = [
    "ABCD1234",
    "04A1B2C3D4E5F6",
    "FLEET-CARD",
    "T",
    "12345678901234567890",
    "",
    "ÄÖÜ",
];

const REASONS: [Reason; 5] = [
    Reason::Local,
    Reason::EmergencyStop,
    Reason::PowerLoss,
    Reason::Other,
    Reason::Reboot,
];

const FAULTS: [Option<ChargePointErrorCode>; 4] = [
    None,
    Some(ChargePointErrorCode::GroundFailure),
    Some(ChargePointErrorCode::OverCurrentFailure),
    Some(ChargePointErrorCode::NoError),
];

const MEASURANDS: [Measurand; 5] = [
    Measurand::EnergyActiveImportRegister,
    Measurand::PowerActiveImport,
    Measurand::CurrentImport,
    Measurand::Voltage,
    Measurand::SoC,
];

const CONFIGURE: [(&str, &str); 15] = [
    ("MeterValueSampleInterval", "30"),
    ("AuthorizationCacheEnabled", "false"),
    ("AuthorizationCacheEnabled", "true"),
    ("ClockAlignedDataInterval", "45"),
    (
        "StopTxnAlignedData",
        "Energy.Active.Import.Register,Power.Active.Import",
    ),
    (
        "MeterValuesSampledData",
        "Energy.Active.Import.Register,Power.Active.Import",
    ),
    ("StopTxnSampledData", "Energy.Active.Import.Register"),
    ("AllowOfflineTxForUnknownId", "true"),
    ("LocalPreAuthorize", "true"),
    ("StopTransactionOnInvalidId", "false"),
    ("ConnectionTimeOut", "20"),
    ("TransactionMessageAttempts", "1"),
    ("NumberOfConnectors", "3"),
    ("NoSuchKey", "1"),
    ("HeartbeatInterval", "soon"),
];

/// CALLs of the central system (and frames that are not) whose handling
/// allocates nothing: the only ones drawn while a stalled link already
/// holds an answer (see [`Step::Stall`]).
pub(crate) const NON_ALLOCATING: [&str; 15] = [
    r#"[2,"cs1","Reset",{"type":"Soft"}]"#,
    r#"[2,"cs2","Reset",{"type":"Hard"}]"#,
    r#"[2,"cs3","UnknownThing",{}]"#,
    r#"[2,"cs4","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#,
    r#"[2,"cs5","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]"#,
    r#"[2,"cs7","Reset"]"#,
    r#"[3,"nobody",{}]"#,
    r#"{"not":"a frame"}"#,
    r#"[2,"cs8","ChangeAvailability",{"connectorId":1,"type":"Inoperative"}]"#,
    r#"[2,"cs9","ChangeAvailability",{"connectorId":0,"type":"Operative"}]"#,
    r#"[2,"cs10","RemoteStopTransaction",{"transactionId":42}]"#,
    r#"[2,"cs11","RemoteStopTransaction",{"transactionId":999}]"#,
    r#"[2,"cs12","UnlockConnector",{"connectorId":1}]"#,
    r#"[2,"cs13","UnlockConnector",{"connectorId":2}]"#,
    r#"[2,"cs14","ClearCache",{}]"#,
];

/// CALLs of the central system that may allocate (decoding, the
/// transaction a remote start claims, a GetConfiguration answer, which
/// waits in the pool even when it lists every key, or the samples a
/// triggered MeterValues queues once a meter has a reading).
const ALLOCATING: [&str; 12] = [
    r#"[2,"ca1","DataTransfer",{"vendorId":"com.acme","messageId":"hello","data":"x\"y"}]"#,
    r#"[2,"ca2","GetConfiguration",{"key":["HeartbeatInterval","NoSuchKey"]}]"#,
    r#"[2,"ca4","ChangeConfiguration",{"key":"HeartbeatInterval","value":"120"}]"#,
    r#"[2,"ca5","ChangeConfiguration",{"key":"MeterValueSampleInterval","value":"30"}]"#,
    r#"[2,"ca6","ChangeConfiguration",{"key":"NumberOfConnectors","value":"3"}]"#,
    r#"[2,"ca7","ChangeConfiguration",{"key":"NoSuchKey","value":"1"}]"#,
    r#"[2,"ca8","RemoteStartTransaction",{"connectorId":1,"idTag":"REMOTE-1"}]"#,
    r#"[2,"ca9","RemoteStartTransaction",{"idTag":"REMOTE-2"}]"#,
    r#"[2,"ca10","RemoteStartTransaction",{"connectorId":2,"idTag":"REMOTE-3","chargingProfile":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative","chargingSchedule":{"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":7400.0}]}}}]"#,
    r#"[2,"ca11","ChangeConfiguration",{"key":"AllowOfflineTxForUnknownId","value":"true"}]"#,
    r#"[2,"ca12","GetConfiguration",{}]"#,
    r#"[2,"ca13","TriggerMessage",{"requestedMessage":"MeterValues"}]"#,
];

const ERROR_CODES: [&str; 3] = ["InternalError", "FormationViolation", "Bogus"];

const ANSWERS: [&str; 9] = [
    r#"{"idTagInfo":{"status":"Maybe"}}"#,
    r#"{"status":"Accepted"}"#,
    r#"{"currentTime":"yesterday"}"#,
    r#"{"idTagInfo":{"status":"Accepted","parentIdTag":"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}}"#,
    r#"{"idTagInfo":{"status":"Blocked"}}"#,
    AUTHORIZED,
    r#"{"transactionId":77,"idTagInfo":{"status":"Blocked"}}"#,
    r#"{"transactionId":78,"idTagInfo":{"status":"Accepted"}}"#,
    r#"{"status":"Rejected","currentTime":"2026-11-25T10:00:00Z","interval":30}"#,
];

/// A random scenario of `len` steps for a charge point with `connectors`
/// connectors; the same seed gives the same scenario. Every input of the
/// engine is drawn; while the link is stalled, only the first CALL handed
/// in may be one that allocates (see [`Step::Stall`]).
pub fn random_scenario(seed: u64, len: usize, connectors: u8) -> Scenario {
    let mut rng = Rng(seed);
    // The authorization cache on (it is off by default), so that what it
    // learns is drawn too; a drawn step may turn it off and on again.
    let mut s = vec![
        Step::configure("AuthorizationCacheEnabled", "true"),
        Step::Connect,
    ];
    // While stalled: CALLs handed in since the stall began.
    let mut stalled: Option<usize> = None;
    // An UnlockConnector taken in on this connection: its answer may wait
    // for the firmware, and a clock advance may complete it (UnlockFailed).
    let mut unlock_taken = false;
    while s.len() < len {
        let c = rng.below(u64::from(connectors) + 2) as u8;
        let step = match rng.below(100) {
            0..=29 => Step::Answer,
            30..=38 => Step::Advance(1 + rng.below(400)),
            39..=43 => Step::PlugIn(c),
            44..=47 => Step::Unplug(c),
            48..=56 => Step::PresentIdTag(c, (*rng.pick(&TAGS)).to_owned()),
            57..=58 => Step::StopTransaction(c, *rng.pick(&REASONS)),
            59..=62 => {
                let m = *rng.pick(&MEASURANDS);
                Step::SetMeter(c, m, Value::from_milli(rng.below(50_000_000) as i64))
            }
            63 => Step::SetEvSuspended(c, rng.below(2) == 0),
            64..=65 => Step::SetFault(c, *rng.pick(&FAULTS)),
            66..=67 => Step::Authorize((*rng.pick(&TAGS)).to_owned()),
            68..=69 => {
                let (k, v) = *rng.pick(&CONFIGURE);
                Step::configure(k, v)
            }
            70..=81 => {
                let frame = match stalled {
                    Some(n) if n > 0 => *rng.pick(&NON_ALLOCATING),
                    _ if rng.below(2) == 0 => *rng.pick(&ALLOCATING),
                    _ => *rng.pick(&NON_ALLOCATING),
                };
                stalled = stalled.map(|n| n + 1);
                Step::receive(frame)
            }
            82..=85 => Step::AnswerError(rng.pick(&ERROR_CODES).to_string()),
            86..=88 => Step::AnswerWith(rng.pick(&ANSWERS).to_string()),
            89 => Step::UnlockResult(
                c,
                *rng.pick(&[UnlockStatus::Unlocked, UnlockStatus::UnlockFailed]),
            ),
            90..=91 => Step::Disconnect,
            92..=93 => Step::Connect,
            94..=96 if stalled.is_some() => Step::Flush,
            94..=96 => Step::Stall,
            _ => Step::SmallBuffer(*rng.pick(&[0, 0, 16, 60, 200])),
        };
        match &step {
            // An UnlockConnector answer the firmware completes now, or the
            // clock completes (UnlockFailed after the call timeout), is
            // ready to go: it counts as an answer waiting.
            Step::UnlockResult(..) => stalled = stalled.map(|n| n + 1),
            Step::Advance(_) if unlock_taken => stalled = stalled.map(|n| n + 1),
            Step::Receive(f) if f.contains("UnlockConnector") => unlock_taken = true,
            Step::Stall => stalled = Some(0),
            Step::Connect | Step::Disconnect => (stalled, unlock_taken) = (None, false),
            Step::Flush => stalled = None,
            _ => {}
        }
        s.push(step);
    }
    s
}

/// Runs `runs` random scenarios of `len` steps (seeds `seed`, `seed + 1`, ...),
/// each under a random refusal plan: before each step, with probability 1/2,
/// the k-th allocation of the step (k drawn among the allocations the step
/// makes without faults) is refused, once or from then on. Every refusal
/// that hits is checked like in [`sweep`](crate::sweep). After a
/// documented degradation (see [`SweepReport::degraded`]) the run so far
/// is replayed for a new reference, and the run goes on against it.
pub fn random<B: Backend>(
    setup: &Setup<'_>,
    seed: u64,
    runs: usize,
    len: usize,
) -> Result<RandomReport, Failure> {
    let mut report = RandomReport::default();
    for run in 0..runs as u64 {
        let seed = seed.wrapping_add(run);
        let steps = random_scenario(seed, len, setup.config.connectors);
        let reference = reference::<B>(setup, &steps).map_err(|mut f| {
            f.plan = format!("seed {seed}, {}", f.plan);
            f
        })?;
        one_run::<B>(setup, seed, &steps, reference, &mut report)?;
        report.runs += 1;
    }
    Ok(report)
}

fn one_run<B: Backend>(
    setup: &Setup<'_>,
    seed: u64,
    steps: &[Step],
    mut reference: Reference,
    report: &mut RandomReport,
) -> Result<(), Failure> {
    let mut rng = Rng(seed ^ 0xA5A5_5A5A);
    let pool = HostPool::<B>::new(setup.pool_bytes);
    let injector = FailureInjector::new(&*pool);
    let mut rig = Rig::new(&setup.config, &injector).map_err(|e| Failure {
        step: None,
        plan: format!("seed {seed}"),
        what: format!("{e:?}"),
    })?;
    // Every step run so far, retries included, with its plan.
    let mut history = Vec::new();
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
            plan: format!("seed {seed}, {plan:?}"),
            what,
        };
        let (before, before_use) = (rig.snapshot(), rig.in_use());
        let (answering, queue) = (rig.answering(), rig.cp.queue());
        injector.set_plan(plan);
        let outcome = catch_unwind(AssertUnwindSafe(|| rig.run(step)))
            .map_err(|p| fail(crate::sweep::panicked(p)))?;
        let hit = injector.refusals() > 0;
        injector.set_plan(FailurePlan::Never);
        history.push((i, plan));
        report.steps += 1;
        report.allocating_steps += usize::from(reference.attempts[i] > 0);
        if !hit {
            if outcome != reference.outcomes[i] {
                return Err(fail(format!(
                    "{outcome:?} != fault-free {:?}",
                    reference.outcomes[i]
                )));
            }
            continue;
        }
        report.failure_points += 1;
        let mut sub = SweepReport::default();
        let before = Before {
            state: &before,
            in_use: before_use,
            answering: answering.as_deref(),
            queue,
        };
        let verdict =
            check_step(&mut rig, steps, &reference, i, outcome, &before, &mut sub).map_err(fail)?;
        report.out_of_memory_outcomes += sub.out_of_memory_outcomes;
        report.degraded += sub.degraded;
        match verdict {
            // check_step ran the step again with memory.
            Verdict::OutOfMemory => history.push((i, FailurePlan::Never)),
            Verdict::Absorbed => {}
            // The rest of the scenario goes from the degraded state: replay
            // the run so far for the new reference.
            Verdict::Degraded => {
                let (tail, replayed) = reference_after::<B>(setup, steps, &history)
                    .map_err(|f| fail(format!("rebasing: {f}")))?;
                if replayed != rig.snapshot() {
                    return Err(fail("the replay of the run so far differs".into()));
                }
                reference.splice(i + 1, tail);
                reference.snapshots[i] = replayed;
            }
        }
    }
    let last = reference.snapshots.last().expect("scenarios are not empty");
    if rig.snapshot() != *last {
        return Err(Failure {
            step: None,
            plan: format!("seed {seed}"),
            what: "final state differs".into(),
        });
    }
    drop(rig);
    if pool.stats().in_use != 0 {
        return Err(Failure {
            step: None,
            plan: format!("seed {seed}"),
            what: format!("{} bytes leaked", pool.stats().in_use),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use ocpp_alloc::Talc;
    use ocpp_engine::{Config, HandleError};

    use super::*;
    use crate::rig::StepResult;
    use crate::sweep::trace;

    /// The name of a step's kind; a new kind of step fails to compile here
    /// until it is named, and then the test below until it is drawn.
    fn kind(step: &Step) -> &'static str {
        match step {
            Step::Connect => "Connect",
            Step::Disconnect => "Disconnect",
            Step::Advance(_) => "Advance",
            Step::Answer => "Answer",
            Step::AnswerWith(_) => "AnswerWith",
            Step::AnswerError(_) => "AnswerError",
            Step::Receive(_) => "Receive",
            Step::PlugIn(_) => "PlugIn",
            Step::Unplug(_) => "Unplug",
            Step::PresentIdTag(..) => "PresentIdTag",
            Step::StopTransaction(..) => "StopTransaction",
            Step::SetMeter(..) => "SetMeter",
            Step::SetEvSuspended(..) => "SetEvSuspended",
            Step::SetFault(..) => "SetFault",
            Step::Authorize(_) => "Authorize",
            Step::Configure(..) => "Configure",
            Step::UnlockResult(..) => "UnlockResult",
            Step::Stall => "Stall",
            Step::Flush => "Flush",
            Step::SmallBuffer(_) => "SmallBuffer",
        }
    }

    #[test]
    fn random_scenarios_draw_every_kind_of_step_and_every_call() {
        let steps: Vec<Step> = (1..=100)
            .flat_map(|seed| random_scenario(seed, 60, 2))
            .collect();
        let kinds: BTreeSet<_> = steps.iter().map(kind).collect();
        assert_eq!(kinds.len(), 20, "{kinds:?}");
        for frame in NON_ALLOCATING.iter().chain(&ALLOCATING) {
            assert!(steps.contains(&Step::receive(frame)), "{frame} never drawn");
        }
    }

    /// A stalled link shows a refused CALL's answer by sending it at once:
    /// only right if no other answer waits before it.
    #[test]
    fn while_stalled_only_the_first_answer_waiting_may_need_memory() {
        for seed in 1..=300 {
            let (mut waiting, mut unlock_taken) = (None, false);
            for step in random_scenario(seed, 60, 2) {
                match &step {
                    Step::Stall => waiting = Some(0),
                    Step::Flush => waiting = None,
                    Step::Connect | Step::Disconnect => (waiting, unlock_taken) = (None, false),
                    Step::UnlockResult(..) => waiting = waiting.map(|n| n + 1),
                    Step::Advance(_) if unlock_taken => waiting = waiting.map(|n| n + 1),
                    Step::Receive(f) => {
                        if waiting.is_some_and(|n| n > 0) {
                            assert!(NON_ALLOCATING.contains(&f.as_str()), "seed {seed}: {f}");
                        }
                        waiting = waiting.map(|n| n + 1);
                        unlock_taken |= f.contains("UnlockConnector");
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn the_calls_drawn_as_non_allocating_allocate_nothing() {
        let setup = Setup {
            config: Config::new("VendorX", "ModelY").with_connectors(2),
            pool_bytes: 16 * 1024,
        };
        // A meter reading, so that a triggered MeterValues has samples.
        let mut steps = vec![Step::energy(1, 1200), Step::Connect, Step::Answer];
        steps.extend([Step::Answer, Step::Answer, Step::Answer]);
        steps.extend([Step::PlugIn(1), Step::Answer]);
        steps.extend([
            Step::PresentIdTag(1, "ABCD1234".into()),
            Step::Answer,
            Step::Answer,
        ]);
        let calls = steps.len();
        steps.extend(NON_ALLOCATING.iter().map(|f| Step::receive(f)));
        let (traced, failure) = trace::<Talc>(&setup, &steps);
        assert_eq!(failure, None);
        // A transaction runs (42) while the CALLs come: stops and resets act.
        let sent = traced[..calls].iter().flat_map(|t| &t.outcome.sent);
        assert!(sent.clone().any(|f| f.contains("StartTransaction")));
        let mut events = traced[calls..].iter().flat_map(|t| &t.outcome.events);
        assert!(
            events.any(|e| e == "Energy { connector: 1, on: false }"),
            "a CALL stopped it"
        );
        for (frame, t) in NON_ALLOCATING.iter().zip(&traced[calls..]) {
            assert_eq!(t.allocations, 0, "{frame}");
        }
        // In that sequence the held UnlockConnector answers fill the slots
        // and the last CALLs meet Busy: each is also taken in on its own,
        // on the idle charge point and during the transaction.
        let booted = 6;
        for (frame, at) in NON_ALLOCATING
            .iter()
            .flat_map(|f| [(f, booted), (f, calls)])
        {
            let mut steps = steps[..at].to_vec();
            steps.push(Step::receive(frame));
            let (traced, failure) = trace::<Talc>(&setup, &steps);
            assert_eq!(failure, None, "{frame}");
            let t = &traced[at];
            let busy = StepResult::Handle(HandleError::Busy);
            assert_ne!(t.outcome.result, busy, "{frame} after step {at}");
            assert_eq!(t.allocations, 0, "{frame} after step {at}");
        }
        // The others may allocate: here, on an idle charge point, they do.
        for frame in ALLOCATING {
            let mut steps = steps[..booted].to_vec();
            steps.push(Step::receive(frame));
            let (traced, _) = trace::<Talc>(&setup, &steps);
            assert!(traced[booted].allocations > 0, "{frame}");
        }
    }
}

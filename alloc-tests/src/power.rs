//! The power-loss suite: the power goes at every write of a scenario, before
//! and after the write lands, and again at the first writes after the
//! reboot; the charge point comes back from what was stored and carries on
//! to the end, where nothing may be lost, duplicated or left behind.
//!
//! A run: the scenario on a charge point with a [`MemoryStorage`] whose
//! power goes at write k. The step in which it went is the last the old
//! charge point lives (nothing it sends after the cut leaves: the engine
//! sends nothing a failed write would back). Then the charge point is
//! restored from the records, the transactions whose cable is still in
//! resumed on even k and stopped (PowerLoss) on odd k, the connection opens
//! again, and the rest of the scenario runs. At the end every cable comes
//! out and every message is delivered, and the checks are:
//!
//! - all along, the central system's OCPP rules (see `csms`), with one
//!   allowance: after a cut, a transaction message it already received may
//!   come again, the same (OCPP lets a charge point resend what it did not
//!   see acknowledged), and a StartTransaction sent again gets the id it got
//!   the first time (a central system recognises the same message);
//! - meter readings of a transaction never go backwards;
//! - every transaction the central system gave an id to is stopped, every
//!   StartTransaction it received acknowledged: none lost, none stuck;
//! - the queue is empty and no transaction record is left in the storage;
//! - every ChangeConfiguration of a Core key the central system saw
//!   Accepted is in force (the last one of each key; HeartbeatInterval
//!   aside, which each accepted BootNotification sets);
//! - dropping the charge point returns the pool to zero bytes in use.
//!
//! Refusals of the pool during a restore are swept by [`recovery_sweep`]:
//! for the records at every write of a scenario, every allocation of the
//! restore is refused in turn; each refusal must be `Err(OutOfMemory)` with
//! the pool back to where it was, and the restore then succeeds.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ocpp_alloc::{Backend, FailureInjector, FailurePlan, HostPool};
use ocpp_engine::{ChargePoint, RestoreError};
use ocpp_storage::{Cut, Lands, MemoryStorage};

use crate::rig::Rig;
use crate::scenario::{Setup, Step};
use crate::sweep::{panicked, Failure};

/// What a power-loss run checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PowerReport {
    /// Writes (and removals) of the scenario without a cut.
    pub writes: usize,
    /// Runs with one cut (each write, before and after it lands).
    pub cut_points: usize,
    /// Runs with a second cut during the recovery (the first writes after the reboot).
    pub recovery_cuts: usize,
    /// Transactions resumed after a reboot, over all runs.
    pub resumed: usize,
    /// Transactions stopped with PowerLoss after a reboot, over all runs.
    pub stopped: usize,
    /// Transaction messages the central system received a second time.
    pub resends: usize,
    /// Allocations refused during restores ([`recovery_sweep`]).
    pub restore_refusals: usize,
}

impl std::ops::AddAssign for PowerReport {
    fn add_assign(&mut self, o: Self) {
        self.writes += o.writes;
        self.cut_points += o.cut_points;
        self.recovery_cuts += o.recovery_cuts;
        self.resumed += o.resumed;
        self.stopped += o.stopped;
        self.resends += o.resends;
        self.restore_refusals += o.restore_refusals;
    }
}

/// Cuts the power at every write of `steps`, before and after it lands,
/// and at the first `after_reboot` writes after each reboot (before they
/// land); see the module documentation for what is checked.
pub fn power_cuts<B: Backend>(
    setup: &Setup<'_>,
    steps: &[Step],
    after_reboot: u32,
) -> Result<PowerReport, Failure> {
    let mut report = PowerReport::default();
    let clean =
        run::<B>(setup, steps, &[], &mut report).map_err(|what| failure(None, "no cut", what))?;
    report.writes = clean as usize;
    for k in 1..=clean {
        for lands in [Lands::Before, Lands::After] {
            let cuts = [Cut { at: k, lands }];
            run::<B>(setup, steps, &cuts, &mut report)
                .map_err(|what| failure(Some(k), &format!("{lands:?}"), what))?;
            report.cut_points += 1;
        }
        for j in 1..=after_reboot {
            let second = Cut {
                at: j,
                lands: Lands::Before,
            };
            let cuts = [
                Cut {
                    at: k,
                    lands: Lands::Before,
                },
                second,
            ];
            run::<B>(setup, steps, &cuts, &mut report).map_err(|what| {
                failure(
                    Some(k),
                    &format!("Before, then write {j} after the reboot"),
                    what,
                )
            })?;
            report.recovery_cuts += 1;
        }
    }
    Ok(report)
}

fn failure(k: Option<u32>, plan: &str, what: String) -> Failure {
    Failure {
        step: None,
        plan: match k {
            Some(k) => format!("power cut at write {k}, {plan}"),
            None => plan.to_owned(),
        },
        what,
    }
}

/// One run with `cuts` in turn (the first counted from the start, each
/// next one from the reboot before it); returns the writes that landed.
fn run<B: Backend>(
    setup: &Setup<'_>,
    steps: &[Step],
    cuts: &[Cut],
    report: &mut PowerReport,
) -> Result<u32, String> {
    // Room for the old charge point and the one restored beside it.
    let pool = HostPool::<B>::new(setup.pool_bytes * 2);
    let injector = FailureInjector::new(&*pool);
    let storage = MemoryStorage::new();
    // Resume on even cut points, stop on odd ones: both paths at every place.
    let resume = cuts.first().is_none_or(|c| c.at % 2 == 0);
    let mut cuts = cuts.iter();
    if let Some(&cut) = cuts.next() {
        storage.cut_at(cut);
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut rig = Rig::with_storage(&setup.config, &injector, storage.clone());
        // The power comes back: the next cut armed, the charge point restored.
        let mut power_back = |rig: &mut Rig<'_, B, MemoryStorage>| {
            storage.power_on();
            if let Some(&cut) = cuts.next() {
                storage.cut_at(cut);
            }
            let restored = rig.reboot(&setup.config, resume);
            report.resumed += usize::from(restored.resumed);
            report.stopped += usize::from(restored.stopped);
        };
        for step in steps {
            rig.run(step);
            if storage.is_down() {
                power_back(&mut rig);
                rig.run(&Step::Connect);
            }
        }
        // A cut planned for after a reboot may fall in the settling.
        let settled = (0..3).any(|_| {
            let done = !storage.is_down() && rig.settle(&setup.config);
            if !done {
                power_back(&mut rig);
            }
            done
        });
        assert!(settled, "the power kept going while settling");
        rig.csms().check_settled();
        assert_eq!(
            storage.record(ocpp_engine::RecordKey::Transactions),
            None,
            "a transaction record left behind"
        );
        check_configuration(&rig);
        report.resends += rig.csms().resends;
        storage.writes()
    }))
    .map_err(panicked)?;
    if pool.stats().in_use != 0 {
        return Err(format!(
            "{} bytes still in use after the charge point was dropped",
            pool.stats().in_use
        ));
    }
    Ok(result)
}

/// Every ChangeConfiguration of a Core key the central system saw Accepted
/// is in force (the last one of each key). The firmware's own keys come
/// back only when the firmware adds them again after a reboot, which these
/// scenarios do not (the engine tests check them); every accepted
/// BootNotification sets HeartbeatInterval anew; AuthorizationKey cannot be
/// read back.
fn check_configuration<B: Backend>(rig: &Rig<'_, B, MemoryStorage>) {
    use ocpp_engine::{Access, Key};
    for (name, value) in &rig.csms().accepted {
        let Some(key) = Key::parse(name) else {
            continue;
        };
        if key == Key::HeartbeatInterval || key.access() == Access::WriteOnly {
            continue;
        }
        let mut now = String::new();
        rig.cp.read_configuration(name, &mut now);
        assert!(
            now.eq_ignore_ascii_case(value),
            "{name} was accepted as {value:?} and reads {now:?}"
        );
    }
}

/// Every allocation of a restore refused in turn, for the records as they
/// stand after each write of `steps`: `Err(OutOfMemory)`, the pool as
/// before, and then a restore with memory that succeeds.
pub fn recovery_sweep<B: Backend>(
    setup: &Setup<'_>,
    steps: &[Step],
) -> Result<PowerReport, Failure> {
    let mut report = PowerReport::default();
    // The records after each write: cut after write k lands.
    let clean = {
        let mut r = PowerReport::default();
        run::<B>(setup, steps, &[], &mut r).map_err(|what| failure(None, "no cut", what))?
    };
    for k in 1..=clean {
        let storage = MemoryStorage::new();
        storage.cut_at(Cut {
            at: k,
            lands: Lands::After,
        });
        let pool = HostPool::<B>::new(setup.pool_bytes * 2);
        let injector = FailureInjector::new(&*pool);
        catch_unwind(AssertUnwindSafe(|| {
            let mut rig = Rig::with_storage(&setup.config, &injector, storage.clone());
            for step in steps {
                rig.run(step);
                if storage.is_down() {
                    break;
                }
            }
        }))
        .map_err(|p| failure(Some(k), "recording", panicked(p)))?;
        storage.power_on();
        let pool = HostPool::<B>::new(setup.pool_bytes);
        for n in 1.. {
            let injector = FailureInjector::new(&*pool);
            injector.set_plan(FailurePlan::Nth(n));
            let restored = ChargePoint::restore(
                &setup.config,
                &injector,
                storage.clone(),
                ocpp_testkit::START,
                |_| true,
            );
            match restored {
                Ok((cp, _)) if injector.refusals() == 0 => {
                    drop(cp);
                    break;
                }
                Err(RestoreError::OutOfMemory) if pool.stats().in_use == 0 => {
                    report.restore_refusals += 1;
                }
                Ok(_) => {
                    return Err(failure(
                        Some(k),
                        &format!("allocation {n} of the restore refused"),
                        "the restore succeeded although an allocation was refused".into(),
                    ))
                }
                Err(e) => {
                    return Err(failure(
                        Some(k),
                        &format!("allocation {n} of the restore refused"),
                        format!("{e:?}, {} bytes in use", pool.stats().in_use),
                    ))
                }
            }
        }
        if pool.stats().in_use != 0 {
            return Err(failure(
                Some(k),
                "restore",
                "a leak after the restore".into(),
            ));
        }
    }
    report.writes = clean as usize;
    Ok(report)
}

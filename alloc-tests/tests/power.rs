//! The power-loss suite over the hand-written scenarios, on both pool
//! backends: a cut at every write (before and after it lands), a second
//! cut at the first writes after the reboot, and every allocation of every
//! restore refused.

use alloc_tests::{catalogue, power_cuts, recovery_sweep, PowerReport, Setup};
use ocpp_alloc::{Backend, LinkedList, Talc};
use ocpp_engine::Config;

fn setup(connectors: u8) -> Setup<'static> {
    Setup {
        config: Config::new("VendorX", "ModelY").with_connectors(connectors),
        pool_bytes: 16 * 1024,
    }
}

fn cut_everywhere<B: Backend>() {
    let mut total = PowerReport::default();
    for (name, connectors, scenario) in catalogue() {
        let report = power_cuts::<B>(&setup(connectors), &scenario, 2)
            .unwrap_or_else(|f| panic!("{name} on {}: {f}", B::NAME));
        eprintln!("{} {name}: {report:?}", B::NAME);
        total += report;
    }
    eprintln!(
        "{}: {} cut points and {} cuts during recovery over {} writes; {} resumed, {} stopped with PowerLoss, {} resends",
        B::NAME,
        total.cut_points,
        total.recovery_cuts,
        total.writes,
        total.resumed,
        total.stopped,
        total.resends
    );
    // Each write is cut before and after it lands.
    assert_eq!(total.cut_points, 2 * total.writes);
    // The scenarios with transactions wrote, were cut in the middle of
    // them, and both ways out were taken.
    assert!(total.writes > 50, "{total:?}");
    assert!(total.resumed > 0 && total.stopped > 0, "{total:?}");
}

#[test]
fn a_cut_at_every_write_loses_nothing_on_talc() {
    cut_everywhere::<Talc>();
}

#[test]
fn a_cut_at_every_write_loses_nothing_on_linked_list() {
    cut_everywhere::<LinkedList>();
}

fn restore_refused<B: Backend>() {
    let mut total = PowerReport::default();
    for (name, connectors, scenario) in catalogue() {
        let report = recovery_sweep::<B>(&setup(connectors), &scenario)
            .unwrap_or_else(|f| panic!("{name} on {}: {f}", B::NAME));
        total += report;
    }
    eprintln!(
        "{}: {} allocations refused over the restores at {} writes",
        B::NAME,
        total.restore_refusals,
        total.writes
    );
    // A restore allocates at least the charge point itself, at every write.
    assert!(total.restore_refusals >= total.writes, "{total:?}");
}

#[test]
fn every_allocation_of_every_restore_refused_on_talc() {
    restore_refused::<Talc>();
}

#[test]
fn every_allocation_of_every_restore_refused_on_linked_list() {
    restore_refused::<LinkedList>();
}

//! Exhaustive sweeps over hand-written scenarios, on both pool backends.

use alloc_tests::{catalogue, sweep, Setup, Step};
use ocpp_alloc::{Backend, LinkedList, Talc};
use ocpp_engine::Config;

fn setup(connectors: u8) -> Setup<'static> {
    Setup {
        config: Config::new("VendorX", "ModelY").with_connectors(connectors),
        pool_bytes: 16 * 1024,
    }
}

fn sweep_all<B: Backend>() {
    let mut total = alloc_tests::SweepReport::default();
    for (name, connectors, scenario) in catalogue() {
        let report = sweep::<B>(&setup(connectors), &scenario)
            .unwrap_or_else(|f| panic!("{name} on {}: {f}", B::NAME));
        eprintln!("{} {name}: {report:?}", B::NAME);
        assert!(
            report.failure_points > 0,
            "{name}: the sweep refused nothing, so it proved nothing"
        );
        total += report;
    }
    eprintln!(
        "{}: {} failure points swept and checked over {} steps",
        B::NAME,
        total.failure_points,
        total.steps
    );
    // Building the charge point alone allocates; every scenario adds more.
    assert!(total.out_of_memory_outcomes >= catalogue().len());
    // Degradations are the exception: a sample or a cache entry.
    assert!(total.degraded * 5 < total.failure_points, "{total:?}");
}

#[test]
fn every_allocation_of_every_step_on_talc() {
    sweep_all::<Talc>();
}

#[test]
fn every_allocation_of_every_step_on_linked_list() {
    sweep_all::<LinkedList>();
}

#[test]
fn a_pool_too_small_to_build_in_is_an_error_not_a_panic() {
    let setup = Setup {
        config: Config::new("VendorX", "ModelY"),
        pool_bytes: 64,
    };
    let err =
        sweep::<Talc>(&setup, &[Step::Connect]).expect_err("64 bytes cannot hold a charge point");
    assert!(err.what.contains("OutOfMemory"), "{err}");
}

//! Seeded random scenarios under random refusal plans, on both backends.
//! `OCPP_RANDOM_RUNS` (default 1500 per backend) and `OCPP_RANDOM_SEED`
//! (default 1) make a long run: `OCPP_RANDOM_RUNS=100000 cargo test -p alloc-tests --release --test random`.

use alloc_tests::{random, random_scenario, Setup};
use ocpp_alloc::{Backend, LinkedList, Talc};
use ocpp_engine::Config;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn run<B: Backend>() {
    let runs = env("OCPP_RANDOM_RUNS", 1500) as usize;
    let seed = env("OCPP_RANDOM_SEED", 1);
    let setup = Setup {
        config: Config::new("VendorX", "ModelY").with_connectors(2),
        pool_bytes: 16 * 1024,
    };
    let report = random::<B>(&setup, seed, runs, 60).unwrap_or_else(|f| panic!("{} {f}", B::NAME));
    eprintln!("{}: {report:?}", B::NAME);
    assert_eq!(report.runs, runs);
    // A plan is drawn for half the steps and names one of the step's own
    // allocations, so about half the allocating steps must have been hit.
    assert!(
        report.failure_points * 3 > report.allocating_steps,
        "too few refusals hit to mean anything: {report:?}"
    );
    assert!(report.out_of_memory_outcomes > 0);
}

#[test]
fn random_scenarios_and_plans_on_talc() {
    run::<Talc>();
}

#[test]
fn random_scenarios_and_plans_on_linked_list() {
    run::<LinkedList>();
}

#[test]
fn scenarios_are_reproducible_from_their_seed() {
    assert_eq!(random_scenario(7, 50, 1), random_scenario(7, 50, 1));
    assert_ne!(random_scenario(7, 50, 1), random_scenario(8, 50, 1));
}

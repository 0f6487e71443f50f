//! Runs the allocation-failure suites and prints what they swept and checked.
//!
//! `cargo run --release -p alloc-tests --bin failure-suite -- [RANDOM_RUNS] [SEED]`

use alloc_tests::{random, standard_session, sweep, Setup};
use ocpp_alloc::{Backend, LinkedList, Talc};
use ocpp_engine::Config;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let ok = suite::<Talc>(runs, seed) & suite::<LinkedList>(runs, seed);
    std::process::exit(if ok { 0 } else { 1 });
}

fn suite<B: Backend>(runs: usize, seed: u64) -> bool {
    let setup = Setup {
        config: Config::new("VendorX", "ModelY").with_connectors(1),
        pool_bytes: 16 * 1024,
    };
    let scenario = standard_session(3);
    match sweep::<B>(&setup, &scenario) {
        Ok(r) => println!(
            "{:<12} exhaustive sweep, standard session x3 ({} steps): {} failure points swept and checked, {} out-of-memory outcomes, {} step runs",
            B::NAME, r.steps, r.failure_points, r.out_of_memory_outcomes, r.step_runs
        ),
        Err(f) => {
            println!("{:<12} exhaustive sweep FAILED: {f}", B::NAME);
            return false;
        }
    }
    let setup = Setup {
        config: Config::new("VendorX", "ModelY").with_connectors(2),
        pool_bytes: 16 * 1024,
    };
    match random::<B>(&setup, seed, runs, 60) {
        Ok(r) => println!(
            "{:<12} random: {} scenarios x 60 steps from seed {seed}: {} refusals hit and checked, {} out-of-memory outcomes",
            B::NAME, r.runs, r.failure_points, r.out_of_memory_outcomes
        ),
        Err(f) => {
            println!("{:<12} random FAILED: {f}", B::NAME);
            return false;
        }
    }
    true
}

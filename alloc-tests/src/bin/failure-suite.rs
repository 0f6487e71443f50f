//! Runs the allocation-failure suites and prints what they swept and checked.
//!
//! `cargo run --release -p alloc-tests --bin failure-suite -- [RANDOM_RUNS] [SEED]`

use alloc_tests::{catalogue, random, standard_session, sweep, Setup, SweepReport};
use ocpp_alloc::{Backend, LinkedList, Talc};
use ocpp_engine::Config;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let ok = suite::<Talc>(runs, seed) & suite::<LinkedList>(runs, seed);
    std::process::exit(if ok { 0 } else { 1 });
}

fn setup(connectors: u8) -> Setup<'static> {
    Setup {
        config: Config::new("VendorX", "ModelY").with_connectors(connectors),
        pool_bytes: 16 * 1024,
    }
}

fn suite<B: Backend>(runs: usize, seed: u64) -> bool {
    let mut scenarios = catalogue();
    scenarios.push(("standard session x3", 1, standard_session(3)));
    let mut total = SweepReport::default();
    for (name, connectors, scenario) in scenarios {
        match sweep::<B>(&setup(connectors), &scenario) {
            Ok(r) => {
                println!(
                    "{:<22} sweep {name:<20} {:>3} steps: {:>3} failure points checked, {:>3} out-of-memory outcomes, {:>5} step runs",
                    B::NAME,
                    r.steps,
                    r.failure_points,
                    r.out_of_memory_outcomes,
                    r.step_runs
                );
                total += r;
            }
            Err(f) => {
                println!("{:<22} sweep {name} FAILED: {f}", B::NAME);
                return false;
            }
        }
    }
    println!(
        "{:<22} sweep total: {} failure points over {} steps, every one checked",
        B::NAME,
        total.failure_points,
        total.steps
    );
    match random::<B>(&setup(2), seed, runs, 60) {
        Ok(r) => println!(
            "{:<22} random: {} scenarios x 60 steps from seed {seed}: {} allocating steps, {} refusals hit and checked, {} out-of-memory outcomes",
            B::NAME,
            r.runs,
            r.allocating_steps,
            r.failure_points,
            r.out_of_memory_outcomes
        ),
        Err(f) => {
            println!("{:<22} random FAILED: {f}", B::NAME);
            return false;
        }
    }
    true
}

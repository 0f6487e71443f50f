//! Runs the allocation-failure suites and prints what they swept and checked.
//!
//! `cargo run --release -p alloc-tests --bin failure-suite -- [RANDOM_RUNS] [SEED]`
//!
//! `... --bin failure-suite -- trace NAME` prints what a scenario of the
//! catalogue does, step by step, without faults: the input, its result,
//! the frames sent, the events and the allocations attempted.
//! `... -- trace random SEED` does the same for a random scenario.

use alloc_tests::{
    catalogue, random, random_scenario, standard_session, sweep, trace, Setup, SweepReport,
};
use ocpp_alloc::{Backend, LinkedList, Talc};
use ocpp_engine::Config;

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("trace") {
        let name = args.nth(1).unwrap_or_default();
        let seed = args.next().and_then(|a| a.parse().ok());
        std::process::exit(if print_trace(&name, seed) { 0 } else { 1 });
    }
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let ok = suite::<Talc>(runs, seed) & suite::<LinkedList>(runs, seed);
    std::process::exit(if ok { 0 } else { 1 });
}

/// Steps of a random scenario.
const RANDOM_LEN: usize = 60;

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
                    "{:<22} sweep {name:<22} {:>3} steps: {:>3} failure points checked, {:>3} out-of-memory outcomes, {:>2} degraded, {:>6} step runs",
                    B::NAME,
                    r.steps,
                    r.failure_points,
                    r.out_of_memory_outcomes,
                    r.degraded,
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
        "{:<22} sweep total: {} failure points over {} steps, every one checked: {} out-of-memory outcomes, {} degraded",
        B::NAME,
        total.failure_points,
        total.steps,
        total.out_of_memory_outcomes,
        total.degraded
    );
    match random::<B>(&setup(2), seed, runs, RANDOM_LEN) {
        Ok(r) => println!(
            "{:<22} random: {} scenarios x {RANDOM_LEN} steps from seed {seed}: {} allocating steps, {} refusals hit and checked, {} out-of-memory outcomes, {} degraded",
            B::NAME,
            r.runs,
            r.allocating_steps,
            r.failure_points,
            r.out_of_memory_outcomes,
            r.degraded
        ),
        Err(f) => {
            println!("{:<22} random FAILED: {f}", B::NAME);
            return false;
        }
    }
    true
}

fn print_trace(name: &str, seed: Option<u64>) -> bool {
    let mut scenarios = catalogue();
    if let Some(seed) = seed {
        scenarios.push(("random", 2, random_scenario(seed, RANDOM_LEN, 2)));
    }
    let Some((_, connectors, steps)) = scenarios.into_iter().find(|(n, _, _)| *n == name) else {
        let names: Vec<_> = catalogue().iter().map(|(n, _, _)| *n).collect();
        eprintln!("no scenario {name:?}; the catalogue has {names:?}");
        return false;
    };
    let (traced, failure) = trace::<Talc>(&setup(connectors), &steps);
    for (i, (step, t)) in steps.iter().zip(traced).enumerate() {
        let o = &t.outcome;
        println!(
            "{i:>3} {step:?} -> {:?}, {} allocations, {} B in use",
            o.result, t.allocations, t.in_use
        );
        for f in &o.sent {
            println!("      sent {f}");
        }
        for e in &o.events {
            println!("      event {e}");
        }
        if o.buffer_full > 0 {
            println!("      BufferFull {} times first", o.buffer_full);
        }
    }
    match failure {
        Some(f) => {
            println!("{name} FAILED: {f}");
            false
        }
        None => true,
    }
}

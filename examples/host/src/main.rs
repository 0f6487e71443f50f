//! `ocpp-host`: an OCPP 1.6J charge point on a host, on a real WebSocket.
//!
//! The whole charge point lives in an `ocpp_alloc::HostPool<Talc>` of
//! `--pool` bytes. This program owns the sans-IO loop (`host.rs`): it reads
//! frames with a read timeout taken from `poll_timeout()` (and calls
//! `handle_timeout` when the read times out), hands text frames to
//! `handle_frame`, sends what `poll_transmit` gives and prints the events.
//! Plain `ws://` only; a lost or refused connection is tried again with a
//! backoff (`net.rs`), never a panic.
//!
//! The charge point's records (configuration, availability, authorization
//! cache, transactions and their message queue) are files in `--data-dir`
//! (`ocpp_storage::FileStorage`), and the simulated hardware (cables,
//! meters) is kept beside them (`hardware.rs`): killed at any point and
//! started again with the same directory, it carries on.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant as StdInstant;

use clap::Parser;

use ocpp_alloc::{HostPool, Pool, Talc};
use ocpp_engine::{ChargePoint, Config, Instant, RecordKey};
use ocpp_storage::FileStorage;

mod args;
mod commands;
mod demo;
mod frames;
mod hardware;
mod host;
mod log;
mod net;
mod repl;
mod scenario;

use args::Args;
use log::{complain, say};

/// The charge point: in a host pool, its records in files.
pub type Cp<'p> = ChargePoint<&'p Pool<Talc>, FileStorage>;
/// The pool it lives in.
pub type PoolRef<'p> = &'p Pool<Talc>;

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        complain!("{e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    // First, so that the password is hidden before anything is printed.
    let endpoint = net::Endpoint::parse(&args.csms, &args.id, args.ca.as_deref())?;
    // Read before connecting: a mistake in it is said at once, with its line.
    let scenario = args
        .scenario
        .as_deref()
        .map(scenario::Scenario::load)
        .transpose()?;
    let pool = HostPool::<Talc>::try_new(args.pool)
        .map_err(|e| format!("a pool of {} B: {e}", args.pool))?;
    let config = Config::new(&args.vendor, &args.model)
        .with_connectors(args.connectors)
        .with_firmware_version(env!("CARGO_PKG_VERSION"));
    let dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("ocpp-data").join(&args.id));
    let storage = FileStorage::open(&dir)
        .map_err(|e| format!("cannot use {} as the data directory: {e}", dir.display()))?;
    let mut hw = hardware::Hardware::open(&dir, args.connectors, args.power)?;
    if args.ev_left {
        for c in 1..=args.connectors {
            hw.forget_cable(c)?;
        }
    }
    let start = StdInstant::now();
    let now = Instant::from_millis(0);
    // A transaction that ran when the program stopped is resumed when the
    // simulated EV is still plugged (a crash or a kill leaves the cable in
    // and the meter's register where it was), else stopped with PowerLoss.
    let (mut cp, restored) = ChargePoint::restore(&config, &*pool, storage, now, |c| hw.plugged(c))
        .map_err(|e| {
            format!(
                "cannot restore the charge point from {} (pool of {} B): {e:?}",
                dir.display(),
                args.pool
            )
        })?;
    report_restored(&dir, &restored, &hw);
    // A cable in without a transaction: the engine hears of it again.
    for c in 1..=args.connectors {
        if hw.plugged(c) && cp.transaction(c).is_none() {
            hw.plug(now, &mut cp, c, true)?;
        }
    }
    let stats = pool.stats();
    say!(
        "pool of {} B after ChargePoint::restore: {stats}",
        args.pool
    );

    if let Some(user) = endpoint.user() {
        say!("HTTP Basic authentication as {user:?} (OCPP security profile 1; the password is never printed)");
        if user != args.id {
            complain!("the URL's user {user:?} is not the identity {:?}: OCPP expects them to be the same", args.id);
        }
    }
    let script = args.script.as_deref().and_then(demo::Demo::new);
    if script.is_some() {
        demo::Demo::configure(&mut cp, now)?;
    }
    for (key, value) in &args.config {
        cp.configure(now, key, value)
            .map_err(|e| format!("--config {key}: {e}"))?;
    }
    let backoff = net::Backoff::new(args.reconnect_min, args.reconnect_max);
    let parts = (cp, hw, &*pool, args.pool);
    let mut host = host::Host::new(parts, endpoint, backoff, start, args.full_frames);
    let terminal = std::io::stdin().is_terminal();
    let interactive = args.interactive
        || (terminal && !args.no_interactive && args.script.is_none() && scenario.is_none());
    let input = match interactive {
        true => Some(repl::Input::start(terminal)?),
        false => None,
    };
    if input.as_ref().is_some_and(|i| i.terminal) {
        say!("commands: type help for the list, quit to stop");
    }
    let until = host::Until {
        script,
        input,
        scenario,
        end: args
            .seconds
            .map(|s| Instant::from_millis(s.saturating_mul(1000))),
    };
    let outcome = host.run(until);
    host.close();
    say!("pool at the end: {}", pool.stats());
    drop(host);
    say!("pool after dropping the charge point: {}", pool.stats());
    outcome
}

/// Says what `restore` found in `dir`.
fn report_restored(dir: &std::path::Path, r: &ocpp_engine::Restored, hw: &hardware::Hardware) {
    say!(
        "storage: {}: {} records restored, {} transactions resumed, {} stopped (PowerLoss), {} transaction messages queued",
        dir.display(),
        r.records,
        r.resumed,
        r.stopped,
        r.queued
    );
    for key in RecordKey::ALL {
        if let Some(why) = r.dropped(key) {
            let lost = if key == RecordKey::Transactions {
                ": transactions and their queued messages were lost"
            } else {
                ""
            };
            say!("storage: record {key} dropped ({why:?}){lost}");
        }
    }
    if r.resumed > 0 {
        say!(
            "storage: the meter of connector 1 carries on at {} Wh",
            hw.energy_wh(1)
        );
    }
}

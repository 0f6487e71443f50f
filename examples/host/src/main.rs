//! `ocpp-host`: an OCPP 1.6J charge point on a host, on a real WebSocket.
//!
//! The whole charge point lives in an `ocpp_alloc::HostPool<Talc>` of
//! `--pool` bytes. This program owns the sans-IO loop (`host.rs`): it reads
//! frames with a read timeout taken from `poll_timeout()` (and calls
//! `handle_timeout` when the read times out), hands text frames to
//! `handle_frame`, sends what `poll_transmit` gives and prints the events.
//! `ws://` or `wss://` (rustls, Basic authentication, a client
//! certificate); a lost or refused connection is tried again with a
//! backoff (`net.rs`), never a panic. Commands come from a terminal or a
//! pipe (`repl.rs`, `commands.rs`) or a scenario file (`scenario.rs`); the
//! settings from flags over a TOML file (`settings.rs`).
//!
//! The charge point's records (configuration, availability, authorization
//! cache, transactions and their message queue) are files in `--data-dir`
//! (`ocpp_storage::FileStorage`), and the simulated hardware (cables,
//! meters) is kept beside them (`hardware.rs`): killed at any point and
//! started again with the same directory, it carries on.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant as StdInstant;

use clap::{CommandFactory, FromArgMatches};

use ocpp_alloc::{HostPool, LinkedList, Pool, Talc};
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
mod settings;
mod swarm;

use args::Args;
use log::{complain, say};
use settings::{Backend, Settings};

/// The charge point: in a host pool, its records in files.
pub type Cp<'p, B> = ChargePoint<&'p Pool<B>, FileStorage>;
/// The pool it lives in.
pub type PoolRef<'p, B> = &'p Pool<B>;

fn main() {
    let matches = Args::command().get_matches();
    let outcome = Args::from_arg_matches(&matches)
        .map_err(|e| e.to_string())
        .and_then(|args| run(&args, &matches));
    if let Err(e) = outcome {
        complain!("{e}");
        std::process::exit(1);
    }
}

fn run(args: &Args, matches: &clap::ArgMatches) -> Result<(), String> {
    let s = Settings::resolve(args, matches)?;
    if let Some(count) = args.count {
        return swarm::run(args, &s, count as usize);
    }
    match s.backend {
        Backend::Talc => run_in::<Talc>(args, &s),
        Backend::LinkedList => run_in::<LinkedList>(args, &s),
    }
}

/// The charger in a pool of backend `B`.
fn run_in<B: ocpp_alloc::Backend>(args: &Args, s: &Settings) -> Result<(), String> {
    // First, so that the password is hidden before anything is printed.
    let files = net::TlsFiles {
        ca: s.ca.as_deref(),
        cert: s.cert.as_deref(),
        key: s.key.as_deref(),
    };
    let endpoint = net::Endpoint::parse(&s.csms, &s.id, &files)?;
    // Read before connecting: a mistake in it is said at once, with its line.
    let scenario = args
        .scenario
        .as_deref()
        .map(scenario::Scenario::load)
        .transpose()?;
    let pool =
        HostPool::<B>::try_new(s.pool).map_err(|e| format!("a pool of {} B: {e}", s.pool))?;
    let config = Config::new(&s.vendor, &s.model)
        .with_connectors(s.connectors)
        .with_firmware_version(env!("CARGO_PKG_VERSION"));
    let dir = s
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("ocpp-data").join(&s.id));
    let storage = FileStorage::open(&dir)
        .map_err(|e| format!("cannot use {} as the data directory: {e}", dir.display()))?;
    let mut hw = hardware::Hardware::open(&dir, s.connectors, s.power)?;
    if args.ev_left {
        for c in 1..=s.connectors {
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
                s.pool
            )
        })?;
    report_restored(&dir, &restored, &hw);
    // A cable in without a transaction: the engine hears of it again.
    for c in 1..=s.connectors {
        if hw.plugged(c) && cp.transaction(c).is_none() {
            hw.plug(now, &mut cp, c, true)?;
        }
    }
    let stats = pool.stats();
    let backend = s.backend.name();
    say!(
        "pool of {} B ({backend}) after ChargePoint::restore: {stats}",
        s.pool
    );

    if let Some(user) = endpoint.user() {
        say!("HTTP Basic authentication as {user:?} (OCPP security profile 1; the password is never printed)");
        if user != s.id {
            complain!("the URL's user {user:?} is not the identity {:?}: OCPP expects them to be the same", s.id);
        }
    }
    let id_tag = &s.id_tags[0];
    let script = args
        .script
        .as_deref()
        .and_then(|name| demo::Demo::new(name, id_tag));
    if script.is_some() {
        demo::Demo::configure(&mut cp, now)?;
    }
    for (key, value) in &s.config {
        cp.configure(now, key, value)
            .map_err(|e| format!("configuration key {key}: {e}"))?;
    }
    let backoff = net::Backoff::new(s.reconnect_min, s.reconnect_max);
    let parts = (cp, hw, &*pool, s.pool);
    // Room for one outgoing frame: the engine's longest CALL, or a
    // GetConfiguration of every key (an answer too long for the buffer
    // would go as a CALLERROR).
    let frame_buf = ocpp_engine::max_call_len(&config).max(ocpp_engine::GET_CONFIGURATION_ALL_LEN);
    let mut host = host::Host::new(parts, endpoint, backoff, start, s.full_frames, frame_buf);
    host.id_tag.clone_from(id_tag);
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

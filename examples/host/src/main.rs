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

use std::path::PathBuf;
use std::time::{Duration as StdDuration, Instant as StdInstant};

use ocpp_alloc::{HostPool, Pool, Talc};
use ocpp_engine::{ChargePoint, Config, Instant, RecordKey};
use ocpp_storage::FileStorage;

mod demo;
mod hardware;
mod host;
mod log;
mod net;

use log::{complain, say};
/// The charge point: in a host pool, its records in files.
pub type Cp<'p> = ChargePoint<&'p Pool<Talc>, FileStorage>;

const USAGE: &str = "usage: ocpp-host --csms ws://HOST:PORT/PATH --id CHARGE_POINT_ID [--connectors N] [--pool BYTES] [--data-dir DIR] [--ev-left] [--script demo|charge|finish] [--seconds N]

  --csms URL        the central system's endpoint; the charge point id is appended as a path segment
  --id ID           the charge point identity
  --connectors N    connectors, not counting connector 0 (default 1)
  --pool BYTES      size of the pool that holds the whole charge point (default 16384)
  --data-dir DIR    where the charge point's records and the simulated hardware are kept (default ./ocpp-data/ID)
  --ev-left         the EV left while the charger was down: a transaction that was running is stopped (PowerLoss), not resumed
  --script demo     play two charging sessions on connector 1 (local, then remote), then exit 0
  --script charge   plug in, present an idTag and charge until stopped
  --script finish   stop the running transaction, if any, unplug, deliver the queue, exit 0
  --reconnect-min S the first wait before connecting again after a loss or a refusal, in seconds (default 1)
  --reconnect-max S the longest such wait: it doubles up to this (default 60); each wait is drawn in [w/2, w]
  --seconds N       stop after N seconds: exit 0 without a script, 1 if the script is not finished";

#[derive(Debug, Default)]
struct Args {
    endpoint: Option<net::Endpoint>,
    id: String,
    reconnect: (StdDuration, StdDuration),
    connectors: u8,
    pool: usize,
    data_dir: Option<PathBuf>,
    ev_left: bool,
    script: Option<String>,
    seconds: Option<u64>,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut csms, mut id) = (None, None);
    let mut a = Args {
        reconnect: (StdDuration::from_secs(1), StdDuration::from_secs(60)),
        connectors: 1,
        pool: 16 * 1024,
        ..Args::default()
    };
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--csms" => csms = Some(value()?),
            "--id" => id = Some(value()?),
            "--connectors" => a.connectors = number(&flag, &value()?)?,
            "--pool" => a.pool = number(&flag, &value()?)?,
            "--seconds" => a.seconds = Some(number(&flag, &value()?)?),
            "--data-dir" => a.data_dir = Some(value()?.into()),
            "--ev-left" => a.ev_left = true,
            "--reconnect-min" => a.reconnect.0 = seconds(&flag, &value()?)?,
            "--reconnect-max" => a.reconnect.1 = seconds(&flag, &value()?)?,
            "--script" => {
                let name = value()?;
                if !demo::SCRIPTS.contains(&name.as_str()) {
                    let there = demo::SCRIPTS.join(", ");
                    return Err(format!("unknown script {name:?} (there are: {there})"));
                }
                a.script = Some(name);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let csms = csms.ok_or("--csms is required")?;
    let id = id.ok_or("--id is required")?;
    a.endpoint = Some(net::Endpoint::parse(&csms, &id)?);
    a.id = id;
    Ok(a)
}

fn seconds(flag: &str, text: &str) -> Result<StdDuration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(|s| StdDuration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("{flag}: {text:?} is not a number of seconds"))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag}: {text:?} is not a valid number"))
}

fn main() {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("ocpp-host: {msg}");
            }
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        complain!("{e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let pool = HostPool::<Talc>::try_new(args.pool)
        .map_err(|e| format!("a pool of {} B: {e}", args.pool))?;
    let config = Config::new("OcppCore", "ocpp-host")
        .with_connectors(args.connectors)
        .with_firmware_version(env!("CARGO_PKG_VERSION"));
    let dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("ocpp-data").join(&args.id));
    let storage = FileStorage::open(&dir)
        .map_err(|e| format!("cannot use {} as the data directory: {e}", dir.display()))?;
    let mut hw = hardware::Hardware::open(&dir, args.connectors)?;
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

    let endpoint = args.endpoint.clone().ok_or("no endpoint")?;
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
    let backoff = net::Backoff::new(args.reconnect.0, args.reconnect.1);
    let mut host = host::Host::new(cp, hw, endpoint, backoff, start);
    let until = host::Until {
        script,
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
        r.restored,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse_args(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_arguments() {
        let a = args("--csms ws://h:9000/ocpp/ --id CP-0001").unwrap();
        assert_eq!(a.endpoint.unwrap().url, "ws://h:9000/ocpp/CP-0001");
        let a = args("--csms ws://h --id C --reconnect-min 0.25 --reconnect-max 5").unwrap();
        let (first, most) = (StdDuration::from_millis(250), StdDuration::from_secs(5));
        assert_eq!(a.reconnect, (first, most));
        assert_eq!((a.connectors, a.pool, a.script), (1, 16384, None));
        let a = args("--csms ws://h --id C --connectors 2 --pool 8192 --script demo --seconds 9");
        let a = a.unwrap();
        assert_eq!((a.connectors, a.pool, a.seconds), (2, 8192, Some(9)));
        assert_eq!(a.script.as_deref(), Some("demo"));
        let bad = "--id C|--csms ws://h|--csms ws://h --id a/b|--csms ws://h --id C --bogus|\
                   --csms ws://h --id C --connectors 300|--csms ws://h --id C --script other|\
                   --csms ws://h --id C --reconnect-min -1";
        for bad in bad.split('|') {
            assert!(args(bad).is_err(), "{bad}");
        }
    }
}

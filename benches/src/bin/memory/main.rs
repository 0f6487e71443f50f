//! Per-operation memory of the OCPP core on the standard session of
//! BENCHMARK.md, for each pool backend, beside MicroOcpp's reference and
//! the project's goals.
//!
//! ```text
//! cargo run --release -p ocpp-benches --bin memory -- [--backend talc|linked-list|both]
//!     [--pool BYTES] [--connectors N] [--sessions N] [--json PATH]
//! ```
//!
//! Every figure printed comes from this run, except the MicroOcpp column,
//! which is BENCHMARK.md's reference and says so, and the goals, which are
//! BENCHMARK.md's "Where this project aims".

mod report;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant as WallClock;

use allocator_api2::alloc::Allocator;
use ocpp_alloc::{Backend, HostPool, LinkedList, Measured, Talc};
use ocpp_benches::calls::CallCounts;
use ocpp_benches::scenario::{self, Step, CONNECTOR, INTERVALS};
use ocpp_benches::{Driver, Error, Metered, OpFigures, Probe};
use ocpp_engine::{Config, Storage};
use ocpp_storage::{FileStorage, MemoryStorage};
use ocpp_testkit::TRANSACTION_ID;
use serde_json::Value;

const USAGE: &str = "usage: memory [--backend talc|linked-list|both] [--pool BYTES] \
[--connectors N] [--sessions N] [--json PATH]";

/// GetConfiguration of every key.
const GET_CONFIGURATION: &str = r#"[2,"cs-1","GetConfiguration",{}]"#;
/// ChangeConfiguration of a core key, to the value it has.
const CHANGE_CONFIGURATION: &str =
    r#"[2,"cs-2","ChangeConfiguration",{"key":"MeterValueSampleInterval","value":"60"}]"#;
/// A remote start on the scenario's connector, with the scenario's idTag.
const REMOTE_START: &str =
    r#"[2,"cs-3","RemoteStartTransaction",{"connectorId":1,"idTag":"ABCD1234"}]"#;
/// The remote stop of the transaction the script's central system numbered.
const REMOTE_STOP: &str = r#"[2,"cs-4","RemoteStopTransaction",{"transactionId":42}]"#;
/// TriggerMessage of the scenario connector's status.
const TRIGGER_MESSAGE: &str =
    r#"[2,"cs-5","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]"#;
/// A CALL of an action nobody knows.
const UNKNOWN_CALL: &str = r#"[2,"cs-6","FooBarBaz",{}]"#;
/// A CALL of an OCPP 1.6 action the engine does not support yet.
const UNSUPPORTED_CALL: &str = r#"[2,"cs-7","GetLocalListVersion",{}]"#;
/// A CALL whose action is not a string.
const MALFORMED_CALL: &str = r#"[2,"cs-8",42,{}]"#;

/// The incoming CALL of the smallest-pool search.
const FITS_CALL: (&str, &str) = (GET_CONFIGURATION, "GetConfiguration (all keys)");

#[derive(Debug)]
struct Options {
    backends: Vec<&'static str>,
    pool: usize,
    connectors: u8,
    sessions: u32,
    json: PathBuf,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        backends: vec![Talc::NAME, LinkedList::NAME],
        pool: 16 * 1024,
        connectors: 1,
        sessions: 100,
        json: PathBuf::from("target/ocpp-memory.json"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.to_string());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}\n{USAGE}");
        match flag.as_str() {
            "--backend" => {
                o.backends = match value.as_str() {
                    "talc" => vec![Talc::NAME],
                    "linked-list" | "linked_list" | "linked_list_allocator" => {
                        vec![LinkedList::NAME]
                    }
                    "both" => vec![Talc::NAME, LinkedList::NAME],
                    _ => return Err(bad(&"one of talc, linked-list, both")),
                }
            }
            "--pool" => o.pool = value.parse().map_err(|e| bad(&e))?,
            "--connectors" => o.connectors = value.parse().map_err(|e| bad(&e))?,
            "--sessions" => o.sessions = value.parse().map_err(|e| bad(&e))?,
            "--json" => o.json = PathBuf::from(&value),
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    if o.connectors == 0 {
        return Err(format!("--connectors: at least 1\n{USAGE}"));
    }
    if o.sessions == 0 {
        return Err(format!("--sessions: at least 1\n{USAGE}"));
    }
    Ok(o)
}

/// The configurations the session figures are measured with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    /// `Config::new` as it comes: AuthorizationCacheEnabled is false.
    Default,
    /// `Config::new`, and AuthorizationCacheEnabled set to true before the
    /// boot: an authorization cache of up to 8 entries
    /// (`Config::max_cache_entries`).
    Cache,
    /// `Config::new` with storage on: `ocpp_storage::MemoryStorage`, so that
    /// the figures are the engine's (the file adapter's fsync time is
    /// measured apart, see [`file_write_ms`]).
    Storage,
}

impl Variant {
    const ALL: [Variant; 3] = [Variant::Default, Variant::Cache, Variant::Storage];

    fn label(self) -> &'static str {
        match self {
            Variant::Default => {
                "Config::new (AuthorizationCacheEnabled false, the default), storage off"
            }
            Variant::Cache => "Config::new, AuthorizationCacheEnabled true (a cache of 8 entries)",
            Variant::Storage => "Config::new, storage on (MemoryStorage: the engine's own cost)",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Variant::Default => "default",
            Variant::Cache => "cache_enabled",
            Variant::Storage => "storage_on",
        }
    }

    fn config(self, connectors: u8) -> Config<'static> {
        Config::new("VendorX", "ModelY").with_connectors(connectors)
    }

    /// What the firmware sets before the boot: the cache, for [`Variant::Cache`].
    fn prepare<A: Allocator + Clone + Metered, S: Storage>(
        self,
        d: &mut Driver<A, S>,
    ) -> Result<(), Error> {
        match self {
            Variant::Cache => d.configure("AuthorizationCacheEnabled", "true"),
            Variant::Default | Variant::Storage => Ok(()),
        }
    }
}

/// A fresh directory for the file storage of one run.
fn storage_dir() -> Result<FileStorage, Error> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static RUN: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ocpp-memory-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    FileStorage::open(&dir).map_err(|_| Error::Setup("cannot create the storage directory"))
}

/// Everything measured on one backend.
#[derive(Debug)]
struct Report {
    backend: &'static str,
    /// Per operation, with the default configuration.
    ops: Vec<OpFigures>,
    /// Per variant: the session figures and the pool's.
    runs: Vec<(Variant, SessionFigures, PoolFigures)>,
}

impl Report {
    fn run(&self, v: Variant) -> Option<(&SessionFigures, &PoolFigures)> {
        self.runs
            .iter()
            .find(|(w, ..)| *w == v)
            .map(|(_, s, p)| (s, p))
    }
}

#[derive(Debug, Default)]
struct SessionFigures {
    boot_messages: u64,
    idle: usize,
    peak_one: usize,
    peak_all: usize,
    retained: i64,
    allocations: Vec<usize>,
    messages: u64,
    calls: CallCounts,
    refusals: usize,
    largest_sent: usize,
    largest_received: usize,
    wall_ms: f64,
    /// Records written (and removed) per session, and their bytes: storage on only.
    writes: Option<(f64, f64)>,
}

impl SessionFigures {
    fn per_session(&self, total: f64) -> f64 {
        total / self.allocations.len().max(1) as f64
    }
    fn allocations_per_session(&self) -> f64 {
        self.per_session(self.allocations.iter().sum::<usize>() as f64)
    }
}

#[derive(Debug, Default)]
struct PoolFigures {
    capacity: usize,
    overhead_idle: Option<usize>,
    overhead_end: Option<usize>,
    smallest: Option<usize>,
    empty_after_drop: bool,
}

fn new_pool<B: Backend>(bytes: usize) -> Result<HostPool<B>, Error> {
    HostPool::<B>::try_new(bytes)
        .map_err(|_| Error::Setup("--pool too small for the backend's own metadata"))
}

/// What an answer the central system received says: its `status`, the
/// number of configuration keys, or the CALLERROR code.
fn outcome(answer: &str) -> String {
    let v: Value = serde_json::from_str(answer).unwrap_or(Value::Null);
    match (v[0].as_u64(), &v[2]) {
        (Some(3), p) if p["status"].is_string() => p["status"].as_str().unwrap_or("").into(),
        (Some(3), p) if p["configurationKey"].is_array() => {
            let keys = p["configurationKey"].as_array().map_or(0, Vec::len);
            format!("{keys} keys")
        }
        (Some(4), Value::String(code)) => code.clone(),
        _ => format!("unexpected answer: {answer}"),
    }
}

/// One run with the default configuration, each operation measured on its own.
fn per_operation<B: Backend>(o: &Options) -> Result<Vec<OpFigures>, Error> {
    let host = new_pool::<B>(o.pool)?;
    let meter = Measured::new(&*host);
    let mut ops = Vec::new();
    let (f, mut d) = Driver::new_measured(&Variant::Default.config(o.connectors), &meter)?;
    ops.push(f);
    let label = format!(
        "boot: setup, connect, BootNotification, {} × StatusNotification",
        o.connectors + 1
    );
    ops.push(d.measure(label, scenario::boot)?.0);
    // The first interval on its own row, the other nine folded into one.
    let (mut first_interval, mut rest) = (true, None::<OpFigures>);
    for step in Step::SESSION {
        let (mut f, ()) = d.measure(step.label(), |d| step.run(d, CONNECTOR))?;
        if step == Step::Interval && first_interval {
            first_interval = false;
            f.op = format!("{} [1st of {INTERVALS}]", f.op);
            ops.push(f);
            continue;
        }
        if step == Step::Interval {
            match rest.as_mut() {
                Some(r) => r.merge(&f),
                None => rest = Some(f),
            }
            continue;
        }
        if let Some(mut r) = rest.take() {
            r.op = format!(
                "{} more meter intervals, heartbeats on the way (peak: highest; rest: sums)",
                r.runs
            );
            ops.push(r);
        }
        ops.push(f);
    }
    let label = "a second session, whole: 14 steps, 38 messages";
    ops.push(d.measure(label, |d| scenario::session(d, CONNECTOR))?.0);
    let (mut f, secs) = d.measure("", |d| d.advance_to_next_deadline())?;
    f.op = format!("heartbeat when idle (clock +{secs} s)");
    ops.push(f);
    incoming_calls(&mut d, &mut ops)?;
    let label = format!(
        "reconnect: disconnect, connect, boot, {} statuses",
        o.connectors + 1
    );
    ops.push(
        d.measure(label, |d| {
            d.disconnect()?;
            scenario::boot(d)
        })?
        .0,
    );
    let probe = Probe::start(&&meter, d.counts());
    let counts = d.counts();
    drop(d);
    ops.push(probe.finish("drop the charge point", &&meter, counts));
    Ok(ops)
}

type D<'a, B> = Driver<&'a Measured<&'a ocpp_alloc::Pool<B>>>;

/// The central system's CALLs, idle but for the remote start and stop.
fn incoming_calls<B: Backend>(d: &mut D<'_, B>, ops: &mut Vec<OpFigures>) -> Result<(), Error> {
    for (call, what) in [
        (GET_CONFIGURATION, "incoming GetConfiguration (all keys)"),
        (
            CHANGE_CONFIGURATION,
            "incoming ChangeConfiguration MeterValueSampleInterval=60",
        ),
    ] {
        let (mut f, answer) = d.measure("", |d| d.incoming_call(call).map(outcome))?;
        f.op = format!("{what} → {answer}");
        ops.push(f);
    }
    let (mut f, answer) = d.measure("", |d| {
        d.plug_in(CONNECTOR)?;
        let answer = d.incoming_call(REMOTE_START).map(outcome)?;
        match d.charge_point().transaction(CONNECTOR) {
            Some(Some(TRANSACTION_ID)) => Ok(answer),
            _ => Err(Error::Script(
                "RemoteStartTransaction started no transaction",
            )),
        }
    })?;
    f.op = format!(
        "plug in; incoming RemoteStartTransaction → {answer}: Authorize, StartTransaction, Charging"
    );
    ops.push(f);
    let (mut f, answer) = d.measure("", |d| {
        let answer = d.incoming_call(REMOTE_STOP).map(outcome)?;
        if d.charge_point().transaction(CONNECTOR).is_some() {
            return Err(Error::Script("RemoteStopTransaction stopped nothing"));
        }
        d.unplug(CONNECTOR)?;
        Ok(answer)
    })?;
    f.op = format!("incoming RemoteStopTransaction → {answer}: StopTransaction, Finishing; unplug");
    ops.push(f);
    for (call, what) in [
        (
            TRIGGER_MESSAGE,
            "incoming TriggerMessage StatusNotification (then sent)",
        ),
        (UNKNOWN_CALL, "incoming unknown CALL"),
        (
            UNSUPPORTED_CALL,
            "incoming GetLocalListVersion (not supported)",
        ),
        (MALFORMED_CALL, "incoming malformed CALL (action 42)"),
    ] {
        let (mut f, answer) = d.measure("", |d| d.incoming_call(call).map(outcome))?;
        f.op = format!("{what} → {answer}");
        ops.push(f);
    }
    Ok(())
}

/// Boot, then `sessions` standard sessions: the figures of BENCHMARK.md.
fn session_figures<B: Backend>(
    o: &Options,
    v: Variant,
) -> Result<(SessionFigures, PoolFigures), Error> {
    let host = new_pool::<B>(o.pool)?;
    let meter = Measured::new(&*host);
    let (mut s, mut p) = if v == Variant::Storage {
        let d = Driver::with_storage(&v.config(o.connectors), &meter, MemoryStorage::new())?;
        sessions_in(o, v, d, &host, &meter)?
    } else {
        let d = Driver::new(&v.config(o.connectors), &meter)?;
        sessions_in(o, v, d, &host, &meter)?
    };
    p.empty_after_drop = meter.stats().in_use == 0 && host.stats().in_use == 0;
    s.wall_ms = wall_time::<B>(o, v)?;
    p.smallest = smallest_pool::<B>(o, v);
    Ok((s, p))
}

/// The boot and the sessions of [`session_figures`] on the driver `d`.
fn sessions_in<B: Backend, S: Storage>(
    o: &Options,
    v: Variant,
    mut d: Driver<&Measured<&ocpp_alloc::Pool<B>>, S>,
    host: &HostPool<B>,
    meter: &Measured<&ocpp_alloc::Pool<B>>,
) -> Result<(SessionFigures, PoolFigures), Error> {
    let mut s = SessionFigures::default();
    let mut p = PoolFigures {
        capacity: host.capacity(),
        ..PoolFigures::default()
    };
    v.prepare(&mut d)?;
    scenario::boot(&mut d)?;
    s.boot_messages = d.counts().messages();
    s.idle = meter.stats().in_use;
    p.overhead_idle = host.overhead();
    meter.reset_peak();
    let start = d.counts();
    let (writes, bytes) = (d.charge_point().writes(), d.charge_point().bytes_written());
    for i in 0..o.sessions {
        let before = meter.stats().allocations;
        scenario::session(&mut d, CONNECTOR)?;
        s.allocations.push(meter.stats().allocations - before);
        if i == 0 {
            s.peak_one = meter.stats().peak;
        }
    }
    if S::PERSISTS {
        let n = f64::from(o.sessions);
        let w = f64::from(d.charge_point().writes() - writes) / n;
        let b = (d.charge_point().bytes_written() - bytes) as f64 / n;
        s.writes = Some((w, b));
    }
    let end = meter.stats();
    s.peak_all = end.peak;
    s.retained = end.in_use as i64 - s.idle as i64;
    s.refusals = end.refusals;
    let c = d.counts().since(&start);
    s.messages = c.messages();
    s.calls = c.calls;
    (s.largest_sent, s.largest_received) = d.largest_frames();
    p.overhead_end = host.overhead();
    drop(d);
    Ok((s, p))
}

/// The file adapter on this machine: boot and one standard session with
/// `FileStorage` in a temporary directory; the mean wall time of one record
/// write (temporary file, fsync, rename, fsync of the directory), in ms.
fn file_write_ms(o: &Options) -> Result<(u32, f64), Error> {
    let host = new_pool::<Talc>(o.pool)?;
    let storage = storage_dir()?;
    let dir = storage.dir().to_path_buf();
    let mut d = Driver::with_storage(&Variant::Storage.config(o.connectors), &*host, storage)?;
    scenario::boot(&mut d)?;
    let before = d.charge_point().writes();
    let t = WallClock::now();
    scenario::session(&mut d, CONNECTOR)?;
    let elapsed = t.elapsed().as_secs_f64() * 1e3;
    let writes = d.charge_point().writes() - before;
    drop(d);
    let _ = std::fs::remove_dir_all(dir);
    Ok((writes, elapsed / f64::from(writes.max(1))))
}

/// Median of 5 runs of `sessions` sessions, on a bare pool (no measuring wrapper).
fn wall_time<B: Backend>(o: &Options, v: Variant) -> Result<f64, Error> {
    let mut runs = Vec::new();
    for _ in 0..5 {
        let host = new_pool::<B>(o.pool)?;
        let elapsed = if v == Variant::Storage {
            let storage = MemoryStorage::new();
            let mut d = Driver::with_storage(&v.config(o.connectors), &*host, storage)?;
            v.prepare(&mut d)?;
            scenario::boot(&mut d)?;
            let t = WallClock::now();
            scenario::sessions(&mut d, o.sessions)?;
            t.elapsed()
        } else {
            let mut d = Driver::new(&v.config(o.connectors), &*host)?;
            v.prepare(&mut d)?;
            scenario::boot(&mut d)?;
            let t = WallClock::now();
            scenario::sessions(&mut d, o.sessions)?;
            t.elapsed()
        };
        runs.push(elapsed.as_secs_f64() * 1e3);
    }
    runs.sort_by(f64::total_cmp);
    Ok(runs[runs.len() / 2])
}

/// Whether boot, one session and an incoming CALL run in a pool of `bytes`
/// without a single refusal.
fn fits<B: Backend>(bytes: usize, connectors: u8, v: Variant) -> bool {
    let Ok(host) = HostPool::<B>::try_new(bytes) else {
        return false;
    };
    let ok = Driver::new(&v.config(connectors), &*host).is_ok_and(|mut d| {
        v.prepare(&mut d).is_ok()
            && scenario::boot(&mut d).is_ok()
            && scenario::session(&mut d, CONNECTOR).is_ok()
            && d.incoming_call(FITS_CALL.0).is_ok()
    });
    ok && host.stats().refusals == 0
}

/// The smallest pool (to 8 bytes, by bisection) in which [`fits`] holds.
fn smallest_pool<B: Backend>(o: &Options, v: Variant) -> Option<usize> {
    let (mut lo, mut hi) = (0, o.pool);
    if !fits::<B>(hi, o.connectors, v) {
        return None;
    }
    while hi - lo > 8 {
        let mid = (lo + hi) / 2 / 8 * 8;
        if fits::<B>(mid, o.connectors, v) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

fn run<B: Backend>(o: &Options) -> Result<Report, Error> {
    let ops = per_operation::<B>(o)?;
    let mut runs = Vec::new();
    for v in Variant::ALL {
        let (s, p) = session_figures::<B>(o, v)?;
        runs.push((v, s, p));
    }
    Ok(Report {
        backend: B::NAME,
        ops,
        runs,
    })
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    println!("# OCPP core memory: the standard session of BENCHMARK.md");
    println!(
        "pool {} B per backend, {} connector(s), {} sessions on connector {CONNECTOR}{}",
        o.pool,
        o.connectors,
        o.sessions,
        if cfg!(debug_assertions) {
            " (DEBUG BUILD: wall times mean little)"
        } else {
            ""
        }
    );
    println!("storage: off, and on (the last table; the file adapter's write time after it)");
    let mut reports = Vec::new();
    for backend in &o.backends {
        let r = if *backend == Talc::NAME {
            run::<Talc>(&o)
        } else {
            run::<LinkedList>(&o)
        };
        match r {
            Ok(r) => {
                report::print_ops(&r);
                reports.push(r);
            }
            Err(e) => {
                eprintln!("{backend}: the scripted session failed: {e}");
                if matches!(e, Error::New(_) | Error::Input(_) | Error::Handle(_))
                    && o.pool < 64 * 1024
                {
                    eprintln!(
                        "(out of memory? the pool is {} B: try a larger --pool)",
                        o.pool
                    );
                }
                return ExitCode::FAILURE;
            }
        }
    }
    report::print_sessions(&o, &reports);
    match file_write_ms(&o) {
        Ok((writes, ms)) => println!(
            "storage on a file system: FileStorage in {}, one session: {writes} record writes, \
             {ms:.2} ms each (temporary file, fsync, rename, fsync of the directory): the disk's \
             time, not the engine's",
            std::env::temp_dir().display()
        ),
        Err(e) => println!("storage on a file system: not measured ({e})"),
    }
    report::print_goals(&o, &reports);
    match report::write_json(&o, &reports) {
        Ok(()) => {
            println!("\nJSON written to {}", o.json.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

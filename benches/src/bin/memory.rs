//! Per-operation memory of the OCPP core on the standard session of
//! BENCHMARK.md (as far as the engine implements it), for each pool backend.
//!
//! ```text
//! cargo run --release -p ocpp-benches --bin memory -- [--backend talc|linked-list|both]
//!     [--pool BYTES] [--connectors N] [--sessions N] [--json PATH]
//! ```
//!
//! Every figure printed comes from this run, except the MicroOcpp column,
//! which is BENCHMARK.md's reference and says so.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant as WallClock;

use ocpp_alloc::{Backend, HostPool, LinkedList, Measured, Talc};
use ocpp_benches::csms::ACTIONS;
use ocpp_benches::scenario::{self, full, reference, Step, CONNECTOR};
use ocpp_benches::{Counts, Driver, Error, OpFigures, Probe};
use ocpp_engine::Config;
use serde_json::{json, Value};

const USAGE: &str = "usage: memory [--backend talc|linked-list|both] [--pool BYTES] \
[--connectors N] [--sessions N] [--json PATH]";

/// A CALL of an action nobody knows.
const UNKNOWN_CALL: &str = r#"[2,"cs-1","FooBarBaz",{}]"#;
/// A CALL of an OCPP 1.6 action the engine does not support yet.
const UNSUPPORTED_CALL: &str = r#"[2,"cs-2","Reset",{"type":"Soft"}]"#;
/// A CALL whose action is not a string.
const MALFORMED_CALL: &str = r#"[2,"cs-3",42,{}]"#;

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
    Ok(o)
}

/// Everything measured on one backend.
#[derive(Debug)]
struct Report {
    backend: &'static str,
    ops: Vec<OpFigures>,
    session: SessionFigures,
    pool: PoolFigures,
}

#[derive(Debug, Default)]
struct SessionFigures {
    boot_messages: u64,
    idle: usize,
    peak_one: Option<usize>,
    peak_all: usize,
    retained: i64,
    allocations: Vec<usize>,
    messages: u64,
    calls: u64,
    calls_by_action: String,
    refusals: usize,
    largest_sent: usize,
    largest_received: usize,
    wall_ms: f64,
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

fn config(connectors: u8) -> Config<'static> {
    Config::new("VendorX", "ModelY").with_connectors(connectors)
}

fn new_pool<B: Backend>(bytes: usize) -> Result<HostPool<B>, Error> {
    HostPool::<B>::try_new(bytes)
        .map_err(|_| Error::Setup("--pool too small for the backend's own metadata"))
}

/// The CALLERROR code of an answer the central system received.
fn error_code(answer: &str) -> String {
    let v: Value = serde_json::from_str(answer).unwrap_or(Value::Null);
    match (v[0].as_u64(), v[2].as_str()) {
        (Some(4), Some(code)) => code.to_string(),
        _ => format!("no CALLERROR: {answer}"),
    }
}

/// One run, each operation measured on its own.
fn per_operation<B: Backend>(o: &Options) -> Result<Vec<OpFigures>, Error> {
    let host = new_pool::<B>(o.pool)?;
    let meter = Measured::new(&*host);
    let mut ops = Vec::new();
    let (f, mut d) = Driver::new_measured(&config(o.connectors), &meter)?;
    ops.push(f);
    let label = format!(
        "boot: connect, BootNotification, {} × StatusNotification",
        o.connectors + 1
    );
    ops.push(d.measure(label, scenario::boot)?.0);
    let mut intervals: Option<OpFigures> = None;
    for step in Step::SESSION {
        let (mut f, ()) = d.measure(step.label(), |d| step.run(d, CONNECTOR))?;
        if let Some(missing) = step.missing() {
            f.op = format!("{} [{missing}: NOT YET]", f.op);
        }
        if step == Step::Interval {
            match intervals.as_mut() {
                Some(all) => all.merge(&f),
                None => intervals = Some(f),
            }
        } else {
            ops.extend(intervals.take().map(|mut all| {
                all.op = format!("{} × {}", all.runs, all.op);
                all
            }));
            ops.push(f);
        }
    }
    let (mut f, secs) = d.measure("", |d| d.advance_to_next_deadline())?;
    f.op = format!("heartbeat when idle (clock +{secs} s)");
    ops.push(f);
    for (call, what) in [
        (UNKNOWN_CALL, "incoming unknown CALL"),
        (UNSUPPORTED_CALL, "incoming Reset (not supported yet)"),
        (MALFORMED_CALL, "incoming malformed CALL (action 42)"),
    ] {
        let (mut f, code) = d.measure("", |d| d.incoming_call(call).map(error_code))?;
        f.op = format!("{what} → {code}");
        ops.push(f);
    }
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

/// Boot, then `sessions` standard sessions: the figures of BENCHMARK.md.
fn session_figures<B: Backend>(o: &Options) -> Result<(SessionFigures, PoolFigures), Error> {
    let host = new_pool::<B>(o.pool)?;
    let meter = Measured::new(&*host);
    let mut d = Driver::new(&config(o.connectors), &meter)?;
    let mut s = SessionFigures::default();
    let mut p = PoolFigures {
        capacity: host.capacity(),
        ..PoolFigures::default()
    };
    scenario::boot(&mut d)?;
    s.boot_messages = d.counts().messages();
    s.idle = meter.stats().in_use;
    p.overhead_idle = host.overhead();
    meter.reset_peak();
    let start = d.counts();
    for i in 0..o.sessions {
        let before = meter.stats().allocations;
        scenario::session(&mut d, CONNECTOR)?;
        s.allocations.push(meter.stats().allocations - before);
        if i == 0 {
            s.peak_one = Some(meter.stats().peak);
        }
    }
    let end = meter.stats();
    s.peak_all = end.peak;
    s.retained = end.in_use as i64 - s.idle as i64;
    s.refusals = end.refusals;
    let c = d.counts().since(&start);
    s.messages = c.messages();
    s.calls = c.calls_total();
    s.calls_by_action = per_session_by_action(&c, o.sessions);
    (s.largest_sent, s.largest_received) = d.largest_frames();
    p.overhead_end = host.overhead();
    drop(d);
    p.empty_after_drop = meter.stats().in_use == 0 && host.stats().in_use == 0;
    s.wall_ms = wall_time::<B>(o)?;
    p.smallest = smallest_pool::<B>(o);
    Ok((s, p))
}

/// `StatusNotification 4, Authorize 1, ...`: CALLs per session by action.
fn per_session_by_action(c: &Counts, sessions: u32) -> String {
    let n = f64::from(sessions.max(1));
    let parts: Vec<String> = ACTIONS
        .iter()
        .zip(c.calls)
        .filter(|(_, k)| *k > 0)
        .map(|(a, k)| {
            let v = k as f64 / n;
            if v.fract() == 0.0 {
                format!("{a} {v:.0}")
            } else {
                format!("{a} {v:.2}")
            }
        })
        .collect();
    parts.join(", ")
}

/// Median of 5 runs of `sessions` sessions, on a bare pool (no measuring wrapper).
fn wall_time<B: Backend>(o: &Options) -> Result<f64, Error> {
    let mut runs = Vec::new();
    for _ in 0..5 {
        let host = new_pool::<B>(o.pool)?;
        let mut d = Driver::new(&config(o.connectors), &*host)?;
        scenario::boot(&mut d)?;
        let t = WallClock::now();
        scenario::sessions(&mut d, o.sessions)?;
        runs.push(t.elapsed().as_secs_f64() * 1e3);
    }
    runs.sort_by(f64::total_cmp);
    Ok(runs[runs.len() / 2])
}

/// Whether boot, one session and an incoming CALL run in a pool of `bytes`
/// without a single refusal.
fn fits<B: Backend>(bytes: usize, connectors: u8) -> bool {
    let Ok(host) = HostPool::<B>::try_new(bytes) else {
        return false;
    };
    let ok = Driver::new(&config(connectors), &*host).is_ok_and(|mut d| {
        scenario::boot(&mut d).is_ok()
            && scenario::session(&mut d, CONNECTOR).is_ok()
            && d.incoming_call(UNKNOWN_CALL).is_ok()
    });
    ok && host.stats().refusals == 0
}

/// The smallest pool (to 8 bytes, by bisection) in which [`fits`] holds.
fn smallest_pool<B: Backend>(o: &Options) -> Option<usize> {
    let (mut lo, mut hi) = (0, o.pool);
    if !fits::<B>(hi, o.connectors) {
        return None;
    }
    while hi - lo > 8 {
        let mid = (lo + hi) / 2 / 8 * 8;
        if fits::<B>(mid, o.connectors) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

fn run<B: Backend>(o: &Options) -> Result<Report, Error> {
    let ops = per_operation::<B>(o)?;
    let (session, pool) = session_figures::<B>(o)?;
    Ok(Report {
        backend: B::NAME,
        ops,
        session,
        pool,
    })
}

fn opt(v: Option<usize>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| v.to_string())
}

fn print_ops(r: &Report) {
    println!(
        "\n## Per operation: {} (bytes are requested sizes; peak is absolute, +peak above before)",
        r.backend
    );
    println!(
        "{:<80} {:>7} {:>7} {:>6} {:>8} {:>6} {:>5}",
        "operation", "before", "peak", "+peak", "retained", "allocs", "msgs"
    );
    for f in &r.ops {
        println!(
            "{:<80} {:>7} {:>7} {:>6} {:>+8} {:>6} {:>5}",
            f.op,
            f.before,
            f.peak,
            f.peak_above(),
            f.retained,
            f.allocations,
            f.messages
        );
    }
    let p = &r.pool;
    println!(
        "pool {} B: backend overhead {} B at idle, {} B after the sessions; \
         smallest pool for boot + 1 session + an incoming CALL: {} B; empty after drop: {}",
        p.capacity,
        opt(p.overhead_idle),
        opt(p.overhead_end),
        opt(p.smallest),
        if p.empty_after_drop { "yes" } else { "NO" }
    );
}

fn print_sessions(o: &Options, reports: &[Report]) {
    let n = o.sessions;
    println!(
        "\n## Session figures (BENCHMARK.md), {n} sessions, {} connector(s)",
        o.connectors
    );
    let mut header = format!("{:<44}", "figure");
    for r in reports {
        header += &format!(" {:>22}", r.backend);
    }
    println!("{header}   | {}", reference::NAME);
    let row = |name: &str, ours: &dyn Fn(&SessionFigures) -> String, theirs: String| {
        let mut line = format!("{name:<44}");
        for r in reports {
            line += &format!(" {:>22}", ours(&r.session));
        }
        println!("{line}   | {theirs}");
    };
    // Totals over the sessions, divided by their number.
    let per = |s: &SessionFigures, total: f64| {
        if s.allocations.is_empty() {
            "n/a".into()
        } else {
            format!("{:.1}", s.per_session(total))
        }
    };
    row(
        "idle bytes (after boot)",
        &|s| s.idle.to_string(),
        reference::IDLE_BYTES.to_string(),
    );
    row(
        "peak bytes during one session",
        &|s| opt(s.peak_one),
        "-".into(),
    );
    row(
        &format!("peak bytes over {n} sessions"),
        &|s| s.peak_all.to_string(),
        format!("{} (100 sessions)", reference::PEAK_100_BYTES),
    );
    row(
        &format!("retained after {n} sessions vs idle"),
        &|s| format!("{:+}", s.retained),
        format!("{:+} (100 sessions)", reference::RETAINED_100_BYTES),
    );
    row(
        "allocations per session",
        &|s| per(s, s.allocations.iter().sum::<usize>() as f64),
        reference::ALLOCATIONS_PER_SESSION.to_string(),
    );
    row(
        "  min / max over the sessions",
        &|s| match (s.allocations.iter().min(), s.allocations.iter().max()) {
            (Some(a), Some(b)) => format!("{a} / {b}"),
            _ => "n/a".into(),
        },
        "-".into(),
    );
    row(
        "messages per session",
        &|s| per(s, s.messages as f64),
        format!("{} (full scenario)", full::MESSAGES_PER_SESSION),
    );
    row(
        "CALLs per session",
        &|s| per(s, s.calls as f64),
        format!("{} (full scenario)", full::CALLS_PER_SESSION),
    );
    row(
        "boot messages",
        &|s| s.boot_messages.to_string(),
        format!("{} (full scenario)", full::BOOT_MESSAGES),
    );
    row("refusals", &|s| s.refusals.to_string(), "-".into());
    row(
        "largest frame sent / received (bytes)",
        &|s| format!("{} / {}", s.largest_sent, s.largest_received),
        "-".into(),
    );
    row(
        &format!("wall time, {n} sessions, median of 5 (ms)"),
        &|s| format!("{:.3}", s.wall_ms),
        format!("{} (100 sessions)", reference::WALL_MS_100),
    );
    if let Some(r) = reports.first() {
        let by_action = match r.session.calls_by_action.as_str() {
            "" => "n/a",
            some => some,
        };
        println!("CALLs per session in this run, by action: {by_action}");
    }
    println!(
        "NOT COMPARABLE YET: the engine has no transactions, so each session here lacks {}; \
         the reference column is MicroOcpp on the full scenario.",
        scenario::missing_calls()
    );
}

fn to_json(o: &Options, reports: &[Report]) -> Value {
    let backends: Vec<Value> = reports
        .iter()
        .map(|r| {
            let ops: Vec<Value> = r
                .ops
                .iter()
                .map(|f| {
                    json!({"operation": f.op, "before": f.before, "peak": f.peak, "peak_above_before": f.peak_above(),
                           "retained": f.retained, "allocations": f.allocations, "frees": f.frees,
                           "refusals": f.refusals, "messages": f.messages, "runs": f.runs})
                })
                .collect();
            let s = &r.session;
            json!({
                "backend": r.backend,
                "operations": ops,
                "session": {
                    "boot_messages": s.boot_messages, "idle_bytes": s.idle,
                    "peak_one_session": s.peak_one, "peak_all_sessions": s.peak_all,
                    "retained_vs_idle": s.retained,
                    "allocations_per_session": s.allocations_per_session(),
                    "allocations_min": s.allocations.iter().min(), "allocations_max": s.allocations.iter().max(),
                    "messages_per_session": s.per_session(s.messages as f64),
                    "calls_per_session": s.per_session(s.calls as f64),
                    "calls_by_action": s.calls_by_action, "refusals": s.refusals,
                    "largest_frame_sent": s.largest_sent, "largest_frame_received": s.largest_received,
                    "wall_ms_median_of_5": s.wall_ms,
                },
                "pool": {
                    "capacity": r.pool.capacity, "overhead_idle": r.pool.overhead_idle,
                    "overhead_end": r.pool.overhead_end, "smallest_pool": r.pool.smallest,
                    "empty_after_drop": r.pool.empty_after_drop,
                },
            })
        })
        .collect();
    json!({
        "benchmark": "standard session of BENCHMARK.md, as far as the engine implements it",
        "not_yet_implemented": scenario::missing_calls(),
        "comparable_with_reference": false,
        "pool_bytes": o.pool, "connectors": o.connectors, "sessions": o.sessions,
        "backends": backends,
        "reference": {
            "name": reference::NAME, "scenario": "full standard session, 100 sessions, 1 connector",
            "idle_bytes": reference::IDLE_BYTES, "peak_100_sessions": reference::PEAK_100_BYTES,
            "retained_100_sessions": reference::RETAINED_100_BYTES,
            "allocations_per_session": reference::ALLOCATIONS_PER_SESSION,
            "messages_per_session": full::MESSAGES_PER_SESSION,
            "instructions_per_message": reference::INSTRUCTIONS_PER_MESSAGE,
            "wall_ms_100_sessions": reference::WALL_MS_100,
        },
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
    println!("# OCPP core memory: the standard session of BENCHMARK.md, as far as the engine implements it");
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
    println!(
        "NOT YET in the engine (so not in the session): {}",
        scenario::missing_calls()
    );
    let mut reports = Vec::new();
    for backend in &o.backends {
        let r = if *backend == Talc::NAME {
            run::<Talc>(&o)
        } else {
            run::<LinkedList>(&o)
        };
        match r {
            Ok(r) => {
                print_ops(&r);
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
    print_sessions(&o, &reports);
    let text = match serde_json::to_string_pretty(&to_json(&o, &reports)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("JSON: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(dir) = o.json.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("{}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    }
    if let Err(e) = std::fs::write(&o.json, text + "\n") {
        eprintln!("{}: {e}", o.json.display());
        return ExitCode::FAILURE;
    }
    println!("\nJSON written to {}", o.json.display());
    ExitCode::SUCCESS
}

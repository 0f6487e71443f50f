//! What the `memory` job prints and writes: the per-operation tables, the
//! session figures beside the reference and the goals, and the JSON.

use serde_json::{json, Value};

use super::{Options, PoolFigures, Report, SessionFigures, Variant, FITS_CALL};
use ocpp_benches::scenario::{goal, per_session, reference, reference_storage};
use ocpp_engine::ocpp_model::{IdTagInfo, IdToken};

fn opt(v: Option<usize>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| v.to_string())
}

pub(super) fn print_ops(r: &Report) {
    println!(
        "\n## Per operation: {}, {} (bytes are requested sizes; peak is absolute, +peak above before)",
        r.backend,
        Variant::Default.label()
    );
    let width = r
        .ops
        .iter()
        .map(|f| f.op.chars().count())
        .max()
        .unwrap_or(9);
    println!(
        "{:<width$} {:>7} {:>7} {:>6} {:>8} {:>6} {:>5}",
        "operation", "before", "peak", "+peak", "retained", "allocs", "msgs"
    );
    for f in &r.ops {
        println!(
            "{:<width$} {:>7} {:>7} {:>6} {:>+8} {:>6} {:>5}",
            f.op,
            f.before,
            f.peak,
            f.peak_above(),
            f.retained,
            f.allocations,
            f.messages
        );
    }
    for (v, _, p) in &r.runs {
        println!(
            "pool {} B, {}: backend overhead {} B at idle, {} B after the sessions; \
             smallest pool for boot + 1 session + {}: {} B; empty after drop: {}",
            p.capacity,
            v.key(),
            opt(p.overhead_idle),
            opt(p.overhead_end),
            FITS_CALL.1,
            opt(p.smallest),
            if p.empty_after_drop { "yes" } else { "NO" }
        );
    }
}

type Ours<'a> = dyn Fn(&SessionFigures, &PoolFigures) -> String + 'a;

/// One line of a session table: ours per backend, the reference, the goal.
struct Row<'a> {
    name: String,
    ours: &'a Ours<'a>,
    reference: String,
    goal: String,
}

fn row<'a>(name: impl Into<String>, ours: &'a Ours<'a>, reference: &str, goal: &str) -> Row<'a> {
    Row {
        name: name.into(),
        ours,
        reference: reference.into(),
        goal: goal.into(),
    }
}

pub(super) fn print_sessions(o: &Options, reports: &[Report]) {
    let n = o.sessions;
    let per = |s: &SessionFigures, total: f64| format!("{:.2}", s.per_session(total));
    let idle = |s: &SessionFigures, _: &PoolFigures| s.idle.to_string();
    let peak_one = |s: &SessionFigures, _: &PoolFigures| s.peak_one.to_string();
    let peak_all = |s: &SessionFigures, _: &PoolFigures| s.peak_all.to_string();
    let retained = |s: &SessionFigures, _: &PoolFigures| format!("{:+}", s.retained);
    let allocations =
        |s: &SessionFigures, _: &PoolFigures| format!("{:.2}", s.allocations_per_session());
    let min_max = |s: &SessionFigures, _: &PoolFigures| match (
        s.allocations.iter().min(),
        s.allocations.iter().max(),
    ) {
        (Some(a), Some(b)) => format!("{a} / {b}"),
        _ => "n/a".into(),
    };
    let messages = |s: &SessionFigures, _: &PoolFigures| per(s, s.messages as f64);
    let calls = |s: &SessionFigures, _: &PoolFigures| per(s, s.calls.total() as f64);
    let boot = |s: &SessionFigures, _: &PoolFigures| s.boot_messages.to_string();
    let refusals = |s: &SessionFigures, _: &PoolFigures| s.refusals.to_string();
    let frames = |s: &SessionFigures, _: &PoolFigures| {
        format!("{} / {}", s.largest_sent, s.largest_received)
    };
    let smallest = |_: &SessionFigures, p: &PoolFigures| opt(p.smallest);
    let overhead = |_: &SessionFigures, p: &PoolFigures| opt(p.overhead_idle);
    let wall = |s: &SessionFigures, _: &PoolFigures| format!("{:.3}", s.wall_ms);
    let of100 = |v: String| format!("{v} (100 sessions)");
    let writes = |s: &SessionFigures, _: &PoolFigures| {
        s.writes.map_or("-".into(), |(w, _)| format!("{w:.2}"))
    };
    let written = |s: &SessionFigures, _: &PoolFigures| {
        s.writes.map_or("-".into(), |(_, b)| format!("{b:.0}"))
    };
    for v in Variant::ALL {
        let r = Reference::of(v);
        let rows = [
            row(
                "idle bytes (after boot)",
                &idle,
                &r.idle.to_string(),
                &format!("≤ {}", goal::IDLE_BYTES),
            ),
            row(
                "peak bytes during one session (the 1st)",
                &peak_one,
                "-",
                "-",
            ),
            row(
                format!("peak bytes over {n} sessions"),
                &peak_all,
                &of100(r.peak.to_string()),
                &format!("≤ {} (1/4 of the ref.)", goal::PEAK_BYTES),
            ),
            row(
                format!("retained after {n} sessions vs idle"),
                &retained,
                &of100(format!("{:+}", r.retained)),
                &format!("{}", goal::RETAINED_BYTES),
            ),
            row(
                "allocations per session (mean)",
                &allocations,
                &r.allocations.to_string(),
                &format!("≤ {} (1/10 of the ref.)", goal::ALLOCATIONS_PER_SESSION),
            ),
            row("  min / max over the sessions", &min_max, "-", "-"),
            row(
                "messages per session",
                &messages,
                &per_session::MESSAGES.to_string(),
                "-",
            ),
            row(
                "CALLs per session",
                &calls,
                &per_session::CALLS.to_string(),
                "-",
            ),
            row(
                "boot messages",
                &boot,
                &per_session::BOOT_MESSAGES.to_string(),
                "-",
            ),
            row("refusals", &refusals, "-", "-"),
            row("largest frame sent / received (bytes)", &frames, "-", "-"),
            row(
                "smallest pool (boot, 1 session, GetConfiguration)",
                &smallest,
                "-",
                "-",
            ),
            row(
                "backend overhead at idle (bytes, not counted above)",
                &overhead,
                "-",
                "-",
            ),
            row("record writes per session", &writes, "-", "-"),
            row("record bytes written per session", &written, "-", "-"),
            row(
                format!("wall time, {n} sessions, median of 5 (ms)"),
                &wall,
                &of100(r.wall.to_string()),
                "-",
            ),
        ];
        println!(
            "\n## Session figures (BENCHMARK.md), {n} sessions, {} connector(s): {}",
            o.connectors,
            v.label()
        );
        let mut header = format!("{:<52}", "figure");
        for r in reports {
            header += &format!(" {:>22}", r.backend);
        }
        println!("{header}   | {:<24} | goal", "MicroOcpp 1.2.0");
        for line in &rows {
            let mut text = format!("{:<52}", line.name);
            for r in reports {
                let ours = r.run(v).map_or("n/a".into(), |(s, p)| (line.ours)(s, p));
                text += &format!(" {ours:>22}");
            }
            println!("{text}   | {:<24} | {}", line.reference, line.goal);
        }
        if let Some((s, _)) = reports.first().and_then(|r| r.run(v)) {
            println!(
                "CALLs per session, by action (every session checked to send exactly these): {}",
                by_action(s, n)
            );
        }
    }
    println!(
        "\nMicroOcpp 1.2.0 column: {}; with storage on: {} (x86_64, g++ 12 -O2, ArduinoJson 6.21.3, every malloc counted).",
        reference::NAME,
        reference_storage::NAME
    );
    println!(
        "storage on: ocpp_storage::MemoryStorage behind the engine (its figures are the \
         engine's: record encoding, checksums, write-ahead); a record is written only when its \
         content changed (a heartbeat, a status or a meter reading writes nothing)."
    );
}

/// The MicroOcpp figures a variant is compared with.
struct Reference {
    idle: u64,
    peak: u64,
    retained: i64,
    allocations: u64,
    wall: f64,
}

impl Reference {
    fn of(v: Variant) -> Reference {
        if v == Variant::Storage {
            Reference {
                idle: reference_storage::IDLE_BYTES,
                peak: reference_storage::PEAK_100_BYTES,
                retained: reference_storage::RETAINED_100_BYTES,
                allocations: reference_storage::ALLOCATIONS_PER_SESSION,
                wall: reference_storage::WALL_MS_100,
            }
        } else {
            Reference {
                idle: reference::IDLE_BYTES,
                peak: reference::PEAK_100_BYTES,
                retained: reference::RETAINED_100_BYTES,
                allocations: reference::ALLOCATIONS_PER_SESSION,
                wall: reference::WALL_MS_100,
            }
        }
    }
}

/// `StatusNotification 4, Authorize 1, ...` per session.
fn by_action(s: &SessionFigures, sessions: u32) -> String {
    let parts: Vec<String> = s
        .calls
        .iter()
        .map(|(c, k)| {
            let per = k as f64 / f64::from(sessions);
            format!("{} {per}", c.as_str())
        })
        .collect();
    parts.join(", ")
}

/// The worst figure of the backends in variant `v`.
fn worst<T: PartialOrd + Copy>(
    reports: &[Report],
    v: Variant,
    f: impl Fn(&SessionFigures) -> T,
) -> Option<T> {
    reports
        .iter()
        .filter_map(|r| r.run(v).map(|(s, _)| f(s)))
        .reduce(|a, b| if b > a { b } else { a })
}

fn verdict<T: PartialOrd + Copy>(
    value: Option<T>,
    ok: impl Fn(T) -> bool,
    show: impl Fn(T) -> String,
) -> String {
    match value {
        Some(x) if ok(x) => format!("met ({})", show(x)),
        Some(x) => format!("NOT MET ({})", show(x)),
        None => "n/a".into(),
    }
}

pub(super) fn print_goals(o: &Options, reports: &[Report]) {
    let n = o.sessions;
    println!(
        "\n## Goals (BENCHMARK.md, \"Where this project aims\"), {n} sessions, worst of the backends"
    );
    let (name, default, cache, storage) = ("goal", "Config::new", "cache enabled", "storage on");
    println!("{name:<52} {default:<30} {cache:<30} {storage}");
    let line = |name: String, f: &dyn Fn(Variant) -> String| {
        println!(
            "{name:<52} {:<30} {:<30} {}",
            f(Variant::Default),
            f(Variant::Cache),
            f(Variant::Storage)
        );
    };
    line(format!("idle pool ≤ {} B", goal::IDLE_BYTES), &|v| {
        let x = worst(reports, v, |s| s.idle as u64);
        verdict(x, |x| x <= goal::IDLE_BYTES, |x| format!("{x} B"))
    });
    line(
        format!(
            "peak over {n} sessions ≤ {} B (1/4 of {})",
            goal::PEAK_BYTES,
            reference::PEAK_100_BYTES
        ),
        &|v| {
            let x = worst(reports, v, |s| s.peak_all as u64);
            verdict(x, |x| x <= goal::PEAK_BYTES, |x| format!("{x} B"))
        },
    );
    line(
        format!(
            "allocations per session ≤ {} (1/10 of {})",
            goal::ALLOCATIONS_PER_SESSION,
            reference::ALLOCATIONS_PER_SESSION
        ),
        &|v| {
            let x = worst(reports, v, SessionFigures::allocations_per_session);
            verdict(
                x,
                |x| x <= goal::ALLOCATIONS_PER_SESSION,
                |x| format!("{x:.2}"),
            )
        },
    );
    line(
        format!(
            "retained after {n} sessions vs idle = {} B",
            goal::RETAINED_BYTES
        ),
        &|v| {
            let x = worst(reports, v, |s| s.retained);
            verdict(x, |x| x <= goal::RETAINED_BYTES, |x| format!("{x:+} B"))
        },
    );
    println!(
        "{:<52} measured by benches/callgrind.sh, not by this job",
        format!(
            "instructions per message ≤ {} (1/3 of {})",
            goal::INSTRUCTIONS_PER_MESSAGE,
            reference::INSTRUCTIONS_PER_MESSAGE
        )
    );
    if let Some(held) = worst(reports, Variant::Default, |s| s.peak_one - s.idle) {
        println!(
            "peak: a running transaction holds {held} B (its state, and the transaction \
             queue's places: a transaction claims 2, see Config::max_queued_messages); all \
             of it goes back at the stop."
        );
    }
    let with = worst(reports, Variant::Cache, |s| s.retained);
    let without = worst(reports, Variant::Default, |s| s.retained);
    if let (Some(with), Some(without)) = (with, without) {
        let cache = with - without;
        let entry = core::mem::size_of::<(IdToken, IdTagInfo)>() as i64;
        println!(
            "retained: with the default configuration a session retains {without:+} B. \
             AuthorizationCacheEnabled is false until the firmware or the central system \
             sets it (as in MicroOcpp); once enabled, the cache keeps what the central \
             system said of each idTag it saw, up to Config::max_cache_entries (default 8), \
             and the standard session presents one idTag: the first session leaves \
             {with:+} B, later sessions nothing more. The {cache:+} B are the cache \
             (bounded), not a leak."
        );
        if entry > 0 && cache > 0 && cache % entry == 0 {
            let entries = cache / entry;
            println!(
                "          A cache entry, (IdToken, IdTagInfo), is {entry} B; the idTag \
                 learned holds {cache} B: room for {entries} entr{}.",
                if entries == 1 { "y" } else { "ies" }
            );
        }
    }
}

pub(super) fn write_json(o: &Options, reports: &[Report]) -> Result<(), String> {
    let text =
        serde_json::to_string_pretty(&to_json(o, reports)).map_err(|e| format!("JSON: {e}"))?;
    if let Some(dir) = o.json.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&o.json, text + "\n").map_err(|e| format!("{}: {e}", o.json.display()))
}

fn session_json(s: &SessionFigures, p: &PoolFigures) -> Value {
    let by_action: serde_json::Map<String, Value> = s
        .calls
        .iter()
        .map(|(c, k)| (c.as_str().to_string(), json!(k)))
        .collect();
    json!({
        "session": {
            "boot_messages": s.boot_messages, "idle_bytes": s.idle,
            "peak_one_session": s.peak_one, "peak_all_sessions": s.peak_all,
            "retained_vs_idle": s.retained,
            "allocations_per_session": s.allocations_per_session(),
            "allocations_min": s.allocations.iter().min(), "allocations_max": s.allocations.iter().max(),
            "messages_per_session": s.per_session(s.messages as f64),
            "calls_per_session": s.per_session(s.calls.total() as f64),
            "calls_by_action_all_sessions": by_action, "refusals": s.refusals,
            "largest_frame_sent": s.largest_sent, "largest_frame_received": s.largest_received,
            "wall_ms_median_of_5": s.wall_ms,
            "record_writes_per_session": s.writes.map(|w| w.0),
            "record_bytes_per_session": s.writes.map(|w| w.1),
        },
        "pool": {
            "capacity": p.capacity, "overhead_idle": p.overhead_idle,
            "overhead_end": p.overhead_end, "smallest_pool": p.smallest,
            "smallest_pool_runs": format!("boot, 1 session, {}", FITS_CALL.1),
            "empty_after_drop": p.empty_after_drop,
        },
    })
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
            let variants: serde_json::Map<String, Value> = r
                .runs
                .iter()
                .map(|(v, s, p)| (v.key().to_string(), session_json(s, p)))
                .collect();
            json!({"backend": r.backend, "operations": ops, "variants": variants})
        })
        .collect();
    json!({
        "benchmark": "standard session of BENCHMARK.md",
        "storage": "variant storage_on: ocpp_storage::MemoryStorage",
        "reference_storage": {
            "name": reference_storage::NAME,
            "idle_bytes": reference_storage::IDLE_BYTES, "peak_100_sessions": reference_storage::PEAK_100_BYTES,
            "retained_100_sessions": reference_storage::RETAINED_100_BYTES,
            "allocations_per_session": reference_storage::ALLOCATIONS_PER_SESSION,
            "instructions_per_message": reference_storage::INSTRUCTIONS_PER_MESSAGE,
            "wall_ms_100_sessions": reference_storage::WALL_MS_100,
        },
        "pool_bytes": o.pool, "connectors": o.connectors, "sessions": o.sessions,
        "backends": backends,
        "reference": {
            "name": reference::NAME, "scenario": "standard session, 100 sessions, 1 connector",
            "idle_bytes": reference::IDLE_BYTES, "peak_100_sessions": reference::PEAK_100_BYTES,
            "retained_100_sessions": reference::RETAINED_100_BYTES,
            "allocations_per_session": reference::ALLOCATIONS_PER_SESSION,
            "messages_per_session": per_session::MESSAGES,
            "instructions_per_message": reference::INSTRUCTIONS_PER_MESSAGE,
            "wall_ms_100_sessions": reference::WALL_MS_100,
        },
        "goals": {
            "idle_bytes_max": goal::IDLE_BYTES, "peak_bytes_max": goal::PEAK_BYTES,
            "allocations_per_session_max": goal::ALLOCATIONS_PER_SESSION,
            "retained_bytes_max": goal::RETAINED_BYTES,
            "instructions_per_message_max": goal::INSTRUCTIONS_PER_MESSAGE,
        },
    })
}

//! `--count N`: N charge points in one process, each its own engine in its
//! own pool (`--pool` bytes), on one tokio runtime (two worker threads), each
//! its own WebSocket (tokio-tungstenite; `wss://` with the same rustls
//! configuration as the single charger), following the built-in session or
//! a `--scenario` file with jitter (`plan.rs`).
//!
//! Every second a summary line: connected, registered, charging, frames
//! per second (both ways), errors, the pools' bytes in use per charger and
//! the process's resident memory per charger. At the end (`--seconds`, or
//! every charger through a finite plan) a report; exit 1 on any error.
//!
//! Identities come from `--id`: `{n}` is replaced by the charger's number
//! from 1, zero-padded to the width of N (`CP-{n}` with 1000: `CP-0001` ..
//! `CP-1000`); without `{n}`, `-{n}` is appended.

mod charger;
mod meter;
mod plan;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant as StdInstant};

use ocpp_alloc::{Backend, LinkedList, Talc};
use ocpp_engine::Instant;

use crate::args::Args;
use crate::log::{complain, say};
use crate::net::{Endpoint, TlsFiles};
use crate::settings::{self, Settings};

pub use plan::Plan;

/// What every charger shares: the settings, the plan, the counters.
pub struct Ctx {
    pub endpoint: Endpoint,
    pub vendor: String,
    pub model: String,
    pub connectors: u8,
    pub pool: usize,
    pub power: i64,
    pub id_tag: String,
    pub config: Vec<(String, String)>,
    pub reconnect: (Duration, Duration),
    pub plan: Arc<Plan>,
    pub counters: Counters,
    start: StdInstant,
}

impl Ctx {
    /// The engines' clock: milliseconds since the swarm started.
    pub fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// Charger `id` failed: counted, and the first few said.
    pub fn fail(&self, id: &str, why: &str) {
        let n = self.counters.errors.fetch_add(1, Relaxed);
        self.counters.failed.fetch_add(1, Relaxed);
        if n < 10 {
            complain!("swarm: {id}: {why}");
        }
    }
}

/// The swarm's counters, updated by the chargers.
#[derive(Default)]
pub struct Counters {
    pub connected: AtomicUsize,
    pub registered: AtomicUsize,
    pub charging: AtomicUsize,
    /// Frames sent and received.
    pub frames: AtomicU64,
    /// Refused connections, lost connections, CALLERRORs, refused idTags, failed plans.
    pub errors: AtomicU64,
    pub sessions: AtomicU64,
    /// Chargers through their plan.
    pub finished: AtomicUsize,
    /// Chargers whose plan failed (a step not taken, an expectation not met).
    pub failed: AtomicUsize,
    /// Chargers stopped before their plan was over.
    pub unfinished: AtomicUsize,
    /// Bytes in use in all pools, and the largest peak of one.
    pub pool_in_use: AtomicUsize,
    pub pool_peak: AtomicUsize,
}

/// The identity of charger `n` of `count` from the pattern.
pub fn identity(pattern: &str, n: usize, count: usize) -> String {
    let width = count.to_string().len();
    let number = format!("{n:0width$}");
    if pattern.contains("{n}") {
        pattern.replace("{n}", &number)
    } else {
        format!("{pattern}-{number}")
    }
}

/// The process's resident memory (VmRSS), in bytes.
fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Runs the swarm of `args.count` chargers.
pub fn run(args: &Args, s: &Settings, count: usize) -> Result<(), String> {
    let files = TlsFiles {
        ca: s.ca.as_deref(),
        cert: s.cert.as_deref(),
        key: s.key.as_deref(),
    };
    let endpoint = Endpoint::parse(&s.csms, &identity(&s.id, 1, count), &files)?;
    let jitter_ms = (args.jitter.as_secs_f64() * 1000.0) as u64;
    let plan = match &args.scenario {
        Some(path) => plan::load(path, jitter_ms)?,
        None => Plan::Session {
            sessions: args.sessions,
            charge_ms: (args.charge.as_secs_f64() * 1000.0) as u64,
            jitter_ms,
        },
    };
    let mut config = vec![
        (
            "MeterValuesSampledData".to_string(),
            crate::demo::SAMPLED.to_string(),
        ),
        (
            "MeterValueSampleInterval".to_string(),
            crate::demo::SAMPLE_INTERVAL_S.to_string(),
        ),
    ];
    config.extend(s.config.iter().cloned());
    let ctx = Arc::new(Ctx {
        endpoint,
        vendor: s.vendor.clone(),
        model: s.model.clone(),
        connectors: s.connectors,
        pool: s.pool,
        power: s.power,
        id_tag: s.id_tags[0].clone(),
        config,
        reconnect: (s.reconnect_min, s.reconnect_max),
        plan: Arc::new(plan),
        counters: Counters::default(),
        start: StdInstant::now(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the tokio runtime: {e}"))?;
    let ramp = args.ramp.unwrap_or(Duration::from_millis(count as u64));
    let pattern = s.id.clone();
    let end = args.seconds.map(Duration::from_secs);
    match s.backend {
        settings::Backend::Talc => runtime.block_on(swarm::<Talc>(ctx, count, &pattern, ramp, end)),
        settings::Backend::LinkedList => {
            runtime.block_on(swarm::<LinkedList>(ctx, count, &pattern, ramp, end))
        }
    }
}

async fn swarm<B: Backend + 'static>(
    ctx: Arc<Ctx>,
    count: usize,
    pattern: &str,
    ramp: Duration,
    end: Option<Duration>,
) -> Result<(), String> {
    let base_rss = rss();
    say!(
        "swarm: {count} chargers {} .. {} to {}, started over {:.1} s, pools of {} B, plan: {}",
        identity(pattern, 1, count),
        identity(pattern, count, count),
        ctx.endpoint.url.rsplit_once('/').map_or("", |(u, _)| u),
        ramp.as_secs_f64(),
        ctx.pool,
        match &*ctx.plan {
            Plan::Session { sessions: 0, .. } => "sessions until the end".to_string(),
            Plan::Session { sessions, .. } => format!("{sessions} session(s) each"),
            Plan::Scenario { name, .. } => format!("scenario {name}"),
        }
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    {
        let ctx = ctx.clone();
        let pattern = pattern.to_string();
        let stop_rx = stop_rx.clone();
        tasks.spawn(async move {
            for n in 1..=count {
                let at = ramp.mul_f64((n - 1) as f64 / count as f64);
                tokio::time::sleep_until(tokio::time::Instant::from_std(ctx.start + at)).await;
                if *stop_rx.borrow() {
                    break;
                }
                let id = identity(&pattern, n, count);
                tokio::spawn(charger::run::<B>(n, id, ctx.clone(), stop_rx.clone()));
            }
        });
    }
    let started = StdInstant::now();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    let mut last_frames = 0;
    let mut peak_fps = 0;
    let c = &ctx.counters;
    let mut interrupted = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = &mut interrupted => {
                say!("swarm: interrupted (Ctrl-C): stopping every charger");
                break;
            }
        }
        let frames = c.frames.load(Relaxed);
        let fps = frames - last_frames;
        peak_fps = peak_fps.max(fps);
        last_frames = frames;
        let spawned = count.min(
            ((started.elapsed().as_secs_f64() / ramp.as_secs_f64().max(1e-3)) * count as f64)
                as usize
                + 1,
        );
        say!(
            "swarm: {} connected, {} registered, {} charging, {fps} frames/s, {} errors, {} sessions, pool {} B per charger, RSS {} KiB per charger",
            c.connected.load(Relaxed),
            c.registered.load(Relaxed),
            c.charging.load(Relaxed),
            c.errors.load(Relaxed),
            c.sessions.load(Relaxed),
            c.pool_in_use.load(Relaxed) / spawned.max(1),
            rss().saturating_sub(base_rss) / spawned.max(1) / 1024,
        );
        let all_done =
            ctx.plan.finite() && c.finished.load(Relaxed) + c.failed.load(Relaxed) >= count;
        if all_done || end.is_some_and(|end| started.elapsed() >= end) {
            break;
        }
    }
    // The figures while every charger still lives.
    let held_rss = rss().saturating_sub(base_rss);
    let in_use = c.pool_in_use.load(Relaxed);
    let registered = c.registered.load(Relaxed);
    let _ = stop_tx.send(true);
    let waited = StdInstant::now();
    while c.connected.load(Relaxed) > 0 && waited.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tasks.abort_all();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let secs = started.elapsed().as_secs_f64();
    let frames = c.frames.load(Relaxed);
    let errors = c.errors.load(Relaxed);
    let plan = if ctx.plan.finite() {
        format!(
            ", {} through their plan, {} failed, {} stopped before the end of it",
            c.finished.load(Relaxed),
            c.failed.load(Relaxed),
            c.unfinished.load(Relaxed)
        )
    } else {
        format!(", {} failed", c.failed.load(Relaxed))
    };
    say!(
        "swarm report: {count} chargers, {registered} registered at the end, {} sessions completed{plan}",
        c.sessions.load(Relaxed),
    );
    say!(
        "swarm report: {frames} frames in {secs:.1} s ({:.0} per second on average, {peak_fps} at most), {errors} errors",
        frames as f64 / secs
    );
    say!(
        "swarm report: memory: RSS {} KiB for the chargers ({} B per charger), pools of {} B: {} B in use per charger, {} B the largest peak",
        held_rss / 1024,
        held_rss / count,
        ctx.pool,
        in_use / count,
        c.pool_peak.load(Relaxed)
    );
    let ok = errors == 0
        && c.failed.load(Relaxed) == 0
        && (!ctx.plan.finite() || c.finished.load(Relaxed) == count);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "swarm: {errors} errors, {} chargers failed, {} of {count} through their plan",
            c.failed.load(Relaxed),
            c.finished.load(Relaxed)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_from_the_pattern() {
        assert_eq!(identity("CP-{n}", 7, 1000), "CP-0007");
        assert_eq!(identity("CP-{n}", 1000, 1000), "CP-1000");
        assert_eq!(identity("site{n}-a", 3, 12), "site03-a");
        assert_eq!(identity("CP", 5, 9), "CP-5");
        let e = Endpoint::parse("ws://u:p@h:9/ocpp/", "CP-1", &TlsFiles::default()).unwrap();
        let other = e.with_id("CP-2");
        assert_eq!(other.url, "ws://h:9/ocpp/CP-2");
        let header = other.request(None).unwrap();
        let auth = header.headers().get("Authorization").unwrap();
        assert_eq!(auth, "Basic dTpw"); // u:p, the URL's user, not the identity
    }
}

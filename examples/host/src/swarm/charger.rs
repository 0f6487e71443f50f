//! One charger of the swarm: its own pool and engine, its own WebSocket
//! (tokio-tungstenite), a tokio task. The loop is the single charger's
//! (`host.rs`), asynchronous: drive the engine, send what it has, then wait
//! for a frame, the next deadline, or the end of the run.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use futures_util::{SinkExt, StreamExt};
use ocpp_alloc::{Backend, HostPool, Pool};
use ocpp_engine::ocpp_model::UnlockStatus;
use ocpp_engine::{
    max_call_len, BootState, ChargePoint, Config, Event, Instant, GET_CONFIGURATION_ALL_LEN,
};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::frames::{Dir, Frames};
use crate::log::complain;
use crate::net::Backoff;
use crate::scenario::What;
use crate::swarm::meter::Meter;
use crate::swarm::plan::Player;
use crate::swarm::Ctx;

/// A swarm charger's engine: in its pool, no storage.
pub type Engine<'p, B> = ChargePoint<&'p Pool<B>>;
type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Longest wait for the TCP connection and the handshake.
const CONNECT_TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// At most this many connection errors are printed (then only counted).
const PRINTED_ERRORS: u64 = 10;

/// Why a connection ended.
enum End {
    /// The run is over (or the plan failed): stop.
    Stop,
    /// Lost: connect again after the backoff.
    Lost(String),
}

/// Runs charger `n` (from 1) until the run ends.
pub async fn run<B: Backend>(n: usize, id: String, ctx: Arc<Ctx>, mut stop: watch::Receiver<bool>) {
    let pool = match HostPool::<B>::try_new(ctx.pool) {
        Ok(pool) => pool,
        Err(e) => return ctx.fail(&id, &format!("a pool of {} B: {e}", ctx.pool)),
    };
    let config = Config::new(&ctx.vendor, &ctx.model).with_connectors(ctx.connectors);
    let mut cp = match ChargePoint::new(&config, &*pool) {
        Ok(cp) => cp,
        Err(e) => return ctx.fail(&id, &format!("ChargePoint::new in {} B: {e:?}", ctx.pool)),
    };
    for (key, value) in &ctx.config {
        if let Err(e) = cp.configure(Instant::from_millis(0), key, value) {
            return ctx.fail(&id, &format!("configuration key {key}: {e}"));
        }
    }
    let mut c = Charger {
        cp,
        meter: Meter::new(ctx.connectors, ctx.power),
        player: Player::new(ctx.plan.clone(), n as u64, &ctx.id_tag),
        frames: ctx.plan.records().then(|| Frames::new(false)),
        ctx: ctx.clone(),
        id: id.clone(),
        pool: &pool,
        in_use: 0,
        registered: false,
        charging: 0,
        done: false,
        // Room for one outgoing frame: the engine's longest CALL, or a
        // GetConfiguration of every key.
        buf: vec![0; max_call_len(&config).max(GET_CONFIGURATION_ALL_LEN)],
    };
    c.account();
    let endpoint = ctx.endpoint.with_id(&id);
    let mut backoff = Backoff::new(ctx.reconnect.0, ctx.reconnect.1);
    let ws_config = WebSocketConfig::default()
        .read_buffer_size(2048)
        .write_buffer_size(0)
        .max_message_size(Some(64 << 10))
        .max_frame_size(Some(64 << 10));
    while !*stop.borrow() {
        let connect = async {
            let request = endpoint.request(c.cp.authorization_key())?;
            let connector = endpoint.tls().map_or(Connector::Plain, Connector::Rustls);
            let go = tokio_tungstenite::connect_async_tls_with_config(
                request,
                Some(ws_config),
                true,
                Some(connector),
            );
            match tokio::time::timeout(CONNECT_TIMEOUT, go).await {
                Ok(Ok((ws, _))) => Ok(ws),
                Ok(Err(e)) => Err(format!("{e}")),
                Err(_) => Err(format!(
                    "no handshake within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )),
            }
        };
        let why = tokio::select! {
            r = connect => match r {
                Ok(mut ws) => {
                    ctx.counters.connected.fetch_add(1, Relaxed);
                    let end = c.serve(&mut ws, &mut stop).await;
                    ctx.counters.connected.fetch_sub(1, Relaxed);
                    c.cp.disconnected(ctx.now());
                    c.set_registered(false);
                    match end {
                        End::Stop => {
                            let _ = tokio::time::timeout(StdDuration::from_secs(2), ws.close(None)).await;
                            break;
                        }
                        End::Lost(why) => format!("connection lost: {why}"),
                    }
                }
                Err(why) => format!("cannot connect: {why}"),
            },
            _ = stop.changed() => break,
        };
        let errors = ctx.counters.errors.fetch_add(1, Relaxed);
        if errors < PRINTED_ERRORS {
            complain!("swarm: {id}: {why}");
        }
        let delay = backoff.next_delay();
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.changed() => break,
        }
        if c.registered {
            backoff.reset();
        }
    }
    c.set_registered(false);
    c.set_charging(0);
    if !c.done {
        ctx.counters.unfinished.fetch_add(1, Relaxed);
    }
    drop(c);
    let left = pool.stats().in_use;
    if left != 0 {
        ctx.fail(
            &id,
            &format!("{left} B left in the pool after dropping the charge point"),
        );
    }
}

struct Charger<'p, B: Backend> {
    cp: Engine<'p, B>,
    meter: Meter,
    player: Player,
    /// Frames in words, when the plan looks at them (a scenario).
    frames: Option<Frames>,
    ctx: Arc<Ctx>,
    id: String,
    pool: &'p Pool<B>,
    /// What this charger last added to the counters.
    in_use: usize,
    registered: bool,
    charging: usize,
    /// The plan is over.
    done: bool,
    /// Where each outgoing frame is encoded.
    buf: Vec<u8>,
}

impl<B: Backend> Charger<'_, B> {
    /// Brings the swarm's pool counters up to date with this pool.
    fn account(&mut self) {
        let stats = self.pool.stats();
        let counters = &self.ctx.counters;
        counters.pool_in_use.fetch_add(stats.in_use, Relaxed);
        counters.pool_in_use.fetch_sub(self.in_use, Relaxed);
        counters.pool_peak.fetch_max(stats.peak, Relaxed);
        self.in_use = stats.in_use;
    }

    fn set_registered(&mut self, on: bool) {
        if on != self.registered {
            let r = &self.ctx.counters.registered;
            let _ = if on {
                r.fetch_add(1, Relaxed)
            } else {
                r.fetch_sub(1, Relaxed)
            };
            self.registered = on;
        }
    }

    fn set_charging(&mut self, n: usize) {
        let counter = &self.ctx.counters.charging;
        counter.fetch_add(n, Relaxed);
        counter.fetch_sub(self.charging, Relaxed);
        self.charging = n;
    }

    fn record(&mut self, dir: Dir, text: &str) {
        if let Some(frames) = self.frames.as_mut() {
            let (frame, _) = frames.read(dir, text);
            let what = if dir == Dir::Sent {
                What::Send
            } else {
                What::Receive
            };
            self.player.see((what, frame.action, frame.text));
        }
    }

    /// One connection, until it is lost or the run ends.
    async fn serve(&mut self, ws: &mut Ws, stop: &mut watch::Receiver<bool>) -> End {
        let ctx = self.ctx.clone();
        self.cp.connected(ctx.now());
        loop {
            let t = ctx.now();
            if let Err(why) = self.step(t) {
                ctx.fail(&self.id, &why);
                return End::Stop;
            }
            for text in self.transmit(t) {
                ctx.counters.frames.fetch_add(1, Relaxed);
                if let Err(e) = ws.send(Message::text(text)).await {
                    return End::Lost(format!("while sending: {e}"));
                }
            }
            self.account();
            let next = [self.cp.poll_timeout(), self.player.deadline()];
            let wait = next
                .into_iter()
                .flatten()
                .min()
                .map_or(StdDuration::from_secs(1), |d| {
                    StdDuration::from_millis(d.saturating_since(t).as_millis())
                        .max(StdDuration::from_millis(1))
                });
            tokio::select! {
                msg = ws.next() => match msg {
                    Some(Ok(Message::Text(text))) => {
                        ctx.counters.frames.fetch_add(1, Relaxed);
                        self.record(Dir::Received, text.as_str());
                        if text.starts_with("[4") {
                            ctx.counters.errors.fetch_add(1, Relaxed);
                        }
                        let _ = self.cp.handle_frame(ctx.now(), text.as_bytes());
                    }
                    Some(Ok(Message::Close(_))) | None => return End::Lost("closed by the central system".into()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return End::Lost(e.to_string()),
                },
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => return End::Stop,
            }
        }
    }

    /// Timeouts, events, the meter and the plan, at `t`.
    fn step(&mut self, t: Instant) -> Result<(), String> {
        if self.cp.poll_timeout().is_some_and(|d| d <= t) {
            self.cp.handle_timeout(t);
        }
        self.set_registered(self.cp.boot_state() == BootState::Accepted);
        while let Some(event) = self.cp.poll_event() {
            match event {
                Event::Energy { connector, on } => self.meter.energy(t, connector, on),
                Event::Unlock { connector } => {
                    let _ = self.cp.unlock_result(connector, UnlockStatus::Unlocked);
                }
                Event::IdTagRefused { .. } | Event::IdTagUnverified { .. } => {
                    self.ctx.counters.errors.fetch_add(1, Relaxed);
                }
                _ => {}
            }
            self.player.on_event(t, &event);
        }
        let charging = (1..=self.cp.connectors())
            .filter(|&c| matches!(self.cp.transaction(c), Some(Some(_))))
            .count();
        self.set_charging(charging);
        self.meter.feed(t, &mut self.cp)?;
        if !self.done {
            let before = self.player.sessions;
            self.done = self.player.play(t, &mut self.cp, &mut self.meter)?;
            let sessions = u64::from(self.player.sessions - before);
            self.ctx.counters.sessions.fetch_add(sessions, Relaxed);
            if self.done {
                self.ctx.counters.finished.fetch_add(1, Relaxed);
            }
        }
        Ok(())
    }

    /// Every frame the engine has for now.
    fn transmit(&mut self, t: Instant) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(Some(n)) = self.cp.poll_transmit(t, &mut self.buf) {
            let text = String::from_utf8_lossy(&self.buf[..n]).into_owned();
            self.record(Dir::Sent, &text);
            out.push(text);
        }
        out
    }
}

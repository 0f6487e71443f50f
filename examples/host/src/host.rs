//! The sans-IO loop: the engine, the simulated hardware, the script, and a
//! WebSocket that comes and goes.
//!
//! After any input: `handle_timeout` when `poll_timeout()` has passed,
//! drain `poll_event` (printed, acted on) and `poll_transmit` (sent), then
//! wait in a read of the socket until the next deadline. A lost or refused
//! connection is given to the engine (`disconnected`) and tried again
//! after a backoff; the engine keeps running meanwhile (transactions go on
//! and their messages queue) and delivers its queue after the next
//! accepted BootNotification.

use std::io::{self, Write};
use std::time::{Duration as StdDuration, Instant as StdInstant};

use ocpp_alloc::Backend;
use ocpp_engine::ocpp_model::UnlockStatus;
use ocpp_engine::{BootState, Event, Instant, RecordKey};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::{Error as WsError, Message};

use crate::commands::{self, Flow};
use crate::demo::Demo;
use crate::frames::{Dir, Frames};
use crate::hardware::Hardware;
use crate::log::{complain, say};
use crate::net::{Backoff, Endpoint, Ws};
use crate::repl::{Input, Line};
use crate::scenario::{Scenario, Seen};
use crate::{Cp, PoolRef};

/// Longest wait for one read, so `--seconds` and the script are looked at.
const MAX_WAIT: StdDuration = StdDuration::from_secs(1);
/// Longest wait while commands may come: a typed command is played at once.
const MAX_WAIT_INTERACTIVE: StdDuration = StdDuration::from_millis(50);
/// How often a failing storage is tried again.
const RETRY_STORAGE: ocpp_engine::Duration = ocpp_engine::Duration::from_millis(1000);

/// The charge point and its connection.
pub struct Host<'p, B: Backend> {
    pub cp: Cp<'p, B>,
    pub hw: Hardware,
    /// The pool the charge point lives in, and its size (`memory`).
    pub pool: PoolRef<'p, B>,
    pub pool_size: usize,
    /// The idTag of `idtag` without a tag.
    pub id_tag: String,
    /// Frames in words (`frames.rs`).
    pub frames: Frames,
    /// What a scenario is to look at: frames and events since its last look.
    seen: Vec<Seen>,
    recording: bool,
    endpoint: Endpoint,
    ws: Option<Ws>,
    backoff: Backoff,
    /// When to try to connect again, while disconnected.
    reconnect_at: Option<Instant>,
    buf: Vec<u8>,      // one outgoing frame
    start: StdInstant, // origin of the engine's clock
    /// Since when the storage fails, while it does: retried every second.
    storage_failing: Option<Instant>,
    /// When the connection last gave a sign of life (any frame, a pong),
    /// and when we last sent a ping.
    last_heard: StdInstant,
    last_ping: StdInstant,
}

/// How a run ends without an error.
pub struct Until {
    pub script: Option<Demo>,
    /// Commands typed or piped in (`--interactive`).
    pub input: Option<Input>,
    /// `--scenario FILE`.
    pub scenario: Option<Scenario>,
    pub end: Option<Instant>,
}

impl<'p, B: Backend> Host<'p, B> {
    pub fn new(
        (cp, hw, pool, pool_size): (Cp<'p, B>, Hardware, PoolRef<'p, B>, usize),
        endpoint: Endpoint,
        backoff: Backoff,
        start: StdInstant,
        full_frames: bool,
        frame_buf: usize,
    ) -> Self {
        Self {
            cp,
            hw,
            pool,
            pool_size,
            id_tag: crate::demo::ID_TAG.to_string(),
            frames: Frames::new(full_frames),
            seen: Vec::new(),
            recording: false,
            endpoint,
            ws: None,
            backoff,
            reconnect_at: None,
            buf: vec![0; frame_buf],
            start,
            storage_failing: None,
            last_heard: start,
            last_ping: start,
        }
    }

    /// The engine's clock: milliseconds since the program started.
    pub fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// Runs the loop until the script is over or the end is reached
    /// (`Err` if the script is not over then, or failed).
    pub fn run(&mut self, mut until: Until) -> Result<(), String> {
        let mut registration = self.cp.boot_state();
        self.recording = until.scenario.is_some();
        loop {
            let t = self.now();
            if self.ws.is_none() && self.reconnect_at.is_none_or(|at| at <= t) {
                self.connect(t);
            }
            let t = self.now();
            if self.cp.poll_timeout().is_some_and(|deadline| deadline <= t) {
                self.cp.handle_timeout(t);
            }
            // A refused or unreadable BootNotification answer gives no event: say so here.
            if self.cp.boot_state() != registration {
                registration = self.cp.boot_state();
                say!("registration: {}", words(registration, t));
                if registration == BootState::Accepted {
                    self.backoff.reset();
                }
            }
            self.retry_storage(t);
            while let Some(event) = self.cp.poll_event() {
                match self.hint(&event) {
                    Some(hint) => say!("event: {event:?}: {hint}"),
                    None => say!("event: {event:?}"),
                }
                if self.recording {
                    self.seen.push(Seen::Event(format!("{event:?}")));
                }
                self.act_on(t, &event);
                if let Some(script) = until.script.as_mut() {
                    script.on_event(t, &event);
                }
            }
            self.hw.feed(t, &mut self.cp)?;
            let mut finished = match until.script.as_mut() {
                Some(script) => script.play(t, &mut self.cp, &mut self.hw)?,
                None => false,
            };
            if let Some(input) = until.input.as_mut() {
                finished |= self.commands(t, input);
            }
            if let Some(scenario) = until.scenario.as_mut() {
                scenario.saw(self.seen.drain(..));
                finished |= scenario.play(t, self)?;
            }
            if self.ws.is_some() {
                if let Err(why) = self.transmit(t).and_then(|()| self.ping()) {
                    self.lost(t, &why);
                }
            }
            if finished {
                return Ok(());
            }
            if until.end.is_some_and(|end| t >= end) {
                let unfinished = match (&until.script, &until.scenario) {
                    (Some(_), _) => Some("the script did not finish in time".to_string()),
                    (_, Some(scenario)) => Some(scenario.unfinished()),
                    _ => None,
                };
                return unfinished.map_or(Ok(()), Err);
            }

            // Wait (in the read, when connected) until the next deadline.
            let script_due = until.script.as_ref().and_then(Demo::deadline);
            let scenario_due = until.scenario.as_ref().and_then(Scenario::deadline);
            let storage_due = self.storage_failing.map(|since| since + RETRY_STORAGE);
            let reconnect_due = self.ws.is_none().then_some(self.reconnect_at).flatten();
            let ping_due = self
                .ping_interval()
                .filter(|_| self.ws.is_some())
                .map(|every| {
                    let due = self.last_ping.max(self.last_heard) + every;
                    let left = due.saturating_duration_since(StdInstant::now());
                    t + ocpp_engine::Duration::from_millis(left.as_millis() as u64)
                });
            let next = [
                self.cp.poll_timeout(),
                script_due,
                scenario_due,
                until.end,
                storage_due,
                reconnect_due,
                ping_due,
            ];
            let wait = next.into_iter().flatten().min().map_or(MAX_WAIT, |n| {
                StdDuration::from_millis(n.saturating_since(t).as_millis())
            });
            let most = if until.input.as_ref().is_some_and(Input::open) {
                MAX_WAIT_INTERACTIVE
            } else {
                MAX_WAIT
            };
            let wait = wait.clamp(StdDuration::from_millis(1), most);
            if let Err(why) = self.receive(wait) {
                let t = self.now();
                self.lost(t, &why);
            }
        }
    }

    /// Plays the commands typed or piped in since the last look; `true`
    /// when the person wants out.
    fn commands(&mut self, t: Instant, input: &mut Input) -> bool {
        while let Some(line) = input.next() {
            let text = match line {
                Line::Quit => return true,
                Line::End => {
                    say!("stdin ended: no more commands (the charger runs on; --seconds or a signal ends it)");
                    return false;
                }
                Line::Text(text) => text,
            };
            let text = text.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let parsed = commands::parse(text);
            if !input.terminal {
                say!("ocpp> {text}");
            }
            match parsed.and_then(|c| self.execute(t, &c)) {
                Ok(Flow::Quit) => return true,
                Ok(Flow::Continue) => {}
                Err(e) => complain!("{e}"),
            }
        }
        false
    }

    /// Whether the WebSocket is up.
    pub fn is_connected(&self) -> bool {
        self.ws.is_some()
    }

    /// What a firmware would do with `event`, in words, where it must act.
    fn hint(&self, event: &Event) -> Option<String> {
        Some(match *event {
            Event::Energy {
                connector,
                on: true,
            } => format!(
                "close the contactor of connector {connector} (the EV draws {} W)",
                self.hw.power_w(connector)
            ),
            Event::Energy {
                connector,
                on: false,
            } => format!("open the contactor of connector {connector}"),
            Event::Unlock { connector } => {
                format!("unlock the cable of connector {connector} (no lock motor here: unlocked)")
            }
            Event::IdTagRefused { .. } | Event::IdTagNotOwner { .. } => {
                "show the driver the card is refused".into()
            }
            Event::IdTagUnverified { .. } => "show the driver the card could not be checked".into(),
            _ => return None,
        })
    }

    /// What a firmware does with an event.
    fn act_on(&mut self, t: Instant, event: &Event) {
        match *event {
            Event::Energy { connector, on } => self.hw.energy(t, connector, on),
            Event::StorageFailed { key } => self.storage_failed(t, key),
            // No lock motor on a host: the cable is free at once.
            // (`false`: the EV side left, nobody waits for an answer.)
            Event::Unlock { connector } => {
                let _ = self.cp.unlock_result(connector, UnlockStatus::Unlocked);
            }
            Event::Reset { hard } => say!(
                "reset ({}) asked for: this host charge point does not restart; it carries on",
                if hard { "hard" } else { "soft" }
            ),
            _ => {}
        }
    }

    /// One attempt to connect; on failure the next one is scheduled.
    fn connect(&mut self, t: Instant) {
        // The AuthorizationKey the central system set, once it did, is the
        // password from then on (security profiles 1 and 2).
        let key = self.cp.authorization_key().map(str::to_owned);
        if let Some(key) = &key {
            crate::log::hide(key);
        }
        match self.endpoint.connect(key.as_deref()) {
            Ok(ws) => {
                self.last_heard = StdInstant::now();
                self.last_ping = self.last_heard;
                say!("connected to {} (subprotocol ocpp1.6)", self.endpoint.url);
                if !self.endpoint.trust.is_empty() {
                    say!(
                        "TLS: the server's certificate checked against {}",
                        self.endpoint.trust
                    );
                }
                self.ws = Some(ws);
                self.reconnect_at = None;
                let now = self.now();
                self.cp.connected(now);
            }
            Err(why) => {
                let delay = self.backoff.next_delay();
                complain!(
                    "cannot connect to {}: {why}; trying again in {:.1} s",
                    self.endpoint.url,
                    delay.as_secs_f64()
                );
                self.reconnect_at =
                    Some(t + ocpp_engine::Duration::from_millis(delay.as_millis() as u64));
            }
        }
    }

    /// The connection is gone: the engine hears of it, and the next
    /// attempt is scheduled.
    fn lost(&mut self, t: Instant, why: &str) {
        self.ws = None;
        self.cp.disconnected(t);
        let delay = self.backoff.next_delay();
        complain!(
            "connection to {} lost: {why}; reconnecting in {:.1} s ({} transaction messages queued)",
            self.endpoint.url,
            delay.as_secs_f64(),
            self.cp.queue().queued
        );
        self.reconnect_at = Some(t + ocpp_engine::Duration::from_millis(delay.as_millis() as u64));
    }

    /// Waits up to `wait` for a frame and hands it to the engine; without
    /// a connection, just waits. `Err` says why the connection is lost.
    fn receive(&mut self, wait: StdDuration) -> Result<(), String> {
        let Some(ws) = self.ws.as_mut() else {
            std::thread::sleep(wait);
            return Ok(());
        };
        if let Some(stream) = crate::net::tcp(ws) {
            stream
                .set_read_timeout(Some(wait))
                .map_err(|e| format!("cannot set the read timeout: {e}"))?;
        }
        let read = ws.read();
        if read.is_ok() {
            self.last_heard = StdInstant::now();
        }
        match read {
            Ok(Message::Text(text)) => {
                // Answers go out before the next read, so the engine is never Busy
                // here; any other refusal changed nothing and is not fatal.
                let now = self.now();
                let taken = self.cp.handle_frame(now, text.as_bytes());
                // A ChangeConfiguration of AuthorizationKey: hidden before printed.
                if let Some(key) = self.cp.authorization_key() {
                    crate::log::hide(key);
                }
                let (frame, line) = self.frames.read(Dir::Received, text.as_str());
                say!("{line}");
                if self.recording {
                    self.seen.push(Seen::Frame(frame));
                }
                if let Err(e) = taken {
                    complain!("frame not taken in: {e}");
                }
                Ok(())
            }
            Ok(Message::Binary(_)) => {
                complain!("ignored a binary message");
                Ok(())
            }
            Ok(Message::Close(frame)) => Err(match frame {
                Some(f) => format!(
                    "the central system closed the connection ({}: {:?})",
                    f.code,
                    f.reason.as_str()
                ),
                None => "the central system closed the connection".into(),
            }),
            Ok(_) => Ok(()), // ping, pong: tungstenite answers them itself
            Err(e) if is_timeout(&e) => {
                let Some(ws) = self.ws.as_mut() else {
                    return Ok(());
                };
                let now = Instant::from_millis(
                    u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX),
                );
                self.cp.handle_timeout(now);
                // Let tungstenite write any pending pong.
                match ws.flush() {
                    Err(e) if !is_timeout(&e) => Err(lost_words(&e)),
                    _ => Ok(()),
                }
            }
            Err(e) => Err(lost_words(&e)),
        }
    }

    /// WebSocketPingInterval, when it is not 0.
    fn ping_interval(&self) -> Option<StdDuration> {
        let mut text = String::new();
        self.cp
            .read_configuration("WebSocketPingInterval", &mut text)
            .then(|| text.parse::<u64>().ok())
            .flatten()
            .filter(|&s| s > 0)
            .map(StdDuration::from_secs)
    }

    /// Every WebSocketPingInterval of silence, a ping; after two intervals
    /// without any frame or pong, the connection is dead (`Err`).
    fn ping(&mut self) -> Result<(), String> {
        let (Some(every), Some(ws)) = (self.ping_interval(), self.ws.as_mut()) else {
            return Ok(());
        };
        let silent = self.last_heard.elapsed();
        if silent >= every * 2 {
            return Err(format!(
                "no frame and no answer to pings for {} s (WebSocketPingInterval {} s): \
                 the connection is dead",
                silent.as_secs(),
                every.as_secs()
            ));
        }
        if self.last_ping.max(self.last_heard).elapsed() >= every {
            self.last_ping = StdInstant::now();
            ws.send(Message::Ping(Vec::new().into()))
                .map_err(|e| format!("while sending a ping: {}", lost_words(&e)))?;
        }
        Ok(())
    }

    /// A record could not be written: nothing goes out until it can.
    fn storage_failed(&mut self, t: Instant, key: RecordKey) {
        let why = match self.cp.persist() {
            Err((_, e)) => e.to_string(),
            Ok(()) => "it worked when tried again".into(),
        };
        complain!(
            "cannot write the record {key} in {}: {why}; nothing is sent until it \
             can be written (retried every {} s): free space or fix the permissions",
            self.cp.storage().dir().display(),
            RETRY_STORAGE.as_millis() / 1000
        );
        self.storage_failing = Some(t);
    }

    /// While the storage fails, tries it again every [`RETRY_STORAGE`].
    fn retry_storage(&mut self, t: Instant) {
        let Some(since) = self.storage_failing else {
            return;
        };
        if t.saturating_since(since) < RETRY_STORAGE {
            return;
        }
        match self.cp.persist() {
            Ok(()) => {
                say!("storage: the records can be written again");
                self.storage_failing = None;
            }
            Err(_) => self.storage_failing = Some(t),
        }
    }

    /// Sends every frame the engine has for now.
    fn transmit(&mut self, t: Instant) -> Result<(), String> {
        let Some(ws) = self.ws.as_mut() else {
            return Ok(());
        };
        while let Some(n) = self
            .cp
            .poll_transmit(t, &mut self.buf)
            .map_err(|e| format!("poll_transmit: {e}"))?
        {
            let text =
                std::str::from_utf8(&self.buf[..n]).map_err(|_| "a frame that is not UTF-8")?;
            let (frame, line) = self.frames.read(Dir::Sent, text);
            say!("{line}");
            if self.recording {
                self.seen.push(Seen::Frame(frame));
            }
            ws.send(Message::text(text))
                .map_err(|e| format!("while sending: {}", lost_words(&e)))?;
        }
        Ok(())
    }

    /// Closes the WebSocket (1000, normal closure) and waits briefly for the
    /// central system's close frame.
    pub fn close(&mut self) {
        if let Some(mut ws) = self.ws.take() {
            let reason = "charge point stopping".into();
            let _ = ws.close(Some(CloseFrame {
                code: CloseCode::Normal,
                reason,
            }));
            if let Some(stream) = crate::net::tcp(&ws) {
                let _ = stream.set_read_timeout(Some(StdDuration::from_millis(100)));
            }
            let give_up = StdInstant::now() + StdDuration::from_secs(2);
            while StdInstant::now() < give_up {
                match ws.read() {
                    Err(e) if !is_timeout(&e) => break, // ConnectionClosed: the handshake is over
                    _ => {}
                }
            }
            self.cp.disconnected(self.now());
        }
        let _ = io::stdout().flush();
    }
}

/// A read or write that ran into the socket's timeout: nothing is wrong.
fn is_timeout(e: &WsError) -> bool {
    let WsError::Io(e) = e else { return false };
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Why a connection that was up is gone, in words.
fn lost_words(e: &WsError) -> String {
    match e {
        WsError::Io(e) if e.kind() == io::ErrorKind::ConnectionReset => {
            "the central system reset the connection".into()
        }
        WsError::Io(e) => format!("network error: {e}"),
        WsError::ConnectionClosed | WsError::AlreadyClosed => "the connection is closed".into(),
        WsError::Protocol(tungstenite::error::ProtocolError::ResetWithoutClosingHandshake) => {
            "the central system dropped the connection without a close".into()
        }
        other => format!("WebSocket error: {other}"),
    }
}

/// A registration state in words.
pub fn words(state: BootState, now: Instant) -> String {
    match state {
        BootState::Due => "not registered yet (BootNotification to send)".into(),
        BootState::Sent => "BootNotification sent, waiting for the answer".into(),
        BootState::RetryAt(at) => format!(
            "not accepted yet: BootNotification again in {:.1} s",
            at.saturating_since(now).as_millis() as f64 / 1000.0
        ),
        BootState::Accepted => "accepted by the central system".into(),
    }
}

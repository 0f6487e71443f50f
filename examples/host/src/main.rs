//! `ocpp-host`: an OCPP 1.6J charge point on a host, on a real WebSocket.
//!
//! The whole charge point lives in an `ocpp_alloc::HostPool<Talc>` of
//! `--pool` bytes. This program owns the sans-IO loop: it reads frames with a
//! read timeout taken from `poll_timeout()` (and calls `handle_timeout` when
//! the read times out), hands text frames to `handle_frame`, sends what
//! `poll_transmit` gives and prints the events. Plain `ws://` only; a network
//! error ends the program with a message and status 1, never a panic.
//!
//! The charge point's records (configuration, availability, authorization
//! cache, transactions and their message queue) are files in `--data-dir`
//! (`ocpp_storage::FileStorage`), and the simulated hardware (cables,
//! meters) is kept beside them (`hardware.rs`): killed at any point and
//! started again with the same directory, it carries on.

use std::io::{self, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration as StdDuration, Instant as StdInstant};

use ocpp_alloc::{HostPool, Pool, Talc};
use ocpp_engine::ocpp_model::UnlockStatus;
use ocpp_engine::{ChargePoint, Config, Event, Instant, RecordKey};
use ocpp_storage::FileStorage;
use tungstenite::client::IntoClientRequest;
use tungstenite::error::UrlError;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Error as WsError, Message, WebSocket};

mod demo;
mod hardware;

type Ws = WebSocket<MaybeTlsStream<TcpStream>>;
/// The charge point: in a host pool, its records in files.
pub type Cp<'p> = ChargePoint<&'p Pool<Talc>, FileStorage>;

/// Longest wait for one read, so `--seconds` and the demo are looked at.
const MAX_WAIT: StdDuration = StdDuration::from_secs(1);
/// Room for one outgoing frame (the engine's frames are far smaller).
const FRAME_BUF: usize = 4096;
/// How often a failing storage is tried again.
const RETRY_STORAGE: ocpp_engine::Duration = ocpp_engine::Duration::from_millis(1000);

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
  --seconds N       stop after N seconds: exit 0 without a script, 1 if the script is not finished";

#[derive(Debug, Default)]
struct Args {
    url: String,
    id: String,
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
    if id.is_empty() || id.contains(['/', '?', '#', ' ']) {
        return Err(format!("charge point id {id:?} cannot be a path segment"));
    }
    a.url = format!("{}/{}", csms.trim_end_matches('/'), id);
    a.id = id;
    Ok(a)
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
        eprintln!("ocpp-host: {e}");
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
    println!(
        "pool of {} B after ChargePoint::restore: {stats}",
        args.pool
    );

    let ws = connect(&args.url).map_err(|e| format!("cannot reach {}: {e}", args.url))?;
    println!("connected to {} (subprotocol ocpp1.6)", args.url);
    let mut host = Host {
        ws,
        cp,
        hw,
        buf: vec![0; FRAME_BUF],
        start,
        storage_failing: None,
    };
    let outcome = host.session(args);
    host.close();
    println!("pool at the end: {}", pool.stats());
    drop(host);
    println!("pool after dropping the charge point: {}", pool.stats());
    outcome
}

/// Says what `restore` found in `dir`.
fn report_restored(dir: &std::path::Path, r: &ocpp_engine::Restored, hw: &hardware::Hardware) {
    println!(
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
            println!("storage: record {key} dropped ({why:?}){lost}");
        }
    }
    if r.resumed > 0 {
        println!(
            "storage: the meter of connector 1 carries on at {} Wh",
            hw.energy_wh(1)
        );
    }
}

fn connect(url: &str) -> Result<Ws, WsError> {
    let mut request = url.into_client_request()?;
    let protocol = "ocpp1.6".parse().expect("a valid header value");
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", protocol);
    // tungstenite checks that the server picked the offered subprotocol.
    let (ws, _response) = tungstenite::connect(request)?;
    match ws.get_ref() {
        MaybeTlsStream::Plain(stream) => stream.set_nodelay(true)?,
        _ => return Err(WsError::Url(UrlError::TlsFeatureNotEnabled)),
    }
    Ok(ws)
}

/// A read or write that ran into the socket's timeout: nothing is wrong.
fn is_timeout(e: &WsError) -> bool {
    let WsError::Io(e) = e else { return false };
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// The charge point and its connection.
struct Host<'p> {
    ws: Ws,
    cp: Cp<'p>,
    hw: hardware::Hardware,
    buf: Vec<u8>,      // one outgoing frame
    start: StdInstant, // origin of the engine's clock
    /// Since when the storage fails, while it does: retried every second.
    storage_failing: Option<Instant>,
}

impl Host<'_> {
    /// The engine's clock: milliseconds since the session started.
    fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// Runs the sans-IO loop until the demo is over, `--seconds` have
    /// passed, or the connection fails.
    fn session(&mut self, args: &Args) -> Result<(), String> {
        let end = args
            .seconds
            .map(|s| Instant::from_millis(s.saturating_mul(1000)));
        let mut demo = args.script.as_deref().and_then(demo::Demo::new);
        if demo.is_some() {
            let now = self.now();
            demo::Demo::configure(&mut self.cp, now)?;
        }
        self.cp.connected(self.now());
        let mut registration = self.cp.boot_state();
        loop {
            let t = self.now();
            if self.cp.poll_timeout().is_some_and(|deadline| deadline <= t) {
                self.cp.handle_timeout(t);
            }
            // A refused or unreadable BootNotification answer gives no event: say so here.
            if self.cp.boot_state() != registration {
                registration = self.cp.boot_state();
                println!("registration: {registration:?} at {} ms", t.as_millis());
            }
            self.retry_storage(t);
            while let Some(event) = self.cp.poll_event() {
                println!("event: {event:?}");
                match event {
                    Event::Energy { connector, on } => self.hw.energy(t, connector, on),
                    Event::StorageFailed { key } => self.storage_failed(t, key),
                    // No lock motor on a host: the cable is free at once.
                    // (`false`: the EV side left, nobody waits for an answer.)
                    Event::Unlock { connector } => {
                        let _ = self.cp.unlock_result(connector, UnlockStatus::Unlocked);
                    }
                    Event::Reset { hard } => println!(
                        "reset ({}) asked for: this host charge point does not restart; it carries on",
                        if hard { "hard" } else { "soft" }
                    ),
                    _ => {}
                }
                if let Some(demo) = demo.as_mut() {
                    demo.on_event(t, &event);
                }
            }
            self.hw.feed(t, &mut self.cp)?;
            let finished = match demo.as_mut() {
                Some(demo) => demo.play(t, &mut self.cp, &mut self.hw)?,
                None => false,
            };
            self.transmit(t)?;
            if finished {
                return Ok(());
            }
            if end.is_some_and(|end| t >= end) {
                let unfinished = demo.map(|_| "the demo did not finish in time".to_string());
                return unfinished.map_or(Ok(()), Err);
            }

            // Sleep in the read until the next deadline of the engine, the demo or the run.
            let demo_due = demo.as_ref().and_then(demo::Demo::deadline);
            let storage_due = self.storage_failing.map(|since| since + RETRY_STORAGE);
            let next = [self.cp.poll_timeout(), demo_due, end, storage_due];
            let wait = next.into_iter().flatten().min().map_or(MAX_WAIT, |n| {
                StdDuration::from_millis(n.saturating_since(t).as_millis())
            });
            if let MaybeTlsStream::Plain(stream) = self.ws.get_mut() {
                let wait = wait.clamp(StdDuration::from_millis(1), MAX_WAIT);
                stream
                    .set_read_timeout(Some(wait))
                    .map_err(|e| format!("set_read_timeout: {e}"))?;
            }
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    println!("< {}", text.as_str());
                    // Answers go out before the next read, so the engine is never Busy
                    // here; any other refusal changed nothing and is not fatal.
                    if let Err(e) = self.cp.handle_frame(self.now(), text.as_bytes()) {
                        eprintln!("ocpp-host: frame not taken in: {e}");
                    }
                }
                Ok(Message::Binary(_)) => eprintln!("ocpp-host: ignored a binary message"),
                Ok(Message::Close(frame)) => {
                    self.cp.disconnected(self.now());
                    return Err(format!(
                        "the central system closed the connection: {frame:?}"
                    ));
                }
                Ok(_) => {} // ping, pong: tungstenite answers them itself
                Err(e) if is_timeout(&e) => {
                    self.cp.handle_timeout(self.now());
                    // Let tungstenite write any pending pong.
                    match self.ws.flush() {
                        Err(e) if is_timeout(&e) => {}
                        other => other.map_err(|e| format!("WebSocket lost: {e}"))?,
                    }
                }
                Err(e) => {
                    self.cp.disconnected(self.now());
                    return Err(format!("WebSocket lost: {e}"));
                }
            }
        }
    }

    /// A record could not be written: nothing goes out until it can.
    fn storage_failed(&mut self, t: Instant, key: RecordKey) {
        let why = match self.cp.persist() {
            Err((_, e)) => e.to_string(),
            Ok(()) => "it worked when tried again".into(),
        };
        eprintln!(
            "ocpp-host: cannot write the record {key} in {}: {why}; nothing is sent until it \
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
                println!("storage: the records can be written again");
                self.storage_failing = None;
            }
            Err(_) => self.storage_failing = Some(t),
        }
    }

    /// Sends every frame the engine has for now.
    fn transmit(&mut self, t: Instant) -> Result<(), String> {
        while let Some(n) = self
            .cp
            .poll_transmit(t, &mut self.buf)
            .map_err(|e| format!("poll_transmit: {e}"))?
        {
            let text =
                std::str::from_utf8(&self.buf[..n]).map_err(|_| "a frame that is not UTF-8")?;
            println!("> {text}");
            self.ws
                .send(Message::text(text))
                .map_err(|e| format!("WebSocket lost while sending: {e}"))?;
        }
        Ok(())
    }

    /// Closes the WebSocket (1000, normal closure) and waits briefly for the
    /// central system's close frame.
    fn close(&mut self) {
        let reason = "charge point stopping".into();
        let _ = self.ws.close(Some(CloseFrame {
            code: CloseCode::Normal,
            reason,
        }));
        if let MaybeTlsStream::Plain(stream) = self.ws.get_mut() {
            let _ = stream.set_read_timeout(Some(StdDuration::from_millis(100)));
        }
        let give_up = StdInstant::now() + StdDuration::from_secs(2);
        while StdInstant::now() < give_up {
            match self.ws.read() {
                Err(e) if !is_timeout(&e) => break, // ConnectionClosed: the handshake is over
                _ => {}
            }
        }
        let _ = io::stdout().flush();
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
        assert_eq!(a.url, "ws://h:9000/ocpp/CP-0001");
        assert_eq!((a.connectors, a.pool, a.script), (1, 16384, None));
        let a = args("--csms ws://h --id C --connectors 2 --pool 8192 --script demo --seconds 9");
        let a = a.unwrap();
        assert_eq!((a.connectors, a.pool, a.seconds), (2, 8192, Some(9)));
        assert_eq!(a.script.as_deref(), Some("demo"));
        let bad = "--id C|--csms ws://h|--csms ws://h --id a/b|--csms ws://h --id C --bogus|\
                   --csms ws://h --id C --connectors 300|--csms ws://h --id C --script other";
        for bad in bad.split('|') {
            assert!(args(bad).is_err(), "{bad}");
        }
    }
}

//! `ocpp-host`: an OCPP 1.6J charge point on a host, on a real WebSocket.
//!
//! The whole charge point lives in an `ocpp_alloc::HostPool<Talc>` of
//! `--pool` bytes. This program owns the sans-IO loop: it reads frames with a
//! read timeout taken from `poll_timeout()` (and calls `handle_timeout` when
//! the read times out), hands text frames to `handle_frame`, sends what
//! `poll_transmit` gives and prints the events. Plain `ws://` only; a network
//! error ends the program with a message and status 1, never a panic.

use std::io::{self, Write};
use std::net::TcpStream;
use std::time::{Duration as StdDuration, Instant as StdInstant};

use ocpp_alloc::{HostPool, Pool, Talc};
use ocpp_engine::ocpp_model::UnlockStatus;
use ocpp_engine::{ChargePoint, Config, Event, Instant};
use tungstenite::client::IntoClientRequest;
use tungstenite::error::UrlError;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Error as WsError, Message, WebSocket};

mod demo;

type Ws = WebSocket<MaybeTlsStream<TcpStream>>;

/// Longest wait for one read, so `--seconds` and the demo are looked at.
const MAX_WAIT: StdDuration = StdDuration::from_secs(1);
/// Room for one outgoing frame (the engine's frames are far smaller).
const FRAME_BUF: usize = 4096;

const USAGE: &str = "usage: ocpp-host --csms ws://HOST:PORT/PATH --id CHARGE_POINT_ID [--connectors N] [--pool BYTES] [--script demo] [--seconds N]

  --csms URL        the central system's endpoint; the charge point id is appended as a path segment
  --id ID           the charge point identity
  --connectors N    connectors, not counting connector 0 (default 1)
  --pool BYTES      size of the pool that holds the whole charge point (default 16384)
  --script demo     play two charging sessions on connector 1 (local, then remote), then exit 0
  --seconds N       stop after N seconds: exit 0 without a script, 1 if the script is not finished";

#[derive(Debug, Default)]
struct Args {
    url: String,
    connectors: u8,
    pool: usize,
    demo: bool,
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
            "--script" => match value()?.as_str() {
                "demo" => a.demo = true,
                other => return Err(format!("unknown script {other:?} (there is: demo)")),
            },
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
    let cp = ChargePoint::new(&config, &*pool)
        .map_err(|e| format!("the charge point in a pool of {} B: {e:?}", args.pool))?;
    let stats = pool.stats();
    println!("pool of {} B after ChargePoint::new: {stats}", args.pool);

    let ws = connect(&args.url).map_err(|e| format!("cannot reach {}: {e}", args.url))?;
    println!("connected to {} (subprotocol ocpp1.6)", args.url);
    let mut host = Host {
        ws,
        cp,
        buf: vec![0; FRAME_BUF],
        start: StdInstant::now(),
    };
    let outcome = host.session(args);
    host.close();
    println!("pool at the end: {}", pool.stats());
    drop(host);
    println!("pool after dropping the charge point: {}", pool.stats());
    outcome
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
    cp: ChargePoint<&'p Pool<Talc>>,
    buf: Vec<u8>,      // one outgoing frame
    start: StdInstant, // origin of the engine's clock
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
        let mut demo = args.demo.then(demo::Demo::default);
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
            while let Some(event) = self.cp.poll_event() {
                println!("event: {event:?}");
                match event {
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
            let finished = match demo.as_mut() {
                Some(demo) => demo.play(t, &mut self.cp)?,
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
            let next = [self.cp.poll_timeout(), demo_due, end];
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
        assert_eq!((a.connectors, a.pool, a.demo), (1, 16384, false));
        let a = args("--csms ws://h --id C --connectors 2 --pool 8192 --script demo --seconds 9");
        let a = a.unwrap();
        assert_eq!((a.connectors, a.pool, a.seconds), (2, 8192, Some(9)));
        assert!(a.demo);
        let bad = "--id C|--csms ws://h|--csms ws://h --id a/b|--csms ws://h --id C --bogus|\
                   --csms ws://h --id C --connectors 300|--csms ws://h --id C --script other";
        for bad in bad.split('|') {
            assert!(args(bad).is_err(), "{bad}");
        }
    }
}

//! `ocpp-bridge`: puts a charge point's newline-delimited OCPP-J frames on a
//! central system's WebSocket.
//!
//! A firmware without a network stack (see `examples/rp2040`) writes one
//! OCPP-J frame per line on a UART. This program reads those lines from a
//! serial device (any path that opens as a file, e.g. `/dev/ttyACM0`, set up
//! beforehand with `stty -F /dev/ttyACM0 115200 raw -echo`) or from a TCP
//! client (a serial-to-TCP adapter, an emulator, a test), sends each one as a
//! WebSocket text message to `<endpoint>/<charge point id>` with the
//! `ocpp1.6` subprotocol, and writes every text message it receives back as
//! one line.
//!
//! Lines starting with `#` are control lines, never OCPP-J (whose frames
//! start with `[`). The bridge writes `#connected` once the WebSocket is open
//! and `#disconnected` when it is lost; the firmware feeds them to its
//! engine's `connected(now)` / `disconnected(now)`. Control lines from the
//! device (such as the RP2040 firmware's `#stats ...`) are logged on stderr,
//! not forwarded; a device that says `#booted` (it started, after a Reset
//! say) while the WebSocket is open is told `#connected` again. While the WebSocket is down the
//! bridge retries every few seconds and drops the device's lines (the engine
//! keeps and retries what must not be lost).
//!
//! Only `ws://` is built in; put a TLS-terminating proxy in front of a
//! `wss://` central system, or add tungstenite's `rustls-tls-webpki-roots`
//! feature.

use std::fs::OpenOptions;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

use tungstenite::client::IntoClientRequest;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Error as WsError, Message, WebSocket};

mod lines;

/// Longest line (frame) accepted from the device; longer ones are dropped.
const MAX_LINE: usize = 64 * 1024;
/// How long one WebSocket read waits before the device side is looked at again.
const POLL: Duration = Duration::from_millis(10);
/// Pause between two WebSocket connection attempts.
const RECONNECT: Duration = Duration::from_secs(5);

const USAGE: &str = "usage: ocpp-bridge (--serial PATH | --tcp-listen ADDR) --csms ws://HOST:PORT/PATH --id CHARGE_POINT_ID [--once]

  --serial PATH       read and write frames on a serial device (configure it first with stty)
  --tcp-listen ADDR   accept a device over TCP instead (prints `listening on ADDR` once bound)
  --csms URL          the central system's endpoint; the charge point id is appended as a path segment
  --id ID             the charge point identity
  --once              in TCP mode, exit after the first device disconnects";

enum Device {
    Serial(String),
    TcpListen(String),
}

struct Args {
    device: Device,
    url: String,
    once: bool,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut device, mut csms, mut id, mut once) = (None, None, None, false);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--serial" => device = Some(Device::Serial(value()?)),
            "--tcp-listen" => device = Some(Device::TcpListen(value()?)),
            "--csms" => csms = Some(value()?),
            "--id" => id = Some(value()?),
            "--once" => once = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let device = device.ok_or("one of --serial or --tcp-listen is required")?;
    let csms = csms.ok_or("--csms is required")?;
    let id = id.ok_or("--id is required")?;
    if id.is_empty() || id.contains(['/', '?', '#', ' ']) {
        return Err(format!("charge point id {id:?} cannot be a path segment"));
    }
    let url = format!("{}/{}", csms.trim_end_matches('/'), id);
    Ok(Args { device, url, once })
}

fn main() {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("ocpp-bridge: {msg}");
            }
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("ocpp-bridge: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> io::Result<()> {
    match &args.device {
        Device::Serial(path) => {
            let file = OpenOptions::new().read(true).write(true).open(path)?;
            let writer = file.try_clone()?;
            serve_device(&args.url, file, writer)
        }
        Device::TcpListen(addr) => {
            let listener = TcpListener::bind(addr)?;
            println!("listening on {}", listener.local_addr()?);
            io::stdout().flush()?;
            loop {
                let (stream, peer) = listener.accept()?;
                eprintln!("ocpp-bridge: device connected from {peer}");
                let writer = stream.try_clone()?;
                match serve_device(&args.url, stream, writer) {
                    Ok(()) => eprintln!("ocpp-bridge: device {peer} left"),
                    Err(e) => eprintln!("ocpp-bridge: device {peer} lost: {e}"),
                }
                if args.once {
                    return Ok(());
                }
            }
        }
    }
}

/// Forwards between one device and the central system until the device
/// closes, reconnecting the WebSocket as often as needed.
fn serve_device(
    url: &str,
    reader: impl Read + Send + 'static,
    mut device: impl Write,
) -> io::Result<()> {
    let lines = lines::spawn_reader(reader, MAX_LINE);
    loop {
        let mut ws = match connect(url) {
            Ok(ws) => ws,
            Err(e) => {
                eprintln!("ocpp-bridge: cannot reach {url}: {e}; retrying");
                if discard_for(&lines, RECONNECT) {
                    return Ok(());
                }
                continue;
            }
        };
        eprintln!("ocpp-bridge: connected to {url}");
        device.write_all(b"#connected\n")?;
        device.flush()?;
        let end = pump(&mut ws, &lines, &mut device);
        let _ = ws.close(None);
        let _ = ws.flush();
        match end {
            End::DeviceClosed => return Ok(()),
            End::DeviceError(e) => return Err(e),
            End::WsClosed(why) => {
                eprintln!("ocpp-bridge: WebSocket lost ({why}); reconnecting");
                device.write_all(b"#disconnected\n")?;
                device.flush()?;
                if discard_for(&lines, RECONNECT) {
                    return Ok(());
                }
            }
        }
    }
}

fn connect(url: &str) -> Result<WebSocket<MaybeTlsStream<TcpStream>>, WsError> {
    let mut request = url.into_client_request()?;
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "ocpp1.6".parse().expect("a valid header value"),
    );
    let (ws, _response) = tungstenite::connect(request)?;
    // tungstenite checks that the server picked one of the offered subprotocols.
    match ws.get_ref() {
        MaybeTlsStream::Plain(stream) => {
            stream.set_read_timeout(Some(POLL))?;
            stream.set_nodelay(true)?;
        }
        _ => {
            return Err(WsError::Url(
                tungstenite::error::UrlError::TlsFeatureNotEnabled,
            ))
        }
    }
    Ok(ws)
}

enum End {
    DeviceClosed,
    DeviceError(io::Error),
    WsClosed(String),
}

fn pump(
    ws: &mut WebSocket<MaybeTlsStream<TcpStream>>,
    lines: &Receiver<String>,
    device: &mut impl Write,
) -> End {
    loop {
        // Device -> central system: everything that arrived since the last turn.
        loop {
            match lines.try_recv() {
                Ok(line) if line.starts_with('#') => {
                    eprintln!("ocpp-bridge: device says {line}");
                    // The device (re)started, after a Reset say: tell it the
                    // WebSocket is already open, or it waits for `#connected`.
                    if line == "#booted" {
                        if let Err(e) = device
                            .write_all(b"#connected\n")
                            .and_then(|()| device.flush())
                        {
                            return End::DeviceError(e);
                        }
                    }
                }
                Ok(line) => {
                    if let Err(e) = ws.send(Message::text(line)) {
                        return End::WsClosed(e.to_string());
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return End::DeviceClosed,
            }
        }
        // Central system -> device: at most one message, waiting at most POLL.
        match ws.read() {
            Ok(Message::Text(text)) => {
                let mut line = text.as_str().replace(['\r', '\n'], " ");
                line.push('\n');
                if let Err(e) = device
                    .write_all(line.as_bytes())
                    .and_then(|()| device.flush())
                {
                    return End::DeviceError(e);
                }
            }
            Ok(Message::Binary(_)) => {
                eprintln!("ocpp-bridge: ignored a binary message (OCPP-J is text)")
            }
            Ok(_) => {} // ping, pong, close: tungstenite answers them itself
            Err(WsError::Io(e))
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                // Nothing arrived; let tungstenite write any pending pong.
                match ws.flush() {
                    Ok(()) => {}
                    Err(WsError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => return End::WsClosed(e.to_string()),
                }
            }
            Err(e) => return End::WsClosed(e.to_string()),
        }
    }
}

/// Drops the device's lines for `pause` (nobody to send them to). Returns
/// whether the device closed meanwhile.
fn discard_for(lines: &Receiver<String>, pause: Duration) -> bool {
    let deadline = std::time::Instant::now() + pause;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return false;
        }
        match lines.recv_timeout(left) {
            Ok(_) => eprintln!("ocpp-bridge: dropped a line: no WebSocket"),
            Err(mpsc::RecvTimeoutError::Timeout) => return false,
            Err(mpsc::RecvTimeoutError::Disconnected) => return true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse_args(s.split_whitespace().map(String::from))
    }

    #[test]
    fn url_is_endpoint_slash_id() {
        let a = args("--tcp-listen 127.0.0.1:0 --csms ws://h:9000/ocpp/ --id CP1").unwrap();
        assert_eq!(a.url, "ws://h:9000/ocpp/CP1");
        assert!(matches!(a.device, Device::TcpListen(_)));
    }

    #[test]
    fn rejects_incomplete_or_bad_arguments() {
        assert!(args("--csms ws://h/ocpp --id CP1").is_err());
        assert!(args("--serial /dev/ttyACM0 --id CP1").is_err());
        assert!(args("--serial /dev/ttyACM0 --csms ws://h --id a/b").is_err());
        assert!(args("--serial /dev/ttyACM0 --csms ws://h --id CP1 --bogus").is_err());
    }
}

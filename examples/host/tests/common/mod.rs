//! A small central system for the tests of `ocpp-host`: a tungstenite
//! server on 127.0.0.1, plain or behind rustls, that serves each charge
//! point connection on its own thread (the same charger restarted or
//! reconnecting, or a swarm of them at once), answers the Core CALLs, and
//! records every CALL with the connection and the identity it came from.
//!
//! Its StartTransaction answer gives the same transactionId to an
//! identical resend of the same identity (OCPP lets a charge point send a
//! transaction message again when it cannot know whether it arrived), a
//! new one (from 1001) otherwise.

#![allow(dead_code)] // each test file uses a part of it

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::handshake::server::{Request, Response};
use tungstenite::Message;

/// One CALL of the charge point.
#[derive(Clone, Debug)]
pub struct Call {
    /// Which connection (0, 1, ...) it came on.
    pub conn: usize,
    /// The charge point's identity: the last segment of the URL's path.
    pub id: String,
    pub action: String,
    pub payload: Value,
}

#[derive(Default)]
struct Shared {
    calls: Vec<Call>,
    /// The Authorization header of each handshake (None: there was none).
    authorizations: Vec<Option<String>>,
    /// The only Authorization header accepted, when set (else HTTP 401).
    required: Option<String>,
    /// The password of HTTP Basic authentication whose user is the
    /// identity, when set (else HTTP 401).
    password: Option<String>,
    /// Answer the handshake without picking the subprotocol ocpp1.6.
    no_subprotocol: bool,
    /// While set, the current connection is read from no more: no answer,
    /// no pong, the TCP connection open (a central system that hangs).
    frozen: bool,
    connections: usize,
    /// Connections open now, and the most open at once.
    open: usize,
    most_open: usize,
    /// StartTransaction identities and payloads, and the ids given to them.
    started: Vec<(String, Value, i64)>,
    /// CALLs of ours to send on the current (the newest) connection, and
    /// how many went.
    outgoing: Vec<(String, Value)>,
    sent: usize,
    /// The charge point's answers to our CALLs: (action, the whole frame).
    answers: Vec<(String, Value)>,
}

/// The central system; it stops listening when dropped.
pub struct Csms {
    pub port: u16,
    shared: Arc<Mutex<Shared>>,
    /// While true, connections are accepted and closed at once (the
    /// central system "is down"); see [`Csms::set_down`].
    down: Arc<AtomicBool>,
    /// Bumped to drop the connections open at that moment.
    kick: Arc<AtomicUsize>,
}

impl Csms {
    pub fn start() -> Self {
        Self::start_on(0)
    }

    /// On `port` of 127.0.0.1 (0: any free one).
    pub fn start_on(port: u16) -> Self {
        Self::start_with(port, None)
    }

    /// Behind TLS with this server configuration (wss://).
    pub fn start_tls(config: rustls::ServerConfig) -> Self {
        Self::start_with(0, Some(Arc::new(config)))
    }

    fn start_with(port: u16, tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local_addr").port();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let down = Arc::new(AtomicBool::new(false));
        let kick = Arc::new(AtomicUsize::new(0));
        let (s, d, k) = (shared.clone(), down.clone(), kick.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                if d.load(Ordering::SeqCst) {
                    drop(stream); // refused: the charger sees the handshake fail
                    continue;
                }
                // Each connection on its own thread: a swarm at once, and a
                // charger's new connection while its old one is not yet
                // noticed gone.
                let (s, k, tls) = (s.clone(), k.clone(), tls.clone());
                let epoch = k.load(Ordering::SeqCst);
                thread::spawn(move || {
                    let Some(tls) = tls else {
                        serve(stream, &s, &k, epoch);
                        return;
                    };
                    if let Ok(conn) = rustls::ServerConnection::new(tls) {
                        serve(rustls::StreamOwned::new(conn, stream), &s, &k, epoch);
                    }
                });
            }
        });
        Self {
            port,
            shared,
            down,
            kick,
        }
    }

    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}/ocpp", self.port)
    }

    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().unwrap().calls.clone()
    }

    /// Accept only handshakes with this Authorization header.
    pub fn require_authorization(&self, header: &str) {
        self.shared.lock().unwrap().required = Some(header.to_string());
    }

    /// Accept only handshakes with HTTP Basic authentication whose user is
    /// the identity (the path's last segment) and whose password is this
    /// (security profiles 1 and 2 with the AuthorizationKey).
    pub fn require_password(&self, password: &str) {
        self.shared.lock().unwrap().password = Some(password.to_string());
    }

    /// The transactionIds given to the StartTransactions of identity `id`.
    pub fn transactions_of(&self, id: &str) -> Vec<i64> {
        let s = self.shared.lock().unwrap();
        s.started
            .iter()
            .filter(|(who, _, _)| who == id)
            .map(|(_, _, tx)| *tx)
            .collect()
    }

    /// The most connections that were open at once.
    pub fn most_open(&self) -> usize {
        self.shared.lock().unwrap().most_open
    }

    pub fn authorizations(&self) -> Vec<Option<String>> {
        self.shared.lock().unwrap().authorizations.clone()
    }

    /// Stops reading the current connection (`true`) or reads again.
    pub fn freeze(&self, frozen: bool) {
        self.shared.lock().unwrap().frozen = frozen;
    }

    /// Answer handshakes without the subprotocol.
    pub fn refuse_subprotocol(&self) {
        self.shared.lock().unwrap().no_subprotocol = true;
    }

    /// Sends a CALL of `action` to the charge point (on the current, the
    /// newest, connection, within 100 ms); its answer goes to
    /// [`Csms::answers`].
    pub fn call(&self, action: &str, payload: Value) {
        let mut s = self.shared.lock().unwrap();
        s.outgoing.push((action.to_string(), payload));
    }

    /// The charge point's answers to our CALLs: (action, frame).
    pub fn answers(&self) -> Vec<(String, Value)> {
        self.shared.lock().unwrap().answers.clone()
    }

    pub fn connections(&self) -> usize {
        self.shared.lock().unwrap().connections
    }

    /// Drops the open connections, and refuses new ones while `down`.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
        if down {
            self.kick.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Waits until `what` holds of the calls, at most `secs` seconds.
    pub fn wait_for(&self, secs: u64, what: &str, f: impl Fn(&[Call]) -> bool) {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if f(&self.calls()) {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        panic!("no {what} within {secs} s; calls: {:#?}", self.calls());
    }
}

/// A stream over TCP, plain or TLS.
pub trait Tcp: Read + Write {
    fn tcp(&self) -> &TcpStream;
}

impl Tcp for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Tcp for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref()
    }
}

/// The last segment of a request's path: the charge point's identity.
fn identity(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Serves one connection until it ends, or until `kick` moves on from `epoch`.
fn serve(stream: impl Tcp, shared: &Mutex<Shared>, kick: &AtomicUsize, epoch: usize) {
    let mut id = String::new();
    // tungstenite's callback type, not ours: its error is an HTTP response.
    #[allow(clippy::result_large_err)]
    let pick = |request: &Request, mut response: Response| {
        let auth = request
            .headers()
            .get("Authorization")
            .map(|v| v.to_str().unwrap_or("?").to_string());
        id = identity(request.uri().path());
        let mut s = shared.lock().unwrap();
        s.authorizations.push(auth.clone());
        let basic = s.password.as_ref().map(|password| {
            let token = data_encoding::BASE64.encode(format!("{id}:{password}").as_bytes());
            format!("Basic {token}")
        });
        let wrong = |want: &Option<String>| want.is_some() && *want != auth;
        if wrong(&s.required) || wrong(&basic) {
            let mut no = tungstenite::handshake::server::ErrorResponse::new(None);
            *no.status_mut() = tungstenite::http::StatusCode::UNAUTHORIZED;
            return Err(no);
        }
        if s.no_subprotocol {
            return Ok(response);
        }
        let proto = "ocpp1.6".parse().expect("header value");
        response
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", proto);
        Ok(response)
    };
    let Ok(mut ws) = tungstenite::accept_hdr(stream, pick) else {
        return;
    };
    let conn = {
        let mut s = shared.lock().unwrap();
        s.connections += 1;
        s.open += 1;
        s.most_open = s.most_open.max(s.open);
        s.connections - 1
    };
    struct Closed<'a>(&'a Mutex<Shared>);
    impl Drop for Closed<'_> {
        fn drop(&mut self) {
            if let Ok(mut s) = self.0.lock() {
                s.open -= 1;
            }
        }
    }
    let _closed = Closed(shared);
    let _ = ws
        .get_ref()
        .tcp()
        .set_read_timeout(Some(Duration::from_millis(100)));
    loop {
        if kick.load(Ordering::SeqCst) != epoch {
            return; // dropped without a close: as a crash or a cable pulled
        }
        if shared.lock().unwrap().frozen {
            thread::sleep(Duration::from_millis(50));
            continue;
        }
        let due: Vec<(usize, String, Value)> = {
            let mut s = shared.lock().unwrap();
            if conn + 1 != s.connections {
                Vec::new() // our CALLs go on the newest connection only
            } else {
                let from = s.sent;
                s.sent = s.outgoing.len();
                (from..s.sent)
                    .map(|n| (n, s.outgoing[n].0.clone(), s.outgoing[n].1.clone()))
                    .collect()
            }
        };
        for (n, action, payload) in due {
            let call = json!([2, format!("csms-{n}"), action, payload]);
            if ws.send(Message::text(call.to_string())).is_err() {
                return;
            }
        }
        let text = match ws.read() {
            Ok(Message::Text(t)) => t.as_str().to_string(),
            Ok(Message::Close(_)) => {
                let _ = ws.flush();
                return;
            }
            Ok(_) => continue,
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(_) => return,
        };
        let frame: Value = serde_json::from_str(&text).expect("a JSON frame");
        if frame[0] != 2 {
            // An answer to a CALL of ours: csms-N.
            let mut s = shared.lock().unwrap();
            let n = frame[1].as_str().and_then(|id| id.strip_prefix("csms-"));
            let action = n
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| s.outgoing.get(n))
                .map(|(a, _)| a.clone())
                .unwrap_or_default();
            s.answers.push((action, frame));
            continue;
        }
        let (message_id, action, payload) =
            (frame[1].clone(), frame[2].as_str().unwrap(), &frame[3]);
        let answer = {
            let mut s = shared.lock().unwrap();
            s.calls.push(Call {
                conn,
                id: id.clone(),
                action: action.to_string(),
                payload: payload.clone(),
            });
            answer(&mut s, &id, action, payload)
        };
        let reply = match answer {
            Some(a) => json!([3, message_id, a]),
            None => json!([4, message_id, "NotImplemented", "", {}]),
        };
        if ws.send(Message::text(reply.to_string())).is_err() {
            return;
        }
    }
}

/// Now, as RFC 3339 UTC (the charge point's timestamps follow it).
fn now_rfc3339() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let (days, secs) = (t.as_secs() / 86_400, t.as_secs() % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let ms = t.subsec_millis();
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

fn answer(s: &mut Shared, id: &str, action: &str, payload: &Value) -> Option<Value> {
    let accepted = json!({"status": "Accepted"});
    Some(match action {
        "BootNotification" => {
            json!({"status": "Accepted", "currentTime": now_rfc3339(), "interval": 300})
        }
        "Heartbeat" => json!({"currentTime": now_rfc3339()}),
        "StatusNotification" | "MeterValues" => json!({}),
        "Authorize" | "StopTransaction" => json!({"idTagInfo": accepted}),
        "StartTransaction" => {
            let same = |(who, p, _): &&(String, Value, i64)| who == id && p == payload;
            let tx = match s.started.iter().find(same) {
                Some((_, _, tx)) => *tx,
                None => {
                    let tx = 1001 + s.started.len() as i64;
                    s.started.push((id.to_string(), payload.clone(), tx));
                    tx
                }
            };
            json!({"transactionId": tx, "idTagInfo": accepted})
        }
        _ => return None,
    })
}

/// A run of `ocpp-host`, its output in a file; killed when dropped.
pub struct Charger {
    child: Child,
    pub log: PathBuf,
    /// Its stdin, when commands are typed into it ([`Charger::type_in`]).
    stdin: Option<ChildStdin>,
}

impl Charger {
    /// Runs it with stdin from /dev/null (no commands).
    pub fn spawn(log: &Path, args: &[&str]) -> Self {
        Self::start(log, args, false)
    }

    /// Runs it with `--interactive` and stdin a pipe, for [`Charger::type_in`].
    pub fn spawn_interactive(log: &Path, args: &[&str]) -> Self {
        Self::start(log, &[args, &["--interactive"]].concat(), true)
    }

    fn start(log: &Path, args: &[&str], piped: bool) -> Self {
        let out = File::create(log).expect("log file");
        let err = out.try_clone().expect("log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_ocpp-host"))
            .args(args)
            .stdin(if piped { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .expect("spawn ocpp-host");
        Self {
            stdin: child.stdin.take(),
            child,
            log: log.to_path_buf(),
        }
    }

    /// Types a command line into it.
    pub fn type_in(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("spawned interactive");
        writeln!(stdin, "{line}").expect("write to its stdin");
        stdin.flush().expect("flush its stdin");
    }

    /// Waits until its output holds `text`, at most `secs` seconds.
    pub fn wait_output(&self, secs: u64, text: &str) {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if self.output().contains(text) {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        panic!("no {text:?} within {secs} s:\n{}", self.output());
    }

    /// SIGKILL: no chance to write or say anything.
    pub fn kill(&mut self) {
        self.child.kill().expect("kill");
        let _ = self.child.wait();
    }

    /// Waits for the program to end, at most `secs` seconds.
    pub fn wait(&mut self, secs: u64) -> ExitStatus {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            thread::sleep(Duration::from_millis(50));
        }
        panic!("ocpp-host still runs after {secs} s:\n{}", self.output());
    }

    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Charger {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ocpp-host-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The energy register (Wh) of a MeterValues payload, if it has one.
pub fn register(payload: &Value) -> Option<f64> {
    payload["meterValue"]
        .as_array()?
        .iter()
        .flat_map(|mv| mv["sampledValue"].as_array().into_iter().flatten())
        .find(|sv| {
            sv["measurand"]
                .as_str()
                .is_none_or(|m| m == "Energy.Active.Import.Register")
        })
        .and_then(|sv| sv["value"].as_str()?.parse().ok())
}

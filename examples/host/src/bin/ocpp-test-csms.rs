//! `ocpp-test-csms`: a small central system for measuring and testing the
//! swarm (`ocpp-host --count N`): thousands of connections on one tokio
//! runtime (the Python interop central system handles a few hundred).
//!
//! It answers the Core CALLs with the usual answers (BootNotification
//! Accepted, Authorize and StartTransaction Accepted with a new
//! transactionId, the others as the schemas want), checks the few rules a
//! swarm could break (BootNotification first on each connection, the
//! subprotocol `ocpp1.6`, MeterValues and StopTransaction with a
//! transactionId it gave), and prints its counters every second:
//!
//! ```text
//! csms: listening on 127.0.0.1:PORT
//! csms: 1000 connected, 1000 identities, 1000 boots, 1000 started, 1000 stopped, 12000 meter values, 29000 calls, 0 problems
//! ```
//!
//! `ocpp-test-csms [PORT] [HEARTBEAT_INTERVAL]` (0: any free port; 300 s).

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

#[derive(Default)]
struct Counters {
    connected: AtomicUsize,
    boots: AtomicU64,
    started: AtomicU64,
    stopped: AtomicU64,
    meter_values: AtomicU64,
    calls: AtomicU64,
    problems: AtomicU64,
    next_tx: AtomicU64,
    identities: Mutex<HashSet<String>>,
    /// transactionIds given and not yet stopped.
    open: Mutex<HashSet<i64>>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let interval: u64 = args.next().and_then(|p| p.parse().ok()).unwrap_or(300);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(serve(port, interval));
}

async fn serve(port: u16, interval: u64) {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    println!("csms: listening on {addr}");
    let c = Arc::new(Counters::default());
    c.next_tx.store(1001, Relaxed);
    let report = c.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let mut last = String::new();
        loop {
            tick.tick().await;
            let line = format!(
                "csms: {} connected, {} identities, {} boots, {} started, {} stopped, {} meter values, {} calls, {} problems",
                report.connected.load(Relaxed),
                report.identities.lock().unwrap().len(),
                report.boots.load(Relaxed),
                report.started.load(Relaxed),
                report.stopped.load(Relaxed),
                report.meter_values.load(Relaxed),
                report.calls.load(Relaxed),
                report.problems.load(Relaxed),
            );
            if line != last {
                println!("{line}");
                last = line;
            }
        }
    });
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(connection(stream, c.clone(), interval));
    }
}

fn problem(c: &Counters, id: &str, what: &str) {
    if c.problems.fetch_add(1, Relaxed) < 20 {
        eprintln!("csms: {id}: {what}");
    }
}

async fn connection(stream: TcpStream, c: Arc<Counters>, interval: u64) {
    let _ = stream.set_nodelay(true);
    let mut id = String::new();
    // The signature is tungstenite's handshake Callback (its ErrorResponse is large).
    #[allow(clippy::result_large_err)]
    let callback = |req: &Request, mut resp: Response| {
        id = req
            .uri()
            .path()
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string();
        let ocpp = req
            .headers()
            .get("Sec-WebSocket-Protocol")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|p| p.trim() == "ocpp1.6"));
        if ocpp {
            resp.headers_mut().insert(
                "Sec-WebSocket-Protocol",
                "ocpp1.6".parse().expect("a header"),
            );
        }
        Ok(resp)
    };
    let config = WebSocketConfig::default()
        .read_buffer_size(2048)
        .write_buffer_size(0);
    let Ok(mut ws) =
        tokio_tungstenite::accept_hdr_async_with_config(stream, callback, Some(config)).await
    else {
        return;
    };
    c.connected.fetch_add(1, Relaxed);
    c.identities.lock().unwrap().insert(id.clone());
    let mut booted = false;
    while let Some(Ok(msg)) = ws.next().await {
        let Message::Text(text) = msg else { continue };
        let Ok(Value::Array(frame)) = serde_json::from_str::<Value>(text.as_str()) else {
            problem(&c, &id, &format!("not a JSON array: {text}"));
            continue;
        };
        if frame.first() != Some(&json!(2)) {
            continue; // an answer to a CALL of ours: we send none
        }
        c.calls.fetch_add(1, Relaxed);
        let msg_id = frame.get(1).cloned().unwrap_or(Value::Null);
        let action = frame.get(2).and_then(Value::as_str).unwrap_or("");
        let payload = frame.get(3).cloned().unwrap_or(Value::Null);
        if !booted && action != "BootNotification" {
            problem(&c, &id, &format!("{action} before BootNotification"));
        }
        let answer = answer(&c, &id, action, &payload, interval, &mut booted);
        let out = json!([3, msg_id, answer]).to_string();
        if ws.send(Message::text(out)).await.is_err() {
            break;
        }
    }
    c.connected.fetch_sub(1, Relaxed);
}

fn now() -> String {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let (days, s) = (t / 86_400, t % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

fn answer(
    c: &Counters,
    id: &str,
    action: &str,
    p: &Value,
    interval: u64,
    booted: &mut bool,
) -> Value {
    let accepted = json!({"status": "Accepted"});
    match action {
        "BootNotification" => {
            *booted = true;
            c.boots.fetch_add(1, Relaxed);
            json!({"status": "Accepted", "currentTime": now(), "interval": interval})
        }
        "Heartbeat" => json!({"currentTime": now()}),
        "Authorize" => json!({"idTagInfo": accepted}),
        "StartTransaction" => {
            c.started.fetch_add(1, Relaxed);
            let tx = c.next_tx.fetch_add(1, Relaxed) as i64;
            c.open.lock().unwrap().insert(tx);
            json!({"idTagInfo": accepted, "transactionId": tx})
        }
        "StopTransaction" => {
            c.stopped.fetch_add(1, Relaxed);
            let tx = p.get("transactionId").and_then(Value::as_i64).unwrap_or(-1);
            if !c.open.lock().unwrap().remove(&tx) {
                problem(
                    c,
                    id,
                    &format!("StopTransaction of transaction {tx}, not one running"),
                );
            }
            json!({"idTagInfo": accepted})
        }
        "MeterValues" => {
            c.meter_values.fetch_add(1, Relaxed);
            if let Some(tx) = p.get("transactionId").and_then(Value::as_i64) {
                if !c.open.lock().unwrap().contains(&tx) {
                    problem(
                        c,
                        id,
                        &format!("MeterValues of transaction {tx}, not one running"),
                    );
                }
            }
            json!({})
        }
        "StatusNotification"
        | "DataTransfer"
        | "FirmwareStatusNotification"
        | "DiagnosticsStatusNotification" => json!({}),
        other => {
            problem(c, id, &format!("unexpected CALL {other}"));
            json!({})
        }
    }
}

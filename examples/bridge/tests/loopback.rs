//! Runs the bridge binary between a TCP "device" and a loopback WebSocket
//! central system, and checks that a line crosses both ways (and that a
//! device that says `#booted` is told `#connected`).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use tungstenite::handshake::server::{Request, Response};
use tungstenite::Message;

/// Kills the bridge when the test ends, however it ends.
struct Bridge(Child);

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[allow(clippy::result_large_err)] // the handshake callback's error type is tungstenite's
fn a_line_crosses_both_ways() {
    // The central system: accepts one charge point, offers `ocpp1.6`, sends one
    // CALL, and reports the path it was reached on and the first frame it got.
    let csms = TcpListener::bind("127.0.0.1:0").unwrap();
    let csms_addr = csms.local_addr().unwrap();
    let (report, reports) = mpsc::channel::<String>();
    thread::spawn(move || {
        let (stream, _) = csms.accept().unwrap();
        let path_report = report.clone();
        let mut ws = tungstenite::accept_hdr(stream, move |req: &Request, mut resp: Response| {
            let offered = req
                .headers()
                .get("Sec-WebSocket-Protocol")
                .and_then(|v| v.to_str().ok());
            path_report
                .send(format!(
                    "path {} protocol {}",
                    req.uri().path(),
                    offered.unwrap_or("-")
                ))
                .unwrap();
            resp.headers_mut()
                .insert("Sec-WebSocket-Protocol", "ocpp1.6".parse().unwrap());
            Ok(resp)
        })
        .unwrap();
        ws.send(Message::text(r#"[2,"c1","Reset",{"type":"Soft"}]"#))
            .unwrap();
        loop {
            match ws.read().unwrap() {
                Message::Text(t) => {
                    report.send(t.as_str().to_owned()).unwrap();
                    break;
                }
                _ => continue,
            }
        }
        // Hang up: the bridge must tell the device.
        ws.close(None).unwrap();
        while ws.read().is_ok() {}
    });

    let mut child = Command::new(env!("CARGO_BIN_EXE_ocpp-bridge"))
        .args(["--tcp-listen", "127.0.0.1:0", "--csms"])
        .arg(format!("ws://{csms_addr}/ocpp/"))
        .args(["--id", "CP-TEST-1", "--once"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _bridge = Bridge(child);
    let mut banner = String::new();
    BufReader::new(stdout).read_line(&mut banner).unwrap();
    let device_addr = banner
        .trim()
        .strip_prefix("listening on ")
        .expect("the bridge's banner")
        .to_owned();

    // The "device": the firmware's side of the UART.
    let device = TcpStream::connect(&device_addr).unwrap();
    device
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut from_bridge = BufReader::new(device.try_clone().unwrap());
    let mut to_bridge = device;

    let mut line = String::new();
    from_bridge.read_line(&mut line).unwrap();
    assert_eq!(line, "#connected\n");
    let wait = Duration::from_secs(10);
    assert_eq!(
        reports.recv_timeout(wait).unwrap(),
        "path /ocpp/CP-TEST-1 protocol ocpp1.6"
    );

    // central system -> device
    line.clear();
    from_bridge.read_line(&mut line).unwrap();
    assert_eq!(line, "[2,\"c1\",\"Reset\",{\"type\":\"Soft\"}]\n");

    // The device starts again (as after that Reset): it says so, and is told
    // the WebSocket is still open.
    to_bridge.write_all(b"#booted\n").unwrap();
    line.clear();
    from_bridge.read_line(&mut line).unwrap();
    assert_eq!(line, "#connected\n");

    // device -> central system; an over-long line and a control line on the
    // way are not forwarded.
    let long = vec![b'x'; 70 * 1024];
    to_bridge.write_all(&long).unwrap();
    to_bridge.write_all(b"\n#stats pool_in_use=0\n").unwrap(); // a control line: logged, not forwarded
    to_bridge
        .write_all(b"[3,\"c1\",{\"status\":\"Accepted\"}]\r\n")
        .unwrap();
    to_bridge.flush().unwrap();
    assert_eq!(
        reports.recv_timeout(wait).unwrap(),
        r#"[3,"c1",{"status":"Accepted"}]"#
    );

    // The central system hangs up: the device hears of it.
    line.clear();
    from_bridge.read_line(&mut line).unwrap();
    assert_eq!(line, "#disconnected\n");
}

//! The central system is not there at the start, then goes away in the
//! middle of a transaction and comes back: the charger keeps trying with
//! a backoff, says why in words, charges on meanwhile, and delivers the
//! queued transaction messages in order after the reconnect.

mod common;

use std::net::TcpListener;
use std::thread::sleep;
use std::time::Duration;

use common::{register, scratch, Call, Charger, Csms};

fn distinct_meter_values(calls: &[Call]) -> Vec<&Call> {
    let mut seen: Vec<&Call> = Vec::new();
    for c in calls.iter().filter(|c| c.action == "MeterValues") {
        if !seen.iter().any(|s| s.payload == c.payload) {
            seen.push(c);
        }
    }
    seen
}

fn timestamp(c: &Call) -> String {
    c.payload["meterValue"][0]["timestamp"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A central system that hangs (the TCP connection open, nothing read,
/// no pong): with WebSocketPingInterval = 1 the charger declares the
/// connection dead within about two intervals and connects again.
#[test]
fn dead_connection_detected_by_pings() {
    let csms = Csms::start();
    let dir = scratch("pings");
    let url = csms.url();
    let data = dir.join("data");
    let args = [
        "--csms",
        url.as_str(),
        "--id",
        "CP-PING",
        "--data-dir",
        data.to_str().unwrap(),
        "--config",
        "WebSocketPingInterval=1",
        "--reconnect-min",
        "0.2",
        "--seconds",
        "30",
    ];
    let charger = Charger::spawn(&dir.join("charger.log"), &args);
    csms.wait_for(10, "a BootNotification", |calls| {
        calls.iter().any(|c| c.action == "BootNotification")
    });
    sleep(Duration::from_millis(2500)); // pings answered: still connected
    assert!(!charger.output().contains("lost:"), "{}", charger.output());
    csms.freeze(true);
    let frozen_at = std::time::Instant::now();
    while !charger.output().contains("the connection is dead") {
        assert!(
            frozen_at.elapsed() < Duration::from_secs(6),
            "not detected:\n{}",
            charger.output()
        );
        sleep(Duration::from_millis(100));
    }
    println!("dead connection detected after {:?}", frozen_at.elapsed());
    csms.freeze(false);
    csms.wait_for(15, "a second BootNotification", |calls| {
        calls
            .iter()
            .filter(|c| c.action == "BootNotification")
            .count()
            >= 2
    });
    println!("{}", charger.output());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refused_at_start_then_lost_mid_transaction_then_back() {
    // A port nobody listens on, yet.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = scratch("reconnect");
    let url = format!("ws://127.0.0.1:{port}/ocpp");
    let data = dir.join("data");
    let args = [
        "--csms",
        url.as_str(),
        "--id",
        "CP-NET",
        "--data-dir",
        data.to_str().unwrap(),
        "--script",
        "charge",
        "--reconnect-min",
        "0.2",
        "--reconnect-max",
        "1",
        "--seconds",
        "60",
    ];
    let charger = Charger::spawn(&dir.join("charger.log"), &args);
    sleep(Duration::from_millis(1500));
    let out = charger.output();
    let refused = format!("connection refused by 127.0.0.1:{port}");
    assert!(
        out.matches(&refused).count() >= 2,
        "not retried after a refusal:\n{out}"
    );
    assert!(out.contains("trying again in"), "{out}");

    let csms = Csms::start_on(port);
    csms.wait_for(20, "two MeterValues of the transaction", |calls| {
        distinct_meter_values(calls).len() >= 2
    });
    // Gone for 7 s, a little more than two sample intervals (3 s): the
    // samples of that time queue up.
    csms.set_down(true);
    sleep(Duration::from_secs(7));
    let while_down = csms.calls().len();
    csms.set_down(false);
    csms.wait_for(20, "the samples taken while down", |calls| {
        distinct_meter_values(&calls[while_down..]).len() >= 3
    });
    drop(charger);
    let out = std::fs::read_to_string(dir.join("charger.log")).unwrap();
    println!("{out}");
    let calls = csms.calls();
    for c in &calls {
        println!("{} {} {}", c.conn, c.action, c.payload);
    }

    assert!(out.contains("lost:"), "the loss was not reported:\n{out}");
    assert!(csms.connections() >= 2, "no reconnect");
    // One transaction, its samples delivered once each (or resent the
    // same), in the order they were taken, the register rising.
    let starts: Vec<&Call> = calls
        .iter()
        .filter(|c| c.action == "StartTransaction")
        .collect();
    assert!(starts.iter().all(|c| c.payload == starts[0].payload));
    let mv = distinct_meter_values(&calls);
    for pair in mv.windows(2) {
        assert!(
            timestamp(pair[0]) < timestamp(pair[1]),
            "out of order: {} then {}",
            pair[0].payload,
            pair[1].payload
        );
        assert!(register(&pair[0].payload) <= register(&pair[1].payload));
        assert_eq!(pair[1].payload["transactionId"], 1001);
    }
    // Samples taken while the central system was down arrived after the
    // reconnect: more than one MeterValues in the first second back.
    let back = calls[while_down..]
        .iter()
        .filter(|c| c.action == "MeterValues")
        .count();
    assert!(back >= 3, "{back} MeterValues after the reconnect");
    let _ = std::fs::remove_dir_all(&dir);
}

//! SIGKILL in the middle of a transaction, then a restart with the same
//! data directory: the transaction is resumed (the simulated EV is still
//! plugged) or stopped with reason PowerLoss (`--ev-left`), nothing is
//! lost, and nothing is sent twice but identical resends.

mod common;

use common::{register, scratch, Call, Charger, Csms};
use serde_json::Value;

fn is_tx(c: &Call) -> bool {
    matches!(
        c.action.as_str(),
        "StartTransaction" | "MeterValues" | "StopTransaction"
    )
}

/// Kills a charging charger after its first MeterValues, starts it again
/// with `extra` arguments and the `finish` script, and returns what the
/// central system received and the second run's output.
fn kill_and_restart(name: &str, extra: &[&str]) -> (Vec<Call>, String) {
    let csms = Csms::start();
    let dir = scratch(name);
    let data = dir.join("data");
    let url = csms.url();
    let base = [
        "--csms",
        url.as_str(),
        "--id",
        "CP-KILL",
        "--data-dir",
        data.to_str().unwrap(),
        "--seconds",
        "40",
    ];

    let mut first = Charger::spawn(
        &dir.join("first.log"),
        &[&base[..], &["--script", "charge"]].concat(),
    );
    csms.wait_for(20, "MeterValues of the transaction", |calls| {
        calls
            .iter()
            .any(|c| c.action == "MeterValues" && c.payload["transactionId"].is_i64())
    });
    first.kill();
    println!("--- first run (killed)\n{}", first.output());
    let before = csms.calls().len();

    let args = [&base[..], &["--script", "finish"], extra].concat();
    let mut second = Charger::spawn(&dir.join("second.log"), &args);
    let status = second.wait(30);
    let out = second.output();
    println!("--- second run\n{out}");
    assert!(status.success(), "the second run failed: {status}");
    let calls = csms.calls();
    println!(
        "--- {} calls before the kill, {} in all",
        before,
        calls.len()
    );
    for c in calls.iter().filter(|c| is_tx(c)) {
        println!("{} {} {}", c.conn, c.action, c.payload);
    }
    let _ = std::fs::remove_dir_all(&dir);
    (calls, out)
}

/// What holds in both cases: one transaction, started once, stopped once,
/// its MeterValues in order and never above the stop, nothing different
/// sent twice.
fn check_one_transaction(calls: &[Call]) -> Value {
    let starts: Vec<&Call> = calls
        .iter()
        .filter(|c| c.action == "StartTransaction")
        .collect();
    assert!(!starts.is_empty(), "no StartTransaction");
    assert!(
        starts.iter().all(|c| c.payload == starts[0].payload),
        "StartTransactions that differ: {starts:#?}"
    );
    let stops: Vec<&Call> = calls
        .iter()
        .filter(|c| c.action == "StopTransaction")
        .collect();
    assert!(!stops.is_empty(), "no StopTransaction");
    assert!(
        stops.iter().all(|c| c.payload == stops[0].payload),
        "StopTransactions that differ: {stops:#?}"
    );
    let stop = stops[0].payload.clone();
    assert_eq!(stop["transactionId"], 1001, "{stop}");

    // MeterValues: each one new or an identical resend, registers rising,
    // none after the stop.
    let mut seen: Vec<&Value> = Vec::new();
    let mut last = starts[0].payload["meterStart"].as_f64().unwrap();
    let mut stopped = false;
    for c in calls.iter().filter(|c| is_tx(c)) {
        match c.action.as_str() {
            "StopTransaction" => stopped = true,
            "MeterValues" if seen.contains(&&c.payload) => {}
            "MeterValues" => {
                assert!(!stopped, "a new MeterValues after the stop: {}", c.payload);
                assert_eq!(c.payload["transactionId"], 1001, "{}", c.payload);
                let wh = register(&c.payload).expect("an energy register");
                assert!(wh >= last, "the register went back from {last} to {wh}");
                last = wh;
                seen.push(&c.payload);
            }
            _ => {}
        }
    }
    let meter_stop = stop["meterStop"].as_f64().unwrap();
    assert!(
        meter_stop >= last,
        "meterStop {meter_stop} below the last register {last}"
    );
    stop
}

#[test]
fn sigkill_mid_transaction_then_resume() {
    let (calls, out) = kill_and_restart("resume", &[]);
    assert!(
        out.contains("1 transactions resumed, 0 stopped (PowerLoss)"),
        "{out}"
    );
    let stop = check_one_transaction(&calls);
    // Resumed: it charged on after the restart, and the idTag stopped it.
    let after: Vec<&Call> = calls.iter().filter(|c| c.conn == 1).collect();
    assert!(
        after.iter().all(|c| c.action != "StartTransaction"
            || c.payload
                == calls
                    .iter()
                    .find(|c| c.action == "StartTransaction")
                    .unwrap()
                    .payload),
        "a new transaction after the restart"
    );
    assert_eq!(stop["idTag"], "ABCD1234", "{stop}");
    assert!(stop.get("reason").is_none_or(|r| r == "Local"), "{stop}");
    let first_register = calls
        .iter()
        .find(|c| c.conn == 0 && c.action == "MeterValues")
        .and_then(|c| register(&c.payload))
        .unwrap();
    assert!(
        stop["meterStop"].as_f64().unwrap() > first_register,
        "no energy after the restart: {stop}"
    );
}

#[test]
fn sigkill_mid_transaction_then_power_loss() {
    let (calls, out) = kill_and_restart("powerloss", &["--ev-left"]);
    assert!(
        out.contains("0 transactions resumed, 1 stopped (PowerLoss)"),
        "{out}"
    );
    let stop = check_one_transaction(&calls);
    assert_eq!(stop["reason"], "PowerLoss", "{stop}");
    // Nothing of the transaction after the restart but its stop (and
    // identical resends).
    assert!(
        !calls.iter().any(|c| c.conn == 1
            && c.action == "MeterValues"
            && !calls.iter().any(|d| d.conn == 0 && d.payload == c.payload)),
        "a new MeterValues after a PowerLoss restart"
    );
}

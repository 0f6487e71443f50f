//! `--scenario FILE`: the shipped scenarios pass against the test central
//! system (exit 0, every expectation said as met), and an expectation that
//! is not met ends the run with status 1 and a message naming the line,
//! what was expected and what happened instead; a mistake in the file is
//! said before anything connects.

mod common;

use std::process::ExitStatus;

use common::{scratch, Charger, Csms};

/// Runs `scenario` against `csms`; its exit status and output.
fn play(csms: &Csms, name: &str, scenario: &str) -> (ExitStatus, String) {
    let dir = scratch(name);
    let url = csms.url();
    let data = dir.join("data");
    let args = [
        "--csms",
        url.as_str(),
        "--id",
        "CP-SCENARIO",
        "--data-dir",
        data.to_str().unwrap(),
        "--scenario",
        scenario,
        "--seconds",
        "40",
    ];
    let mut charger = Charger::spawn(&dir.join("charger.log"), &args);
    let status = charger.wait(45);
    let out = charger.output();
    println!("{out}");
    let _ = std::fs::remove_dir_all(&dir);
    (status, out)
}

fn shipped(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn shipped_session_scenario_passes() {
    let csms = Csms::start();
    let (status, out) = play(&csms, "scenario-session", &shipped("session.txt"));
    assert!(status.success(), "{status}");
    assert!(
        out.contains("session.txt:15: as expected: sent Authorize"),
        "{out}"
    );
    assert!(out.contains("session.txt:19: as expected: sent MeterValues"));
    assert!(out.contains("session.txt: over, every expectation met"));
    let calls = csms.calls();
    let stop = calls.iter().find(|c| c.action == "StopTransaction");
    assert_eq!(stop.expect("a StopTransaction").payload["reason"], "Local");
    assert!(calls
        .iter()
        .any(|c| c.action == "MeterValues" && c.payload.to_string().contains("\"7400\"")));
}

#[test]
fn shipped_fault_scenario_passes() {
    let csms = Csms::start();
    let (status, out) = play(&csms, "scenario-fault", &shipped("fault.txt"));
    assert!(status.success(), "{status}");
    assert!(
        out.contains("fault.txt: over, every expectation met"),
        "{out}"
    );
    let faults: Vec<String> = csms
        .calls()
        .iter()
        .filter(|c| c.payload["status"] == "Faulted")
        .map(|c| format!("{} {}", c.payload["connectorId"], c.payload["errorCode"]))
        .collect();
    assert_eq!(faults, ["1 \"GroundFailure\"", "0 \"PowerMeterFailure\""]);
}

/// The central system starts a transaction once the cable is in, and
/// stops it once it runs: the scenario waits for its CALLs and checks our
/// answers.
#[test]
fn shipped_remote_scenario_passes() {
    let csms = Csms::start();
    let file = shipped("remote.txt");
    let remote = std::thread::scope(|scope| {
        let run = scope.spawn(|| play(&csms, "scenario-remote", &file));
        csms.wait_for(20, "Preparing", |calls| {
            calls.iter().any(|c| c.payload["status"] == "Preparing")
        });
        let start = serde_json::json!({"connectorId": 1, "idTag": "REMOTE01"});
        csms.call("RemoteStartTransaction", start);
        csms.wait_for(20, "StartTransaction", |calls| {
            calls.iter().any(|c| c.action == "StartTransaction")
        });
        csms.call(
            "RemoteStopTransaction",
            serde_json::json!({"transactionId": 1001}),
        );
        run.join().unwrap()
    });
    let (status, out) = remote;
    assert!(status.success(), "{status}");
    assert!(
        out.contains("remote.txt:12: as expected: received RemoteStartTransaction"),
        "{out}"
    );
    assert!(out.contains("remote.txt: over, every expectation met"));
    let answers: Vec<(String, serde_json::Value)> = csms
        .answers()
        .into_iter()
        .map(|(a, frame)| (a, frame[2]["status"].clone()))
        .collect();
    let accepted = serde_json::json!("Accepted");
    assert_eq!(
        answers,
        [
            ("RemoteStartTransaction".to_string(), accepted.clone()),
            ("RemoteStopTransaction".to_string(), accepted)
        ]
    );
    let calls = csms.calls();
    let stop = calls
        .iter()
        .find(|c| c.action == "StopTransaction")
        .unwrap();
    assert_eq!(stop.payload["reason"], "Remote");
}

#[test]
fn unmet_expectation_exits_non_zero_and_says_why() {
    let csms = Csms::start();
    let dir = scratch("scenario-unmet-file");
    let file = dir.join("remote.txt");
    // The test central system never starts a transaction remotely.
    let text = "expect event Registered Accepted within 30\n\
                plug\n\
                expect receive RemoteStartTransaction within 2\n\
                unplug\n";
    std::fs::write(&file, text).unwrap();
    let (status, out) = play(&csms, "scenario-unmet", file.to_str().unwrap());
    assert_eq!(status.code(), Some(1), "{status}");
    let want = format!(
        "scenario {}:3: expectation failed: no frame received: RemoteStartTransaction within 2.0 s \
         (received meanwhile: RESULT StatusNotification",
        file.display()
    );
    assert!(out.contains(&want), "no {want:?} in:\n{out}");
    // It stopped there: line 4 was never played.
    assert!(!out.contains(":4: unplug"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mistake_in_the_file_said_before_connecting() {
    let csms = Csms::start();
    let dir = scratch("scenario-mistake-file");
    let file = dir.join("bad.txt");
    std::fs::write(&file, "plug\nwait a while\n").unwrap();
    let (status, out) = play(&csms, "scenario-mistake", file.to_str().unwrap());
    assert_eq!(status.code(), Some(1), "{status}");
    assert!(
        out.contains(&format!("{}:2: write wait SECONDS", file.display())),
        "{out}"
    );
    assert_eq!(csms.connections(), 0, "it connected anyway");
    let _ = std::fs::remove_dir_all(&dir);
}

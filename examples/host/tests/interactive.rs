//! Commands typed into the charger (`--interactive`, stdin a pipe, as a
//! program driving it would): a whole charging session with a meter of
//! 7.4 kW, status and memory, a fault raised and cleared, a mistake said
//! in words, a typed AuthorizationKey never printed, and `quit` closing
//! the connection and exiting 0.

mod common;

use common::{scratch, Call, Charger, Csms};

fn status_of(c: &Call) -> (String, String) {
    let s = |k: &str| c.payload[k].as_str().unwrap_or("").to_string();
    (s("status"), s("errorCode"))
}

/// An AuthorizationKey typed in: the password of later connections.
const KEY: &str = "0123456789abcdef-TYPED";

#[test]
fn a_session_typed_in() {
    let csms = Csms::start();
    let dir = scratch("interactive");
    let url = csms.url();
    let data = dir.join("data");
    let args = [
        "--csms",
        url.as_str(),
        "--id",
        "CP-TYPED",
        "--data-dir",
        data.to_str().unwrap(),
        "--config",
        "MeterValueSampleInterval=1",
        "--config",
        "MeterValuesSampledData=Energy.Active.Import.Register,Power.Active.Import",
        "--seconds",
        "60",
    ];
    let mut charger = Charger::spawn_interactive(&dir.join("charger.log"), &args);
    charger.wait_output(10, "registration: accepted");
    // Typed before the first StatusNotification went out, the plug would
    // replace connector 1's Available before it was reported (a status
    // that comes and goes within a moment is not), as on a slow machine.
    csms.wait_for(10, "connector 1 Available", |calls| {
        calls
            .iter()
            .any(|c| c.action == "StatusNotification" && c.payload["connectorId"] == 1)
    });
    charger.type_in("power 7400");
    charger.type_in("plug");
    charger.type_in("idtag ABCD1234");
    csms.wait_for(10, "StartTransaction", |calls| {
        calls.iter().any(|c| c.action == "StartTransaction")
    });
    csms.wait_for(10, "a MeterValues at 7400 W", |calls| {
        calls.iter().any(|c| {
            c.action == "MeterValues" && c.payload.to_string().contains(r#""value":"7400""#)
        })
    });
    charger.type_in("status");
    charger.wait_output(5, "transaction 1001");
    charger.type_in("memory");
    charger.type_in("idtag ABCD1234");
    csms.wait_for(10, "StopTransaction", |calls| {
        calls.iter().any(|c| c.action == "StopTransaction")
    });
    charger.type_in("unplug");
    charger.type_in("fault GroundFailure");
    csms.wait_for(10, "a Faulted StatusNotification", |calls| {
        calls
            .iter()
            .any(|c| status_of(c) == ("Faulted".into(), "GroundFailure".into()))
    });
    charger.type_in("clear");
    charger.type_in(&format!("config AuthorizationKey={KEY}"));
    charger.type_in("jump");
    charger.type_in("plug 7");
    charger.type_in("quit");
    let status = charger.wait(10);
    let out = charger.output();
    println!("{out}");
    assert!(status.success(), "{status}");

    // The central system saw the session and the fault come and go.
    let statuses: Vec<(String, String)> = csms
        .calls()
        .iter()
        .filter(|c| c.action == "StatusNotification" && c.payload["connectorId"] == 1)
        .map(status_of)
        .collect();
    // (Statuses that come and go within one moment are not all reported:
    // Preparing and the Available after the unplug may be skipped.)
    let mut names = statuses.iter().map(|(s, _)| s.as_str());
    for want in ["Available", "Charging", "Finishing", "Faulted", "Available"] {
        assert!(names.any(|s| s == want), "no {want} in order: {statuses:?}");
    }
    assert_eq!(names.next(), None, "{statuses:?}");
    assert!(statuses.contains(&("Faulted".into(), "GroundFailure".into())));
    // What the person saw: frames in words, events, status, memory, mistakes.
    for line in [
        "ocpp> power 7400",
        "> CALL StartTransaction #",
        "< RESULT StartTransaction #",
        r#""transactionId":1001"#,
        "event: Energy { connector: 1, on: true }: close the contactor of connector 1 (the EV draws 7400 W)",
        "status: connected to the central system; accepted by the central system",
        "status: connector 1: Charging, cable in, contactor closed, 7400 W,",
        "memory: pool of 16384 B: in_use ",
        "unknown command \"jump\" (try help)",
        "no connector 7: this charge point has 1 (--connectors)",
        "ocpp> config AuthorizationKey=***",
        "ocpp> quit",
    ] {
        assert!(out.contains(line), "no {line:?} in the output");
    }
    assert!(!out.contains(KEY), "the AuthorizationKey was printed");
    // quit closed the connection before the 60 s were over.
    assert!(out.contains("pool after dropping the charge point: in_use 0 B"));
    let _ = std::fs::remove_dir_all(&dir);
}

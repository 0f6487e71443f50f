//! `--config-file FILE`: identity, URL, vendor and model, connectors, pool
//! size and backend, the meter and the idTags from a TOML file, a flag
//! winning over it; a mistake in it names the line, never its text.

mod common;

use common::{scratch, Charger, Csms};

#[test]
fn the_charger_as_the_file_says_flags_winning() {
    let csms = Csms::start();
    let dir = scratch("config-file");
    let file = dir.join("charger.toml");
    let toml = format!(
        r#"# A charger of two connectors, its EV at 3.7 kW.
csms = "{url}"
id = "CP-FILE"
vendor = "VendorX"
model = "ModelFromFile"
connectors = 2
pool = 12288
backend = "linked-list"
data-dir = "{data}"
id-tags = ["CARD0001"]

[meter]
power = 3700
sampled = "Energy.Active.Import.Register,Power.Active.Import"
interval = 1

[config]
HeartbeatInterval = 120
"#,
        url = csms.url(),
        data = dir.join("data").display()
    );
    std::fs::write(&file, toml).unwrap();
    let scenario = dir.join("charge.txt");
    let steps = "expect event Registered Accepted within 30\n\
                 plug\n\
                 idtag\n\
                 expect send StartTransaction \"idTag\":\"CARD0001\"\n\
                 expect send MeterValues \"value\":\"3700\" within 5\n\
                 memory\n";
    std::fs::write(&scenario, steps).unwrap();
    let args = [
        "--config-file",
        file.to_str().unwrap(),
        "--model",
        "ModelFromFlag",
        "--scenario",
        scenario.to_str().unwrap(),
        "--seconds",
        "30",
    ];
    let mut charger = Charger::spawn(&dir.join("charger.log"), &args);
    let status = charger.wait(35);
    let out = charger.output();
    println!("{out}");
    assert!(status.success(), "{status}");

    let calls = csms.calls();
    let boot = &calls[0];
    assert_eq!(boot.action, "BootNotification");
    assert_eq!(boot.payload["chargePointVendor"], "VendorX");
    assert_eq!(
        boot.payload["chargePointModel"], "ModelFromFlag",
        "the flag wins"
    );
    assert!(
        calls
            .iter()
            .any(|c| c.action == "StatusNotification" && c.payload["connectorId"] == 2),
        "no connector 2"
    );
    assert!(out.contains("pool of 12288 B (linked-list) after ChargePoint::restore"));
    assert!(out.contains("memory: pool of 12288 B"));
    assert!(
        dir.join("data").join("hardware.txt").exists(),
        "data-dir not used"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_mistake_names_the_line_and_never_prints_it() {
    let dir = scratch("config-file-mistake");
    let file = dir.join("bad.toml");
    let password = "file-Pa55word";
    std::fs::write(
        &file,
        format!("csms = \"ws://CP-X:{password}@127.0.0.1:9/ocpp\"\nid = \"CP-X\"\nconectors = 2\n"),
    )
    .unwrap();
    let args = ["--config-file", file.to_str().unwrap(), "--seconds", "5"];
    let mut charger = Charger::spawn(&dir.join("charger.log"), &args);
    let status = charger.wait(10);
    let out = charger.output();
    println!("{out}");
    assert_eq!(status.code(), Some(1));
    assert!(
        out.contains(&format!("{}:3: unknown field `conectors`", file.display())),
        "{out}"
    );
    assert!(!out.contains(password), "the password was printed:\n{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

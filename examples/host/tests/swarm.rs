//! The swarm (`--count N`) against `ocpp-test-csms`: every charger
//! registers and completes its session, the central system sees each
//! identity, each transaction started and stopped with its own id, and
//! no error either side; a scenario file played by every charger, and one
//! whose expectation is not met, which fails the run.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The test central system on a free port, and the lines it prints.
struct Csms {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
}

impl Csms {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ocpp-test-csms"))
            .arg("0")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start ocpp-test-csms");
        let mut out = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = out.next().expect("a first line").expect("text");
        let port = first.rsplit(':').next().and_then(|p| p.parse().ok());
        let port = port.unwrap_or_else(|| panic!("no port in {first:?}"));
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || out.map_while(Result::ok).for_each(|l| drop(tx.send(l))));
        Self { child, port, lines }
    }

    /// Its counters, once they have not changed for a second and a half.
    fn settled(&self) -> String {
        let mut last = String::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(1500)) {
            last = line;
        }
        last
    }
}

impl Drop for Csms {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn swarm(csms: &Csms, extra: &str) -> (Output, String) {
    let url = format!("ws://127.0.0.1:{}/ocpp", csms.port);
    let out = Command::new(env!("CARGO_BIN_EXE_ocpp-host"))
        .args(["--csms", &url, "--pool", "4096"])
        .args(extra.split_whitespace())
        .output()
        .expect("run ocpp-host");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out, text)
}

#[test]
fn eighty_chargers_each_complete_a_session() {
    let csms = Csms::start();
    let (out, text) = swarm(
        &csms,
        "--id SW-{n} --count 80 --ramp 0.5 --jitter 0.5 --charge 1 \
         --config MeterValueSampleInterval=1 --seconds 30",
    );
    assert!(out.status.success(), "{text}");
    // The live line, every second.
    assert!(
        text.contains(" connected, ") && text.contains(" frames/s, "),
        "{text}"
    );
    let report = "swarm report: 80 chargers, 80 registered at the end, 80 sessions completed, \
                  80 through their plan, 0 failed, 0 stopped before the end of it";
    assert!(text.contains(report), "{text}");
    assert!(text.contains(", 0 errors"), "{text}");
    assert!(text.contains("pools of 4096 B"), "{text}");
    assert!(text.contains("SW-01 .. SW-80"), "{text}");
    // What the central system saw: each identity once, each transaction
    // started and stopped (with the id it gave), samples, no problem.
    let seen = csms.settled();
    let want = "80 identities, 80 boots, 80 started, 80 stopped";
    assert!(seen.contains(want), "{seen}");
    assert!(seen.ends_with(", 0 problems"), "{seen}");
    let samples: u64 = seen
        .split(", ")
        .find_map(|p| p.strip_suffix(" meter values"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        samples >= 80,
        "at least one MeterValues per session: {seen}"
    );
}

#[test]
fn every_charger_plays_the_scenario_file() {
    let csms = Csms::start();
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/session.txt");
    let args = format!("--id SC-{{n}} --count 30 --ramp 0.3 --jitter 0.2 --scenario {scenario}");
    let (out, text) = swarm(&csms, &args);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("30 through their plan, 0 failed"), "{text}");
    let seen = csms.settled();
    assert!(
        seen.contains("30 identities, 30 boots, 30 started, 30 stopped"),
        "{seen}"
    );
    assert!(seen.ends_with(", 0 problems"), "{seen}");

    // An expectation the central system never meets fails every charger.
    let dir = std::env::temp_dir().join(format!("ocpp-swarm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(
        &bad,
        "expect event Registered Accepted within 10\nplug\nexpect send Authorize within 0.5\n",
    )
    .unwrap();
    let args = format!(
        "--id BAD-{{n}} --count 5 --ramp 0.1 --scenario {}",
        bad.display()
    );
    let (out, text) = swarm(&csms, &args);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("bad.txt:3: expect send Authorize within 0.5: not met"),
        "{text}"
    );
    assert!(text.contains("0 through their plan, 5 failed"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

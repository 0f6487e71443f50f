//! The driver against the engine: the script is what BENCHMARK.md says,
//! every frame is JSON, the figures add up, and a session off the script
//! is an error.

use ocpp_alloc::{Backend, HostPool, LinkedList, Measured, Talc};
use ocpp_engine::Config;
use serde_json::Value;

use ocpp_testkit::TRANSACTION_ID;

use crate::calls::Call;
use crate::scenario::{self, per_session, Step};
use crate::{Driver, Error};

fn config() -> Config<'static> {
    Config::new("VendorX", "ModelY").with_connectors(1)
}

fn parse(line: &str) -> (char, Value) {
    let (dir, frame) = line.split_at(1);
    let value: Value =
        serde_json::from_str(frame.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    (dir.chars().next().unwrap(), value)
}

#[test]
fn boot_and_one_session_follow_the_script() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let meter = Measured::new(&*pool);
    let mut d = Driver::new(&config(), &meter).unwrap();
    d.enable_trace();
    scenario::boot(&mut d).unwrap();
    scenario::session(&mut d, scenario::CONNECTOR).unwrap();

    let mut calls = Vec::new();
    let mut meter_values = Vec::new();
    let mut stop = Value::Null;
    for line in d.trace() {
        let (dir, v) = parse(line);
        match dir {
            '>' => {
                assert_eq!(v[0], 2, "the charge point only sends CALLs here: {line}");
                let action = v[2].as_str().unwrap();
                let status = v[3]["status"]
                    .as_str()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default();
                calls.push(format!("{action}{status}"));
                match action {
                    "StartTransaction" => {
                        assert_eq!(v[3]["idTag"], scenario::ID_TAG);
                        assert_eq!(v[3]["connectorId"], 1);
                        assert_eq!(v[3]["meterStart"], 0);
                    }
                    "MeterValues" => meter_values.push(v[3].clone()),
                    "StopTransaction" => stop = v[3].clone(),
                    _ => {}
                }
            }
            '<' => assert_eq!(v[0], 3, "the script answers with CALLRESULTs: {line}"),
            _ => unreachable!(),
        }
    }
    let mut expected = vec![
        "BootNotification",
        "StatusNotification Available",
        "StatusNotification Available",
        "StatusNotification Preparing",
        "Authorize",
        "StartTransaction",
        "StatusNotification Charging",
    ];
    for i in 1..=scenario::INTERVALS {
        expected.push("MeterValues");
        if i % 5 == 0 {
            expected.push("Heartbeat");
        }
    }
    expected.extend([
        "StopTransaction",
        "StatusNotification Finishing",
        "StatusNotification Available",
    ]);
    assert_eq!(calls, expected);
    assert_eq!(d.trace().len(), 2 * expected.len());
    assert_eq!(
        d.counts().messages(),
        per_session::BOOT_MESSAGES + per_session::MESSAGES
    );
    assert_eq!(d.counts().events.energy_on, 1);
    assert_eq!(d.counts().events.energy_off, 1);

    // Each MeterValues: the transaction's id, two sampled values, the
    // register growing by 11 kW × 60 s = 183.333 Wh.
    assert_eq!(meter_values.len(), scenario::INTERVALS);
    for (i, m) in meter_values.iter().enumerate() {
        assert_eq!(m["transactionId"], TRANSACTION_ID);
        let sampled = m["meterValue"][0]["sampledValue"].as_array().unwrap();
        assert_eq!(sampled.len(), 2, "{m}");
        assert_eq!(sampled[0]["measurand"], "Energy.Active.Import.Register");
        assert_eq!(sampled[0]["unit"], "Wh");
        let wh: f64 = sampled[0]["value"].as_str().unwrap().parse().unwrap();
        let want = 11_000.0 * 60.0 * (i + 1) as f64 / 3600.0;
        assert!(
            (wh - want).abs() < 0.001,
            "interval {i}: {wh} Wh, not {want}"
        );
        assert_eq!(sampled[1]["measurand"], "Power.Active.Import");
        assert_eq!(sampled[1]["value"], "11000");
    }
    assert_eq!(stop["transactionId"], TRANSACTION_ID);
    assert_eq!(stop["reason"], "Local");
    assert_eq!(stop["meterStop"], 1833); // 11 kW for 10 minutes, whole Wh
}

/// What one session cost: messages, allocations, peak, bytes in use after.
type SessionCost = (u64, usize, usize, usize);

/// Boot (with the authorization cache enabled or not), then six measured
/// sessions: idle bytes, what each session cost, and the bytes left in the
/// pool once the charge point is dropped.
fn six_sessions<B: Backend>(cache: bool) -> (usize, Vec<SessionCost>, usize) {
    let pool = HostPool::<B>::new(16 * 1024);
    let meter = Measured::new(&*pool);
    let mut d = Driver::new(&config(), &meter).unwrap();
    if cache {
        d.configure("AuthorizationCacheEnabled", "true").unwrap();
    }
    scenario::boot(&mut d).unwrap();
    let idle = meter.stats().in_use;
    let mut sessions = Vec::new();
    for _ in 0..6 {
        let before = d.counts();
        let (f, ()) = d
            .measure("session", |d| scenario::session(d, scenario::CONNECTOR))
            .unwrap();
        assert_eq!(f.refusals, 0);
        let messages = d.counts().since(&before).messages();
        sessions.push((messages, f.allocations, f.peak, meter.stats().in_use));
    }
    drop(d);
    (idle, sessions, meter.stats().in_use)
}

/// Every session after the first costs exactly what the second did
/// (allocations, peak), and each ends with the same bytes in use. With the
/// default configuration (AuthorizationCacheEnabled false) even the first
/// one does, and nothing is retained; with the cache enabled, the first
/// session leaves its idTag's entry.
fn repeated_sessions_cost_the_same<B: Backend>() {
    for cache in [true, false] {
        let (idle, s, after_drop) = six_sessions::<B>(cache);
        let (_, allocations, peak, in_use) = s[1];
        for (i, &(messages, a, p, u)) in s.iter().enumerate() {
            assert_eq!(messages, per_session::MESSAGES, "session {i}");
            assert_eq!(u, in_use, "in use after session {i} (cache: {cache})");
            assert!(p > idle, "a transaction takes pool memory: session {i}");
            if i > 0 || !cache {
                assert_eq!(
                    a, allocations,
                    "allocations of session {i} (cache: {cache})"
                );
                assert_eq!(p, peak, "peak of session {i} (cache: {cache})");
            }
        }
        if cache {
            // The first session teaches the cache its idTag: one allocation
            // more, kept.
            assert!(s[0].1 > allocations, "{s:?}");
            assert!(in_use > idle, "the cache entry is retained");
        } else {
            assert_eq!(in_use, idle, "without a cache a session retains nothing");
        }
        assert_eq!(after_drop, 0, "dropping the charge point empties the pool");
    }
}

#[test]
fn repeated_sessions_cost_the_same_talc() {
    repeated_sessions_cost_the_same::<Talc>();
}

#[test]
fn repeated_sessions_cost_the_same_linked_list() {
    repeated_sessions_cost_the_same::<LinkedList>();
}

#[test]
fn a_session_off_the_script_is_an_error() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let mut d = Driver::new(&config(), &*pool).unwrap();
    scenario::boot(&mut d).unwrap();
    // Samples every 30 s: two MeterValues in the first interval.
    d.configure("MeterValueSampleInterval", "30").unwrap();
    Step::PlugIn.run(&mut d, scenario::CONNECTOR).unwrap();
    Step::Present.run(&mut d, scenario::CONNECTOR).unwrap();
    match Step::Interval.run(&mut d, scenario::CONNECTOR) {
        Err(Error::Count {
            item,
            expected,
            got,
            ..
        }) => assert_eq!((item, expected, got), (Call::MeterValues.as_str(), 1, 2)),
        other => panic!("not refused as off script: {other:?}"),
    }

    // One sampled value instead of two.
    let mut d = Driver::new(&config(), &*pool).unwrap();
    scenario::boot(&mut d).unwrap();
    d.configure("MeterValuesSampledData", "Energy.Active.Import.Register")
        .unwrap();
    let e = scenario::session(&mut d, scenario::CONNECTOR).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Count {
                item: "sampled values",
                expected: 2,
                got: 1,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn unknown_call_is_answered_not_implemented() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let mut d = Driver::new(&config(), &*pool).unwrap();
    scenario::boot(&mut d).unwrap();
    let answer = d
        .incoming_call(r#"[2,"cs-1","FooBar",{}]"#)
        .unwrap()
        .to_owned();
    let v: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(v[0], 4);
    assert_eq!(v[1], "cs-1");
    assert_eq!(v[2], "NotImplemented");
    assert_eq!(d.counts().incoming_calls, 1);
}

#[test]
fn measure_reports_an_operation() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let meter = Measured::new(&*pool);
    let (new, mut d) = Driver::new_measured(&config(), &meter).unwrap();
    assert_eq!(new.before, 0);
    assert!(new.allocations > 0 && new.retained > 0);
    scenario::boot(&mut d).unwrap();
    Step::PlugIn.run(&mut d, 1).unwrap();
    let (start, ()) = d
        .measure(Step::Present.label(), |d| Step::Present.run(d, 1))
        .unwrap();
    assert_eq!(
        start.messages, 6,
        "Authorize, StartTransaction, StatusNotification"
    );
    assert!(start.allocations > 0, "the transaction's queue places");
    assert!(start.peak > start.before);
    assert!(start.retained > 0, "the queue places stay until the stop");
    let mut twice = start.clone();
    twice.merge(&start);
    assert_eq!(twice.allocations, 2 * start.allocations);
    assert_eq!(twice.runs, 2);
}

#[test]
fn a_call_off_the_script_is_an_error() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let mut d = Driver::new(&config(), &*pool).unwrap();
    scenario::boot(&mut d).unwrap();
    // The kit's central system answers it ({}), the driver refuses it.
    let e = d
        .pair
        .input(|cp, now| cp.send_call(now, "DataTransfer", r#"{"vendorId":"V"}"#))
        .map_err(Error::from)
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Script("CALL of an action the script does not answer")
        ),
        "{e}"
    );
}

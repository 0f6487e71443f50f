//! The driver against the engine: the script is what BENCHMARK.md says (as
//! far as the engine goes), every frame is JSON, figures add up.

use ocpp_alloc::{Backend, HostPool, LinkedList, Measured, Talc};
use ocpp_engine::Config;
use serde_json::Value;

use crate::scenario::{self, Step};
use crate::{csms::ACTIONS, Driver};

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
    for line in d.trace() {
        let (dir, v) = parse(line);
        match dir {
            '>' => {
                assert_eq!(v[0], 2, "the charge point only sends CALLs here: {line}");
                let status = v[3]["status"]
                    .as_str()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default();
                calls.push(format!("{}{status}", v[2].as_str().unwrap()));
            }
            '<' => assert_eq!(v[0], 3, "the script answers with CALLRESULTs: {line}"),
            _ => unreachable!(),
        }
    }
    let expected = [
        "BootNotification",
        "StatusNotification Available",
        "StatusNotification Available",
        "StatusNotification Preparing",
        "Authorize",
        "StatusNotification Charging",
        "Heartbeat",
        "Heartbeat",
        "StatusNotification Finishing",
        "StatusNotification Available",
    ];
    assert_eq!(calls, expected);
    assert_eq!(d.trace().len(), 2 * expected.len());
    assert_eq!(d.counts().messages(), 2 * expected.len() as u64);
    assert_eq!(d.counts().authorized, 1);
}

fn repeated_sessions_cost_the_same<B: Backend>() {
    let pool = HostPool::<B>::new(16 * 1024);
    let meter = Measured::new(&*pool);
    let mut d = Driver::new(&config(), &meter).unwrap();
    scenario::boot(&mut d).unwrap();
    let mut per_session = Vec::new();
    for _ in 0..6 {
        let before = d.counts();
        let (figures, ()) = d
            .measure("session", |d| scenario::session(d, scenario::CONNECTOR))
            .unwrap();
        per_session.push((d.counts().since(&before), figures.allocations));
        assert_eq!(figures.refusals, 0);
        assert!(figures.peak >= figures.before);
    }
    let heartbeat = ACTIONS.iter().position(|a| *a == "Heartbeat").unwrap();
    for (counts, _) in &per_session {
        assert_eq!(counts.calls[heartbeat], scenario::heartbeats_per_session());
        assert_eq!(counts.messages(), per_session[0].0.messages());
    }
    drop(d);
    assert_eq!(
        meter.stats().in_use,
        0,
        "dropping the charge point empties the pool"
    );
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
    let (auth, ()) = d
        .measure(Step::Authorize.label(), |d| Step::Authorize.run(d, 1))
        .unwrap();
    assert_eq!(auth.messages, 2);
    assert!(auth.allocations > 0, "the idTag goes into the pool");
    assert!(auth.peak > auth.before);
    let mut twice = auth.clone();
    twice.merge(&auth);
    assert_eq!(twice.allocations, 2 * auth.allocations);
    assert_eq!(twice.runs, 2);
}

#[test]
fn missing_calls_are_named() {
    assert_eq!(
        scenario::missing_calls(),
        "StartTransaction, 10 × MeterValues, StopTransaction"
    );
    assert_eq!(Step::SESSION.len(), 15);
}

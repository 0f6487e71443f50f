//! Exhaustive sweeps over hand-written scenarios, on both pool backends.

use alloc_tests::{standard_session, sweep, Scenario, Setup, Step};
use ocpp_alloc::{Backend, LinkedList, Talc};
use ocpp_engine::{Config, Duration};
use ocpp_model::{ChargePointErrorCode as Ec, ChargePointStatus as St};

fn setup(connectors: u8) -> Setup<'static> {
    Setup {
        config: Config::new("VendorX", "ModelY").with_connectors(connectors),
        pool_bytes: 16 * 1024,
    }
}

fn registration() -> Scenario {
    vec![
        Step::Connect,
        Step::AnswerWith(
            r#"{"status":"Pending","currentTime":"2026-11-25T10:00:00Z","interval":10}"#.into(),
        ),
        Step::Receive(r#"[2,"cs1","Reset",{"type":"Soft"}]"#.into()),
        Step::Advance(10),
        Step::AnswerError("InternalError".into()),
        Step::Advance(30),
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Advance(300),
        Step::Answer,
    ]
}

fn authorizations() -> Scenario {
    vec![
        Step::Connect,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Authorize("ABCD1234".into()),
        Step::Authorize("04A1B2C3D4E5F6".into()),
        Step::Authorize("".into()),
        Step::Answer,
        Step::AnswerWith(r#"{"idTagInfo":{"status":"Blocked","parentIdTag":"PARENT","expiryDate":"2027-01-01T00:00:00.5+01:00"}}"#.into()),
        Step::Authorize("TIMEOUT".into()),
        Step::Advance(31),
        Step::Advance(30),
        Step::Authorize("BADANSWER".into()),
        Step::AnswerWith(r#"{"idTagInfo":{"status":"Maybe"}}"#.into()),
        Step::Authorize("OFFLINE".into()),
        Step::Disconnect,
        Step::Connect,
        Step::Answer,
    ]
}

fn incoming() -> Scenario {
    vec![
        Step::Connect,
        Step::Answer,
        Step::Receive(r#"[2,"a","Nope",{}]"#.into()),
        Step::Receive(r#"[2,"b","Reset",{"type":"Soft"}]"#.into()),
        Step::Receive(r#"[2,"c","Reset",[]]"#.into()),
        Step::Receive(
            r#"[2,"d","DataTransfer",{"vendorId":"com.acme","data":"a\"b\\c\u0041"}]"#.into(),
        ),
        Step::Receive(r#"[2,"e","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#.into()),
        Step::Receive(
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                .into(),
        ),
        Step::Receive("\u{fffd}garbage".into()),
        Step::Answer,
        Step::Answer,
        Step::Answer,
    ]
}

fn statuses() -> Scenario {
    vec![
        Step::Status(1, St::Preparing, Ec::NoError),
        Step::Connect,
        Step::Answer,
        Step::Status(2, St::Faulted, Ec::GroundFailure),
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Status(0, St::Charging, Ec::NoError),
        Step::Status(9, St::Charging, Ec::NoError),
        Step::Status(1, St::Charging, Ec::NoError),
        Step::Advance(45),
        Step::Answer,
    ]
}

fn all_scenarios() -> Vec<(&'static str, Scenario)> {
    vec![
        ("registration", registration()),
        ("authorizations", authorizations()),
        ("incoming", incoming()),
        ("statuses", statuses()),
        ("standard session x2", standard_session(2)),
    ]
}

fn sweep_all<B: Backend>() {
    let mut total = alloc_tests::SweepReport::default();
    for (name, scenario) in all_scenarios() {
        let connectors = if name == "statuses" { 2 } else { 1 };
        let report = sweep::<B>(&setup(connectors), &scenario)
            .unwrap_or_else(|f| panic!("{name} on {}: {f}", B::NAME));
        eprintln!("{} {name}: {report:?}", B::NAME);
        assert!(
            report.failure_points > 0,
            "{name}: the sweep refused nothing, so it proved nothing"
        );
        total += report;
    }
    eprintln!(
        "{}: {} failure points swept and checked over {} steps",
        B::NAME,
        total.failure_points,
        total.steps
    );
    // Building the charge point alone allocates; every scenario adds more.
    assert!(total.out_of_memory_outcomes >= all_scenarios().len());
}

#[test]
fn every_allocation_of_every_step_on_talc() {
    sweep_all::<Talc>();
}

#[test]
fn every_allocation_of_every_step_on_linked_list() {
    sweep_all::<LinkedList>();
}

#[test]
fn a_pool_too_small_to_build_in_is_an_error_not_a_panic() {
    let setup = Setup {
        config: Config::new("VendorX", "ModelY"),
        pool_bytes: 64,
    };
    let err =
        sweep::<Talc>(&setup, &[Step::Connect]).expect_err("64 bytes cannot hold a charge point");
    assert!(err.what.contains("OutOfMemory"), "{err}");
    let _ = Duration::ZERO;
}

//! The central system's remote control (OCPP 1.6 §5.11, §5.12, §5.16):
//! RemoteStartTransaction with and without Authorize, a connector or a
//! charging profile, and UnlockConnector out of range.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use serde_json::json;
use support::{config, pool, Harness};

/// The central system's RemoteStartTransaction of `id_tag` on connector 1,
/// with `extra` properties; returns the answer's status.
#[track_caller]
fn remote_start(h: &mut Harness, id_tag: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut payload = json!({"connectorId": 1, "idTag": id_tag});
    if let (Some(p), Some(e)) = (payload.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    let id = h.cs_call("RemoteStartTransaction", payload);
    h.expect_answer(&id)["status"].clone()
}

#[test]
fn a_remote_start_asks_authorize_only_as_configured() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    // Not AuthorizeRemoteTxRequests: the central system's word is enough.
    h.cp.configure(h.now, "AuthorizeRemoteTxRequests", "false")
        .unwrap();
    assert_eq!(remote_start(&mut h, "TAG1", json!({})), "Accepted");
    h.expect_status(1, "Preparing");
    h.expect_quiet();
    h.plug(1);
    let start = h.expect_call("StartTransaction");
    assert_eq!(start.payload()["idTag"], "TAG1");
}

#[test]
fn a_cached_id_tag_skips_authorize_only_under_local_pre_authorize() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.cp.configure(h.now, "AuthorizeRemoteTxRequests", "true")
        .unwrap();
    h.cp.configure(h.now, "AuthorizationCacheEnabled", "true")
        .unwrap();
    h.cp.configure(h.now, "LocalPreAuthorize", "false").unwrap();
    // TAG2 is in the cache, Accepted.
    h.present("TAG2");
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    h.events.clear();
    // Without LocalPreAuthorize the cache does not stand for the answer.
    assert_eq!(remote_start(&mut h, "TAG2", json!({})), "Accepted");
    let a = h.expect_call("Authorize");
    assert_eq!(a.payload()["idTag"], "TAG2");
}

#[test]
fn a_remote_start_comes_with_a_tx_profile_or_none() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.cp.configure(h.now, "AuthorizeRemoteTxRequests", "false")
        .unwrap();
    let profile = |purpose: &str| {
        json!({"chargingProfile": {
            "chargingProfileId": 1,
            "stackLevel": 0,
            "chargingProfilePurpose": purpose,
            "chargingProfileKind": "Absolute",
            "chargingSchedule": {
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}]
            }
        }})
    };
    // Only a TxProfile may come with a remote start (OCPP 1.6 §5.11).
    assert_eq!(
        remote_start(&mut h, "TAG1", profile("TxDefaultProfile")),
        "Rejected"
    );
    h.expect_quiet();
    assert_eq!(
        remote_start(&mut h, "TAG1", profile("TxProfile")),
        "Accepted"
    );
    h.expect_status(1, "Preparing");
}

#[test]
fn a_remote_start_without_a_connector_takes_a_free_one_plugged_first() {
    let pool = pool();
    let mut h = Harness::with_config(&pool, &config().with_connectors(2));
    h.boot();
    h.cp.configure(h.now, "AuthorizeRemoteTxRequests", "false")
        .unwrap();
    h.plug(2);
    h.expect_status(2, "Preparing");
    let id = h.cs_call("RemoteStartTransaction", json!({"idTag": "TAG1"}));
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    let start = h.expect_call("StartTransaction");
    assert_eq!(
        (&start.payload()["connectorId"], &start.payload()["idTag"]),
        (&json!(2), &json!("TAG1"))
    );
    h.reply_ok(&start);
    h.expect_status(2, "Charging");
    // Connector 1 is the free one left.
    let id = h.cs_call("RemoteStartTransaction", json!({"idTag": "TAG2"}));
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    h.expect_status(1, "Preparing");
}

#[test]
fn an_unlock_of_a_connector_that_does_not_exist_is_not_supported() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    for connector in [0, 2] {
        let id = h.cs_call("UnlockConnector", json!({ "connectorId": connector }));
        assert_eq!(
            h.expect_answer(&id),
            json!({"status": "NotSupported"}),
            "connector {connector}"
        );
    }
    assert!(h.events.is_empty(), "nothing to unlock: {:?}", h.events);
}

/// Two UnlockConnectors of one connector taken in before the firmware
/// polls its events (a loop that handles every frame received, then the
/// events) ask the firmware once: its one outcome answers both, and the
/// charge point's own CALLs, which wait behind an unlock answer, go on.
#[test]
fn one_unlock_outcome_answers_every_unlock_connector_of_its_connector() {
    use ocpp_engine::Event;
    use ocpp_model::UnlockStatus;

    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let ids = ["u1", "u2"];
    for id in ids {
        h.incoming.insert(id.into(), "UnlockConnector".into());
        let frame = json!([2, id, "UnlockConnector", {"connectorId": 1}]).to_string();
        h.cp.handle_frame(h.now, frame.as_bytes()).unwrap();
    }
    h.drain();
    h.expect_quiet(); // both answers wait for the firmware
    assert_eq!(
        Vec::from(std::mem::take(&mut h.events)),
        [Event::Unlock { connector: 1 }]
    );
    assert!(h.cp.unlock_result(1, UnlockStatus::Unlocked));
    h.drain();
    for id in ids {
        assert_eq!(h.expect_answer(id), json!({"status": "Unlocked"}));
    }
    // Nothing waits for the firmware any more.
    assert!(!h.cp.unlock_result(1, UnlockStatus::Unlocked));
}

/// A firmware that never reports the outcome of an unlock does not hold
/// the charge point for ever: after the call timeout the answer is
/// UnlockFailed, a late outcome changes nothing, and its own CALLs go on.
#[test]
fn an_unlock_the_firmware_never_reports_fails_after_the_call_timeout() {
    use ocpp_engine::Event;
    use ocpp_model::UnlockStatus;

    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let timeout = config().call_timeout.as_secs();
    let id = h.cs_call("UnlockConnector", json!({"connectorId": 1}));
    assert_eq!(
        Vec::from(std::mem::take(&mut h.events)),
        [Event::Unlock { connector: 1 }]
    );
    // The integrator's loop is woken for it (the heartbeat is 300 s away).
    assert_eq!(
        h.cp.poll_timeout(),
        Some(h.now + config().call_timeout),
        "the unlock's deadline"
    );
    h.advance(timeout - 1);
    h.expect_quiet();
    h.advance(1);
    assert_eq!(h.expect_answer(&id), json!({"status": "UnlockFailed"}));
    assert!(!h.cp.unlock_result(1, UnlockStatus::Unlocked), "too late");
    h.advance(300);
    h.expect_call("Heartbeat");
}

/// An unlock answered UnlockFailed is not carried out afterwards: while
/// the storage fails the firmware hears of nothing but the failure, and
/// once it works again it is not told to unlock a cable the central
/// system was told stays locked.
#[test]
fn an_unlock_answered_failed_is_never_asked_of_the_firmware() {
    use ocpp_engine::Event;

    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.cp.storage().set_failing(true);
    // A change that must be durable before anything goes out.
    let change = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "MeterValueSampleInterval", "value": "30"}),
    );
    let unlock = h.cs_call("UnlockConnector", json!({"connectorId": 1}));
    h.advance(config().call_timeout.as_secs());
    h.expect_quiet();
    assert!(
        h.events
            .iter()
            .all(|e| matches!(e, Event::StorageFailed { .. })),
        "{:?}",
        h.events
    );
    h.events.clear();
    h.cp.storage().set_failing(false);
    h.drain();
    assert_eq!(h.expect_answer(&change), json!({"status": "Accepted"}));
    assert_eq!(h.expect_answer(&unlock), json!({"status": "UnlockFailed"}));
    assert!(
        !h.events.iter().any(|e| matches!(e, Event::Unlock { .. })),
        "{:?}",
        h.events
    );
}

/// When the first of two UnlockConnectors of a connector expires while
/// the storage fails, the second still asks the firmware once the storage
/// works: only an unlock no answer waits for any more is called off.
#[test]
fn an_unlock_still_waiting_is_asked_when_an_earlier_one_expires() {
    use ocpp_engine::Event;
    use ocpp_model::UnlockStatus;

    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let timeout = config().call_timeout.as_secs();
    h.cp.storage().set_failing(true);
    // A change that must be durable before anything goes out (the
    // firmware's: both answer places are the UnlockConnectors').
    h.cp.configure(h.now, "MeterValueSampleInterval", "30")
        .unwrap();
    let first = h.cs_call("UnlockConnector", json!({"connectorId": 1}));
    h.advance(timeout / 2);
    let second = h.cs_call("UnlockConnector", json!({"connectorId": 1}));
    h.advance(timeout - timeout / 2); // the first expires
    h.events.clear();
    h.cp.storage().set_failing(false);
    h.drain();
    assert_eq!(h.expect_answer(&first), json!({"status": "UnlockFailed"}));
    assert!(
        h.events.contains(&Event::Unlock { connector: 1 }),
        "{:?}",
        h.events
    );
    assert!(h.cp.unlock_result(1, UnlockStatus::Unlocked));
    h.drain();
    assert_eq!(h.expect_answer(&second), json!({"status": "Unlocked"}));
}

//! What the OCTT's test cases share: the values it is configured with, its
//! reusable states (Charging, Authorized, GetConfiguration for a key) and
//! the step pairs its cases let come in either order.
//!
//! The document's own definitions of the reusable states "Charging" and
//! "Authorized" were not among its collected pages; they are
//! written here the way TC_003 (plug-in first) and TC_004_2 (an idTag
//! authorized by Authorize.req, the connector Preparing) describe them.
//! Each case uses its part of this module.
#![allow(dead_code)]

use serde_json::{json, Value};

use crate::support::{Harness, Sent};

/// `<Configured ConnectorId>`.
pub const CONNECTOR: u8 = 1;
/// `<Configured valid IdTag>`.
pub const VALID_ID_TAG: &str = "OCTT-VALID-1";
/// `<Configured Valid IdTag 2>`.
pub const VALID_ID_TAG_2: &str = "OCTT-VALID-2";
/// An idTag the central system answers Invalid for.
pub const INVALID_ID_TAG: &str = "OCTT-INVALID";
/// The parentIdTag the central system gives both valid idTags (TC_069).
pub const PARENT_ID_TAG: &str = "OCTT-PARENT";
/// The transactionId the scripted central system gives (`reply_ok`, from
/// the kit's table).
pub const TRANSACTION_ID: i64 = ocpp_testkit::TRANSACTION_ID as i64;
/// `<Configured Heartbeat interval>`, seconds.
pub const HEARTBEAT_INTERVAL: u64 = 60;
/// `<Configured Meter Value interval>`, seconds.
pub const METER_VALUE_SAMPLE_INTERVAL: u64 = 30;
/// `<Configured connectionTimeout>`, seconds.
pub const CONNECTION_TIMEOUT: u64 = 45;

/// The firmware's configuration step of a case ("Configuration State"):
/// the key must take the value.
#[track_caller]
pub fn configure(h: &mut Harness, key: &str, value: &str) {
    h.cp.configure(h.now, key, value)
        .unwrap_or_else(|e| panic!("{key}={value} refused: {e:?}"));
}

/// A charge point that booted and reported every connector Available.
pub fn booted(pool: &crate::support::Pool) -> Harness<'_> {
    let mut h = Harness::new(pool);
    h.boot();
    h
}

/// Reusable State "Authorized": the driver presents `id_tag` at the
/// connector, the charge point asks (Authorize.req) and the central system
/// answers Accepted. The StatusNotification Preparing that follows is left
/// to the case (TC_004_2 and TC_061 count it as their step 1).
#[track_caller]
pub fn authorized(h: &mut Harness, id_tag: &str) {
    h.present_at(CONNECTOR, id_tag);
    let a = h.expect_call("Authorize");
    assert_eq!(a.payload(), &json!({ "idTag": id_tag }), "{}", a.raw);
    h.reply(&a, json!({"idTagInfo": {"status": "Accepted"}}));
}

/// Reusable State "Charging", plug-in first as TC_003: Preparing, Authorize
/// Accepted, StartTransaction Accepted (transactionId 42), Charging.
#[track_caller]
pub fn charging(h: &mut Harness) {
    charging_with(h, json!({"status": "Accepted"}));
}

/// Reusable State "Charging", the central system answering the idTag with
/// `id_tag_info` (in Authorize.conf and StartTransaction.conf).
#[track_caller]
pub fn charging_with(h: &mut Harness, id_tag_info: Value) {
    h.plug(CONNECTOR);
    h.expect_status(CONNECTOR, "Preparing");
    h.present_at(CONNECTOR, VALID_ID_TAG);
    let a = h.expect_call("Authorize");
    assert_eq!(a.payload()["idTag"], VALID_ID_TAG, "{}", a.raw);
    h.reply(&a, json!({ "idTagInfo": id_tag_info.clone() }));
    start_and_charging(h, VALID_ID_TAG, id_tag_info);
    assert_eq!(h.cp.transaction(CONNECTOR), Some(Some(42)));
}

/// StartTransaction.req of `id_tag` (answered with `id_tag_info` and
/// transactionId 42) and StatusNotification Charging, in either order.
#[track_caller]
pub fn start_and_charging(h: &mut Harness, id_tag: &str, id_tag_info: Value) {
    let mut left = vec!["StartTransaction", "StatusNotification"];
    while !left.is_empty() {
        let call = h.expect_one_of(&mut left);
        if call.action() == "StartTransaction" {
            let p = call.payload();
            assert_eq!(
                (p["connectorId"].as_u64(), p["idTag"].as_str()),
                (Some(u64::from(CONNECTOR)), Some(id_tag)),
                "{}",
                call.raw
            );
            h.reply(
                &call,
                json!({ "transactionId": TRANSACTION_ID, "idTagInfo": id_tag_info.clone() }),
            );
        } else {
            expect_status_call(&call, CONNECTOR, "Charging");
            h.reply_ok(&call);
        }
    }
}

/// StopTransaction.req of transaction 42 and StatusNotification Finishing,
/// in either order; returns the StopTransaction for the case's checks.
#[track_caller]
pub fn stop_and_finishing(h: &mut Harness) -> Sent {
    let mut left = vec!["StopTransaction", "StatusNotification"];
    let mut stop = None;
    while !left.is_empty() {
        let call = h.expect_one_of(&mut left);
        if call.action() == "StopTransaction" {
            assert_eq!(
                call.payload()["transactionId"],
                TRANSACTION_ID,
                "{}",
                call.raw
            );
            h.reply_ok(&call);
            stop = Some(call);
        } else {
            expect_status_call(&call, CONNECTOR, "Finishing");
            h.reply_ok(&call);
        }
    }
    stop.expect("a StopTransaction")
}

/// `call` is a StatusNotification of `connector` with `status`.
#[track_caller]
pub fn expect_status_call(call: &Sent, connector: u8, status: &str) {
    assert_eq!(call.action(), "StatusNotification", "{}", call.raw);
    assert_eq!(
        (
            call.payload()["connectorId"].as_u64(),
            call.payload()["status"].as_str()
        ),
        (Some(u64::from(connector)), Some(status)),
        "{}",
        call.raw
    );
}

/// After a registration the engine reports every connector again
/// (connector 0 first): its StatusNotification of connector 0 must say
/// Available. The cases that reconnect do not list it as a step.
#[track_caller]
pub fn expect_connector_0_available(h: &mut Harness) {
    h.expect_status(0, "Available");
}

/// The central system's GetConfiguration for `keys` (none: all); returns
/// the answer's payload.
#[track_caller]
pub fn get_configuration(h: &mut Harness, keys: &[&str]) -> Value {
    let payload = if keys.is_empty() {
        json!({})
    } else {
        json!({ "key": keys })
    };
    let id = h.cs_call("GetConfiguration", payload);
    h.expect_answer(&id)
}

/// The value `answer` (a GetConfiguration.conf) gives `key`, if listed.
pub fn configured<'a>(answer: &'a Value, key: &str) -> Option<&'a Value> {
    answer["configurationKey"]
        .as_array()?
        .iter()
        .find(|k| k["key"] == key)
}

/// The Reusable State "GetConfiguration for key `key`": its value, which
/// must be listed.
#[track_caller]
pub fn read_key(h: &mut Harness, key: &str) -> String {
    let answer = get_configuration(h, &[key]);
    let entry = configured(&answer, key).unwrap_or_else(|| panic!("{key} not in {answer}"));
    entry["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{key} has no value: {answer}"))
        .to_owned()
}

/// Whether AuthorizeRemoteTxRequests is true, as GetConfiguration.conf
/// (step 2 of the remote-start cases) tells it; the key must be listed.
#[track_caller]
pub fn authorize_remote_tx_requests(h: &mut Harness) -> bool {
    let answer = get_configuration(h, &["AuthorizeRemoteTxRequests"]);
    let entry = configured(&answer, "AuthorizeRemoteTxRequests").unwrap_or_else(|| {
        panic!("configurationKey.key is not AuthorizeRemoteTxRequests: {answer}")
    });
    entry["value"] == "true"
}

/// RemoteStartTransaction of `id_tag` on `connector`; returns the answer.
#[track_caller]
pub fn remote_start(h: &mut Harness, connector: u8, id_tag: &str) -> Value {
    let id = h.cs_call(
        "RemoteStartTransaction",
        json!({ "connectorId": connector, "idTag": id_tag }),
    );
    h.expect_answer(&id)
}

/// The driver pulls the cable out of the EV, the other end staying in the
/// charge point's socket. The engine has a single input for a cable going
/// away, `unplug`, which means the cable left the socket; it stands in for
/// this one until there is an input of its own.
#[track_caller]
pub fn unplug_ev_side(h: &mut Harness) {
    h.cp.unplug_ev(h.now, CONNECTOR)
        .expect("unplug at the EV side");
    h.drain();
}

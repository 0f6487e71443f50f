//! What becomes of an idTag presented at a connector when its Authorize
//! fails, or its answer is not quite Accepted: the firmware hears why, and
//! the connector and the pool are as before; and a transaction message lost
//! with the connection (the places found by mutation testing of
//! `tx/answers.rs`, see fuzz/MUTANTS.md).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::{CallFailure, Event};
use ocpp_model::{AuthorizationStatus, ErrorCode, IdToken};
use serde_json::json;
use support::{charging, pool, skip_statuses, Harness, TAG};

fn call_error(h: &mut Harness, call: &support::Sent) {
    let frame = json!([4, call.id(), "InternalError", "", {}]).to_string();
    h.receive(&frame).unwrap();
    h.drain();
}

/// Boot, plug in, present `TAG`: its Authorize is out.
fn plugged_and_presented(h: &mut Harness) {
    h.boot();
    h.plug(1);
    h.expect_status(1, "Preparing");
    h.present_at(1, TAG);
}

/// Connect and register again; the first CALL after the statuses.
fn reconnected(h: &mut Harness) -> support::Sent {
    h.register();
    h.drain();
    skip_statuses(h).expect("a CALL after the statuses")
}

fn tag(s: &str) -> IdToken {
    IdToken::try_from_str(s).unwrap()
}

/// A CALLERROR to the Authorize of an idTag presented at a connector: the
/// firmware hears that nobody could say, nothing starts, the room and
/// queue places claimed for the transaction go back to the pool, and the
/// connector takes an idTag again.
#[test]
fn a_failed_authorize_frees_the_connector_and_says_why() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    // Even where unknown idTags may start offline: the central system was
    // there, it just failed.
    h.cp.configure(h.now, "AllowOfflineTxForUnknownId", "true")
        .unwrap();
    h.boot();
    let before = pool.stats().in_use;
    h.present_at(1, TAG);
    let a = h.expect_call("Authorize");
    assert!(
        pool.stats().in_use > before,
        "the transaction's room is claimed"
    );
    call_error(&mut h, &a);
    h.expect_event(Event::IdTagUnverified {
        connector: 1,
        id_tag: tag(TAG),
        reason: CallFailure::CallError(ErrorCode::InternalError),
    });
    assert_eq!(h.cp.transaction(1), None);
    assert_eq!(pool.stats().in_use, before, "room and places given back");
    h.expect_status(1, "Available");
    h.present_at(1, TAG);
    h.expect_call("Authorize");
}

/// An Authorize that times out is the central system not answering: with
/// AllowOfflineTxForUnknownId the transaction starts as if offline.
#[test]
fn a_timed_out_authorize_starts_offline_where_unknown_ids_may() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "AllowOfflineTxForUnknownId", "true")
        .unwrap();
    plugged_and_presented(&mut h);
    h.expect_call("Authorize");
    h.advance(31);
    assert_eq!(h.cp.transaction(1), Some(None), "started, no id yet");
    h.expect_call("StartTransaction");
}

/// The Authorize could not go out (the connection dropped): it is asked
/// again once the charge point is registered again, and nothing else
/// happens meanwhile.
#[test]
fn an_authorize_lost_with_the_connection_is_asked_again() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.present_at(1, TAG);
    h.expect_call("Authorize");
    h.go_offline();
    assert!(
        !h.events
            .iter()
            .any(|e| matches!(e, Event::IdTagUnverified { .. })),
        "{:?}",
        h.events
    );
    h.events.clear();
    let next = reconnected(&mut h);
    assert_eq!(next.action(), "Authorize", "{}", next.raw);
}

/// During a transaction another idTag is presented; its Authorize fails:
/// the firmware hears why, the transaction goes on, and the same idTag
/// may be presented again (no longer Busy).
#[test]
fn a_failed_authorize_of_another_idtag_leaves_the_transaction_running() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    charging(&mut h, 1_000);
    h.events.clear();
    h.present_at(1, "OTHER");
    let a = h.expect_call("Authorize");
    call_error(&mut h, &a);
    h.expect_event(Event::IdTagUnverified {
        connector: 1,
        id_tag: tag("OTHER"),
        reason: CallFailure::CallError(ErrorCode::InternalError),
    });
    assert_eq!(h.cp.transaction(1), Some(Some(42)));
    h.present_at(1, "OTHER");
    h.expect_call("Authorize");
}

/// An Accepted idTagInfo whose expiryDate has passed is expired: nothing
/// starts and the firmware hears the refusal; one that expires later
/// starts.
#[test]
fn an_accepted_idtag_past_its_expiry_date_does_not_start() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    plugged_and_presented(&mut h);
    let a = h.expect_call("Authorize");
    let past = "2020-01-01T00:00:00Z";
    h.reply(
        &a,
        json!({"idTagInfo": {"status": "Accepted", "expiryDate": past}}),
    );
    h.drain();
    h.expect_event(Event::IdTagRefused {
        connector: 1,
        id_tag: tag(TAG),
        status: AuthorizationStatus::Accepted,
    });
    assert_eq!(h.cp.transaction(1), None);
    h.present_at(1, "LATER");
    let a = h.expect_call("Authorize");
    let later = "2099-01-01T00:00:00Z";
    h.reply(
        &a,
        json!({"idTagInfo": {"status": "Accepted", "expiryDate": later}}),
    );
    h.expect_call("StartTransaction");
}

/// StopTransactionOnInvalidId false changes nothing for a start that is
/// Accepted: energy is offered, the connector is Charging.
#[test]
fn an_accepted_start_charges_whatever_stop_on_invalid_id_says() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "StopTransactionOnInvalidId", "false")
        .unwrap();
    // Charging, not SuspendedEVSE (asserted inside).
    charging(&mut h, 1_000);
    assert!(
        h.events.contains(&Event::Energy {
            connector: 1,
            on: true
        }),
        "{:?}",
        h.events
    );
    assert_eq!(h.cp.transaction(1), Some(Some(42)));
}

/// A StartTransaction lost with the connection is no failed attempt: after
/// more drops than TransactionMessageAttempts it is still sent at once on
/// every reconnection, and never given up.
#[test]
fn a_transaction_message_lost_with_the_connection_is_never_given_up() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    plugged_and_presented(&mut h);
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    h.expect_call("StartTransaction");
    for drop in 1..=4 {
        h.go_offline();
        let next = reconnected(&mut h);
        assert_eq!(
            next.action(),
            "StartTransaction",
            "drop {drop}: {}",
            next.raw
        );
    }
    assert_eq!(h.cp.queue().discarded, 0);
}

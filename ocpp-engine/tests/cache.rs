//! The authorization cache (OCPP 1.6 §3.5.1): off until enabled; what it
//! says offline of the idTags it learned from the central system's answers,
//! once an entry has expired too, and what a reboot under a smaller bound
//! keeps; online, when it stands for the answer. The places found by
//! mutation testing of `authorize.rs` and `inputs.rs` (fuzz/MUTANTS.md).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::{CallFailure, Event};
use ocpp_model::{AuthorizationStatus, IdToken};
use serde_json::{json, Value};
use support::{pool, Harness};

fn tag(s: &str) -> IdToken {
    IdToken::try_from_str(s).unwrap()
}

/// The firmware asks about `id_tag` (Authorize) and the central system
/// answers `info`: the cache learns it.
fn learn(h: &mut Harness, id_tag: &str, info: Value) {
    h.present(id_tag);
    let a = h.expect_call("Authorize");
    h.reply(&a, json!({ "idTagInfo": info }));
    h.events.clear();
}

/// Offline, `id_tag` presented at connector 1: the cache refuses it at
/// once (LocalAuthorizeOffline) with `status`.
#[track_caller]
fn refused_offline(h: &mut Harness, id_tag: &str, status: AuthorizationStatus) {
    h.events.clear();
    h.present_at(1, id_tag);
    h.expect_quiet();
    h.expect_event(Event::IdTagRefused {
        connector: 1,
        id_tag: tag(id_tag),
        status,
    });
    assert_eq!(h.cp.transaction(1), None);
}

/// A cached Blocked idTag stays Blocked; an Accepted one counts as Expired
/// once its expiryDate has passed.
#[test]
fn a_cached_entry_keeps_its_status_until_its_expiry_date() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "AuthorizationCacheEnabled", "true")
        .unwrap();
    h.boot();
    // The test starts at 10:00:00 on the central system's clock.
    let soon = "2026-11-25T10:01:00Z";
    learn(
        &mut h,
        "SOON",
        json!({"status": "Accepted", "expiryDate": soon}),
    );
    learn(&mut h, "BLOCKED", json!({"status": "Blocked"}));
    h.go_offline();
    h.plug(1);
    refused_offline(&mut h, "BLOCKED", AuthorizationStatus::Blocked);
    h.advance(120);
    refused_offline(&mut h, "SOON", AuthorizationStatus::Expired);
}

/// Enable the cache, boot, learn each of `tags` (Blocked, oldest first),
/// then reboot with room for two entries in the cache.
fn rebooted_with_room_for_two<'p>(pool: &'p support::Pool, tags: &[&str]) -> Harness<'p> {
    let mut h = Harness::new(pool);
    h.cp.configure(h.now, "AuthorizationCacheEnabled", "true")
        .unwrap();
    h.boot();
    for t in tags {
        learn(&mut h, t, json!({"status": "Blocked"}));
    }
    h.config = h.config.clone().with_max_cache_entries(2);
    h.reboot();
    h
}

/// A cache stored with more entries than the bound after the reboot
/// keeps its newest ones, and holds the memory of those alone: as much
/// as a cache that learned only them.
#[test]
fn a_cache_restored_under_a_smaller_bound_keeps_its_newest_entries() {
    let (pool4, pool2) = (pool(), pool());
    let mut h = rebooted_with_room_for_two(&pool4, &["T1", "T2", "T3", "T4"]);
    let h2 = rebooted_with_room_for_two(&pool2, &["T3", "T4"]);
    assert_eq!(pool4.stats().in_use, pool2.stats().in_use);
    drop(h2);
    h.plug(1);
    refused_offline(&mut h, "T3", AuthorizationStatus::Blocked);
    refused_offline(&mut h, "T4", AuthorizationStatus::Blocked);
    // The oldest ones are forgotten: offline and unknown, no verdict.
    h.present_at(1, "T2");
    assert!(
        matches!(h.events.pop_front(), Some(Event::IdTagUnverified { .. })),
        "{:?}",
        h.events
    );
}

#[test]
fn the_authorization_cache_is_off_until_it_is_enabled() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let id = h.cs_call(
        "GetConfiguration",
        json!({"key": ["AuthorizationCacheEnabled"]}),
    );
    assert_eq!(
        h.expect_answer(&id),
        json!({"configurationKey": [
            {"key": "AuthorizationCacheEnabled", "readonly": false, "value": "false"}
        ]})
    );
    drop(h);
    for enabled in [false, true] {
        let mut h = Harness::new(&pool);
        if enabled {
            h.cp.configure(h.now, "AuthorizationCacheEnabled", "true")
                .unwrap();
        }
        h.boot();
        let idle = pool.stats().in_use;
        learn(&mut h, support::TAG, json!({"status": "Accepted"}));
        // Learned (one entry, kept) only when enabled.
        assert_eq!(pool.stats().in_use > idle, enabled, "enabled: {enabled}");
        // Offline, LocalAuthorizeOffline starts a known idTag at once; an
        // idTag nobody learned cannot be verified.
        h.cp.disconnected(h.now);
        h.plug(1);
        h.present_at(1, support::TAG);
        if enabled {
            assert_eq!(h.cp.transaction(1), Some(None), "started, offline");
        } else {
            assert_eq!(h.cp.transaction(1), None);
            match h.events.pop_front() {
                Some(Event::IdTagUnverified {
                    connector: 1,
                    id_tag,
                    reason: CallFailure::Offline,
                }) => assert_eq!(id_tag.as_str(), support::TAG),
                other => panic!("expected IdTagUnverified, got {other:?}"),
            }
        }
    }
}

/// Online, an idTag presented at a connector is taken from the cache at
/// once only under LocalPreAuthorize and only while its entry is valid;
/// otherwise the central system is asked again (Authorize), whatever the
/// cache says.
#[test]
fn online_the_cache_stands_for_the_answer_only_under_local_pre_authorize_and_while_valid() {
    let soon = json!({"status": "Accepted", "expiryDate": "2026-11-25T10:01:00Z"});
    for (local_pre_authorize, id_tag, later, asked) in [
        ("false", "GOOD", 0, true),
        ("true", "GOOD", 0, false),
        ("true", "SOON", 0, false),
        ("true", "SOON", 120, true),
    ] {
        let pool = pool();
        let mut h = Harness::new(&pool);
        h.cp.configure(h.now, "AuthorizationCacheEnabled", "true")
            .unwrap();
        h.cp.configure(h.now, "LocalPreAuthorize", local_pre_authorize)
            .unwrap();
        h.boot();
        learn(&mut h, "GOOD", json!({"status": "Accepted"}));
        learn(&mut h, "SOON", soon.clone());
        h.advance(later);
        h.plug(1);
        h.expect_status(1, "Preparing");
        h.present_at(1, id_tag);
        let case = format!("LocalPreAuthorize {local_pre_authorize}, {id_tag} after {later} s");
        if asked {
            let a = h.expect_call("Authorize");
            assert_eq!(a.payload()["idTag"], id_tag, "{case}");
            assert_eq!(h.cp.transaction(1), None, "{case}: waits for the answer");
        } else {
            let start = h.expect_call("StartTransaction");
            assert_eq!(start.payload()["idTag"], id_tag, "{case}");
            assert_eq!(h.cp.transaction(1), Some(None), "{case}: started");
        }
    }
}

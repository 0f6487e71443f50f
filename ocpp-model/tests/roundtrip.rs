//! decode(encode(x)) == x over many generated values of every message of
//! the slice, through whole frames, with exact pool accounting.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::*;
use ocpp_model::*;

const RUNS: usize = 2000;

#[test]
fn boot_notification() {
    let pool = pool();
    let mut r = Rng::new(11);
    for _ in 0..RUNS {
        round_trip(
            &gen_boot_req(&mut r, &*pool),
            Some(Action::BootNotification),
            &pool,
        );
        round_trip(&gen_boot_conf(&mut r), None, &pool);
    }
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn heartbeat() {
    let pool = pool();
    let mut r = Rng::new(12);
    round_trip(&HeartbeatRequest {}, Some(Action::Heartbeat), &pool);
    for _ in 0..RUNS {
        round_trip(&gen_heartbeat_conf(&mut r), None, &pool);
    }
}

#[test]
fn status_notification() {
    let pool = pool();
    let mut r = Rng::new(13);
    for _ in 0..RUNS {
        round_trip(
            &gen_status_req(&mut r, &*pool),
            Some(Action::StatusNotification),
            &pool,
        );
    }
    round_trip(&StatusNotificationResponse {}, None, &pool);
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn authorize() {
    let pool = pool();
    let mut r = Rng::new(14);
    for _ in 0..RUNS {
        round_trip(&gen_authorize_req(&mut r), Some(Action::Authorize), &pool);
        round_trip(&gen_authorize_conf(&mut r), None, &pool);
    }
    assert_eq!(pool.stats().in_use, 0);
}

/// The generator reaches the edges it is meant to reach (else the round
/// trips above would prove less than they seem to).
#[test]
fn generator_covers_edges() {
    let pool = pool();
    let mut r = Rng::new(15);
    let (mut empty, mut full, mut escaped, mut absent, mut present, mut ms) = (0, 0, 0, 0, 0, 0);
    for _ in 0..RUNS {
        let b = gen_boot_req(&mut r, &*pool);
        let s = b.charge_point_vendor.as_str();
        empty += usize::from(s.is_empty());
        full += usize::from(s.len() == 20);
        escaped += usize::from(s.contains('"') || s.contains('\\'));
        absent += usize::from(b.iccid.is_none());
        present += usize::from(b.iccid.is_some());
        ms += usize::from(gen_heartbeat_conf(&mut r).current_time.unix_millis() % 1000 != 0);
    }
    for (what, n) in [
        ("empty", empty),
        ("full", full),
        ("escaped", escaped),
        ("absent", absent),
        ("present", present),
        ("ms", ms),
    ] {
        assert!(n > RUNS / 20, "{what}: {n}");
    }
}

//! The transaction queue's places over time: given back when an idTag's
//! ConnectionTimeOut passes, and the sampling grid kept when the clock
//! jumps (found missed by mutation testing, fuzz/MUTANTS.md).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::{Duration, InputError};
use support::{config, pool, Harness};

/// An idTag waiting for a cable holds the two places of its transaction;
/// when ConnectionTimeOut passes they come back, so a queue of two places
/// takes the next idTag.
#[test]
fn connection_timeout_gives_the_places_back() {
    let pool = pool();
    let config = config().with_max_queued_messages(2);
    let mut h = Harness::with_config(&pool, &config);
    h.cp.configure(h.now, "ConnectionTimeOut", "20").unwrap();
    h.cp.configure(h.now, "LocalPreAuthorize", "true").unwrap();
    h.boot();
    h.present_at(1, "ABCD1234");
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    h.expect_status(1, "Preparing");
    h.advance(21); // no cable: the idTag expires
    h.expect_status(1, "Available");
    assert_eq!(
        h.cp.present_id_tag(h.now, 1, "ABCD1234")
            .map_err(|e| e == InputError::QueueFull),
        Ok(()),
        "the two places came back"
    );
}

/// The clock jumps five intervals at once (a firmware that slept): one
/// sample, and the next one on the grid after now, not in the past (an
/// integrator's loop would spin on a deadline in the past).
#[test]
fn a_clock_jump_keeps_the_sampling_grid() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    support::charging(&mut h, 1_000);
    let start = h.now;
    h.now = start + Duration::from_secs(5 * 60 + 10);
    h.cp.handle_timeout(h.now);
    h.drain();
    // One sample for the five intervals, and the heartbeat due meanwhile.
    let mut samples = 0;
    while let Some(call) = h.sent.pop_front() {
        samples += usize::from(call.action() == "MeterValues");
        h.reply_ok(&call);
    }
    assert_eq!(samples, 1);
    let next = h.cp.poll_timeout().expect("the next sample");
    assert!(next > h.now, "{next:?} is not after {:?}", h.now);
    assert!(
        next <= start + Duration::from_secs(6 * 60),
        "{next:?}: off the grid"
    );
}

//! The snapshot is the proof behind every "a refused step changed nothing"
//! check (the engine tests, the sweep, the random suite, the fuzz target):
//! those checks compare snapshots, so they are only as strong as the
//! snapshot's coverage. Here each step changes one piece of the state the
//! snapshot claims to cover (the connection, the clock, the outstanding
//! CALL and the id counter, the answer slots, the configuration and each
//! block), and the snapshot must differ after it. A `snapshot` that always
//! wrote nothing (`Ok(0)`), or one that skipped a field, fails here
//! (issue 9, §2).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_model::ChargePointErrorCode;
use serde_json::json;
use support::{pool, Harness};

/// Runs `step` and asserts that it changed the snapshot (and that the
/// snapshot is not empty); records the step in `seen`.
#[track_caller]
fn changes(
    h: &mut Harness,
    seen: &mut Vec<(&'static str, Vec<u8>)>,
    what: &'static str,
    step: impl FnOnce(&mut Harness),
) {
    let before = h.snapshot();
    step(h);
    let after = h.snapshot();
    assert!(!after.is_empty(), "{what}: the snapshot is empty");
    assert_ne!(
        before, after,
        "{what}: the state changed, the snapshot did not"
    );
    seen.push((what, after));
}

#[test]
fn the_snapshot_changes_with_every_piece_of_state_it_covers() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    let mut seen = vec![("new", h.snapshot())];
    assert!(!seen[0].1.is_empty(), "a new charge point has state");

    // The connection; the registration block restarts and BootNotification
    // goes out: the outstanding CALL and the next message id.
    changes(&mut h, &mut seen, "connected", |h| h.cp.connected(h.now));
    changes(
        &mut h,
        &mut seen,
        "BootNotification sent (outstanding, next id)",
        |h| h.drain(),
    );
    let boot = h.expect_call("BootNotification");
    // The answer: registration Accepted, the wall clock, the heartbeat interval.
    changes(
        &mut h,
        &mut seen,
        "registered, wall clock, heartbeat",
        |h| h.reply_ok(&boot),
    );
    h.events.clear();
    // The connectors block: StatusNotification reports (last reported status).
    changes(
        &mut h,
        &mut seen,
        "StatusNotification of connector 0 answered",
        |h| {
            let s = h.expect_call("StatusNotification");
            h.reply_ok(&s);
        },
    );
    changes(
        &mut h,
        &mut seen,
        "StatusNotification of connector 1 answered",
        |h| {
            let s = h.expect_call("StatusNotification");
            h.reply_ok(&s);
        },
    );
    h.expect_quiet();

    // The answer slots: a CALL of the central system taken in and not yet answered.
    h.incoming.insert("c1".into(), "ClearCache".into());
    changes(&mut h, &mut seen, "an answer waits in its slot", |h| {
        h.cp.handle_frame(h.now, br#"[2,"c1","ClearCache",{}]"#)
            .expect("taken in");
    });
    changes(&mut h, &mut seen, "the answer sent", |h| h.drain());
    h.expect_result("c1", json!({"status": "Accepted"}));

    // The configuration (a Core key, from the firmware and from the central system).
    changes(
        &mut h,
        &mut seen,
        "configure MeterValueSampleInterval",
        |h| {
            h.cp.configure(h.now, "MeterValueSampleInterval", "30")
                .expect("a Core key");
        },
    );
    changes(
        &mut h,
        &mut seen,
        "ChangeConfiguration HeartbeatInterval",
        |h| {
            h.cs_call(
                "ChangeConfiguration",
                json!({"key": "HeartbeatInterval", "value": "120"}),
            );
        },
    );
    h.sent.clear();
    h.events.clear();

    // The meter of a connector (the transactions block's last readings).
    changes(&mut h, &mut seen, "meter reading", |h| h.meter_wh(1, 1000));
    changes(&mut h, &mut seen, "another meter reading", |h| {
        h.meter_wh(1, 1200)
    });

    // The connectors block: a fault, and its clearing.
    changes(&mut h, &mut seen, "fault on connector 1", |h| {
        h.cp.set_fault(h.now, 1, Some(ChargePointErrorCode::GroundFailure))
            .expect("taken in");
    });
    changes(&mut h, &mut seen, "its StatusNotification sent", |h| {
        h.drain()
    });
    let s = h.expect_call("StatusNotification");
    changes(&mut h, &mut seen, "its StatusNotification answered", |h| {
        h.reply_ok(&s)
    });
    changes(&mut h, &mut seen, "fault cleared", |h| {
        h.cp.set_fault(h.now, 1, None).expect("taken in");
        h.drain();
    });
    let s = h.expect_call("StatusNotification");
    h.reply_ok(&s);

    // The authorization block: the firmware's own Authorize, then its
    // answer lands in the cache.
    changes(&mut h, &mut seen, "firmware Authorize requested", |h| {
        h.cp.authorize(h.now, "CARD-1").expect("taken in");
    });
    changes(&mut h, &mut seen, "Authorize sent", |h| h.drain());
    let a = h.expect_call("Authorize");
    changes(&mut h, &mut seen, "Authorize answered (cache)", |h| {
        h.reply_ok(&a)
    });
    h.events.clear();

    // The transactions block: a session.
    changes(&mut h, &mut seen, "plug in", |h| {
        h.cp.plug_in(h.now, 1).expect("taken in");
    });
    h.drain();
    while let Some(s) = h.sent.pop_front() {
        h.reply_ok(&s);
    }
    changes(
        &mut h,
        &mut seen,
        "idTag presented (StartTransaction queued)",
        |h| {
            h.cp.present_id_tag(h.now, 1, "CARD-1").expect("taken in");
        },
    );
    h.drain();
    // Answer every CALL until quiet (StartTransaction, statuses).
    while let Some(s) = h.sent.pop_front() {
        h.reply_ok(&s);
    }
    assert_eq!(
        h.cp.transaction(1).map(|t| t.is_some()),
        Some(true),
        "a transaction with its id"
    );
    h.events.clear();
    changes(&mut h, &mut seen, "time passes: a sample falls due", |h| {
        h.advance(31)
    });
    while let Some(s) = h.sent.pop_front() {
        h.reply_ok(&s);
    }
    changes(&mut h, &mut seen, "EV suspended", |h| {
        h.cp.set_ev_suspended(h.now, 1, true).expect("taken in");
    });
    changes(&mut h, &mut seen, "stopped locally", |h| {
        h.cp.stop_transaction(h.now, 1, ocpp_model::Reason::Local)
            .expect("taken in");
    });
    h.drain();
    while let Some(s) = h.sent.pop_front() {
        h.reply_ok(&s);
    }
    h.events.clear();
    changes(&mut h, &mut seen, "unplug", |h| {
        h.cp.unplug(h.now, 1).expect("taken in");
    });
    h.drain();
    while let Some(s) = h.sent.pop_front() {
        h.reply_ok(&s);
    }

    // The pending remote actions: a soft reset waits for the firmware.
    h.incoming.insert("r1".into(), "Reset".into());
    changes(&mut h, &mut seen, "Reset taken in", |h| {
        h.cp.handle_frame(h.now, br#"[2,"r1","Reset",{"type":"Soft"}]"#)
            .expect("taken in");
    });
    changes(&mut h, &mut seen, "Reset answered", |h| {
        let mut buf = [0u8; 256];
        h.cp.poll_transmit(h.now, &mut buf)
            .expect("fits")
            .expect("the answer");
    });
    changes(&mut h, &mut seen, "Reset handed to the firmware", |h| {
        assert_eq!(
            h.cp.poll_event(),
            Some(ocpp_engine::Event::Reset { hard: false })
        );
    });

    // The data-transfer block: a registered vendor and a custom action.
    changes(&mut h, &mut seen, "vendor registered", |h| {
        h.cp.register_vendor("com.acme").expect("taken in");
    });
    changes(&mut h, &mut seen, "custom action registered", |h| {
        h.cp.register_action("Coffee").expect("taken in");
    });

    // The heartbeat: due once the interval passed with nothing sent.
    changes(
        &mut h,
        &mut seen,
        "heartbeat sent after its interval",
        |h| {
            for _ in 0..200 {
                h.advance(1);
                if !h.sent.is_empty() {
                    break;
                }
            }
        },
    );
    let hb = h.expect_call("Heartbeat");
    changes(&mut h, &mut seen, "heartbeat answered", |h| h.reply_ok(&hb));

    // The connection again: offline.
    changes(&mut h, &mut seen, "disconnected", |h| {
        h.cp.disconnected(h.now)
    });

    // A step that changes nothing must not change the snapshot either
    // (otherwise "unchanged after a refusal" would be unprovable).
    let before = h.snapshot();
    assert!(h.cp.plug_in(h.now, 9).is_err(), "no connector 9");
    assert_eq!(before, h.snapshot(), "a refused input changed the snapshot");

    // Every step above ran (none was left out by an early return).
    assert_eq!(
        seen.len(),
        33,
        "{:?}",
        seen.iter().map(|s| s.0).collect::<Vec<_>>()
    );
}

/// Found by the `charge_point` fuzz target: an idTag refused with
/// `QueueFull` took the delivered MeterValues (kept at the queue's front for
/// the record) out of the queue, so a refused input changed the state.
#[test]
fn a_present_refused_for_a_full_queue_changes_nothing() {
    let pool = pool();
    let config = support::config()
        .with_connectors(2)
        .with_max_queued_messages(2);
    let mut h = Harness::with_config(&pool, &config);
    h.boot();
    h.cp.configure(h.now, "MeterValueSampleInterval", "30")
        .expect("a Core key");
    h.meter_wh(1, 100);
    h.plug(1);
    h.present_at(1, "CARD-1");
    let answer_all = |h: &mut Harness| {
        while let Some(s) = h.sent.pop_front() {
            h.reply_ok(&s);
        }
    };
    answer_all(&mut h);
    assert_eq!(h.cp.transaction(1), Some(Some(42)), "{:?}", h.events);
    h.advance(31);
    let mv = h.expect_call("MeterValues");
    h.reply_ok(&mv);
    answer_all(&mut h);
    let before = h.snapshot();
    assert_eq!(
        h.cp.present_id_tag(h.now, 2, "CARD-2"),
        Err(ocpp_engine::InputError::QueueFull)
    );
    assert_eq!(before, h.snapshot(), "a refused present changed the state");
}

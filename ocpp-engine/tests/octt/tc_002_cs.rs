//! TC_002_CS Cold Boot Charge Point – Pending (OCTT test case document p7).
//!
//! Purpose: "To test if the Charge Point is able to retrieve and set
//! configuration while in pending state."
//!
//! Steps: [Power cycle the Charge Point.] 1 CP BootNotification.req → 2 CS
//! .conf; 3 CS GetConfiguration.req → 4 CP .conf; 5 CS
//! ChangeConfiguration.req → 6 CP .conf; 7 CP BootNotification.req → 8
//! .conf; [SN per connector and connectorId=0] 9 SN.req → 10; [every x s]
//! 11 Heartbeat.req → 12.
//!
//! Validations, CP: S6 ChangeConfiguration.conf status=Accepted. S7
//! BootNotification sent after the interval from the step 2 conf. S9 SN
//! status=Available. S11 Heartbeat every x s, "x equals interval from s…"
//! TRUNC: the rest, and every CS-side validation, is cut off. This test
//! answers step 2 Pending and step 8 Accepted (the case's name and its
//! step 9), asks for every key at step 3 and changes
//! MeterValueSampleInterval at step 5 (the keys the tool uses are cut off),
//! and takes x as the interval of step 8.

use serde_json::json;

use crate::states::{configured, HEARTBEAT_INTERVAL};
use crate::support::{pool, Harness};

const PENDING_INTERVAL: u64 = 40;

#[test]
fn tc_002_cs() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.connect();
    let boot = h.expect_call("BootNotification");
    h.reply(
        &boot,
        json!({"status": "Pending", "currentTime": "2026-11-25T10:00:00Z", "interval": PENDING_INTERVAL}),
    );
    // 3-4: the configuration can be read while Pending.
    let id = h.cs_call("GetConfiguration", json!({}));
    let answer = h.expect_answer(&id);
    assert!(
        configured(&answer, "MeterValueSampleInterval").is_some(),
        "{answer}"
    );
    // 5-6: and set.
    let id = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "MeterValueSampleInterval", "value": "15"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    // 7: not before the interval of step 2.
    h.advance(PENDING_INTERVAL - 1);
    h.expect_quiet();
    h.advance(1);
    let boot = h.expect_call("BootNotification");
    h.reply(
        &boot,
        json!({"status": "Accepted", "currentTime": "2026-11-25T10:00:40Z", "interval": HEARTBEAT_INTERVAL}),
    );
    // 9: every connector and connector 0, Available.
    h.expect_status(0, "Available");
    h.expect_status(1, "Available");
    h.expect_quiet();
    // 11: a Heartbeat every x seconds.
    for _ in 0..2 {
        h.advance(HEARTBEAT_INTERVAL - 1);
        h.expect_quiet();
        h.advance(1);
        let hb = h.expect_call("Heartbeat");
        h.reply_ok(&hb);
    }
    // The change made while Pending holds.
    let mut value = String::new();
    assert!(h
        .cp
        .read_configuration("MeterValueSampleInterval", &mut value));
    assert_eq!(value, "15");
}

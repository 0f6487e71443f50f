//! TC_001_CS Cold Boot Charge Point (OCTT test case document p7).
//!
//! Purpose: not in the collected excerpt. Description of the CSMS twin:
//! "This scenario is used to startup the Charge Point and let it register
//! itself at the Central System."
//!
//! Steps: [Power cycle CP] 1 CP BootNotification.req → 2 CS .conf;
//! 3 CP BootNotification.req → 4 .conf; [SN per connector and
//! connectorId=0] 5 SN.req → 6; [every x s] 7 Heartbeat.req → 8.
//!
//! Validations, CP: S3 BootNotification.req is sent after the interval given
//! in the BootNotification.conf of step 2. S5 SN status=Available. S7
//! Heartbeat.req every x s, x = interval from step 4. CS: S2
//! BootNotification.conf status=Rejected. S4 status=Accepted,
//! interval=<Configured Heartbeat interval>.
//!
//! The power cycle is a charge point built anew: nothing has to survive it.

use serde_json::json;

use crate::states::HEARTBEAT_INTERVAL;
use crate::support::{pool, Harness};

const REJECTED_INTERVAL: u64 = 30;

#[test]
fn tc_001_cs() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.connect();
    // 1-2: Rejected, retry after the interval.
    let boot = h.expect_call("BootNotification");
    h.reply(
        &boot,
        json!({"status": "Rejected", "currentTime": "2026-11-25T10:00:00Z", "interval": REJECTED_INTERVAL}),
    );
    h.advance(REJECTED_INTERVAL - 1);
    h.expect_quiet();
    // 3: after the interval of step 2.
    h.advance(1);
    let boot = h.expect_call("BootNotification");
    // 4: Accepted, interval = the configured heartbeat interval.
    h.reply(
        &boot,
        json!({"status": "Accepted", "currentTime": "2026-11-25T10:00:30Z", "interval": HEARTBEAT_INTERVAL}),
    );
    // 5: connector 0 and every connector, Available.
    h.expect_status(0, "Available");
    h.expect_status(1, "Available");
    h.expect_quiet();
    // 7: a Heartbeat every x seconds.
    for _ in 0..3 {
        h.advance(HEARTBEAT_INTERVAL - 1);
        h.expect_quiet();
        h.advance(1);
        let hb = h.expect_call("Heartbeat");
        h.reply_ok(&hb);
    }
}

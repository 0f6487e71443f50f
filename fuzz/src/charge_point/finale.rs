//! The end of every program: nothing is stuck. Memory, storage and the
//! connection come back, the firmware stops every transaction and reports
//! every unlock it was asked for, and a central system that answers
//! everything as usual receives every transaction message: the queue
//! empties, no transaction runs, and no CALL of ours is left waiting for
//! its answer. (A charge point whose queue never drains loses its
//! transactions as surely as one that drops them.) Then every transaction
//! the central system opened was stopped (`ledger.rs`).

use ocpp_alloc::FailurePlan;
use ocpp_engine::Duration;
use ocpp_model::{Reason, UnlockStatus};
use serde_json::Value;

use super::{World, CALL_TIMEOUT_SECS};

/// More than enough rounds (a CALL answered, or time moved to the next
/// deadline) for a drain: with no periodic deadline left, each queued
/// message takes a round or two, a failed one a few more.
const ROUNDS: u32 = 1_000;

/// The usual answer, but a BootNotification's sets no heartbeat: with
/// the periodic deadlines off, every round of the drain moves it on.
fn answer_of(w: &World<'_>, action: &str, now: ocpp_engine::Instant) -> String {
    let usual = w.ledger.usual(action, now);
    if action != "BootNotification" {
        return usual;
    }
    let mut v: Value = serde_json::from_str(&usual).expect("the usual answer is JSON");
    v["interval"] = 0.into();
    v.to_string()
}

impl World<'_> {
    pub(super) fn finale(&mut self) {
        self.alloc.set_plan(FailurePlan::Never);
        self.set_failing(false);
        if self.storage.is_down() {
            self.reboot();
        } else {
            self.storage.power_on(); // a cut still planned is called off
        }
        // No periodic deadline (heartbeat, clock-aligned samples): the
        // firmware's settings, as a local menu would make them.
        for key in ["HeartbeatInterval", "ClockAlignedDataInterval"] {
            self.input("configure", |cp, now| cp.configure(now, key, "0"));
        }
        let mut rounds = 0;
        loop {
            if !self.cp().is_online() {
                let now = self.now;
                self.cp().connected(now);
                self.outstanding = None;
                self.incoming.clear();
            }
            for k in 1..=self.cp().connectors() {
                if self.cp().transaction(k).is_some() {
                    self.input("stop_transaction", |cp, now| {
                        cp.stop_transaction(now, k, Reason::Local)
                    });
                }
            }
            // The firmware reports every unlock it was asked for.
            for k in std::mem::take(&mut self.unlocks) {
                let waited = self.cp().unlock_result(k, UnlockStatus::Unlocked);
                if super::trace() {
                    eprintln!("{:>8} unlock_result({k}): {waited}", self.now.as_millis());
                }
            }
            self.drain();
            let running = (1..=self.cp().connectors()).any(|k| self.cp().transaction(k).is_some());
            let queued = self.cp().queue().queued;
            // A CALL the charge point gave up on (its call timeout ran out)
            // waits no more.
            let given_up = |at| self.now >= at + Duration::from_secs(CALL_TIMEOUT_SECS);
            if self.outstanding.as_ref().is_some_and(|o| given_up(o.2)) {
                self.outstanding = None;
            }
            if let Some((id, action, _)) = self.outstanding.clone() {
                self.answer(answer_of);
                assert!(
                    self.outstanding.as_ref().map(|o| &o.0) != Some(&id),
                    "the usual answer to our {action} {id} refused"
                );
            } else if queued == 0 && !running {
                self.ledger.check();
                return;
            } else if self.unlocks.is_empty() {
                let Some(t) = self.cp().poll_timeout() else {
                    let (boot, persisted) = (self.cp().boot_state(), self.cp().persist());
                    panic!(
                        "stuck at the end: {queued} transaction messages queued, a transaction \
                         running: {running}, nothing sent and no deadline (registration \
                         {boot:?}, records {persisted:?})"
                    );
                };
                let wait = (t - self.now).as_millis();
                self.advance(wait.div_ceil(1000));
            }
            rounds += 1;
            assert!(
                rounds < ROUNDS,
                "no end to the drain: {queued} transaction messages queued, a transaction \
                 running: {running}, after {ROUNDS} rounds"
            );
        }
    }
}

//! The central system's book of transactions: every transactionId the
//! charge point took from a StartTransaction answer is carried by a
//! StopTransaction before the program ends (`finale`), so no transaction
//! the central system opened is lost, whatever refusals, power cuts,
//! reboots and firmware updates came between.
//!
//! An id is "taken" when `handle_frame` took its answer as the answer to
//! our outstanding StartTransaction (a late one is `Unsolicited`, an
//! escaped message id is unescaped first) and it decodes with the
//! model's decoder (the engine's; the `codec` target holds it to the
//! schemas). The ledger forgets, rather than mis-accuses, where the charge
//! point may have lost the id without fault:
//! - the same StartTransaction is sent again after a reboot (its answer
//!   was not written: a cut, or a failing storage, came first): an id
//!   opened before that reboot is owed again only once that send is
//!   answered;
//! - a cut tore the transactions record: the reboot after it forgets every
//!   open id, as the medium lost them, not the charge point.
//!
//! The usual StartTransaction answer gives the smallest id from 42 up that
//! no open transaction has: 42 when one runs at a time (the id the
//! central system's RemoteStopTransaction names), distinct ids when
//! several do. Ids may still repeat (`ANSWERS` has 77 and 78): each
//! StopTransaction closes one open transaction of its id.

use allocator_api2::alloc::Global;
use ocpp_engine::Instant;
use ocpp_model::v16::StartTransactionResponse;
use serde_json::Value;

/// The id the usual answer gives first.
const FIRST_ID: i32 = ocpp_testkit::TRANSACTION_ID;

#[derive(Default)]
pub(super) struct Ledger {
    /// The StartTransaction out: its message id and payload.
    out: Option<(String, String)>,
    /// Each StartTransaction answered, by payload, with the id taken,
    /// until a StopTransaction carries that id.
    open: Vec<(String, i32)>,
    /// How many of `open`, the oldest, were opened before the last reboot:
    /// only those may come back as a StartTransaction sent again.
    before_boot: usize,
}

impl Ledger {
    /// A CALL of ours went out. A StartTransaction: the charge point
    /// holds no id for it (yet, or, sent again after a reboot, any more).
    pub(super) fn call_sent(&mut self, action: &str, id: &str, payload: &str) {
        self.out = None;
        if action == "StartTransaction" {
            if let Some(i) = self.open[..self.before_boot]
                .iter()
                .position(|(p, _)| p == payload)
            {
                self.open.remove(i);
                self.before_boot -= 1;
            }
            self.out = Some((id.to_owned(), payload.to_owned()));
        }
    }

    /// The answer `payload` went to our outstanding CALL `id`.
    pub(super) fn answered(&mut self, id: &str, payload: &str) {
        let Some((_, start)) = self.out.take_if(|(out, _)| out == id) else {
            return;
        };
        // One that does not decode failed the CALL: it goes again, or is
        // given up (and its transaction with it).
        let taken = ocpp_model::decode::<StartTransactionResponse, _>(payload.as_bytes(), Global);
        if let Ok(r) = taken {
            self.open.push((start, r.transaction_id));
        }
    }

    /// A StopTransaction went out with this payload.
    pub(super) fn stop_sent(&mut self, payload: &str) {
        let v: Value = serde_json::from_str(payload).expect("validated JSON");
        let id = v["transactionId"].as_i64().expect("a transactionId");
        // One open transaction per StopTransaction: two given the same id
        // need one each (a StopTransaction sent again closes another).
        if let Some(i) = self.open.iter().position(|&(_, t)| i64::from(t) == id) {
            self.open.remove(i);
            if i < self.before_boot {
                self.before_boot -= 1;
            }
        }
    }

    /// The medium lost what the charge point wrote.
    pub(super) fn forget(&mut self) {
        self.open.clear();
        self.before_boot = 0;
        self.out = None;
    }

    /// A reboot: a transaction open now may have lost its id with the
    /// answer that was not written, and be started again.
    pub(super) fn rebooted(&mut self) {
        self.before_boot = self.open.len();
    }

    /// The usual answer to `action`, with a fresh transactionId.
    pub(super) fn usual(&self, action: &str, now: Instant) -> String {
        if action != "StartTransaction" {
            return ocpp_testkit::usual(action).text(now);
        }
        let fresh = (FIRST_ID..)
            .find(|id| self.open.iter().all(|&(_, t)| t != *id))
            .expect("fewer open transactions than ids");
        format!(r#"{{"transactionId":{fresh},"idTagInfo":{{"status":"Accepted"}}}}"#)
    }

    /// At the end: every id taken was carried by a StopTransaction.
    pub(super) fn check(&self) {
        assert!(
            self.open.is_empty(),
            "transactions the central system opened were never stopped (StartTransaction \
             payload, transactionId): {:?}",
            self.open
        );
    }
}

#[cfg(test)]
mod tests {
    use super::Ledger;

    const START: &str =
        r#"{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2026-12-02T00:00:00Z"}"#;

    fn answer(id: i32) -> String {
        format!(r#"{{"transactionId":{id},"idTagInfo":{{"status":"Accepted"}}}}"#)
    }

    #[test]
    #[should_panic(expected = "never stopped")]
    fn an_id_taken_and_never_stopped_is_a_finding() {
        let mut l = Ledger::default();
        l.call_sent("StartTransaction", "1", START);
        l.answered("1", &answer(42));
        l.check();
    }

    #[test]
    fn a_stop_with_the_id_closes_it() {
        let mut l = Ledger::default();
        l.call_sent("StartTransaction", "1", START);
        l.answered("1", &answer(42));
        l.stop_sent(r#"{"transactionId":42,"meterStop":5,"timestamp":"2026-12-02T00:01:00Z"}"#);
        l.check();
    }

    #[test]
    fn only_a_valid_answer_to_the_start_out_opens_an_id() {
        let mut l = Ledger::default();
        l.call_sent("StartTransaction", "1", START);
        l.answered("2", &answer(42)); // another CALL's
        l.answered("1", r#"{"transactionId":"42"}"#); // not a StartTransaction.conf
        l.check();
        l.call_sent("StartTransaction", "3", START); // sent again: this answer opens it
        l.answered("3", &answer(7));
        assert_eq!(l.open, [(START.to_owned(), 7)]);
    }

    #[test]
    fn an_answer_to_a_later_call_opens_nothing() {
        let mut l = Ledger::default();
        l.call_sent("StartTransaction", "5", START);
        l.call_sent("Heartbeat", "6", "{}"); // the start timed out
        l.answered("6", &answer(42));
        l.answered("5", &answer(42));
        l.check();
    }

    #[test]
    fn the_same_start_sent_again_owes_its_id_only_once_answered_again() {
        let mut l = Ledger::default();
        l.call_sent("StartTransaction", "1", START);
        l.answered("1", &answer(42));
        l.rebooted(); // a power cut
        l.call_sent("StartTransaction", "9", START);
        l.check();
        l.answered("9", &answer(43));
        l.stop_sent(r#"{"transactionId":42,"meterStop":5,"timestamp":"2026-12-02T00:01:00Z"}"#);
        assert_eq!(l.open, [(START.to_owned(), 43)]);
    }

    #[test]
    #[should_panic(expected = "never stopped")]
    fn the_same_start_sent_again_without_a_reboot_owes_both_ids() {
        let mut l = Ledger::default();
        l.call_sent("StartTransaction", "1", START);
        l.answered("1", &answer(42));
        l.call_sent("StartTransaction", "2", START);
        l.answered("2", &answer(78));
        l.stop_sent(r#"{"transactionId":78,"meterStop":5,"timestamp":"2026-12-02T00:01:00Z"}"#);
        l.check();
    }

    #[test]
    #[should_panic(expected = "never stopped")]
    fn two_transactions_of_one_id_need_two_stops() {
        let mut l = Ledger::default();
        l.call_sent("StartTransaction", "1", START);
        l.answered("1", &answer(78));
        l.call_sent(
            "StartTransaction",
            "2",
            &START.replace("\"connectorId\":1", "\"connectorId\":2"),
        );
        l.answered("2", &answer(78));
        l.stop_sent(r#"{"transactionId":78,"meterStop":5,"timestamp":"2026-12-02T00:01:00Z"}"#);
        l.check();
    }

    #[test]
    fn the_usual_answer_gives_42_unless_an_open_transaction_has_it() {
        let now = ocpp_testkit::START;
        let mut l = Ledger::default();
        assert!(l
            .usual("StartTransaction", now)
            .contains(r#""transactionId":42,"#));
        l.call_sent("StartTransaction", "1", START);
        l.answered("1", &answer(42));
        assert!(l
            .usual("StartTransaction", now)
            .contains(r#""transactionId":43,"#));
        assert_eq!(
            l.usual("Heartbeat", now),
            ocpp_testkit::usual("Heartbeat").text(now)
        );
    }
}

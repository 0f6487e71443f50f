//! The scripted central system: its usual answer to each of our CALLs (the
//! test kit's, `ocpp_testkit::USUAL`, with transactionIds of its own), and
//! the OCPP rules it checks on every frame the charge point sends. It reads
//! frames with `serde_json`, not with the code under test.

mod clock;
#[cfg(test)]
mod tests;

use ocpp_engine::{Duration, Instant};
use ocpp_testkit::TRANSACTION_ID;
use serde_json::Value as Json;

use clock::unix_millis;

/// A CALL of ours, as the central system received it.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub(crate) id: String,
    pub(crate) action: String,
    payload: Json,
}

/// A transaction the central system gave an id to.
#[derive(Clone, Copy, Debug)]
struct Transaction {
    id: i64,
    /// Its StopTransaction was acknowledged (a CALLRESULT).
    stopped: bool,
}

/// What the central system knows and waits for. A breach of a rule panics,
/// which the drivers report with the step and the plan.
#[derive(Debug)]
pub(crate) struct Csms {
    connectors: u8,
    call_timeout: Duration,
    /// Our CALL that waits for its answer.
    pending: Option<Call>,
    /// When that CALL was sent, for the one-outstanding-CALL rule.
    pending_since: Instant,
    /// Our BootNotification was accepted on this connection.
    registered: bool,
    /// The transactionId of the next StartTransaction answered as usual.
    next_transaction_id: i64,
    transactions: Vec<Transaction>,
    /// StartTransactions received and not acknowledged: (connector,
    /// timestamp).
    unacknowledged_starts: Vec<(u64, i64)>,
    /// Its CALLs the charge point took in and has not answered: (id, action).
    awaiting: Vec<(String, String)>,
    /// CALLs taken in whose id `serde_json` cannot read (answered all the same).
    unreadable: usize,
    /// The timestamp of the last transaction message, for the order rule.
    last_tx_time: i64,
    /// The power was cut at least once (power-loss suite): a transaction
    /// message may come again, the same, once the charge point is back.
    resends_allowed: bool,
    /// Every transaction message received (its payload), for resends.
    seen: Vec<String>,
    /// Acknowledged StartTransactions (connector, timestamp) and their id:
    /// the same start sent again gets the same id, as a central system that
    /// sees the same message again, not a new transaction.
    starts: Vec<((u64, i64), i64)>,
    /// The energy register of each transaction (Wh) as last reported.
    energy: Vec<(i64, f64)>,
    /// Transaction messages received again after a cut.
    pub(crate) resends: usize,
    /// ChangeConfiguration of a Core key answered Accepted: (key, value).
    pub(crate) accepted: Vec<(String, String)>,
    /// ChangeConfiguration CALLs taken in and not answered yet: (id, key, value).
    changes: Vec<(String, String, String)>,
}

impl Csms {
    pub(crate) fn new(connectors: u8, call_timeout: Duration) -> Self {
        Self {
            connectors,
            call_timeout,
            pending: None,
            pending_since: Instant::from_millis(0),
            registered: false,
            next_transaction_id: TRANSACTION_ID.into(),
            transactions: Vec::new(),
            unacknowledged_starts: Vec::new(),
            awaiting: Vec::new(),
            unreadable: 0,
            last_tx_time: i64::MIN,
            resends_allowed: false,
            seen: Vec::new(),
            starts: Vec::new(),
            energy: Vec::new(),
            resends: 0,
            accepted: Vec::new(),
            changes: Vec::new(),
        }
    }

    /// The charge point lost its power: the connection is gone, and what it
    /// had sent and not seen acknowledged may come again.
    pub(crate) fn power_cut(&mut self) {
        self.connection_changed();
        self.resends_allowed = true;
    }

    /// After a power-cut run settled: every transaction the central system
    /// knows was stopped, every StartTransaction it received was
    /// acknowledged (none lost, none left half done).
    pub(crate) fn check_settled(&self) {
        if let Some(t) = self.transactions.iter().find(|t| !t.stopped) {
            panic!("transaction {} was never stopped", t.id);
        }
        assert!(
            self.unacknowledged_starts.is_empty(),
            "StartTransactions never acknowledged: {:?}",
            self.unacknowledged_starts
        );
    }

    /// What the central system waits for, as bytes for the state comparisons.
    pub(crate) fn fingerprint(&self) -> Vec<u8> {
        let pending = self.pending.as_ref().map(|c| (&c.id, &c.action));
        format!(
            "{pending:?}{}{}{:?}{:?}{:?}{}",
            self.registered,
            self.next_transaction_id,
            self.transactions,
            self.unacknowledged_starts,
            self.awaiting,
            self.unreadable
        )
        .into_bytes()
    }

    /// A new connection, or none: message ids and answers of the old one are void.
    pub(crate) fn connection_changed(&mut self) {
        self.pending = None;
        self.registered = false;
        self.awaiting.clear();
        self.unreadable = 0;
    }

    /// Our outstanding CALL, if any.
    pub(crate) fn pending(&self) -> Option<&Call> {
        self.pending.as_ref()
    }

    /// The usual CALLRESULT payload for our outstanding CALL at `now`: the
    /// test kit's ([`ocpp_testkit::USUAL`], the one table), except that a
    /// StartTransaction gets this central system's next transactionId (42,
    /// then 43, ...) in place of the kit's [`TRANSACTION_ID`], so that each
    /// transaction has its own id for the checks on MeterValues and
    /// StopTransaction.
    pub(crate) fn usual_answer(&self, action: &str, now: Instant) -> String {
        let text = ocpp_testkit::usual(action).text(now);
        if action != "StartTransaction" {
            return text;
        }
        let again = self.pending.as_ref().and_then(|c| start_of(&c.payload));
        let known = self.starts.iter().find(|(s, _)| Some(*s) == again);
        let id = known.map_or(self.next_transaction_id, |(_, id)| *id);
        let kit = format!(r#""transactionId":{TRANSACTION_ID},"#);
        assert!(
            text.contains(&kit),
            "the kit's StartTransaction answer has no {kit}: {text}"
        );
        let ours = format!(r#""transactionId":{id},"#);
        text.replacen(&kit, &ours, 1)
    }

    /// The charge point took in our answer to its outstanding CALL.
    pub(crate) fn answered(&mut self, result: bool, payload: &str) {
        let Some(call) = self.pending.take() else {
            return;
        };
        let answer: Json = serde_json::from_str(payload).unwrap_or(Json::Null);
        // A CALLERROR, or a CALLRESULT the charge point must refuse, leaves
        // our CALL failed: nothing was acknowledged.
        if !result || !conforms(&call.action, &answer) {
            return;
        }
        match call.action.as_str() {
            "BootNotification" => self.registered = answer["status"] == "Accepted",
            "StartTransaction" => {
                if let Some(id) = answer["transactionId"].as_i64() {
                    let start = start_of(&call.payload);
                    self.unacknowledged_starts.retain(|s| Some(*s) != start);
                    self.transactions.retain(|t| t.id != id);
                    self.transactions.push(Transaction { id, stopped: false });
                    self.next_transaction_id = self.next_transaction_id.max(id + 1);
                    if let Some(start) = start {
                        self.starts.retain(|(s, _)| *s != start);
                        self.starts.push((start, id));
                    }
                    let wh = call.payload["meterStart"].as_f64().unwrap_or(0.0);
                    self.energy.retain(|(t, _)| *t != id);
                    self.energy.push((id, wh));
                }
            }
            "StopTransaction" => {
                let id = call.payload["transactionId"].as_i64();
                for t in &mut self.transactions {
                    if Some(t.id) == id {
                        t.stopped = true;
                    }
                }
            }
            _ => {}
        }
    }

    /// The charge point took in this CALL of ours (its answer is due).
    pub(crate) fn call_taken_in(&mut self, frame: &str) {
        match call_of(frame) {
            Some(c) => {
                if c.action == "ChangeConfiguration" {
                    let text = |k: &str| c.payload[k].as_str().unwrap_or_default().to_owned();
                    self.changes
                        .push((c.id.clone(), text("key"), text("value")));
                }
                self.awaiting.push((c.id, c.action));
            }
            None => self.unreadable += 1,
        }
    }

    /// Checks a frame the charge point sent at `now`.
    pub(crate) fn sent(&mut self, frame: &str, now: Instant) {
        let v: Json = serde_json::from_str(frame)
            .unwrap_or_else(|e| panic!("sent a frame that is not JSON ({e}): {frame}"));
        match v[0].as_u64() {
            Some(2) => self.sent_call(frame, &v, now),
            Some(3 | 4) => self.sent_answer(frame, &v),
            _ => panic!("sent a frame that is no OCPP-J message: {frame}"),
        }
    }

    /// Our answer to one of its CALLs: each is answered once, by its id.
    fn sent_answer(&mut self, frame: &str, v: &Json) {
        let id = v[1].as_str().unwrap_or_default();
        if let Some(i) = self.changes.iter().position(|(a, _, _)| a == id) {
            let (_, key, value) = self.changes.remove(i);
            if v[0] == 3 && v[2]["status"] == "Accepted" {
                self.accepted.retain(|(k, _)| *k != key);
                self.accepted.push((key, value));
            }
        }
        if let Some(i) = self.awaiting.iter().position(|(a, _)| a == id) {
            self.awaiting.remove(i);
        } else if self.unreadable > 0 {
            self.unreadable -= 1;
        } else {
            panic!("an answer to no CALL of the central system: {frame}");
        }
    }

    /// After the charge point transmitted all it had: every CALL of the
    /// central system is answered, except UnlockConnector, whose answer
    /// waits for the firmware.
    pub(crate) fn check_all_answered(&self) {
        if let Some((id, action)) = self.awaiting.iter().find(|(_, a)| a != "UnlockConnector") {
            panic!("the central system's {action} {id:?} was taken in and never answered");
        }
        assert_eq!(self.unreadable, 0, "a CALL was taken in and never answered");
    }

    /// The OCPP rules on a CALL of ours: nothing but BootNotification before
    /// the central system accepted it; one CALL at a time (a new one only
    /// once the last was answered or timed out); transaction messages carry
    /// an id the central system gave, of a transaction not yet stopped, and
    /// go out in the order they happened.
    fn sent_call(&mut self, frame: &str, v: &Json, now: Instant) {
        let call = Call {
            id: v[1].as_str().unwrap_or_default().to_owned(),
            action: v[2].as_str().unwrap_or_default().to_owned(),
            payload: v[3].clone(),
        };
        assert!(
            self.registered || call.action == "BootNotification",
            "sent before registration was accepted: {frame}"
        );
        if self.pending.is_some() {
            assert!(
                now >= self.pending_since + self.call_timeout,
                "a second CALL while one is outstanding: {frame}"
            );
        }
        let p = &call.payload;
        let tx_message = matches!(
            call.action.as_str(),
            "StartTransaction" | "MeterValues" | "StopTransaction"
        );
        let text = p.to_string();
        if tx_message && self.seen.contains(&text) && self.resends_allowed {
            // The same message again after a cut: OCPP lets the charge point
            // resend what it did not see acknowledged; it names the same
            // transaction (its id was acknowledged, or comes again).
            self.resends += 1;
            self.pending = Some(call);
            self.pending_since = now;
            return;
        }
        if tx_message {
            self.seen.push(text);
            self.meter_forward(&call.action, p, frame);
        }
        match call.action.as_str() {
            "StartTransaction" => {
                self.connector(p, 1, frame);
                self.in_order(p["timestamp"].as_str(), frame);
                let start = start_of(p).expect("checked above");
                if !self.unacknowledged_starts.contains(&start) {
                    self.unacknowledged_starts.push(start);
                }
            }
            "MeterValues" => {
                let connector = self.connector(p, 0, frame);
                let id = p["transactionId"].as_i64();
                // Clock-aligned or triggered values outside a transaction
                // carry no id; every other MeterValues is a transaction's.
                let context = p["meterValue"][0]["sampledValue"][0]["context"].as_str();
                let outside = id.is_none() && matches!(context, Some("Sample.Clock" | "Trigger"));
                if connector > 0 && !outside {
                    self.running(id, frame);
                }
                let times = p["meterValue"].as_array().into_iter().flatten();
                for mv in times {
                    self.in_order(mv["timestamp"].as_str(), frame);
                }
            }
            "StopTransaction" => {
                let id = p["transactionId"].as_i64();
                self.running(id, frame);
                self.in_order(p["timestamp"].as_str(), frame);
            }
            "StatusNotification" => {
                self.connector(p, 0, frame);
            }
            _ => {}
        }
        self.pending = Some(call);
        self.pending_since = now;
    }

    /// Meter readings of a transaction never go backwards: meterStart, the
    /// energy register of its MeterValues, meterStop.
    fn meter_forward(&mut self, action: &str, p: &Json, frame: &str) {
        let Some(id) = p["transactionId"].as_i64() else {
            return;
        };
        let wh = match action {
            "StopTransaction" => p["meterStop"].as_f64(),
            _ => p["meterValue"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|mv| mv["sampledValue"].as_array().into_iter().flatten())
                .find(|sv| {
                    sv["measurand"] == "Energy.Active.Import.Register"
                        && sv.get("phase").is_none()
                        && sv["unit"] != "kWh"
                })
                .and_then(|sv| sv["value"].as_str()?.parse().ok()),
        };
        let (Some(wh), Some(last)) = (wh, self.energy.iter_mut().find(|(t, _)| *t == id)) else {
            return;
        };
        assert!(
            wh >= last.1,
            "transaction {id}'s meter went back from {} Wh: {frame}",
            last.1
        );
        last.1 = wh;
    }

    /// The connectorId of a payload, checked to lie in `min..=connectors`.
    fn connector(&self, p: &Json, min: u8, frame: &str) -> u8 {
        let c = p["connectorId"].as_u64().unwrap_or(u64::MAX);
        assert!(
            (u64::from(min)..=u64::from(self.connectors)).contains(&c),
            "no such connector: {frame}"
        );
        c as u8
    }

    /// A transaction message must name a transaction that runs.
    fn running(&self, id: Option<i64>, frame: &str) {
        let Some(id) = id else {
            panic!(
                "a transaction message without the transactionId the central system gave: {frame}"
            );
        };
        match self.transactions.iter().find(|t| t.id == id) {
            None => panic!("transactionId {id} was never given by the central system: {frame}"),
            Some(t) if t.stopped => panic!("transaction {id} was already stopped: {frame}"),
            Some(_) => {}
        }
    }

    /// Transaction messages go out in the order they happened (retries
    /// repeat a timestamp).
    fn in_order(&mut self, timestamp: Option<&str>, frame: &str) {
        let t = timestamp
            .and_then(unix_millis)
            .unwrap_or_else(|| panic!("a transaction message without a valid timestamp: {frame}"));
        assert!(
            t >= self.last_tx_time,
            "a transaction message older than the one before: {frame}"
        );
        self.last_tx_time = t;
    }
}

/// Whether `answer` is a CALLRESULT payload of `action` the charge point
/// must take (checked for the answers whose effects the central system
/// tracks; the scripted bad answers break one of these rules).
fn conforms(action: &str, answer: &Json) -> bool {
    let Some(o) = answer.as_object() else {
        return false;
    };
    let only = |keys: &[&str]| o.keys().all(|k| keys.contains(&k.as_str()));
    match action {
        "BootNotification" => {
            only(&["status", "currentTime", "interval"])
                && ["Accepted", "Pending", "Rejected"]
                    .contains(&o.get("status").and_then(Json::as_str).unwrap_or(""))
                && o.get("currentTime")
                    .and_then(Json::as_str)
                    .and_then(unix_millis)
                    .is_some()
                && o.get("interval").is_some_and(Json::is_i64)
        }
        "StartTransaction" => {
            only(&["transactionId", "idTagInfo"])
                && o.get("transactionId").is_some_and(Json::is_i64)
                && o.get("idTagInfo").is_some_and(id_tag_info)
        }
        "StopTransaction" => only(&["idTagInfo"]) && o.get("idTagInfo").is_none_or(id_tag_info),
        _ => true,
    }
}

fn id_tag_info(v: &Json) -> bool {
    let Some(o) = v.as_object() else {
        return false;
    };
    let statuses = ["Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx"];
    o.keys()
        .all(|k| ["status", "expiryDate", "parentIdTag"].contains(&k.as_str()))
        && statuses.contains(&o.get("status").and_then(Json::as_str).unwrap_or(""))
        && o.get("parentIdTag")
            .is_none_or(|p| p.as_str().is_some_and(|p| p.len() <= 20))
        && o.get("expiryDate").is_none_or(Json::is_string)
}

/// A StartTransaction's (connector, timestamp): the same in its retries.
fn start_of(p: &Json) -> Option<(u64, i64)> {
    Some((
        p["connectorId"].as_u64()?,
        unix_millis(p["timestamp"].as_str()?)?,
    ))
}

/// The message id and action of a CALL, read without the code under test.
pub(crate) fn call_of(frame: &str) -> Option<Call> {
    let v: Json = serde_json::from_str(frame).ok()?;
    if v.get(0)?.as_u64()? != 2 {
        return None;
    }
    Some(Call {
        id: v.get(1)?.as_str()?.to_owned(),
        action: v.get(2)?.as_str()?.to_owned(),
        payload: v.get(3).cloned().unwrap_or(Json::Null),
    })
}

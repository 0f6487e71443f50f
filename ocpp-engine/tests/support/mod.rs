//! Test harness: a charge point in a fresh pool, a virtual clock, and a
//! scripted central system whose usual answers come from `ocpp_testkit`'s
//! one table (`USUAL`); the test says when each CALL is answered.

#![allow(dead_code, clippy::disallowed_types, clippy::disallowed_methods)]

use ocpp_alloc::{HostPool, Talc};
use ocpp_engine::{ChargePoint, Config, Duration, Event, Instant, Restored};
use ocpp_storage::MemoryStorage;
use serde_json::{json, Value};

pub type Pool = HostPool<Talc>;
/// Every harness charge point keeps its records in memory, so that a
/// reboot restores them (issue #7).
pub type Cp<'p> = ChargePoint<&'p ocpp_alloc::Pool<Talc>, MemoryStorage>;

pub fn pool() -> Pool {
    HostPool::new(16 * 1024)
}

/// The check of a firmware key that takes any value.
pub fn any_value(_: &str) -> bool {
    true
}

/// The check of a firmware key holding a percentage: 0 to 100.
pub fn percent(v: &str) -> bool {
    v.parse::<u8>().is_ok_and(|p| p <= 100)
}

pub fn config() -> Config<'static> {
    Config::new("VendorX", "ModelY").with_connectors(1)
}

/// A frame our charge point sent, parsed by serde_json (an independent oracle).
#[derive(Debug, Clone)]
pub struct Sent {
    pub raw: String,
    pub value: Value,
}

impl Sent {
    pub fn message_type(&self) -> u64 {
        self.value[0].as_u64().expect("message type")
    }
    pub fn id(&self) -> &str {
        self.value[1].as_str().expect("message id")
    }
    pub fn action(&self) -> &str {
        assert_eq!(self.message_type(), 2, "not a CALL: {}", self.raw);
        self.value[2].as_str().expect("action")
    }
    pub fn payload(&self) -> &Value {
        &self.value[3]
    }
}

/// The official schema of `name` (e.g. `Authorize`, `AuthorizeResponse`),
/// vendored in `schemas/ocpp16/`.
pub fn validator(name: &str) -> jsonschema::Validator {
    let path = format!(
        "{}/../schemas/ocpp16/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

/// Every frame the charge point sends must be well-formed OCPP-J whose
/// payload validates against its official schema.
#[track_caller]
pub fn check_frame(sent: &Sent, answered: &std::collections::HashMap<String, String>) {
    let arr = sent
        .value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {}", sent.raw));
    let id = arr
        .get(1)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no id: {}", sent.raw));
    assert!(!id.is_empty() && id.len() <= 36, "bad id: {}", sent.raw);
    let (schema, payload) = match sent.message_type() {
        2 => {
            assert_eq!(arr.len(), 4, "{}", sent.raw);
            (sent.action().to_owned(), &arr[3])
        }
        3 => {
            assert_eq!(arr.len(), 3, "{}", sent.raw);
            let action = answered
                .get(id)
                .unwrap_or_else(|| panic!("a CALLRESULT to no CALL: {}", sent.raw));
            (format!("{action}Response"), &arr[2])
        }
        4 => {
            assert_eq!(arr.len(), 5, "{}", sent.raw);
            let code = arr[2].as_str().expect("error code is a string");
            assert!(
                ocpp_model::ErrorCode::ALL
                    .iter()
                    .any(|c| c.as_str() == code),
                "unknown code: {}",
                sent.raw
            );
            assert!(arr[3].is_string() && arr[4] == json!({}), "{}", sent.raw);
            return;
        }
        t => panic!("message type {t}: {}", sent.raw),
    };
    // A custom action (the firmware's own) has no official schema.
    if ocpp_model::Action::parse(schema.trim_end_matches("Response")).is_err() {
        return;
    }
    let v = validator(&schema);
    let errors: Vec<String> = v.iter_errors(payload).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{schema}: {errors:?} in {}", sent.raw);
}

/// An answer of the central system to our CALL of `action` validates
/// against the action's official response schema (a custom action has none).
#[track_caller]
pub fn check_answer(action: &str, payload: &Value) {
    if ocpp_model::Action::parse(action).is_err() {
        return;
    }
    let schema = format!("{action}Response");
    let errors: Vec<String> = validator(&schema)
        .iter_errors(payload)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{schema}: {errors:?} in {payload}");
}

pub struct Harness<'p> {
    pub cp: Cp<'p>,
    pub pool: &'p Pool,
    pub now: Instant,
    /// Frames sent and not yet looked at by the test.
    pub sent: std::collections::VecDeque<Sent>,
    pub events: std::collections::VecDeque<Event>,
    /// Actions of the central system's CALLs, by message id.
    pub incoming: std::collections::HashMap<String, String>,
    /// What the charge point was built with (a reboot builds it again).
    pub config: Config<'static>,
    /// The number of the central system's next CALL (`cs_call`).
    next_cs_id: u32,
    /// What the firmware says at a reboot of a transaction that was
    /// running: resume it (the EV is still there), or not.
    pub resume: bool,
    /// What the last reboot restored.
    pub restored: Restored,
}

impl<'p> Harness<'p> {
    pub fn new(pool: &'p Pool) -> Self {
        Self::with_config(pool, &config())
    }

    pub fn with_config(pool: &'p Pool, config: &Config<'static>) -> Self {
        let now = ocpp_testkit::START;
        let (cp, restored) =
            ChargePoint::restore(config, &**pool, MemoryStorage::new(), now, |_| true)
                .expect("charge point fits the pool");
        Self {
            resume: true,
            restored,
            cp,
            pool,
            now: ocpp_testkit::START,
            sent: Default::default(),
            events: Default::default(),
            incoming: Default::default(),
            config: config.clone(),
            next_cs_id: 1,
        }
    }

    /// A power cycle (hard reset, power lost and back): the charge point
    /// is built again from what its storage holds, offline, and what the
    /// test had not looked at yet is gone with the old one. A transaction
    /// that was running resumes when [`resume`](Self::resume) says so.
    pub fn reboot(&mut self) {
        self.drain();
        let storage = self.cp.storage().clone();
        let resume = self.resume;
        let (fresh, restored) =
            ChargePoint::restore(&self.config, &**self.pool, storage, self.now, |_| resume)
                .expect("charge point fits the pool");
        self.cp = fresh;
        self.restored = restored;
        self.sent.clear();
        self.events.clear();
        self.incoming.clear();
    }

    /// Drains the charge point's outputs into `sent` and `events`.
    pub fn drain(&mut self) {
        // The buffer the engine's documentation asks for: its longest CALL,
        // or a GetConfiguration of every key, whichever is longer.
        let bound = ocpp_engine::max_call_len(&self.config);
        let mut buf = vec![0u8; bound.max(ocpp_engine::GET_CONFIGURATION_ALL_LEN)];
        while let Some(n) = self
            .cp
            .poll_transmit(self.now, &mut buf)
            .expect("a frame fits max_call_len, or GET_CONFIGURATION_ALL_LEN")
        {
            let raw = std::str::from_utf8(&buf[..n])
                .expect("frames are UTF-8")
                .to_owned();
            let value: Value = serde_json::from_str(&raw).expect("frames are JSON");
            let sent = Sent { raw, value };
            check_frame(&sent, &self.incoming);
            if sent.message_type() == 2 && ocpp_testkit::CORE_CALLS.contains(&sent.action()) {
                assert!(
                    n <= bound,
                    "a CALL over max_call_len ({bound}): {}",
                    sent.raw
                );
            }
            self.sent.push_back(sent);
        }
        while let Some(ev) = self.cp.poll_event() {
            self.events.push_back(ev);
        }
    }

    pub fn connect(&mut self) {
        self.cp.connected(self.now);
        self.drain();
    }

    /// Advances the virtual clock by `secs`, firing timeouts on the way.
    pub fn advance(&mut self, secs: u64) {
        let end = self.now + Duration::from_secs(secs);
        // As an integrator's loop: sleep until poll_timeout, handle it, drain.
        while let Some(t) = self.cp.poll_timeout().filter(|&t| t <= end) {
            self.now = self.now.max(t);
            self.cp.handle_timeout(self.now);
            self.drain();
            self.expect_no_spin();
        }
        self.now = end;
        self.cp.handle_timeout(self.now);
        self.drain();
        self.expect_no_spin();
    }

    /// After handle_timeout and a drain, the next deadline is in the future:
    /// otherwise an integrator's loop would spin on it.
    #[track_caller]
    pub fn expect_no_spin(&self) {
        if let Some(t) = self.cp.poll_timeout() {
            assert!(
                t > self.now,
                "poll_timeout {t:?} is not after now {:?}: the loop would spin",
                self.now
            );
        }
    }

    pub fn receive(&mut self, frame: &str) -> Result<(), ocpp_engine::HandleError> {
        if let Ok(Value::Array(a)) = serde_json::from_str::<Value>(frame) {
            if let (Some(2), Some(id), Some(action)) = (
                a.first().and_then(Value::as_u64),
                a.get(1).and_then(Value::as_str),
                a.get(2).and_then(Value::as_str),
            ) {
                self.incoming.insert(id.to_owned(), action.to_owned());
            }
        }
        let r = self.cp.handle_frame(self.now, frame.as_bytes());
        self.drain();
        r
    }

    /// The central system sends the CALL `action` with `payload`; returns
    /// its message id. The frame must be taken in.
    #[track_caller]
    pub fn cs_call(&mut self, action: &str, payload: Value) -> String {
        let id = format!("cs-{}", self.next_cs_id);
        self.next_cs_id += 1;
        let frame = json!([2, id, action, payload]).to_string();
        self.receive(&frame)
            .unwrap_or_else(|e| panic!("{action} not taken in: {e:?}"));
        id
    }

    /// The next sent frame is the CALLRESULT for `id`; returns its payload.
    #[track_caller]
    pub fn expect_answer(&mut self, id: &str) -> Value {
        let sent = self
            .sent
            .pop_front()
            .unwrap_or_else(|| panic!("expected the answer to {id}, nothing was sent"));
        assert_eq!(
            (sent.message_type(), sent.id()),
            (3, id),
            "expected the CALLRESULT for {id}, got {}",
            sent.raw
        );
        sent.value[2].clone()
    }

    /// The next sent frame must be a CALL of one of the actions in `left`;
    /// that action is taken out of `left` and the CALL returned. For the
    /// steps a test case lets come in either order.
    #[track_caller]
    pub fn expect_one_of(&mut self, left: &mut Vec<&str>) -> Sent {
        let sent = self
            .sent
            .pop_front()
            .unwrap_or_else(|| panic!("expected one of {left:?}, nothing was sent"));
        assert_eq!(
            sent.message_type(),
            2,
            "expected one of {left:?}, got {}",
            sent.raw
        );
        let i = left
            .iter()
            .position(|a| *a == sent.action())
            .unwrap_or_else(|| panic!("expected one of {left:?}, got {}", sent.raw));
        left.remove(i);
        sent
    }

    /// Connects and registers (Accepted, interval 300); the statuses that
    /// follow are left to the test.
    #[track_caller]
    pub fn register(&mut self) {
        self.connect();
        let boot = self.expect_call("BootNotification");
        self.reply_ok(&boot);
        let registered = Event::Registered(ocpp_model::RegistrationStatus::Accepted);
        let i = self
            .events
            .iter()
            .position(|e| *e == registered)
            .unwrap_or_else(|| panic!("not registered: {:?}", self.events));
        self.events.remove(i);
    }

    /// The connection is lost; then drain.
    pub fn go_offline(&mut self) {
        self.cp.disconnected(self.now);
        self.drain();
    }

    /// The next sent frame must be a CALL of `action`; returns it.
    #[track_caller]
    pub fn expect_call(&mut self, action: &str) -> Sent {
        let sent = self
            .sent
            .pop_front()
            .unwrap_or_else(|| panic!("expected a {action} CALL, nothing was sent"));
        assert_eq!(
            sent.message_type(),
            2,
            "expected a {action} CALL, got {}",
            sent.raw
        );
        assert_eq!(
            sent.action(),
            action,
            "expected a {action} CALL, got {}",
            sent.raw
        );
        sent
    }

    /// Nothing more was sent.
    #[track_caller]
    pub fn expect_quiet(&mut self) {
        assert!(
            self.sent.is_empty(),
            "expected nothing sent, got {:?}",
            self.sent.iter().map(|s| &s.raw).collect::<Vec<_>>()
        );
    }

    /// The next sent frame is a CALLERROR for `id` with `code`.
    #[track_caller]
    pub fn expect_call_error(&mut self, id: &str, code: &str) -> Sent {
        let sent = self
            .sent
            .pop_front()
            .unwrap_or_else(|| panic!("expected a CALLERROR {code}, nothing was sent"));
        assert_eq!(
            sent.message_type(),
            4,
            "expected a CALLERROR, got {}",
            sent.raw
        );
        assert_eq!(sent.id(), id, "CALLERROR for the wrong id: {}", sent.raw);
        assert_eq!(sent.value[2], code, "wrong CALLERROR code: {}", sent.raw);
        assert_eq!(
            sent.value[4],
            json!({}),
            "errorDetails must be {{}}: {}",
            sent.raw
        );
        sent
    }

    /// The next sent frame is a CALLRESULT for `id` with `payload`.
    #[track_caller]
    pub fn expect_result(&mut self, id: &str, payload: Value) {
        let sent = self
            .sent
            .pop_front()
            .unwrap_or_else(|| panic!("expected a CALLRESULT for {id}, nothing was sent"));
        assert_eq!(sent.value, json!([3, id, payload]), "{}", sent.raw);
    }

    /// Hardware input: a cable into `connector`; then drain.
    #[track_caller]
    pub fn plug(&mut self, connector: u8) {
        self.cp.plug_in(self.now, connector).expect("plug taken in");
        self.drain();
    }

    /// Hardware input: the cable of `connector` is gone; then drain.
    #[track_caller]
    pub fn unplug(&mut self, connector: u8) {
        self.cp
            .unplug(self.now, connector)
            .expect("unplug taken in");
        self.drain();
    }

    /// Hardware input: `id_tag` presented at `connector`; then drain.
    #[track_caller]
    pub fn present_at(&mut self, connector: u8, id_tag: &str) {
        self.cp
            .present_id_tag(self.now, connector, id_tag)
            .expect("idTag taken in");
        self.drain();
    }

    /// Hardware input: the energy register of `connector` reads `wh`.
    #[track_caller]
    pub fn meter_wh(&mut self, connector: u8, wh: i64) {
        self.cp
            .set_meter(
                self.now,
                connector,
                ocpp_model::Measurand::EnergyActiveImportRegister,
                ocpp_engine::Value::from_units(wh),
            )
            .expect("reading taken in");
    }

    /// Hardware input: `connector` (0: the charge point) faulted with `code`, or cleared.
    #[track_caller]
    pub fn fault(&mut self, connector: u8, code: Option<ocpp_model::ChargePointErrorCode>) {
        self.cp
            .set_fault(self.now, connector, code)
            .expect("fault taken in");
        self.drain();
    }

    /// The next CALL must be a StatusNotification of `connector` with
    /// `status`; answers it.
    #[track_caller]
    pub fn expect_status(&mut self, connector: u8, status: &str) {
        let s = self.expect_call("StatusNotification");
        assert_eq!(
            (
                s.payload()["connectorId"].as_u64(),
                s.payload()["status"].as_str()
            ),
            (Some(u64::from(connector)), Some(status)),
            "{}",
            s.raw
        );
        self.reply_ok(&s);
    }

    /// The next event must be `event`.
    #[track_caller]
    pub fn expect_event(&mut self, event: Event) {
        assert_eq!(self.events.pop_front(), Some(event));
    }

    /// Firmware request: `id_tag` was presented; then drain.
    #[track_caller]
    pub fn present(&mut self, id_tag: &str) {
        self.cp
            .authorize(self.now, id_tag)
            .expect("authorize taken in");
        self.drain();
    }

    /// Answers `call` with a CALLRESULT carrying `payload`.
    pub fn reply(&mut self, call: &Sent, payload: Value) {
        let frame = json!([3, call.id(), payload]).to_string();
        self.receive(&frame).expect("answer taken in");
    }

    /// The scripted central system's wall clock: 2026-11-25T10:00:00Z when
    /// the test starts, running with the virtual clock (across reboots too).
    pub fn cs_time(&self) -> ocpp_model::DateTime {
        ocpp_testkit::wall_clock(self.now)
    }

    /// The scripted central system's usual answer to `call`, from the kit's
    /// one table (`ocpp_testkit::USUAL`; BootNotification and Heartbeat give
    /// its clock, `cs_time`), parsed by serde_json and checked against the
    /// action's official response schema before the charge point gets it.
    #[track_caller]
    pub fn reply_ok(&mut self, call: &Sent) {
        let text = ocpp_testkit::usual(call.action()).text(self.now);
        let payload: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the kit's answer is not JSON ({e}): {text}"));
        check_answer(call.action(), &payload);
        self.reply(call, payload);
    }

    /// Connect, register (Accepted, interval 300), report connectors 0..=n Available.
    pub fn boot(&mut self) {
        self.connect();
        let boot = self.expect_call("BootNotification");
        self.expect_quiet();
        self.reply_ok(&boot);
        assert_eq!(
            self.events.pop_front(),
            Some(Event::Registered(ocpp_model::RegistrationStatus::Accepted))
        );
        for connector in 0..=self.cp.connectors() {
            let status = self.expect_call("StatusNotification");
            assert_eq!(status.payload()["connectorId"], connector);
            assert_eq!(status.payload()["status"], "Available");
            self.reply_ok(&status);
        }
        self.expect_quiet();
    }

    pub fn snapshot(&self) -> Vec<u8> {
        let mut buf = vec![0u8; 8192];
        let n = self.cp.snapshot(&mut buf).expect("snapshot fits");
        buf.truncate(n);
        buf
    }
}

/// The idTag of the persistence and record tests.
pub const TAG: &str = "ABCD1234";

/// Boot; connector 1's energy register at `wh`; plug in, `TAG`
/// authorized, the StartTransaction answered with transaction 42, Charging.
pub fn charging(h: &mut Harness, wh: i64) {
    charging_on(h, 1, wh);
}

/// [`charging`] on `connector`.
pub fn charging_on(h: &mut Harness, connector: u8, wh: i64) {
    h.boot();
    h.meter_wh(connector, wh);
    h.plug(connector);
    h.expect_status(connector, "Preparing");
    h.present_at(connector, TAG);
    let a = h.expect_call("Authorize");
    h.reply_ok(&a);
    let start = h.expect_call("StartTransaction");
    let p = start.payload();
    assert_eq!(
        (&p["connectorId"], &p["meterStart"]),
        (&json!(connector), &json!(wh)),
        "{}",
        start.raw
    );
    h.reply_ok(&start);
    h.expect_status(connector, "Charging");
    h.expect_quiet();
}

/// Answers every StatusNotification until a CALL of another action comes;
/// returns that one, or `None` when nothing else was sent.
pub fn skip_statuses(h: &mut Harness) -> Option<Sent> {
    while let Some(s) = h.sent.pop_front() {
        if s.message_type() == 2 && s.action() == "StatusNotification" {
            h.reply_ok(&s);
        } else {
            return Some(s);
        }
    }
    None
}

//! The invariants every frame the charge point sends must hold.

use ocpp_engine::Duration;
use ocpp_model::{Action, ErrorCode};
use serde_json::value::RawValue;
use serde_json::Value;

use super::key::check_get_configuration;
use super::schema::validate;
use super::{trace, World, CALL_TIMEOUT_SECS};

impl World<'_> {
    pub(super) fn check_sent(&mut self, frame: &[u8], accepted: bool) {
        let text = std::str::from_utf8(frame).expect("frames are UTF-8");
        if trace() {
            eprintln!("{:>8} sent {text}", self.now.as_millis());
        }
        // The envelope as raw parts (serde_json checks the whole frame is
        // JSON); the payload is parsed only when it must be validated.
        let arr: Vec<&RawValue> =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("not a JSON array ({e}): {text}"));
        let part = |i: usize| arr.get(i).map_or("", |p| p.get());
        let id: String = serde_json::from_str(part(1)).unwrap_or_else(|_| panic!("no id: {text}"));
        assert!(!id.is_empty() && id.len() <= 36, "bad id: {text}");
        let (schema, payload) = match serde_json::from_str::<u64>(part(0)).ok() {
            Some(2) => {
                assert_eq!(arr.len(), 4, "{text}");
                let action: String =
                    serde_json::from_str(part(2)).unwrap_or_else(|_| panic!("action: {text}"));
                assert!(
                    accepted || action == "BootNotification",
                    "{action} sent before registration was accepted: {text}"
                );
                if let Some((waiting, what, at)) = &self.outstanding {
                    assert!(
                        self.now >= *at + Duration::from_secs(CALL_TIMEOUT_SECS),
                        "a second CALL ({text}) while {what} {waiting} waits for its answer"
                    );
                }
                if ocpp_testkit::CORE_CALLS.contains(&action.as_str()) {
                    assert!(
                        frame.len() <= self.call_bound,
                        "a CALL over max_call_len ({}): {text}",
                        self.call_bound
                    );
                }
                self.outstanding = Some((id, action.clone(), self.now));
                (action, part(3))
            }
            Some(3) => {
                assert_eq!(arr.len(), 3, "{text}");
                let Some(action) = self.incoming.get(&id) else {
                    panic!("a CALLRESULT to no CALL: {text}")
                };
                (format!("{action}Response"), part(2))
            }
            Some(4) => {
                assert_eq!(arr.len(), 5, "{text}");
                let code: String =
                    serde_json::from_str(part(2)).unwrap_or_else(|_| panic!("code: {text}"));
                assert!(ErrorCode::ALL.iter().any(|c| c.as_str() == code), "{text}");
                let description: Value = serde_json::from_str(part(3)).expect("JSON");
                let details: Value = serde_json::from_str(part(4)).expect("JSON");
                assert!(
                    description.is_string() && details == serde_json::json!({}),
                    "{text}"
                );
                return;
            }
            _ => panic!("message type: {text}"),
        };
        assert!(payload.starts_with('{'), "{text}");
        if schema == "GetConfigurationResponse" {
            check_get_configuration(payload, text);
        }
        if Action::parse(schema.trim_end_matches("Response")).is_err() {
            return; // a custom action: no official schema
        }
        validate(&schema, payload, text);
    }
}

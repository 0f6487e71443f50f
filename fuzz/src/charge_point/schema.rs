//! The schema oracle: every payload the charge point sends is checked
//! against its official JSON schema.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::Value;

type Oracles = HashMap<String, jsonschema::Validator>;

/// The validators of every OCPP 1.6J message, request and response, by
/// schema name: the firmware may send a CALL of a profile the core does
/// not implement (a FirmwareStatusNotification), checked like the rest.
fn validators() -> &'static Oracles {
    static V: OnceLock<Oracles> = OnceLock::new();
    V.get_or_init(|| {
        ocpp_model::Action::ALL
            .iter()
            .flat_map(|a| [a.as_str().to_owned(), format!("{}Response", a.as_str())])
            .map(|n| {
                let v = crate::common::validator(&n);
                (n, v)
            })
            .collect()
    })
}

/// Checks `payload` against the schema `schema`, unless the same bytes
/// passed it before: validation depends on the bytes alone, and a long run
/// sends the same payloads (a Heartbeat, a StatusNotification of the same
/// second) again and again. The record of those that passed is bounded.
pub(super) fn validate(schema: &str, payload: &str, frame: &str) {
    thread_local! {
        static PASSED: RefCell<HashSet<(String, String)>> = RefCell::new(HashSet::new());
    }
    const MAX_PASSED: usize = 1 << 16;
    let key = (schema.to_owned(), payload.to_owned());
    if PASSED.with_borrow(|passed| passed.contains(&key)) {
        return;
    }
    let value: Value = serde_json::from_str(payload).expect("JSON");
    let v = validators()
        .get(schema)
        .unwrap_or_else(|| panic!("no schema {schema}"));
    let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{schema}: {errors:?} in {frame}");
    PASSED.with_borrow_mut(|passed| {
        if passed.len() >= MAX_PASSED {
            passed.clear();
        }
        passed.insert(key);
    });
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    #[should_panic(expected = "HeartbeatResponse")]
    fn a_payload_outside_its_schema_is_a_finding() {
        validate("HeartbeatResponse", "{}", r#"[3,"1",{}]"#);
    }

    #[test]
    fn only_a_payload_that_passed_is_passed_again_unchecked() {
        let bad = r#"{"currentTime":5}"#;
        for _ in 0..2 {
            let found = std::panic::catch_unwind(|| validate("HeartbeatResponse", bad, "frame"));
            assert!(found.is_err(), "a bad payload is found every time");
        }
        let good = r#"{"currentTime":"2026-12-01T00:00:00Z"}"#;
        validate("HeartbeatResponse", good, "frame");
        validate("HeartbeatResponse", good, "frame");
        // The same bytes, under a schema they do not satisfy.
        let other =
            std::panic::catch_unwind(|| validate("BootNotificationResponse", good, "frame"));
        assert!(other.is_err(), "a payload passed under one schema only");
    }
}

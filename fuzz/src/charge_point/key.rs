//! The write-only `AuthorizationKey`
//! ([`op::AUTHORIZATION_KEY`](super::op::AUTHORIZATION_KEY)): set by the
//! central system or the firmware, never shown.

use ocpp_engine::Access;
use serde_json::Value;

use super::inputs::{KeyStep, FIRMWARE_KEYS};
use super::World;

/// The longest value `AuthorizationKey` takes.
const MAX_KEY: usize = 40;

/// The value a ChangeConfiguration of `AuthorizationKey` sets.
fn value_of(frame: &str) -> Option<String> {
    let call: Value = serde_json::from_str(frame).ok()?;
    let payload = call.get(3)?;
    (payload.get("key")? == "AuthorizationKey").then_some(())?;
    Some(payload.get("value")?.as_str()?.to_owned())
}

impl World<'_> {
    pub(super) fn authorization_key(&mut self, step: KeyStep) {
        let before = self.cp().authorization_key().map(str::to_owned);
        match step {
            KeyStep::Central(frame) => {
                self.receive(frame.as_bytes());
                let after = self.cp().authorization_key().map(str::to_owned);
                if let Some(value) = value_of(frame) {
                    // Accepted, or refused (too long, out of memory, offline).
                    let kept = after.as_ref() == Some(&value) && value.len() <= MAX_KEY;
                    assert!(
                        kept || after == before,
                        "ChangeConfiguration of AuthorizationKey to {value:?}: {before:?} became {after:?}"
                    );
                } else {
                    assert_eq!(before, after, "a GetConfiguration changed the key");
                }
            }
            KeyStep::Firmware(value) => {
                let mut taken = false;
                self.input("configure AuthorizationKey", |cp, now| {
                    let r = cp.configure(now, "AuthorizationKey", value);
                    taken = r.is_ok();
                    r
                });
                if value.len() > MAX_KEY {
                    assert!(!taken, "AuthorizationKey set to {value:?}, over 40");
                }
                if taken {
                    let after = self.cp().authorization_key();
                    assert_eq!(after, Some(value), "the firmware's AuthorizationKey");
                }
            }
        }
    }
}

/// Checks an answer to GetConfiguration: no write-only key is listed with
/// a value (it may only be named in `unknownKey`).
pub(super) fn check_get_configuration(payload: &str, frame: &str) {
    let answer: Value = serde_json::from_str(payload).expect("JSON");
    let Some(listed) = answer.get("configurationKey").and_then(Value::as_array) else {
        return;
    };
    for entry in listed {
        let key = entry.get("key").and_then(Value::as_str).unwrap_or("");
        let firmware_secret = FIRMWARE_KEYS
            .iter()
            .any(|&(name, _, access, _)| name == key && access == Access::WriteOnly);
        assert!(
            key != "AuthorizationKey" && !firmware_secret,
            "the write-only key {key} shown: {frame}"
        );
    }
}

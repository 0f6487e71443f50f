//! The invariants every frame the charge point sends must hold, and the
//! polls with buffers too small for a frame.

use ocpp_engine::{BootState, Duration};
use ocpp_model::{Action, EncodeError, ErrorCode};
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
                self.ledger.call_sent(&action, &id, part(3));
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
        if schema == "StopTransaction" {
            self.ledger.stop_sent(payload);
        }
    }

    /// What the last step queued, polled with a buffer of `len` bytes
    /// until one is refused: the refusal changes nothing (the rest goes
    /// with the next drain, in 4 KiB).
    pub(super) fn drain_small(&mut self, len: usize) {
        let mut small = vec![0u8; len];
        loop {
            let before = self.snapshot();
            let now = self.now;
            let accepted = self.cp().boot_state() == BootState::Accepted;
            match self.cp().poll_transmit(now, &mut small) {
                Ok(Some(n)) => self.check_sent(&small[..n], accepted),
                Ok(None) => break,
                Err(e) => {
                    if trace() {
                        eprintln!("{:>8} refused by {len} bytes: {e:?}", now.as_millis());
                    }
                    let after = self.snapshot();
                    assert_eq!(
                        before, after,
                        "poll_transmit refused ({e:?}) {len} B and changed the state"
                    );
                    break;
                }
            }
        }
    }

    /// A frame longer than `buf` (4 KiB): only a CALL can be (a longer
    /// answer becomes a CALLERROR). It waits, the state unchanged, for a
    /// buffer of `max_call_len`, and goes in one.
    pub(super) fn longer_than(&mut self, buf: &[u8], e: EncodeError, accepted: bool) {
        let before = self.snapshot();
        let now = self.now;
        let mut again = buf.to_vec();
        let retry = self.cp().poll_transmit(now, &mut again);
        assert_eq!(retry, Err(e), "a frame refused a buffer, then took it");
        assert_eq!(
            before,
            self.snapshot(),
            "poll_transmit refused ({e:?}) and changed the state"
        );
        let mut large = vec![0u8; self.call_bound];
        match self.cp().poll_transmit(now, &mut large) {
            Ok(Some(n)) if n > buf.len() => self.check_sent(&large[..n], accepted),
            other => panic!(
                "a frame over {} B fits no buffer of max_call_len ({}): {other:?}",
                buf.len(),
                self.call_bound
            ),
        }
    }
}

//! Frames as a person reads them: one line each, with the direction, the
//! kind, the action (also for an answer: the action of the CALL it answers)
//! and the message id, then the payload, shortened past [`SHORT`]
//! characters unless `--full-frames` (or the command `frames full`) asks
//! for the whole text:
//!
//! ```text
//! > CALL BootNotification #1 {"chargePointVendor":"OcppCore","chargePointModel":"ocpp-host",...}
//! < RESULT BootNotification #1 {"status":"Accepted","currentTime":"2026-11-30T04:20:00Z","interval":300}
//! < CALL RemoteStartTransaction #abc {"connectorId":1,"idTag":"REMOTE01"}
//! > RESULT RemoteStartTransaction #abc {"status":"Accepted"}
//! ```
//!
//! The same reading feeds the scenario's expectations (`expect send
//! StartTransaction`).

use std::collections::VecDeque;

use serde_json::Value;

/// Payloads longer than this many characters are shortened.
pub const SHORT: usize = 160;
/// CALL ids remembered per direction, to name the action of an answer.
const REMEMBERED: usize = 32;

/// Which way a frame went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Sent,
    Received,
}

/// What a frame is, as far as a person or a scenario cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub dir: Dir,
    /// `CALL`, `RESULT` or `ERROR` (`?` for a text that is no OCPP-J frame).
    pub kind: &'static str,
    /// The action; for an answer, the action of the CALL it answers (empty
    /// when unknown).
    pub action: String,
    /// The whole text.
    pub text: String,
}

/// Remembers the CALLs of each side, so that answers can be named.
#[derive(Debug, Default)]
pub struct Frames {
    /// (id, action) of recent CALLs we sent, and of those we received.
    ours: VecDeque<(String, String)>,
    theirs: VecDeque<(String, String)>,
    /// Print whole frames.
    pub full: bool,
}

impl Frames {
    pub fn new(full: bool) -> Self {
        Self {
            full,
            ..Self::default()
        }
    }

    /// Reads `text`, which went `dir`: what it is, and its line.
    pub fn read(&mut self, dir: Dir, text: &str) -> (Frame, String) {
        let arrow = match dir {
            Dir::Sent => '>',
            Dir::Received => '<',
        };
        let parsed: Option<Vec<Value>> = serde_json::from_str(text).ok();
        let Some(items) = parsed.filter(|v| v.len() >= 3) else {
            let frame = Frame {
                dir,
                kind: "?",
                action: String::new(),
                text: text.to_string(),
            };
            return (frame, format!("{arrow} {}", self.shorten(text)));
        };
        let id = items[1].as_str().unwrap_or("?").to_string();
        let (kind, action, rest) = match items[0].as_i64() {
            Some(2) => {
                let action = items[2].as_str().unwrap_or("?").to_string();
                let calls = match dir {
                    Dir::Sent => &mut self.ours,
                    Dir::Received => &mut self.theirs,
                };
                if calls.len() == REMEMBERED {
                    calls.pop_front();
                }
                calls.push_back((id.clone(), action.clone()));
                let payload = items.get(3).map(Value::to_string).unwrap_or_default();
                ("CALL", action, payload)
            }
            Some(t @ (3 | 4)) => {
                // An answer goes the other way from the CALL it answers.
                let calls = match dir {
                    Dir::Sent => &mut self.theirs,
                    Dir::Received => &mut self.ours,
                };
                let action = calls
                    .iter()
                    .position(|(i, _)| *i == id)
                    .and_then(|at| calls.remove(at))
                    .map(|(_, a)| a)
                    .unwrap_or_default();
                let rest = items[2..]
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join(" ");
                (if t == 3 { "RESULT" } else { "ERROR" }, action, rest)
            }
            _ => ("?", String::new(), text.to_string()),
        };
        let named = if action.is_empty() { "?" } else { &action };
        let line = format!("{arrow} {kind} {named} #{id} {}", self.shorten(&rest));
        let frame = Frame {
            dir,
            kind,
            action,
            text: text.to_string(),
        };
        (frame, line)
    }

    /// `text`, or its first [`SHORT`] characters and how much was left out.
    fn shorten(&self, text: &str) -> String {
        let len = text.chars().count();
        if self.full || len <= SHORT {
            return text.to_string();
        }
        let head: String = text.chars().take(SHORT).collect();
        format!(
            "{head}... ({} more characters; --full-frames shows them)",
            len - SHORT
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_calls_and_their_answers() {
        let mut f = Frames::new(false);
        let (call, line) = f.read(Dir::Sent, r#"[2,"1","Heartbeat",{}]"#);
        assert_eq!((call.kind, call.action.as_str()), ("CALL", "Heartbeat"));
        assert_eq!(line, "> CALL Heartbeat #1 {}");
        let (answer, line) = f.read(Dir::Received, r#"[3,"1",{"currentTime":"x"}]"#);
        assert_eq!(
            (answer.kind, answer.action.as_str()),
            ("RESULT", "Heartbeat")
        );
        assert_eq!(line, r#"< RESULT Heartbeat #1 {"currentTime":"x"}"#);
        f.read(Dir::Received, r#"[2,"a","Reset",{"type":"Soft"}]"#);
        let (err, line) = f.read(Dir::Sent, r#"[4,"a","NotImplemented","",{}]"#);
        assert_eq!((err.kind, err.action.as_str()), ("ERROR", "Reset"));
        assert_eq!(line, r#"> ERROR Reset #a "NotImplemented" "" {}"#);
        let (_, line) = f.read(Dir::Received, "not json");
        assert_eq!(line, "< not json");
    }

    #[test]
    fn shortens_long_frames_unless_asked() {
        let long = format!(
            r#"[2,"7","DataTransfer",{{"vendorId":"{}"}}]"#,
            "v".repeat(300)
        );
        let (_, line) = Frames::new(false).read(Dir::Sent, &long);
        assert!(line.len() < 300, "{line}");
        assert!(
            line.ends_with("(155 more characters; --full-frames shows them)"),
            "{line}"
        );
        let (frame, line) = Frames::new(true).read(Dir::Sent, &long);
        assert!(line.contains(&"v".repeat(300)));
        assert_eq!(frame.text, long);
    }
}

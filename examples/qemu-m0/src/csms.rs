//! The scripted central system compiled into the firmware: it reads each
//! frame the charge point sends with `ocpp_model::Frame::parse` and answers
//! per action with a fixed CALLRESULT, unless the script told it otherwise.
//!
//! Its answers are written by hand, not by our encoder, so that a fault in
//! the encoder cannot hide itself.

use ocpp_engine::ocpp_model::{Action, ErrorCode, Frame, Limits, MessageId};

/// How the central system treats the next Authorize.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizeAnswer {
    Accepted,
    Invalid,
    /// A CALLERROR `InternalError`.
    CallError,
    /// No answer at all: the charge point's call timeout runs out.
    Silent,
}

/// What the charge point sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heard {
    /// A CALL of this action.
    Call(Action),
    /// A CALL of an action the model does not know (never expected).
    UnknownCall,
    /// An answer to one of the central system's CALLs, with the `status`
    /// of its payload when it has one of the statuses this script knows.
    CallResult(Option<&'static str>),
    /// A CALLERROR answering one of our CALLs.
    CallError(ErrorCode),
    /// Something `Frame::parse` rejected (never expected).
    Garbage,
}

pub struct Csms {
    pub authorize: AuthorizeAnswer,
}

/// Room for the longest answer of the script.
pub const ANSWER_LEN: usize = 160;

impl Csms {
    pub const fn new() -> Self {
        Csms {
            authorize: AuthorizeAnswer::Accepted,
        }
    }

    /// Reads one frame of the charge point; writes the answer, if any, into
    /// `out` (one line, with its `\n`) and returns its length.
    pub fn hear(&mut self, frame: &[u8], out: &mut [u8; ANSWER_LEN]) -> (Heard, Option<usize>) {
        let (id, action) = match Frame::parse(frame, &Limits::DEFAULT) {
            Ok(Frame::Call { id, action, .. }) => (id, action),
            Ok(Frame::CallResult { payload, .. }) => {
                return (Heard::CallResult(status_of(payload)), None)
            }
            Ok(Frame::CallError { code, .. }) => return (Heard::CallError(code), None),
            Err(_) => return (Heard::Garbage, None),
        };
        let Ok(action) = Action::parse(action) else {
            return (Heard::UnknownCall, None);
        };
        let payload: &[u8] = match action {
            Action::BootNotification => {
                br#"{"status":"Accepted","currentTime":"2026-11-25T10:00:00Z","interval":300}"#
            }
            Action::Heartbeat => br#"{"currentTime":"2026-11-25T10:05:00Z"}"#,
            Action::StatusNotification => b"{}",
            Action::Authorize => match self.authorize {
                AuthorizeAnswer::Accepted => br#"{"idTagInfo":{"status":"Accepted"}}"#,
                AuthorizeAnswer::Invalid => br#"{"idTagInfo":{"status":"Invalid"}}"#,
                AuthorizeAnswer::CallError => {
                    return (
                        Heard::Call(action),
                        write(
                            out,
                            &[
                                b"[4,\"",
                                id.as_str().as_bytes(),
                                b"\",\"InternalError\",\"scripted failure\",{}]\n",
                            ],
                        ),
                    );
                }
                AuthorizeAnswer::Silent => return (Heard::Call(action), None),
            },
            // Not in this script: answered with an empty result.
            _ => b"{}",
        };
        (Heard::Call(action), result(out, &id, payload))
    }
}

/// The `status` of a CALLRESULT payload such as `{"status":"Accepted"}`.
fn status_of(payload: &[u8]) -> Option<&'static str> {
    const KNOWN: [&str; 5] = [
        "Accepted",
        "Rejected",
        "NotImplemented",
        "UnknownVendorId",
        "UnknownMessageId",
    ];
    const KEY: &[u8] = b"\"status\":\"";
    let start = payload.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let rest = &payload[start..];
    let value = &rest[..rest.iter().position(|&b| b == b'"')?];
    KNOWN.into_iter().find(|k| k.as_bytes() == value)
}

fn result(out: &mut [u8; ANSWER_LEN], id: &MessageId, payload: &[u8]) -> Option<usize> {
    write(
        out,
        &[b"[3,\"", id.as_str().as_bytes(), b"\",", payload, b"]\n"],
    )
}

fn write(out: &mut [u8], parts: &[&[u8]]) -> Option<usize> {
    let mut len = 0;
    for part in parts {
        out.get_mut(len..len + part.len())?.copy_from_slice(part);
        len += part.len();
    }
    Some(len)
}

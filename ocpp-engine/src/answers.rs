//! Answers to the central system's CALLs, waiting for `poll_transmit`.
//!
//! The slots are inline and fixed: queueing an answer never allocates, so a
//! CALL that failed for lack of memory can still be answered with
//! `InternalError`. When the slots are full the frame is refused with
//! [`HandleError::Busy`](crate::HandleError::Busy) and nothing is dropped.

use ocpp_model::encode::{Encode, Full, Writer};
use ocpp_model::{
    decode_with, encode_call_error, encode_call_result, Allocator, Decode, EncodeError, ErrorCode,
    FrameErrorKind, MessageId, UnlockStatus,
};

use crate::block::Cx;
use crate::time::Instant;
use serde::Serialize;

/// How many answers can wait at once. The central system may have one CALL
/// outstanding (OCPP-J §4.1.1); the second slot absorbs a retry that crosses
/// an unsent answer.
pub(crate) const SLOTS: usize = 2;

/// The answer to a CALL of the central system. Each variant is small, `Copy`
/// and owns no pool memory: an answer with content names the block that
/// encodes it from its own state at `poll_transmit` time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Reply {
    /// A CALLERROR with a fixed description.
    Error {
        #[serde(serialize_with = "crate::snapshot::error_code")]
        code: ErrorCode,
        description: &'static str,
    },
    /// A response whose only property is `status` (ChangeAvailability,
    /// DataTransfer without data, TriggerMessage, Reset, ...): the wire
    /// name of the status, from the response's own enum.
    Status(&'static str),
    /// GetConfiguration.conf, encoded by the configuration block from its
    /// waiting answer.
    Configuration,
    /// The firmware's answer to a CALL it handles (DataTransfer of a
    /// registered vendor, a registered action): encoded by the extension
    /// block once the firmware gave it.
    Extension { ready: bool },
    /// UnlockConnector.conf: waits for the firmware's outcome, until
    /// `deadline` (then UnlockFailed: our own CALLs wait behind it).
    Unlock {
        connector: u8,
        #[serde(serialize_with = "crate::snapshot::opt_str")]
        outcome: Option<UnlockStatus>,
        deadline: Deadline,
    },
}

impl Reply {
    /// The CALLERROR for an action this charge point knows but does not do.
    pub(crate) const NOT_SUPPORTED: Reply = Reply::Error {
        code: ErrorCode::NotSupported,
        description: "action not supported by this charge point",
    };

    /// The answer that replaces one too large for the transmit buffer.
    pub(crate) const TOO_LARGE: Reply = Reply::Error {
        code: ErrorCode::InternalError,
        description: "answer larger than this charge point can send",
    };

    /// `{"status": <status>}`: `status` is a value of the response's enum
    /// (anything with `as_str`, passed as its wire name).
    pub(crate) const fn status(status: &'static str) -> Reply {
        Reply::Status(status)
    }

    /// Encodes the answer to CALL `id`.
    pub(crate) fn encode(&self, buf: &mut [u8], id: &MessageId) -> Result<usize, EncodeError> {
        match *self {
            Reply::Error { code, description } => encode_call_error(buf, id, code, description),
            Reply::Status(status) => encode_call_result(buf, id, &StatusOnly(status)),
            Reply::Unlock {
                outcome: Some(status),
                ..
            } => encode_call_result(buf, id, &StatusOnly(status.as_str())),
            // Encoded by its owner (see `ChargePoint::poll_transmit`), or
            // not ready (never handed out by `Answers::front`).
            Reply::Configuration
            | Reply::Extension { .. }
            | Reply::Unlock { outcome: None, .. } => Err(EncodeError::BufferFull),
        }
    }
}

/// Decodes a CALL's payload; a failure is the CALLERROR to answer with
/// (`InternalError` when the pool refused).
pub(crate) fn request<T: Decode<A>, A: Allocator + Clone>(
    cx: &Cx<'_, A>,
    payload: &[u8],
) -> Result<T, Reply> {
    decode_with::<T, A>(payload, cx.alloc.clone(), &cx.settings.limits()).map_err(|e| {
        Reply::Error {
            code: e.code,
            description: e.reason,
        }
    })
}

/// An [`Instant`] in two 4-byte halves: the unlock's deadline in [`Reply`]
/// without aligning every answer slot to 8 bytes on 32-bit targets (8
/// bytes more of the idle state on thumbv6m).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Deadline([u32; 2]);

impl Deadline {
    pub(crate) const fn new(t: Instant) -> Self {
        let ms = t.as_millis();
        Deadline([(ms >> 32) as u32, ms as u32])
    }

    pub(crate) const fn get(self) -> Instant {
        Instant::from_millis(((self.0[0] as u64) << 32) | self.0[1] as u64)
    }
}

impl Serialize for Deadline {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

/// `{"status":"..."}`, the answer of most of the central system's CALLs.
struct StatusOnly(&'static str);

impl Encode for StatusOnly {
    fn encode_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        let mut o = w.object()?;
        o.field("status", self.0)?;
        o.end()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Answer {
    #[serde(serialize_with = "crate::snapshot::message_id")]
    pub(crate) id: MessageId,
    pub(crate) reply: Reply,
}

impl Answer {
    fn is_ready(&self) -> bool {
        !matches!(
            self.reply,
            Reply::Unlock { outcome: None, .. } | Reply::Extension { ready: false }
        )
    }
}

/// The CALLERROR description for a malformed CALL.
pub(crate) fn describe(kind: FrameErrorKind) -> &'static str {
    match kind {
        FrameErrorKind::TooLarge => "frame larger than this charge point accepts",
        FrameErrorKind::NotUtf8 => "frame is not UTF-8",
        FrameErrorKind::NotJson => "frame is not JSON",
        FrameErrorKind::TooDeep => "frame nested too deep",
        FrameErrorKind::NotAnArray => "frame is not an array",
        FrameErrorKind::UnknownMessageType => "unknown message type",
        FrameErrorKind::BadMessageId => "bad message id",
        FrameErrorKind::BadAction => "action is not a string",
        FrameErrorKind::WrongElementCount => "wrong number of elements for the message type",
        FrameErrorKind::PayloadNotObject => "payload is not an object",
        FrameErrorKind::BadErrorCode => "error code is not a string",
        FrameErrorKind::BadErrorDescription => "error description is not a string",
    }
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct Answers {
    slots: [Option<Answer>; SLOTS],
}

impl Answers {
    pub(crate) fn is_full(&self) -> bool {
        self.slots.iter().all(Option::is_some)
    }

    /// Queues an answer; gives it back when full.
    pub(crate) fn push(&mut self, answer: Answer) -> Result<(), Answer> {
        match self.slots.iter_mut().find(|s| s.is_none()) {
            Some(slot) => {
                *slot = Some(answer);
                Ok(())
            }
            None => Err(answer),
        }
    }

    /// The oldest answer ready to go (an UnlockConnector.conf waits for
    /// the firmware; the others may pass it: answers carry their ids).
    pub(crate) fn front(&self) -> Option<&Answer> {
        self.slots.iter().flatten().find(|a| a.is_ready())
    }

    /// Takes out the answer `front` gave.
    pub(crate) fn pop(&mut self) {
        if let Some(i) = self
            .slots
            .iter()
            .position(|a| a.as_ref().is_some_and(Answer::is_ready))
        {
            self.slots[i] = None;
            self.slots[i..].rotate_left(1);
        }
    }

    /// Whether an UnlockConnector answer waits for the firmware: our own
    /// CALLs wait behind it, so that the central system hears the answer
    /// before the StopTransaction of the unlocked connector.
    pub(crate) fn holds_unlock(&self) -> bool {
        self.waiting_unlocks().next().is_some()
    }

    /// The UnlockConnector answers that wait for the firmware's outcome:
    /// their connector and deadline.
    fn waiting_unlocks(&self) -> impl Iterator<Item = (u8, Instant)> + '_ {
        self.slots.iter().flatten().filter_map(|a| match a.reply {
            Reply::Unlock {
                connector,
                outcome: None,
                deadline,
            } => Some((connector, deadline.get())),
            _ => None,
        })
    }

    /// The firmware answered the CALL `id` it handles.
    pub(crate) fn resolve_extension(&mut self, id: &MessageId) {
        for a in self.slots.iter_mut().flatten() {
            if a.id == *id && a.reply == (Reply::Extension { ready: false }) {
                a.reply = Reply::Extension { ready: true };
            }
        }
    }

    /// The firmware's outcome of an unlock of `connector`: it answers every
    /// UnlockConnector of that connector that waits (two taken in before
    /// the firmware polled its events asked it once); `false` when none
    /// waits.
    pub(crate) fn resolve_unlock(&mut self, connector: u8, status: UnlockStatus) -> bool {
        let mut resolved = false;
        for a in self.slots.iter_mut().flatten() {
            if let Reply::Unlock {
                connector: c,
                outcome: outcome @ None,
                ..
            } = &mut a.reply
            {
                if *c == connector {
                    *outcome = Some(status);
                    resolved = true;
                }
            }
        }
        resolved
    }

    /// The deadline of the firmware's unlock outcome that falls due first.
    pub(crate) fn poll_at(&self) -> Option<Instant> {
        self.waiting_unlocks().map(|(_, deadline)| deadline).min()
    }

    /// An unlock outcome the firmware did not report by its deadline is
    /// UnlockFailed: a firmware that never reports would otherwise hold
    /// every CALL of the charge point for ever. Gives the connectors of
    /// the answers it expired.
    pub(crate) fn expire_unlocks(&mut self, now: Instant) -> [Option<u8>; SLOTS] {
        let mut expired = [None; SLOTS];
        for (a, e) in self.slots.iter_mut().zip(&mut expired) {
            if let Some(Answer {
                reply:
                    Reply::Unlock {
                        connector,
                        outcome: outcome @ None,
                        deadline,
                    },
                ..
            }) = a
            {
                if deadline.get() <= now {
                    *outcome = Some(UnlockStatus::UnlockFailed);
                    *e = Some(*connector);
                }
            }
        }
        expired
    }

    /// Whether an UnlockConnector answer of `connector` waits for the
    /// firmware's outcome.
    pub(crate) fn waits_unlock(&self, connector: u8) -> bool {
        self.waiting_unlocks().any(|(c, _)| c == connector)
    }

    pub(crate) fn clear(&mut self) {
        self.slots = [None; SLOTS];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_keeps_every_instant_in_its_halves() {
        for ms in [0, 1, u64::from(u32::MAX), 1 << 32, (1 << 40) + 7, u64::MAX] {
            let t = Instant::from_millis(ms);
            assert_eq!(Deadline::new(t).get(), t, "{ms} ms");
        }
    }
}

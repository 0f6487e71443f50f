//! Answers to the central system's CALLs, waiting for `poll_transmit`.
//!
//! The slots are inline and fixed: queueing an answer never allocates, so a
//! CALL that failed for lack of memory can still be answered with
//! `InternalError`. When the slots are full the frame is refused with
//! [`HandleError::Busy`](crate::HandleError::Busy) and nothing is dropped.

use ocpp_model::{DataTransferStatus, ErrorCode, FrameErrorKind, MessageId, TriggerMessageStatus};
use serde::Serialize;

/// How many answers can wait at once. The central system may have one CALL
/// outstanding (OCPP-J §4.1.1); the second slot absorbs a retry that crosses
/// an unsent answer.
pub(crate) const SLOTS: usize = 2;

/// The body of an answer. Each variant is small and owns no pool memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Body {
    /// A CALLERROR with a fixed description.
    Error {
        #[serde(serialize_with = "crate::snapshot::error_code")]
        code: ErrorCode,
        description: &'static str,
    },
    /// DataTransfer.conf without data.
    DataTransfer(DataTransferStatus),
    /// TriggerMessage.conf.
    TriggerMessage(TriggerMessageStatus),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Answer {
    #[serde(serialize_with = "crate::snapshot::message_id")]
    pub(crate) id: MessageId,
    pub(crate) body: Body,
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

    pub(crate) fn front(&self) -> Option<&Answer> {
        self.slots[0].as_ref()
    }

    pub(crate) fn pop(&mut self) {
        self.slots.rotate_left(1);
        self.slots[SLOTS - 1] = None;
    }

    pub(crate) fn clear(&mut self) {
        self.slots = [None; SLOTS];
    }
}

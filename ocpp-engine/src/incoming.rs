//! The central system's CALLs (OCPP 1.6 §5): decoded in the prepare phase
//! (the only allocation), answered from an inline slot.

use ocpp_model::{
    decode, Action, Allocator, DataTransferRequest, DataTransferStatus, ErrorCode, MessageId,
    MessageTrigger, TriggerMessageRequest, TriggerMessageStatus,
};

use crate::answers::Body;
use crate::boot::BootState;
use crate::error::HandleError;
use crate::time::Instant;
use crate::ChargePoint;

impl<A: Allocator + Clone> ChargePoint<A> {
    /// A CALL of the central system. Prepare (decode, which may allocate)
    /// and commit (set flags) are separate: a refusal while decoding is
    /// answered `InternalError` from an inline slot and changes nothing else.
    pub(crate) fn handle_call(
        &mut self,
        now: Instant,
        id: MessageId,
        action: &str,
        payload: &[u8],
    ) -> Result<(), HandleError> {
        if self.state.answers.is_full() {
            return Err(HandleError::Busy);
        }
        let alloc = self.state.alloc.clone();
        let body = match Action::parse(action) {
            Err(_) => Body::Error {
                code: ErrorCode::NotImplemented,
                description: "unknown action",
            },
            Ok(Action::DataTransfer) => match decode::<DataTransferRequest<A>, _>(payload, alloc) {
                // No vendor extension is registered: the spec's answer.
                Ok(_request) => Body::DataTransfer(DataTransferStatus::UnknownVendorId),
                Err(e) => Body::Error {
                    code: e.code,
                    description: e.reason,
                },
            },
            Ok(Action::TriggerMessage) => {
                match decode::<TriggerMessageRequest, _>(payload, alloc) {
                    Ok(request) => Body::TriggerMessage(self.trigger(now, &request)),
                    Err(e) => Body::Error {
                        code: e.code,
                        description: e.reason,
                    },
                }
            }
            Ok(_) => Body::Error {
                code: ErrorCode::NotSupported,
                description: "action not supported by this charge point",
            },
        };
        self.answer(id, body)
    }

    /// TriggerMessage (OCPP 1.6 §5.17): the requested message goes out after the answer.
    fn trigger(&mut self, now: Instant, request: &TriggerMessageRequest) -> TriggerMessageStatus {
        let s = &mut *self.state;
        let connector = match request.connector_id {
            None => None,
            Some(id) => match usize::try_from(id).ok().filter(|&i| i < s.connectors.len()) {
                Some(i) => Some(i),
                None => return TriggerMessageStatus::Rejected,
            },
        };
        let registered = s.boot.is_accepted();
        match request.requested_message {
            // Registration is what is sent before Accepted anyway.
            MessageTrigger::BootNotification => {
                if s.boot.state != BootState::Sent {
                    s.boot.state = BootState::Due;
                }
            }
            // Nothing but BootNotification may go out before Accepted
            // (OCPP 1.6 §4.2): a trigger that could not be honoured is Rejected.
            MessageTrigger::Heartbeat | MessageTrigger::StatusNotification if !registered => {
                return TriggerMessageStatus::Rejected;
            }
            MessageTrigger::Heartbeat => s.heartbeat.due = Some(now),
            MessageTrigger::StatusNotification => {
                // A new version: even a notification already in flight does
                // not stand for the one the trigger asked for.
                for (i, c) in s.connectors.iter_mut().enumerate() {
                    if connector.is_none_or(|only| only == i) {
                        c.touch();
                    }
                }
            }
            MessageTrigger::DiagnosticsStatusNotification
            | MessageTrigger::FirmwareStatusNotification
            | MessageTrigger::MeterValues => return TriggerMessageStatus::NotImplemented,
        }
        TriggerMessageStatus::Accepted
    }
}

//! TriggerMessage (OCPP 1.6 §5.17): the router asks the block that owns the
//! requested message to send it after the answer.

use ocpp_model::{Action, Allocator, MessageTrigger, TriggerMessageRequest, TriggerMessageStatus};

use crate::answers::{request, Reply};
use crate::block::Cx;
use crate::charge_point::Blocks;

pub(crate) const ACTIONS: &[Action] = &[Action::TriggerMessage];

impl<A: Allocator + Clone> Blocks<A> {
    pub(crate) fn trigger(&mut self, cx: &Cx<'_, A>, payload: &[u8]) -> Reply {
        let r: TriggerMessageRequest = match request(cx, payload) {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        Reply::status(self.trigger_message(cx, &r).as_str())
    }

    fn trigger_message(
        &mut self,
        cx: &Cx<'_, A>,
        r: &TriggerMessageRequest,
    ) -> TriggerMessageStatus {
        use MessageTrigger::*;
        let known = r
            .connector_id
            .is_none_or(|id| u8::try_from(id).is_ok_and(|c| c <= self.connectors.count()));
        if !known {
            return TriggerMessageStatus::Rejected;
        }
        let registered = self.registration.is_accepted();
        match r.requested_message {
            // Registration is what is sent before Accepted anyway.
            BootNotification => self.registration.trigger(),
            // Nothing but BootNotification may go out before Accepted
            // (OCPP 1.6 §4.2): a trigger that could not be honoured is Rejected.
            Heartbeat | StatusNotification if !registered => {
                return TriggerMessageStatus::Rejected;
            }
            Heartbeat => self.heartbeat.trigger(cx.now),
            StatusNotification => {
                self.connectors.trigger(r.connector_id);
            }
            MeterValues if !registered => return TriggerMessageStatus::Rejected,
            MeterValues => {
                if !self.tx.trigger_meter_values(cx, r.connector_id) {
                    return TriggerMessageStatus::Rejected;
                }
            }
            DiagnosticsStatusNotification | FirmwareStatusNotification => {
                return TriggerMessageStatus::NotImplemented;
            }
        }
        TriggerMessageStatus::Accepted
    }
}

//! TriggerMessage (central system → charge point, OCPP 1.6 §5.17): ask the
//! charge point to send one of its messages now.

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{Action, Request};

ocpp_enum! {
    /// The message the central system asks for.
    pub enum MessageTrigger {
        /// BootNotification.
        BootNotification,
        /// DiagnosticsStatusNotification.
        DiagnosticsStatusNotification,
        /// FirmwareStatusNotification.
        FirmwareStatusNotification,
        /// Heartbeat.
        Heartbeat,
        /// MeterValues.
        MeterValues,
        /// StatusNotification.
        StatusNotification,
    }
}

ocpp_object! {
    /// TriggerMessage.req.
    pub struct TriggerMessageRequest {
        req requested_message: MessageTrigger = "requestedMessage";
        opt connector_id: i32 = "connectorId";
    }
}

impl Request for TriggerMessageRequest {
    const ACTION: Action = Action::TriggerMessage;
    type Response = TriggerMessageResponse;
}

ocpp_enum! {
    /// The charge point's answer to a TriggerMessage.
    pub enum TriggerMessageStatus {
        /// The message will be sent.
        Accepted,
        /// It will not (e.g. a connector that does not exist).
        Rejected,
        /// This charge point cannot send that message.
        NotImplemented,
    }
}

ocpp_object! {
    /// TriggerMessage.conf.
    pub struct TriggerMessageResponse {
        req status: TriggerMessageStatus = "status";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip};

    #[test]
    fn golden_request() {
        call_round_trip(
            r#"[2,"t1","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]"#,
            &TriggerMessageRequest {
                requested_message: MessageTrigger::StatusNotification,
                connector_id: Some(1),
            },
        );
    }

    #[test]
    fn golden_response() {
        answer_round_trip::<TriggerMessageRequest>(
            r#"[3,"t1",{"status":"NotImplemented"}]"#,
            &TriggerMessageResponse {
                status: TriggerMessageStatus::NotImplemented,
            },
        );
    }
}

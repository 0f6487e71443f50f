//! UnlockConnector (central system → charge point, OCPP 1.6 §5.18).

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{Action, Request};

ocpp_object! {
    /// UnlockConnector.req.
    #[derive(Clone, Copy)]
    pub struct UnlockConnectorRequest {
        req connector_id: i32 = "connectorId";
    }
}

impl Request for UnlockConnectorRequest {
    const ACTION: Action = Action::UnlockConnector;
    type Response = UnlockConnectorResponse;
}

ocpp_enum! {
    /// The charge point's answer to an UnlockConnector.
    pub enum UnlockStatus {
        /// The connector was unlocked.
        Unlocked,
        /// Unlocking failed.
        UnlockFailed,
        /// This connector has no lock.
        NotSupported,
    }
}

ocpp_object! {
    /// UnlockConnector.conf.
    #[derive(Clone, Copy)]
    pub struct UnlockConnectorResponse {
        req status: UnlockStatus = "status";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip};

    #[test]
    fn golden_request() {
        call_round_trip(
            r#"[2,"u1","UnlockConnector",{"connectorId":1}]"#,
            &UnlockConnectorRequest { connector_id: 1 },
        );
    }

    #[test]
    fn golden_response() {
        for status in UnlockStatus::ALL {
            answer_round_trip::<UnlockConnectorRequest>(
                &format!(r#"[3,"u1",{{"status":"{status}"}}]"#),
                &UnlockConnectorResponse { status: *status },
            );
        }
    }
}

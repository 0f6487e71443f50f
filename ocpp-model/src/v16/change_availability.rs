//! ChangeAvailability (central system → charge point, OCPP 1.6 §5.2): make
//! a connector, or the whole charge point (connector 0), (in)operative.

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{Action, Request};

ocpp_enum! {
    /// The availability the central system asks for.
    pub enum AvailabilityType {
        /// Not available for charging.
        Inoperative,
        /// Available for charging.
        Operative,
    }
}

ocpp_object! {
    /// ChangeAvailability.req.
    #[derive(Clone, Copy)]
    pub struct ChangeAvailabilityRequest {
        /// 0 for the whole charge point.
        req connector_id: i32 = "connectorId";
        req kind: AvailabilityType = "type";
    }
}

impl Request for ChangeAvailabilityRequest {
    const ACTION: Action = Action::ChangeAvailability;
    type Response = ChangeAvailabilityResponse;
}

ocpp_enum! {
    /// The charge point's answer to a ChangeAvailability.
    pub enum AvailabilityStatus {
        /// Done.
        Accepted,
        /// Cannot be done.
        Rejected,
        /// Done once the transactions in progress have ended.
        Scheduled,
    }
}

ocpp_object! {
    /// ChangeAvailability.conf.
    #[derive(Clone, Copy)]
    pub struct ChangeAvailabilityResponse {
        req status: AvailabilityStatus = "status";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip};

    #[test]
    fn golden_request() {
        for (connector_id, kind, text) in [
            (0, AvailabilityType::Inoperative, "Inoperative"),
            (2, AvailabilityType::Operative, "Operative"),
        ] {
            call_round_trip(
                &format!(
                    r#"[2,"c1","ChangeAvailability",{{"connectorId":{connector_id},"type":"{text}"}}]"#
                ),
                &ChangeAvailabilityRequest { connector_id, kind },
            );
        }
    }

    #[test]
    fn golden_response() {
        for status in AvailabilityStatus::ALL {
            answer_round_trip::<ChangeAvailabilityRequest>(
                &format!(r#"[3,"c1",{{"status":"{status}"}}]"#),
                &ChangeAvailabilityResponse { status: *status },
            );
        }
    }
}

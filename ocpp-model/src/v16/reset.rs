//! Reset (central system → charge point, OCPP 1.6 §5.14).

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{Action, Request};

ocpp_enum! {
    /// How to reset.
    pub enum ResetType {
        /// Restart the hardware (transactions stopped with reason HardReset).
        Hard,
        /// Restart the software (transactions stopped with reason SoftReset).
        Soft,
    }
}

ocpp_object! {
    /// Reset.req.
    #[derive(Clone, Copy)]
    pub struct ResetRequest {
        req kind: ResetType = "type";
    }
}

impl Request for ResetRequest {
    const ACTION: Action = Action::Reset;
    type Response = ResetResponse;
}

ocpp_enum! {
    /// The charge point's answer to a Reset.
    pub enum ResetStatus {
        /// The charge point will reset.
        Accepted,
        /// It will not.
        Rejected,
    }
}

ocpp_object! {
    /// Reset.conf.
    #[derive(Clone, Copy)]
    pub struct ResetResponse {
        req status: ResetStatus = "status";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip};

    #[test]
    fn golden_request() {
        for kind in ResetType::ALL {
            call_round_trip(
                &format!(r#"[2,"r1","Reset",{{"type":"{kind}"}}]"#),
                &ResetRequest { kind: *kind },
            );
        }
    }

    #[test]
    fn golden_response() {
        for status in ResetStatus::ALL {
            answer_round_trip::<ResetRequest>(
                &format!(r#"[3,"r1",{{"status":"{status}"}}]"#),
                &ResetResponse { status: *status },
            );
        }
    }
}

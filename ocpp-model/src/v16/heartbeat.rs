//! Heartbeat (charge point → central system, OCPP 1.6 §4.6).

use crate::macros::ocpp_object;
use crate::{Action, DateTime, Request};

ocpp_object! {
    /// Heartbeat.req: no properties.
    pub struct HeartbeatRequest {}
}

impl Request for HeartbeatRequest {
    const ACTION: Action = Action::Heartbeat;
    type Response = HeartbeatResponse;
}

ocpp_object! {
    /// Heartbeat.conf: the central system's clock.
    pub struct HeartbeatResponse {
        req current_time: DateTime = "currentTime";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip};

    #[test]
    fn golden_request() {
        call_round_trip(r#"[2,"1","Heartbeat",{}]"#, &HeartbeatRequest {});
    }

    #[test]
    fn golden_response() {
        answer_round_trip::<HeartbeatRequest>(
            r#"[3,"1",{"currentTime":"2026-11-25T16:21:50Z"}]"#,
            &HeartbeatResponse {
                current_time: DateTime::from_unix_millis(1_795_623_710_000),
            },
        );
    }
}

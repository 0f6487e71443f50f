//! ClearCache (central system → charge point, OCPP 1.6 §5.4): empty the
//! authorization cache.

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{Action, Request};

ocpp_object! {
    /// ClearCache.req: no properties.
    #[derive(Clone, Copy)]
    pub struct ClearCacheRequest {}
}

impl Request for ClearCacheRequest {
    const ACTION: Action = Action::ClearCache;
    type Response = ClearCacheResponse;
}

ocpp_enum! {
    /// The charge point's answer to a ClearCache.
    pub enum ClearCacheStatus {
        /// The cache was cleared.
        Accepted,
        /// It was not (e.g. there is no cache).
        Rejected,
    }
}

ocpp_object! {
    /// ClearCache.conf.
    #[derive(Clone, Copy)]
    pub struct ClearCacheResponse {
        req status: ClearCacheStatus = "status";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip};

    #[test]
    fn golden_request() {
        call_round_trip(r#"[2,"cc","ClearCache",{}]"#, &ClearCacheRequest {});
    }

    #[test]
    fn golden_response() {
        for status in ClearCacheStatus::ALL {
            answer_round_trip::<ClearCacheRequest>(
                &format!(r#"[3,"cc",{{"status":"{status}"}}]"#),
                &ClearCacheResponse { status: *status },
            );
        }
    }
}

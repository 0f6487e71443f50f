//! RemoteStopTransaction (central system → charge point, OCPP 1.6 §5.12).

use crate::macros::ocpp_object;
use crate::v16::RemoteStartStopStatus;
use crate::{Action, Request};

ocpp_object! {
    /// RemoteStopTransaction.req: stop this transaction.
    #[derive(Clone, Copy)]
    pub struct RemoteStopTransactionRequest {
        req transaction_id: i32 = "transactionId";
    }
}

impl Request for RemoteStopTransactionRequest {
    const ACTION: Action = Action::RemoteStopTransaction;
    type Response = RemoteStopTransactionResponse;
}

ocpp_object! {
    /// RemoteStopTransaction.conf.
    #[derive(Clone, Copy)]
    pub struct RemoteStopTransactionResponse {
        req status: RemoteStartStopStatus = "status";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip};

    #[test]
    fn golden_request() {
        call_round_trip(
            r#"[2,"rt","RemoteStopTransaction",{"transactionId":-17}]"#,
            &RemoteStopTransactionRequest {
                transaction_id: -17,
            },
        );
    }

    #[test]
    fn golden_response() {
        for status in RemoteStartStopStatus::ALL {
            answer_round_trip::<RemoteStopTransactionRequest>(
                &format!(r#"[3,"rt",{{"status":"{status}"}}]"#),
                &RemoteStopTransactionResponse { status: *status },
            );
        }
    }
}

//! StartTransaction (charge point → central system, OCPP 1.6 §4.8).

use crate::macros::ocpp_object;
use crate::v16::IdTagInfo;
use crate::{Action, DateTime, IdToken, Request};

ocpp_object! {
    /// StartTransaction.req: a transaction started (its timestamp is when it
    /// did, not when the message is sent).
    #[derive(Clone, Copy)]
    pub struct StartTransactionRequest {
        req connector_id: i32 = "connectorId";
        req id_tag: IdToken = "idTag";
        /// The meter reading at the start, in Wh.
        req meter_start: i32 = "meterStart";
        /// The reservation this transaction ends, if any.
        opt reservation_id: i32 = "reservationId";
        req timestamp: DateTime = "timestamp";
    }
}

impl Request for StartTransactionRequest {
    const ACTION: Action = Action::StartTransaction;
    type Response = StartTransactionResponse;
}

ocpp_object! {
    /// StartTransaction.conf: the transaction's id and the verdict on the
    /// idTag. Inline and `Copy`: it decodes without any allocation, so the
    /// engine keeps the transactionId even when its pool is exhausted.
    #[derive(Clone, Copy)]
    pub struct StartTransactionResponse {
        req id_tag_info: IdTagInfo = "idTagInfo";
        req transaction_id: i32 = "transactionId";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip, id_token};
    use crate::v16::AuthorizationStatus;

    #[test]
    fn golden_request() {
        call_round_trip(
            concat!(
                r#"[2,"st1","StartTransaction",{"connectorId":1,"idTag":"04A2B3C4","#,
                r#""meterStart":0,"timestamp":"2026-11-25T16:21:50Z"}]"#
            ),
            &StartTransactionRequest {
                connector_id: 1,
                id_tag: id_token("04A2B3C4"),
                meter_start: 0,
                reservation_id: None,
                timestamp: DateTime::from_unix_millis(1_795_623_710_000),
            },
        );
        call_round_trip(
            concat!(
                r#"[2,"st2","StartTransaction",{"connectorId":2,"idTag":"\"tag\"","#,
                r#""meterStart":2147483647,"reservationId":5,"timestamp":"2026-11-25T16:21:50.250Z"}]"#
            ),
            &StartTransactionRequest {
                connector_id: 2,
                id_tag: id_token("\"tag\""),
                meter_start: i32::MAX,
                reservation_id: Some(5),
                timestamp: DateTime::from_unix_millis(1_795_623_710_250),
            },
        );
    }

    #[test]
    fn golden_response() {
        answer_round_trip::<StartTransactionRequest>(
            r#"[3,"st1",{"idTagInfo":{"status":"Accepted"},"transactionId":42}]"#,
            &StartTransactionResponse {
                id_tag_info: IdTagInfo {
                    expiry_date: None,
                    parent_id_tag: None,
                    status: AuthorizationStatus::Accepted,
                },
                transaction_id: 42,
            },
        );
        answer_round_trip::<StartTransactionRequest>(
            concat!(
                r#"[3,"st2",{"idTagInfo":{"expiryDate":"2026-11-25T18:00:00Z","#,
                r#""parentIdTag":"FLEET-7","status":"ConcurrentTx"},"transactionId":-1}]"#
            ),
            &StartTransactionResponse {
                id_tag_info: IdTagInfo {
                    expiry_date: Some(DateTime::from_unix_millis(1_795_629_600_000)),
                    parent_id_tag: Some(id_token("FLEET-7")),
                    status: AuthorizationStatus::ConcurrentTx,
                },
                transaction_id: -1,
            },
        );
    }
}

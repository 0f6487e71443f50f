//! Authorize (charge point → central system, OCPP 1.6 §4.1).

use crate::macros::ocpp_object;
use crate::v16::IdTagInfo;
use crate::{Action, IdToken, Request};

ocpp_object! {
    /// Authorize.req: may this idTag charge?
    #[derive(Clone, Copy)]
    pub struct AuthorizeRequest {
        req id_tag: IdToken = "idTag";
    }
}

impl Request for AuthorizeRequest {
    const ACTION: Action = Action::Authorize;
    type Response = AuthorizeResponse;
}

ocpp_object! {
    /// Authorize.conf: decodes without allocating.
    #[derive(Clone, Copy)]
    pub struct AuthorizeResponse {
        req id_tag_info: IdTagInfo = "idTagInfo";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip, id_token};
    use crate::v16::AuthorizationStatus;
    use crate::DateTime;

    #[test]
    fn golden_request() {
        call_round_trip(
            r#"[2,"a1","Authorize",{"idTag":"04A2B3C4D5E6F7"}]"#,
            &AuthorizeRequest {
                id_tag: id_token("04A2B3C4D5E6F7"),
            },
        );
    }

    #[test]
    fn golden_response() {
        answer_round_trip::<AuthorizeRequest>(
            r#"[3,"a1",{"idTagInfo":{"status":"Accepted"}}]"#,
            &AuthorizeResponse {
                id_tag_info: IdTagInfo {
                    expiry_date: None,
                    parent_id_tag: None,
                    status: AuthorizationStatus::Accepted,
                },
            },
        );
        answer_round_trip::<AuthorizeRequest>(
            concat!(
                r#"[3,"a1",{"idTagInfo":{"expiryDate":"2027-01-01T00:00:00Z","#,
                r#""parentIdTag":"PARENT-1","status":"ConcurrentTx"}}]"#
            ),
            &AuthorizeResponse {
                id_tag_info: IdTagInfo {
                    expiry_date: Some(DateTime::from_unix_millis(1_798_761_600_000)),
                    parent_id_tag: Some(id_token("PARENT-1")),
                    status: AuthorizationStatus::ConcurrentTx,
                },
            },
        );
    }
}

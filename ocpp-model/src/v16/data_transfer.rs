//! DataTransfer (both directions, OCPP 1.6 §4.3 / §5.5): vendor-specific data.

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{Action, Allocator, CiString, Request, Text};

ocpp_object! {
    /// DataTransfer.req.
    pub struct DataTransferRequest<A> {
        req vendor_id: CiString<255, A> = "vendorId";
        opt message_id: CiString<50, A> = "messageId";
        opt data: Text<A> = "data";
    }
}

impl<A: Allocator> Request for DataTransferRequest<A> {
    const ACTION: Action = Action::DataTransfer;
    type Response = DataTransferResponse<A>;
}

ocpp_enum! {
    /// The recipient's verdict on a DataTransfer.
    pub enum DataTransferStatus {
        /// Processed.
        Accepted,
        /// Refused.
        Rejected,
        /// The vendor is known, the message id is not.
        UnknownMessageId,
        /// No implementation for this vendor.
        UnknownVendorId,
    }
}

ocpp_object! {
    /// DataTransfer.conf.
    pub struct DataTransferResponse<A> {
        req status: DataTransferStatus = "status";
        opt data: Text<A> = "data";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip, ci, heap, Heap};

    #[test]
    fn golden_request() {
        call_round_trip(
            r#"[2,"d1","DataTransfer",{"vendorId":"com.acme","messageId":"m","data":"{\"k\":1}"}]"#,
            &DataTransferRequest {
                vendor_id: ci("com.acme"),
                message_id: Some(ci("m")),
                data: Some(Text::try_from_str("{\"k\":1}", heap()).unwrap()),
            },
        );
    }

    #[test]
    fn golden_response() {
        answer_round_trip::<DataTransferRequest<Heap>>(
            r#"[3,"d1",{"status":"UnknownVendorId"}]"#,
            &DataTransferResponse {
                status: DataTransferStatus::UnknownVendorId,
                data: None,
            },
        );
    }
}

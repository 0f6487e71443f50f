//! StopTransaction (charge point → central system, OCPP 1.6 §4.10).
//!
//! Its schema differs from MeterValues' in two places, and this crate keeps
//! one [`MeterValue`] type for both: `transactionData`'s `sampledValue` has
//! no `minItems` there (the specification's 1..* is enforced here, so an
//! empty one is refused, stricter than that schema), and its units lack
//! `Hertz` (a sample in Hertz must not be put in `transactionData`: the
//! frame would not validate).

use allocator_api2::vec::Vec;

use crate::macros::{ocpp_enum, ocpp_object};
use crate::v16::{IdTagInfo, MeterValue};
use crate::{Action, Allocator, DateTime, IdToken, Request};

ocpp_enum! {
    /// Why a transaction stopped.
    pub enum Reason {
        /// The emergency stop button.
        EmergencyStop,
        /// The cable was unplugged on the EV's side.
        EVDisconnected,
        /// A hard reset.
        HardReset,
        /// Stopped at the charge point (idTag presented, stop button): the
        /// default when absent.
        Local,
        /// Anything else.
        Other,
        /// The power was lost.
        PowerLoss,
        /// A reboot not asked for by the central system.
        Reboot,
        /// A RemoteStopTransaction.
        Remote,
        /// A soft reset.
        SoftReset,
        /// An UnlockConnector.
        UnlockCommand,
        /// The idTag was deauthorized (StartTransaction.conf, Authorize).
        DeAuthorized,
    }
}

ocpp_object! {
    /// StopTransaction.req: a transaction stopped (its timestamp is when it
    /// did). `transactionData` is bounded by [`crate::Limits::max_items`] when
    /// decoded.
    pub struct StopTransactionRequest<A> {
        /// The idTag that stopped it, when one did.
        opt id_tag: IdToken = "idTag";
        /// The meter reading at the stop, in Wh.
        req meter_stop: i32 = "meterStop";
        req timestamp: DateTime = "timestamp";
        req transaction_id: i32 = "transactionId";
        /// Default `Local`.
        opt reason: Reason = "reason";
        opt transaction_data: Vec<MeterValue<A>, A> = "transactionData";
    }
}

impl<A: Allocator> Request for StopTransactionRequest<A> {
    const ACTION: Action = Action::StopTransaction;
    type Response = StopTransactionResponse;
}

ocpp_object! {
    /// StopTransaction.conf: the verdict on the idTag, when there was one.
    /// Decodes without any allocation.
    #[derive(Clone, Copy)]
    pub struct StopTransactionResponse {
        opt id_tag_info: IdTagInfo = "idTagInfo";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip, heap, id_token, vec, Heap};
    use crate::v16::{AuthorizationStatus, Measurand, ReadingContext, SampledValue};
    use crate::Text;

    #[test]
    fn golden_request_minimal() {
        call_round_trip(
            concat!(
                r#"[2,"sp1","StopTransaction",{"meterStop":1500,"#,
                r#""timestamp":"2026-11-25T18:00:00Z","transactionId":42}]"#
            ),
            &StopTransactionRequest::<Heap> {
                id_tag: None,
                meter_stop: 1500,
                timestamp: DateTime::from_unix_millis(1_795_629_600_000),
                transaction_id: 42,
                reason: None,
                transaction_data: None,
            },
        );
    }

    #[test]
    fn golden_request_full() {
        let sample = SampledValue {
            value: Text::try_from_str("1500", heap()).unwrap(),
            context: Some(ReadingContext::TransactionEnd),
            format: None,
            measurand: Some(Measurand::EnergyActiveImportRegister),
            phase: None,
            location: None,
            unit: None,
        };
        call_round_trip(
            concat!(
                r#"[2,"sp2","StopTransaction",{"idTag":"04A2B3C4","meterStop":1500,"#,
                r#""timestamp":"2026-11-25T18:00:00Z","transactionId":42,"reason":"EVDisconnected","#,
                r#""transactionData":[{"timestamp":"2026-11-25T18:00:00Z","sampledValue":[{"value":"1500","#,
                r#""context":"Transaction.End","measurand":"Energy.Active.Import.Register"}]}]}]"#
            ),
            &StopTransactionRequest {
                id_tag: Some(id_token("04A2B3C4")),
                meter_stop: 1500,
                timestamp: DateTime::from_unix_millis(1_795_629_600_000),
                transaction_id: 42,
                reason: Some(Reason::EVDisconnected),
                transaction_data: Some(vec([MeterValue {
                    timestamp: DateTime::from_unix_millis(1_795_629_600_000),
                    sampled_value: vec([sample]),
                }])),
            },
        );
    }

    #[test]
    fn golden_response() {
        answer_round_trip::<StopTransactionRequest<Heap>>(
            r#"[3,"sp1",{}]"#,
            &StopTransactionResponse { id_tag_info: None },
        );
        answer_round_trip::<StopTransactionRequest<Heap>>(
            r#"[3,"sp2",{"idTagInfo":{"parentIdTag":"FLEET-7","status":"Blocked"}}]"#,
            &StopTransactionResponse {
                id_tag_info: Some(IdTagInfo {
                    expiry_date: None,
                    parent_id_tag: Some(id_token("FLEET-7")),
                    status: AuthorizationStatus::Blocked,
                }),
            },
        );
    }
}

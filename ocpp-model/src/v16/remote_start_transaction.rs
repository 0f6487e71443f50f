//! RemoteStartTransaction (central system → charge point, OCPP 1.6 §5.11).

use crate::macros::{ocpp_enum, ocpp_object};
use crate::v16::ChargingProfile;
use crate::{Action, Allocator, IdToken, Request};

ocpp_object! {
    /// RemoteStartTransaction.req: start a transaction for `idTag`.
    pub struct RemoteStartTransactionRequest<A> {
        /// Absent: the charge point chooses (connector ids are > 0).
        opt connector_id: i32 = "connectorId";
        req id_tag: IdToken = "idTag";
        /// A `TxProfile` for the transaction.
        opt charging_profile: ChargingProfile<A> = "chargingProfile";
    }
}

impl<A: Allocator> Request for RemoteStartTransactionRequest<A> {
    const ACTION: Action = Action::RemoteStartTransaction;
    type Response = RemoteStartTransactionResponse;
}

ocpp_enum! {
    /// The charge point's answer to a RemoteStartTransaction or a
    /// RemoteStopTransaction.
    pub enum RemoteStartStopStatus {
        /// The charge point will try.
        Accepted,
        /// It will not.
        Rejected,
    }
}

ocpp_object! {
    /// RemoteStartTransaction.conf.
    #[derive(Clone, Copy)]
    pub struct RemoteStartTransactionResponse {
        req status: RemoteStartStopStatus = "status";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip, id_token, vec, Heap};
    use crate::v16::{
        ChargingProfileKindType, ChargingProfilePurposeType, ChargingRateUnitType,
        ChargingSchedule, ChargingSchedulePeriod, RecurrencyKindType,
    };
    use crate::{DateTime, Decimal};

    #[test]
    fn golden_request_minimal() {
        call_round_trip(
            r#"[2,"rs1","RemoteStartTransaction",{"idTag":"04A2B3C4"}]"#,
            &RemoteStartTransactionRequest::<Heap> {
                connector_id: None,
                id_tag: id_token("04A2B3C4"),
                charging_profile: None,
            },
        );
    }

    #[test]
    fn golden_request_full() {
        let period = |start_period, tenths, number_phases| ChargingSchedulePeriod {
            start_period,
            limit: Decimal::from_tenths(tenths),
            number_phases,
        };
        call_round_trip(
            concat!(
                r#"[2,"rs2","RemoteStartTransaction",{"connectorId":1,"idTag":"04A2B3C4","#,
                r#""chargingProfile":{"chargingProfileId":9,"transactionId":3,"stackLevel":0,"#,
                r#""chargingProfilePurpose":"TxProfile","chargingProfileKind":"Recurring","#,
                r#""recurrencyKind":"Daily","validFrom":"2026-11-25T00:00:00Z","#,
                r#""validTo":"2026-12-25T00:00:00Z","chargingSchedule":{"duration":86400,"#,
                r#""startSchedule":"2026-11-25T06:00:00Z","chargingRateUnit":"A","#,
                r#""chargingSchedulePeriod":[{"startPeriod":0,"limit":16.5},"#,
                r#"{"startPeriod":3600,"limit":6.0,"numberPhases":1}],"minChargingRate":6.0}}}]"#
            ),
            &RemoteStartTransactionRequest {
                connector_id: Some(1),
                id_tag: id_token("04A2B3C4"),
                charging_profile: Some(ChargingProfile {
                    charging_profile_id: 9,
                    transaction_id: Some(3),
                    stack_level: 0,
                    charging_profile_purpose: ChargingProfilePurposeType::TxProfile,
                    charging_profile_kind: ChargingProfileKindType::Recurring,
                    recurrency_kind: Some(RecurrencyKindType::Daily),
                    valid_from: Some(DateTime::from_unix_millis(1_795_564_800_000)),
                    valid_to: Some(DateTime::from_unix_millis(1_798_156_800_000)),
                    charging_schedule: ChargingSchedule {
                        duration: Some(86_400),
                        start_schedule: Some(DateTime::from_unix_millis(1_795_586_400_000)),
                        charging_rate_unit: ChargingRateUnitType::A,
                        charging_schedule_period: vec([
                            period(0, 165, None),
                            period(3600, 60, Some(1)),
                        ]),
                        min_charging_rate: Some(Decimal::from_tenths(60)),
                    },
                }),
            },
        );
    }

    #[test]
    fn golden_response() {
        for status in RemoteStartStopStatus::ALL {
            answer_round_trip::<RemoteStartTransactionRequest<Heap>>(
                &format!(r#"[3,"rs1",{{"status":"{status}"}}]"#),
                &RemoteStartTransactionResponse { status: *status },
            );
        }
    }
}

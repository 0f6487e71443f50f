//! `ChargingProfile` and its parts (OCPP 1.6 §7.7 to §7.13): carried by
//! RemoteStartTransaction, and by SetChargingProfile once it is added.

use allocator_api2::vec::Vec;

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{DateTime, Decimal};

ocpp_enum! {
    /// What a charging profile is for.
    pub enum ChargingProfilePurposeType {
        /// The limit of the whole charge point.
        ChargePointMaxProfile,
        /// The default of new transactions.
        TxDefaultProfile,
        /// The profile of one transaction.
        TxProfile,
    }
}

ocpp_enum! {
    /// How a schedule's periods are placed in time.
    pub enum ChargingProfileKindType {
        /// From `startSchedule`.
        Absolute,
        /// Repeating every day or week (`recurrencyKind`).
        Recurring,
        /// From the start of the transaction.
        Relative,
    }
}

ocpp_enum! {
    /// The period of a `Recurring` profile.
    pub enum RecurrencyKindType {
        /// Every day from `startSchedule`'s time of day.
        Daily,
        /// Every week from `startSchedule`.
        Weekly,
    }
}

ocpp_enum! {
    /// The unit of a schedule's limits.
    pub enum ChargingRateUnitType {
        /// Amperes per phase.
        A,
        /// Watts.
        W,
    }
}

ocpp_object! {
    /// One period of a schedule: a limit from `startPeriod` on.
    #[derive(Clone, Copy)]
    pub struct ChargingSchedulePeriod {
        /// Seconds from the start of the schedule.
        req start_period: i32 = "startPeriod";
        /// In the schedule's unit, a multiple of 0.1.
        req limit: Decimal = "limit";
        /// Default 3.
        opt number_phases: i32 = "numberPhases";
    }
}

ocpp_object! {
    /// A schedule: limits over time. The schema sets no `minItems` on the
    /// periods; decoded, they are bounded by [`crate::Limits::max_items`].
    pub struct ChargingSchedule<A> {
        /// Seconds; absent: until the profile ends.
        opt duration: i32 = "duration";
        opt start_schedule: DateTime = "startSchedule";
        req charging_rate_unit: ChargingRateUnitType = "chargingRateUnit";
        req charging_schedule_period: Vec<ChargingSchedulePeriod, A> = "chargingSchedulePeriod";
        /// In the schedule's unit, a multiple of 0.1.
        opt min_charging_rate: Decimal = "minChargingRate";
    }
}

ocpp_object! {
    /// A charging profile.
    pub struct ChargingProfile<A> {
        req charging_profile_id: i32 = "chargingProfileId";
        /// Only for a `TxProfile`.
        opt transaction_id: i32 = "transactionId";
        req stack_level: i32 = "stackLevel";
        req charging_profile_purpose: ChargingProfilePurposeType = "chargingProfilePurpose";
        req charging_profile_kind: ChargingProfileKindType = "chargingProfileKind";
        opt recurrency_kind: RecurrencyKindType = "recurrencyKind";
        opt valid_from: DateTime = "validFrom";
        opt valid_to: DateTime = "validTo";
        req charging_schedule: ChargingSchedule<A> = "chargingSchedule";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::heap;
    use crate::{decode, DecodeError, ErrorCode};

    #[test]
    fn limits_are_multiples_of_a_tenth() {
        let p: ChargingSchedulePeriod = decode(
            br#"{"startPeriod":0,"limit":16.5,"numberPhases":1}"#,
            heap(),
        )
        .unwrap();
        assert_eq!(p.limit, Decimal::from_tenths(165));
        assert_eq!(
            decode::<ChargingSchedulePeriod, _>(br#"{"startPeriod":0,"limit":16.55}"#, heap()),
            Err(DecodeError::new(
                ErrorCode::PropertyConstraintViolation,
                "limit: not a multiple of 0.1"
            ))
        );
        let s = br#"{"chargingRateUnit":"W","chargingSchedulePeriod":[],"minChargingRate":0.05}"#;
        assert_eq!(
            decode::<ChargingSchedule<_>, _>(s, heap())
                .unwrap_err()
                .reason,
            "minChargingRate: not a multiple of 0.1"
        );
    }
}

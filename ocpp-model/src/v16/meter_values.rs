//! MeterValues (charge point → central system, OCPP 1.6 §4.7): sampled
//! meter values of a connector, in or out of a transaction.

use allocator_api2::vec::Vec;

use crate::macros::ocpp_object;
use crate::v16::MeterValue;
use crate::{Action, Allocator, Request};

ocpp_object! {
    /// MeterValues.req: at least one `meterValue`, each with at least one
    /// sampled value. Decoded arrays are bounded by
    /// [`crate::Limits::max_items`].
    pub struct MeterValuesRequest<A> {
        /// 0 for the main meter of the charge point.
        req connector_id: i32 = "connectorId";
        /// The transaction these values belong to, if any.
        opt transaction_id: i32 = "transactionId";
        req meter_value: Vec<MeterValue<A>, A> = "meterValue", min_items = 1;
    }
}

impl<A: Allocator> Request for MeterValuesRequest<A> {
    const ACTION: Action = Action::MeterValues;
    type Response = MeterValuesResponse;
}

ocpp_object! {
    /// MeterValues.conf: no properties.
    #[derive(Clone, Copy)]
    pub struct MeterValuesResponse {}
}

#[cfg(test)]
#[allow(clippy::disallowed_types)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip, heap, vec, Heap};
    use crate::v16::{
        Location, Measurand, Phase, ReadingContext, SampledValue, UnitOfMeasure, ValueFormat,
    };
    use crate::{decode, DateTime, DecodeError, ErrorCode, Limits, Text};

    fn sample(value: &str) -> SampledValue<Heap> {
        SampledValue {
            value: Text::try_from_str(value, heap()).unwrap(),
            context: None,
            format: None,
            measurand: None,
            phase: None,
            location: None,
            unit: None,
        }
    }

    #[test]
    fn golden_request_minimal() {
        call_round_trip(
            concat!(
                r#"[2,"m1","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"#,
                r#""2026-11-25T16:21:50Z","sampledValue":[{"value":"1234"}]}]}]"#
            ),
            &MeterValuesRequest {
                connector_id: 1,
                transaction_id: None,
                meter_value: vec([MeterValue {
                    timestamp: DateTime::from_unix_millis(1_795_623_710_000),
                    sampled_value: vec([sample("1234")]),
                }]),
            },
        );
    }

    #[test]
    fn golden_request_full() {
        let full = SampledValue {
            context: Some(ReadingContext::SamplePeriodic),
            format: Some(ValueFormat::Raw),
            measurand: Some(Measurand::EnergyActiveImportRegister),
            phase: Some(Phase::L1N),
            location: Some(Location::Outlet),
            unit: Some(UnitOfMeasure::KWh),
            ..sample("12.5")
        };
        let temperature = SampledValue {
            context: Some(ReadingContext::InterruptionBegin),
            measurand: Some(Measurand::Temperature),
            location: Some(Location::Body),
            unit: Some(UnitOfMeasure::Celsius),
            ..sample("-3")
        };
        call_round_trip(
            concat!(
                r#"[2,"m2","MeterValues",{"connectorId":2,"transactionId":7,"meterValue":["#,
                r#"{"timestamp":"2026-11-25T16:21:50Z","sampledValue":[{"value":"12.5","#,
                r#""context":"Sample.Periodic","format":"Raw","measurand":"Energy.Active.Import.Register","#,
                r#""phase":"L1-N","location":"Outlet","unit":"kWh"},{"value":"-3","#,
                r#""context":"Interruption.Begin","measurand":"Temperature","location":"Body","#,
                r#""unit":"Celsius"}]},{"timestamp":"2026-11-25T16:22:50Z","sampledValue":[{"value":"1"}]}]}]"#
            ),
            &MeterValuesRequest {
                connector_id: 2,
                transaction_id: Some(7),
                meter_value: vec([
                    MeterValue {
                        timestamp: DateTime::from_unix_millis(1_795_623_710_000),
                        sampled_value: vec([full, temperature]),
                    },
                    MeterValue {
                        timestamp: DateTime::from_unix_millis(1_795_623_770_000),
                        sampled_value: vec([sample("1")]),
                    },
                ]),
            },
        );
    }

    #[test]
    fn golden_response() {
        answer_round_trip::<MeterValuesRequest<Heap>>(r#"[3,"m1",{}]"#, &MeterValuesResponse {});
    }

    #[test]
    fn too_many_sampled_values_are_refused() {
        let payload = |n: usize| {
            format!(
                r#"{{"connectorId":1,"meterValue":[{{"timestamp":"2026-11-25T16:21:50Z","sampledValue":[{}]}}]}}"#,
                vec![r#"{"value":"1"}"#; n].join(",")
            )
        };
        let max = usize::from(Limits::DEFAULT.max_items);
        let ok: MeterValuesRequest<_> = decode(payload(max).as_bytes(), heap()).unwrap();
        assert_eq!(ok.meter_value[0].sampled_value.len(), max);
        assert_eq!(
            decode::<MeterValuesRequest<_>, _>(payload(max + 1).as_bytes(), heap()),
            Err(DecodeError::new(
                ErrorCode::OccurenceConstraintViolation,
                "sampledValue: more items than this charge point accepts"
            ))
        );
        let e = decode::<MeterValuesRequest<_>, _>(br#"{"connectorId":1,"meterValue":[]}"#, heap());
        assert_eq!(
            e.unwrap_err().reason,
            "meterValue: fewer items than minItems"
        );
    }
}

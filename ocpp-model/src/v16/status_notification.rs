//! StatusNotification (charge point → central system, OCPP 1.6 §4.9).

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{Action, Allocator, CiString, DateTime, Request};

ocpp_enum! {
    /// The status of a connector (or of the charge point: connector 0).
    pub enum ChargePointStatus {
        /// Free.
        Available,
        /// Plugged or idTag presented, not yet charging.
        Preparing,
        /// Charging.
        Charging,
        /// The charge point suspends the energy offer.
        SuspendedEVSE,
        /// The EV does not take energy.
        SuspendedEV,
        /// Transaction stopped, connector not yet free.
        Finishing,
        /// Reserved.
        Reserved,
        /// Not available.
        Unavailable,
        /// In fault.
        Faulted,
    }
}

ocpp_enum! {
    /// The error a connector reports.
    pub enum ChargePointErrorCode {
        /// Connector lock failure.
        ConnectorLockFailure,
        /// Communication with the EV failed.
        EVCommunicationError,
        /// Ground fault.
        GroundFailure,
        /// Over temperature.
        HighTemperature,
        /// Internal error.
        InternalError,
        /// The local list conflicts with the central system.
        LocalListConflict,
        /// No error.
        NoError,
        /// Any other error.
        OtherError,
        /// Over current.
        OverCurrentFailure,
        /// The power meter failed.
        PowerMeterFailure,
        /// The power switch failed.
        PowerSwitchFailure,
        /// The idTag reader failed.
        ReaderFailure,
        /// A reset failed.
        ResetFailure,
        /// Under voltage.
        UnderVoltage,
        /// Over voltage.
        OverVoltage,
        /// Weak wireless signal.
        WeakSignal,
    }
}

ocpp_object! {
    /// StatusNotification.req.
    pub struct StatusNotificationRequest<A> {
        req connector_id: i32 = "connectorId";
        req error_code: ChargePointErrorCode = "errorCode";
        opt info: CiString<50, A> = "info";
        req status: ChargePointStatus = "status";
        opt timestamp: DateTime = "timestamp";
        opt vendor_id: CiString<255, A> = "vendorId";
        opt vendor_error_code: CiString<50, A> = "vendorErrorCode";
    }
}

impl<A: Allocator> Request for StatusNotificationRequest<A> {
    const ACTION: Action = Action::StatusNotification;
    type Response = StatusNotificationResponse;
}

ocpp_object! {
    /// StatusNotification.conf: no properties.
    pub struct StatusNotificationResponse {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip, ci, Heap};

    #[test]
    fn golden_request_minimal() {
        call_round_trip(
            r#"[2,"s1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]"#,
            &StatusNotificationRequest {
                connector_id: 1,
                error_code: ChargePointErrorCode::NoError,
                info: None,
                status: ChargePointStatus::Available,
                timestamp: None,
                vendor_id: None,
                vendor_error_code: None,
            },
        );
    }

    #[test]
    fn golden_request_full() {
        call_round_trip(
            concat!(
                r#"[2,"s2","StatusNotification",{"connectorId":0,"errorCode":"EVCommunicationError","#,
                r#""info":"PLC timeout","status":"SuspendedEVSE","timestamp":"2026-11-25T16:21:50.001Z","#,
                r#""vendorId":"com.example","vendorErrorCode":"E-42"}]"#
            ),
            &StatusNotificationRequest {
                connector_id: 0,
                error_code: ChargePointErrorCode::EVCommunicationError,
                info: Some(ci("PLC timeout")),
                status: ChargePointStatus::SuspendedEVSE,
                timestamp: Some(DateTime::from_unix_millis(1_795_623_710_001)),
                vendor_id: Some(ci("com.example")),
                vendor_error_code: Some(ci("E-42")),
            },
        );
    }

    #[test]
    fn golden_response() {
        answer_round_trip::<StatusNotificationRequest<Heap>>(
            r#"[3,"s1",{}]"#,
            &StatusNotificationResponse {},
        );
    }

    #[test]
    fn enums_round_trip() {
        assert_eq!(ChargePointStatus::ALL.len(), 9);
        assert_eq!(ChargePointErrorCode::ALL.len(), 16);
        for &s in ChargePointStatus::ALL {
            assert_eq!(ChargePointStatus::parse(s.as_str()), Ok(s));
        }
        for &c in ChargePointErrorCode::ALL {
            assert_eq!(ChargePointErrorCode::parse(c.as_str()), Ok(c));
        }
    }
}

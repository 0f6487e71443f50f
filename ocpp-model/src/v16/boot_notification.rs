//! BootNotification (charge point → central system, OCPP 1.6 §4.2).

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{Action, Allocator, CiString, DateTime, Request};

ocpp_object! {
    /// BootNotification.req: the charge point introduces itself after boot.
    pub struct BootNotificationRequest<A> {
        req charge_point_vendor: CiString<20, A> = "chargePointVendor";
        req charge_point_model: CiString<20, A> = "chargePointModel";
        opt charge_point_serial_number: CiString<25, A> = "chargePointSerialNumber";
        opt charge_box_serial_number: CiString<25, A> = "chargeBoxSerialNumber";
        opt firmware_version: CiString<50, A> = "firmwareVersion";
        opt iccid: CiString<20, A> = "iccid";
        opt imsi: CiString<20, A> = "imsi";
        opt meter_type: CiString<25, A> = "meterType";
        opt meter_serial_number: CiString<25, A> = "meterSerialNumber";
    }
}

impl<A: Allocator> Request for BootNotificationRequest<A> {
    const ACTION: Action = Action::BootNotification;
    type Response = BootNotificationResponse;
}

ocpp_enum! {
    /// Whether the central system accepts the charge point.
    pub enum RegistrationStatus {
        /// Registered: heartbeat at `interval`, adopt `currentTime`.
        Accepted,
        /// Not yet: retry BootNotification after `interval`.
        Pending,
        /// Refused: retry BootNotification after `interval`.
        Rejected,
    }
}

ocpp_object! {
    /// BootNotification.conf.
    pub struct BootNotificationResponse {
        req status: RegistrationStatus = "status";
        req current_time: DateTime = "currentTime";
        req interval: i32 = "interval";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip, ci, Heap};

    #[test]
    fn golden_request_minimal() {
        call_round_trip(
            r#"[2,"1","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"M1"}]"#,
            &BootNotificationRequest {
                charge_point_vendor: ci("VendorX"),
                charge_point_model: ci("M1"),
                charge_point_serial_number: None,
                charge_box_serial_number: None,
                firmware_version: None,
                iccid: None,
                imsi: None,
                meter_type: None,
                meter_serial_number: None,
            },
        );
    }

    #[test]
    fn golden_request_full() {
        call_round_trip(
            concat!(
                r#"[2,"boot-7","BootNotification",{"chargePointVendor":"VendorX","#,
                r#""chargePointModel":"M1","chargePointSerialNumber":"cp-01","#,
                r#""chargeBoxSerialNumber":"cb-01","firmwareVersion":"1.2.3 \"rc\"","#,
                r#""iccid":"8931","imsi":"2620","meterType":"DC\\meter","meterSerialNumber":"m-9"}]"#
            ),
            &BootNotificationRequest {
                charge_point_vendor: ci("VendorX"),
                charge_point_model: ci("M1"),
                charge_point_serial_number: Some(ci("cp-01")),
                charge_box_serial_number: Some(ci("cb-01")),
                firmware_version: Some(ci("1.2.3 \"rc\"")),
                iccid: Some(ci("8931")),
                imsi: Some(ci("2620")),
                meter_type: Some(ci("DC\\meter")),
                meter_serial_number: Some(ci("m-9")),
            },
        );
    }

    #[test]
    fn golden_response() {
        for (status, text) in [
            (RegistrationStatus::Accepted, "Accepted"),
            (RegistrationStatus::Pending, "Pending"),
            (RegistrationStatus::Rejected, "Rejected"),
        ] {
            let frame = format!(
                r#"[3,"1",{{"status":"{text}","currentTime":"2026-11-25T16:21:50.123Z","interval":300}}]"#
            );
            answer_round_trip::<BootNotificationRequest<Heap>>(
                &frame,
                &BootNotificationResponse {
                    status,
                    current_time: DateTime::from_unix_millis(1_795_623_710_123),
                    interval: 300,
                },
            );
        }
    }
}

//! Every frame we emit validates against its official schema
//! (`schemas/ocpp16/` at the repository root, a copy of the official files, draft-04, checked by the `jsonschema`
//! crate with formats on), and follows the frame shape of OCPP-J.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::*;
use ocpp_model::*;

#[test]
fn the_oracle_can_say_no() {
    // A validator that accepts everything would make the tests below vacuous.
    let v = validator("BootNotificationResponse");
    for bad in [
        r#"{"status":"Accepted","currentTime":"2026-11-25T16:21:50Z"}"#,
        r#"{"status":"Accepted","currentTime":"2026-11-25T16:21:50Z","interval":1.5}"#,
        r#"{"status":"Acepted","currentTime":"2026-11-25T16:21:50Z","interval":1}"#,
        r#"{"status":"Accepted","currentTime":"2026-11-25 16:21","interval":1}"#,
        r#"{"status":"Accepted","currentTime":"2026-11-25T16:21:50Z","interval":1,"x":0}"#,
    ] {
        assert!(!v.is_valid(&serde_json::from_str(bad).unwrap()), "{bad}");
    }
    let v = validator("Authorize");
    assert!(!v.is_valid(&serde_json::json!({"idTag": "A".repeat(21)})));
    assert!(v.is_valid(&serde_json::json!({"idTag": "A".repeat(20)})));
}

#[test]
fn hand_written_values_validate() {
    let pool = pool();
    let a = &*pool;
    let ci = |s: &str| CiString::try_from_str(s, a).unwrap();
    let ci25 = |s: &str| CiString::<25, _>::try_from_str(s, a).unwrap();
    let id = MessageId::new("0f8e2c1a-7d44-4f0e-9a51-2b6c3d4e5f60").unwrap();
    let mut buf = [0u8; 2048];
    let check_call = |name: &str, n: Result<usize, EncodeError>, buf: &[u8]| {
        assert_valid_frame(name, &buf[..n.unwrap()], &validator(name));
    };
    let boot_min = BootNotificationRequest {
        charge_point_vendor: ci("V"),
        charge_point_model: ci(""),
        charge_point_serial_number: None,
        charge_box_serial_number: None,
        firmware_version: None,
        iccid: None,
        imsi: None,
        meter_type: None,
        meter_serial_number: None,
    };
    let n = encode_call(&mut buf, &id, Action::BootNotification, &boot_min);
    check_call("BootNotification", n, &buf);
    let boot_max = BootNotificationRequest {
        charge_point_vendor: ci(&"v".repeat(20)),
        charge_point_model: ci("\"\\ model ~"),
        charge_point_serial_number: Some(ci25(&"s".repeat(25))),
        charge_box_serial_number: Some(ci25("box")),
        firmware_version: Some(CiString::try_from_str(&"f".repeat(50), a).unwrap()),
        iccid: Some(ci("89310410106543789301")),
        imsi: Some(ci("262011234567890")),
        meter_type: Some(ci25("DC/meter")),
        meter_serial_number: Some(ci25("")),
    };
    let n = encode_call(&mut buf, &id, Action::BootNotification, &boot_max);
    check_call("BootNotification", n, &buf);
    for status in RegistrationStatus::ALL {
        for (ms, interval) in [(0, 0), (1_795_623_710_123, i32::MAX), (-1, i32::MIN)] {
            let conf = BootNotificationResponse {
                status: *status,
                current_time: DateTime::from_unix_millis(ms),
                interval,
            };
            let n = encode_call_result(&mut buf, &id, &conf);
            check_call("BootNotificationResponse", n, &buf);
        }
    }
    let n = encode_call(&mut buf, &id, Action::Heartbeat, &HeartbeatRequest {});
    check_call("Heartbeat", n, &buf);
    for t in [DateTime::MIN, DateTime::MAX, DateTime::from_unix_millis(0)] {
        let n = encode_call_result(&mut buf, &id, &HeartbeatResponse { current_time: t });
        check_call("HeartbeatResponse", n, &buf);
    }
    for status in ChargePointStatus::ALL {
        for error_code in ChargePointErrorCode::ALL {
            let full = status.as_str().len() % 2 == 0;
            let req = StatusNotificationRequest {
                connector_id: 1,
                error_code: *error_code,
                info: full.then(|| CiString::try_from_str(&"i".repeat(50), a).unwrap()),
                status: *status,
                timestamp: full.then_some(DateTime::from_unix_millis(1_795_623_710_001)),
                vendor_id: full.then(|| CiString::try_from_str(&"v".repeat(255), a).unwrap()),
                vendor_error_code: full.then(|| CiString::try_from_str("E1", a).unwrap()),
            };
            let n = encode_call(&mut buf, &id, Action::StatusNotification, &req);
            check_call("StatusNotification", n, &buf);
        }
    }
    let n = encode_call_result(&mut buf, &id, &StatusNotificationResponse {});
    check_call("StatusNotificationResponse", n, &buf);
    let n = encode_call(
        &mut buf,
        &id,
        Action::Authorize,
        &AuthorizeRequest {
            id_tag: IdToken::try_from_str("04A2B3C4D5E6F7").unwrap(),
        },
    );
    check_call("Authorize", n, &buf);
    for status in AuthorizationStatus::ALL {
        for full in [false, true] {
            let conf = AuthorizeResponse {
                id_tag_info: IdTagInfo {
                    expiry_date: full.then_some(DateTime::from_unix_millis(1_798_761_600_000)),
                    parent_id_tag: full.then(|| IdToken::try_from_str(&"p".repeat(20)).unwrap()),
                    status: *status,
                },
            };
            let n = encode_call_result(&mut buf, &id, &conf);
            check_call("AuthorizeResponse", n, &buf);
        }
    }
}

#[test]
fn generated_values_validate() {
    let pool = pool();
    for (k, name) in SLICE.iter().enumerate() {
        let v = validator(name);
        let mut rng = Rng::new(k as u64 + 1);
        for _ in 0..400 {
            let frame = gen_frame(name, &mut rng, &*pool);
            assert_valid_frame(name, &frame, &v);
        }
        assert_eq!(pool.stats().in_use, 0);
    }
}

#[test]
fn call_errors_are_well_formed() {
    let id = MessageId::from_u32(19);
    let mut buf = [0u8; 256];
    for &code in ErrorCode::ALL {
        for desc in [
            "",
            "idTag: longer than maxLength",
            "quote \" backslash \\ newline \n tab \t nul \0 é 😀",
        ] {
            let n = encode_call_error(&mut buf, &id, code, desc).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
            assert_eq!(v, serde_json::json!([4, "19", code.as_str(), desc, {}]));
            // And we read back what we wrote.
            match Frame::parse(&buf[..n], &Limits::DEFAULT).unwrap() {
                Frame::CallError {
                    id: got,
                    code: c,
                    details,
                    ..
                } => {
                    assert_eq!((got, c, details), (id, code, &b"{}"[..]));
                }
                f => panic!("{f:?}"),
            }
            for short in 0..n {
                assert_eq!(
                    encode_call_error(&mut buf[..short], &id, code, desc),
                    Err(EncodeError::BufferFull)
                );
            }
        }
    }
    let mut small = [0u8; 64];
    let long = "x".repeat(100);
    assert_eq!(
        encode_call_error(&mut small, &id, ErrorCode::GenericError, &long),
        Err(EncodeError::BufferFull)
    );
}

#[test]
fn data_transfer_and_trigger_message_validate() {
    let pool = pool();
    let id = MessageId::new("x1").unwrap();
    let mut buf = [0u8; 512];
    let req = DataTransferRequest {
        vendor_id: CiString::try_from_str(&"v".repeat(255), &*pool).unwrap(),
        message_id: Some(CiString::try_from_str("msg", &*pool).unwrap()),
        data: Some(Text::try_from_str("any \"text\" ⚡ \n", &*pool).unwrap()),
    };
    let n = encode_call(&mut buf, &id, Action::DataTransfer, &req).unwrap();
    assert_valid_frame("DataTransfer", &buf[..n], &validator("DataTransfer"));
    for status in DataTransferStatus::ALL {
        let conf = DataTransferResponse::<&Pool<Talc>> {
            status: *status,
            data: None,
        };
        let n = encode_call_result(&mut buf, &id, &conf).unwrap();
        assert_valid_frame(
            "DataTransferResponse",
            &buf[..n],
            &validator("DataTransferResponse"),
        );
    }
    for trigger in MessageTrigger::ALL {
        let req = TriggerMessageRequest {
            requested_message: *trigger,
            connector_id: Some(1),
        };
        let n = encode_call(&mut buf, &id, Action::TriggerMessage, &req).unwrap();
        assert_valid_frame("TriggerMessage", &buf[..n], &validator("TriggerMessage"));
    }
    for status in TriggerMessageStatus::ALL {
        let n =
            encode_call_result(&mut buf, &id, &TriggerMessageResponse { status: *status }).unwrap();
        assert_valid_frame(
            "TriggerMessageResponse",
            &buf[..n],
            &validator("TriggerMessageResponse"),
        );
    }
}

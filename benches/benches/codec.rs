//! Wall-time of decode, encode and the engine's handling, per message of
//! the slice (divan). Run: `cargo bench -p ocpp-benches --bench codec`.
//!
//! Wall time is noisy on a shared machine; `callgrind.sh` gives the stable
//! figure (instructions per message).

use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};
use ocpp_alloc::{Backend, HostPool, LinkedList, Talc};
use ocpp_benches::{scenario, Driver};
use ocpp_engine::ocpp_model::{
    decode, encode_call, Action, AuthorizeRequest, AuthorizeResponse, BootNotificationRequest,
    BootNotificationResponse, ChargePointErrorCode, ChargePointStatus, CiString, DateTime, Frame,
    HeartbeatRequest, HeartbeatResponse, IdToken, Limits, MessageId, StartTransactionRequest,
    StartTransactionResponse, StatusNotificationRequest,
};
use ocpp_engine::Config;

fn main() {
    divan::main();
}

const POOL: usize = 16 * 1024;

const BOOT_RESPONSE: &str =
    r#"{"status":"Accepted","currentTime":"2026-11-25T10:00:00Z","interval":300}"#;
const HEARTBEAT_RESPONSE: &str = r#"{"currentTime":"2026-11-25T10:05:00Z"}"#;
const AUTHORIZE_RESPONSE: &str =
    r#"{"idTagInfo":{"status":"Accepted","expiryDate":"2027-01-01T00:00:00Z"}}"#;
/// The scripted central system's usual answer (`ocpp_testkit::USUAL`).
const START_TRANSACTION_RESPONSE: &str =
    r#"{"transactionId":42,"idTagInfo":{"status":"Accepted"}}"#;
const BOOT_RESULT_FRAME: &str =
    r#"[3,"12",{"status":"Accepted","currentTime":"2026-11-25T10:00:00Z","interval":300}]"#;

fn config() -> Config<'static> {
    Config::new("VendorX", "ModelY").with_connectors(1)
}

mod decode {
    use super::*;

    #[divan::bench]
    fn boot_notification_response(bencher: Bencher) {
        let pool = HostPool::<Talc>::new(POOL);
        bencher
            .counter(BytesCount::of_str(BOOT_RESPONSE))
            .bench_local(|| {
                decode::<BootNotificationResponse, _>(black_box(BOOT_RESPONSE.as_bytes()), &*pool)
                    .unwrap()
            });
    }

    #[divan::bench]
    fn heartbeat_response(bencher: Bencher) {
        let pool = HostPool::<Talc>::new(POOL);
        bencher
            .counter(BytesCount::of_str(HEARTBEAT_RESPONSE))
            .bench_local(|| {
                decode::<HeartbeatResponse, _>(black_box(HEARTBEAT_RESPONSE.as_bytes()), &*pool)
                    .unwrap()
            });
    }

    /// Inline: decodes without an allocation.
    #[divan::bench]
    fn authorize_response(bencher: Bencher) {
        let pool = HostPool::<Talc>::new(POOL);
        bencher
            .counter(BytesCount::of_str(AUTHORIZE_RESPONSE))
            .bench_local(|| {
                decode::<AuthorizeResponse, _>(black_box(AUTHORIZE_RESPONSE.as_bytes()), &*pool)
                    .unwrap()
            });
    }

    /// Inline: decodes without an allocation.
    #[divan::bench]
    fn start_transaction_response(bencher: Bencher) {
        let pool = HostPool::<Talc>::new(POOL);
        bencher
            .counter(BytesCount::of_str(START_TRANSACTION_RESPONSE))
            .bench_local(|| {
                decode::<StartTransactionResponse, _>(
                    black_box(START_TRANSACTION_RESPONSE.as_bytes()),
                    &*pool,
                )
                .unwrap()
            });
    }

    #[divan::bench]
    fn frame_parse_call_result(bencher: Bencher) {
        bencher
            .counter(BytesCount::of_str(BOOT_RESULT_FRAME))
            .bench_local(|| {
                matches!(
                    Frame::parse(black_box(BOOT_RESULT_FRAME.as_bytes()), &Limits::DEFAULT),
                    Ok(Frame::CallResult { .. })
                )
            });
    }
}

mod encode {
    use super::*;

    #[divan::bench]
    fn status_notification_request(bencher: Bencher) {
        // No optional strings: nothing of it is in a pool.
        let request: StatusNotificationRequest<&ocpp_alloc::Pool<Talc>> =
            StatusNotificationRequest {
                connector_id: 1,
                error_code: ChargePointErrorCode::NoError,
                info: None,
                status: ChargePointStatus::Charging,
                timestamp: Some(DateTime::from_unix_millis(1_795_600_800_000)),
                vendor_id: None,
                vendor_error_code: None,
            };
        let id = MessageId::from_u32(12);
        let mut buf = [0u8; 512];
        bencher.bench_local(|| {
            encode_call(
                &mut buf,
                &id,
                Action::StatusNotification,
                black_box(&request),
            )
            .unwrap()
        });
    }

    #[divan::bench]
    fn boot_notification_request(bencher: Bencher) {
        let pool = HostPool::<Talc>::new(POOL);
        let request = BootNotificationRequest {
            charge_point_vendor: CiString::try_from_str("VendorX", &*pool).unwrap(),
            charge_point_model: CiString::try_from_str("ModelY", &*pool).unwrap(),
            charge_point_serial_number: None,
            charge_box_serial_number: None,
            firmware_version: Some(CiString::try_from_str("1.0.0", &*pool).unwrap()),
            iccid: None,
            imsi: None,
            meter_type: None,
            meter_serial_number: None,
        };
        let id = MessageId::from_u32(1);
        let mut buf = [0u8; 512];
        bencher.bench_local(|| {
            encode_call(&mut buf, &id, Action::BootNotification, black_box(&request)).unwrap()
        });
    }

    #[divan::bench]
    fn authorize_request(bencher: Bencher) {
        let request = AuthorizeRequest {
            id_tag: IdToken::try_from_str(scenario::ID_TAG).unwrap(),
        };
        let id = MessageId::from_u32(5);
        let mut buf = [0u8; 512];
        bencher.bench_local(|| {
            encode_call(&mut buf, &id, Action::Authorize, black_box(&request)).unwrap()
        });
    }

    #[divan::bench]
    fn start_transaction_request(bencher: Bencher) {
        let request = StartTransactionRequest {
            connector_id: 1,
            id_tag: IdToken::try_from_str(scenario::ID_TAG).unwrap(),
            meter_start: 1833,
            reservation_id: None,
            timestamp: DateTime::from_unix_millis(1_795_600_800_000),
        };
        let id = MessageId::from_u32(6);
        let mut buf = [0u8; 512];
        bencher.bench_local(|| {
            encode_call(&mut buf, &id, Action::StartTransaction, black_box(&request)).unwrap()
        });
    }

    #[divan::bench]
    fn heartbeat_request(bencher: Bencher) {
        let id = MessageId::from_u32(7);
        let mut buf = [0u8; 128];
        bencher.bench_local(|| {
            encode_call(
                &mut buf,
                &id,
                Action::Heartbeat,
                black_box(&HeartbeatRequest {}),
            )
            .unwrap()
        });
    }
}

/// The engine with the scripted central system: each figure covers the
/// charge point's encode, the script's answer, and the engine's decode and
/// handling (items = messages, both directions).
mod engine {
    use super::*;

    /// New charge point, connect, BootNotification, 2 StatusNotifications, drop.
    #[divan::bench(types = [Talc, LinkedList])]
    fn boot_exchange<B: Backend>(bencher: Bencher) {
        let pool = HostPool::<B>::new(POOL);
        let messages = {
            let mut d = Driver::new(&config(), &*pool).unwrap();
            scenario::boot(&mut d).unwrap();
            d.counts().messages()
        };
        bencher.counter(ItemsCount::new(messages)).bench_local(|| {
            let mut d = Driver::new(&config(), &*pool).unwrap();
            scenario::boot(&mut d).unwrap();
        });
    }

    /// An idle heartbeat: wake at its deadline, Heartbeat, answer.
    #[divan::bench(types = [Talc, LinkedList])]
    fn heartbeat_exchange<B: Backend>(bencher: Bencher) {
        let pool = HostPool::<B>::new(POOL);
        let mut d = Driver::new(&config(), &*pool).unwrap();
        scenario::boot(&mut d).unwrap();
        bencher
            .counter(ItemsCount::new(2usize))
            .bench_local(|| d.advance_to_next_deadline().unwrap());
    }

    /// The firmware's own Authorize of an idTag: queue it, Authorize,
    /// answer, the firmware's event.
    #[divan::bench(types = [Talc, LinkedList])]
    fn authorize_exchange<B: Backend>(bencher: Bencher) {
        let pool = HostPool::<B>::new(POOL);
        let mut d = Driver::new(&config(), &*pool).unwrap();
        scenario::boot(&mut d).unwrap();
        bencher
            .counter(ItemsCount::new(2usize))
            .bench_local(|| d.authorize(scenario::ID_TAG).unwrap());
    }

    /// One standard session (38 messages).
    #[divan::bench(types = [Talc, LinkedList])]
    fn session<B: Backend>(bencher: Bencher) {
        let pool = HostPool::<B>::new(POOL);
        let mut d = Driver::new(&config(), &*pool).unwrap();
        scenario::boot(&mut d).unwrap();
        let before = d.counts();
        scenario::session(&mut d, scenario::CONNECTOR).unwrap();
        let messages = d.counts().since(&before).messages();
        bencher
            .counter(ItemsCount::new(messages))
            .bench_local(|| scenario::session(&mut d, scenario::CONNECTOR).unwrap());
    }
}

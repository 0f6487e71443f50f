//! decode(encode(x)) == x over many generated values of the Core messages
//! added after the slice, through whole frames, with exact pool accounting.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::gen_core::*;
use common::*;
use ocpp_model::*;

const RUNS: usize = 1000;

#[test]
fn configuration_and_metering() {
    let pool = pool();
    let a = &*pool;
    let mut r = Rng::new(31);
    for _ in 0..RUNS {
        let action = Some(Action::ChangeConfiguration);
        round_trip(&gen_change_configuration_req(&mut r, a), action, &pool);
        let action = Some(Action::GetConfiguration);
        round_trip(&gen_get_configuration_req(&mut r, a), action, &pool);
        round_trip(&gen_get_configuration_conf(&mut r, a), None, &pool);
        let action = Some(Action::MeterValues);
        round_trip(&gen_meter_values_req(&mut r, a), action, &pool);
        let action = Some(Action::ChangeAvailability);
        round_trip(&gen_change_availability_req(&mut r), action, &pool);
    }
    round_trip(&ClearCacheRequest {}, Some(Action::ClearCache), &pool);
    round_trip(&MeterValuesResponse {}, None, &pool);
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn transactions() {
    let pool = pool();
    let a = &*pool;
    let mut r = Rng::new(32);
    for _ in 0..RUNS {
        let action = Some(Action::RemoteStartTransaction);
        round_trip(&gen_remote_start_req(&mut r, a), action, &pool);
        let action = Some(Action::StartTransaction);
        round_trip(&gen_start_transaction_req(&mut r), action, &pool);
        let conf = StartTransactionResponse {
            id_tag_info: gen_id_tag_info(&mut r),
            transaction_id: r.i32(),
        };
        round_trip(&conf, None, &pool);
        let action = Some(Action::StopTransaction);
        round_trip(&gen_stop_transaction_req(&mut r, a), action, &pool);
        let conf = StopTransactionResponse {
            id_tag_info: r.maybe(gen_id_tag_info),
        };
        round_trip(&conf, None, &pool);
        let transaction_id = r.i32();
        let req = RemoteStopTransactionRequest { transaction_id };
        round_trip(&req, Some(Action::RemoteStopTransaction), &pool);
    }
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn statuses() {
    let pool = pool();
    for &status in AvailabilityStatus::ALL {
        round_trip(&ChangeAvailabilityResponse { status }, None, &pool);
    }
    for &status in ConfigurationStatus::ALL {
        round_trip(&ChangeConfigurationResponse { status }, None, &pool);
    }
    for &status in ClearCacheStatus::ALL {
        round_trip(&ClearCacheResponse { status }, None, &pool);
    }
    for &status in RemoteStartStopStatus::ALL {
        round_trip(&RemoteStartTransactionResponse { status }, None, &pool);
        round_trip(&RemoteStopTransactionResponse { status }, None, &pool);
    }
    for &kind in ResetType::ALL {
        round_trip(&ResetRequest { kind }, Some(Action::Reset), &pool);
    }
    for &status in ResetStatus::ALL {
        round_trip(&ResetResponse { status }, None, &pool);
    }
    let req = UnlockConnectorRequest { connector_id: 1 };
    round_trip(&req, Some(Action::UnlockConnector), &pool);
    for &status in UnlockStatus::ALL {
        round_trip(&UnlockConnectorResponse { status }, None, &pool);
    }
}

/// Every generated Core frame validates against its schema (the generators
/// reach what the differential test mutates), and nests at most
/// `MAX_MESSAGE_DEPTH` deep, the bound `Frame::parse_deferred` relies on;
/// the deepest messages reach it.
#[test]
fn generated_frames_validate() {
    let pool = pool();
    let mut deepest = 0;
    for (k, name) in CORE.iter().enumerate() {
        let v = validator(name);
        let mut r = Rng::new(40 + k as u64);
        for _ in 0..200 {
            let frame = gen_core_frame(name, &mut r, &*pool);
            assert_valid_frame(name, &frame, &v);
            assert_eq!(ours(name, &frame, &*pool), Ok(()), "{name}");
            let depth = (1..=scan::MAX_SCAN_DEPTH)
                .find(|&d| scan::scan(&frame, d).is_ok())
                .unwrap();
            assert!(depth <= MAX_MESSAGE_DEPTH, "{name}: {depth} deep");
            deepest = deepest.max(depth);
        }
        assert_eq!(pool.stats().in_use, 0);
    }
    assert_eq!(deepest, MAX_MESSAGE_DEPTH);
}

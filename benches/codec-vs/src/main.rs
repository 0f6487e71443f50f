//! Our codec (`ocpp-model`) against serde_json + rust-ocpp 3, the route a
//! Rust user would pick instead, on the same frames: every Core message
//! (and TriggerMessage), both directions, every optional field present.
//!
//! - Decoding, ours: `Frame::parse_deferred` then `decode_with` into
//!   pool-allocated types, every schema constraint checked: the engine's
//!   route (`ChargePoint::handle_frame`), where the payload is checked by
//!   its decoder alone. Theirs: `serde_json::from_slice`
//!   straight into a tuple `(u8, &str, &str, T)` (CALL) or `(u8, &str, T)`
//!   (CALLRESULT) of rust-ocpp's types, its fastest route (no `Value`, no
//!   `validator` call). The decoded value is dropped inside the measurement
//!   on both sides.
//! - Encoding, ours: `encode_call` / `encode_call_result` into a buffer.
//!   Theirs: `serde_json::to_writer` of `(2, id, action, &T)` /
//!   `(3, id, &T)` into a reused `Vec` (cleared, never shrunk).
//!
//! Modes (run by `benches/codec-vs.sh`, which puts them together):
//! - `callgrind`: runs each operation twice, the second time inside
//!   `measured`; under `valgrind --tool=callgrind --collect-atstart=no
//!   --toggle-collect=*measured* --dump-after=*measured*` each run of
//!   `measured` is one dump. Prints one label a line, in dump order.
//! - `report DUMP_PREFIX LABELS JSON`: reads the dumps' totals, counts the
//!   global-heap allocations of each operation (a counting
//!   `#[global_allocator]`), times the two codecs in alternating rounds
//!   (median of the per-round ratios), prints the table and writes it as JSON.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use ocpp_alloc::{HostPool, Pool, Talc};
use ocpp_model::v16 as m;
use ocpp_model::{decode_with, encode_call, encode_call_result, Action, Frame, Limits, MessageId};
use rust_ocpp::v1_6::messages as r;

/// Counts every global-heap allocation (ours must make none).
struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

type Al = &'static Pool<Talc>;

/// The operations of one frame: decode and encode, ours and theirs.
struct Case {
    name: &'static str,
    frame: &'static str,
    ours_decode: Box<dyn FnMut()>,
    theirs_decode: Box<dyn FnMut()>,
    ours_encode: Box<dyn FnMut()>,
    theirs_encode: Box<dyn FnMut()>,
}

const LIMITS: Limits = Limits::DEFAULT;

fn payload(frame: &[u8]) -> &[u8] {
    match Frame::parse(frame, &LIMITS).expect("a valid frame") {
        Frame::Call { payload, .. } | Frame::CallResult { payload, .. } => payload,
        Frame::CallError { .. } => panic!("not a CALL or CALLRESULT"),
    }
}

/// A CALL: `[2,"id","Action",{payload}]`.
fn call<O, T>(name: &'static str, frame: &'static str, pool: Al) -> Case
where
    O: ocpp_model::Decode<Al> + ocpp_model::Encode + 'static,
    T: serde::de::DeserializeOwned + serde::Serialize + 'static,
{
    let (_, id, action, theirs): (u8, String, String, T) =
        serde_json::from_str(frame).unwrap_or_else(|e| panic!("{name}: serde_json: {e}"));
    let action_enum = Action::parse(&action).expect("a known action");
    let ours: O = decode_with(payload(frame.as_bytes()), pool, &LIMITS)
        .unwrap_or_else(|e| panic!("{name}: ours: {e}"));
    let mid = MessageId::new(&id).expect("an id");
    let mut buf = vec![0u8; 4096];
    let mut vec = Vec::with_capacity(4096);
    Case {
        name,
        frame,
        ours_decode: Box::new(move || {
            let (f, _) = Frame::parse_deferred(black_box(frame.as_bytes()), &LIMITS).unwrap();
            let Frame::Call { payload, .. } = f else {
                panic!()
            };
            black_box(decode_with::<O, Al>(payload, pool, &LIMITS).unwrap());
        }),
        theirs_decode: Box::new(move || {
            black_box(
                serde_json::from_slice::<(u8, &str, &str, T)>(black_box(frame.as_bytes())).unwrap(),
            );
        }),
        ours_encode: Box::new(move || {
            black_box(encode_call(&mut buf, &mid, action_enum, black_box(&ours)).unwrap());
        }),
        theirs_encode: Box::new(move || {
            vec.clear();
            serde_json::to_writer(&mut vec, &(2u8, &id, &action, black_box(&theirs))).unwrap();
            black_box(&vec);
        }),
    }
}

/// A CALLRESULT: `[3,"id",{payload}]`.
fn result<O, T>(name: &'static str, frame: &'static str, pool: Al) -> Case
where
    O: ocpp_model::Decode<Al> + ocpp_model::Encode + 'static,
    T: serde::de::DeserializeOwned + serde::Serialize + 'static,
{
    let (_, id, theirs): (u8, String, T) =
        serde_json::from_str(frame).unwrap_or_else(|e| panic!("{name}: serde_json: {e}"));
    let ours: O = decode_with(payload(frame.as_bytes()), pool, &LIMITS)
        .unwrap_or_else(|e| panic!("{name}: ours: {e}"));
    let mid = MessageId::new(&id).expect("an id");
    let mut buf = vec![0u8; 4096];
    let mut vec = Vec::with_capacity(4096);
    Case {
        name,
        frame,
        ours_decode: Box::new(move || {
            let (f, _) = Frame::parse_deferred(black_box(frame.as_bytes()), &LIMITS).unwrap();
            let Frame::CallResult { payload, .. } = f else {
                panic!()
            };
            black_box(decode_with::<O, Al>(payload, pool, &LIMITS).unwrap());
        }),
        theirs_decode: Box::new(move || {
            black_box(
                serde_json::from_slice::<(u8, &str, T)>(black_box(frame.as_bytes())).unwrap(),
            );
        }),
        ours_encode: Box::new(move || {
            black_box(encode_call_result(&mut buf, &mid, black_box(&ours)).unwrap());
        }),
        theirs_encode: Box::new(move || {
            vec.clear();
            serde_json::to_writer(&mut vec, &(3u8, &id, black_box(&theirs))).unwrap();
            black_box(&vec);
        }),
    }
}

fn cases(pool: Al) -> Vec<Case> {
    vec![
        call::<m::AuthorizeRequest, r::authorize::AuthorizeRequest>(
            "Authorize.req",
            r#"[2,"19223201","Authorize",{"idTag":"ABCD1234"}]"#,
            pool,
        ),
        result::<m::AuthorizeResponse, r::authorize::AuthorizeResponse>(
            "Authorize.conf",
            r#"[3,"19223201",{"idTagInfo":{"status":"Accepted","expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"PARENT01"}}]"#,
            pool,
        ),
        call::<m::BootNotificationRequest<Al>, r::boot_notification::BootNotificationRequest>(
            "BootNotification.req",
            r#"[2,"19223202","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"ModelY","chargePointSerialNumber":"CP-SN-0001","chargeBoxSerialNumber":"CB-SN-0001","firmwareVersion":"1.2.3","iccid":"8931000000000000001","imsi":"262010000000001","meterType":"AC-Meter-1","meterSerialNumber":"M-SN-0001"}]"#,
            pool,
        ),
        result::<m::BootNotificationResponse, r::boot_notification::BootNotificationResponse>(
            "BootNotification.conf",
            r#"[3,"19223202",{"status":"Accepted","currentTime":"2026-11-25T10:00:00Z","interval":300}]"#,
            pool,
        ),
        call::<m::ChangeAvailabilityRequest, r::change_availability::ChangeAvailabilityRequest>(
            "ChangeAvailability.req",
            r#"[2,"19223203","ChangeAvailability",{"connectorId":1,"type":"Inoperative"}]"#,
            pool,
        ),
        result::<m::ChangeAvailabilityResponse, r::change_availability::ChangeAvailabilityResponse>(
            "ChangeAvailability.conf",
            r#"[3,"19223203",{"status":"Scheduled"}]"#,
            pool,
        ),
        call::<
            m::ChangeConfigurationRequest<Al>,
            r::change_configuration::ChangeConfigurationRequest,
        >(
            "ChangeConfiguration.req",
            r#"[2,"19223204","ChangeConfiguration",{"key":"HeartbeatInterval","value":"600"}]"#,
            pool,
        ),
        result::<
            m::ChangeConfigurationResponse,
            r::change_configuration::ChangeConfigurationResponse,
        >(
            "ChangeConfiguration.conf",
            r#"[3,"19223204",{"status":"RebootRequired"}]"#,
            pool,
        ),
        call::<m::ClearCacheRequest, r::clear_cache::ClearCacheRequest>(
            "ClearCache.req",
            r#"[2,"19223205","ClearCache",{}]"#,
            pool,
        ),
        result::<m::ClearCacheResponse, r::clear_cache::ClearCacheResponse>(
            "ClearCache.conf",
            r#"[3,"19223205",{"status":"Accepted"}]"#,
            pool,
        ),
        call::<m::DataTransferRequest<Al>, r::data_transfer::DataTransferRequest>(
            "DataTransfer.req",
            r#"[2,"19223206","DataTransfer",{"vendorId":"com.example.vendor","messageId":"SetLimit","data":"limit=16A;phases=3"}]"#,
            pool,
        ),
        result::<m::DataTransferResponse<Al>, r::data_transfer::DataTransferResponse>(
            "DataTransfer.conf",
            r#"[3,"19223206",{"status":"Accepted","data":"ok"}]"#,
            pool,
        ),
        call::<m::GetConfigurationRequest<Al>, r::get_configuration::GetConfigurationRequest>(
            "GetConfiguration.req",
            r#"[2,"19223207","GetConfiguration",{"key":["HeartbeatInterval","MeterValueSampleInterval"]}]"#,
            pool,
        ),
        result::<m::GetConfigurationResponse<Al>, r::get_configuration::GetConfigurationResponse>(
            "GetConfiguration.conf",
            r#"[3,"19223207",{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"300"},{"key":"NumberOfConnectors","readonly":true,"value":"1"}],"unknownKey":["FooBar"]}]"#,
            pool,
        ),
        call::<m::HeartbeatRequest, r::heart_beat::HeartbeatRequest>(
            "Heartbeat.req",
            r#"[2,"19223208","Heartbeat",{}]"#,
            pool,
        ),
        result::<m::HeartbeatResponse, r::heart_beat::HeartbeatResponse>(
            "Heartbeat.conf",
            r#"[3,"19223208",{"currentTime":"2026-11-25T10:05:00Z"}]"#,
            pool,
        ),
        call::<m::MeterValuesRequest<Al>, r::meter_values::MeterValuesRequest>(
            "MeterValues.req",
            r#"[2,"19223209","MeterValues",{"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-11-25T10:01:00Z","sampledValue":[{"value":"183.3","context":"Sample.Periodic","format":"Raw","measurand":"Energy.Active.Import.Register","phase":"L1","location":"Outlet","unit":"Wh"},{"value":"11000","context":"Sample.Periodic","format":"Raw","measurand":"Power.Active.Import","phase":"L1","location":"Outlet","unit":"W"}]}]}]"#,
            pool,
        ),
        result::<m::MeterValuesResponse, r::meter_values::MeterValuesResponse>(
            "MeterValues.conf",
            r#"[3,"19223209",{}]"#,
            pool,
        ),
        call::<
            m::RemoteStartTransactionRequest<Al>,
            r::remote_start_transaction::RemoteStartTransactionRequest,
        >(
            "RemoteStartTransaction.req",
            r#"[2,"19223210","RemoteStartTransaction",{"connectorId":1,"idTag":"ABCD1234","chargingProfile":{"chargingProfileId":7,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Recurring","recurrencyKind":"Daily","validFrom":"2026-11-25T00:00:00Z","validTo":"2027-11-25T00:00:00Z","chargingSchedule":{"duration":3600,"startSchedule":"2026-11-25T10:00:00Z","chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":11000.0,"numberPhases":3},{"startPeriod":1800,"limit":7400.5}],"minChargingRate":1000.0}}}]"#,
            pool,
        ),
        result::<
            m::RemoteStartTransactionResponse,
            r::remote_start_transaction::RemoteStartTransactionResponse,
        >(
            "RemoteStartTransaction.conf",
            r#"[3,"19223210",{"status":"Accepted"}]"#,
            pool,
        ),
        call::<
            m::RemoteStopTransactionRequest,
            r::remote_stop_transaction::RemoteStopTransactionRequest,
        >(
            "RemoteStopTransaction.req",
            r#"[2,"19223211","RemoteStopTransaction",{"transactionId":42}]"#,
            pool,
        ),
        result::<
            m::RemoteStopTransactionResponse,
            r::remote_stop_transaction::RemoteStopTransactionResponse,
        >(
            "RemoteStopTransaction.conf",
            r#"[3,"19223211",{"status":"Rejected"}]"#,
            pool,
        ),
        call::<m::ResetRequest, r::reset::ResetRequest>(
            "Reset.req",
            r#"[2,"19223212","Reset",{"type":"Soft"}]"#,
            pool,
        ),
        result::<m::ResetResponse, r::reset::ResetResponse>(
            "Reset.conf",
            r#"[3,"19223212",{"status":"Accepted"}]"#,
            pool,
        ),
        call::<m::StartTransactionRequest, r::start_transaction::StartTransactionRequest>(
            "StartTransaction.req",
            r#"[2,"19223213","StartTransaction",{"connectorId":1,"idTag":"ABCD1234","meterStart":1200,"reservationId":7,"timestamp":"2026-11-25T10:00:30Z"}]"#,
            pool,
        ),
        result::<m::StartTransactionResponse, r::start_transaction::StartTransactionResponse>(
            "StartTransaction.conf",
            r#"[3,"19223213",{"idTagInfo":{"status":"Accepted","expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"PARENT01"},"transactionId":42}]"#,
            pool,
        ),
        call::<m::StatusNotificationRequest<Al>, r::status_notification::StatusNotificationRequest>(
            "StatusNotification.req",
            r#"[2,"19223214","StatusNotification",{"connectorId":1,"errorCode":"NoError","info":"cable locked","status":"Charging","timestamp":"2026-11-25T10:00:31Z","vendorId":"com.example.vendor","vendorErrorCode":"E-0"}]"#,
            pool,
        ),
        result::<m::StatusNotificationResponse, r::status_notification::StatusNotificationResponse>(
            "StatusNotification.conf",
            r#"[3,"19223214",{}]"#,
            pool,
        ),
        call::<m::StopTransactionRequest<Al>, r::stop_transaction::StopTransactionRequest>(
            "StopTransaction.req",
            r#"[2,"19223215","StopTransaction",{"idTag":"ABCD1234","meterStop":3033,"timestamp":"2026-11-25T10:10:30Z","transactionId":42,"reason":"Local","transactionData":[{"timestamp":"2026-11-25T10:10:30Z","sampledValue":[{"value":"3033","context":"Transaction.End","measurand":"Energy.Active.Import.Register","unit":"Wh"}]}]}]"#,
            pool,
        ),
        result::<m::StopTransactionResponse, r::stop_transaction::StopTransactionResponse>(
            "StopTransaction.conf",
            r#"[3,"19223215",{"idTagInfo":{"status":"Accepted","expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"PARENT01"}}]"#,
            pool,
        ),
        call::<m::TriggerMessageRequest, r::trigger_message::TriggerMessageRequest>(
            "TriggerMessage.req",
            r#"[2,"19223216","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]"#,
            pool,
        ),
        result::<m::TriggerMessageResponse, r::trigger_message::TriggerMessageResponse>(
            "TriggerMessage.conf",
            r#"[3,"19223216",{"status":"Accepted"}]"#,
            pool,
        ),
        call::<m::UnlockConnectorRequest, r::unlock_connector::UnlockConnectorRequest>(
            "UnlockConnector.req",
            r#"[2,"19223217","UnlockConnector",{"connectorId":1}]"#,
            pool,
        ),
        result::<m::UnlockConnectorResponse, r::unlock_connector::UnlockConnectorResponse>(
            "UnlockConnector.conf",
            r#"[3,"19223217",{"status":"Unlocked"}]"#,
            pool,
        ),
    ]
}

/// The four operations of a case, in the order of the labels.
const OPS: [&str; 4] = [
    "decode ours",
    "decode theirs",
    "encode ours",
    "encode theirs",
];

fn op(case: &mut Case, i: usize) -> &mut dyn FnMut() {
    match i {
        0 => &mut *case.ours_decode,
        1 => &mut *case.theirs_decode,
        2 => &mut *case.ours_encode,
        _ => &mut *case.theirs_encode,
    }
}

/// The only code callgrind counts (`--toggle-collect`), one dump per call.
#[inline(never)]
#[no_mangle]
pub fn codec_vs_measured(f: &mut dyn FnMut()) {
    f();
}

/// An empty operation: what `codec_vs_measured` itself costs.
fn nothing() {}

fn pool() -> Al {
    let pool: &'static HostPool<Talc> = Box::leak(Box::new(HostPool::<Talc>::new(64 * 1024)));
    pool
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("callgrind") => callgrind(),
        Some("report") if args.len() == 5 => report(&args[2], &args[3], &args[4]),
        _ => {
            eprintln!("usage: codec-vs callgrind | codec-vs report DUMP_PREFIX LABELS JSON");
            std::process::exit(2);
        }
    }
}

fn callgrind() {
    let mut cases = cases(pool());
    let mut empty = nothing;
    codec_vs_measured(&mut empty);
    println!("(empty)");
    for case in &mut cases {
        for (i, name) in OPS.iter().enumerate() {
            let f = op(case, i);
            f(); // warm: first-use costs are not the codec's
            codec_vs_measured(f);
            println!("{}\t{}", case.name, name);
        }
    }
}

/// The total instructions of dump `n` (callgrind's `totals:` line).
fn dump_total(prefix: &str, n: usize) -> u64 {
    let path = format!("{prefix}.{n}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("{path}: no totals"))
}

/// Global-heap allocations of one run of `f`.
fn allocations(f: &mut dyn FnMut()) -> usize {
    let before = ALLOCS.load(Ordering::Relaxed);
    f();
    ALLOCS.load(Ordering::Relaxed) - before
}

/// Median over alternating rounds of (time of ours / time of theirs).
fn wall_ratio(ours: &mut dyn FnMut(), theirs: &mut dyn FnMut()) -> f64 {
    const ROUNDS: usize = 21;
    const ITERS: usize = 200;
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..ITERS {
            f();
        }
        t.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|r| {
            if r % 2 == 0 {
                let a = time(ours);
                a / time(theirs)
            } else {
                let b = time(theirs);
                time(ours) / b
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ROUNDS / 2]
}

fn report(prefix: &str, labels: &str, json_path: &str) {
    let labels = std::fs::read_to_string(labels).expect("the labels file");
    let labels: Vec<&str> = labels.lines().collect();
    assert_eq!(labels.first(), Some(&"(empty)"), "labels out of order");
    // Dumps are numbered from 1 in the order of the calls.
    let base = dump_total(prefix, 1);
    let mut cases = cases(pool());
    assert_eq!(
        labels.len(),
        1 + cases.len() * OPS.len(),
        "labels and cases differ"
    );
    let mut rows = Vec::new();
    let mut n = 2;
    println!(
        "{:<28} {:>5} | {:>8} {:>7} {:>6} {:>5} {:>6} | {:>8} {:>7} {:>6} {:>5} {:>6} | {:>5}",
        "frame",
        "bytes",
        "dec ours",
        "serde",
        "ratio",
        "/B",
        "wall",
        "enc ours",
        "serde",
        "ratio",
        "/B",
        "wall",
        "alloc"
    );
    let (mut worst_dec, mut worst_enc) = (0f64, 0f64);
    for case in &mut cases {
        let mut ir = [0u64; 4];
        let mut allocs = [0usize; 4];
        for (i, slot) in ir.iter_mut().enumerate() {
            assert_eq!(labels[n - 1], format!("{}\t{}", case.name, OPS[i]));
            *slot = dump_total(prefix, n).saturating_sub(base);
            n += 1;
            let f = op(case, i);
            f();
            allocs[i] = allocations(f);
        }
        assert_eq!(
            (allocs[0], allocs[2]),
            (0, 0),
            "{}: ours allocated",
            case.name
        );
        let wall_dec = wall_ratio(&mut *case.ours_decode, &mut *case.theirs_decode);
        let wall_enc = wall_ratio(&mut *case.ours_encode, &mut *case.theirs_encode);
        let bytes = case.frame.len();
        let dec = ir[0] as f64 / ir[1] as f64;
        let enc = ir[2] as f64 / ir[3] as f64;
        worst_dec = worst_dec.max(dec);
        worst_enc = worst_enc.max(enc);
        println!(
            "{:<28} {:>5} | {:>8} {:>7} {:>6.2} {:>5.1} {:>6.2} | {:>8} {:>7} {:>6.2} {:>5.1} {:>6.2} | {:>2}/{:<2}",
            case.name,
            bytes,
            ir[0],
            ir[1],
            dec,
            ir[0] as f64 / bytes as f64,
            wall_dec,
            ir[2],
            ir[3],
            enc,
            ir[2] as f64 / bytes as f64,
            wall_enc,
            allocs[0] + allocs[2],
            allocs[1] + allocs[3],
        );
        rows.push(serde_json::json!({
            "frame": case.name,
            "bytes": bytes,
            "decode": { "ours_ir": ir[0], "serde_json_ir": ir[1], "ratio": dec,
                        "wall_ratio": wall_dec, "ours_allocs": allocs[0], "serde_json_allocs": allocs[1] },
            "encode": { "ours_ir": ir[2], "serde_json_ir": ir[3], "ratio": enc,
                        "wall_ratio": wall_enc, "ours_allocs": allocs[2], "serde_json_allocs": allocs[3] },
        }));
    }
    let verdict = |w: f64| if w <= 0.5 { "met" } else { "NOT MET" };
    println!(
        "worst ratio (ours / serde_json+rust-ocpp instructions): decode {worst_dec:.2}, encode {worst_enc:.2}; goal <= 0.50: decode {}, encode {}",
        verdict(worst_dec),
        verdict(worst_enc)
    );
    println!("columns: instructions per frame (callgrind, measured call minus an empty one), ratio = ours/serde, /B = ours per frame byte, wall = median ratio of paired rounds, alloc = global-heap allocations ours/theirs per decode+encode");
    let doc = serde_json::json!({ "frames": rows, "worst_decode_ratio": worst_dec, "worst_encode_ratio": worst_enc });
    std::fs::write(json_path, serde_json::to_string_pretty(&doc).unwrap()).expect("write the JSON");
    println!("written: {json_path}");
}

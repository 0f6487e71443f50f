//! Decoding and encoding never touch the global heap: a counting
//! `#[global_allocator]` sees no allocation while every message of the slice
//! (escaped strings, errors and all) goes through parse, decode and encode.
//! Pool allocations go through the injected allocator and are not counted.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::pool;
use ocpp_model::*;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Only this test's thread is measured (the harness allocates on others).
    static MEASURING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if MEASURING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: forwards to `System`, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Frames of every slice message, escapes included, and malformed ones.
const FRAMES: &[&[u8]] = &[
    br#"[2,"1","Heartbeat",{}]"#,
    br#"[3,"1",{"currentTime":"2026-11-25T16:21:50.123+01:00"}]"#,
    br#"[2,"2","BootNotification",{"chargePointVendor":"V\u0045ndor","chargePointModel":"M \"1\"","chargePointSerialNumber":"s\/n","chargeBoxSerialNumber":"cb","firmwareVersion":"1.0\\2","iccid":"1","imsi":"2","meterType":"m","meterSerialNumber":"n"}]"#,
    br#"[3,"2",{"status":"Acc\u0065pted","currentTime":"2026-11-25T16:21:50Z","interval":300}]"#,
    br#"[2,"3","StatusNotification",{"connectorId":1,"errorCode":"NoError","info":"\u0041\u0042","status":"Charging","timestamp":"2026-11-25T16:21:50Z","vendorId":"x","vendorErrorCode":"y"}]"#,
    br#"[3,"3",{}]"#,
    br#"[2,"4","Authorize",{"id\u0054ag":"AB\u0043D"}]"#,
    br#"[3,"4",{"idTagInfo":{"expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"P\u0041","status":"Accepted"}}]"#,
];

const BAD: &[(&str, &[u8])] = &[
    ("Authorize", br#"{"idTag":"\u00e9"}"#),
    ("Authorize", br#"{"idTag":"AAAAAAAAAAAAAAAAAAAAAAAAA"}"#),
    ("Authorize", br#"{"idTag":"A","x":1}"#),
    ("Authorize", br#"{}"#),
    (
        "StatusNotification",
        br#"{"connectorId":1.5,"errorCode":"NoError","status":"Charging"}"#,
    ),
    (
        "BootNotificationResponse",
        br#"{"status":"X","currentTime":"bad","interval":1}"#,
    ),
    (
        "HeartbeatResponse",
        br#"{"currentTime":"2026-13-01T00:00:00Z"}"#,
    ),
    (
        "Heartbeat",
        br#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["#,
    ),
];

fn exercise(pool: &Pool) -> usize {
    let mut out = [0u8; 1024];
    let mut total = 0;
    for frame in FRAMES {
        let id = match Frame::parse(frame, &Limits::DEFAULT).unwrap() {
            Frame::Call {
                id,
                action,
                payload,
            } => {
                let action = Action::parse(action).unwrap();
                total += match action {
                    Action::Heartbeat => {
                        let v: HeartbeatRequest = decode(payload, pool).unwrap();
                        encode_call(&mut out, &id, action, &v).unwrap()
                    }
                    Action::BootNotification => {
                        let v: BootNotificationRequest<_> = decode(payload, pool).unwrap();
                        encode_call(&mut out, &id, action, &v).unwrap()
                    }
                    Action::StatusNotification => {
                        let v: StatusNotificationRequest<_> = decode(payload, pool).unwrap();
                        encode_call(&mut out, &id, action, &v).unwrap()
                    }
                    Action::Authorize => {
                        let v: AuthorizeRequest = decode(payload, pool).unwrap();
                        assert_eq!(v.id_tag.as_str(), "ABCD");
                        encode_call(&mut out, &id, action, &v).unwrap()
                    }
                    _ => unreachable!(),
                };
                id
            }
            Frame::CallResult { id, payload } => {
                total += match id.as_str() {
                    "1" => encode_call_result(
                        &mut out,
                        &id,
                        &decode::<HeartbeatResponse, _>(payload, pool).unwrap(),
                    ),
                    "2" => encode_call_result(
                        &mut out,
                        &id,
                        &decode::<BootNotificationResponse, _>(payload, pool).unwrap(),
                    ),
                    "3" => encode_call_result(
                        &mut out,
                        &id,
                        &decode::<StatusNotificationResponse, _>(payload, pool).unwrap(),
                    ),
                    _ => encode_call_result(
                        &mut out,
                        &id,
                        &decode::<AuthorizeResponse, _>(payload, pool).unwrap(),
                    ),
                }
                .unwrap();
                id
            }
            Frame::CallError { .. } => unreachable!(),
        };
        total += encode_call_error(
            &mut out,
            &id,
            ErrorCode::GenericError,
            "a \"quoted\"\n description",
        )
        .unwrap();
        assert_eq!(
            encode_call_error(&mut out[..10], &id, ErrorCode::GenericError, ""),
            Err(EncodeError::BufferFull)
        );
    }
    for (name, payload) in BAD {
        total += common::decode_as(name, payload, pool)
            .unwrap_err()
            .reason
            .len();
    }
    for bad in [
        &b"[2,\"x\",\"Heartbeat\",{}"[..],
        b"\xff",
        b"[5,\"x\",{}]",
        b"[2,\"x\",\"Heartbeat\",null]",
    ] {
        assert!(Frame::parse(bad, &Limits::DEFAULT).is_err());
    }
    total
}

type Pool = ocpp_alloc::Pool<ocpp_alloc::Talc>;

#[test]
fn decoding_and_encoding_use_no_global_heap() {
    let pool = pool();
    // Warm up whatever the platform initializes lazily (critical sections,
    // thread locals), outside the measurement.
    let expected = exercise(&pool);
    let pool_allocations = pool.stats().allocations;
    MEASURING.with(|m| m.set(true));
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let total = exercise(&pool);
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    MEASURING.with(|m| m.set(false));
    assert_eq!(total, expected);
    assert_eq!(
        after - before,
        0,
        "global allocations while decoding/encoding"
    );
    // The pool did the allocating, and got everything back.
    // (BootNotification's 9 strings, StatusNotification's 3; idTags are
    // inline.)
    assert_eq!(pool.stats().allocations - pool_allocations, 9 + 3);
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn the_counter_counts() {
    MEASURING.with(|m| m.set(true));
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let v = std::hint::black_box(vec![1u8; 10]);
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    MEASURING.with(|m| m.set(false));
    drop(v);
    assert!(after > before);
}

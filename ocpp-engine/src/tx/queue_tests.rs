//! The queue's accounting, by the place: what the engine tests reach only
//! in passing (found missed by mutation testing, fuzz/MUTANTS.md).

use ocpp_alloc::{FailureInjector, FailurePlan, HostPool, Talc};
use ocpp_model::{DateTime, IdToken, ReadingContext, Reason};

use super::*;
use crate::tx::message::{Meter, Start, Stop};
use crate::tx::meter::Readings;

fn start(local: u32) -> TxMessage {
    TxMessage::Start(Start {
        local,
        connector: 1,
        id_tag: IdToken::try_from_str("ABCD1234").unwrap(),
        meter_start: 0,
        timestamp: DateTime::from_unix_millis(0),
    })
}

fn meter(local: u32) -> TxMessage {
    TxMessage::Meter(Meter {
        local,
        connector: 1,
        transaction_id: Some(42),
        timestamp: DateTime::from_unix_millis(0),
        context: ReadingContext::SamplePeriodic,
        values: Readings::EMPTY,
    })
}

fn stop(local: u32) -> TxMessage {
    TxMessage::Stop(Stop {
        local,
        transaction_id: Some(42),
        id_tag: None,
        meter_stop: 0,
        timestamp: DateTime::from_unix_millis(0),
        reason: Reason::Local,
        begin: None,
        end: Readings::EMPTY,
    })
}

fn pool() -> HostPool<Talc> {
    HostPool::new(16 * 1024)
}

/// A delivered MeterValues kept at the front for the record takes no
/// place, counts as queued nowhere, and goes at the next change.
#[test]
fn a_delivered_meter_value_kept_for_the_record_takes_no_place() {
    let pool = pool();
    let mut q = Queue::new(3, &*pool);
    q.claim(2).unwrap();
    q.push_claimed(start(1));
    assert!(q.push_if_room(meter(1)));
    assert_eq!(q.pop_front(), Some(start(1)));
    q.deliver_front();
    // Kept (a place is still claimed), but not queued.
    assert_eq!(q.entries().count(), 1);
    assert_eq!(q.len(), 0);
    assert_eq!(q.front(Instant::from_millis(0)), None);
    // A second delivery of nothing changes nothing.
    q.deliver_front();
    assert_eq!((q.len(), q.entries().count()), (0, 1));
    // 1 claimed + 2 more = the bound of 3: the delivered one is not counted.
    q.claim(2).unwrap();
    assert_eq!(q.claim(1), Err(Full::Bound));
    // The queue changed: the delivered MeterValues went.
    assert_eq!(q.entries().count(), 0);
    q.push_claimed(stop(1));
    assert_eq!((q.len(), q.entries().count()), (1, 1));
}

/// Places are claimed for the messages already queued too: the claimed
/// StopTransaction always finds its place (a lost stop would panic here,
/// in `push_claimed`'s debug assertion, and be dropped in release).
#[test]
fn a_claim_after_queued_messages_reserves_beyond_them() {
    let pool = pool();
    let mut q = Queue::new(8, &*pool);
    q.claim(2).unwrap();
    q.push_claimed(start(1));
    q.push_claimed(stop(1));
    assert_eq!(q.entries.capacity(), 2, "exact: two places");
    q.claim(2).unwrap();
    assert!(q.entries.capacity() >= 4);
    q.push_claimed(start(2));
    q.push_claimed(stop(2));
    assert_eq!(q.len(), 4);
}

/// `room_for` says whether `n` more fit now, under the bound and in the
/// pool, and takes the memory when they do.
#[test]
fn room_for_honours_the_bound_and_the_pool() {
    let pool = pool();
    let mut q = Queue::new(2, &*pool);
    assert!(q.room_for(2));
    assert!(!q.room_for(3), "over the bound");
    q.claim(2).unwrap();
    assert!(!q.room_for(1), "both places claimed");
    let injector = FailureInjector::new(&*pool);
    let mut q = Queue::new(4, &injector);
    injector.set_plan(FailurePlan::From(1));
    assert!(!q.room_for(1), "the pool refuses");
    assert_eq!(q.entries.capacity(), 0);
    injector.set_plan(FailurePlan::Never);
    assert!(q.room_for(2));
    assert!(q.entries.capacity() >= 2);
}

/// A failed send waits `interval` times the sends so far, and the wait is
/// the queue's deadline.
#[test]
fn a_failed_message_waits_and_says_until_when() {
    let pool = pool();
    let mut q = Queue::new(4, &*pool);
    q.claim(2).unwrap();
    q.push_claimed(start(1));
    assert_eq!(q.poll_at(), None);
    let t0 = Instant::from_millis(1_000);
    let minute = Duration::from_secs(60);
    assert_eq!(q.failed(t0, 3, minute), None);
    assert_eq!(q.poll_at(), Some(t0 + minute));
    assert_eq!(q.front(t0), None, "held back");
    assert_eq!(q.failed(t0, 3, minute), None);
    assert_eq!(q.poll_at(), Some(t0 + minute + minute));
    assert_eq!(q.failed(t0, 3, minute), Some(start(1)), "given up");
    assert_eq!((q.len(), q.discarded()), (0, 1));
}

/// Delivered, nothing else queued or promised: the queue's memory goes
/// back at once (an idle charge point holds none).
#[test]
fn the_last_delivery_gives_the_memory_back() {
    let pool = pool();
    let mut q = Queue::new(4, &*pool);
    assert!(q.push_if_room(meter(0)));
    assert!(q.entries.capacity() > 0);
    q.deliver_front();
    assert_eq!((q.entries().count(), q.entries.capacity()), (0, 0));
}

/// The messages of a transaction whose StartTransaction was given up are
/// discarded, counted, and the others stay in order.
#[test]
fn discarding_a_transaction_keeps_the_others() {
    let pool = pool();
    let mut q = Queue::new(8, &*pool);
    q.claim(4).unwrap();
    for m in [meter(1), start(2), stop(1), stop(2)] {
        q.push_claimed(m);
    }
    q.discard_local(1);
    let left: Vec<_, _> = {
        let mut v = Vec::new_in(&*pool);
        v.try_reserve(2).unwrap();
        for (m, _) in q.entries() {
            v.push_within_capacity(*m).unwrap();
        }
        v
    };
    assert_eq!(&left[..], &[start(2), stop(2)]);
    assert_eq!(q.discarded(), 2);
}

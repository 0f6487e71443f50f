//! The records' bounds and their restore, by the byte.

use super::*;
use crate::storage::{MAX_ALIGNED_RECORD, MAX_MESSAGE_RECORD, MAX_RUNNING_RECORD, RECORD_VERSION};
use crate::tx::meter::MAX_READINGS;
use crate::tx::RestoreFail;
use ocpp_model::{IdToken, Location, Phase as Line};

/// What `Config::max_queued_messages` documents of a queue place and a
/// transaction's own state, on the 64-bit targets where it says so.
#[test]
#[cfg(target_pointer_width = "64")]
fn the_documented_pool_costs_hold() {
    assert_eq!(core::mem::size_of::<TxMessage>(), 232);
    assert_eq!(core::mem::size_of::<Running>(), 200);
    // `Config::max_stop_aligned_samples`.
    assert_eq!(core::mem::size_of::<Aligned>(), 104);
}

/// The largest readings a record can hold: every slot taken, with a
/// phase, a location and the longest value.
fn full() -> Readings {
    let mut r = Readings::EMPTY;
    for (i, m) in Measurand::ALL.iter().rev().take(MAX_READINGS).enumerate() {
        let phase = Line::ALL[i % Line::ALL.len()];
        let location = Location::ALL[i % Location::ALL.len()];
        let reading = MeterReading::new(*m, Value::from_milli(i64::MIN));
        assert!(r.set(reading.on(phase).at(location)));
    }
    assert_eq!(r.iter().count(), MAX_READINGS);
    r
}

fn len(v: &impl Serialize) -> usize {
    postcard::to_slice(v, &mut [0u8; 1024]).unwrap().len()
}

fn running(connector: u8) -> RunningRec<'static> {
    running_as(connector)
}

fn restore(connectors: u8, runs: &[RunningRec<'_>]) -> Result<(u8, u8), Dropped> {
    let pool = ocpp_alloc::HostPool::<ocpp_alloc::Talc>::new(128 * 1024);
    let empty: [(MessageRec<'_>, u8); 0] = [];
    let none: [AlignedRec; 0] = [];
    let body = (
        1u32,
        Seq(|| runs.iter()),
        Seq(|| empty.iter()),
        Seq(|| none.iter()),
    );
    let mut buf = [0u8; 512];
    let n = postcard::to_slice(&body, &mut buf).unwrap().len();
    let mut tx = Transactions::new(connectors, 8, &*pool).unwrap();
    tx.restore(
        RECORD_VERSION,
        &buf[..n],
        Instant::from_millis(0),
        crate::Duration::ZERO,
        &mut |_| true,
    )
    .map_err(|e| match e {
        RestoreFail::Dropped(d) => d,
        RestoreFail::OutOfMemory => unreachable!("Global"),
    })
}

/// A record that names a connector twice, or connector 0, is dropped
/// whole (reported), never half applied; one that names a connector this
/// build does not have (a larger build wrote it) is restored, and that
/// connector's transaction stopped.
#[test]
fn a_record_with_a_connector_twice_or_zero_is_dropped_and_one_beyond_the_build_stops() {
    assert_eq!(restore(9, &[running(1), running(9)]), Ok((2, 0)));
    assert_eq!(restore(9, &[running(8), running(8)]), Err(Dropped::Invalid));
    assert_eq!(restore(9, &[running(1), running(1)]), Err(Dropped::Invalid));
    assert_eq!(restore(2, &[running(0)]), Err(Dropped::Invalid));
    // Written by a build with more connectors (a firmware update took
    // some away): the record is sound, those transactions stop.
    assert_eq!(restore(2, &[running(3)]), Ok((0, 1)));
    assert_eq!(restore(2, &[running(1), running(3)]), Ok((1, 1)));
    assert_eq!(
        restore(254, &[running(254), running(1), running(129)]),
        Ok((3, 0))
    );
}

/// The bounds a storage adapter sizes its buffers and pages with hold
/// for the largest message and running transaction a record can carry.
#[test]
fn the_largest_parts_of_a_record_fit_their_bounds() {
    let tag = IdToken::try_from_str("ABCDEFGHIJKLMNOPQRST").unwrap();
    let at = DateTime::from_unix_millis(i64::MIN / 2);
    let stop = TxMessage::Stop(Stop {
        local: u32::MAX,
        transaction_id: Some(i32::MIN),
        id_tag: Some(tag),
        meter_stop: i32::MIN,
        timestamp: at,
        reason: Reason::ALL
            .iter()
            .copied()
            .max_by_key(|r| r.as_str().len())
            .unwrap(),
        begin: Some((at, full())),
        end: full(),
    });
    let meter = TxMessage::Meter(Meter {
        local: u32::MAX,
        connector: u8::MAX,
        transaction_id: Some(i32::MIN),
        timestamp: at,
        context: ReadingContext::ALL
            .iter()
            .copied()
            .max_by_key(|c| c.as_str().len())
            .unwrap(),
        values: full(),
    });
    for m in [stop, meter] {
        let n = len(&(MessageRec::of(&m), u8::MAX));
        assert!(n <= MAX_MESSAGE_RECORD, "{n} bytes: {m:?}");
    }
    let running = RunningRec {
        connector: u8::MAX,
        local: u32::MAX,
        id_tag: Tag::of(&tag),
        parent: Some(Tag::of(&tag)),
        transaction_id: Some(i32::MIN),
        suspended: true,
        begin: Some((i64::MIN, ReadingsRec::of(&full()))),
        orphan: true,
        last: (i64::MIN, i32::MIN),
    };
    let n = len(&running);
    assert!(n <= MAX_RUNNING_RECORD, "{n} bytes");
    let sample = AlignedRec::of(&Aligned {
        local: u32::MAX,
        timestamp: at,
        values: full(),
    });
    let n = len(&sample);
    assert!(n <= MAX_ALIGNED_RECORD, "{n} bytes");
}

/// An idTag is written from its bytes exactly as postcard writes a `str`
/// (records written before read the same), and read back as one.
#[test]
fn an_id_tag_is_recorded_as_a_string() {
    let mut as_tag = [0u8; 32];
    let mut as_str = [0u8; 32];
    for t in ["", "ABCD1234", "ABCDEFGHIJKLMNOPQRST"] {
        let token = IdToken::try_from_str(t).unwrap();
        let written = postcard::to_slice(&Tag::of(&token), &mut as_tag).unwrap();
        assert_eq!(written, postcard::to_slice(&t, &mut as_str).unwrap());
        let back: Tag<'_> = postcard::from_bytes(written).unwrap();
        assert_eq!(tag(back), Ok(token));
    }
    let not_utf8 = [2u8, 0xC3, 0x28];
    assert!(postcard::from_bytes::<Tag<'_>>(&not_utf8).is_err());
}

/// A reading is kept as places in OCPP 1.6's lists, which a later build
/// reads whatever its own layout: the measurand's place, and one plus the
/// phase's (low four bits) and the location's (high four bits), 0 for none.
#[test]
fn readings_are_recorded_as_places_in_the_specification_lists() {
    let mut r = Readings::EMPTY;
    let v = Value::from_milli(7);
    assert!(r.set(MeterReading::new(Measurand::PowerActiveImport, v)));
    let on_l2 = MeterReading::new(Measurand::CurrentImport, v).on(Line::L2);
    assert!(r.set(on_l2.at(Location::Body)));
    let soc = MeterReading::new(Measurand::SoC, v).at(Location::Cable);
    assert!(r.set(soc.on(Line::L3N)));
    let got = ReadingsRec::of(&r).0;
    let want = [(9, 0, 7), (14, 0x52, 7), (20, 0x17, 7)].map(Some);
    assert_eq!(got[..3], want);
    assert!(got[3..].iter().all(Option::is_none));
    assert_eq!(ReadingsRec(ReadingsRec::of(&r).0).readings(), Ok(r));
}

/// A transactions record of version 1 (readings without phase or
/// location, at most 4) is read: its running transaction resumes with its
/// start sample, and its queued StopTransaction keeps both samples.
#[test]
fn a_version_1_transactions_record_is_migrated() {
    type V1 = [Option<(u8, i64)>; 4];
    // Their places in OCPP 1.6's list of measurands, as version 1 wrote them.
    let (energy, power) = (1, 9);
    let sample: V1 = [
        Some((energy, 1_200_000)),
        Some((power, 11_000_000)),
        None,
        None,
    ];
    let run = RunningRec::<'_, V1> {
        begin: Some((1_000, sample)),
        ..running_as(1)
    };
    let stop = power_loss(Some((1_000, sample)), sample);
    let queue = [(stop, 0u8)];
    let runs = [run];
    let body = (3u32, Seq(|| runs.iter()), Seq(|| queue.iter()));
    let pool = ocpp_alloc::HostPool::<ocpp_alloc::Talc>::new(16 * 1024);
    let (tx, restored) = restore_as(&pool, 1, &body);
    assert!(matches!(restored, Ok((1, 0))), "one transaction resumed");
    let begin = tx.sessions[0]
        .running()
        .and_then(|r| r.begin)
        .expect("its start sample");
    let whole = |m, wh| MeterReading::new(m, Value::from_milli(wh));
    let mut got = begin.1.iter();
    assert_eq!(
        got.next(),
        Some(whole(Measurand::EnergyActiveImportRegister, 1_200_000))
    );
    assert_eq!(
        got.next(),
        Some(whole(Measurand::PowerActiveImport, 11_000_000))
    );
    assert_eq!(got.next(), None);
    let (queued, _) = tx.queue.entries().next().expect("the StopTransaction");
    let TxMessage::Stop(m) = queued else {
        panic!("not a stop: {queued:?}");
    };
    assert_eq!((m.meter_stop, m.transaction_id), (1_500, Some(5)));
    assert_eq!(m.end.iter().count(), 2);
}

/// `body` restored as a record of `version` into a fresh block of one
/// connector in `pool`.
type HostTransactions<'p> = Transactions<&'p ocpp_alloc::Pool<ocpp_alloc::Talc>>;

fn restore_as<'p>(
    pool: &'p ocpp_alloc::HostPool<ocpp_alloc::Talc>,
    version: u8,
    body: &impl Serialize,
) -> (HostTransactions<'p>, Result<(u8, u8), RestoreFail>) {
    let mut buf = [0u8; 1024];
    let n = postcard::to_slice(body, &mut buf).unwrap().len();
    let mut tx = Transactions::new(1, 8, &**pool).unwrap();
    let restored = tx.restore(
        version,
        &buf[..n],
        Instant::from_millis(0),
        crate::Duration::ZERO,
        &mut |_| true,
    );
    (tx, restored)
}

/// The StopTransaction (PowerLoss) of transaction 9, id 5, at 1,500 Wh.
fn power_loss<R>(begin: Begin<R>, end: R) -> MessageRec<'static, R> {
    MessageRec::Stop {
        local: 9,
        transaction_id: Some(5),
        id_tag: None,
        meter_stop: 1_500,
        timestamp: 2_000,
        reason: "PowerLoss",
        begin,
        end,
    }
}

fn running_as<R>(connector: u8) -> RunningRec<'static, R> {
    RunningRec {
        connector,
        local: 1,
        id_tag: Tag(b"ABCD1234"),
        parent: None,
        transaction_id: Some(7),
        suspended: false,
        begin: None,
        orphan: false,
        last: (0, 0),
    }
}

/// A transactions record of version 2 (no StopTxnAlignedData samples) is
/// read as none kept; one of version 3 brings back the samples of the
/// running transaction and of a queued StopTransaction, and lets go of one
/// that no StopTransaction will carry.
#[test]
fn stop_txn_aligned_samples_are_restored_and_a_version_2_record_read() {
    let runs = [running(1)];
    let empty: [(MessageRec<'_>, u8); 0] = [];
    let v2 = (1u32, Seq(|| runs.iter()), Seq(|| empty.iter()));
    let pool = ocpp_alloc::HostPool::<ocpp_alloc::Talc>::new(16 * 1024);
    let (tx, restored) = restore_as(&pool, 2, &v2);
    assert!(matches!(restored, Ok((1, 0))));
    assert!(tx.stop_data.is_empty());
    // The same record read as version 3 lacks its fourth part: dropped.
    let (_, restored) = restore_as(&pool, 3, &v2);
    assert!(matches!(
        restored,
        Err(RestoreFail::Dropped(Dropped::Invalid))
    ));

    let sample = |local, ms| AlignedRec {
        local,
        timestamp: ms,
        values: ReadingsRec::of(&full()),
    };
    let stop = power_loss(None, ReadingsRec::of(&Readings::EMPTY));
    let queue = [(stop, 0u8)];
    // Running transaction 1, a queued stop of 9, and 4 of nobody.
    let kept = [
        sample(1, 900_000),
        sample(9, 1_800_000),
        sample(4, 2_700_000),
    ];
    let v3 = (
        10u32,
        Seq(|| runs.iter()),
        Seq(|| queue.iter()),
        Seq(|| kept.iter()),
    );
    let (tx, restored) = restore_as(&pool, 3, &v3);
    assert!(matches!(restored, Ok((1, 0))));
    let got: [Option<(u32, i64)>; 3] = core::array::from_fn(|i| {
        tx.stop_data
            .all()
            .get(i)
            .map(|a| (a.local, a.timestamp.unix_millis()))
    });
    assert_eq!(got, [Some((1, 900_000)), Some((9, 1_800_000)), None]);
    assert_eq!(tx.stop_data.all()[0].values, full());
}

/// A restore the pool refuses at any of its allocations (the resumed
/// transaction's room, the samples' store, the queue) gives everything it
/// took back: out of memory, and the pool as before.
#[test]
fn a_refused_restore_with_samples_gives_back_what_it_took() {
    use ocpp_alloc::{FailureInjector, FailurePlan};
    let runs = [running(1)];
    let queue = [(power_loss(None, ReadingsRec::of(&Readings::EMPTY)), 0u8)];
    let kept = [AlignedRec {
        local: 1,
        timestamp: 900_000,
        values: ReadingsRec::of(&full()),
    }];
    let body = (
        10u32,
        Seq(|| runs.iter()),
        Seq(|| queue.iter()),
        Seq(|| kept.iter()),
    );
    let mut buf = [0u8; 1024];
    let n = postcard::to_slice(&body, &mut buf).unwrap().len();
    let pool = ocpp_alloc::HostPool::<ocpp_alloc::Talc>::new(16 * 1024);
    let injector = FailureInjector::new(&*pool);
    let mut refused = 0;
    for k in 1.. {
        // A restore that never succeeds fails here rather than looping.
        assert!(k <= 8, "not restored after {refused} refusals");
        let mut tx = Transactions::new(1, 8, &injector).unwrap();
        let before = pool.stats().in_use;
        injector.set_plan(FailurePlan::Nth(k));
        let restored = tx.restore(
            3,
            &buf[..n],
            Instant::from_millis(0),
            crate::Duration::ZERO,
            &mut |_| true,
        );
        injector.set_plan(FailurePlan::Never);
        match restored {
            Err(RestoreFail::OutOfMemory) => {
                refused += 1;
                assert_eq!(pool.stats().in_use, before, "refusal {k}: leaked");
                assert!(tx.stop_data.is_empty() && tx.queue.len() == 0);
            }
            Ok(_) => break,
            Err(RestoreFail::Dropped(d)) => panic!("refusal {k}: dropped ({d:?})"),
        }
    }
    // The room, the samples' box and their vector, the queue.
    assert_eq!(refused, 4);
}

//! The records themselves (issue #7): a corrupt, foreign or older record
//! at a reboot, a record written only when its content changed, and one
//! with bytes after its end.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::storage::{crc32, Dropped};
use ocpp_engine::RecordKey;
use ocpp_model::Reason;
use support::{charging, pool, skip_statuses, Harness, TAG};

#[test]
fn a_corrupt_or_foreign_record_is_dropped_reported_and_overwritten() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    charging(&mut h, 0);
    let storage = h.cp.storage().clone();
    let good = storage.record(RecordKey::Transactions).unwrap();
    // A flipped bit.
    let mut bad = good.clone();
    bad[3] ^= 0x10;
    storage.set_record(RecordKey::Transactions, Some(bad));
    h.reboot();
    assert_eq!(
        h.restored.dropped(RecordKey::Transactions),
        Some(Dropped::Corrupt)
    );
    assert_eq!(h.cp.transaction(1), None);
    h.drain();
    assert_eq!(storage.record(RecordKey::Transactions), None, "overwritten");
    // A record of a later build.
    let mut newer = good.clone();
    newer[0] = 9;
    let end = newer.len() - 4;
    let crc = crc32(&newer[..end]).to_le_bytes();
    newer[end..].copy_from_slice(&crc);
    storage.set_record(RecordKey::Transactions, Some(newer));
    h.reboot();
    assert_eq!(
        h.restored.dropped(RecordKey::Transactions),
        Some(Dropped::Version(9))
    );
    // Garbage of the right checksum.
    let mut junk = vec![ocpp_engine::storage::RECORD_VERSION, 0xff, 0xff, 0xff];
    let crc = crc32(&junk).to_le_bytes();
    junk.extend_from_slice(&crc);
    storage.set_record(RecordKey::Configuration, Some(junk));
    h.reboot();
    assert_eq!(
        h.restored.dropped(RecordKey::Configuration),
        Some(Dropped::Invalid)
    );
    // The charge point carries on, and its own state replaces the bad record.
    h.boot();
    h.cp.configure(h.now, "HeartbeatInterval", "300").unwrap();
    h.drain();
    assert_ne!(storage.record(RecordKey::Configuration).unwrap()[1], 0xff);
}

/// A transactions record written by the build before readings per phase
/// (record version 1) is read after an upgrade: its transaction resumes,
/// its stop reports the start sample, and the record is written again in
/// this build's version before anything is sent.
#[test]
fn a_record_of_the_previous_version_is_migrated_and_written_again() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "StopTxnSampledData", "Energy.Active.Import.Register")
        .unwrap();
    h.boot();
    let storage = h.cp.storage().clone();
    // Version 1's body: (next_local, running transactions, queue), each
    // reading a measurand's place and a value, at most 4.
    type V1Readings = [Option<(u8, i64)>; 4];
    let energy = 1u8; // Energy.Active.Import.Register, 2nd in OCPP's list
    let begin: V1Readings = [Some((energy, 1_200_000)), None, None, None];
    let start_ms = 1_764_064_800_000i64; // 2025-11-25T10:00:00Z
    let running = (
        1u8,                     // connector
        1u32,                    // local number
        TAG,                     // idTag
        None::<&str>,            // parent
        Some(42i32),             // transactionId
        false,                   // suspended
        Some((start_ms, begin)), // StopTxnSampledData at the start
        false,                   // orphan
        (start_ms, 1_200i32),    // last energy (Wh) and when
    );
    let (runs, queue): (&[_], &[(u8, u8)]) = (&[running], &[]);
    let mut buf = [0u8; 256];
    let body = postcard::to_slice(&(2u32, runs, queue), &mut buf).unwrap();
    let mut record = vec![1u8];
    record.extend_from_slice(body);
    let crc = crc32(&record).to_le_bytes();
    record.extend_from_slice(&crc);
    storage.set_record(RecordKey::Transactions, Some(record));
    h.reboot();
    assert_eq!(h.restored.resumed, 1, "{:?}", h.restored);
    assert_eq!(h.cp.transaction(1), Some(Some(42)));
    h.cp.persist().unwrap();
    let again = storage.record(RecordKey::Transactions).unwrap();
    assert_eq!(
        again[0],
        ocpp_engine::storage::RECORD_VERSION,
        "written again"
    );
    h.drain();
    h.register();
    h.meter_wh(1, 1_500);
    h.cp.stop_transaction(h.now, 1, Reason::Local).unwrap();
    h.drain();
    let stop = skip_statuses(&mut h).expect("the StopTransaction");
    assert_eq!(stop.action(), "StopTransaction");
    assert_eq!(stop.payload()["transactionId"], 42);
    assert_eq!(stop.payload()["meterStop"], 1_500);
    let data = &stop.payload()["transactionData"][0]["sampledValue"][0];
    assert_eq!(data["value"], "1200", "{}", stop.raw);
    assert_eq!(data["context"], "Transaction.Begin");
}

/// Writes only where a record changed: the delivery of a MeterValues (kept
/// in the record until the queue changes otherwise) and a configuration
/// key set to the value it has write nothing, also on a restored record;
/// the bytes the engine counts are the bytes the storage got.
#[test]
fn unchanged_records_are_not_written_again() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.configure(h.now, "MeterValueSampleInterval", "60")
        .unwrap();
    charging(&mut h, 0);
    h.meter_wh(1, 500);
    h.advance(60);
    let mv = h.expect_call("MeterValues");
    let writes = h.cp.storage().writes();
    h.reply_ok(&mv);
    assert_eq!(
        h.cp.storage().writes(),
        writes,
        "a delivery alone writes nothing"
    );
    assert_eq!(
        h.cp.bytes_written(),
        h.cp.storage().bytes_written(),
        "the engine counts what the storage got"
    );
    h.reboot();
    h.drain();
    let writes = h.cp.storage().writes();
    h.cp.configure(h.now, "MeterValueSampleInterval", "60")
        .unwrap();
    h.drain();
    assert_eq!(
        h.cp.storage().writes(),
        writes,
        "the restored configuration record, unchanged, is not written again"
    );
}

/// A record whose body has bytes after its last field is dropped as
/// invalid, even with a good checksum.
#[test]
fn a_record_with_trailing_bytes_is_dropped() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    charging(&mut h, 0);
    let storage = h.cp.storage().clone();
    let mut rec = storage.record(RecordKey::Transactions).unwrap();
    let end = rec.len() - 4;
    rec.truncate(end);
    rec.push(0);
    let crc = crc32(&rec).to_le_bytes();
    rec.extend_from_slice(&crc);
    storage.set_record(RecordKey::Transactions, Some(rec));
    h.reboot();
    assert_eq!(
        h.restored.dropped(RecordKey::Transactions),
        Some(Dropped::Invalid)
    );
}

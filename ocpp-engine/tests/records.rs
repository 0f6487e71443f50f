//! The records themselves (issue #7): a corrupt, foreign or older record
//! at a reboot, a record written only when its content changed, one with
//! bytes after its end; and what a storage adapter relies on (the keys'
//! ids and names, a record's length and bytes, a borrowed storage).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::storage::{crc32, BufferTooSmall, Dropped};
use ocpp_engine::{ChargePoint, NoStorage, Record, RecordKey, Restored, Storage};
use ocpp_model::{ChargePointErrorCode, ChargePointStatus, Reason};
use ocpp_storage::MemoryStorage;
use ocpp_testkit::START;
use serde_json::json;
use support::{charging, config, pool, skip_statuses, Harness, TAG};

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
        (h.cp.writes(), h.cp.bytes_written()),
        (h.cp.storage().writes(), h.cp.storage().bytes_written()),
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

/// The ids and names of the records are a flash map's keys and a
/// directory's file names: the same in every build.
#[test]
fn every_record_key_has_a_stable_id_and_name() {
    let keys = [
        (RecordKey::Configuration, 1, "configuration"),
        (RecordKey::Availability, 2, "availability"),
        (RecordKey::Cache, 3, "cache"),
        (RecordKey::Transactions, 4, "transactions"),
    ];
    assert_eq!(RecordKey::ALL.map(|k| (k, k.id(), k.name())), keys);
    for (key, id, name) in keys {
        assert_eq!(RecordKey::from_id(id), Some(key));
        assert_eq!(key.to_string(), name);
    }
    assert_eq!(RecordKey::from_id(0), None);
    assert_eq!(RecordKey::from_id(5), None);
}

/// A record says its length and writes its bytes into a buffer that holds
/// them; a shorter buffer is refused.
#[test]
fn a_record_writes_itself_only_into_a_buffer_that_holds_it() {
    let fill = |buf: &mut [u8]| {
        buf.get_mut(..3)?.copy_from_slice(b"abc");
        Some(3)
    };
    let record = Record::from_fn(3, &fill);
    assert_eq!(record.len(), 3);
    assert_eq!(format!("{record:?}"), "Record { len: 3 }");
    let mut short = [0u8; 2];
    assert_eq!(record.write_to(&mut short), Err(BufferTooSmall));
    let mut buf = [0u8; 8];
    assert_eq!(record.write_to(&mut buf), Ok(3));
    assert_eq!(&buf[..3], b"abc");
}

/// A charge point can borrow its storage (`&mut S` is a storage too): the
/// records are read, written and removed through the reference.
#[test]
fn a_borrowed_storage_reads_writes_and_removes_the_records() {
    let pool = pool();
    let mut storage = MemoryStorage::new();
    {
        let (mut cp, restored) =
            ChargePoint::restore(&config(), &*pool, &mut storage, START, |_| true).unwrap();
        assert_eq!(restored, Restored::default());
        cp.configure(START, "MeterValueSampleInterval", "30")
            .unwrap();
        cp.persist().unwrap();
    }
    assert!(
        storage.record(RecordKey::Configuration).is_some(),
        "written"
    );
    {
        let (mut cp, restored) =
            ChargePoint::restore(&config(), &*pool, &mut storage, START, |_| true).unwrap();
        assert_eq!(restored.records, 1, "{restored:?}");
        let mut value = String::new();
        assert!(cp.read_configuration("MeterValueSampleInterval", &mut value));
        assert_eq!(value, "30", "read");
        // Back to the default (60 s): no record.
        cp.configure(START, "MeterValueSampleInterval", "60")
            .unwrap();
        cp.persist().unwrap();
    }
    assert_eq!(storage.record(RecordKey::Configuration), None, "removed");
}

/// Built over [`NoStorage`], a charge point finds no record, and drops none.
#[test]
fn without_storage_nothing_is_restored_and_nothing_dropped() {
    let pool = pool();
    let (_, restored) =
        ChargePoint::restore(&config(), &*pool, NoStorage, START, |_| true).unwrap();
    assert_eq!(restored, Restored::default());
    for key in RecordKey::ALL {
        assert_eq!(restored.dropped(key), None, "{key}");
    }
}

/// A storage adapter sizes its buffer by [`Record::len`]: every record
/// the engine writes is exactly as long as it says.
#[test]
fn every_record_written_is_as_long_as_it_says() {
    /// Memory that notes each record's stated length and written length.
    struct Exact(MemoryStorage, Vec<(RecordKey, usize, usize)>);
    impl Storage for Exact {
        type Error = <MemoryStorage as Storage>::Error;
        fn read(
            &mut self,
            key: RecordKey,
            read: &mut dyn FnMut(&[u8]),
        ) -> Result<bool, Self::Error> {
            self.0.read(key, read)
        }
        fn write(&mut self, key: RecordKey, record: &Record<'_>) -> Result<(), Self::Error> {
            let mut buf = vec![0; record.len()];
            let n = record.write_to(&mut buf).expect("a buffer of its length");
            self.1.push((key, record.len(), n));
            self.0.write(key, record)
        }
        fn remove(&mut self, key: RecordKey) -> Result<(), Self::Error> {
            self.0.remove(key)
        }
    }
    let pool = pool();
    let storage = Exact(MemoryStorage::new(), Vec::new());
    let (mut cp, _) = ChargePoint::restore(&config(), &*pool, storage, START, |_| true).unwrap();
    cp.configure(START, "MeterValueSampleInterval", "30")
        .unwrap();
    cp.configure(START, "AuthorizationKey", "0123456789abcdef")
        .unwrap();
    cp.persist().unwrap();
    let writes = &cp.storage().1;
    assert_eq!(writes.len(), 1, "{writes:?}");
    for &(key, len, n) in writes {
        assert_eq!(len, n, "{key}");
    }
    assert_eq!(
        cp.storage()
            .0
            .record(RecordKey::Configuration)
            .map(|r| r.len()),
        Some(writes[0].1)
    );
}

/// A transaction started without StopTxnSampledData keeps no readings of
/// its start for the StopTransaction: its record is shorter than that of
/// one started with a measurand to keep, even one with no reading yet.
#[test]
fn a_transaction_without_stop_txn_sampled_data_stores_no_start_readings() {
    let record_len = |stop_txn_sampled_data: &str| {
        let pool = pool();
        let mut h = Harness::new(&pool);
        h.cp.configure(h.now, "StopTxnSampledData", stop_txn_sampled_data)
            .unwrap();
        charging(&mut h, 0);
        let record = h.cp.storage().record(RecordKey::Transactions);
        record.expect("the running transaction is stored").len()
    };
    let (without, with) = (record_len(""), record_len("Power.Active.Import"));
    assert!(without < with, "{without} bytes, {with} with");
}

/// An availability record that names a connector this build does not
/// have (written by a build with more connectors: a firmware update) is
/// sound: that entry is passed over, and the connectors that exist keep
/// the availability the central system gave them (an Inoperative
/// connector is not offered again because the build changed).
#[test]
fn an_availability_record_naming_a_connector_too_many_keeps_the_others() {
    let pool = pool();
    let mut h = Harness::with_config(&pool, &config().with_connectors(2));
    h.boot();
    for connector in [1, 2] {
        let id = h.cs_call(
            "ChangeAvailability",
            json!({"connectorId": connector, "type": "Inoperative"}),
        );
        assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
        h.expect_status(connector, "Unavailable");
    }
    h.config = config();
    h.reboot();
    assert_eq!(h.restored.dropped(RecordKey::Availability), None);
    assert_eq!(
        h.cp.status(1),
        Some((
            ChargePointStatus::Unavailable,
            ChargePointErrorCode::NoError
        ))
    );
    assert_eq!(h.cp.status(2), None);
}

//! FlashStorage on sequential-storage's simulated NOR flash: the power cut
//! after every byte of a long run of writes and erases leaves each record
//! old or new; a charge point's records survive a reboot; a flash too small
//! for a record is an error the charge point reports, never a panic.
#![cfg(feature = "flash")]

use ocpp_alloc::{HostPool, Talc};
use ocpp_engine::storage::{crc32, Dropped};
use ocpp_engine::{ChargePoint, Config, Event, Instant, Record, RecordKey, Storage};
use ocpp_storage::flash::FlashStorage;
use sequential_storage::cache::{Cache, Uncached};
use sequential_storage::mock_flash::{MockFlashBase, Operation, WriteCountCheck};

/// 4 pages of 512 bytes, 4-byte words: small, so that the map garbage
/// collects (erases pages) often.
type Small = MockFlashBase<4, 4, 128>;
type SmallStorage = FlashStorage<Small, Cache<Uncached, Uncached, Uncached, u8>, 256>;

fn small(flash: Small) -> SmallStorage {
    FlashStorage::new(flash, Small::FULL_FLASH_RANGE, Cache::new_uncached()).unwrap()
}

/// A record for the adapter tests: `len` bytes derived from `seed`, in the
/// engine's envelope (version, body, CRC) so it reads as any record does.
fn bytes(seed: u32, len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = (0..len)
        .map(|i| (seed as usize * 31 + i * 7) as u8)
        .collect();
    v[0] = ocpp_engine::storage::RECORD_VERSION;
    let crc = crc32(&v).to_le_bytes();
    v.extend_from_slice(&crc);
    v
}

/// The operations of the run: (key, the record written, or `None`: removed).
fn script() -> Vec<(RecordKey, Option<Vec<u8>>)> {
    let keys = RecordKey::ALL;
    (0..48u32)
        .map(|i| {
            let key = keys[(i as usize * 3 + i as usize / 5) % keys.len()];
            let len = 8 + (i as usize * 37) % 110;
            let value = (i % 11 != 10).then(|| bytes(i, len));
            (key, value)
        })
        .collect()
}

fn write(s: &mut SmallStorage, key: RecordKey, value: &Option<Vec<u8>>) -> Result<(), String> {
    match value {
        Some(v) => {
            let fill = |buf: &mut [u8]| {
                buf[..v.len()].copy_from_slice(v);
                Some(v.len())
            };
            let record = Record::from_fn(v.len(), &fill);
            s.write(key, &record).map_err(|e| format!("{e:?}"))
        }
        None => s.remove(key).map_err(|e| format!("{e:?}")),
    }
}

fn index(key: RecordKey) -> usize {
    usize::from(key.id()) - 1
}

fn read(s: &mut SmallStorage, key: RecordKey) -> Option<Vec<u8>> {
    let mut out = None;
    let found = s
        .read(key, &mut |b| out = Some(b.to_vec()))
        .expect("a read after the power is back");
    assert_eq!(found, out.is_some());
    out
}

#[test]
fn a_cut_after_any_byte_of_a_write_or_an_erase_leaves_each_record_old_or_new() {
    let ops = script();
    // Without a cut: the bytes the run writes and erases, and the records.
    // The mock counts every byte written or erased down from its budget.
    let mut s = small(Small::new(WriteCountCheck::Twice, Some(u32::MAX), true));
    for (key, value) in &ops {
        write(&mut s, *key, value).unwrap();
    }
    let (flash, _) = s.into_parts();
    let total = u32::MAX - flash.bytes_until_shutoff.unwrap();
    let (mut writes_cut, mut erases_cut) = (0, 0);
    for k in 0..total {
        let mut s = small(Small::new(WriteCountCheck::Twice, Some(k), true));
        let mut model: [Option<Vec<u8>>; 4] = Default::default();
        let mut cut = None;
        for (i, (key, value)) in ops.iter().enumerate() {
            if let Err(e) = write(&mut s, *key, value) {
                cut = Some((i, e));
                break;
            }
            model[index(*key)] = value.clone();
        }
        let Some((i, e)) = cut else {
            continue;
        };
        if e.contains(&format!("{:?}", Operation::Erase)) {
            erases_cut += 1;
        } else {
            writes_cut += 1;
        }
        // The power is back: the same flash, a new map.
        let (mut flash, _) = s.into_parts();
        flash.bytes_until_shutoff = None;
        let mut s = small(flash);
        let (cut_key, new) = &ops[i];
        for key in RecordKey::ALL {
            let now = read(&mut s, key);
            let old = &model[index(key)];
            if key == *cut_key {
                assert!(
                    now == *old || now == *new,
                    "cut at byte {k} during op {i} ({e}): {key} is neither old nor new"
                );
            } else {
                assert_eq!(now, *old, "cut at byte {k} during op {i}: {key} changed");
            }
        }
        // And the flash takes writes again.
        write(&mut s, RecordKey::Cache, &Some(bytes(99, 20))).unwrap();
        assert_eq!(read(&mut s, RecordKey::Cache), Some(bytes(99, 20)));
    }
    eprintln!("{total} cut points: {writes_cut} during writes, {erases_cut} during erases");
    assert!(
        writes_cut > 1000 && erases_cut > 0,
        "{writes_cut} / {erases_cut}"
    );
}

/// 8 pages of 4 KiB, 4-byte words: the RP2040's erase size.
type Rp = MockFlashBase<8, 4, 1024>;
type RpStorage = FlashStorage<Rp, Cache<Uncached, Uncached, Uncached, u8>, 4096>;

const NOW: Instant = Instant::from_millis(1_000);

fn config() -> Config<'static> {
    Config::new("VendorX", "ModelY").with_connectors(1)
}

#[test]
fn a_charge_points_records_survive_a_reboot_on_flash() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let flash = Rp::new(WriteCountCheck::Twice, None, true);
    let s: RpStorage =
        FlashStorage::new(flash, Rp::FULL_FLASH_RANGE, Cache::new_uncached()).unwrap();
    let (mut cp, restored) = ChargePoint::restore(&config(), &*pool, s, NOW, |_| true).unwrap();
    assert_eq!(restored.records, 0);
    cp.configure(NOW, "AllowOfflineTxForUnknownId", "true")
        .unwrap();
    cp.plug_in(NOW, 1).unwrap();
    cp.present_id_tag(NOW, 1, "ABCD1234").unwrap();
    cp.persist().unwrap();
    let (flash, _) = cp.into_storage().into_parts();
    let s: RpStorage =
        FlashStorage::new(flash, Rp::FULL_FLASH_RANGE, Cache::new_uncached()).unwrap();
    let (cp, restored) = ChargePoint::restore(&config(), &*pool, s, NOW, |_| true).unwrap();
    assert_eq!(
        (restored.records, restored.resumed, restored.queued),
        (2, 1, 1)
    );
    assert_eq!(restored.dropped(RecordKey::Transactions), None::<Dropped>);
    assert_eq!(cp.transaction(1), Some(None));
}

/// Two pages of 64 bytes: room for a short configuration record, not for
/// the record of a running transaction.
type Tiny = MockFlashBase<2, 4, 16>;

#[test]
fn a_flash_too_small_for_a_record_is_reported_not_a_panic() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let flash = Tiny::new(WriteCountCheck::Twice, None, true);
    let s: FlashStorage<Tiny, _, 1024> =
        FlashStorage::new(flash, Tiny::FULL_FLASH_RANGE, Cache::new_uncached()).unwrap();
    let (mut cp, _) = ChargePoint::restore(&config(), &*pool, s, NOW, |_| true).unwrap();
    cp.configure(NOW, "AllowOfflineTxForUnknownId", "true")
        .unwrap();
    cp.persist().expect("the configuration record fits");
    cp.plug_in(NOW, 1).unwrap();
    cp.present_id_tag(NOW, 1, "ABCDEFGHIJKLMNOPQRST").unwrap();
    let err = cp
        .persist()
        .expect_err("the transactions record does not fit a page");
    assert_eq!(err.0, RecordKey::Transactions);
    assert_eq!(
        cp.poll_event(),
        Some(Event::StorageFailed {
            key: RecordKey::Transactions
        })
    );
    // Nothing that depends on the record leaves, and nothing panics.
    let mut buf = [0u8; 1024];
    cp.connected(NOW);
    assert_eq!(cp.poll_transmit(NOW, &mut buf), Ok(None));
    assert_eq!(cp.poll_event(), None);
}

//! MemoryStorage's power cuts as the engine sees them: before the write
//! lands, the old record; after, the new one; torn (a medium without atomic
//! writes), a record the restore reports as corrupt instead of using it.

use ocpp_alloc::{HostPool, Talc};
use ocpp_engine::storage::Dropped;
use ocpp_engine::{ChargePoint, Config, Instant, RecordKey};
use ocpp_storage::{Cut, Lands, MemoryStorage};

const NOW: Instant = Instant::from_millis(1_000);

fn config() -> Config<'static> {
    Config::new("VendorX", "ModelY").with_connectors(1)
}

/// An offline transaction started on a charge point whose power goes at its
/// first write of the transactions record; what the next boot finds.
fn cut(lands: Lands) -> (Option<Option<i32>>, Option<Dropped>) {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let storage = MemoryStorage::new();
    let (mut cp, _) =
        ChargePoint::restore(&config(), &*pool, storage.clone(), NOW, |_| true).unwrap();
    cp.configure(NOW, "AllowOfflineTxForUnknownId", "true")
        .unwrap();
    cp.persist().unwrap();
    let before = storage.writes();
    storage.cut_at(Cut { at: 1, lands });
    cp.plug_in(NOW, 1).unwrap();
    cp.present_id_tag(NOW, 1, "ABCD1234").unwrap();
    assert!(cp.persist().is_err(), "the power went");
    assert!(storage.is_down());
    drop(cp);
    storage.power_on();
    let landed = storage.writes() - before;
    assert_eq!(landed, u32::from(lands == Lands::After));
    let (cp, restored) = ChargePoint::restore(&config(), &*pool, storage, NOW, |_| true).unwrap();
    (cp.transaction(1), restored.dropped(RecordKey::Transactions))
}

#[test]
fn before_the_write_lands_the_old_record_stands() {
    assert_eq!(cut(Lands::Before), (None, None));
}

#[test]
fn after_the_write_landed_the_new_record_stands() {
    assert_eq!(cut(Lands::After), (Some(None), None));
}

#[test]
fn a_torn_write_is_reported_as_corrupt_and_not_used() {
    assert_eq!(cut(Lands::Torn), (None, Some(Dropped::Corrupt)));
}

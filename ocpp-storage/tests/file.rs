//! The file adapter under a real charge point: records survive the process,
//! a torn file is reported and replaced, a cut's temporary file is cleaned.

use std::path::PathBuf;

use ocpp_alloc::{HostPool, Talc};
use ocpp_engine::storage::Dropped;
use ocpp_engine::{ChargePoint, Config, Instant, RecordKey};
use ocpp_storage::FileStorage;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ocpp-storage-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn config() -> Config<'static> {
    Config::new("VendorX", "ModelY").with_connectors(1)
}

const NOW: Instant = Instant::from_millis(1_000);

#[test]
fn an_offline_transaction_survives_the_process_and_a_torn_file_is_reported() {
    let dir = dir("survives");
    let pool = HostPool::<Talc>::new(16 * 1024);
    {
        let storage = FileStorage::open(&dir).unwrap();
        let (mut cp, restored) =
            ChargePoint::restore(&config(), &*pool, storage, NOW, |_| true).unwrap();
        assert_eq!(restored.records, 0, "the first boot");
        cp.configure(NOW, "AllowOfflineTxForUnknownId", "true")
            .unwrap();
        cp.plug_in(NOW, 1).unwrap();
        cp.present_id_tag(NOW, 1, "ABCD1234").unwrap();
        assert_eq!(cp.transaction(1), Some(None));
        cp.persist().unwrap();
        assert_eq!(cp.writes(), 2, "configuration, transactions");
    }
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.contains(&"transactions.rec".to_owned()), "{names:?}");
    // Another process, the same directory.
    {
        let storage = FileStorage::open(&dir).unwrap();
        let (cp, restored) =
            ChargePoint::restore(&config(), &*pool, storage, NOW, |_| true).unwrap();
        assert_eq!((restored.records, restored.resumed), (2, 1));
        assert_eq!(restored.queued, 1, "the StartTransaction");
        assert_eq!(cp.transaction(1), Some(None));
    }
    // A file cut in the middle (a file system that broke the contract), and
    // the temporary file of an interrupted write.
    let path = dir.join("transactions.rec");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(dir.join("transactions.tmp"), b"half a record").unwrap();
    let storage = FileStorage::open(&dir).unwrap();
    assert!(!dir.join("transactions.tmp").exists());
    let (mut cp, restored) =
        ChargePoint::restore(&config(), &*pool, storage, NOW, |_| true).unwrap();
    assert_eq!(
        restored.dropped(RecordKey::Transactions),
        Some(Dropped::Corrupt)
    );
    assert_eq!(cp.transaction(1), None);
    cp.persist().unwrap();
    assert!(
        !path.exists(),
        "the torn record is replaced by the state (none)"
    );
    drop(cp);
    std::fs::remove_dir_all(&dir).unwrap();
}

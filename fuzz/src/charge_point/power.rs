//! The power and the storage: writes that fail, and reboots (the charge
//! point dropped, its pool emptied, and restored from what the storage
//! holds).

use ocpp_alloc::FailurePlan;
use ocpp_engine::storage::Dropped;
use ocpp_engine::{ChargePoint, RecordKey};

use super::World;

impl World<'_> {
    /// Every write fails from now, or works again. (A failing write
    /// leaves the record as it was: nothing the medium held is lost.)
    pub(super) fn set_failing(&mut self, failing: bool) {
        self.storage.set_failing(failing);
    }

    /// Power off and on: the charge point is dropped (the pool must be
    /// empty) and restored from what the storage holds.
    pub(super) fn reboot(&mut self) {
        self.cp = None;
        assert_eq!(
            self.pool.stats().in_use,
            0,
            "the dropped charge point left bytes in the pool"
        );
        self.storage.power_on();
        let resume = self.resume;
        let restore = |w: &Self| {
            ChargePoint::restore(&w.config, w.alloc, w.storage.clone(), w.now, |_| resume)
        };
        let (cp, restored) = match restore(self) {
            Ok(restored) => restored,
            // A refusal planned for this step hit the restore: it fails
            // cleanly, and the firmware boots again with memory back.
            Err(e) if self.alloc.refusals() > 0 => {
                assert_eq!(
                    self.pool.stats().in_use,
                    0,
                    "a failed restore ({e:?}) left bytes in the pool"
                );
                self.alloc.set_plan(FailurePlan::Never);
                restore(self).expect("a charge point fits the pool after a reboot")
            }
            Err(e) => panic!("a charge point fits the pool after a reboot: {e:?}"),
        };
        // Every record this engine wrote reads back (a larger build's too,
        // after a firmware update), or was torn by a cut: Corrupt. (A torn
        // record whose CRC-32 still matches would be a false alarm, 1 in
        // 2^32.)
        for key in RecordKey::ALL {
            let dropped = restored.dropped(key);
            assert!(
                matches!(dropped, None | Some(Dropped::Corrupt)),
                "the {key} record this engine wrote was dropped at the restore: {dropped:?}"
            );
        }
        self.cp = Some(cp);
        self.outstanding = None;
        self.incoming.clear();
        if restored.dropped(RecordKey::Transactions) == Some(Dropped::Corrupt) {
            self.ledger.forget();
        }
        self.ledger.rebooted();
        // Nothing of an earlier build is queued or carried by a running
        // transaction: from now on this build's bound holds.
        let fresh = restored.resumed == 0 && restored.stopped == 0;
        if fresh && self.cp().queue().queued == 0 {
            self.call_bound = ocpp_engine::max_call_len(&self.config);
        }
    }
}

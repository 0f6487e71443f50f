//! The charge point's side of persistence (see [`storage`](crate::storage)):
//! the storage it owns and what it knows the storage holds, building a
//! charge point from the records, making the changed ones durable before
//! anything leaves, and the touched flags of the recorded blocks.

use ocpp_model::Allocator;
use postcard::ser_flavors::Flavor;

use crate::charge_point::{ChargePoint, State};
use crate::config::Config;
use crate::configuration::Configuration;
use crate::storage::{
    Body, Dropped, RecordKey, RestoreError, Restored, Storage, Written, RECORD_VERSION,
};
use crate::time::Instant;
use crate::tx::RestoreFail;

/// The order records are written in when several changed in one step: the
/// transactions first, so that a cut between two writes never leaves a
/// consequence of a transaction's end (a scheduled availability change
/// applied) without the end itself; a scheduled change still pending is
/// applied at the restore once no transaction runs.
const WRITE_ORDER: [RecordKey; 4] = [
    RecordKey::Transactions,
    RecordKey::Availability,
    RecordKey::Configuration,
    RecordKey::Cache,
];

/// A record read and applied: its checksum (`None` for an older version,
/// to be written again as this one), and the transactions it resumed and
/// stopped.
type Applied = (Option<u64>, (u8, u8));

/// The storage and what the engine knows it holds.
#[derive(Debug)]
pub(crate) struct Store<S> {
    storage: S,
    written: [Written; 4],
    /// A write failed; cleared by a success.
    pub(crate) failing: bool,
    /// The record whose failure the firmware is still to hear of.
    pub(crate) unreported: Option<RecordKey>,
    /// Records written or removed so far, and the bytes written (for the
    /// benchmarks: flash wears out).
    writes: u32,
    bytes: u64,
}

impl<S> Store<S> {
    pub(crate) const fn new(storage: S) -> Self {
        Store {
            storage,
            written: [Written::Absent; 4],
            failing: false,
            unreported: None,
            writes: 0,
            bytes: 0,
        }
    }
}

impl<A: Allocator + Clone> Body for State<A> {
    fn encode<F: Flavor>(&self, key: RecordKey, f: F) -> Option<postcard::Result<F::Output>> {
        let b = &self.blocks;
        match key {
            RecordKey::Configuration => self
                .config
                .record()
                .map(|r| postcard::serialize_with_flavor(&r, f)),
            RecordKey::Availability => b
                .connectors
                .record()
                .map(|r| postcard::serialize_with_flavor(&r, f)),
            RecordKey::Cache => b
                .authorize
                .record()
                .map(|r| postcard::serialize_with_flavor(&r, f)),
            RecordKey::Transactions => {
                b.tx.record()
                    .map(|r| postcard::serialize_with_flavor(&r, f))
            }
        }
    }
}

impl<A: Allocator + Clone, S: Storage> ChargePoint<A, S> {
    /// Builds a charge point whose whole state lives in `alloc` from what
    /// `storage` holds (nothing, on the first boot), and keeps it there
    /// from now on.
    ///
    /// A transaction that was running when the power went is resumed when
    /// `resume(connector)` returns `true` (the firmware knows the EV is
    /// still connected and the meter continuous; it reports the readings
    /// again with [`set_meter`](Self::set_meter)); otherwise it is stopped
    /// with reason PowerLoss at its last stored meter value and time. Its
    /// queued messages, and every other one, are delivered in order once the
    /// central system accepted the BootNotification. Configuration,
    /// availability and the authorization cache are as last stored.
    ///
    /// A build with fewer connectors than the one that wrote the records
    /// (a firmware update) stops the transactions of the connectors it no
    /// longer has, with PowerLoss and without asking `resume`, and delivers
    /// their messages; their availability is forgotten. Fewer queue
    /// places keep every restored message.
    ///
    /// A record of an older version this build reads is migrated (see
    /// [`RECORD_VERSION`](crate::storage::RECORD_VERSION)) and written again
    /// as this version at the next persist. A record that is corrupt or of
    /// another version is not used and is
    /// reported in [`Restored`]; it is overwritten at the next write.
    /// All or nothing: on `Err` the pool holds nothing of it and nothing was
    /// written.
    pub fn restore(
        config: &Config<'_>,
        alloc: A,
        mut storage: S,
        now: Instant,
        mut resume: impl FnMut(u8) -> bool,
    ) -> Result<(Self, Restored), RestoreError<S::Error>> {
        let mut state = State::new(config, alloc)?;
        let mut store_written = [Written::Absent; 4];
        let mut report = Restored::default();
        for key in RecordKey::ALL {
            let mut outcome: Option<Result<Applied, RestoreFail>> = None;
            let found = storage
                .read(key, &mut |bytes| {
                    outcome = Some(
                        crate::storage::open(bytes)
                            .map_err(RestoreFail::Dropped)
                            .and_then(|(version, body, crc)| {
                                let applied =
                                    state.restore(key, version, body, now, &mut resume)?;
                                // An older version is written again as this one.
                                let crc = (version == RECORD_VERSION).then_some(crc);
                                Ok((crc, applied))
                            }),
                    );
                })
                .map_err(RestoreError::Storage)?;
            let written = &mut store_written[key.index()];
            match (found, outcome) {
                (false, _) => {}
                (true, Some(Ok((crc, (resumed, stopped))))) => {
                    *written = crc.map_or(Written::Unknown, Written::Digest);
                    report.records += 1;
                    report.resumed += resumed;
                    report.stopped += stopped;
                }
                (true, Some(Err(RestoreFail::OutOfMemory))) => {
                    return Err(RestoreError::OutOfMemory)
                }
                (true, Some(Err(RestoreFail::Dropped(why)))) => {
                    *written = Written::Unknown;
                    report.drop_record(key, why);
                }
                (true, None) => {
                    *written = Written::Unknown;
                    report.drop_record(key, Dropped::Corrupt);
                }
            }
        }
        report.queued = state.blocks.tx.queue_stats().queued;
        state.sync_statuses(now);
        // The configuration is as its record says, but for the firmware's
        // own keys, which come back when the firmware adds them: the record
        // is not written again (without them) until the configuration
        // changes.
        let config = &mut store_written[RecordKey::Configuration.index()];
        if let Written::Digest(d) = *config {
            *config = Written::Restored(d);
            state.config.reset(false);
        }
        let mut store = Store::new(storage);
        store.written = store_written;
        Ok((Self { state, store }, report))
    }

    /// The storage the charge point writes to.
    pub fn storage(&self) -> &S {
        &self.store.storage
    }

    /// The storage, to drive or inspect it (writing records behind the
    /// engine's back is not supported: it writes only what changed).
    pub fn storage_mut(&mut self) -> &mut S {
        &mut self.store.storage
    }

    /// Gives the storage back (the charge point is gone: a reboot).
    pub fn into_storage(self) -> S {
        self.store.storage
    }

    /// Records written or removed since the charge point was built.
    pub fn writes(&self) -> u32 {
        self.store.writes
    }

    /// Bytes of the records written since the charge point was built.
    pub fn bytes_written(&self) -> u64 {
        self.store.bytes
    }

    /// Makes every changed record durable now. [`poll_transmit`](Self::poll_transmit)
    /// and [`poll_event`](Self::poll_event) do it first themselves; call
    /// this before the firmware acts on something the engine decided without
    /// an event (or to see whether a failing storage works again).
    pub fn persist(&mut self) -> Result<(), (RecordKey, S::Error)> {
        if !S::PERSISTS {
            return Ok(());
        }
        let store = &mut self.store;
        let state = &mut *self.state;
        for key in WRITE_ORDER {
            let written = &mut store.written[key.index()];
            if !state.touched(key) && *written != Written::Unknown {
                #[cfg(debug_assertions)]
                debug_assert!(
                    crate::storage::unchanged(&*state, key, *written),
                    "record {key} changed without a mutable access to its block"
                );
                continue;
            }
            match crate::storage::sync(&mut store.storage, &*state, key, written) {
                Ok(None) => {}
                Ok(Some(bytes)) => {
                    store.writes += 1;
                    store.bytes += bytes as u64;
                }
                Err(e) => return Err((key, e)),
            }
            state.settle(key);
        }
        store.failing = false;
        store.unreported = None;
        Ok(())
    }

    /// Runs `f` on the state with the value the configuration record holds
    /// for `name` (a firmware key set before a reboot), or `None`: no
    /// storage, no record, no such key, or a record that cannot be read.
    pub(crate) fn with_stored_configuration<R>(
        &mut self,
        name: &str,
        mut f: impl FnMut(&mut State<A>, Option<&str>) -> R,
    ) -> R {
        let state = &mut self.state;
        let mut out = None;
        if S::PERSISTS {
            let mut read = |bytes: &[u8]| {
                let value = crate::storage::open(bytes)
                    .ok()
                    .and_then(|(_, body, _)| Configuration::<A>::stored(body, name));
                out = Some(f(state, value));
            };
            let _ = self.store.storage.read(RecordKey::Configuration, &mut read);
        }
        match out {
            Some(r) => r,
            None => f(state, None),
        }
    }

    /// [`persist`](Self::persist) for the output calls: whether everything
    /// is durable. The first failure of a spell leaves an event to give.
    pub(crate) fn persisted(&mut self) -> bool {
        match self.persist() {
            Ok(()) => true,
            Err((key, _)) => {
                if !self.store.failing {
                    self.store.failing = true;
                    self.store.unreported = Some(key);
                }
                false
            }
        }
    }
}

impl<A: Allocator + Clone> State<A> {
    /// Applies record `key` (restore only).
    fn restore(
        &mut self,
        key: RecordKey,
        version: u8,
        body: &[u8],
        now: Instant,
        resume: &mut dyn FnMut(u8) -> bool,
    ) -> Result<(u8, u8), RestoreFail> {
        let b = &mut self.blocks;
        match key {
            RecordKey::Configuration => self.config.restore(body)?,
            RecordKey::Availability => b.connectors.restore(body)?,
            RecordKey::Cache => {
                if !b.authorize.restore(body)? {
                    return Err(RestoreFail::OutOfMemory);
                }
            }
            RecordKey::Transactions => {
                let interval = self.config.values().meter_value_sample_interval;
                return b.tx.restore(version, body, now, interval.get(), resume);
            }
        }
        Ok((0, 0))
    }

    /// Runs an output call, which changes nothing that is recorded: the
    /// blocks' touched flags are as they were after it.
    pub(crate) fn quietly<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let before = RecordKey::ALL.map(|k| self.touched(k));
        let r = f(self);
        for (k, t) in RecordKey::ALL.into_iter().zip(before) {
            self.reset_touched(k, t);
        }
        r
    }

    /// Whether record `key`'s block had a mutable access since it was last
    /// compared with its record.
    fn touched(&self, key: RecordKey) -> bool {
        match key {
            RecordKey::Configuration => self.config.touched(),
            RecordKey::Availability => self.blocks.connectors.touched(),
            RecordKey::Cache => self.blocks.authorize.touched(),
            RecordKey::Transactions => self.blocks.tx.touched(),
        }
    }

    fn reset_touched(&mut self, key: RecordKey, touched: bool) {
        match key {
            RecordKey::Configuration => self.config.reset(touched),
            RecordKey::Availability => self.blocks.connectors.reset(touched),
            RecordKey::Cache => self.blocks.authorize.reset(touched),
            RecordKey::Transactions => self.blocks.tx.reset(touched),
        }
    }

    fn settle(&mut self, key: RecordKey) {
        self.reset_touched(key, false);
    }
}

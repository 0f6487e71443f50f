//! Records in memory, with power cuts on demand.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use ocpp_engine::{Record, RecordKey, Storage};

/// Where the power goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    /// The write (1 for the first, counting writes and removals) during
    /// which the power goes.
    pub at: u32,
    /// What the medium holds of that write after the cut.
    pub lands: Lands,
}

/// What a write interrupted by a cut left behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lands {
    /// Nothing: the old record stands.
    Before,
    /// All of it: the new record stands (the cut came just after).
    After,
    /// Its first half (a medium without atomic writes): the engine must
    /// detect it and drop the record.
    Torn,
}

/// The error of every operation once the power is cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PowerCut;

#[derive(Debug, Default)]
struct Inner {
    records: BTreeMap<RecordKey, Vec<u8>>,
    /// Writes and removals that landed.
    writes: u32,
    /// Bytes written.
    bytes: u64,
    /// Operations attempted, counted for the cut.
    attempts: u32,
    cut: Option<Cut>,
    /// The power went: everything fails until [`MemoryStorage::power_on`].
    down: bool,
    /// Every write fails (a broken medium), without a cut.
    failing: bool,
}

/// Records in memory. Clones share the records: keep one to inspect them
/// or to cut the power, give one to the charge point, and after a cut give
/// a clone to the next boot's [`restore`](ocpp_engine::ChargePoint::restore).
#[derive(Clone, Debug, Default)]
pub struct MemoryStorage(Rc<RefCell<Inner>>);

impl MemoryStorage {
    /// Empty: the first boot.
    pub fn new() -> Self {
        Self::default()
    }

    /// The power goes during the write `cut.at` counted from now.
    pub fn cut_at(&self, cut: Cut) {
        let mut s = self.0.borrow_mut();
        s.attempts = 0;
        s.cut = Some(cut);
    }

    /// Whether the power is down (a cut happened).
    pub fn is_down(&self) -> bool {
        self.0.borrow().down
    }

    /// The power is back: the records are as the cut left them.
    pub fn power_on(&self) {
        let mut s = self.0.borrow_mut();
        s.down = false;
        s.cut = None;
    }

    /// Makes every write fail (`true`) or work again, without a cut.
    pub fn set_failing(&self, failing: bool) {
        self.0.borrow_mut().failing = failing;
    }

    /// Writes and removals that landed so far.
    pub fn writes(&self) -> u32 {
        self.0.borrow().writes
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.0.borrow().bytes
    }

    /// The record `key`, as stored.
    pub fn record(&self, key: RecordKey) -> Option<Vec<u8>> {
        self.0.borrow().records.get(&key).cloned()
    }

    /// Replaces (or with `None` removes) the record `key` behind the
    /// engine's back: a corrupted medium, an older build's record.
    pub fn set_record(&self, key: RecordKey, bytes: Option<Vec<u8>>) {
        let mut s = self.0.borrow_mut();
        match bytes {
            Some(b) => s.records.insert(key, b),
            None => s.records.remove(&key),
        };
    }

    /// The keys of the records stored.
    pub fn keys(&self) -> Vec<RecordKey> {
        self.0.borrow().records.keys().copied().collect()
    }

    /// Runs the cut plan for one operation: `Ok(None)` to go ahead, or what
    /// the cut leaves of it.
    fn attempt(s: &mut Inner) -> Result<Option<Lands>, PowerCut> {
        if s.down {
            return Err(PowerCut);
        }
        s.attempts += 1;
        match s.cut {
            Some(cut) if cut.at == s.attempts => {
                s.down = true;
                Ok(Some(cut.lands))
            }
            _ => Ok(None),
        }
    }
}

impl Storage for MemoryStorage {
    type Error = PowerCut;

    fn read(&mut self, key: RecordKey, read: &mut dyn FnMut(&[u8])) -> Result<bool, PowerCut> {
        let s = self.0.borrow();
        if s.down {
            return Err(PowerCut);
        }
        match s.records.get(&key) {
            Some(bytes) => {
                read(bytes);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn write(&mut self, key: RecordKey, record: &Record<'_>) -> Result<(), PowerCut> {
        let mut s = self.0.borrow_mut();
        if s.failing && !s.down {
            return Err(PowerCut);
        }
        let cut = Self::attempt(&mut s)?;
        let mut bytes = vec![0; record.len()];
        let n = record.write_to(&mut bytes).map_err(|_| PowerCut)?;
        bytes.truncate(n);
        match cut {
            Some(Lands::Before) => return Err(PowerCut),
            Some(Lands::Torn) => {
                bytes.truncate(n / 2);
                s.records.insert(key, bytes);
                return Err(PowerCut);
            }
            Some(Lands::After) | None => {}
        }
        s.writes += 1;
        s.bytes += n as u64;
        s.records.insert(key, bytes);
        if cut.is_some() {
            return Err(PowerCut);
        }
        Ok(())
    }

    fn remove(&mut self, key: RecordKey) -> Result<(), PowerCut> {
        let mut s = self.0.borrow_mut();
        if s.failing && !s.down {
            return Err(PowerCut);
        }
        let cut = Self::attempt(&mut s)?;
        if matches!(cut, Some(Lands::Before | Lands::Torn)) {
            return Err(PowerCut);
        }
        s.writes += 1;
        s.records.remove(&key);
        if cut.is_some() {
            return Err(PowerCut);
        }
        Ok(())
    }
}

//! Session 5: a power cut in the middle of a transaction, on the target. The charge
//! point keeps its records through `ocpp_storage::flash::FlashStorage`, the
//! NOR-flash adapter a board uses, here over a RAM-backed flash (the same
//! code: sequential-storage's map, the engine's records, their checksums).
//! A transaction runs and samples; the power goes; the charge point comes
//! back from the flash, cannot resume (the firmware says the EV is gone),
//! and stops it with reason PowerLoss at its last stored meter value; the
//! central system gets that StopTransaction for the transaction it started.

use core::cell::RefCell;

use cortex_m_semihosting::hprintln;
use critical_section::Mutex;
use embedded_storage::nor_flash::{
    ErrorType, MultiwriteNorFlash, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};
use ocpp_engine::ocpp_model::{Measurand, Reason};
use ocpp_engine::{ChargePoint, Duration, Instant, Record, RecordKey, Storage, Value};
use ocpp_storage::flash::{Blocking, FlashStorage};
use ocpp_testkit::{CentralSystem, Pair};
use sequential_storage::cache::{Cache, Uncached};

use crate::check::{Checker, Sent};
use crate::session::{Alloc, FirmwarePair, Watch, ANSWER_LEN, CONFIG};

/// Erase pages of the RAM flash: 1 KiB (the nRF51's own flash page) each,
/// four of them. A page holds the records this session writes (two
/// readings a sample); the worst case of this configuration
/// (`max_record_len`: 1,328 B, every queued message a StopTransaction with
/// 8 readings of the longest values) would need 2 KiB pages.
const PAGE: usize = 1024;
pub const FLASH_LEN: usize = 4 * PAGE;
/// The adapter's buffer: the largest record and its key.
const BUF: usize = ocpp_engine::storage::max_record_len(&crate::session::config()) + 8;

/// The RAM that stands in for NOR flash: erased to 0xFF, written by
/// clearing bits, as NOR flash is.
static FLASH: Mutex<RefCell<[u8; FLASH_LEN]>> = Mutex::new(RefCell::new([0xFF; FLASH_LEN]));

type Map = FlashStorage<Blocking<RamFlash>, Cache<Uncached, Uncached, Uncached, u8>, BUF>;

/// The adapter lives in a `static` (its buffer is not on the stack); the
/// charge point gets this handle to it.
static STORE: Mutex<RefCell<Option<Map>>> = Mutex::new(RefCell::new(None));

/// A handle on the adapter in [`STORE`].
#[derive(Debug)]
struct Flash;

impl Storage for Flash {
    type Error = sequential_storage::Error<FlashError>;

    fn read(&mut self, key: RecordKey, read: &mut dyn FnMut(&[u8])) -> Result<bool, Self::Error> {
        critical_section::with(|cs| match STORE.borrow_ref_mut(cs).as_mut() {
            Some(map) => map.read(key, read),
            None => Ok(false),
        })
    }

    fn write(&mut self, key: RecordKey, record: &Record<'_>) -> Result<(), Self::Error> {
        critical_section::with(|cs| match STORE.borrow_ref_mut(cs).as_mut() {
            Some(map) => map.write(key, record),
            None => Err(sequential_storage::Error::Storage { value: FlashError }),
        })
    }

    fn remove(&mut self, key: RecordKey) -> Result<(), Self::Error> {
        critical_section::with(|cs| match STORE.borrow_ref_mut(cs).as_mut() {
            Some(map) => map.remove(key),
            None => Err(sequential_storage::Error::Storage { value: FlashError }),
        })
    }
}

/// An access outside the RAM flash.
#[derive(Clone, Copy, Debug)]
pub struct FlashError;

impl NorFlashError for FlashError {
    fn kind(&self) -> NorFlashErrorKind {
        NorFlashErrorKind::OutOfBounds
    }
}

/// The blocking NOR-flash driver of the RAM flash.
#[derive(Debug)]
pub struct RamFlash;

impl ErrorType for RamFlash {
    type Error = FlashError;
}

fn range(offset: u32, len: usize) -> Result<core::ops::Range<usize>, FlashError> {
    let start = offset as usize;
    let end = start.checked_add(len).ok_or(FlashError)?;
    (end <= FLASH_LEN).then_some(start..end).ok_or(FlashError)
}

impl ReadNorFlash for RamFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), FlashError> {
        let r = range(offset, bytes.len())?;
        critical_section::with(|cs| bytes.copy_from_slice(&FLASH.borrow_ref(cs)[r]));
        Ok(())
    }

    fn capacity(&self) -> usize {
        FLASH_LEN
    }
}

impl NorFlash for RamFlash {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = PAGE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), FlashError> {
        let r = range(
            from,
            (to as usize).checked_sub(from as usize).ok_or(FlashError)?,
        )?;
        critical_section::with(|cs| FLASH.borrow_ref_mut(cs)[r].fill(0xFF));
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), FlashError> {
        let r = range(offset, bytes.len())?;
        critical_section::with(|cs| {
            for (cell, b) in FLASH.borrow_ref_mut(cs)[r].iter_mut().zip(bytes) {
                *cell &= b;
            }
        });
        Ok(())
    }
}

impl MultiwriteNorFlash for RamFlash {}

/// Puts the adapter over the erased RAM flash into [`STORE`]. (Out of
/// line: the adapter and its buffer pass through this frame only.)
#[inline(never)]
fn install_flash() -> bool {
    let map = Map::new(
        Blocking(RamFlash),
        0..FLASH_LEN as u32,
        Cache::new_uncached(),
    );
    let Ok(map) = map else {
        hprintln!("FlashStorage::new refused the flash range -> FAIL");
        return false;
    };
    critical_section::with(|cs| STORE.borrow_ref_mut(cs).replace(map));
    true
}

/// What the first life of the charge point left, for the second.
struct Cut {
    ok: bool,
    /// Record writes before the cut.
    writes: u32,
    cs: CentralSystem<ANSWER_LEN>,
    /// The central system's reading: the transaction it started, its meterStart.
    check: Checker,
    now: Instant,
    /// The transaction it started.
    started: Option<i32>,
}

/// From an empty flash: a transaction that samples and is stored, until
/// the power goes. (Out of line, as [`second_life`]: each holds its pair
/// in its own frame, and only one is on the stack at a time.)
#[inline(never)]
fn first_life(alloc: Alloc<'_>) -> Option<Cut> {
    let now = Instant::from_millis(1_000);
    let Ok((cp, first)) = ChargePoint::restore(&CONFIG, alloc, Flash, now, |_| true) else {
        hprintln!("restore on an empty flash failed -> FAIL");
        return None;
    };
    let mut p: FlashPair<'_> = Pair::with_charge_point(cp, Watch::new());
    p.cs.count_transactions();
    let ok = first.records == 0 && before_the_cut(&mut p);
    let started = p.cp.transaction(1);
    hprintln!(
        "before the cut: transaction {:?}, {} record writes, the queue {:?}",
        started,
        p.cp.writes(),
        p.cp.queue().queued
    );
    Some(Cut {
        ok,
        writes: p.cp.writes(),
        cs: p.cs.clone(),
        check: core::mem::replace(&mut p.observer.check, Checker::new()),
        now: p.now,
        started: started.flatten(),
    })
}

/// Five seconds later: the charge point comes back from the flash, cannot
/// resume, and the central system must get the StopTransaction (PowerLoss)
/// of the transaction it started, at the last stored meter value.
#[inline(never)]
fn second_life(alloc: Alloc<'_>, cut: Cut) -> bool {
    let now = cut.now + Duration::from_secs(5);
    let (cp, restored) = match ChargePoint::restore(&CONFIG, alloc, Flash, now, |_| false) {
        Ok(r) => r,
        Err(_) => {
            hprintln!("restore after the cut failed -> FAIL");
            return false;
        }
    };
    hprintln!(
        "after the cut: {} records restored, {} transaction stopped (PowerLoss), {} messages queued",
        restored.records,
        restored.stopped,
        restored.queued
    );
    let mut ok = restored.records >= 2 && restored.stopped == 1;
    let mut p: FlashPair<'_> = Pair::with_charge_point(cp, Watch::new());
    (p.cs, p.now, p.observer.check) = (cut.cs, now, cut.check);
    let r = p.connect();
    p.observer.outcome(r);
    let stop = stop_heard(&p.observer);
    let expected = cut
        .started
        .map(|tx| (tx, Reason::PowerLoss.as_str(), 1_500));
    let fine = clean(&mut p);
    hprintln!(
        "the central system got StopTransaction {:?} (expected {:?}){}",
        stop,
        expected,
        if fine { "" } else { "; it found problems" }
    );
    ok &= fine && stop.is_some() && stop == expected;
    ok & (p.cp.queue().queued == 0 && p.cp.transaction(1).is_none())
}

/// Configures, connects, runs a transaction with one sample, stores.
fn before_the_cut(p: &mut FlashPair<'_>) -> bool {
    let energy = Measurand::EnergyActiveImportRegister;
    let steps = [
        p.input(|cp, now| cp.configure(now, "MeterValuesSampledData", energy.as_str())),
        p.input(|cp, now| cp.configure(now, "MeterValueSampleInterval", "60")),
        p.connect(),
        p.input(|cp, now| cp.set_meter(now, 1, energy, Value::from_units(1_000))),
        p.input(|cp, now| cp.plug_in(now, 1)),
        p.input(|cp, now| cp.present_id_tag(now, 1, "ABCD1234")),
        p.input(|cp, now| cp.set_meter(now, 1, energy, Value::from_units(1_500))),
        // The sample at 60 s is stored with the transaction.
        p.advance(60),
        // A reading after the last sample: not stored, lost with the power.
        p.input(|cp, now| cp.set_meter(now, 1, energy, Value::from_units(1_700))),
    ];
    let mut ok = true;
    for r in steps {
        ok &= r.is_ok();
        p.observer.outcome(r);
    }
    ok & p.cp.persist().is_ok() & clean(p)
}

/// Static RAM of this part, not of the engine: the RAM flash (a board's is
/// flash) and the adapter with its record buffer (a board's too, in its
/// statics or on its stack).
pub const STATICS: usize = FLASH_LEN + core::mem::size_of::<Mutex<RefCell<Option<Map>>>>();

/// The charge point with its records in the flash, the test kit's central
/// system and clock, and the firmware's reading of what it sends.
type FlashPair<'a> = FirmwarePair<'a, Flash>;

/// Whether the last exchanges went without a problem of the charge point's
/// or of what it sent; forgets them.
fn clean(p: &mut FlashPair<'_>) -> bool {
    let w = &mut p.observer;
    let ok = w.trouble.is_empty() && w.check.problems.is_empty() && w.oom == 0;
    w.check.problems.clear();
    w.clear_step();
    ok
}

/// The StopTransaction the central system heard last, if any.
fn stop_heard(w: &Watch) -> Option<(i32, &'static str, i32)> {
    w.sent.as_slice().iter().rev().find_map(|s| match *s {
        Sent::Stop {
            tx,
            reason,
            meter_stop,
        } => Some((tx, reason, meter_stop)),
        _ => None,
    })
}

#[inline(never)]
pub fn run(alloc: Alloc<'_>) -> bool {
    hprintln!("\n== session 5: a power cut during a transaction, records in NOR flash (FlashStorage over {} B of RAM flash)", FLASH_LEN);
    if !install_flash() {
        return false;
    }
    let Some(cut) = first_life(alloc) else {
        return false;
    };
    // The power goes: the charge point is gone, the flash stays; the
    // central system and what it heard stay too.
    let writes = cut.writes;
    let mut ok = cut.ok && second_life(alloc, cut);
    let flash_used = critical_section::with(|cs| {
        FLASH
            .borrow_ref(cs)
            .iter()
            .rposition(|&b| b != 0xFF)
            .map_or(0, |i| i + 1)
    });
    ok &= alloc.stats().in_use == 0;
    hprintln!(
        "session 5: {} record writes before the cut; {} B of the RAM flash written; pool in use after drop {} B -> {}",
        writes,
        flash_used,
        alloc.stats().in_use,
        if ok { "ok" } else { "FAIL" }
    );
    ok
}

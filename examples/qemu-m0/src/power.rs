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
use sequential_storage::cache::{Cache, Uncached};

use crate::csms::{Csms, Heard, ANSWER_LEN};
use crate::session::{config, Alloc, TX_LEN};

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

/// Static RAM of this part, not of the engine: the RAM flash (a board's is
/// flash) and the adapter with its record buffer (a board's too, in its
/// statics or on its stack).
pub const STATICS: usize = FLASH_LEN + core::mem::size_of::<Mutex<RefCell<Option<Map>>>>();

/// Delivers everything the charge point sends, the central system answering
/// at once; returns what it heard last of `want`.
fn exchange<S: Storage>(
    cp: &mut ChargePoint<Alloc<'_>, S>,
    cs: &mut Csms,
    now: Instant,
    mut want: impl FnMut(Heard),
) -> bool {
    let mut tx = [0u8; TX_LEN];
    let mut answer = [0u8; ANSWER_LEN];
    for _ in 0..32 {
        let n = match cp.poll_transmit(now, &mut tx) {
            Ok(Some(n)) => n,
            Ok(None) => {
                while cp.poll_event().is_some() {}
                return true;
            }
            Err(_) => return false,
        };
        let (heard, len) = cs.hear(&tx[..n], &mut answer);
        want(heard);
        if let Some(len) = len {
            let line = &answer[..len];
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            if cp.handle_frame(now, line).is_err() {
                return false;
            }
        }
    }
    false
}

#[inline(never)]
pub fn run(alloc: Alloc<'_>) -> bool {
    hprintln!("\n== session 5: a power cut during a transaction, records in NOR flash (FlashStorage over {} B of RAM flash)", FLASH_LEN);
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
    let mut now = Instant::from_millis(1_000);
    let mut cs = Csms::new();
    let mut ok = true;
    let (writes, stopped) = {
        let Ok((mut cp, first)) = ChargePoint::restore(&config(), alloc, Flash, now, |_| true)
        else {
            hprintln!("restore on an empty flash failed -> FAIL");
            return false;
        };
        ok &= first.records == 0;
        ok &= cp
            .configure(
                now,
                "MeterValuesSampledData",
                "Energy.Active.Import.Register",
            )
            .is_ok();
        ok &= cp.configure(now, "MeterValueSampleInterval", "60").is_ok();
        cp.connected(now);
        ok &= exchange(&mut cp, &mut cs, now, |_| {});
        let energy = Measurand::EnergyActiveImportRegister;
        ok &= cp
            .set_meter(now, 1, energy, Value::from_units(1_000))
            .is_ok();
        ok &= cp.plug_in(now, 1).is_ok();
        ok &= cp.present_id_tag(now, 1, "ABCD1234").is_ok();
        ok &= exchange(&mut cp, &mut cs, now, |_| {});
        let started = cp.transaction(1);
        ok &= cp
            .set_meter(now, 1, energy, Value::from_units(1_500))
            .is_ok();
        now = now + Duration::from_secs(60);
        cp.handle_timeout(now);
        ok &= exchange(&mut cp, &mut cs, now, |_| {});
        // A reading after the last sample: not stored, lost with the power.
        ok &= cp
            .set_meter(now, 1, energy, Value::from_units(1_700))
            .is_ok();
        ok &= cp.persist().is_ok();
        hprintln!(
            "before the cut: transaction {:?}, {} record writes, the queue {:?}",
            started,
            cp.writes(),
            cp.queue().queued
        );
        (cp.writes(), started)
        // The power goes: the charge point is gone, the flash stays.
    };
    now = now + Duration::from_secs(5);
    let (mut cp, restored) = match ChargePoint::restore(&config(), alloc, Flash, now, |_| false) {
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
    ok &= restored.records >= 2 && restored.stopped == 1;
    cp.connected(now);
    let mut stop = None;
    ok &= exchange(&mut cp, &mut cs, now, |h| {
        if let Heard::Stop {
            tx,
            reason,
            meter_stop,
        } = h
        {
            stop = Some((tx, reason, meter_stop));
        }
    });
    let expected = stopped
        .flatten()
        .map(|tx| (tx, Reason::PowerLoss.as_str(), 1_500));
    hprintln!(
        "the central system got StopTransaction {:?} (expected {:?}){}",
        stop,
        expected,
        if cs.problems.is_empty() {
            ""
        } else {
            "; it found problems"
        }
    );
    ok &= stop.is_some() && stop == expected && cs.problems.is_empty();
    ok &= cp.queue().queued == 0 && cp.transaction(1).is_none();
    drop(cp);
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

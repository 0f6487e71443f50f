//! The firmware's engine calls, each kept out of line so that a
//! [`StackProbe`] around it sees all the stack it takes (inlined into the
//! harness, part of it would hide in the harness's own frame). The test
//! kit's loop makes the others (`poll_transmit`, `handle_frame`,
//! `poll_event`, `handle_timeout`); the harness's observer measures them.
//!
//! [`StackProbe`]: crate::mem::StackProbe

use ocpp_engine::ocpp_model::{Measurand, UnlockStatus};
use ocpp_engine::{ChargePoint, Config, InputError, Instant, NewError, Value};

use super::Alloc;

type Cp<'a> = ChargePoint<Alloc<'a>>;

#[inline(never)]
pub fn new<'a>(config: &Config<'_>, alloc: Alloc<'a>) -> Result<Cp<'a>, NewError> {
    ChargePoint::new(config, alloc)
}

#[inline(never)]
pub fn authorize(cp: &mut Cp<'_>, now: Instant, id_tag: &str) -> Result<(), InputError> {
    cp.authorize(now, id_tag)
}

#[inline(never)]
pub fn plug_in(cp: &mut Cp<'_>, now: Instant, connector: u8) -> Result<(), InputError> {
    cp.plug_in(now, connector)
}

#[inline(never)]
pub fn unplug(cp: &mut Cp<'_>, now: Instant, connector: u8) -> Result<(), InputError> {
    cp.unplug(now, connector)
}

#[inline(never)]
pub fn present_id_tag(
    cp: &mut Cp<'_>,
    now: Instant,
    connector: u8,
    id_tag: &str,
) -> Result<(), InputError> {
    cp.present_id_tag(now, connector, id_tag)
}

/// The meter of `connector`: its energy register (Wh) and its power (W).
#[inline(never)]
pub fn set_meter(
    cp: &mut Cp<'_>,
    now: Instant,
    connector: u8,
    wh: i32,
    w: i32,
) -> Result<(), InputError> {
    let energy = Measurand::EnergyActiveImportRegister;
    cp.set_meter(now, connector, energy, Value::from_units(wh.into()))?;
    let power = Measurand::PowerActiveImport;
    cp.set_meter(now, connector, power, Value::from_units(w.into()))
}

#[inline(never)]
pub fn configure(cp: &mut Cp<'_>, now: Instant, key: &str, value: &str) -> Result<(), InputError> {
    cp.configure(now, key, value)
}

/// The firmware's answer to an UnlockConnector: this board has no lock
/// motor, so the cable is always free.
#[inline(never)]
pub fn unlock_result(cp: &mut Cp<'_>, connector: u8) -> bool {
    cp.unlock_result(connector, UnlockStatus::Unlocked)
}

//! The values inside a transactions record: readings as places in the
//! specification's lists, idTags as bytes, date-times as milliseconds.

use ocpp_model::{DateTime, IdToken, Location, Measurand, Phase as Line};
use serde::{Deserialize, Serialize};

use super::super::meter::{MeterReading, Readings, Value, MAX_READINGS};
use crate::storage::Dropped;

/// A sample's readings: each one's measurand by its place in the
/// specification's list ([`Measurand::ALL`], fixed by OCPP 1.6), its phase
/// and location likewise (one plus the place, 0 for none; the phase in the
/// low four bits), and its value in thousandths.
#[derive(Clone, Copy, Serialize, Deserialize)]
pub(super) struct ReadingsRec(pub(super) [Option<(u8, u8, i64)>; MAX_READINGS]);

/// Readings as record version 1 kept them, before phases and locations:
/// up to 4, each a measurand's place and a value. Read, never written.
#[derive(Clone, Copy, Deserialize)]
pub(super) struct ReadingsRecV1(pub(super) [Option<(u8, i64)>; 4]);

/// A layout of readings in a record that can be read back.
pub(super) trait ReadingsFormat: Copy + for<'de> Deserialize<'de> {
    fn readings(&self) -> Result<Readings, Dropped>;
}

impl ReadingsFormat for ReadingsRecV1 {
    fn readings(&self) -> Result<Readings, Dropped> {
        let mut out = Readings::EMPTY;
        for &(m, milli) in self.0.iter().flatten() {
            let measurand = Measurand::ALL.get(usize::from(m)).ok_or(Dropped::Invalid)?;
            out.set(MeterReading::new(*measurand, Value::from_milli(milli)));
        }
        Ok(out)
    }
}

/// One plus `index`, a place in an enum's `ALL` (below 16 for phases and
/// locations, below 256 for measurands); 0 for `None`.
fn place(index: Option<usize>) -> u8 {
    index.map_or(0, |i| u8::try_from(i + 1).unwrap_or(0))
}

/// The value at `place` (see [`place`]) of `all`.
fn at_place<T: Copy>(all: &[T], place: u8) -> Result<Option<T>, Dropped> {
    match place.checked_sub(1) {
        None => Ok(None),
        Some(i) => all
            .get(usize::from(i))
            .copied()
            .map(Some)
            .ok_or(Dropped::Invalid),
    }
}

impl ReadingsRec {
    pub(super) fn of(r: &Readings) -> ReadingsRec {
        let mut out = [None; MAX_READINGS];
        for (slot, r) in out.iter_mut().zip(r.iter()) {
            let m = place(Some(r.measurand.index())).wrapping_sub(1);
            let where_ =
                place(r.phase.map(Line::index)) | place(r.location.map(Location::index)) << 4;
            *slot = Some((m, where_, r.value.as_milli()));
        }
        ReadingsRec(out)
    }
}

impl ReadingsFormat for ReadingsRec {
    fn readings(&self) -> Result<Readings, Dropped> {
        let mut out = Readings::EMPTY;
        for &(m, where_, milli) in self.0.iter().flatten() {
            let measurand = Measurand::ALL.get(usize::from(m)).ok_or(Dropped::Invalid)?;
            let mut r = MeterReading::new(*measurand, Value::from_milli(milli));
            r.phase = at_place(Line::ALL, where_ & 0xf)?;
            r.location = at_place(Location::ALL, where_ >> 4)?;
            out.set(r);
        }
        Ok(out)
    }
}

pub(super) fn millis(t: DateTime) -> i64 {
    t.unix_millis()
}

pub(super) fn tag(t: Tag<'_>) -> Result<IdToken, Dropped> {
    let s = core::str::from_utf8(t.0).map_err(|_| Dropped::Invalid)?;
    IdToken::try_from_str(s).map_err(|_| Dropped::Invalid)
}

/// An idTag in a record, written as postcard writes a `str` (its length,
/// then its bytes) but from [`IdToken::as_bytes`], without the UTF-8 check
/// of `as_str`: a record is measured and written after most inputs, and
/// that check was a tenth of the work. Read back as a `str`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Tag<'a>(pub(super) &'a [u8]);

impl<'a> Tag<'a> {
    pub(super) fn of(t: &'a IdToken) -> Self {
        Tag(t.as_bytes())
    }
}

impl Serialize for Tag<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Tag<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'a str>::deserialize(d).map(|s| Tag(s.as_bytes()))
    }
}

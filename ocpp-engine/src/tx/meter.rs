//! Meter readings the firmware hands in, and the samples taken of them for
//! MeterValues and StopTransaction, inline and of fixed size.

use core::fmt::{self, Write as _};

use ocpp_model::encode::{Full, Writer};
use ocpp_model::{Location, Measurand, Phase, ReadingContext, UnitOfMeasure};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

use crate::configuration::Measurands;
use crate::stack_str::StackStr;

/// How many measurands MeterValuesSampledData and its siblings may list
/// (published as `MeterValuesSampledDataMaxLength` and friends).
pub const MAX_MEASURANDS: usize = 4;

/// How many readings a connector keeps, and one sample holds: each
/// measurand counts once per phase and location (energy, power, and current
/// and voltage on three phases make 8).
pub const MAX_READINGS: usize = 8;

/// A meter value in thousandths of its unit (Wh, W, A, V, °C, %, ...):
/// exact, and no floating point on the target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Value(i64);

impl Value {
    /// `milli` thousandths of the unit.
    pub const fn from_milli(milli: i64) -> Self {
        Value(milli)
    }

    /// A whole number of units.
    pub const fn from_units(units: i64) -> Self {
        Value(units.saturating_mul(1000))
    }

    /// Thousandths of the unit.
    pub const fn as_milli(self) -> i64 {
        self.0
    }

    /// Whole units, rounded toward zero.
    pub const fn whole(self) -> i64 {
        self.0 / 1000
    }
}

impl fmt::Display for Value {
    /// Decimal notation without trailing zeros: `11000`, `16.5`, `-0.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (units, frac) = (abs / 1000, abs % 1000);
        if frac == 0 {
            return write!(f, "{sign}{units}");
        }
        let mut digits = frac;
        let mut width = 3;
        while digits % 10 == 0 {
            digits /= 10;
            width -= 1;
        }
        write!(f, "{sign}{units}.{digits:0width$}")
    }
}

/// One reading of a connector's meter: a measurand's value, on a phase and
/// at a location when the meter says so (a three-phase meter reports
/// `Current.Import` once per phase; a temperature is of the `Body`, a state
/// of charge of the `EV`).
///
/// ```
/// use ocpp_engine::{MeterReading, Value};
/// use ocpp_engine::ocpp_model::{Location, Measurand, Phase};
///
/// let l1 = MeterReading::new(Measurand::CurrentImport, Value::from_milli(15_500)).on(Phase::L1);
/// let body = MeterReading::new(Measurand::Temperature, Value::from_units(41)).at(Location::Body);
/// assert_eq!(l1.phase, Some(Phase::L1));
/// assert_eq!(body.location, Some(Location::Body));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MeterReading {
    /// What is measured.
    pub measurand: Measurand,
    /// On which phase (`None`: the whole, or a single-phase meter).
    #[serde(serialize_with = "crate::snapshot::opt_str")]
    pub phase: Option<Phase>,
    /// Where (`None`: OCPP's default, the outlet).
    #[serde(serialize_with = "crate::snapshot::opt_str")]
    pub location: Option<Location>,
    /// The value.
    pub value: Value,
}

impl MeterReading {
    /// `value` of `measurand`, of no particular phase, at the outlet.
    pub const fn new(measurand: Measurand, value: Value) -> Self {
        Self {
            measurand,
            phase: None,
            location: None,
            value,
        }
    }

    /// The same reading, on `phase`.
    pub const fn on(mut self, phase: Phase) -> Self {
        self.phase = Some(phase);
        self
    }

    /// The same reading, at `location`.
    pub const fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    fn key(&self) -> Key {
        Key {
            measurand: self.measurand,
            phase: self.phase,
            location: self.location,
        }
    }
}

/// Which value a slot of [`Readings`] holds: a reading replaces the one of
/// the same measurand, phase and location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    measurand: Measurand,
    phase: Option<Phase>,
    location: Option<Location>,
}

/// The latest reading of each measurand (per phase and location) a
/// connector's meter reported, or the values of one sample. Keys and values
/// are kept apart: 88 bytes for [`MAX_READINGS`] readings, where
/// `[Option<MeterReading>; 8]` would take 128.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Readings {
    /// What each slot holds; `None`: free (its value is zero).
    keys: [Option<Key>; MAX_READINGS],
    values: [Value; MAX_READINGS],
}

impl Serialize for Readings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(MAX_READINGS))?;
        for (i, key) in self.keys.iter().enumerate() {
            seq.serialize_element(&key.and_then(|_| self.reading(i)))?;
        }
        seq.end()
    }
}

impl Readings {
    pub(crate) const EMPTY: Readings = Readings {
        keys: [None; MAX_READINGS],
        values: [Value(0); MAX_READINGS],
    };

    /// Records `r`, in place of the reading of the same measurand, phase
    /// and location; `false` when [`MAX_READINGS`] others are held.
    pub(crate) fn set(&mut self, r: MeterReading) -> bool {
        self.set_within(r, MAX_READINGS)
    }

    /// [`set`](Self::set), `false` when `max` others are held.
    pub(crate) fn set_within(&mut self, r: MeterReading, max: usize) -> bool {
        let key = r.key();
        let held = self.keys.iter().filter(|k| k.is_some()).count();
        let slot = self.keys.iter().position(|&k| k == Some(key)).or_else(|| {
            (held < max)
                .then(|| self.keys.iter().position(Option::is_none))
                .flatten()
        });
        match (slot, slot.and_then(|i| self.values.get_mut(i))) {
            (Some(i), Some(v)) => {
                *v = r.value;
                self.keys[i] = Some(key);
                true
            }
            _ => false,
        }
    }

    /// The value of `measurand` as a whole (of no phase): the energy
    /// register of a transaction's meterStart and meterStop.
    pub(crate) fn get(&self, measurand: Measurand) -> Option<Value> {
        self.iter()
            .find(|r| r.measurand == measurand && r.phase.is_none())
            .map(|r| r.value)
    }

    /// The readings of the measurands in `which` (every phase and location
    /// the meter has of each), in the specification's order of measurands.
    pub(crate) fn sample(&self, which: Measurands) -> Readings {
        let mut out = Readings::EMPTY;
        let picked = which
            .iter()
            .flat_map(|m| self.iter().filter(move |r| r.measurand == m));
        for (i, r) in picked.enumerate() {
            if let (Some(k), Some(v)) = (out.keys.get_mut(i), out.values.get_mut(i)) {
                *k = Some(r.key());
                *v = r.value;
            }
        }
        out
    }

    fn reading(&self, i: usize) -> Option<MeterReading> {
        let key = (*self.keys.get(i)?)?;
        Some(MeterReading {
            measurand: key.measurand,
            phase: key.phase,
            location: key.location,
            value: *self.values.get(i)?,
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.keys.iter().all(Option::is_none)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = MeterReading> + '_ {
        (0..MAX_READINGS).filter_map(|i| self.reading(i))
    }
}

/// The unit a measurand is reported in.
pub(crate) const fn unit(m: Measurand) -> Option<UnitOfMeasure> {
    use Measurand::*;
    Some(match m {
        EnergyActiveExportRegister
        | EnergyActiveImportRegister
        | EnergyActiveExportInterval
        | EnergyActiveImportInterval => UnitOfMeasure::Wh,
        EnergyReactiveExportRegister
        | EnergyReactiveImportRegister
        | EnergyReactiveExportInterval
        | EnergyReactiveImportInterval => UnitOfMeasure::Varh,
        PowerActiveExport | PowerActiveImport | PowerOffered => UnitOfMeasure::W,
        PowerReactiveExport | PowerReactiveImport => UnitOfMeasure::Var,
        CurrentImport | CurrentExport | CurrentOffered => UnitOfMeasure::A,
        Voltage => UnitOfMeasure::V,
        Temperature => UnitOfMeasure::Celsius,
        SoC => UnitOfMeasure::Percent,
        Frequency => UnitOfMeasure::Hertz,
        PowerFactor | RPM => return None,
    })
}

/// One `sampledValue` on the wire, encoded straight from a reading.
pub(crate) struct SampledValueOut {
    pub(crate) reading: MeterReading,
    pub(crate) context: ReadingContext,
}

impl SampledValueOut {
    /// The `sampledValue` object; the value as a string (its `Display`
    /// form, through a stack buffer), absent options left out.
    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        let r = self.reading;
        let mut value = StackStr::<32>::default();
        // 21 digits, a sign and a point fit in 32 bytes: cannot fail.
        let _ = write!(value, "{}", r.value);
        let mut o = w.object()?;
        o.field("value", value.as_str())?;
        o.field("context", &self.context)?;
        o.field("measurand", &r.measurand)?;
        if let Some(p) = &r.phase {
            o.field("phase", p)?;
        }
        if let Some(l) = &r.location {
            o.field("location", l)?;
        }
        if let Some(u) = &unit(r.measurand) {
            o.field("unit", u)?;
        }
        o.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(v: Value) -> StackStr<32> {
        let mut s = StackStr::<32>::default();
        write!(s, "{v}").unwrap();
        s
    }

    #[test]
    fn values_print_as_exact_decimals() {
        for (milli, text) in [
            (0, "0"),
            (11_000_000, "11000"),
            (16_500, "16.5"),
            (-250, "-0.25"),
            (1, "0.001"),
            (1_010, "1.01"),
            (i64::MIN, "-9223372036854775.808"),
        ] {
            assert_eq!(shown(Value::from_milli(milli)).as_str(), text);
        }
    }

    fn reading(m: Measurand, units: i64) -> MeterReading {
        MeterReading::new(m, Value::from_units(units))
    }

    #[test]
    fn readings_keep_the_latest_value_of_a_bounded_set() {
        let mut r = Readings::default();
        assert!(r.set(reading(Measurand::PowerActiveImport, 7)));
        assert!(r.set(reading(Measurand::PowerActiveImport, 11)));
        assert_eq!(
            r.get(Measurand::PowerActiveImport),
            Some(Value::from_units(11))
        );
        // Three phases of a current are three readings; a total is a fourth.
        for (p, a) in [(Phase::L1, 16), (Phase::L2, 15), (Phase::L3, 14)] {
            assert!(r.set(reading(Measurand::CurrentImport, a).on(p)));
        }
        assert_eq!(r.get(Measurand::CurrentImport), None, "no total given");
        assert!(r.set(reading(Measurand::CurrentImport, 16).on(Phase::L1)));
        assert!(r.set(reading(Measurand::Temperature, 40).at(Location::Body)));
        assert!(r.set(reading(Measurand::Temperature, 30).at(Location::Cable)));
        assert!(r.set(reading(Measurand::SoC, 80).at(Location::EV)));
        assert!(r.set(reading(Measurand::Voltage, 230)));
        assert_eq!(r.iter().count(), MAX_READINGS);
        assert!(!r.set(reading(Measurand::Frequency, 50)), "full");
        assert!(
            r.set(reading(Measurand::Voltage, 231)),
            "a known one still updates"
        );
        let which = Measurands::NONE
            .with(Measurand::SoC)
            .with(Measurand::CurrentImport)
            .with(Measurand::PowerActiveImport)
            .with(Measurand::RPM);
        let mut got = [None; MAX_READINGS];
        for (slot, r) in got.iter_mut().zip(r.sample(which).iter()) {
            *slot = Some(r);
        }
        // The specification's order of measurands, every phase of each,
        // only what the meter has.
        assert_eq!(
            got,
            [
                Some(reading(Measurand::PowerActiveImport, 11)),
                Some(reading(Measurand::CurrentImport, 16).on(Phase::L1)),
                Some(reading(Measurand::CurrentImport, 15).on(Phase::L2)),
                Some(reading(Measurand::CurrentImport, 14).on(Phase::L3)),
                Some(reading(Measurand::SoC, 80).at(Location::EV)),
                None,
                None,
                None,
            ]
        );
    }

    /// The `sampledValue` object as the wire gets it.
    fn text(r: MeterReading) -> StackStr<256> {
        let mut buf = [0u8; 256];
        let mut w = Writer::new(&mut buf);
        let out = SampledValueOut {
            reading: r,
            context: ReadingContext::SamplePeriodic,
        };
        out.write(&mut w).unwrap();
        let n = w.len();
        let mut s = StackStr::default();
        s.write_str(core::str::from_utf8(&buf[..n]).unwrap())
            .unwrap();
        s
    }

    #[test]
    fn a_sampled_value_carries_its_phase_and_location() {
        let json = |r| serde_json::from_str::<serde_json::Value>(text(r).as_str()).unwrap();
        assert_eq!(
            json(reading(Measurand::CurrentImport, 16).on(Phase::L2)),
            serde_json::json!({"value": "16", "context": "Sample.Periodic",
                "measurand": "Current.Import", "phase": "L2", "unit": "A"})
        );
        assert_eq!(
            json(reading(Measurand::Temperature, 41).at(Location::Body)),
            serde_json::json!({"value": "41", "context": "Sample.Periodic",
                "measurand": "Temperature", "location": "Body", "unit": "Celsius"})
        );
    }

    /// Every property in the schema's order, and without the options a
    /// reading lacks (RPM has no unit).
    #[test]
    fn a_sampled_value_writes_its_properties_in_order() {
        let all = reading(Measurand::CurrentImport, 16)
            .on(Phase::L1)
            .at(Location::Cable);
        assert_eq!(
            text(all).as_str(),
            r#"{"value":"16","context":"Sample.Periodic","measurand":"Current.Import","phase":"L1","location":"Cable","unit":"A"}"#
        );
        assert_eq!(
            text(reading(Measurand::RPM, 900)).as_str(),
            r#"{"value":"900","context":"Sample.Periodic","measurand":"RPM"}"#
        );
    }
}

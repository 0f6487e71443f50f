//! Meter readings the firmware hands in, and the samples taken of them for
//! MeterValues and StopTransaction, inline and of fixed size.

use core::fmt::{self, Write as _};

use ocpp_model::{Measurand, ReadingContext, UnitOfMeasure};
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;

use crate::configuration::Measurands;
use crate::stack_str::StackStr;

/// How many measurands one connector's meter reports, and one sample holds
/// (published as `MeterValuesSampledDataMaxLength` and friends).
pub const MAX_MEASURANDS: usize = 4;

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

/// One measured value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Reading {
    pub(crate) measurand: Measurand,
    pub(crate) value: Value,
}

/// The latest reading of each measurand a connector's meter reported, or
/// the values of one sample. The measurands and the values are kept apart
/// (40 bytes, where `[Option<Reading>; 4]` takes 64).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Readings {
    /// Which measurand each slot holds; `None`: free (its value is zero).
    measurands: [Option<Measurand>; MAX_MEASURANDS],
    values: [Value; MAX_MEASURANDS],
}

impl Serialize for Readings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(MAX_MEASURANDS))?;
        for (m, value) in self.measurands.iter().zip(self.values) {
            seq.serialize_element(&m.map(|measurand| Reading { measurand, value }))?;
        }
        seq.end()
    }
}

impl Readings {
    pub(crate) const EMPTY: Readings = Readings {
        measurands: [None; MAX_MEASURANDS],
        values: [Value(0); MAX_MEASURANDS],
    };

    /// Records `value` for `measurand`; `false` when the meter already
    /// reports [`MAX_MEASURANDS`] others.
    pub(crate) fn set(&mut self, measurand: Measurand, value: Value) -> bool {
        let slot = self
            .measurands
            .iter()
            .position(|&m| m == Some(measurand))
            .or_else(|| self.measurands.iter().position(Option::is_none));
        match (slot, slot.and_then(|i| self.values.get_mut(i))) {
            (Some(i), Some(v)) => {
                *v = value;
                self.measurands[i] = Some(measurand);
                true
            }
            _ => false,
        }
    }

    pub(crate) fn get(&self, measurand: Measurand) -> Option<Value> {
        self.iter()
            .find(|r| r.measurand == measurand)
            .map(|r| r.value)
    }

    /// The readings of the measurands in `which` (those the meter has), in
    /// the specification's order.
    pub(crate) fn sample(&self, which: Measurands) -> Readings {
        let mut out = Readings::EMPTY;
        for (i, r) in which.iter().filter_map(|m| self.reading(m)).enumerate() {
            if let (Some(m), Some(v)) = (out.measurands.get_mut(i), out.values.get_mut(i)) {
                *m = Some(r.measurand);
                *v = r.value;
            }
        }
        out
    }

    fn reading(&self, m: Measurand) -> Option<Reading> {
        self.get(m).map(|value| Reading {
            measurand: m,
            value,
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.measurands.iter().all(Option::is_none)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Reading> + '_ {
        self.measurands
            .iter()
            .zip(self.values)
            .filter_map(|(m, value)| m.map(|measurand| Reading { measurand, value }))
    }
}

/// The unit a measurand is reported in.
pub(crate) fn unit(m: Measurand) -> Option<UnitOfMeasure> {
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
    pub(crate) reading: Reading,
    pub(crate) context: ReadingContext,
}

impl Serialize for SampledValueOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.reading;
        let unit = unit(r.measurand);
        let mut st = s.serialize_struct("SampledValue", 3 + usize::from(unit.is_some()))?;
        st.serialize_field("value", &DisplayStr(r.value))?;
        st.serialize_field("context", self.context.as_str())?;
        st.serialize_field("measurand", r.measurand.as_str())?;
        match unit {
            Some(u) => st.serialize_field("unit", u.as_str())?,
            None => st.skip_field("unit")?,
        }
        st.end()
    }
}

/// Serializes a value's `Display` form as a JSON string, through a stack buffer.
struct DisplayStr(Value);

impl Serialize for DisplayStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = StackStr::<32>::default();
        // 21 digits, a sign and a point fit in 32 bytes: cannot fail.
        let _ = write!(buf, "{}", self.0);
        s.serialize_str(buf.as_str())
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

    #[test]
    fn readings_keep_the_latest_value_of_a_bounded_set() {
        let mut r = Readings::default();
        assert!(r.set(Measurand::PowerActiveImport, Value::from_units(7)));
        assert!(r.set(Measurand::PowerActiveImport, Value::from_units(11)));
        assert_eq!(
            r.get(Measurand::PowerActiveImport),
            Some(Value::from_units(11))
        );
        for m in [Measurand::Voltage, Measurand::SoC, Measurand::Temperature] {
            assert!(r.set(m, Value::from_units(1)));
        }
        assert!(!r.set(Measurand::CurrentImport, Value::from_units(1)));
        let which = Measurands::NONE
            .with(Measurand::SoC)
            .with(Measurand::PowerActiveImport)
            .with(Measurand::CurrentImport);
        let s = r.sample(which);
        let mut got = s.iter().map(|r| r.measurand);
        // The specification's order, only what the meter has.
        assert_eq!(got.next(), Some(Measurand::PowerActiveImport));
        assert_eq!(got.next(), Some(Measurand::SoC));
        assert_eq!(got.next(), None);
    }
}

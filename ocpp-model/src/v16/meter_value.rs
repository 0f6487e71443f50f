//! `MeterValue` and `SampledValue`, with their enums: shared by MeterValues
//! and StopTransaction's `transactionData`.
//!
//! The enum values are spelled exactly as the schemas spell them (dots,
//! dashes, the schemas' `Celcius` beside `Celsius`). Where a property is
//! absent, OCPP's default applies; it is given on each property.

use allocator_api2::vec::Vec;

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{DateTime, Text};

ocpp_enum! {
    /// Why a value was sampled (`ReadingContext`).
    pub enum ReadingContext {
        /// At the start of an interruption of the supply.
        InterruptionBegin = "Interruption.Begin",
        /// At the end of an interruption of the supply.
        InterruptionEnd = "Interruption.End",
        /// At a clock-aligned interval.
        SampleClock = "Sample.Clock",
        /// At a periodic interval from the start of the transaction.
        SamplePeriodic = "Sample.Periodic",
        /// At the start of a transaction.
        TransactionBegin = "Transaction.Begin",
        /// At the end of a transaction.
        TransactionEnd = "Transaction.End",
        /// On a TriggerMessage.
        Trigger = "Trigger",
        /// Anything else.
        Other = "Other",
    }
}

ocpp_enum! {
    /// How `value` is written.
    pub enum ValueFormat {
        /// A decimal number.
        Raw,
        /// Binary data, signed, in a vendor format.
        SignedData,
    }
}

ocpp_enum! {
    /// What was measured.
    pub enum Measurand {
        /// Energy exported to the grid, register (Wh or kWh).
        EnergyActiveExportRegister = "Energy.Active.Export.Register",
        /// Energy imported by the EV, register (Wh or kWh).
        EnergyActiveImportRegister = "Energy.Active.Import.Register",
        /// Reactive energy exported, register (varh or kvarh).
        EnergyReactiveExportRegister = "Energy.Reactive.Export.Register",
        /// Reactive energy imported, register (varh or kvarh).
        EnergyReactiveImportRegister = "Energy.Reactive.Import.Register",
        /// Energy exported during the interval.
        EnergyActiveExportInterval = "Energy.Active.Export.Interval",
        /// Energy imported during the interval.
        EnergyActiveImportInterval = "Energy.Active.Import.Interval",
        /// Reactive energy exported during the interval.
        EnergyReactiveExportInterval = "Energy.Reactive.Export.Interval",
        /// Reactive energy imported during the interval.
        EnergyReactiveImportInterval = "Energy.Reactive.Import.Interval",
        /// Instantaneous active power exported (W or kW).
        PowerActiveExport = "Power.Active.Export",
        /// Instantaneous active power imported (W or kW).
        PowerActiveImport = "Power.Active.Import",
        /// The maximum power offered to the EV.
        PowerOffered = "Power.Offered",
        /// Instantaneous reactive power exported (var or kvar).
        PowerReactiveExport = "Power.Reactive.Export",
        /// Instantaneous reactive power imported (var or kvar).
        PowerReactiveImport = "Power.Reactive.Import",
        /// Power factor.
        PowerFactor = "Power.Factor",
        /// Current into the EV (A).
        CurrentImport = "Current.Import",
        /// Current from the EV (A).
        CurrentExport = "Current.Export",
        /// The maximum current offered to the EV.
        CurrentOffered = "Current.Offered",
        /// Voltage (V).
        Voltage = "Voltage",
        /// Frequency (Hz).
        Frequency = "Frequency",
        /// Temperature.
        Temperature = "Temperature",
        /// State of charge of the EV (Percent).
        SoC = "SoC",
        /// Fan speed.
        RPM = "RPM",
    }
}

ocpp_enum! {
    /// The phase, or pair of phases, a value was measured on.
    pub enum Phase {
        /// Phase L1.
        L1 = "L1",
        /// Phase L2.
        L2 = "L2",
        /// Phase L3.
        L3 = "L3",
        /// Neutral.
        N = "N",
        /// L1 to neutral.
        L1N = "L1-N",
        /// L2 to neutral.
        L2N = "L2-N",
        /// L3 to neutral.
        L3N = "L3-N",
        /// L1 to L2.
        L1L2 = "L1-L2",
        /// L2 to L3.
        L2L3 = "L2-L3",
        /// L3 to L1.
        L3L1 = "L3-L1",
    }
}

ocpp_enum! {
    /// Where a value was measured.
    pub enum Location {
        /// In the cable.
        Cable,
        /// In the EV.
        EV = "EV",
        /// At the grid connection.
        Inlet,
        /// At the connector.
        Outlet,
        /// In the charge point's body.
        Body,
    }
}

ocpp_enum! {
    /// The unit of a value (`UnitOfMeasure`).
    pub enum UnitOfMeasure {
        /// Watt-hours.
        Wh = "Wh",
        /// Kilowatt-hours.
        KWh = "kWh",
        /// Var-hours.
        Varh = "varh",
        /// Kilovar-hours.
        Kvarh = "kvarh",
        /// Watts.
        W = "W",
        /// Kilowatts.
        KW = "kW",
        /// Volt-amperes.
        VA = "VA",
        /// Kilovolt-amperes.
        KVA = "kVA",
        /// Vars.
        Var = "var",
        /// Kilovars.
        Kvar = "kvar",
        /// Amperes.
        A = "A",
        /// Volts.
        V = "V",
        /// Kelvin.
        K = "K",
        /// Degrees Celsius, as misspelled by the 1.6 schemas (still valid).
        Celcius = "Celcius",
        /// Degrees Celsius.
        Celsius = "Celsius",
        /// Degrees Fahrenheit.
        Fahrenheit = "Fahrenheit",
        /// Per cent.
        Percent = "Percent",
        /// Hertz. Not in StopTransaction's schema: keep it out of
        /// `transactionData`.
        Hertz = "Hertz",
    }
}

ocpp_object! {
    /// One sampled value.
    pub struct SampledValue<A> {
        /// The value, as a string (a number for `Raw`); unbounded by the
        /// schema, bounded by the frame size.
        req value: Text<A> = "value";
        /// Default `Sample.Periodic`.
        opt context: ReadingContext = "context";
        /// Default `Raw`.
        opt format: ValueFormat = "format";
        /// Default `Energy.Active.Import.Register`.
        opt measurand: Measurand = "measurand";
        /// Absent: not phase-specific.
        opt phase: Phase = "phase";
        /// Default `Outlet`.
        opt location: Location = "location";
        /// Default `Wh`.
        opt unit: UnitOfMeasure = "unit";
    }
}

ocpp_object! {
    /// The values sampled at one instant: at least one.
    pub struct MeterValue<A> {
        req timestamp: DateTime = "timestamp";
        req sampled_value: Vec<SampledValue<A>, A> = "sampledValue", min_items = 1;
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_types)]
mod tests {
    use super::*;
    use crate::test_util::heap;
    use crate::{decode, DecodeError, ErrorCode};

    #[test]
    fn wire_names_are_the_schemas() {
        let names = |all: &[&str]| all.join(" ");
        let measurands: std::vec::Vec<_> = Measurand::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(measurands[1], "Energy.Active.Import.Register");
        assert_eq!(measurands.len(), 22);
        let phases: std::vec::Vec<_> = Phase::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(
            names(&phases),
            "L1 L2 L3 N L1-N L2-N L3-N L1-L2 L2-L3 L3-L1"
        );
        assert_eq!(
            ReadingContext::parse("Sample.Periodic"),
            Ok(ReadingContext::SamplePeriodic)
        );
        assert_eq!(UnitOfMeasure::parse("kWh"), Ok(UnitOfMeasure::KWh));
        assert_eq!(Location::EV.as_str(), "EV");
        assert_eq!(Measurand::RPM.as_str(), "RPM");
        assert!(Measurand::parse("energy.active.import.register").is_err());
    }

    #[test]
    fn a_meter_value_needs_a_sampled_value() {
        let e: DecodeError = decode::<MeterValue<_>, _>(
            br#"{"timestamp":"2026-11-25T16:21:50Z","sampledValue":[]}"#,
            heap(),
        )
        .unwrap_err();
        assert_eq!(
            e,
            DecodeError::new(
                ErrorCode::OccurenceConstraintViolation,
                "sampledValue: fewer items than minItems"
            )
        );
    }
}

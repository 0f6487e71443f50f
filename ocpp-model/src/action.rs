//! The actions of OCPP 1.6J: 28 core actions and the 11 of the security
//! extension (one request and one response schema each).

use crate::macros::ocpp_enum;

ocpp_enum! {
    /// An OCPP 1.6J action, as named in the `Action` element of a CALL.
    pub enum Action {
        /// Charge point → central system.
        Authorize,
        /// Charge point → central system.
        BootNotification,
        /// Central system → charge point.
        CancelReservation,
        /// Central system → charge point.
        ChangeAvailability,
        /// Central system → charge point.
        ChangeConfiguration,
        /// Central system → charge point.
        ClearCache,
        /// Central system → charge point.
        ClearChargingProfile,
        /// Either direction.
        DataTransfer,
        /// Charge point → central system.
        DiagnosticsStatusNotification,
        /// Charge point → central system.
        FirmwareStatusNotification,
        /// Central system → charge point.
        GetCompositeSchedule,
        /// Central system → charge point.
        GetConfiguration,
        /// Central system → charge point.
        GetDiagnostics,
        /// Central system → charge point.
        GetLocalListVersion,
        /// Charge point → central system.
        Heartbeat,
        /// Charge point → central system.
        MeterValues,
        /// Central system → charge point.
        RemoteStartTransaction,
        /// Central system → charge point.
        RemoteStopTransaction,
        /// Central system → charge point.
        ReserveNow,
        /// Central system → charge point.
        Reset,
        /// Central system → charge point.
        SendLocalList,
        /// Central system → charge point.
        SetChargingProfile,
        /// Charge point → central system.
        StartTransaction,
        /// Charge point → central system.
        StatusNotification,
        /// Charge point → central system.
        StopTransaction,
        /// Central system → charge point.
        TriggerMessage,
        /// Central system → charge point.
        UnlockConnector,
        /// Central system → charge point.
        UpdateFirmware,
        /// Security extension, central system → charge point.
        CertificateSigned,
        /// Security extension, central system → charge point.
        DeleteCertificate,
        /// Security extension, central system → charge point.
        ExtendedTriggerMessage,
        /// Security extension, central system → charge point.
        GetInstalledCertificateIds,
        /// Security extension, central system → charge point.
        GetLog,
        /// Security extension, central system → charge point.
        InstallCertificate,
        /// Security extension, charge point → central system.
        LogStatusNotification,
        /// Security extension, charge point → central system.
        SecurityEventNotification,
        /// Security extension, charge point → central system.
        SignCertificate,
        /// Security extension, charge point → central system.
        SignedFirmwareStatusNotification,
        /// Security extension, central system → charge point.
        SignedUpdateFirmware,
    }
}

impl Action {
    /// The length of the longest action name (32 bytes,
    /// `SignedFirmwareStatusNotification`): an escaped name that unescapes
    /// to more is no action.
    pub(crate) const MAX_NAME_LEN: usize = {
        let mut max = 0;
        let mut i = 0;
        while i < Action::ALL.len() {
            let len = Action::ALL[i].as_str().len();
            if len > max {
                max = len;
            }
            i += 1;
        }
        max
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UnknownVariant;

    #[test]
    fn every_action_has_its_schemas() {
        assert_eq!(Action::ALL.len(), 39);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/ocpp16");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if let Some(stem) = name.strip_suffix(".json") {
                files += 1;
                let action = stem.strip_suffix("Response").unwrap_or(stem);
                assert!(Action::parse(action).is_ok(), "{name}");
            }
        }
        assert_eq!(files, 2 * Action::ALL.len());
    }

    #[test]
    fn the_longest_name() {
        assert_eq!(Action::MAX_NAME_LEN, 32);
        assert!(Action::ALL.iter().all(|a| a.as_str().len() <= 32));
        assert_eq!(
            Action::SignedFirmwareStatusNotification.as_str().len(),
            Action::MAX_NAME_LEN
        );
    }

    #[test]
    fn parse_is_exact() {
        for &a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Ok(a));
            assert_eq!(a.to_string(), a.as_str());
        }
        assert_eq!(Action::parse("heartbeat"), Err(UnknownVariant));
        assert_eq!(Action::parse("Heartbeat "), Err(UnknownVariant));
        assert_eq!(Action::parse(""), Err(UnknownVariant));
    }
}

//! ChangeConfiguration (central system → charge point, OCPP 1.6 §5.3): set
//! one configuration key.

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{Action, Allocator, CiString, Request};

ocpp_object! {
    /// ChangeConfiguration.req.
    pub struct ChangeConfigurationRequest<A> {
        req key: CiString<50, A> = "key";
        req value: CiString<500, A> = "value";
    }
}

impl<A: Allocator> Request for ChangeConfigurationRequest<A> {
    const ACTION: Action = Action::ChangeConfiguration;
    type Response = ChangeConfigurationResponse;
}

ocpp_enum! {
    /// The charge point's answer to a ChangeConfiguration.
    pub enum ConfigurationStatus {
        /// Changed, in effect now.
        Accepted,
        /// Not changed: a bad value, or a read-only key.
        Rejected,
        /// Changed, in effect after a reboot.
        RebootRequired,
        /// The key is unknown.
        NotSupported,
    }
}

ocpp_object! {
    /// ChangeConfiguration.conf.
    #[derive(Clone, Copy)]
    pub struct ChangeConfigurationResponse {
        req status: ConfigurationStatus = "status";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip, ci, Heap};

    #[test]
    fn golden_request() {
        call_round_trip(
            r#"[2,"c2","ChangeConfiguration",{"key":"MeterValuesSampledData","value":"Energy.Active.Import.Register,Voltage"}]"#,
            &ChangeConfigurationRequest {
                key: ci("MeterValuesSampledData"),
                value: ci("Energy.Active.Import.Register,Voltage"),
            },
        );
        call_round_trip(
            r#"[2,"c3","ChangeConfiguration",{"key":"x\\y","value":""}]"#,
            &ChangeConfigurationRequest {
                key: ci("x\\y"),
                value: ci(""),
            },
        );
    }

    #[test]
    fn golden_response() {
        for status in ConfigurationStatus::ALL {
            answer_round_trip::<ChangeConfigurationRequest<Heap>>(
                &format!(r#"[3,"c2",{{"status":"{status}"}}]"#),
                &ChangeConfigurationResponse { status: *status },
            );
        }
    }
}

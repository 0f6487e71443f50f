//! The central system's CALLs that configure and control the charge
//! point, and CALLs that come faster than the charge point transmits.

use ocpp_model::UnlockStatus;

use super::{authorized, boot};
use crate::scenario::{Scenario, Step};

/// A TxProfile for RemoteStartTransaction: 7.4 kW from the start.
const TX_PROFILE: &str = r#"{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative","chargingSchedule":{"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":7400.0}]}}"#;

/// The firmware's configure (valid, unknown, read-only, invalid), then
/// GetConfiguration (all keys; named keys with unknown ones) and
/// ChangeConfiguration (Accepted, Rejected, NotSupported).
pub fn configuration() -> Scenario {
    let mut s = vec![
        Step::configure("HeartbeatInterval", "120"),
        Step::configure("NoSuchKey", "1"),
        Step::configure("NumberOfConnectors", "2"),
        Step::configure("MeterValueSampleInterval", "-5"),
        Step::configure(
            "MeterValuesSampledData",
            "Energy.Active.Import.Register,Voltage",
        ),
    ];
    s.extend(boot(1));
    s.extend([
        Step::receive(r#"[2,"g1","GetConfiguration",{}]"#),
        Step::receive(
            r#"[2,"g2","GetConfiguration",{"key":["HeartbeatInterval","NoSuchKey","MeterValuesSampledData","AlsoUnknown"]}]"#,
        ),
        Step::receive(r#"[2,"g3","GetConfiguration",{"key":["AuthorizationKey"]}]"#),
        Step::receive(
            r#"[2,"c1","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60"}]"#,
        ),
        Step::receive(
            r#"[2,"c2","ChangeConfiguration",{"key":"NumberOfConnectors","value":"3"}]"#,
        ),
        Step::receive(
            r#"[2,"c3","ChangeConfiguration",{"key":"MeterValueSampleInterval","value":"soon"}]"#,
        ),
        Step::receive(r#"[2,"c4","ChangeConfiguration",{"key":"NoSuchKey","value":"1"}]"#),
        Step::receive(
            r#"[2,"c5","ChangeConfiguration",{"key":"AuthorizationKey","value":"0123456789abcdef"}]"#,
        ),
        Step::Advance(60),
        Step::Answer,
    ]);
    s
}

/// Two connectors: RemoteStartTransaction with a connectorId, without one,
/// with a TxProfile, with another profile (Rejected); RemoteStopTransaction
/// of a running transaction and of an unknown one.
pub fn remote_start_stop() -> Scenario {
    let mut s = boot(2);
    s.extend([
        Step::receive(
            r#"[2,"r1","RemoteStartTransaction",{"connectorId":1,"idTag":"REMOTE-1"}]"#,
        ),
        authorized(),
        Step::Answer,
        Step::PlugIn(1),
        Step::Answer,
        Step::Answer,
        Step::Receive(format!(
            r#"[2,"r2","RemoteStartTransaction",{{"connectorId":2,"idTag":"REMOTE-2","chargingProfile":{}}}]"#,
            TX_PROFILE.replace("TxProfile", "ChargePointMaxProfile")
        )),
        Step::Receive(format!(
            r#"[2,"r3","RemoteStartTransaction",{{"connectorId":2,"idTag":"REMOTE-2","chargingProfile":{TX_PROFILE}}}]"#
        )),
        authorized(),
        Step::PlugIn(2),
        Step::Answer,
        Step::Answer,
        Step::receive(r#"[2,"r4","RemoteStartTransaction",{"idTag":"REMOTE-3"}]"#),
        Step::receive(r#"[2,"r5","RemoteStopTransaction",{"transactionId":42}]"#),
        Step::receive(r#"[2,"r6","RemoteStopTransaction",{"transactionId":999}]"#),
        Step::Answer,
        Step::Answer,
        Step::Unplug(1),
        Step::receive(r#"[2,"r7","RemoteStartTransaction",{"idTag":"REMOTE-3"}]"#),
        Step::Answer,
        authorized(),
        Step::Answer,
    ]);
    s
}

/// Two connectors with transactions: ChangeAvailability Scheduled and
/// Accepted, UnlockConnector and the firmware's outcome, ClearCache,
/// TriggerMessage, Reset Soft and Hard.
pub fn remote_control() -> Scenario {
    let mut s = boot(2);
    for c in 1..=2 {
        s.extend([
            Step::PlugIn(c),
            Step::Answer,
            Step::present(c, "ABCD1234"),
            authorized(),
            Step::Answer,
            Step::Answer,
        ]);
    }
    s.extend([
        Step::receive(r#"[2,"a1","ChangeAvailability",{"connectorId":2,"type":"Inoperative"}]"#),
        Step::receive(r#"[2,"a2","ChangeAvailability",{"connectorId":9,"type":"Inoperative"}]"#),
        Step::receive(r#"[2,"u1","UnlockConnector",{"connectorId":1}]"#),
        Step::UnlockResult(1, UnlockStatus::Unlocked),
        Step::UnlockResult(1, UnlockStatus::Unlocked),
        Step::Answer,
        Step::Answer,
        Step::receive(r#"[2,"k1","ClearCache",{}]"#),
        Step::receive(r#"[2,"t1","TriggerMessage",{"requestedMessage":"StatusNotification"}]"#),
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::receive(r#"[2,"x1","Reset",{"type":"Soft"}]"#),
        Step::Answer,
        Step::Answer,
        Step::Unplug(1),
        Step::receive(r#"[2,"a3","ChangeAvailability",{"connectorId":0,"type":"Operative"}]"#),
        Step::Answer,
        Step::Answer,
        Step::PlugIn(1),
        Step::present(1, "ABCD1234"),
        Step::Answer,
        authorized(),
        Step::Answer,
        Step::receive(r#"[2,"x2","Reset",{"type":"Hard"}]"#),
        Step::Answer,
        Step::Answer,
        Step::Answer,
    ]);
    s
}

/// CALLs faster than the charge point transmits: while the link is
/// stalled, answers wait in both slots (one of them a GetConfiguration
/// holding unknown keys in the pool), further CALLs meet `Busy` and change
/// nothing, an idTag is presented; then everything goes out, the refused
/// CALL is taken in when sent again, and frames come out through a buffer
/// too small for them.
pub fn busy() -> Scenario {
    let mut s = boot(1);
    s.extend([
        Step::PlugIn(1),
        Step::Answer,
        Step::Stall,
        Step::receive(r#"[2,"b1","GetConfiguration",{"key":["HeartbeatInterval","NoSuchKey","AlsoUnknown"]}]"#),
        Step::receive(r#"[2,"b2","GetConfiguration",{}]"#),
        Step::receive(r#"[2,"b3","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]"#),
        Step::receive(r#"[2,"b4","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60"}]"#),
        Step::receive(r#"[2,"b5","ClearCache",{}]"#),
        Step::present(1, "ABCD1234"),
        Step::Advance(20),
        Step::Flush,
        Step::receive(r#"[2,"b4","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60"}]"#),
        authorized(),
        Step::Answer,
        Step::Stall,
        Step::Answer,
        Step::receive(r#"[2,"b6","UnlockConnector",{"connectorId":1}]"#),
        Step::receive(r#"[2,"b7","Reset",{"type":"Hard"}]"#),
        Step::receive(r#"[2,"b8","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#),
        Step::UnlockResult(1, UnlockStatus::UnlockFailed),
        Step::SmallBuffer(40),
        Step::Flush,
        Step::Answer,
        Step::Answer,
        Step::receive(r#"[2,"b9","GetConfiguration",{"key":["NoSuchKey"]}]"#),
        Step::receive(r#"[2,"b8","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#),
        Step::SmallBuffer(0),
        Step::Answer,
    ]);
    s
}

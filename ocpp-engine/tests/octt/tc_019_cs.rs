//! TC_019_CS Retrieve configuration (OCTT test case document p32).
//!
//! Purpose: not in the collected excerpt. The CSMS twin (TC_019_1): "To
//! check whether the Central System is able to retrieve all Configuration
//! keys and whether the Charge Point has all required keys configured."
//!
//! Config: AuthorizationKey=<Configured AuthorizationKey> (if implemented).
//! Steps as shown: 3 → 4, 5 → 6 and 7 → 8, each a CS GetConfiguration.req
//! answered by the CP's .conf; the rows of steps 1-2 are missing from the
//! page's table, its validations name them.
//!
//! Validations: S2 GetConfiguration.conf unknownKey list empty;
//! configurationKey.key=SupportedFeatureProfiles; its value is a CSL in
//! which 'Core' is required, optionally with FirmwareManagement,
//! LocalAuthListManagement, Reservation, SmartCharging, RemoteTrigger. S4
//! contains at least all required keys of the profiles reported in step 2,
//! each with the correct accessibility (Core, completed from the TC_019_1
//! CSMS page): AuthorizeRemoteTxRequests R or RW; ClockAlignedDataInterval
//! RW; ConnectionTimeOut RW; ConnectorPhaseRotation RW;
//! GetConfigurationMaxKeys R; HeartbeatInterval RW; LocalAuthorizeOffline
//! RW; LocalPreAuthorize RW; MeterValuesAlignedData RW;
//! MeterValuesSampledData RW; MeterValueSampleInterval RW;
//! NumberOfConnectors R; ResetRetries RW; StopTransactionOnEVSideDisconnect
//! RW; StopTransactionOnInvalidId RW; StopTxnAlignedData RW;
//! StopTxnSampledData RW; SupportedFeatureProfiles R;
//! TransactionMessageAttempts RW; TransactionMessageRetryInterval RW;
//! UnlockConnectorOnEVSideDisconnect RW. TRUNC after that: steps 5-8 are
//! cut off. This test asks for SupportedFeatureProfiles at step 1 and for
//! every key at step 3; in place of steps 5-8 it checks what the
//! configured AuthorizationKey is there for, as PROTOCOL.md (not the tool)
//! states it: the key is write-only, never returned.

use serde_json::json;

use crate::states::{booted, configure, configured, get_configuration};
use crate::support::pool;

/// The Core keys and whether each is read-only (`None`: either).
const CORE: &[(&str, Option<bool>)] = &[
    ("AuthorizeRemoteTxRequests", None),
    ("ClockAlignedDataInterval", Some(false)),
    ("ConnectionTimeOut", Some(false)),
    ("ConnectorPhaseRotation", Some(false)),
    ("GetConfigurationMaxKeys", Some(true)),
    ("HeartbeatInterval", Some(false)),
    ("LocalAuthorizeOffline", Some(false)),
    ("LocalPreAuthorize", Some(false)),
    ("MeterValuesAlignedData", Some(false)),
    ("MeterValuesSampledData", Some(false)),
    ("MeterValueSampleInterval", Some(false)),
    ("NumberOfConnectors", Some(true)),
    ("ResetRetries", Some(false)),
    ("StopTransactionOnEVSideDisconnect", Some(false)),
    ("StopTransactionOnInvalidId", Some(false)),
    ("StopTxnAlignedData", Some(false)),
    ("StopTxnSampledData", Some(false)),
    ("SupportedFeatureProfiles", Some(true)),
    ("TransactionMessageAttempts", Some(false)),
    ("TransactionMessageRetryInterval", Some(false)),
    ("UnlockConnectorOnEVSideDisconnect", Some(false)),
];

const PROFILES: &[&str] = &[
    "Core",
    "FirmwareManagement",
    "LocalAuthListManagement",
    "Reservation",
    "SmartCharging",
    "RemoteTrigger",
];

const AUTHORIZATION_KEY: &str = "0123456789abcdef";

#[test]
fn tc_019_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    configure(&mut h, "AuthorizationKey", AUTHORIZATION_KEY);
    // 1-2: SupportedFeatureProfiles, Core among them.
    let answer = get_configuration(&mut h, &["SupportedFeatureProfiles"]);
    assert!(
        answer.get("unknownKey").is_none_or(|u| u == &json!([])),
        "{answer}"
    );
    let keys = answer["configurationKey"].as_array().expect("a list");
    assert_eq!(keys.len(), 1, "{answer}");
    assert_eq!(keys[0]["key"], "SupportedFeatureProfiles", "{answer}");
    let profiles: Vec<&str> = keys[0]["value"]
        .as_str()
        .expect("a value")
        .split(',')
        .map(str::trim)
        .collect();
    assert!(profiles.contains(&"Core"), "{answer}");
    assert!(profiles.iter().all(|p| PROFILES.contains(p)), "{answer}");
    // 3-4: every key: the Core keys, each with its accessibility.
    let all = get_configuration(&mut h, &[]);
    for &(key, readonly) in CORE {
        let entry = configured(&all, key).unwrap_or_else(|| panic!("{key} missing from {all}"));
        assert!(entry["readonly"].is_boolean(), "{entry}");
        if let Some(readonly) = readonly {
            assert_eq!(entry["readonly"], readonly, "{key}: {entry}");
        }
        assert!(entry["value"].is_string(), "{key}: {entry}");
    }
    // AuthorizationKey is written, never read.
    assert!(configured(&all, "AuthorizationKey").is_none(), "{all}");
    assert!(!all.to_string().contains(AUTHORIZATION_KEY), "{all}");
    let asked = get_configuration(&mut h, &["AuthorizationKey"]);
    let listed = asked["configurationKey"].as_array().map_or(0, Vec::len);
    assert_eq!(listed, 0, "{asked}");
    assert!(!asked.to_string().contains(AUTHORIZATION_KEY), "{asked}");
    h.expect_quiet();
}

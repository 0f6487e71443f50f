//! The inputs the stateful target's programs choose from: the central
//! system's CALLs and answers, idTags, reasons, faults, readings, keys to
//! configure, and the step opcodes.

use ocpp_engine::{Access, Config, Duration};
use ocpp_model::{ChargePointErrorCode, Location, Measurand, Phase, Reason, UnlockStatus};

/// The central system's CALLs (valid, and some that are not), as sent.
pub const CALLS: &[&str] = &[
    r#"[2,"cs1","Reset",{"type":"Soft"}]"#,
    r#"[2,"cs2","Reset",{"type":"Hard"}]"#,
    r#"[2,"cs3","UnknownThing",{}]"#,
    r#"[2,"cs4","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#,
    r#"[2,"cs5","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]"#,
    r#"[2,"cs6","TriggerMessage",{"requestedMessage":"BootNotification"}]"#,
    r#"[2,"cs7","Reset"]"#,
    r#"[2,"cs8","ChangeAvailability",{"connectorId":1,"type":"Inoperative"}]"#,
    r#"[2,"cs9","ChangeAvailability",{"connectorId":0,"type":"Operative"}]"#,
    r#"[2,"cs10","RemoteStopTransaction",{"transactionId":42}]"#,
    r#"[2,"cs11","RemoteStopTransaction",{"transactionId":999}]"#,
    r#"[2,"cs12","UnlockConnector",{"connectorId":1}]"#,
    r#"[2,"cs13","UnlockConnector",{"connectorId":2}]"#,
    r#"[2,"cs14","ClearCache",{}]"#,
    r#"[2,"ca1","DataTransfer",{"vendorId":"com.acme","messageId":"hello","data":"x\"y"}]"#,
    r#"[2,"ca2","GetConfiguration",{"key":["HeartbeatInterval","NoSuchKey"]}]"#,
    r#"[2,"ca4","ChangeConfiguration",{"key":"HeartbeatInterval","value":"120"}]"#,
    r#"[2,"ca5","ChangeConfiguration",{"key":"MeterValueSampleInterval","value":"30"}]"#,
    r#"[2,"ca6","ChangeConfiguration",{"key":"MeterValuesSampledData","value":"Energy.Active.Import.Register,Power.Active.Import,SoC"}]"#,
    r#"[2,"ca7","ChangeConfiguration",{"key":"NoSuchKey","value":"1"}]"#,
    r#"[2,"ca8","RemoteStartTransaction",{"connectorId":1,"idTag":"REMOTE-1"}]"#,
    r#"[2,"ca9","RemoteStartTransaction",{"idTag":"REMOTE-2"}]"#,
    r#"[2,"ca10","RemoteStartTransaction",{"connectorId":2,"idTag":"REMOTE-3","chargingProfile":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative","chargingSchedule":{"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":7400.0}]}}}]"#,
    r#"[2,"ca11","ChangeConfiguration",{"key":"AllowOfflineTxForUnknownId","value":"true"}]"#,
    r#"[2,"ca12","GetConfiguration",{}]"#,
    r#"[2,"ca13","TriggerMessage",{"requestedMessage":"MeterValues"}]"#,
    r#"[2,"ca14","ChangeConfiguration",{"key":"ClockAlignedDataInterval","value":"60"}]"#,
    r#"[2,"ca15","ChangeConfiguration",{"key":"LocalPreAuthorize","value":"true"}]"#,
    r#"[2,"ca16","ChangeConfiguration",{"key":"TransactionMessageAttempts","value":"1"}]"#,
    r#"[2,"ca17","TriggerMessage",{"requestedMessage":"DiagnosticsStatusNotification"}]"#,
    r#"[2,"ca18","ChangeConfiguration",{"key":"AuthorizationCacheEnabled","value":"true"}]"#,
];

/// A step of [`op::AUTHORIZATION_KEY`]: the write-only `AuthorizationKey`
/// set or asked for by the central system (a frame), or set by the
/// firmware (a value for `configure`).
#[derive(Clone, Copy, Debug)]
pub enum KeyStep {
    Central(&'static str),
    Firmware(&'static str),
}

/// The `AuthorizationKey` steps; the values of 41 characters are one over
/// the limit, refused.
pub const AUTHORIZATION_KEY: &[KeyStep] = &[
    KeyStep::Central(
        r#"[2,"ak1","ChangeConfiguration",{"key":"AuthorizationKey","value":"Central-Key-0123456789"}]"#,
    ),
    KeyStep::Central(
        r#"[2,"ak2","ChangeConfiguration",{"key":"AuthorizationKey","value":"Central-Key-0123456789-0123456789-0123456"}]"#,
    ),
    KeyStep::Central(
        r#"[2,"ak3","GetConfiguration",{"key":["AuthorizationKey","Secret","HeartbeatInterval"]}]"#,
    ),
    KeyStep::Central(r#"[2,"ak4","GetConfiguration",{}]"#),
    KeyStep::Firmware("Firmware-Key-42"),
    KeyStep::Firmware("Firmware-Key-0123456789-0123456789-012345"),
];

/// Payloads the central system may answer our CALL with (any CALL).
pub const ANSWERS: &[&str] = &[
    r#"{"idTagInfo":{"status":"Maybe"}}"#,
    r#"{"status":"Accepted"}"#,
    r#"{"currentTime":"yesterday"}"#,
    r#"{"idTagInfo":{"status":"Accepted","parentIdTag":"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}}"#,
    r#"{"idTagInfo":{"status":"Blocked"}}"#,
    r#"{"idTagInfo":{"status":"Accepted","expiryDate":"2030-01-01T00:00:00Z","parentIdTag":"FLEET"}}"#,
    r#"{"transactionId":77,"idTagInfo":{"status":"Blocked"}}"#,
    r#"{"transactionId":78,"idTagInfo":{"status":"Accepted"}}"#,
    r#"{"status":"Rejected","currentTime":"2026-11-25T10:00:00Z","interval":30}"#,
    r#"{"status":"Pending","currentTime":"2026-11-25T10:00:00Z","interval":0}"#,
    r#"{"status":"Accepted","currentTime":"2026-11-25T10:00:00Z","interval":0}"#,
    r#"{}"#,
];

pub(super) const ERROR_CODES: &[&str] = &[
    "InternalError",
    "FormationViolation",
    "NotImplemented",
    "Bogus",
];

pub(super) const TAGS: &[&str] = &[
    "ABCD1234",
    "04A1B2C3D4E5F6",
    "FLEET-CARD",
    "T",
    "12345678901234567890",
    "",
    "ÄÖÜ",
    "123456789012345678901",
];

pub(super) const REASONS: &[Reason] = &[
    Reason::Local,
    Reason::EmergencyStop,
    Reason::PowerLoss,
    Reason::Other,
    Reason::Reboot,
    Reason::EVDisconnected,
];

pub(super) const FAULTS: &[Option<ChargePointErrorCode>] = &[
    None,
    Some(ChargePointErrorCode::GroundFailure),
    Some(ChargePointErrorCode::OverCurrentFailure),
    Some(ChargePointErrorCode::NoError),
];

pub(super) const MEASURANDS: &[Measurand] = &[
    Measurand::EnergyActiveImportRegister,
    Measurand::PowerActiveImport,
    Measurand::CurrentImport,
    Measurand::Voltage,
    Measurand::SoC,
];

/// A phase and a location for a reading, or none (a whole-meter value).
pub(super) const PHASES: &[Option<Phase>] = &[
    None,
    Some(Phase::L1),
    Some(Phase::L2),
    Some(Phase::L3),
    Some(Phase::L1N),
];
pub(super) const LOCATIONS: &[Option<Location>] = &[
    None,
    Some(Location::Body),
    Some(Location::EV),
    Some(Location::Cable),
];

pub(super) const CONFIGURE: &[(&str, &str)] = &[
    (
        "MeterValuesSampledData",
        "Current.Import,Voltage,SoC,Energy.Active.Import.Register",
    ),
    ("StopTxnSampledData", "Current.Import,Power.Active.Import"),
    ("MeterValueSampleInterval", "30"),
    (
        "MeterValuesSampledData",
        "Energy.Active.Import.Register,Power.Active.Import",
    ),
    ("StopTxnSampledData", "Energy.Active.Import.Register"),
    ("AllowOfflineTxForUnknownId", "true"),
    ("AuthorizationCacheEnabled", "true"),
    ("AuthorizationCacheEnabled", "false"),
    ("LocalPreAuthorize", "true"),
    ("LocalAuthorizeOffline", "false"),
    ("StopTransactionOnInvalidId", "false"),
    ("ConnectionTimeOut", "20"),
    ("TransactionMessageAttempts", "1"),
    ("ClockAlignedDataInterval", "900"),
    ("HeartbeatInterval", "0"),
    ("NoSuchKey", "1"),
    ("HeartbeatInterval", "soon"),
    (
        "StopTxnAlignedData",
        "Energy.Active.Import.Register,Current.Import",
    ),
];

pub(super) const UNLOCK: &[UnlockStatus] = &[
    UnlockStatus::Unlocked,
    UnlockStatus::UnlockFailed,
    UnlockStatus::NotSupported,
];

/// The step opcodes, the first byte of each step ([`op::of`]).
pub mod op {
    pub const CONNECT: u8 = 0;
    pub const DISCONNECT: u8 = 1;
    pub const ADVANCE: u8 = 2;
    pub const ANSWER: u8 = 3;
    pub const ANSWER_WITH: u8 = 4;
    pub const ANSWER_ERROR: u8 = 5;
    pub const CALL: u8 = 6;
    pub const RAW: u8 = 7;
    pub const MUTATED_CALL: u8 = 8;
    pub const PLUG_IN: u8 = 9;
    pub const UNPLUG: u8 = 10;
    pub const UNPLUG_EV: u8 = 11;
    pub const PRESENT: u8 = 12;
    pub const STOP: u8 = 13;
    pub const METER: u8 = 14;
    pub const EV_SUSPENDED: u8 = 15;
    pub const FAULT: u8 = 16;
    pub const AUTHORIZE: u8 = 17;
    pub const CONFIGURE: u8 = 18;
    pub const UNLOCK_RESULT: u8 = 19;
    pub const REFUSE: u8 = 20;
    pub const POWER_CUT: u8 = 21;
    pub const REBOOT: u8 = 22;
    pub const STORAGE_FAILING: u8 = 23;
    /// How many opcodes the first 240 byte values share.
    pub const COUNT: u8 = 24;
    /// The firmware registers a vendor or an action of its own.
    pub const REGISTER: u8 = 240;
    /// The central system sends a CALL for the firmware's parts.
    pub const FIRMWARE_CALL: u8 = 241;
    /// The firmware answers the CALL it holds.
    pub const ANSWER_INCOMING: u8 = 242;
    /// The firmware sends a CALL of its own.
    pub const SEND_CALL: u8 = 243;
    /// The firmware reads, and may free, the answer to its CALL.
    pub const CALL_ANSWER: u8 = 244;
    /// The firmware adds a configuration key of its own.
    pub const ADD_KEY: u8 = 245;
    /// A firmware update: a reboot into another build's configuration
    /// (other connectors, queue places, cache entries), from the records
    /// the last one wrote.
    pub const REBOOT_RECONFIGURED: u8 = 246;
    /// The next step, then what it queued polled with a small buffer: a
    /// frame that does not fit waits, the state unchanged (an answer too
    /// long for a buffer of `MIN_TRANSMIT_LEN` or more becomes a
    /// CALLERROR).
    pub const SMALL_TRANSMIT: u8 = 247;
    /// The write-only `AuthorizationKey` set or asked for
    /// ([`AUTHORIZATION_KEY`](super::AUTHORIZATION_KEY)).
    pub const AUTHORIZATION_KEY: u8 = 248;
    const LATER: u8 = 9;

    /// The opcode of a step's first byte. The values below 240 keep the
    /// first 24 opcodes (the value modulo 24), so that most of the corpus
    /// the long runs grew before the later opcodes keeps its meaning (a
    /// step byte of 240 to 255, 1 in 16, meant `byte % 24` and now means
    /// a later opcode: the firmware's extensions and keys, a firmware
    /// update, a small transmit buffer, the AuthorizationKey; 247 to 255
    /// meant other later opcodes before the eighth, 248 to 255 before the
    /// ninth).
    pub fn of(byte: u8) -> u8 {
        if byte < REGISTER {
            byte % COUNT
        } else {
            REGISTER + (byte - REGISTER) % LATER
        }
    }
}

/// Transmit buffers smaller than the harness's 4 KiB: below and at
/// `MIN_TRANSMIT_LEN` (256), and a little larger.
pub(super) const SMALL_BUFFERS: &[usize] = &[16, 255, 256, 300, 1024];

/// Names the firmware registers: vendors (`true`), enough to reach the
/// limit of 8, and actions, of which OCPP 1.6's and one with a space are
/// refused.
pub(super) const NAMES: &[(&str, bool)] = &[
    ("com.acme", true),
    ("Ping", false),
    ("SetLight", false),
    ("com.other", true),
    ("DataTransfer", false),
    ("bad name", false),
    ("com.v3", true),
    ("com.v4", true),
    ("com.v5", true),
    ("com.v6", true),
    ("com.v7", true),
    ("com.v8", true),
    ("com.v9", true),
];

/// The central system's CALLs for the firmware's parts: DataTransfers to
/// vendors, CALLs of actions the firmware may have registered, its keys.
pub const FIRMWARE_CALLS: &[&str] = &[
    r#"[2,"cx1","DataTransfer",{"vendorId":"com.acme","messageId":"ping","data":"42"}]"#,
    r#"[2,"cx2","Ping",{"n":1}]"#,
    r#"[2,"cx3","SetLight",{"on":true,"levels":[1,2,3],"name":"\u00e9\"q"}]"#,
    r#"[2,"cx4","DataTransfer",{"vendorId":"com.other"}]"#,
    r#"[2,"cx5","Ping",[1]]"#,
    r#"[2,"cx6","Unregistered",{}]"#,
    r#"[2,"cx7","ChangeConfiguration",{"key":"LightLevel","value":"7"}]"#,
    r#"[2,"cx8","GetConfiguration",{"key":["LightLevel","Secret","Banner"]}]"#,
    r#"[2,"cx9","ChangeConfiguration",{"key":"LightLevel","value":"high"}]"#,
    r#"[2,"cx10","ChangeConfiguration",{"key":"Banner","value":"x"}]"#,
    r#"[2,"cx11","DataTransfer",{"vendorId":"com.v9","data":"{\"a\":[1,2]}"}]"#,
];

/// The firmware's answers to a CALL it holds (and one more choice:
/// [`long_answer`]).
pub(super) const FIRMWARE_ANSWERS: &[&str] = &[
    r#"{"status":"Accepted","data":"pong"}"#,
    r#"{"status":"Rejected"}"#,
    r#"{}"#,
    r#"{"status":"Maybe"}"#,
    "not json",
    r#"{"n":[1,2,{"deep":true}]}"#,
];

/// A DataTransfer.conf of 5,000 bytes of data: valid, but no frame of
/// the harness's 4 KiB holds its CALLRESULT.
pub(super) fn long_answer() -> String {
    format!(r#"{{"status":"Accepted","data":"{}"}}"#, "x".repeat(5000))
}

/// The firmware's own CALLs; the engine refuses the second, fourth, sixth
/// and seventh.
pub(super) const OWN_CALLS: &[(&str, &str)] = &[
    (
        "DataTransfer",
        r#"{"vendorId":"com.acme","messageId":"m","data":"hi"}"#,
    ),
    ("DataTransfer", r#"{"data":"no vendor"}"#),
    ("Ping", r#"{"n":2}"#),
    ("StatusNotification", r#"{}"#),
    ("FirmwareStatusNotification", r#"{"status":"Installed"}"#),
    ("Ping", "[]"),
    ("bad name", "{}"),
];

/// A configuration key of the firmware's own: name, value, access, check.
pub(super) type FirmwareKey = (&'static str, &'static str, Access, fn(&str) -> bool);

/// Configuration keys of the firmware's own: a validated writable one, a
/// secret, a read-only one, a Core key's name (refused), and a value its
/// check refuses.
pub(super) const FIRMWARE_KEYS: &[FirmwareKey] = &[
    ("LightLevel", "3", Access::ReadWrite, is_digits),
    ("Secret", "s3cr3t", Access::WriteOnly, any_value),
    ("Banner", "hello", Access::ReadOnly, any_value),
    ("HeartbeatInterval", "1", Access::ReadWrite, any_value),
    ("LightLevel", "dim", Access::ReadWrite, is_digits),
];

fn is_digits(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())
}

fn any_value(_: &str) -> bool {
    true
}

/// The configurations the charge point is built with: the first at the
/// start of every program; the others after a firmware update
/// ([`op::REBOOT_RECONFIGURED`]), with fewer or more connectors, queue
/// places, cache entries, StopTxnAlignedData samples and readings than the
/// records were written with.
pub(super) fn config(which: usize) -> Config<'static> {
    let base = Config::new("VendorX", "ModelY")
        .with_connectors(2)
        .with_call_timeout(Duration::from_secs(super::CALL_TIMEOUT_SECS));
    match which % 4 {
        0 => base,
        1 => base
            .with_connectors(1)
            .with_max_queued_messages(2)
            .with_max_cache_entries(1)
            .with_max_stop_aligned_samples(0)
            .with_max_readings(2),
        2 => base
            .with_connectors(3)
            .with_max_queued_messages(4)
            .with_max_pending_authorizations(1),
        _ => base
            .with_max_queued_messages(1)
            .with_max_cache_entries(0)
            .with_max_readings(1),
    }
}

/// How many configurations [`config`] has.
pub(super) const CONFIGS: usize = 4;

//! The configuration keys this charge point knows: one table of name,
//! access and type, and the reading, formatting and writing of each value.

use core::fmt::{self, Write};

use ocpp_model::Measurand;

use super::Secs;
use super::{Measurands, Values};
use crate::tx::meter::MAX_MEASURANDS;

/// Who may read and write a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// GetConfiguration shows it; ChangeConfiguration is Rejected.
    ReadOnly,
    /// Read and written.
    ReadWrite,
    /// Written, never shown (AuthorizationKey).
    WriteOnly,
}

/// A key of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// `AllowOfflineTxForUnknownId` (RW bool).
    AllowOfflineTxForUnknownId,
    /// `AuthorizationCacheEnabled` (RW bool).
    AuthorizationCacheEnabled,
    /// `AuthorizeRemoteTxRequests` (RW bool).
    AuthorizeRemoteTxRequests,
    /// `ClockAlignedDataInterval` (RW seconds; 0: none).
    ClockAlignedDataInterval,
    /// `ConnectionTimeOut` (RW seconds).
    ConnectionTimeOut,
    /// `GetConfigurationMaxKeys` (R).
    GetConfigurationMaxKeys,
    /// `HeartbeatInterval` (RW seconds).
    HeartbeatInterval,
    /// `LocalAuthorizeOffline` (RW bool).
    LocalAuthorizeOffline,
    /// `LocalPreAuthorize` (RW bool).
    LocalPreAuthorize,
    /// `MeterValuesAlignedData` (RW measurands).
    MeterValuesAlignedData,
    /// `MeterValuesAlignedDataMaxLength` (R).
    MeterValuesAlignedDataMaxLength,
    /// `MeterValuesSampledData` (RW measurands).
    MeterValuesSampledData,
    /// `MeterValuesSampledDataMaxLength` (R).
    MeterValuesSampledDataMaxLength,
    /// `MeterValueSampleInterval` (RW seconds; 0: none).
    MeterValueSampleInterval,
    /// `MinimumStatusDuration` (RW seconds).
    MinimumStatusDuration,
    /// `NumberOfConnectors` (R).
    NumberOfConnectors,
    /// `ResetRetries` (RW).
    ResetRetries,
    /// `ConnectorPhaseRotation` (RW; this charge point: `NotApplicable`).
    ConnectorPhaseRotation,
    /// `StopTransactionOnEVSideDisconnect` (RW bool).
    StopTransactionOnEVSideDisconnect,
    /// `StopTransactionOnInvalidId` (RW bool).
    StopTransactionOnInvalidId,
    /// `StopTxnAlignedData` (RW measurands).
    StopTxnAlignedData,
    /// `StopTxnAlignedDataMaxLength` (R).
    StopTxnAlignedDataMaxLength,
    /// `StopTxnSampledData` (RW measurands).
    StopTxnSampledData,
    /// `StopTxnSampledDataMaxLength` (R).
    StopTxnSampledDataMaxLength,
    /// `SupportedFeatureProfiles` (R: `Core`).
    SupportedFeatureProfiles,
    /// `TransactionMessageAttempts` (RW).
    TransactionMessageAttempts,
    /// `TransactionMessageRetryInterval` (RW seconds).
    TransactionMessageRetryInterval,
    /// `UnlockConnectorOnEVSideDisconnect` (RW bool).
    UnlockConnectorOnEVSideDisconnect,
    /// `WebSocketPingInterval` (RW seconds; for the integrator's socket).
    WebSocketPingInterval,
    /// `AuthorizationKey` (W: the Basic-auth password of security profiles 1 and 2).
    AuthorizationKey,
    /// `TransactionMessageQueueMaxLength` (R, this charge point's own:
    /// places of the transaction message queue).
    TransactionMessageQueueMaxLength,
    /// `AuthorizationCacheMaxLength` (R, this charge point's own).
    AuthorizationCacheMaxLength,
    /// `StopTxnAlignedDataMaxSamples` (R, this charge point's own:
    /// clock-aligned samples kept for StopTransactions, all transactions
    /// together).
    StopTxnAlignedDataMaxSamples,
}

impl Key {
    /// Every key, in the order GetConfiguration lists them.
    pub const ALL: &'static [Key] = &[
        Key::AllowOfflineTxForUnknownId,
        Key::AuthorizationCacheEnabled,
        Key::AuthorizeRemoteTxRequests,
        Key::ClockAlignedDataInterval,
        Key::ConnectionTimeOut,
        Key::ConnectorPhaseRotation,
        Key::GetConfigurationMaxKeys,
        Key::HeartbeatInterval,
        Key::LocalAuthorizeOffline,
        Key::LocalPreAuthorize,
        Key::MeterValuesAlignedData,
        Key::MeterValuesAlignedDataMaxLength,
        Key::MeterValuesSampledData,
        Key::MeterValuesSampledDataMaxLength,
        Key::MeterValueSampleInterval,
        Key::MinimumStatusDuration,
        Key::NumberOfConnectors,
        Key::ResetRetries,
        Key::StopTransactionOnEVSideDisconnect,
        Key::StopTransactionOnInvalidId,
        Key::StopTxnAlignedData,
        Key::StopTxnAlignedDataMaxLength,
        Key::StopTxnSampledData,
        Key::StopTxnSampledDataMaxLength,
        Key::SupportedFeatureProfiles,
        Key::TransactionMessageAttempts,
        Key::TransactionMessageRetryInterval,
        Key::UnlockConnectorOnEVSideDisconnect,
        Key::WebSocketPingInterval,
        Key::AuthorizationKey,
        Key::TransactionMessageQueueMaxLength,
        Key::AuthorizationCacheMaxLength,
        Key::StopTxnAlignedDataMaxSamples,
    ];

    /// The key's name on the wire.
    pub const fn name(self) -> &'static str {
        match self {
            Key::AllowOfflineTxForUnknownId => "AllowOfflineTxForUnknownId",
            Key::AuthorizationCacheEnabled => "AuthorizationCacheEnabled",
            Key::AuthorizeRemoteTxRequests => "AuthorizeRemoteTxRequests",
            Key::ClockAlignedDataInterval => "ClockAlignedDataInterval",
            Key::ConnectionTimeOut => "ConnectionTimeOut",
            Key::ConnectorPhaseRotation => "ConnectorPhaseRotation",
            Key::GetConfigurationMaxKeys => "GetConfigurationMaxKeys",
            Key::HeartbeatInterval => "HeartbeatInterval",
            Key::LocalAuthorizeOffline => "LocalAuthorizeOffline",
            Key::LocalPreAuthorize => "LocalPreAuthorize",
            Key::MeterValuesAlignedData => "MeterValuesAlignedData",
            Key::MeterValuesAlignedDataMaxLength => "MeterValuesAlignedDataMaxLength",
            Key::MeterValuesSampledData => "MeterValuesSampledData",
            Key::MeterValuesSampledDataMaxLength => "MeterValuesSampledDataMaxLength",
            Key::MeterValueSampleInterval => "MeterValueSampleInterval",
            Key::MinimumStatusDuration => "MinimumStatusDuration",
            Key::NumberOfConnectors => "NumberOfConnectors",
            Key::ResetRetries => "ResetRetries",
            Key::StopTransactionOnEVSideDisconnect => "StopTransactionOnEVSideDisconnect",
            Key::StopTransactionOnInvalidId => "StopTransactionOnInvalidId",
            Key::StopTxnAlignedData => "StopTxnAlignedData",
            Key::StopTxnAlignedDataMaxLength => "StopTxnAlignedDataMaxLength",
            Key::StopTxnSampledData => "StopTxnSampledData",
            Key::StopTxnSampledDataMaxLength => "StopTxnSampledDataMaxLength",
            Key::SupportedFeatureProfiles => "SupportedFeatureProfiles",
            Key::TransactionMessageAttempts => "TransactionMessageAttempts",
            Key::TransactionMessageRetryInterval => "TransactionMessageRetryInterval",
            Key::UnlockConnectorOnEVSideDisconnect => "UnlockConnectorOnEVSideDisconnect",
            Key::WebSocketPingInterval => "WebSocketPingInterval",
            Key::AuthorizationKey => "AuthorizationKey",
            Key::TransactionMessageQueueMaxLength => "TransactionMessageQueueMaxLength",
            Key::AuthorizationCacheMaxLength => "AuthorizationCacheMaxLength",
            Key::StopTxnAlignedDataMaxSamples => "StopTxnAlignedDataMaxSamples",
        }
    }

    /// The key named `name` (keys are case-sensitive, as in the specification).
    pub fn parse(name: &str) -> Option<Key> {
        Key::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// Who may read and write it.
    pub const fn access(self) -> Access {
        use Key::*;
        match self {
            GetConfigurationMaxKeys
            | MeterValuesAlignedDataMaxLength
            | MeterValuesSampledDataMaxLength
            | NumberOfConnectors
            | StopTxnAlignedDataMaxLength
            | StopTxnSampledDataMaxLength
            | SupportedFeatureProfiles
            | TransactionMessageQueueMaxLength
            | AuthorizationCacheMaxLength
            | StopTxnAlignedDataMaxSamples => Access::ReadOnly,
            AuthorizationKey => Access::WriteOnly,
            _ => Access::ReadWrite,
        }
    }
}

/// What the keys that are not in [`Values`] read: the charge point's bounds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fixed {
    pub(crate) connectors: u8,
    pub(crate) max_keys: u16,
    pub(crate) max_queued: u8,
    pub(crate) max_stop_aligned: u8,
    pub(crate) max_cache: u8,
}

/// Why a value was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The key is read-only.
    ReadOnly,
    /// The value is not of the key's type or out of its range.
    Invalid,
}

impl Values {
    /// Writes the value of `key` (not AuthorizationKey, which is never shown).
    pub(crate) fn write(&self, key: Key, fixed: &Fixed, w: &mut impl Write) -> fmt::Result {
        use Key::*;
        let secs = |d: Secs| d.as_secs();
        match key {
            AllowOfflineTxForUnknownId => write!(w, "{}", self.allow_offline_tx_for_unknown_id),
            AuthorizationCacheEnabled => write!(w, "{}", self.authorization_cache_enabled),
            AuthorizeRemoteTxRequests => write!(w, "{}", self.authorize_remote_tx_requests),
            ClockAlignedDataInterval => write!(w, "{}", secs(self.clock_aligned_data_interval)),
            ConnectionTimeOut => write!(w, "{}", secs(self.connection_time_out)),
            ConnectorPhaseRotation => w.write_str("NotApplicable"),
            GetConfigurationMaxKeys => write!(w, "{}", fixed.max_keys),
            HeartbeatInterval => write!(w, "{}", secs(self.heartbeat_interval)),
            LocalAuthorizeOffline => write!(w, "{}", self.local_authorize_offline),
            LocalPreAuthorize => write!(w, "{}", self.local_pre_authorize),
            MeterValuesAlignedData => write_csl(w, self.meter_values_aligned_data),
            MeterValuesSampledData => write_csl(w, self.meter_values_sampled_data),
            StopTxnAlignedData => write_csl(w, self.stop_txn_aligned_data),
            StopTxnSampledData => write_csl(w, self.stop_txn_sampled_data),
            MeterValuesAlignedDataMaxLength
            | MeterValuesSampledDataMaxLength
            | StopTxnAlignedDataMaxLength
            | StopTxnSampledDataMaxLength => write!(w, "{MAX_MEASURANDS}"),
            MeterValueSampleInterval => write!(w, "{}", secs(self.meter_value_sample_interval)),
            MinimumStatusDuration => write!(w, "{}", secs(self.minimum_status_duration)),
            NumberOfConnectors => write!(w, "{}", fixed.connectors),
            ResetRetries => write!(w, "{}", self.reset_retries),
            StopTransactionOnEVSideDisconnect => {
                write!(w, "{}", self.stop_transaction_on_ev_side_disconnect)
            }
            StopTransactionOnInvalidId => write!(w, "{}", self.stop_transaction_on_invalid_id),
            SupportedFeatureProfiles => w.write_str("Core"),
            TransactionMessageAttempts => write!(w, "{}", self.transaction_message_attempts),
            TransactionMessageRetryInterval => {
                write!(w, "{}", secs(self.transaction_message_retry_interval))
            }
            UnlockConnectorOnEVSideDisconnect => {
                write!(w, "{}", self.unlock_connector_on_ev_side_disconnect)
            }
            WebSocketPingInterval => write!(w, "{}", secs(self.web_socket_ping_interval)),
            AuthorizationKey => Ok(()),
            TransactionMessageQueueMaxLength => write!(w, "{}", fixed.max_queued),
            AuthorizationCacheMaxLength => write!(w, "{}", fixed.max_cache),
            StopTxnAlignedDataMaxSamples => write!(w, "{}", fixed.max_stop_aligned),
        }
    }

    /// Whether `key` has the same value in `self` and `other`, without
    /// formatting either (the configuration record compares every key at
    /// every change of the state).
    pub(crate) fn same(&self, other: &Values, key: Key) -> bool {
        use Key::*;
        let (a, b) = (self, other);
        match key {
            AllowOfflineTxForUnknownId => {
                a.allow_offline_tx_for_unknown_id == b.allow_offline_tx_for_unknown_id
            }
            AuthorizationCacheEnabled => {
                a.authorization_cache_enabled == b.authorization_cache_enabled
            }
            AuthorizeRemoteTxRequests => {
                a.authorize_remote_tx_requests == b.authorize_remote_tx_requests
            }
            ClockAlignedDataInterval => {
                a.clock_aligned_data_interval == b.clock_aligned_data_interval
            }
            ConnectionTimeOut => a.connection_time_out == b.connection_time_out,
            HeartbeatInterval => a.heartbeat_interval == b.heartbeat_interval,
            LocalAuthorizeOffline => a.local_authorize_offline == b.local_authorize_offline,
            LocalPreAuthorize => a.local_pre_authorize == b.local_pre_authorize,
            MeterValuesAlignedData => a.meter_values_aligned_data == b.meter_values_aligned_data,
            MeterValuesSampledData => a.meter_values_sampled_data == b.meter_values_sampled_data,
            StopTxnAlignedData => a.stop_txn_aligned_data == b.stop_txn_aligned_data,
            StopTxnSampledData => a.stop_txn_sampled_data == b.stop_txn_sampled_data,
            MeterValueSampleInterval => {
                a.meter_value_sample_interval == b.meter_value_sample_interval
            }
            MinimumStatusDuration => a.minimum_status_duration == b.minimum_status_duration,
            ResetRetries => a.reset_retries == b.reset_retries,
            StopTransactionOnEVSideDisconnect => {
                a.stop_transaction_on_ev_side_disconnect == b.stop_transaction_on_ev_side_disconnect
            }
            StopTransactionOnInvalidId => {
                a.stop_transaction_on_invalid_id == b.stop_transaction_on_invalid_id
            }
            TransactionMessageAttempts => {
                a.transaction_message_attempts == b.transaction_message_attempts
            }
            TransactionMessageRetryInterval => {
                a.transaction_message_retry_interval == b.transaction_message_retry_interval
            }
            UnlockConnectorOnEVSideDisconnect => {
                a.unlock_connector_on_ev_side_disconnect == b.unlock_connector_on_ev_side_disconnect
            }
            WebSocketPingInterval => a.web_socket_ping_interval == b.web_socket_ping_interval,
            // Not in `Values`: the configuration block keeps it.
            AuthorizationKey => true,
            // Facts of the build: the same in every charge point of it.
            ConnectorPhaseRotation
            | GetConfigurationMaxKeys
            | MeterValuesAlignedDataMaxLength
            | MeterValuesSampledDataMaxLength
            | NumberOfConnectors
            | StopTxnAlignedDataMaxLength
            | StopTxnSampledDataMaxLength
            | SupportedFeatureProfiles
            | TransactionMessageQueueMaxLength
            | AuthorizationCacheMaxLength
            | StopTxnAlignedDataMaxSamples => true,
        }
    }

    /// Parses `value` for `key` and sets it; nothing changes on `Err`.
    pub(crate) fn set(&mut self, key: Key, value: &str) -> Result<(), Refusal> {
        use Key::*;
        if key.access() == Access::ReadOnly {
            return Err(Refusal::ReadOnly);
        }
        match key {
            AllowOfflineTxForUnknownId => self.allow_offline_tx_for_unknown_id = boolean(value)?,
            AuthorizationCacheEnabled => self.authorization_cache_enabled = boolean(value)?,
            AuthorizeRemoteTxRequests => self.authorize_remote_tx_requests = boolean(value)?,
            ClockAlignedDataInterval => self.clock_aligned_data_interval = seconds(value)?,
            ConnectionTimeOut => self.connection_time_out = seconds(value)?,
            // Only one phase rotation is true of this charge point.
            ConnectorPhaseRotation if value == "NotApplicable" => {}
            ConnectorPhaseRotation => return Err(Refusal::Invalid),
            HeartbeatInterval => self.heartbeat_interval = seconds(value)?,
            LocalAuthorizeOffline => self.local_authorize_offline = boolean(value)?,
            LocalPreAuthorize => self.local_pre_authorize = boolean(value)?,
            MeterValuesAlignedData => self.meter_values_aligned_data = csl(value)?,
            MeterValuesSampledData => self.meter_values_sampled_data = csl(value)?,
            StopTxnAlignedData => self.stop_txn_aligned_data = csl(value)?,
            StopTxnSampledData => self.stop_txn_sampled_data = csl(value)?,
            MeterValueSampleInterval => self.meter_value_sample_interval = seconds(value)?,
            MinimumStatusDuration => self.minimum_status_duration = seconds(value)?,
            ResetRetries => self.reset_retries = small(value)?,
            StopTransactionOnEVSideDisconnect => {
                self.stop_transaction_on_ev_side_disconnect = boolean(value)?;
            }
            StopTransactionOnInvalidId => self.stop_transaction_on_invalid_id = boolean(value)?,
            TransactionMessageAttempts => {
                let n = small(value)?;
                self.transaction_message_attempts = if n == 0 {
                    return Err(Refusal::Invalid);
                } else {
                    n
                };
            }
            TransactionMessageRetryInterval => {
                self.transaction_message_retry_interval = seconds(value)?;
            }
            UnlockConnectorOnEVSideDisconnect => {
                self.unlock_connector_on_ev_side_disconnect = boolean(value)?;
            }
            WebSocketPingInterval => self.web_socket_ping_interval = seconds(value)?,
            // Not in `Values`: `Configuration` sets it (see `set_key`).
            AuthorizationKey => return Err(Refusal::Invalid),
            GetConfigurationMaxKeys
            | MeterValuesAlignedDataMaxLength
            | MeterValuesSampledDataMaxLength
            | NumberOfConnectors
            | StopTxnAlignedDataMaxLength
            | StopTxnSampledDataMaxLength
            | SupportedFeatureProfiles
            | TransactionMessageQueueMaxLength
            | AuthorizationCacheMaxLength
            | StopTxnAlignedDataMaxSamples => return Err(Refusal::ReadOnly),
        }
        Ok(())
    }
}

/// `true` or `false` (the specification's spelling; case-insensitive, as
/// central systems write both).
fn boolean(v: &str) -> Result<bool, Refusal> {
    if v.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if v.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(Refusal::Invalid)
    }
}

/// A non-negative number of seconds, at most a day short of 68 years (i32).
fn seconds(v: &str) -> Result<Secs, Refusal> {
    let n: i32 = v.parse().map_err(|_| Refusal::Invalid)?;
    let n = u32::try_from(n).map_err(|_| Refusal::Invalid)?;
    Ok(Secs::from_secs(n))
}

/// A count of 0..=255.
fn small(v: &str) -> Result<u8, Refusal> {
    v.parse().map_err(|_| Refusal::Invalid)
}

/// A comma-separated list of measurands, at most [`MAX_MEASURANDS`] of
/// them (the published `*MaxLength`); an empty value is the empty set.
fn csl(v: &str) -> Result<Measurands, Refusal> {
    let mut set = Measurands::NONE;
    if v.trim().is_empty() {
        return Ok(set);
    }
    for item in v.split(',') {
        let m = Measurand::parse(item.trim()).map_err(|_| Refusal::Invalid)?;
        set = set.with(m);
    }
    if set.len() > MAX_MEASURANDS {
        return Err(Refusal::Invalid);
    }
    Ok(set)
}

fn write_csl(w: &mut impl Write, set: Measurands) -> fmt::Result {
    for (i, m) in set.iter().enumerate() {
        if i > 0 {
            w.write_char(',')?;
        }
        w.write_str(m.as_str())?;
    }
    Ok(())
}

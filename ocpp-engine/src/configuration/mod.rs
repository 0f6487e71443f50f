//! Configuration (OCPP 1.6 §9.1, §5.3, §5.8): the Core keys as typed values
//! the other blocks read through [`Cx::config`](crate::block::Cx),
//! GetConfiguration and ChangeConfiguration, and the firmware's own writes.
//! Values are inline: the configuration takes no pool memory, except a
//! GetConfiguration answer's unknown keys while it waits to be sent.

mod block;
mod keys;

use ocpp_model::Measurand;
use serde::Serialize;

use crate::time::{Duration, Instant};
pub(crate) use block::Configuration;
pub use keys::{Access, Key};

/// The longest GetConfiguration.conf of every Core key (every measurand
/// list at its longest, a message id of 36 characters): what a transmit
/// buffer must hold to answer "all keys", before the firmware's own keys
/// (add each one's name and value, plus 40 bytes).
pub const GET_CONFIGURATION_ALL_LEN: usize = 2700;
pub(crate) use keys::{Fixed, Refusal};

/// A set of measurands (a CSL of `MeterValuesSampledData` and friends), one
/// bit per [`Measurand`]: no allocation, and a fixed order on the wire
/// (the order of the specification).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Measurands(u32);

impl Measurands {
    /// The empty set.
    pub const NONE: Measurands = Measurands(0);

    /// The set with `m` added.
    pub const fn with(self, m: Measurand) -> Self {
        Measurands(self.0 | 1 << m as u32)
    }

    /// Whether `m` is in the set.
    pub const fn contains(self, m: Measurand) -> bool {
        self.0 & 1 << m as u32 != 0
    }

    /// The measurands of the set, in the order of the specification.
    pub fn iter(self) -> impl Iterator<Item = Measurand> {
        Measurand::ALL
            .iter()
            .copied()
            .filter(move |&m| self.contains(m))
    }

    /// How many measurands the set holds.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// A configured time in whole seconds, as OCPP's integer keys give it
/// (0 to `i32::MAX`), in 4 bytes where a [`Duration`] takes 8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Secs(u32);

impl Secs {
    pub(crate) const ZERO: Secs = Secs(0);

    pub(crate) const fn from_secs(s: u32) -> Self {
        Secs(s)
    }

    /// The nearest `Secs` to `d`, rounded down (at most `u32::MAX`).
    pub(crate) fn from_duration(d: Duration) -> Self {
        Secs(u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
    }

    pub(crate) const fn get(self) -> Duration {
        Duration::from_secs(self.0 as u64)
    }

    pub(crate) const fn as_secs(self) -> u32 {
        self.0
    }

    pub(crate) const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub(crate) const fn as_millis(self) -> u64 {
        self.get().as_millis()
    }
}

impl core::ops::Add<Secs> for Instant {
    type Output = Instant;

    fn add(self, s: Secs) -> Instant {
        self + s.get()
    }
}

/// The values of the Core keys the engine acts on. Times are in seconds,
/// on the wire and here ([`Secs`]); zero disables what it times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Values {
    pub(crate) allow_offline_tx_for_unknown_id: bool,
    pub(crate) authorization_cache_enabled: bool,
    pub(crate) authorize_remote_tx_requests: bool,
    pub(crate) clock_aligned_data_interval: Secs,
    pub(crate) connection_time_out: Secs,
    pub(crate) local_authorize_offline: bool,
    pub(crate) local_pre_authorize: bool,
    pub(crate) meter_values_aligned_data: Measurands,
    pub(crate) meter_values_sampled_data: Measurands,
    pub(crate) meter_value_sample_interval: Secs,
    pub(crate) minimum_status_duration: Secs,
    pub(crate) stop_transaction_on_ev_side_disconnect: bool,
    pub(crate) stop_transaction_on_invalid_id: bool,
    pub(crate) stop_txn_aligned_data: Measurands,
    pub(crate) stop_txn_sampled_data: Measurands,
    pub(crate) transaction_message_attempts: u8,
    pub(crate) transaction_message_retry_interval: Secs,
    pub(crate) unlock_connector_on_ev_side_disconnect: bool,
    pub(crate) heartbeat_interval: Secs,
    pub(crate) reset_retries: u8,
    pub(crate) web_socket_ping_interval: Secs,
}

/// `AuthorizationKey`: up to 40 printable ASCII characters, write-only on
/// the wire; the firmware reads it for HTTP Basic authentication. Not one
/// of the [`Values`]: the configuration block keeps it in the pool once it
/// is set, so that a charge point without one keeps no room for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AuthorizationKey {
    len: u8,
    bytes: [u8; 40],
}

impl Serialize for AuthorizationKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.bytes.get(..usize::from(self.len)).unwrap_or(&[]))
    }
}

impl AuthorizationKey {
    pub(crate) fn new(v: &str) -> Result<Self, Refusal> {
        let ok = !v.is_empty() && v.len() <= 40 && v.bytes().all(|b| (0x20..=0x7e).contains(&b));
        let mut key = AuthorizationKey {
            len: 0,
            bytes: [0; 40],
        };
        match key.bytes.get_mut(..v.len()) {
            Some(bytes) if ok => bytes.copy_from_slice(v.as_bytes()),
            _ => return Err(Refusal::Invalid),
        }
        key.len = u8::try_from(v.len()).map_err(|_| Refusal::Invalid)?;
        Ok(key)
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        let s = self.bytes.get(..usize::from(self.len))?;
        core::str::from_utf8(s).ok().filter(|s| !s.is_empty())
    }
}

impl Values {
    /// The values a charge point starts with: what the specification
    /// suggests where it does, otherwise the conservative choice. The
    /// authorization cache is off (the specification leaves it to the
    /// charge point; MicroOcpp ships it off too): enabled, it keeps memory
    /// for every idTag it learns, up to `Config::max_cache_entries`, and an
    /// integrator who wants it says so with `configure`.
    pub(crate) const DEFAULT: Values = Values {
        allow_offline_tx_for_unknown_id: false,
        authorization_cache_enabled: false,
        authorize_remote_tx_requests: true,
        clock_aligned_data_interval: Secs::ZERO,
        connection_time_out: Secs::from_secs(60),
        local_authorize_offline: true,
        local_pre_authorize: false,
        meter_values_aligned_data: Measurands::NONE.with(Measurand::EnergyActiveImportRegister),
        meter_values_sampled_data: Measurands::NONE.with(Measurand::EnergyActiveImportRegister),
        meter_value_sample_interval: Secs::from_secs(60),
        minimum_status_duration: Secs::ZERO,
        stop_transaction_on_ev_side_disconnect: true,
        stop_transaction_on_invalid_id: true,
        stop_txn_aligned_data: Measurands::NONE,
        stop_txn_sampled_data: Measurands::NONE,
        transaction_message_attempts: 3,
        transaction_message_retry_interval: Secs::from_secs(60),
        unlock_connector_on_ev_side_disconnect: true,
        heartbeat_interval: Secs::ZERO,
        reset_retries: 1,
        web_socket_ping_interval: Secs::ZERO,
    };
}
